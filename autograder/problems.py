"""Submissions that cannot be graded: one reason, one gradebook state.

A submitted notebook that is not valid JSON, not a notebook, empty, or
saved under another name than the lesson's is not graded, and not a silent
0 either: every path (``nbgrader autograde``, formgrader's Autograde
button, the cohort command) records the same state in nbgrader's gradebook:

* the autograded copy is a placeholder notebook whose first cell says
  "Not graded: <reason>" (formgrader's submission view and the feedback
  show it);
* every grade of the notebook is 0 and flagged ``needs_manual_grade``
  (formgrader lists the submission as needing manual grading);
* every comment of the notebook carries the reason as its automatic
  comment, which :class:`~autograder.nbgrader_plugin.CourseExport` puts in
  the ``problem`` column of ``nbgrader export``'s ``grades.csv``.

:func:`describe` gives the one-line reason; :func:`record` records the
state through nbgrader's own ``autograde``; :func:`recorded` reads it back.
How nbgrader is led there: :func:`pre_convert_hook` lets a misnamed
submission through to conversion under the lesson's own name, and
:class:`SubmissionExporter` turns a file it cannot read into the placeholder
(both set by :mod:`autograder.nbgrader_config`).
"""

from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter

from autograder import grading

#: What the automatic comment and the placeholder start with.
PREFIX = "Not graded: "
#: The placeholder notebook's metadata key holding the reason.
KEY = "autograder_problem"
#: A renamed notebook's metadata key holding the note that says so.
NOTE_KEY = "autograder_note"


class Resolved:
    """What a submission folder holds for one expected notebook: the
    ``path`` to grade (``None`` if nothing can be), a ``note`` when that is
    a renamed file, or the one-line ``reason`` nothing can be graded."""

    def __init__(self, path=None, note=None, reason=None):
        self.path, self.note, self.reason = path, note, reason


def resolve(path, expected_notebook):
    """The notebook to grade for ``expected_notebook`` (``"01-sigmoid-
    neuron"`` or ``"01-sigmoid-neuron.ipynb"``) at ``path``, the submission
    folder (``submitted/<student>/<lesson>``) or the expected file itself.

    A lone notebook under another name whose metadata says it is that
    lesson is graded as it, with a note, as ``python -m autograder grade``
    grades any file by its metadata; every other misnamed or unreadable
    submission gets its one-line reason, the same words in every path.
    """
    path = Path(path)
    name = expected_notebook
    if not name.endswith(".ipynb"):
        name += ".ipynb"
    folder = path if path.is_dir() else path.parent
    target = folder / name
    if target.is_file():
        reason = _unreadable(target, name)
        return Resolved(reason=reason) if reason else Resolved(target)
    others = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    if not others:
        return Resolved(reason=f"no {name} was submitted")
    names = ", ".join(p.name for p in others)
    if len(others) == 1:
        try:
            nb = grading.parse_notebook(others[0].read_bytes(),
                                        others[0].name)
        except (OSError, grading.GradeRefused):
            nb = None
        meta = (nb or {}).get("metadata", {}).get("course") or {}
        lesson = meta.get("lesson") if isinstance(meta, dict) else None
        if nb is not None and lesson == name[:-len(".ipynb")]:
            return Resolved(others[0], note=(
                f"graded {others[0].name} as {name}: its metadata says it "
                f"is lesson {lesson}"))
    return Resolved(reason=f"submitted as {names}, not {name}: rename it "
                    f"to {name} and autograde again")


def _unreadable(target, name):
    try:
        raw = target.read_bytes()
    except OSError as exc:
        return f"{name} cannot be read ({exc.strerror})"
    try:
        grading.parse_notebook(raw, name)
    except grading.GradeRefused as exc:
        return str(exc)
    return None


def describe(path, expected_notebook):
    """Why the submission at ``path`` cannot be graded, or None (see
    :func:`resolve`)."""
    return resolve(path, expected_notebook).reason


