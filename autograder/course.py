"""``python -m autograder course DIR``: an nbgrader course directory.

The directory gets an ``nbgrader_config.py`` that applies
:func:`autograder.nbgrader_config.configure`, and ``source/<lesson>/`` with
each instructor notebook from ``solutions/``, plus the instructor's private
hidden cases from ``DIR/private/<lesson>.py`` where there is such a file
(:func:`with_private_cases`).
Refreshing an existing ``source/`` shows what changes, notebook by notebook,
and asks before overwriting (on a terminal) or needs ``--force``.
From there the instructor uses nbgrader's own commands (see README).
"""

import ast
import difflib
import sys
from pathlib import Path

import nbformat

from autograder import grading

CONFIG = '''\
# nbgrader configuration of a Backpropagation from Scratch course.
# Written by `python -m autograder course`; add your own settings below,
# for example c.CourseDirectory.db_url = "postgresql://..." .
from autograder.nbgrader_config import configure

c = get_config()  # noqa: F821 (provided by nbgrader)
configure(c)
'''

PRIVATE_README = """\
# Private hidden cases of this course (instructor only)

A file `<lesson>.py` here (e.g. `01-sigmoid-neuron.py`) adds hidden cases
to that lesson's tests in `source/`, which the learners never see: the
public repository's `solutions/` and `autograder/hidden/` are the
self-paced answer key, readable by anyone who clones the course.

A function named like a test cell (`def test_sigmoid_values(sigmoid):`)
runs at the end of that test, in the grader's trusted process, with the
learner's functions named by its arguments; a failing check
(`coursetools.checks.assert_close`, `CheckFailed`, `assert`) fails the test
with its message. Imports and helpers at the top of the file are available
to every such function.
After editing, run `python -m autograder course .` here (it shows the
changes and asks), then `nbgrader generate_assignment <lesson> --force`
and autograde again. Keep this folder out of anything you publish.
"""

MARK = "# private cases of this course directory"


class CourseError(Exception):
    """The course directory cannot be written as asked; one line why."""


def _test_ids(nb):
    return [grading._meta(c).get("grade_id") for c in nb.cells
            if grading.is_test_cell(c)]


def with_private_cases(source_nb, private_file):
    """``source_nb`` with the hidden cases of ``private_file`` added to its
    test cells, as hidden tests (``### BEGIN HIDDEN TESTS``: nbgrader's
    ``generate_assignment`` leaves them out of the released notebook).

    Each top-level function of the file named like a test cell (its
    ``grade_id``) becomes a block at the end of that cell: the file's
    other top-level statements (imports, helpers), the function, and a
    call of it with the names of its arguments, which the grader binds to
    the learner's functions (the code runs from a string, in a namespace of
    its own). Raises :class:`CourseError` for a file that
    does not parse or a ``test_`` function that matches no test cell.
    """
    text = Path(private_file).read_text()
    try:
        tree = ast.parse(text, str(private_file))
    except SyntaxError as exc:
        raise CourseError(f"{private_file} does not parse: {exc}") from None
    ids = _test_ids(source_nb)
    cases, preamble = {}, []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in ids:
            cases[node.name] = node
        elif isinstance(node, ast.FunctionDef) and \
                node.name.startswith("test_"):
            raise CourseError(
                f"{Path(private_file).name}: {node.name} matches no test "
                f"of this lesson ({', '.join(ids)})")
        elif not (isinstance(node, ast.Expr) and node is tree.body[0]
                  and isinstance(node.value, ast.Constant)):  # docstring
            preamble.append(ast.get_source_segment(text, node))
    nb = nbformat.from_dict(source_nb)
    name = Path(private_file).name
    for cell in nb.cells:
        node = cases.get(grading._meta(cell).get("grade_id"))
        if node is None:
            continue
        args = ", ".join(a.arg for a in node.args.args)
        code = "\n\n".join([*preamble, ast.get_source_segment(text, node)])
        # run from a string: the function's parameters, named like the
        # learner's functions, must not hide them from the grader, which
        # binds the names a test cell reads
        block = "\n".join([
            "### BEGIN HIDDEN TESTS", f"{MARK} (private/{name})",
            "_private = {}",
            f"exec(compile({code!r}, {('private/' + name)!r}, 'exec'), "
            "_private)",
            f"_private[{node.name!r}]({args})", "### END HIDDEN TESTS"])
        cell.source = cell.source.rstrip("\n") + "\n" + block
    return nb


