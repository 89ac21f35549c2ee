"""Recording a cohort's verdicts in nbgrader's gradebook, at scale.

``nbgrader autograde`` does, for one submission: sanitise the notebook
(``ClearOutput``, ``DeduplicateIds``, ``OverwriteKernelspec``,
``OverwriteCells``, ``CheckCellMetadata``), write it to ``autograded/``,
grade it (here :class:`~autograder.nbgrader_plugin.SandboxedGrade`), run the
rest of the autograde pipeline (``IgnorePattern``, ``LimitOutput``, ...),
store the grade and comment rows (``SaveAutoGrades``) and the late penalty
(``AssignLatePenalties``), and write the autograded notebook. One
submission at a time, a dozen commits each: 0.33 s a notebook here.

The cohort command splits that work:

* :func:`work`, in the worker processes or on Dask, beside the verdict:
  nbgrader's own preprocessors, with the course's configuration, on the
  submission; the two that read the gradebook (``OverwriteCells``,
  ``OverwriteKernelspec``) read a :class:`Snapshot` of the lesson's source
  cells taken once, and ``SaveAutoGrades`` is replaced by
  :class:`CollectGrades`, which computes the same rows without writing
  them. Its result is the autograded notebook's text and the rows.
* :class:`Recorder`, in the grading run: writes the autograded files and
  stores a batch of results in one transaction through nbgrader's
  ``Gradebook`` API (whose per-call commits become flushes inside the
  batch), with the late penalty computed by nbgrader's plugin, and a
  "done" row per submission in the table ``autograder_done`` of the same
  database. A run killed mid-batch loses the batch, nothing else; a row
  written is a submission recorded.
"""

