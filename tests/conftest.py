"""Shared set-up of the test suite.

Besides fixtures, this file makes a plain ``python -m pytest`` execute every
notebook with nbval (outputs are not compared, as with ``--nbval-lax``):

* ``solutions/*.ipynb`` must run without any error;
* ``lessons/*.ipynb`` (the learners' versions, with the solutions taken out)
  may fail only with ``NotImplementedError``, the stubs a learner has not
  written yet: such a cell is reported as xfailed.  Any other error fails.

The notebook items are collected alongside ``tests/test_notebooks.py``, so
``pytest tests/test_notebooks.py`` runs them too and
``pytest -k 01-sigmoid`` picks one lesson's cells.
"""

import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, RunningKernel
from nbval.plugin import IPyNbCell, IPyNbFile, NbCellError

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LESSONS = ROOT / "lessons"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Notebook kernels and graders start from this environment: one BLAS thread
# each, since the suite runs several at once on few cores (a 1797x64 by
# 64x64 product was 19x slower with OpenBLAS's default threads here).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# Seconds a single notebook cell may take before it fails.
CELL_TIMEOUT = 300

# Kernels inherit the environment: same hash order on every run.
os.environ.setdefault("PYTHONHASHSEED", "0")


def notebooks(folder):
    """The course notebooks in ``folder``, sorted by name."""
    return sorted(folder.glob("*.ipynb"))


def load_course_module():
    """The top-level ``course.py`` as a module (it is not a package)."""
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_executable(name, debian_package):
    """The path of program ``name``; skip without it, but fail under CI."""
    path = shutil.which(name)
    if path:
        return path
    msg = (f"{name} is not installed "
           f"(apt-get install {debian_package}); .ci/run installs it")
    if IN_CI:
        pytest.fail(f"{msg}, and CI=true: the test must run here",
                    pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def chromium_executable():
    """Debian's chromium, for the browser tests."""
    return require_executable("chromium", "chromium")


@pytest.fixture(scope="session")
def bwrap_executable():
    """bubblewrap, the sandbox the grader runs learner code in."""
    return require_executable("bwrap", "bubblewrap")


@pytest.fixture(scope="session")
def course():
    """``course.py``, for its environment.yml reader."""
    return load_course_module()


# --- notebooks run by nbval -------------------------------------------------

class CourseNotebook(IPyNbFile):
    """A notebook whose code cells run in order in one fresh kernel, from
    the notebook's own folder, with this environment's Python; stored
    outputs are not compared (the hygiene test keeps them empty anyway)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compare_outputs = False

    def setup(self):
        self.kernel = RunningKernel(
            CURRENT_ENV_KERNEL_NAME,
            cwd=str(self.path.parent),
            startup_timeout=self.config.option.nbval_kernel_startup_timeout,
        )
        self.setup_sanitize_files()

    def collect(self):
        cell_class = LessonCell if self.path.parent == LESSONS else CourseCell
        for nbval_cell in super().collect():
            cell = cell_class.from_parent(
                self, name=nbval_cell.name, cell_num=nbval_cell.cell_num,
                cell=nbval_cell.cell, options=nbval_cell.options)
            cell.add_marker(pytest.mark.timeout(CELL_TIMEOUT))
            yield cell


class CourseCell(IPyNbCell):
    """A notebook cell; its failure report is plain text off a terminal."""

    def repr_failure(self, excinfo):
        text = super().repr_failure(excinfo)
        if self.config.get_terminal_writer().hasmarkup:
            return text
        return ANSI_ESCAPE.sub("", text)


class LessonCell(CourseCell):
    """A cell of a learner notebook: NotImplementedError, the stub of an
    exercise not yet written, is an expected failure; any other error
    fails."""

    def runtest(self):
        try:
            super().runtest()
        except NbCellError:
            errors = [out for out in self.test_outputs or []
                      if out.get("output_type") == "error"]
            if errors and errors[-1].get("ename") == "NotImplementedError":
                pytest.xfail(
                    f"cell {self.cell_num} needs an exercise the learner "
                    "has not written yet (NotImplementedError)")
            raise


class CourseNotebooks(pytest.Collector):
    """Every notebook of ``solutions/`` and ``lessons/``."""

    def collect(self):
        for path in notebooks(SOLUTIONS) + notebooks(LESSONS):
            yield CourseNotebook.from_parent(self, path=path)


def pytest_collect_file(file_path, parent):
    opt = parent.config.option
    if opt.nbval or opt.nbval_lax:
        return None  # nbval's own collection is in charge
    if file_path == Path(__file__).with_name("test_notebooks.py"):
        return CourseNotebooks.from_parent(
            parent, name="notebooks", path=file_path)
    return None


# --- spreading the suite over the workers -----------------------------------

#: Modules whose tests are independent gradings, with nothing shared but
#: cached imports: spread one test at a time over the workers, since
#: together they are most of the suite.
SPREAD = re.compile(r"tests/test_(grader_\d\d|giveaway)\.py$")


def pytest_xdist_make_scheduler(config, log):
    """Under ``--dist loadscope``: a notebook's cells (one kernel) and any
    other module's tests (module fixtures: a course directory, a graded
    cohort) run together, in order, on one worker; each grader proof is a
    scope of its own, so they spread over the workers."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Spread(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            if SPREAD.search(nodeid.split("::", 1)[0]):
                return nodeid
            return super()._split_scope(nodeid)

    return Spread(config, log)
