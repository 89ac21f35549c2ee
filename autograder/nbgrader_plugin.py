"""nbgrader preprocessor that grades through the sandbox.

Configured by :mod:`autograder.nbgrader_config` in place of nbgrader's
``Execute``: plain nbgrader runs the hidden tests in the learner's own
kernel, where the learner's code can patch ``np.allclose``, register an
IPython input transformer or open the gradebook; here it cannot.
"""

from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float

from autograder import grading, sandbox


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
        write_verdicts(nb, report)
        resources.setdefault("autograder", {})["report"] = report
        for note in report.notes:
            self.log.warning("%s: %s", notebook, note)
        return nb, resources


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
        run = report.cells.get(index)
        cell.outputs = [_output(o) for o in (run or {}).get("outputs", [])]
        cell.outputs = [o for o in cell.outputs if o is not None]


def _error(message):
    return nbformat.v4.new_output(
        "error", ename="Failed", evalue=message,
        traceback=["Failed: " + message])


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