import contextlib
import hashlib
import json
import os
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import (
    AssignLatePenalties,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from sqlalchemy import Column, Float, MetaData, String, Table, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from traitlets.config import Config

from autograder import grading, sandbox

#: One row per recorded submission: what its grade was computed from.
DONE = Table(
    "autograder_done", MetaData(),
    Column("student", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("notebook", String(128), primary_key=True),
    Column("submitted_notebook_id", String(32)),
    Column("submission_sha256", String(64)),
    Column("tests_sha256", String(64)),
    Column("code_sha256", String(64)),
    Column("limits_sha256", String(64)),
    Column("score", Float),
    Column("recorded_at", Float),
)


def _sha(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()
                          ).hexdigest()


def lesson_keys(source_nb, limits):
    """What every verdict of a lesson depends on besides the submission:
    the tests (visible and hidden), the lesson's other code cells (which of
    them are locked or demonstrations) and the limits, each hashed."""
    tests = [(t.id, t.points, t.source)
             for t in grading.test_cells(source_nb)]
    code = [(c.source, grading._meta(c).get("grade_id"),
             bool(grading._meta(c).get("locked")), grading.demo_cell(c))
            for c in source_nb.cells if c.get("cell_type") == "code"
            and not grading.is_test_cell(c)]
    return {"tests_sha256": _sha(tests), "code_sha256": _sha(code),
            "limits_sha256": _sha(limits.__dict__)}


# -- the gradebook's view of a lesson, for the workers --------------------
class Snapshot:
    """What ``OverwriteCells`` and ``OverwriteKernelspec`` read from the
    gradebook for one notebook, as plain data a worker can hold."""

    def __init__(self, data):
        self.data = data
        cell = _Row
        self.source_cells = [cell(**c) for c in data["source_cells"]]
        self._by_name = {c.name: c for c in self.source_cells}
        self.grade_cells = [cell(**c) for c in data["grade_cells"]]
        self.task_cells = [cell(**c) for c in data["task_cells"]]
        self.solution_cells = [cell(name=n) for n in data["solution_cells"]]
        self.kernelspec = data["kernelspec"]
        self._graded = {c.name: c for c in self.grade_cells + self.task_cells}

    @classmethod
    def of(cls, gb, notebook, assignment):
        nb = gb.find_notebook(notebook, assignment)
        return cls({
            "kernelspec": nb.kernelspec,
            "source_cells": [dict(name=c.name, cell_type=c.cell_type,
                                  locked=c.locked, checksum=c.checksum,
                                  source=c.source)
                             for c in nb.source_cells],
            "grade_cells": [dict(name=c.name, max_score=c.max_score)
                            for c in nb.grade_cells],
            "task_cells": [dict(name=c.name, max_score=c.max_score)
                           for c in nb.task_cells],
            "solution_cells": [c.name for c in nb.solution_cells]})

    def __reduce__(self):
        return (Snapshot, (self.data,))

    # the Gradebook methods the two preprocessors call
    def find_notebook(self, notebook, assignment):
        return self

    def find_source_cell(self, name, notebook, assignment):
        try:
            return self._by_name[name]
        except KeyError:
            raise MissingEntry(f"No such source cell: {name}") from None

    def find_graded_cell(self, name, notebook, assignment):
        try:
            return self._graded[name]
        except KeyError:
            raise MissingEntry(f"No such graded cell: {name}") from None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _Row:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class SnapshotOverwriteKernelspec(OverwriteKernelspec):
    """``OverwriteKernelspec``, reading the lesson's :class:`Snapshot`."""

    def preprocess(self, nb, resources):
        kernelspec = resources["autograder"]["snapshot"].kernelspec
        if kernelspec is not None:
            kernelspec = json.loads(kernelspec)
        if kernelspec:
            nb.metadata["kernelspec"] = kernelspec
        return nb, resources


class SnapshotOverwriteCells(OverwriteCells):
    """``OverwriteCells``, reading the lesson's :class:`Snapshot`; the
    cell-by-cell checks are nbgrader's own."""

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = resources["autograder"]["snapshot"]
        nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class WriteVerdicts(NbGraderPreprocessor):
    """In place of ``SandboxedGrade``: writes the verdict computed in this
    worker into the test cells, as ``SandboxedGrade`` does."""

    def preprocess(self, nb, resources):
        from autograder.nbgrader_plugin import write_report

        info = resources["autograder"]
        write_report(nb, info["report"], info.get("note"))
        return nb, resources


class CollectGrades(SaveAutoGrades):
    """In place of ``SaveAutoGrades``: the same grade and comment values,
    collected for the recorder instead of written one commit at a time."""

    def preprocess(self, nb, resources):
        self.rows = resources["autograder"].setdefault(
            "rows", {"grades": {}, "comments": {}})
        return NbGraderPreprocessor.preprocess(self, nb, resources)

    def _add_score(self, cell, resources):
        auto_score, _ = utils.determine_grade(cell, self.log)
        self.rows["grades"][cell.metadata["nbgrader"]["grade_id"]] = \
            auto_score

    def _add_comment(self, cell, resources):
        no_response = (cell.metadata.nbgrader.get("checksum", None)
                       == utils.compute_checksum(cell)
                       and not utils.is_task(cell))
        self.rows["comments"][cell.metadata["nbgrader"]["grade_id"]] = (
            "No response." if no_response else None)


_STAND_INS = [(OverwriteKernelspec, SnapshotOverwriteKernelspec),
              (OverwriteCells, SnapshotOverwriteCells),
              (SaveAutoGrades, CollectGrades),
              (AssignLatePenalties, None)]


def pipelines(config, coursedir):
    """The course's sanitise and autograde preprocessors, as nbgrader's
    ``Autograde`` has them configured, with the stand-ins above."""
    from nbgrader.converters import Autograde

    from autograder.nbgrader_plugin import SandboxedGrade

    converter = Autograde(coursedir=coursedir, config=config)

    def swap(classes):
        out = []
        for cls in classes:
            if isinstance(cls, str):
                cls = _import(cls)
            if issubclass(cls, SandboxedGrade):
                cls = WriteVerdicts
            for original, stand_in in _STAND_INS:
                if issubclass(cls, original):
                    cls = stand_in
                    break
            if cls is not None:
                out.append(cls)
        return out

    return (swap(converter.sanitize_preprocessors),
            swap(converter.autograde_preprocessors))


def _import(name):
    import importlib

    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


# -- in the worker ----------------------------------------------------------
@dataclass
class Task:
    """Everything a worker needs for one submission (picklable)."""
    student: str
    lesson: str
    raw: bytes
    source_text: str
    limits: object
    isolation: str
    config: object
    sanitize: list
    autograde: list
    snapshot: Snapshot
    db_url: str
    note: str = ""        # a renamed file's (see problems.resolve)


@dataclass
class Result:
    report: object
    text: str            # the autograded notebook, as nbgrader writes it
    grades: dict = field(default_factory=dict)    # grade_id -> auto_score
    comments: dict = field(default_factory=dict)  # grade_id -> auto_comment


def _export(task, preprocessors, nb, resources):
    config = Config(task.config)
    config.Exporter.default_preprocessors = []
    exporter = NotebookExporter(config=config)
    for pp in preprocessors:
        exporter.register_preprocessor(pp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text, resources = exporter.from_notebook_node(nb,
                                                      resources=resources)
    return text, resources


def work(task):
    """One submission, in a worker: ``("graded", Result)`` or
    ``("refused", reason)``."""
    try:
        nb = grading.parse_notebook(task.raw, "the submission")
        source_nb = nbformat.reads(task.source_text, as_version=4)
        resources = {
            "unique_key": task.lesson,
            "output_files_dir": f"{task.lesson}_files",
            "nbgrader": {"student": task.student,
                         "assignment": task.lesson,
                         "notebook": task.lesson, "db_url": task.db_url},
            "autograder": {"snapshot": task.snapshot, "note": task.note}}
        with utils.setenv(NBGRADER_EXECUTION="autograde"):
            text, resources = _export(task, task.sanitize, nb, resources)
            # graded as nbgrader grades it: the sanitised copy, re-read
            nb = nbformat.reads(text, as_version=4)
            report = grading.grade(nb, task.lesson, source_nb=source_nb,
                                   limits=task.limits,
                                   isolation=task.isolation)
            resources["autograder"]["report"] = report
            text, resources = _export(task, task.autograde, nb, resources)
            # as written into the notebook (a renamed file's note added)
            report = resources["autograder"]["report"]
    except grading.GradeRefused as exc:
        return ("refused", str(exc))
    except sandbox.SandboxError as exc:
        return ("refused", f"sandbox failed: {exc}")
    report.cells = {}  # in the notebook's text already
    rows = resources["autograder"].get("rows", {})
    return ("graded", Result(report, text, rows.get("grades", {}),
                             rows.get("comments", {})))


# -- in the grading run -------------------------------------------------------
class Recorder:
    """Writes results into a course directory and its gradebook, a batch
    per transaction."""

    def __init__(self, course):
        self.course = course
        self.coursedir = course.coursedir
        self.gb = Gradebook(self.coursedir.db_url, self.coursedir.course_id)
        self._create_table()
        self.late = AssignLatePenalties(config=course.config)
        self.late.init_plugin()
        self.permissions = int(str(
            664 if self.coursedir.groupshared else 444), 8)

    def close(self):
        self.gb.close()

    def _create_table(self):
        for attempt in range(3):
            try:
                DONE.create(bind=self.gb.engine, checkfirst=True)
                return
            except (OperationalError, IntegrityError, DBAPIError):
                if attempt == 2:  # another run creating it at once
                    raise
                time.sleep(0.2)

    def snapshot(self, lesson):
        """The lesson's :class:`Snapshot`, or ``None`` when the gradebook
        has no such assignment (``generate_assignment`` not run)."""
        try:
            return Snapshot.of(self.gb, lesson, lesson)
        except MissingEntry:
            return None
        finally:
            self.gb.db.commit()

    def done(self):
        """``{(student, lesson): row}`` of the submissions recorded, where
        nbgrader's row for the submission still exists."""
        from nbgrader.api import SubmittedNotebook

        query = select(DONE).join(
            SubmittedNotebook.__table__,
            SubmittedNotebook.__table__.c.id == DONE.c.submitted_notebook_id)
        try:
            rows = self.gb.db.execute(query).mappings().all()
        finally:
            self.gb.db.commit()
        return {(r["student"], r["assignment"]): dict(r) for r in rows}

    def record(self, batch, lock):
        """Record ``[(job, digest, keys, Result)]``; returns
        ``[(job, error or None)]``, in one transaction where all goes."""
        with lock():
            for job, _, _, result in batch:
                self._write_files(job, result)
            try:
                self._store(batch)
                return [(job, None) for job, *_ in batch]
            except Exception as exc:  # noqa: BLE001 - listed, not fatal
                self.gb.db.rollback()
                if len(batch) == 1:
                    self._remove(batch[0][0])
                    return [(batch[0][0], f"gradebook: {_line(exc)}")]
            # a row another recorder wrote meanwhile (PostgreSQL), or one
            # submission the gradebook refuses: one at a time
            outcome = []
            for item in batch:
                try:
                    self._store([item])
                    outcome.append((item[0], None))
                except Exception as exc:  # noqa: BLE001
                    self.gb.db.rollback()
                    self._remove(item[0])
                    outcome.append((item[0], f"gradebook: {_line(exc)}"))
            return outcome

    # files: what nbgrader's converter writes to autograded/
    def _dest(self, job):
        return Path(self.coursedir.format_path(
            self.coursedir.autograded_directory, job.student, job.lesson))

    def _write_files(self, job, result):
        dest = self._dest(job)
        if dest.exists():  # as `autograde --force`: start afresh
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        submitted = job.path.parent
        source = Path(self.coursedir.format_path(
            self.coursedir.source_directory, ".", job.lesson))
        for folder in (submitted, source):  # nbgrader's order
            for name in utils.find_all_files(
                    str(folder), self.coursedir.ignore + ["*.ipynb"]):
                target = dest / os.path.relpath(name, folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    target.unlink()
                shutil.copy(name, target)
        (dest / f"{job.lesson}.ipynb").write_text(result.text,
                                                  encoding="utf-8")
        for dirname, _, names in os.walk(dest):
            for name in names:
                os.chmod(os.path.join(dirname, name), self.permissions)

    def _remove(self, job):
        path = self._dest(job) / f"{job.lesson}.ipynb"
        if path.exists():
            path.unlink()

    # the gradebook: nbgrader's API, one commit per batch
    @contextlib.contextmanager
    def _one_transaction(self):
        session = self.gb.db
        session.commit = session.flush  # the API commits after each call
        try:
            yield session
        finally:
            del session.commit
        session.commit()

    def _store(self, batch):
        gb = self.gb
        with warnings.catch_warnings(), self._one_transaction() as session:
            warnings.filterwarnings("ignore", module="nbgrader")
            warnings.filterwarnings("ignore", message=".*not in session.*")
            for job, digest, keys, result in batch:
                gb.update_or_create_student(job.student)
                timestamp = self.coursedir.get_existing_timestamp(
                    str(job.path.parent))
                if timestamp:
                    submission = gb.update_or_create_submission(
                        job.lesson, job.student, timestamp=timestamp)
                else:
                    submission = gb.update_or_create_submission(
                        job.lesson, job.student)
                notebook = next(n for n in submission.notebooks
                                if n.name == job.lesson)
                grades = {g.name: g for g in notebook.grades}
                for grade_id, auto_score in result.grades.items():
                    grade = grades[grade_id]
                    grade.auto_score = auto_score
                    grade.needs_manual_grade = (
                        grade.manual_score is not None or auto_score is None)
                comments = {c.name: c for c in notebook.comments}
                for grade_id, text in result.comments.items():
                    comments[grade_id].auto_comment = text
                session.flush()
                session.expire(notebook)   # its score, from the new rows
                self._late_penalty(submission, notebook, job)
                self._mark(session, job, notebook.id, digest, keys,
                           result.report.score)

    def _late_penalty(self, submission, notebook, job):
        """As nbgrader's ``AssignLatePenalties``, with its plugin."""
        notebook.late_submission_penalty = None
        if submission.total_seconds_late > 0:
            penalty = self.late.plugin_inst.late_submission_penalty(
                job.student, notebook.score, submission.total_seconds_late)
            if penalty is not None:
                notebook.late_submission_penalty = \
                    self.late._check_late_penalty(notebook, penalty)

    def _mark(self, session, job, notebook_id, digest, keys, score):
        key = dict(student=job.student, assignment=job.lesson,
                   notebook=job.lesson)
        values = dict(submitted_notebook_id=notebook_id,
                      submission_sha256=digest, score=score,
                      recorded_at=time.time(), **keys)
        session.execute(DONE.delete().where(
            *(DONE.c[k] == v for k, v in key.items())))
        session.execute(DONE.insert().values(**key, **values))


def _line(exc):
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:200]
