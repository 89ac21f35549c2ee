"""The instructor's workflow, end to end, with nbgrader's own commands.

A course directory from ``python -m autograder course``; then
``generate_assignment``, submissions of a small fake cohort (honest, blank,
wrong, cheating), ``autograde``, ``generate_feedback`` and ``export``, as the
README tells an instructor.
The same cheating submission is also graded by plain nbgrader, which it
fools: that shows the attack is real and our configuration is what stops it.
"""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grading_harness import points, submission

LESSON = "01-sigmoid-neuron"
FULL = sum(points(LESSON).values())
BIN = Path(sys.executable).parent

CHEAT = """
import numpy as np
import coursetools.checks as checks

def sigmoid(z):
    return 1 / (1 + np.exp(z))   # wrong, and hidden behind all of this

np.allclose = lambda *a, **k: True
checks.assert_close = lambda *a, **k: None
for path in ("../../gradebook.db", "../../../gradebook.db"):
    try:
        open(path, "ab").write(b"pwned")
    except OSError:
        pass
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
"""


def nbgrader(course, *args):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course,
                          env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def make_course(tmp_path, name, plain=False):
    course = tmp_path / name
    subprocess.run([sys.executable, "-m", "autograder", "course",
                    str(course)], check=True, capture_output=True)
    if plain:  # nbgrader as it comes, for comparison
        (course / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821\n")
    nbgrader(course, "generate_assignment", LESSON, "--force")
    return course


def submit(course, student, nb):
    folder = course / "submitted" / student / LESSON
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{LESSON}.ipynb"))


def grades(course):
    nbgrader(course, "export")
    with open(course / "grades.csv") as f:
        return {row["student_id"]: float(row["raw_score"])
                for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("cohort")
    course = make_course(tmp_path, "course")
    release = course / "release" / LESSON / f"{LESSON}.ipynb"
    blank = nbformat.read(str(release), 4)
    submit(course, "honest", submission(LESSON, base=blank))
    submit(course, "blank", blank)
    submit(course, "wrong", submission(LESSON, {
        "neuron_forward": "def neuron_forward(X, w, b):\n"
                          "    return sigmoid(X @ w)  # no bias"},
        base=blank))
    submit(course, "cheater", submission(LESSON, {"sigmoid": CHEAT},
                                         base=blank))
    gradebook_before = (course / "gradebook.db").stat().st_size
    log = nbgrader(course, "autograde", LESSON)
    nbgrader(course, "generate_feedback", LESSON)
    return course, grades(course), log, gradebook_before


def test_cohort_grades(cohort):
    course, scores, log, _ = cohort
    assert scores["honest"] == FULL
    assert scores["blank"] == 0
    # sigmoid right, neuron_forward wrong
    assert scores["wrong"] == FULL - (
        points(LESSON)["test_neuron_forward_batch"]
        + points(LESSON)["test_neuron_forward_sample"])
    assert scores["cheater"] < scores["honest"]
    assert "Grading 01-sigmoid-neuron/01-sigmoid-neuron in the sandbox" \
        in log


def test_feedback_says_what_is_wrong(cohort):
    course = cohort[0]
    html = (course / "feedback" / "wrong" / LESSON /
            f"{LESSON}.html").read_text()
    assert "is the bias b missing?" in html
    blank = (course / "feedback" / "blank" / LESSON /
             f"{LESSON}.html").read_text()
    assert "not written yet" in blank


def test_gradebook_untouched_by_cheater(cohort):
    course, _, _, _ = cohort
    with open(course / "gradebook.db", "rb") as f:
        assert b"pwned" not in f.read()


def test_regrading_gives_the_same_grades(cohort):
    course, scores, _, _ = cohort
    nbgrader(course, "autograde", LESSON, "--force")
    assert grades(course) == scores


def test_plain_nbgrader_is_fooled_by_the_same_cheat(tmp_path):
    """Without our configuration the cheat gets full marks: the attack is
    real."""
    course = make_course(tmp_path, "plain", plain=True)
    release = course / "release" / LESSON / f"{LESSON}.ipynb"
    blank = nbformat.read(str(release), 4)
    submit(course, "cheater", submission(LESSON, {"sigmoid": CHEAT},
                                         base=blank))
    nbgrader(course, "autograde", LESSON)
    assert grades(course)["cheater"] == FULL
    shutil.rmtree(course)
