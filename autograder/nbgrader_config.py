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
        SaveAutoGrades,
    )

    from autograder.nbgrader_plugin import SandboxedGrade

    c.CourseDirectory.course_id = COURSE_ID
    c.ClearSolutions.code_stub = {
        "python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    # deleted test cells come back, so every test is graded
    c.OverwriteCells.add_missing_cells = True
    c.Autograde.autograde_preprocessors = [
        SandboxedGrade, IgnorePattern, ClearMetadataPreprocessor,
        LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    return c