def placeholder(reason, source_nb=None):
    """The autograded copy of a submission that was not graded: a first
    cell stating ``reason``, then the graded and answer cells of the
    lesson's ``source_nb`` with their contents left out (nbgrader's
    ``OverwriteCells`` puts the test cells' own back; each then fails
    saying the same reason)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata[KEY] = reason
    for cell in (source_nb.cells if source_nb is not None else []):
        meta = grading._meta(cell)
        if not (meta.get("grade") or meta.get("solution")
                or meta.get("task")):
            continue
        empty = nbformat.from_dict(cell)
        empty.source = "" if grading.is_test_cell(cell) else (
            f"# {PREFIX}{reason}")
        if empty.cell_type == "code":
            empty.outputs, empty.execution_count = [], None
        nb.cells.append(empty)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(
        f"**{PREFIX}{reason}.**\n\n"
        "The submitted file was not graded; every test scores 0 and the "
        "submission is marked for manual grading. Fix the file (or ask the "
        "learner to submit again) and autograde it again."))
    return nb


def problem_of(nb):
    """The reason recorded in a placeholder notebook, or None."""
    reason = nb.get("metadata", {}).get(KEY)
    return str(reason) if reason else None


class SubmissionExporter(NotebookExporter):
    """nbgrader's notebook exporter, reading a submission it cannot parse
    (or one :func:`pre_convert_hook` let through under the lesson's name)
    as a :func:`placeholder` with the reason, instead of failing with a
    traceback."""

    def from_filename(self, filename, resources=None, **kw):
        path = Path(filename)
        found = resolve(path.parent, path.name)
        if found.path == path:
            return super().from_filename(filename, resources, **kw)
        if found.path is not None:  # a renamed file, graded as the lesson
            self.log.warning("%s: %s", filename, found.note)
            resources = self._init_resources(resources)
            resources.setdefault("metadata", {})["name"] = path.stem
            nb = nbformat.read(str(found.path), 4)
            nb.metadata[NOTE_KEY] = found.note
            return self.from_notebook_node(nb, resources, **kw)
        reason = found.reason
        self.log.warning("%s: %s%s", filename, PREFIX, reason)
        resources = self._init_resources(resources)
        resources.setdefault("metadata", {})["name"] = path.stem
        source = self._source(resources.get("nbgrader") or {}, path.stem)
        return self.from_notebook_node(placeholder(reason, source),
                                       resources, **kw)

    def _source(self, info, notebook):
        """The lesson's source notebook (the course directory's, else the
        course's own solutions), or None."""
        coursedir = getattr(self.parent, "coursedir", None)
        candidates = []
        if coursedir is not None and info.get("assignment"):
            candidates.append(Path(coursedir.format_path(
                coursedir.source_directory, ".", info["assignment"])) /
                f"{notebook}.ipynb")
        candidates.append(grading.lessons().get(notebook))
        for path in candidates:
            if path is not None and Path(path).is_file():
                return nbformat.read(str(path), 4)
        return None


def _expected(folder):
    """The notebook names the lesson of submission ``folder`` expects: the
    source/ notebooks of the course directory (nbgrader's standard layout,
    ``<course>/submitted/<student>/<lesson>``), else ``<lesson>``."""
    source = folder.parent.parent.parent / "source" / folder.name
    names = sorted(p.stem for p in source.glob("*.ipynb"))
    return names or [folder.name]


def pre_convert_hook(assignment=None, student=None, notebooks=None,
                     **kwargs):
    """``Autograde.pre_convert_hook``: a submission folder with notebooks
    but none of the lesson's name (a renamed file) is converted under the
    lesson's name instead of being skipped ("No notebooks found"), so that
    :class:`SubmissionExporter` records it as not graded."""
    if not notebooks:
        return
    folders = {Path(p).parent for p in notebooks}
    for folder in folders:
        present = {Path(p).stem for p in notebooks if Path(p).parent ==
                   folder}
        expected = _expected(folder)
        if present & set(expected):
            continue
        notebooks[:] = [p for p in notebooks if Path(p).parent != folder]
        notebooks.extend(str(folder / f"{name}.ipynb") for name in expected)


def mark(gradebook, notebook, assignment, student, reason):
    """Record the not-graded state of one submitted notebook in an open
    nbgrader ``gradebook`` (the grades 0 and flagged for manual grading,
    the reason as every comment's automatic comment)."""
    submitted = gradebook.find_submission_notebook(notebook, assignment,
                                                   student)
    for grade in submitted.grades:
        grade.auto_score = 0.0
        grade.needs_manual_grade = True
    for comment in submitted.comments:
        comment.auto_comment = PREFIX + reason
    gradebook.db.commit()


def recorded(gradebook, notebook, assignment, student):
    """The reason recorded for a submitted notebook, or None (graded, or
    not submitted)."""
    from nbgrader.api import MissingEntry

    try:
        submitted = gradebook.find_submission_notebook(notebook, assignment,
                                                       student)
    except MissingEntry:
        return None
    for comment in submitted.comments:
        text = comment.auto_comment or ""
        if text.startswith(PREFIX):
            return text[len(PREFIX):]
    return None


def record(api, assignment, student):
    """Record the state of a submission that :func:`describe` refuses,
    through nbgrader's own autograde (``api``: an ``NbGraderAPI`` of the
    course directory, configured by :mod:`autograder.nbgrader_config`);
    nbgrader's result dict (``success``, ``log``, ``error``)."""
    return api.autograde(assignment, student, force=True, create=True)
