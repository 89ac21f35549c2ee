"""``python -m autograder generate``: lessons/ from solutions/.

First, the *given* cells of ``solutions/`` are filled in: a cell whose
metadata says ``"course": {"given": ["sigmoid", ...]}`` repeats earlier
lessons' answers (lesson 05 needs a working ``sigmoid``), and its code is
generated from the one place each answer is written, the solution cell of
that name in an earlier lesson, so a fix there reaches every lesson.
Then each instructor notebook goes through nbgrader's own
``generate_assignment`` with the course's configuration (solutions replaced
by stubs, hidden tests removed, cells locked) in a throw-away course
directory; the released notebook is written to ``lessons/`` with outputs
cleared.
``--check`` writes nothing and fails when ``solutions/``'s given cells or
``lessons/`` have drifted.
"""

import os
import re
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat

from autograder import grading
from autograder.course import init

LESSONS = grading.ROOT / "lessons"


def normalise(nb):
    """Clear outputs and counts, so the files hold only what a learner
    needs and diffs stay small."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nbformat.writes(nb, version=4) + "\n"


MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def answers(solutions=grading.SOLUTIONS):
    """``{grade_id: (lesson, code)}`` of every solution cell, its code
    without the solution markers (the instructor's answer, whole)."""
    found = {}
    for lesson, path in grading.lessons(solutions).items():
        for cell in nbformat.read(str(path), 4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("solution"):
                code = "\n".join(line for line in cell.source.splitlines()
                                 if not MARKER.match(line))
                found.setdefault(meta["grade_id"],
                                 (lesson, _short_docstrings(code.strip())))
    return found


def _short_docstrings(code):
    """``code`` with each function's docstring cut to its first paragraph,
    so a given cell says what each function does without the exercise's
    instructions."""
    import ast

    lines = code.splitlines()
    functions = [n for n in ast.walk(ast.parse(code))
                 if isinstance(n, ast.FunctionDef)]
    for node in sorted(functions, key=lambda n: -n.lineno):
        doc = ast.get_docstring(node, clean=True)
        first = node.body[0]
        if not doc or "\n\n" not in doc:
            continue
        indent = " " * first.col_offset
        summary = doc.split("\n\n")[0].splitlines()
        summary[0] = '"""' + summary[0]
        summary[-1] += '"""'
        lines[first.lineno - 1:first.end_lineno] = [
            indent + line for line in summary]
    return "\n".join(lines)


def given_source(names, lesson, known):
    """The code of a given cell that repeats the answers ``names`` in
    ``lesson``; ``known`` is :func:`answers`."""
    missing = [n for n in names if n not in known or known[n][0] >= lesson]
    if missing:
        raise ValueError(f"{lesson}: given cell names {missing}, which no "
                         "earlier lesson's solution cell defines")
    listing = ", ".join(f"{n} ({known[n][0][:2]})" for n in names)
    header = textwrap.fill(
        f"# Given, from earlier lessons: {listing}. Generated from their "
        "solutions by `python -m autograder generate`: edit them there.",
        79, subsequent_indent="# ")
    return header + "\n" + "\n\n\n".join(known[n][1] for n in names)


def fill_given(solutions=grading.SOLUTIONS, write=True):
    """Regenerate the given cells of every instructor notebook; the names
    of the notebooks that were (or, without ``write``, would be)
    changed."""
    known = answers(solutions)
    changed = []
    for lesson, path in grading.lessons(solutions).items():
        nb = nbformat.read(str(path), 4)
        dirty = False
        for cell in nb.cells:
            names = cell.get("metadata", {}).get("course", {}).get("given")
            if cell.cell_type != "code" or not names:
                continue
            source = given_source(list(names), lesson, known)
            if cell.source != source:
                cell.source, dirty = source, True
        if dirty:
            changed.append(path.name)
            if write:
                Path(path).write_text(normalise(nb))
    return changed


def release(solutions=grading.SOLUTIONS):
    """``{lesson: notebook text}`` as nbgrader releases them."""
    import contextlib
    import io

    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    from autograder.nbgrader_config import configure

    # nbgrader runs `alembic` from PATH: make the one beside us visible
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        with contextlib.redirect_stdout(io.StringIO()):
            init(tmp, solutions)
        config = configure(Config())
        config.CourseDirectory.root = tmp
        config.CourseDirectory.db_url = f"sqlite:///{tmp}/gradebook.db"
        api = NbGraderAPI(config=config)
        for lesson in grading.lessons(solutions):
            result = api.generate_assignment(lesson, force=True,
                                             create=True)
            if not result.get("success"):
                raise RuntimeError(f"generate_assignment {lesson} failed:"
                                   f"\n{result.get('error')}")
            path = Path(tmp) / "release" / lesson / f"{lesson}.ipynb"
            out[lesson] = normalise(nbformat.read(str(path), 4))
    return out


def main(check=False, lessons=LESSONS, solutions=grading.SOLUTIONS,
         released=None):
    """Write (or with ``check`` compare) ``lessons/``; the exit status."""
    stale = []
    if released is None:
        given = fill_given(solutions, write=not check)
        for name in given:
            print(("stale given cells: " if check else "wrote ")
                  + f"solutions/{name}", file=sys.stderr if check else None)
        stale += [f"solutions/{name} (given cells)" for name in given]
        released = release(solutions)
    for lesson, text in released.items():
        path = lessons / f"{lesson}.ipynb"
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path.name)
        if not check:
            lessons.mkdir(exist_ok=True)
            path.write_text(text)
            print(f"wrote lessons/{path.name}")
    extra = sorted(p.name for p in lessons.glob("*.ipynb")
                   if p.stem not in released)
    if check:
        if stale or extra:
            print("lessons/ is out of date with solutions/: "
                  + ", ".join(stale + [f"{e} (no solution)" for e in extra])
                  + ". Run `python -m autograder generate`.",
                  file=sys.stderr)
            return 1
        print(f"lessons/ is up to date ({len(released)} notebooks)")
        return 0
    for name in extra:
        print(f"warning: lessons/{name} has no notebook in solutions/",
              file=sys.stderr)
    return 0
