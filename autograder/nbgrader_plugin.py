"""nbgrader preprocessor that grades through the sandbox.

Configured by :mod:`autograder.nbgrader_config` in place of nbgrader's
``Execute``: plain nbgrader runs the hidden tests in the learner's own
kernel, where the learner's code can patch ``np.allclose``, register an
IPython input transformer or open the gradebook; here it cannot.
"""

import textwrap
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades
from traitlets import Bool, Float

from autograder import grading, problems, sandbox

#: Columns of a failure message as written into a test cell's output: it
#: wraps in formgrader and the feedback, whatever their style sheets.
WIDTH = 78


class SandboxedGrade(NbGraderPreprocessor):
    """Grade a submitted notebook and write verdicts into its test cells."""

    cell_timeout = Float(
        30.0, help="Seconds one learner cell may run.").tag(config=True)
    call_timeout = Float(
        10.0, help="Seconds one call of a learner function may run."
    ).tag(config=True)
    total_timeout = Float(
        120.0, help="Seconds all the learner's code of one submission may "
        "run: its cells and the tests' calls together. What is left when it "
        "is used up fails at once, saying so.").tag(config=True)
    require_isolation = Bool(
        False, help="Refuse to grade where bubblewrap is not usable, "
        "instead of running learner code with limits only.").tag(config=True)

    def _source_notebook(self, assignment, notebook):
        coursedir = CourseDirectory(config=self.config)
        path = Path(coursedir.format_path(
            coursedir.source_directory, ".", assignment)) / (
                notebook + ".ipynb")
        if not path.exists():  # fall back to the repository's solutions
            path = grading.lessons().get(notebook)
        if path is None or not Path(path).exists():
            raise grading.GradeRefused(
                f"no source notebook for {assignment}/{notebook}")
        return nbformat.read(str(path), 4)

    def limits(self):
        """The sandbox limits these settings stand for."""
        return sandbox.Limits(cell_timeout=self.cell_timeout,
                              call_timeout=self.call_timeout,
                              total_timeout=self.total_timeout)

    def preprocess(self, nb, resources):
        from autograder import cohort

        info = resources["nbgrader"]
        assignment, notebook = info["assignment"], info["notebook"]
        reason = problems.problem_of(nb)
        if reason is not None:  # a placeholder: nothing to grade
            self.log.warning("%s/%s: %s%s", assignment, notebook,
                             problems.PREFIX, reason)
            for cell in nb.cells:
                if grading.is_test_cell(cell):
                    cell.outputs = [_error(problems.PREFIX + reason)]
            return nb, resources
        source_nb = self._source_notebook(assignment, notebook)
        isolation = "bwrap" if self.require_isolation else "auto"
        limits = self.limits()
        key = cohort.cache_key(nb, source_nb, notebook, limits)
        report = cohort.VERDICTS.get(key)
        if report is not None:  # graded already, in parallel
            self.log.info("Recording %s/%s", assignment, notebook)
        else:
            self.log.info("Grading %s/%s in the sandbox", assignment,
                          notebook)
            try:
                report = grading.grade(nb, notebook, source_nb=source_nb,
                                       limits=limits, isolation=isolation)
            except grading.GradingFault as exc:
                # raised on, nbgrader records no score and marks the
                # submission failed: autograde it again once fixed
                self.log.error("cannot grade %s/%s: %s", assignment,
                               notebook, exc)
                raise
        write_report(nb, report, nb.metadata.get(problems.NOTE_KEY))
        resources.setdefault("autograder", {})["report"] = report
        for note in report.notes:
            self.log.warning("%s: %s", notebook, note)
        return nb, resources


def write_report(nb, report, renamed=None):
    """Write ``report`` into the autograded ``nb``: the verdicts into its
    test cells, its notes (with ``renamed``, the note of a renamed file
    graded as the lesson) into a cell at the top. Every path that records
    a verdict writes it so (nbgrader's, and the cohort's workers)."""
    if renamed:
        note = renamed[0].upper() + renamed[1:] + "."
        if note not in report.notes:
            report.notes.insert(0, note)
    write_verdicts(nb, report)
    write_notes(nb, report)


def write_verdicts(nb, report):
    """Put the learner's cell outputs and the test verdicts into ``nb``.

    A failed test becomes an error output (nbgrader scores it 0, and the
    feedback shows the message); a passed one a short confirmation.
    """
    results = {t.id: t for t in report.tests}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grade_id = grading._meta(cell).get("grade_id")
        if grading.is_test_cell(cell):
            result = results.get(grade_id)
            if result is None:
                cell.outputs = [_error(
                    "This cell is not a test of this lesson; it was not "
                    "run.")]
            elif result.passed:
                cell.outputs = [nbformat.v4.new_output(
                    "stream", name="stdout",
                    text=f"Passed: {result.description or result.id}\n")]
            else:
                cell.outputs = [_error(result.message)]
            continue
        run = report.cells.get(index) or {}
        cell.outputs = [_output(o) for o in run.get("outputs", [])]
        cell.outputs = [o for o in cell.outputs if o is not None]
        stopped = cell_status(run)
        if stopped:
            cell.outputs.append(_error(stopped, ename="Stopped"))


