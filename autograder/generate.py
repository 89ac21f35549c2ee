"""``python -m autograder generate``: lessons/ from solutions/.

Each instructor notebook goes through nbgrader's own ``generate_assignment``
with the course's configuration (solutions replaced by stubs, hidden tests
removed, cells locked) in a throw-away course directory; the released
notebook is written to ``lessons/`` with outputs cleared.
``--check`` writes nothing and fails when ``lessons/`` has drifted.
"""

import os
import sys
import tempfile
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
    if released is None:
        released = release(solutions)
    stale = []
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
