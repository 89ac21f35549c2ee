"""``python -m autograder autograde``: grade a whole cohort, in parallel.

Two phases, so that nbgrader's gradebook has exactly one writer:

1. Verdicts, in parallel: every submission is graded by
   :func:`autograder.grading.grade` (learner code in the sandbox, tests in
   a trusted process) on all local cores, or on a Dask cluster given by
   ``--scheduler``. This phase reads files and touches no database.
2. Records, one at a time, as verdicts arrive: nbgrader's own ``autograde``
   runs for that submission (sanitising, the gradebook, late penalties,
   the autograded copy formgrader and ``generate_feedback`` read), with
   :class:`~autograder.nbgrader_plugin.SandboxedGrade` taking the verdict
   computed in phase 1 instead of grading again.

A submission counts as done when its marker, written after nbgrader has
recorded it, carries the submitted file's hash: a run that was killed is
simply started again, and re-running changes nothing.
A submission the grading machine failed (its sandbox did not start, twice:
:class:`~autograder.grading.GradingFault`) is listed as failed with the
reason; nothing is recorded for it, and the next run grades it.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from autograder import grading, sandbox

#: Verdicts computed in phase 1, by cache key (see :func:`cache_key`).
VERDICTS = {}
MARKER = ".autograder-done.json"


def cache_key(nb, source_nb, lesson, limits):
    """What a verdict depends on: the cells that run, the tests, limits."""
    cells = grading.learner_cells(nb, source_nb)
    tests = [(t.id, t.points, t.source)
             for t in grading.test_cells(source_nb)]
    text = json.dumps([lesson, cells, tests, asdict(limits)],
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def verdict(payload):
    """Phase 1 for one submission; runs in a worker process or on Dask.

    Returns ``("graded", key, report)`` or ``("refused", reason, None)``
    (a notebook that cannot be graded, or a fault of the grading machine).
    """
    nb_bytes, source_text, lesson, limits = payload
    try:
        nb = grading.parse_notebook(nb_bytes, "the submission")
        source_nb = nbformat.reads(source_text, as_version=4)
        report = grading.grade(nb, lesson, source_nb=source_nb,
                               limits=limits)
    except grading.GradeRefused as exc:
        return ("refused", str(exc), None)
    except sandbox.SandboxError as exc:
        return ("refused", f"sandbox failed: {exc}", None)
    return ("graded", cache_key(nb, source_nb, lesson, limits), report)


@dataclass
class Job:
    lesson: str
    student: str
    path: Path

    @property
    def label(self):
        return f"{self.student}/{self.lesson}"


@dataclass
class Summary:
    graded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failed: list = field(default_factory=list)   # (label, reason)
    seconds: float = 0.0

    def text(self):
        total = len(self.graded) + len(self.failed)
        rate = total / self.seconds if self.seconds else 0.0
        lines = [f"graded {len(self.graded)}, failed {len(self.failed)}, "
                 f"already done {len(self.skipped)}, in {self.seconds:.1f} s"
                 f" ({rate:.2f} notebooks/s)"]
        lines += [f"  failed {label}: {reason}"
                  for label, reason in self.failed]
        return "\n".join(lines)


class Course:
    """An nbgrader course directory, read through nbgrader's own config."""

    def __init__(self, root):
        from nbgrader.apps import NbGraderAPI
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        self.root = Path(root).resolve()
        config = Config()
        if (self.root / "nbgrader_config.py").exists():
            config.merge(PyFileConfigLoader(
                "nbgrader_config.py", path=str(self.root)).load_config())
        config.CourseDirectory.root = str(self.root)
        self.config = config
        self.api = NbGraderAPI(config=config)
        self.coursedir = self.api.coursedir

    def source(self, lesson):
        path = self.root / "source" / lesson / f"{lesson}.ipynb"
        return path if path.exists() else None

    def jobs(self, lessons=None, students=None):
        """Every submission folder, as ``(job, problem)``: ``problem`` is a
        one-line reason it cannot be graded, or ``None``."""
        found = []
        submitted = self.root / "submitted"
        for student_dir in sorted(p for p in submitted.glob("*")
                                  if p.is_dir()):
            if students and student_dir.name not in students:
                continue
            for lesson_dir in sorted(p for p in student_dir.glob("*")
                                     if p.is_dir()):
                lesson = lesson_dir.name
                if lessons and lesson not in lessons:
                    continue
                job = Job(lesson, student_dir.name,
                          lesson_dir / f"{lesson}.ipynb")
                problem = None
                if self.source(lesson) is None:
                    problem = (f"no lesson {lesson!r} in source/ (run "
                               "`python -m autograder course` here?)")
                elif not job.path.is_file():
                    others = sorted(p.name for p in
                                    lesson_dir.glob("*.ipynb"))
                    problem = (f"no {job.path.name} submitted" + (
                        f" (found {', '.join(others)}: rename it to "
                        f"{job.path.name})" if others else ""))
                found.append((job, problem))
        return found

    def marker(self, job):
        return (self.root / "autograded" / job.student / job.lesson /
                MARKER)

    def done(self, job, digest):
        try:
            data = json.loads(self.marker(job).read_text())
        except (OSError, ValueError):
            return False
        return data.get("submission_sha256") == digest

    def mark(self, job, digest, score):
        path = self.marker(job)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"submission_sha256": digest,
                                   "score": score}))
        os.replace(tmp, path)

    @contextlib.contextmanager
    def writing(self):
        """One writer at a time per course directory (SQLite gradebooks
        do not take concurrent writers well)."""
        with open(self.root / ".autograder.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _digest(path):
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _executor(workers, scheduler):
    if scheduler:
        from distributed import Client

        client = Client(scheduler)
        return client, client.submit, _dask_completed
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=workers or os.cpu_count(),
                               initializer=_die_with_parent,
                               initargs=(os.getpid(),))
    return pool, pool.submit, as_completed


