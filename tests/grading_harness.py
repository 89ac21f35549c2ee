"""Prove a lesson's graders both ways: wrong answers lose points, right
answers, however written, get full marks.

A :class:`Variant` is a learner's submission described by what it puts in
the solution cells (by nbgrader ``grade_id``) of the generated learner
notebook in ``lessons/``, and what its grading must show.
Every lesson's grader test module lists its variants and calls
:func:`check_variant`; see ``tests/test_grader_01.py``.
"""

import copy
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import grading, sandbox

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
SOLUTIONS = ROOT / "solutions"


@dataclass
class Variant:
    """A submission: ``cells`` maps a solution cell's grade_id to code.

    ``fails``: tests that must fail (a wrong variant); empty for a right
    one, which must get full marks.
    ``passes``: tests that must still pass (the mistake is contained).
    ``says``: a regular expression the failure messages must match, so a
    learner is told what is wrong.
    ``extra``: code cells appended to the notebook (``(position, code)``,
    position ``None`` for the end).
    ``loses``: exactly how many points the variant must lose (a slip costs
    only the points of the requirement it breaks).

    The code of a cell is written as it would be in the notebook, a whole
    function definition in a triple-quoted string, indented as it suits
    the test module: it is dedented, and runs after the notebook's own
    imports (``np`` is there).
    """

    name: str
    cells: dict = field(default_factory=dict)
    fails: set = field(default_factory=set)
    passes: set = field(default_factory=set)
    says: str = ""
    extra: list = field(default_factory=list)
    loses: float = None

    def __str__(self):
        return self.name


def learner_notebook(lesson):
    """The generated learner notebook, as a learner downloads it."""
    return nbformat.read(str(LESSONS / f"{lesson}.ipynb"), 4)


def solution_cells(lesson):
    """``{grade_id: source}`` of the instructor's solution cells."""
    nb = nbformat.read(str(SOLUTIONS / f"{lesson}.ipynb"), 4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def submission(lesson, cells=None, extra=(), base=None):
    """A learner notebook with the given solution cells filled in.

    Cells not named in ``cells`` get the instructor's solution, so a
    variant changes only what it is about.
    """
    nb = copy.deepcopy(base or learner_notebook(lesson))
    filled = {**solution_cells(lesson), **(cells or {})}
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c
             for c in nb.cells}
    for grade_id, code in filled.items():
        if grade_id not in by_id:
            raise KeyError(f"{lesson} has no cell {grade_id!r}")
        by_id[grade_id].source = textwrap.dedent(code).strip("\n")
    for position, code in extra:
        cell = nbformat.v4.new_code_cell(textwrap.dedent(code).strip("\n"))
        if position is None:
            nb.cells.append(cell)
        else:
            nb.cells.insert(position, cell)
    return nb


#: The proofs grade without rendering figures: verdicts never depend on
#: them, and it saves about a third of each grading. Feedback with figures
#: is tested in test_cohort.py.
PROOF_LIMITS = sandbox.Limits(figures=False)


def grade(nb, lesson, **kwargs):
    """Grade a notebook object with the real grading code."""
    kwargs.setdefault("limits", PROOF_LIMITS)
    return grading.grade(nb, lesson, **kwargs)


def outcome(report):
    """``(passed ids, failed ids, {id: message})``."""
    passed = {t.id for t in report.tests if t.passed}
    failed = {t.id for t in report.tests if not t.passed}
    return passed, failed, {t.id: t.message for t in report.tests}


def assert_actionable(report):
    """Every failure message is a sentence, not a bare assertion or an
    internal error."""
    for t in report.tests:
        if t.passed:
            continue
        assert t.message.strip(), f"{t.id} failed with no message"
        assert t.message.strip() not in ("AssertionError", "Failed"), (
            f"{t.id}: bare message {t.message!r}")
        assert not t.message.startswith("The test could not check"), (
            f"{t.id}: the test itself broke: {t.message}")
        assert "grader error" not in t.message, t.message


def check_variant(lesson, variant):
    """Grade ``variant`` and assert what it promises; return the report."""
    nb = submission(lesson, variant.cells, variant.extra)
    report = grade(nb, lesson)
    passed, failed, messages = outcome(report)
    detail = "\n".join(f"  {k}: {v}" for k, v in messages.items() if v)
    if not variant.fails:
        assert report.score == report.max_score, (
            f"right answer {variant.name!r} lost points "
            f"({report.score}/{report.max_score}):\n{detail}")
        return report
    assert report.score < report.max_score, (
        f"wrong answer {variant.name!r} got full marks")
    assert variant.fails <= failed, (
        f"{variant.name!r}: expected {sorted(variant.fails)} to fail, "
        f"failed {sorted(failed)}:\n{detail}")
    assert variant.passes <= passed, (
        f"{variant.name!r}: expected {sorted(variant.passes)} to pass, "
        f"passed {sorted(passed)}:\n{detail}")
    assert_actionable(report)
    if variant.loses is not None:
        lost = report.max_score - report.score
        assert lost == variant.loses, (
            f"{variant.name!r} lost {lost:g} points, expected "
            f"{variant.loses:g}:\n{detail}")
    if variant.says:
        text = " ".join(messages[t] for t in variant.fails)
        assert re.search(variant.says, text, re.I | re.S), (
            f"{variant.name!r}: messages do not say /{variant.says}/:\n"
            f"{detail}")
    return report


def lesson_tests(lesson, wrong, right):
    """The three proofs every lesson's grader module runs: each wrong
    variant loses points, each right one gets full marks, the blank lesson
    scores 0 saying what is not written.

    Use in ``tests/test_grader_NN.py`` as
    ``test_wrong, test_right, test_blank = lesson_tests(LESSON, WRONG,
    RIGHT)``.
    """
    import pytest

    @pytest.mark.parametrize("variant", wrong, ids=str)
    def test_wrong_answer_loses_points(variant):
        check_variant(lesson, variant)

    @pytest.mark.parametrize("variant", right, ids=str)
    def test_right_answer_gets_full_marks(variant):
        check_variant(lesson, variant)

    def test_blank_lesson_scores_zero():
        report = grade(learner_notebook(lesson), lesson)
        assert report.score == 0
        assert all("not written yet" in t.message for t in report.tests), [
            t.message for t in report.tests]

    return (test_wrong_answer_loses_points,
            test_right_answer_gets_full_marks, test_blank_lesson_scores_zero)


def points(lesson):
    """``{test id: points}`` of a lesson, read from its instructor
    notebook, so expected scores follow the lesson when it changes."""
    nb = nbformat.read(str(SOLUTIONS / f"{lesson}.ipynb"), 4)
    return {t.id: t.points for t in grading.test_cells(nb)}


def without_lesson(nb):
    """``nb`` without the metadata that names its lesson (a notebook
    started elsewhere, or one whose metadata an editor dropped)."""
    nb.metadata.pop("course", None)
    return nb
