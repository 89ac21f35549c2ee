"""Grade one learner notebook against the test cells of its lesson.

The verdicts come from this (trusted) process, which never runs a line of
the learner's code: the learner's cells run in a :class:`~autograder.
sandbox.Sandbox`; the test cells, taken from the instructor's notebook in
``solutions/`` (hidden tests included), run here, where every name they read
from the learner's notebook is a :class:`~autograder.sandbox.RemoteFunction`
or a plain-data copy.
What the learner did to the test cells of their own copy (edited, deleted,
moved) does not matter: they are never run.
"""

import ast
import builtins
import contextlib
import hashlib
import io
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
import numpy as np

from autograder import sandbox as sb
from coursetools import checks

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LESSON_RE = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")


class GradeRefused(Exception):
    """The notebook cannot be graded; the message is one line saying why."""


class GradingFault(GradeRefused):
    """The grading machine failed (a sandbox that does not start, a broken
    installation), not the notebook: no score, and the notebook is to be
    graded again once the machine is fixed. One line saying why."""


@dataclass
class TestResult:
    id: str
    score: float
    max_score: float
    passed: bool
    message: str = ""
    description: str = ""


@dataclass
class Report:
    lesson: str
    score: float
    max_score: float
    tests: list
    sandbox: str = ""
    notes: list = field(default_factory=list)
    cells: dict = field(default_factory=dict)   # learner cell index -> run
    visible_only: bool = False   # graded by the notebook's own checks

    def to_json(self):
        """The grading command's JSON object."""
        return {"lesson": self.lesson, "score": self.score,
                "max_score": self.max_score,
                "tests": [{k: v for k, v in asdict(t).items()
                           if k != "description"} for t in self.tests],
                "sandbox": self.sandbox, "notes": self.notes,
                "visible_only": self.visible_only}