def cell_status(run):
    """What the grader did to a learner cell it stopped or skipped, as the
    learner reads it in the autograded notebook and the feedback; None for
    a cell that ran to its end (or raised, which its own output shows)."""
    status = run.get("status")
    error = run.get("error") or {}
    hung = run.get("hung")
    if status == "timeout":
        inside = (f" (it was running {hung[0]})"
                  if isinstance(hung, list) and hung else "")
        return ("This cell did not finish in time and was stopped"
                f"{inside}; the cells after it ran without it.")
    if status == "crashed":
        return (f"This cell ended the Python process ({error.get('message')})"
                "; it was skipped and the cells after it ran without it.")
    if status == "skipped":
        return f"This cell was {error.get('message') or 'not run'}."
    return None  # a NotCalledAgain error shows in the cell's own output


def write_notes(nb, report):
    """The report's notes (cells stopped, calls not made again, the time
    budget, the sandbox) as a first markdown cell of the autograded
    notebook, so formgrader and the feedback show them."""
    nb.cells = [c for c in nb.cells
                if not c.get("metadata", {}).get("autograder_notes")]
    if not report.notes:
        return
    text = "**Notes from the grader**\n\n" + "\n".join(
        "* " + note.replace("*", "\\*") for note in report.notes)
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["autograder_notes"] = True
    nb.cells.insert(0, cell)


def wrap(message, width=WIDTH):
    """``message`` with its long lines broken at ``width`` columns (line
    breaks of its own, such as an array's rows, are kept)."""
    lines = []
    for line in str(message).splitlines() or [""]:
        indent = line[:len(line) - len(line.lstrip())]
        lines.extend(textwrap.wrap(line, width, subsequent_indent=indent,
                                   break_on_hyphens=False) or [""])
    return "\n".join(lines)


def _error(message, ename="Failed"):
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=message,
        traceback=[wrap(f"{ename}: {message}")])


def _output(data):
    """A validated nbformat output from the sandbox's plain description."""
    try:
        kind = data["output_type"]
        if kind == "stream":
            return nbformat.v4.new_output("stream", name=data["name"],
                                          text=data["text"])
        if kind == "display_data":
            return nbformat.v4.new_output("display_data",
                                          data=dict(data["data"]))
        if kind == "execute_result":
            return nbformat.v4.new_output("execute_result",
                                          data=dict(data["data"]),
                                          execution_count=None)
        if kind == "error":
            return nbformat.v4.new_output(
                "error", ename=str(data["ename"]),
                evalue=str(data["evalue"]),
                traceback=[str(t) for t in data["traceback"]])
    except (KeyError, TypeError, ValueError):
        return None
    return None


class SaveGrades(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades``, then, for a submission that was not
    graded (a :func:`~autograder.problems.placeholder`), its state:
    every grade 0 and flagged for manual grading, the reason as every
    comment's automatic comment (see :mod:`autograder.problems`)."""

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        reason = problems.problem_of(nb)
        if reason is not None:
            info = resources["nbgrader"]
            with Gradebook(info["db_url"]) as gb:
                problems.mark(gb, info["notebook"], info["assignment"],
                              info["student"], reason)
        return nb, resources


class CourseExport(CsvExportPlugin):
    """nbgrader's CSV export with two more columns: ``needs_manual_grade``
    and ``problem``, the one-line reason a submission was not graded
    (empty when it was graded), so a 0 for a broken file is not read as a
    blank notebook's 0."""

    def export(self, gradebook):
        import csv

        super().export(gradebook)
        dest = self.to or "grades.csv"
        with open(dest, newline="") as f:
            rows = list(csv.DictReader(f))
        fields = list(rows[0].keys()) if rows else []
        fields += ["needs_manual_grade", "problem"]
        for row in rows:
            row["needs_manual_grade"], row["problem"] = _state(
                gradebook, row["assignment"], row["student_id"])
        with open(dest, "w", newline="") as f:
            writer = csv.DictWriter(f, fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def _state(gradebook, assignment, student):
    from nbgrader.api import MissingEntry

    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return "", ""
    reasons = [problems.recorded(gradebook, nb.name, assignment, student)
               for nb in submission.notebooks]
    reasons = [f"{nb.name}: {r}" if len(submission.notebooks) > 1 else r
               for nb, r in zip(submission.notebooks, reasons) if r]
    return str(bool(submission.needs_manual_grade)), "; ".join(reasons)