def build(lesson, path, root):
    """The source notebook of ``lesson`` for course directory ``root``:
    the instructor notebook at ``path`` with the private cases of
    ``root/private/<lesson>.py``, if any."""
    nb = nbformat.read(str(path), 4)
    private = Path(root) / "private" / f"{lesson}.py"
    if private.is_file():
        nb = with_private_cases(nb, private)
    return nb


def summary(old_nb, new_nb):
    """One line on how ``new_nb`` differs from ``old_nb``, or None."""
    def cells(nb):
        return [(grading._meta(c).get("grade_id") or f"cell {i + 1}",
                 c.cell_type, c.source) for i, c in enumerate(nb.cells)]

    old, new = cells(old_nb), cells(new_nb)
    if old == new and old_nb.metadata == new_nb.metadata:
        return None
    old_by, new_by = {k: s for k, _, s in old}, {k: s for k, _, s in new}
    changed = [k for k in new_by if k in old_by and old_by[k] != new_by[k]]
    added = [k for k in new_by if k not in old_by]
    removed = [k for k in old_by if k not in new_by]
    lines = difflib.unified_diff(
        "\n".join(s for *_, s in old).splitlines(),
        "\n".join(s for *_, s in new).splitlines(), lineterm="", n=0)
    plus = minus = 0
    for line in lines:
        if line.startswith("+") and not line.startswith("+++"):
            plus += 1
        elif line.startswith("-") and not line.startswith("---"):
            minus += 1
    parts = []
    if changed:
        parts.append(f"{len(changed)} cell{'s' * (len(changed) != 1)} "
                     f"changed ({_names(changed)})")
    if added:
        parts.append(f"{len(added)} added ({_names(added)})")
    if removed:
        parts.append(f"{len(removed)} removed ({_names(removed)})")
    if not parts:
        parts.append("metadata or cell order changed")
    tests = [k for k in changed + added + removed if k.startswith("test_")]
    line = "; ".join(parts) + f"; +{plus} -{minus} lines"
    if tests:
        line += " (tests changed: regrade the submissions)"
    return line


def _names(keys, at_most=4):
    shown = ", ".join(keys[:at_most])
    return shown + (f", +{len(keys) - at_most} more"
                    if len(keys) > at_most else "")


def _ask(question, stdin, out):
    out.write(f"{question} [y/N] ")
    out.flush()
    answer = stdin.readline().strip().lower()
    return answer in ("y", "yes")


def init(directory, solutions=grading.SOLUTIONS, force=False,
         stdin=None, out=None):
    """Create or refresh the course directory; the exit status (0 done or
    nothing to do, 1 not overwritten)."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    config = root / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG)
    readme = root / "private" / "README.md"
    if not readme.exists():
        readme.parent.mkdir(exist_ok=True)
        readme.write_text(PRIVATE_README)
    plans, changes = [], []
    try:
        for lesson, path in grading.lessons(solutions).items():
            dest = root / "source" / lesson / f"{lesson}.ipynb"
            new = build(lesson, path, root)
            if not dest.exists():
                plans.append((dest, new))
                print(f"source/{lesson}/{lesson}.ipynb: new", file=out)
                continue
            try:
                old = nbformat.read(str(dest), 4)
            except Exception as exc:  # a damaged copy: replace it
                line = f"unreadable ({type(exc).__name__}), replaced"
            else:
                line = summary(old, new)
            if line:
                plans.append((dest, new))
                changes.append(dest)
                print(f"source/{lesson}/{lesson}.ipynb: {line}", file=out)
    except CourseError as exc:
        print(f"cannot write {root}/source: {exc}", file=out)
        return 1
    if not plans:
        print(f"source/ is up to date: nothing to change in {root}",
              file=out)
        return 0
    if changes and not force:
        question = (f"Overwrite {len(changes)} notebook"
                    f"{'s' * (len(changes) != 1)} of {root}/source with "
                    "these changes?")
        if not (stdin.isatty() and _ask(question, stdin, out)):
            print("source/ not changed" + ("" if stdin.isatty() else
                  ": not a terminal; run again with --force to "
                  "overwrite"), file=out)
            return 1
    for dest, nb in plans:
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(dest))
    print(f"course directory ready: {root}", file=out)
    if changes:
        print("then: nbgrader generate_assignment LESSON --force, and "
              "autograde the submissions again", file=out)
    return 0