# -- reading notebooks -----------------------------------------------------
def read_notebook(path):
    """Read and validate a notebook file, or raise GradeRefused."""
    path = Path(path)
    if not path.is_file():
        raise GradeRefused(f"no such file: {path}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GradeRefused(f"cannot read {path}: {exc.strerror}") from None
    return parse_notebook(raw, str(path))


def parse_notebook(raw, name="notebook"):
    """Parse notebook bytes, or raise GradeRefused with a one-line reason."""
    if not raw.strip():
        raise GradeRefused(f"{name} is empty, not a notebook")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GradeRefused(f"{name} is not valid JSON ({exc}); "
                           "is the file truncated?") from None
    if not (isinstance(data, dict) and isinstance(data.get("cells"), list)
            and isinstance(data.get("nbformat"), int)):
        raise GradeRefused(f"{name} is JSON but not a Jupyter notebook "
                           "(no 'cells' list or 'nbformat')")
    try:
        nb = nbformat.reads(raw, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds
        text = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise GradeRefused(f"{name} is not a valid notebook: "
                           f"{type(exc).__name__} {text}") from None
    return nb


# -- lessons and their tests -----------------------------------------------
def lessons(solutions=SOLUTIONS):
    """``{lesson id: path}`` of the instructor notebooks."""
    return {p.stem: p for p in sorted(Path(solutions).glob("*.ipynb"))
            if LESSON_RE.match(p.stem)}


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell):
    """An autograded test cell: graded code that is not a solution."""
    meta = _meta(cell)
    return (cell.get("cell_type") == "code" and meta.get("grade") is True
            and not meta.get("solution"))


def grade_ids(nb):
    return {_meta(c).get("grade_id") for c in nb.cells} - {None}


def identify_lesson(nb, path=None, solutions=SOLUTIONS):
    """The lesson a learner notebook belongs to, or raise GradeRefused.

    The notebook's own metadata is asked first, then the file name, then
    which lesson's graded cells it carries (a renamed copy still works).
    """
    known = lessons(solutions)
    meta = nb.get("metadata", {}).get("course", {})
    lesson = meta.get("lesson") if isinstance(meta, dict) else None
    if lesson in known:
        return lesson
    if path is not None:
        stem = Path(path).stem
        if stem in known:
            return stem
    ids = grade_ids(nb)
    best, overlap = None, 0
    for lesson, sol_path in known.items():
        common = len(ids & grade_ids(nbformat.read(sol_path, 4)))
        if common > overlap:
            best, overlap = lesson, common
    if best is None:
        where = f" {Path(path).name}" if path else ""
        raise GradeRefused(
            f"unknown lesson: notebook{where} matches none of "
            f"{', '.join(known) or 'the lessons'}")
    return best


@dataclass
class TestCell:
    id: str
    points: float
    source: str
    description: str


def test_cells(source_nb):
    """The graded test cells of an instructor notebook, in order."""
    found = []
    for cell in source_nb.cells:
        if is_test_cell(cell):
            meta = _meta(cell)
            found.append(TestCell(str(meta["grade_id"]),
                                  float(meta.get("points", 0)),
                                  cell.source, _docstring(cell.source)))
    return found


def _docstring(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    doc = ast.get_docstring(tree, clean=True) if tree.body else None
    return (doc or "").splitlines()[0] if doc else ""


def demo_cell(cell):
    """A cell of the instructor's notebook that only demonstrates (trains
    on the digits, sweeps a hundred seeds, draws a figure) and defines
    nothing a test needs: metadata ``"course": {"grading": "skip"}``."""
    course = cell.get("metadata", {}).get("course") or {}
    return cell.get("cell_type") == "code" and course.get("grading") == "skip"


def learner_cells(nb, source_nb):
    """``(index, source)`` of the code cells to run in the sandbox: every
    code cell except the lesson's test cells, with cells that are locked in
    the instructor's notebook run as it has them (as nbgrader's
    ``OverwriteCells`` does), so an edited given cell changes nothing.
    The instructor's demonstration cells (:func:`demo_cell`) are left out
    where the learner's copy is unchanged: grading stays fast, and a right
    but slow function does not spend the submission's time budget in a
    demonstration. A cell the learner wrote or changed always runs."""
    locked = {_meta(c).get("grade_id"): c.source for c in source_nb.cells
              if c.get("cell_type") == "code" and _meta(c).get("locked")
              and not is_test_cell(c) and _meta(c).get("grade_id")}
    demos = {c.source.strip() for c in source_nb.cells if demo_cell(c)}
    tests = {t.id for t in test_cells(source_nb)}
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        grade_id = _meta(cell).get("grade_id")
        if is_test_cell(cell) and grade_id in tests:
            continue
        if cell.source.strip() in demos:
            continue
        cells.append((index, locked.get(grade_id, cell.source)))
    return cells


# -- running a test cell here, against the sandbox ----------------------------
def free_names(source):
    """Names a test cell reads without defining them itself."""
    tree = ast.parse(source)
    loaded, stored = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(
                node.id)
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                               ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored.update((a.asname or a.name).split(".")[0]
                          for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            stored.add(node.name)
    return sorted(n for n in loaded - stored if not hasattr(builtins, n))


def hidden_module(lesson):
    """The trusted module of ``lesson``'s hidden tests
    (``autograder/hidden/lessonNN.py``), or None."""
    import importlib

    try:
        return importlib.import_module(f"autograder.hidden.lesson{lesson[:2]}")
    except ModuleNotFoundError:
        return None


def stand_ins(lesson, test_id):
    """``{name: trusted function}`` that replace earlier exercises in the
    learner's namespace while test ``test_id`` calls the learner's code:
    the hidden module's ``STAND_INS``, so one mistake is counted once."""
    module = hidden_module(lesson)
    return dict(getattr(module, "STAND_INS", {}).get(test_id, {}))


def _seed(lesson, test_id, code):
    digest = hashlib.sha256(
        f"{lesson}\0{test_id}\0{code}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _explain(exc, missing, cell_errors):
    """A learner-facing sentence for an exception out of a test cell."""
    if isinstance(exc, checks.CheckFailed):
        return str(exc)
    if isinstance(exc, (sb.LearnerTimeout, sb.LearnerCrash)):
        return str(exc)
    if isinstance(exc, sb.LearnerError):
        fn = exc.function or "your function"
        if isinstance(exc, NotImplementedError):
            return (f"`{fn}` is not written yet: it still raises "
                    "NotImplementedError. Replace the `raise` line with "
                    "your code.")
        where = ""
        if exc.where:
            line = exc.where[-1][1].strip()
            where = f" at the line `{line}`" if line else ""
        return (f"Calling `{fn}` raised {exc.type_name}{where}: "
                f"{exc}".rstrip(": "))
    if isinstance(exc, NameError):
        name = getattr(exc, "name", None) or str(exc)
        if name in missing:
            text = (f"`{name}` is not defined in your notebook: run or "
                    "restore the cell that defines it")
            if cell_errors:
                text += f" ({cell_errors[0]})"
            return text + "."
    return (f"The test could not check your answer: "
            f"{type(exc).__name__}: {exc}")


def run_test(test, sandbox, lesson, code_digest, cell_errors,
             bindings=None):
    """Run one test cell here; a TestResult.

    ``bindings`` maps a name the test reads to another name of the
    learner's namespace to bind in its place (the course's own proofs use
    it to submit many candidate answers to one sandbox).
    """
    bindings = bindings or {}
    try:
        names = free_names(test.source)
    except SyntaxError as exc:
        return TestResult(test.id, 0.0, test.points, False,
                          f"grader error: test cell does not parse: {exc}",
                          test.description)
    namespace = {"__builtins__": builtins, "__name__": "__grader__",
                 "np": np}
    wanted = [n for n in names if n not in namespace]
    missing = set()
    replaced = stand_ins(lesson, test.id)
    try:
        if wanted:
            targets = [bindings.get(n, n) for n in wanted]
            found = sandbox.describe(targets)
            for name, target in zip(wanted, targets):
                kind, value = found[target]
                if kind == "function":
                    namespace[name] = sb.RemoteFunction(
                        sandbox, target,
                        {k: v for k, v in replaced.items() if k != name})
                elif kind == "value":
                    namespace[name] = value
                else:
                    missing.add(name)
        checks.GRADING_SEED = _seed(lesson, test.id, code_digest)
        checks.IN_GRADER = True
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(test.source, f"<test {test.id}>", "exec"),
                 namespace)
    except sb.SandboxFault:  # the machine's, never the learner's result
        raise
    except Exception as exc:  # every failure becomes a message
        return TestResult(test.id, 0.0, test.points, False,
                          _explain(exc, missing, cell_errors),
                          test.description)
    finally:
        checks.GRADING_SEED = 0
        checks.IN_GRADER = False
    return TestResult(test.id, test.points, test.points, True, "",
                      test.description)


def _cell_errors(sandbox):
    """One phrase per learner cell that failed, in notebook order."""
    sources = dict(sandbox.cells)
    out = []
    for index in sorted(sandbox.reports):
        report = sandbox.reports[index]
        status = report.get("status")
        error = report.get("error") or {}
        first = next((line.strip() for line in
                      sources.get(index, "").splitlines() if line.strip()),
                     "")
        name = f"cell {index + 1}" + (
            f" (`{first[:40]}{'…' if len(first) > 40 else ''}`)"
            if first else "")
        hung = report.get("hung")
        if status == "error" and error.get("type") == "NotCalledAgain":
            out.append(f"{name} was cut short: {error.get('message')}")
        elif status == "error":
            message = str(error.get("message") or "")[:200]
            if error.get("type") == "NotImplementedError":
                message = "an exercise it uses is not written yet"
            out.append(f"{name} raised {error.get('type')}"
                       + (f": {message}" if message else ""))
        elif status == "timeout":
            inside = (f" (in {hung[0]})" if isinstance(hung, list) and hung
                      else "")
            out.append(f"{name} did not finish in time{inside} and was "
                       "skipped")
        elif status == "crashed":
            out.append(f"{name} ended the Python process "
                       f"({error.get('message')}) and was skipped")
        elif status == "skipped":
            out.append(f"{name} was {error.get('message') or 'not run'}")
    return out


def grade(nb, lesson, source_nb=None, limits=None, isolation="auto"):
    """Grade notebook ``nb`` of ``lesson``; a :class:`Report`.

    Raises :class:`GradingFault` when the grading machine failed (the
    sandbox did not start, twice): that is no result of the notebook's.
    """
    if source_nb is None:
        source_nb = nbformat.read(lessons()[lesson], 4)
    tests = test_cells(source_nb)
    cells = learner_cells(nb, source_nb)
    digest = hashlib.sha256(
        "\0".join(s for _, s in cells).encode()).hexdigest()
    try:
        box = sb.Sandbox(cells, limits=limits, isolation=isolation)
        try:
            results, notes = _run_tests(box, tests, lesson, digest)
        finally:
            box.close()
    except sb.SandboxFault as exc:
        raise GradingFault(f"a fault of the grading machine, not of the "
                           f"notebook: {exc}") from None
    if box.isolation != "bwrap":
        notes.append("The notebook ran without bubblewrap isolation ("
                     + (sb.bwrap_refusal() or "not asked for") + ").")
    return Report(lesson=lesson,
                  score=float(sum(r.score for r in results)),
                  max_score=float(sum(r.max_score for r in results)),
                  tests=results, sandbox=box.isolation, notes=notes,
                  cells={i: r for i, r in box.reports.items()})


def _run_tests(box, tests, lesson, digest):
    """Start ``box`` and run every test against it: ``(results, notes)``.
    Raises :class:`~autograder.sandbox.SandboxFault`."""
    results, skipped = [], {}
    try:
        box.start()
    except sb.SandboxError as exc:
        errors = _cell_errors(box)
        message = str(exc)
        if errors:
            message += " (" + "; ".join(errors[:3]) + ")"
        results = [TestResult(t.id, 0.0, t.points, False, message,
                              t.description) for t in tests]
    else:
        errors = _cell_errors(box)
        for t in tests:
            before = len(box.skipped_calls)
            results.append(run_test(t, box, lesson, digest, errors))
            if box.fault:  # raised where a test's code swallowed it
                raise sb.SandboxFault(box.fault)
            for label in box.skipped_calls[before:]:
                skipped.setdefault(label, []).append(t.id)
    notes = [e[0].upper() + e[1:] + "." for e in errors]
    for label, ids in skipped.items():
        notes.append(f"{label} timed out, so it was not called again: "
                     f"{len(ids)} later call{'s' * (len(ids) != 1)} "
                     f"failed at once (in {', '.join(dict.fromkeys(ids))}).")
    over = [r.id for r in results if r.message.startswith(
        box.over_budget())]
    if over:
        notes.append(f"Your notebook's code used up its time budget of "
                     f"{box.limits.total_timeout:g} s: "
                     + (f"{len(over)} tests were" if len(over) != 1
                        else "1 test was") + f" not run ({', '.join(over)}).")
    for reason in box.start_failures:
        notes.append(f"The sandbox failed to start once ({reason}) and "
                     "was started again.")
    return results, notes


#: Said when a notebook is graded by its own visible checks only.
VISIBLE_ONLY = ("Visible checks only: the lesson's hidden tests are not "
                "installed here, so this is the score of the checks in your "
                "notebook; your instructor grades your submission with the "
                "hidden tests.")


def solutions_dir():
    """Where the instructor notebooks (the hidden tests) are:
    ``$BACKPROP_SOLUTIONS``, or the course's own ``solutions/``."""
    return Path(os.environ.get("BACKPROP_SOLUTIONS") or SOLUTIONS)


def grade_file(path, limits=None, isolation="auto"):
    """Read, identify and grade a learner notebook file.

    Where no instructor notebooks are at hand (a JupyterHub that received
    the released lessons only), the notebook is graded by its own visible
    checks, and the report says so.
    """
    nb = read_notebook(path)
    solutions = solutions_dir()
    known = lessons(solutions)
    if known:
        lesson = identify_lesson(nb, path, solutions)
        return grade(nb, lesson, source_nb=nbformat.read(known[lesson], 4),
                     limits=limits, isolation=isolation)
    meta = nb.get("metadata", {}).get("course", {})
    lesson = meta.get("lesson") if isinstance(meta, dict) else None
    if not (isinstance(lesson, str) and LESSON_RE.match(lesson)):
        lesson = Path(path).stem
    if not LESSON_RE.match(lesson):
        raise GradeRefused(f"unknown lesson: {Path(path).name} names no "
                           "lesson of the course, and no instructor "
                           "notebooks are installed here")
    report = grade(nb, lesson, source_nb=nb, limits=limits,
                   isolation=isolation)
    report.notes.insert(0, VISIBLE_ONLY)
    report.visible_only = True
    return report


def format_report(report, path=""):
    """The readable report a learner sees."""
    lines = [f"{report.lesson}: {report.score:g} / {report.max_score:g} "
             "points" + (" of the visible checks" if report.visible_only
                         else "") + (f"  ({path})" if path else "")]
    width = max((len(t.id) for t in report.tests), default=0)
    for t in report.tests:
        mark = "PASS" if t.passed else "FAIL"
        lines.append(f"  {mark}  {t.id:<{width}}  {t.score:g}/"
                     f"{t.max_score:g}  {t.description}")
        if t.message:
            lines.extend("        " + line for line in
                         _wrap(t.message, 70))
    for note in report.notes:
        lines.append("  note: " + note)
    return "\n".join(lines)


def _wrap(text, width):
    import textwrap
    out = []
    for para in str(text).splitlines() or [""]:
        out.extend(textwrap.wrap(para, width) or [""])
    return out