def _die_with_parent(parent):
    """A pool worker ends when the grading run is killed (SIGKILL leaves no
    chance to shut the pool down), instead of lingering as an orphan."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: nothing to arm
        return
    if os.getppid() != parent:  # the run died before the signal was armed
        os._exit(1)


def _dask_completed(futures):
    from distributed import as_completed

    return as_completed(futures)


def run(root, lessons=None, students=None, workers=None, scheduler=None,
        force=False, limits=None, progress=True, out=sys.stderr):
    """Grade every submission of ``root``; a :class:`Summary`."""
    from tqdm.auto import tqdm

    start = time.monotonic()
    course = Course(root)
    if limits is None:  # the course's own settings, as nbgrader uses them
        from autograder.nbgrader_plugin import SandboxedGrade

        limits = SandboxedGrade(config=course.config).limits()
    summary = Summary()
    todo = []
    for job, problem in course.jobs(lessons, students):
        digest = None if problem else _digest(job.path)
        if problem or digest is None:
            summary.failed.append((job.label, problem or "cannot read "
                                   "the submitted notebook"))
        elif not force and course.done(job, digest):
            summary.skipped.append(job.label)
        else:
            todo.append((job, digest))
    if todo:
        executor, submit, completed = _executor(workers, scheduler)
        try:
            futures = {}
            for job, digest in todo:
                payload = (job.path.read_bytes(),
                           course.source(job.lesson).read_text(),
                           job.lesson, limits)
                futures[submit(verdict, payload)] = (job, digest)
            bar = tqdm(total=len(futures), desc="grading", unit="nb",
                       disable=not progress, file=out)
            for future in completed(list(futures)):
                job, digest = futures[future]
                _record(course, job, digest, future, summary)
                bar.update(1)
            bar.close()
        finally:
            if scheduler:
                executor.close()
            else:
                executor.shutdown(cancel_futures=True)
    summary.seconds = time.monotonic() - start
    return summary


def _record(course, job, digest, future, summary):
    """Phase 2 for one submission: nbgrader records the verdict."""
    try:
        kind, key, report = future.result()
    except Exception as exc:  # a worker died: say so, go on
        summary.failed.append((job.label, f"grading failed: {exc}"))
        return
    if kind == "refused":
        summary.failed.append((job.label, key))
        return
    VERDICTS[key] = report
    try:
        with course.writing(), warnings.catch_warnings():
            # nbgrader 0.9's own SQLAlchemy usage warns; not ours to fix
            warnings.filterwarnings("ignore", module="nbgrader")
            warnings.filterwarnings("ignore", message=".*not in session.*")
            result = course.api.autograde(job.lesson, job.student,
                                          force=True, create=True)
            if result.get("success"):
                course.mark(job, digest, report.score)
    finally:
        VERDICTS.pop(key, None)
    if result.get("success"):
        summary.graded.append(job.label)
    else:
        error = (result.get("error") or result.get("log") or "").strip()
        last = error.splitlines()[-1] if error else "unknown error"
        summary.failed.append((job.label, f"nbgrader: {last[:200]}"))
