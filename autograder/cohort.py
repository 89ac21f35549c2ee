"""``python -m autograder autograde``: grade a whole cohort, in parallel.

Per submission, in worker processes on all local cores or on a Dask
cluster given by ``--scheduler`` (:func:`autograder.record.work`): the
verdict (learner code in the sandbox, tests in a trusted process) and the
rest of what ``nbgrader autograde`` does to a notebook, with nbgrader's own
preprocessors and the course's configuration: sanitising, the autograded
copy formgrader and ``generate_feedback`` read, the grade and comment rows.
The grading run writes the files and stores the rows in nbgrader's
gradebook, a batch of submissions per transaction
(:class:`autograder.record.Recorder`): SQLite takes one writer at a time,
and the batches keep that writer's share small.

A submission is done when the gradebook's table ``autograder_done`` has
its row: the submitted file's hash and the hashes of the lesson's tests,
its other code cells and the limits (:func:`autograder.record.lesson_keys`).
A change of any of them grades it again, and the summary says why. A run
that was killed is simply started again; re-running changes nothing.
A submission that cannot be graded (not a notebook, a fault of the grading
machine) is listed with a one-line reason; nothing is recorded for it, and
the next run tries it again.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import queue
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from autograder import grading, problems, record, sandbox

#: Verdicts computed beforehand, by cache key (see :func:`cache_key`), for
#: :class:`~autograder.nbgrader_plugin.SandboxedGrade` in nbgrader's process.
VERDICTS = {}
#: A batch is stored when it has this many submissions, or is this old.
BATCH_SIZE, BATCH_SECONDS = 200, 1.0


def cache_key(nb, source_nb, lesson, limits):
    """What a verdict depends on: the cells that run, the tests, limits."""
    cells = grading.learner_cells(nb, source_nb)
    tests = [(t.id, t.points, t.source)
             for t in grading.test_cells(source_nb)]
    text = json.dumps([lesson, cells, tests, asdict(limits)],
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def verdict(payload):
    """The verdict alone for one submission (no recording): ``("graded",
    key, report)`` or ``("refused", reason, None)``."""
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
    note: str = ""
    unreadable: bool = False  # a learner's file nothing can be graded of

    @property
    def label(self):
        return f"{self.student}/{self.lesson}"


#: Why a submission recorded before is graded again.
REASONS = {"tests_sha256": "the tests of {lesson} changed",
           "code_sha256": "the code cells of {lesson}'s source changed",
           "limits_sha256": "the time limits changed",
           "missing": "their autograded notebooks were missing"}


@dataclass
class Summary:
    graded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failed: list = field(default_factory=list)   # (label, reason)
    # learners' files nothing can be graded of, recorded as not graded
    not_graded: list = field(default_factory=list)  # (label, reason)
    notes: list = field(default_factory=list)    # (label, note)
    regraded: Counter = field(default_factory=Counter)  # reason -> count
    seconds: float = 0.0

    def text(self):
        total = len(self.graded) + len(self.failed)
        rate = total / self.seconds if self.seconds else 0.0
        bad = (f"not graded {len(self.not_graded)}, " if self.not_graded
               else "")
        lines = [f"graded {len(self.graded)}, failed {len(self.failed)}, "
                 f"{bad}already done {len(self.skipped)}, in "
                 f"{self.seconds:.1f} s"
                 f" ({rate:.2f} notebooks/s)"]
        lines += [f"  regraded {n}: {reason}"
                  for reason, n in sorted(self.regraded.items())]
        unisolated = [label for label, note in self.notes
                      if note.startswith(UNISOLATED)]
        if unisolated:
            note = next(n for _, n in self.notes if n.startswith(UNISOLATED))
            lines.append(f"  {len(unisolated)} submissions: {note}")
        lines += [f"  note {label}: {note}" for label, note in self.notes
                  if not note.startswith(UNISOLATED)]
        lines += [f"  not graded {label}: {reason} (in the gradebook: 0, "
                  "needs manual grading)" for label, reason in self.not_graded]
        lines += [f"  failed {label}: {reason}"
                  for label, reason in self.failed]
        return "\n".join(lines)


UNISOLATED = "The notebook ran without bubblewrap isolation"


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
                else:
                    found_nb = problems.resolve(lesson_dir, lesson)
                    job.path = found_nb.path or job.path
                    job.note, problem = found_nb.note or "", found_nb.reason
                    job.unreadable = problem is not None
                found.append((job, problem))
        return found

    @contextlib.contextmanager
    def writing(self):
        """One writer at a time per course directory: its files, and the
        SQLite gradebook, which does not take concurrent writers well."""
        with open(self.root / ".autograder.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def recorded(root):
    """``{(student, lesson)}`` the cohort command has recorded in the
    gradebook of course directory ``root`` (its done rows)."""
    recorder = record.Recorder(Course(root))
    try:
        return set(recorder.done())
    finally:
        recorder.close()


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


@dataclass
class _Lesson:
    source_text: str
    keys: dict
    snapshot: object


def run(root, lessons=None, students=None, workers=None, scheduler=None,
        force=False, limits=None, progress=True, out=sys.stderr):
    """Grade every submission of ``root``; a :class:`Summary`."""
    from autograder.nbgrader_plugin import SandboxedGrade

    start = time.monotonic()
    course = Course(root)
    plugin = SandboxedGrade(config=course.config)
    if limits is None:  # the course's own settings, as nbgrader uses them
        limits = plugin.limits()
    isolation = "bwrap" if plugin.require_isolation else "auto"
    recorder = record.Recorder(course)
    try:
        summary, todo, known = _plan(course, recorder, lessons, students,
                                     limits, force)
        _record_problems(course, summary)
        if todo:
            tasks = _tasks(course, todo, known, limits, isolation)
            _grade_and_record(course, recorder, tasks, known, workers,
                              scheduler, summary, progress, out)
    finally:
        recorder.close()
    summary.seconds = time.monotonic() - start
    return summary


def _record_problems(course, summary):
    """Give each submission of ``summary.not_graded`` (jobs, for now) its
    not-graded state in the gradebook (see :mod:`autograder.problems`),
    through nbgrader's own autograde, unless it has that state already;
    leaves ``(label, reason)`` pairs there, or moves a submission whose
    state could not be recorded to ``summary.failed``."""
    from nbgrader.api import Gradebook

    jobs, summary.not_graded = summary.not_graded, []
    if not jobs:
        return
    with course.writing():
        with Gradebook(course.coursedir.db_url) as gradebook:
            stale = [(job, reason) for job, reason in jobs
                     if problems.recorded(gradebook, job.lesson, job.lesson,
                                          job.student) != reason]
        for job, reason in jobs:
            if (job, reason) in stale:
                result = problems.record(course.api, job.lesson, job.student)
                if not result.get("success"):
                    summary.failed.append((job.label, f"{reason}; and its "
                                           "not-graded state could not be "
                                           "recorded"))
                    continue
            summary.not_graded.append((job.label, reason))


def _tasks(course, todo, known, limits, isolation):
    """``[(job, digest, record.Task)]`` for the workers."""
    sanitize, autograde = record.pipelines(course.config, course.coursedir)
    return [(job, digest, record.Task(
        student=job.student, lesson=job.lesson, raw=job.path.read_bytes(),
        source_text=known[job.lesson].source_text, limits=limits,
        isolation=isolation, config=course.config, sanitize=sanitize,
        autograde=autograde, snapshot=known[job.lesson].snapshot,
        db_url=course.coursedir.db_url, note=job.note))
        for job, digest in todo]


def _plan(course, recorder, lessons, students, limits, force):
    """What to grade: ``(summary, [(job, digest)], {lesson: _Lesson})``."""
    summary, todo, known = Summary(), [], {}
    done = recorder.done()
    for job, problem in course.jobs(lessons, students):
        if problem is None and job.lesson not in known:
            source = course.source(job.lesson)
            snapshot = recorder.snapshot(job.lesson)
            text = source.read_text()
            known[job.lesson] = _Lesson(text, record.lesson_keys(
                nbformat.reads(text, as_version=4), limits), snapshot)
        if problem is None and known[job.lesson].snapshot is None:
            problem = (f"lesson {job.lesson} is not in the gradebook (run "
                       f"`nbgrader generate_assignment {job.lesson}`)")
        if problem and job.unreadable:
            summary.not_graded.append((job, problem))
            continue
        digest = None if problem else _digest(job.path)
        if problem or digest is None:
            summary.failed.append((job.label, problem or "cannot read "
                                   "the submitted notebook"))
            continue
        marker = done.get((job.student, job.lesson))
        reason = None
        if marker and marker["submission_sha256"] == digest:
            keys = known[job.lesson].keys
            changed = [k for k in REASONS if k in keys
                       and marker.get(k) != keys[k]]
            autograded = (course.root / "autograded" / job.student /
                          job.lesson / f"{job.lesson}.ipynb")
            if not changed and not autograded.is_file():
                changed = ["missing"]
            if not changed and not force:
                summary.skipped.append(job.label)
                continue
            if changed:
                reason = REASONS[changed[0]].format(lesson=job.lesson)
        if reason:
            summary.regraded[reason] += 1
        todo.append((job, digest))
    return summary, todo, known


def _grade_and_record(course, recorder, tasks, known, workers, scheduler,
                      summary, progress, out):
    from tqdm.auto import tqdm

    executor, submit, completed = _executor(workers, scheduler)
    bar = tqdm(total=len(tasks), desc="grading", unit="nb",
               disable=not progress, file=out)
    arrived = queue.Queue()
    try:
        futures = {submit(record.work, task): (job, digest,
                                               known[job.lesson].keys)
                   for job, digest, task in tasks}

        def pump():
            try:
                for future in completed(list(futures)):
                    arrived.put(future)
            finally:
                arrived.put(None)

        threading.Thread(target=pump, daemon=True).start()
        batch, since, finished = [], None, False
        while not finished or batch:
            wait = None if not batch else max(
                0.0, since + BATCH_SECONDS - time.monotonic())
            try:
                future = arrived.get(timeout=wait)
            except queue.Empty:
                future = False
            if future is None:
                finished = True
            elif future is not False:
                item = _collect(futures[future], future, summary)
                if item is None:
                    bar.update(1)
                else:
                    batch.append(item)
                    since = since or time.monotonic()
            if batch and (finished or len(batch) >= BATCH_SIZE
                          or time.monotonic() - since >= BATCH_SECONDS):
                _store(course, recorder, batch, summary)
                bar.update(len(batch))
                batch, since = [], None
    finally:
        bar.close()
        if scheduler:
            executor.close()
        else:
            executor.shutdown(cancel_futures=True)


def _collect(entry, future, summary):
    """A worker's result: a batch item, or ``None`` (listed as failed)."""
    job, digest, keys = entry
    try:
        kind, value = future.result()
    except Exception as exc:  # a worker died: say so, go on
        summary.failed.append((job.label, f"grading failed: "
                               f"{type(exc).__name__}: {exc}"[:300]))
        return None
    if kind == "refused":
        summary.failed.append((job.label, value))
        return None
    return (job, digest, keys, value)


def _store(course, recorder, batch, summary):
    for job, error in recorder.record(batch, course.writing):
        if error:
            summary.failed.append((job.label, error))
            continue
        summary.graded.append(job.label)
        result = next(r for j, _, _, r in batch if j is job)
        # the report's notes (a renamed file's among them, see Task.note)
        summary.notes += [(job.label, note) for note in result.report.notes]
