"""``python -m autograder course DIR``: an nbgrader course directory.

The directory gets an ``nbgrader_config.py`` that applies
:func:`autograder.nbgrader_config.configure`, and ``source/<lesson>/`` with
a copy of each instructor notebook from ``solutions/``.
From there the instructor uses nbgrader's own commands (see README).
"""

import shutil
from pathlib import Path

from autograder import grading

CONFIG = '''\
# nbgrader configuration of a Backpropagation from Scratch course.
# Written by `python -m autograder course`; add your own settings below,
# for example c.CourseDirectory.db_url = "postgresql://..." .
from autograder.nbgrader_config import configure

c = get_config()  # noqa: F821 (provided by nbgrader)
configure(c)
'''


def init(directory, solutions=grading.SOLUTIONS):
    """Create or refresh the course directory; return 0."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    config = root / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG)
    for lesson, path in grading.lessons(solutions).items():
        dest = root / "source" / lesson
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / f"{lesson}.ipynb")
        print(f"source/{lesson}/{lesson}.ipynb")
    print(f"course directory ready: {root}")
    return 0
