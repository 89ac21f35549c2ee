"""nbgrader configuration of the course, shared by every course directory.

A course directory's ``nbgrader_config.py`` (written by
``python -m autograder course DIR``) calls :func:`configure`.
The one change from plain nbgrader: autograding executes nothing in
nbgrader's own kernel. :class:`~autograder.nbgrader_plugin.SandboxedGrade`
takes the place of nbgrader's ``Execute``: the learner's cells run in the
sandbox, the test cells of the instructor's source notebook run in the
trusted process, and the verdicts are written into the test cells' outputs,
which nbgrader's ``SaveAutoGrades`` then records as usual.
"""

COURSE_ID = "backprop-from-scratch"


def configure(c):
    """Apply the course's settings to an nbgrader config object ``c``."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
    )

    from autograder import feedback, problems
    from autograder.nbgrader_plugin import (
        CourseExport,
        SandboxedGrade,
        SaveGrades,
    )

    c.CourseDirectory.course_id = COURSE_ID
    c.ClearSolutions.code_stub = {
        "python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    # deleted test cells come back, so every test is graded
    c.OverwriteCells.add_missing_cells = True
    c.Autograde.autograde_preprocessors = [
        SandboxedGrade, IgnorePattern, ClearMetadataPreprocessor,
        LimitOutput, SaveGrades, AssignLatePenalties, CheckCellMetadata]
    # a broken or renamed submission: a recorded state, not a traceback or
    # a silent 0 (autograder.problems)
    c.Autograde.exporter_class = problems.SubmissionExporter
    c.Autograde.pre_convert_hook = problems.pre_convert_hook
    c.ExportApp.plugin_class = CourseExport
    # feedback that reads: messages wrap, figures fit, math without a CDN
    feedback.configure(c)
    # nothing of the grader's own bookkeeping is copied into feedback/
    c.CourseDirectory.ignore = [
        ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
        ".autograder*"]
    return c
