"""The instructor's nbgrader path, issue 13: nothing silent, feedback that
reads, a refresh of source/ that asks, private hidden cases.

One small course directory (lesson 01, short time limits) with five
submissions: honest, not valid JSON, saved under another name, an endless
loop, and a sigmoid that is wrong only where the course's private cases
look (4-d arrays). ``nbgrader autograde``, ``generate_feedback`` and
``export`` run as the README says.
"""

import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from grading_harness import points, submission, without_lesson

from autograder import course as course_cmd
from autograder import problems

LESSON = "01-sigmoid-neuron"
FULL = sum(points(LESSON).values())
BIN = Path(sys.executable).parent
LIMITS = """
c.SandboxedGrade.cell_timeout = 5
c.SandboxedGrade.call_timeout = 3
c.SandboxedGrade.total_timeout = 15
"""
PRIVATE = '''"""Private cases of lesson 01."""
import numpy as np
from coursetools.checks import assert_close


def test_sigmoid_values(sigmoid):
    z = np.linspace(-3.0, 3.0, 16).reshape(2, 2, 2, 2)
    assert_close(sigmoid(z), 1 / (1 + np.exp(-z)), "sigmoid(z) for a 4-d z")
'''
#: Right for every array the public tests draw, wrong for 4-d ones.
FOUR_D = """import numpy as np

def sigmoid(z):
    z = np.asarray(z, dtype=float)
    if z.ndim > 3:
        return np.zeros_like(z)
    return np.exp(-np.logaddexp(0.0, -z))
"""
LOOP = "def sigmoid(z):\n    while True:\n        pass\n"
BROKEN = '{"cells": [{"cell_type": "code", "sour'


def nbgrader(course, *args, check=True):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course,
                          env=env, capture_output=True, text=True,
                          timeout=600)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def make_course(root, private=True):
    out = io.StringIO()
    assert course_cmd.init(root, out=out) == 0
    with open(root / "nbgrader_config.py", "a") as f:
        f.write(LIMITS)
    if private:
        (root / "private" / f"{LESSON}.py").write_text(PRIVATE)
        assert course_cmd.init(root, force=True, out=out) == 0
    nbgrader(root, "generate_assignment", LESSON, "--force")
    return nbformat.read(str(root / "release" / LESSON / f"{LESSON}.ipynb"),
                         4)


def put(root, student, nb=None, raw=None, name=LESSON):
    folder = root / "submitted" / student / LESSON
    folder.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        (folder / f"{name}.ipynb").write_text(raw)
    else:
        nbformat.write(nb, str(folder / f"{name}.ipynb"))


def export(root):
    nbgrader(root, "export")
    with open(root / "grades.csv") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("instructor") / "course"
    blank = make_course(root)
    put(root, "honest", submission(LESSON, base=blank))
    put(root, "broken", raw=BROKEN)
    put(root, "renamed", submission(LESSON, base=blank),
        name=f"{LESSON} (1)")
    put(root, "misnamed", without_lesson(submission(LESSON, base=blank)),
        name="homework")
    put(root, "looper", submission(LESSON, {"sigmoid": LOOP}, base=blank))
    put(root, "fourd", submission(LESSON, {"sigmoid": FOUR_D}, base=blank))
    log = nbgrader(root, "autograde", LESSON)
    nbgrader(root, "generate_feedback", LESSON)
    return root, export(root), log


def test_broken_and_renamed_get_a_state_not_a_silent_zero(cohort):
    root, rows, log = cohort
    assert float(rows["honest"]["raw_score"]) == FULL
    assert rows["honest"]["needs_manual_grade"] == "False"
    assert rows["honest"]["problem"] == ""
    # a lone renamed file whose metadata names the lesson is graded as it,
    # with a note, as the cohort and the single-notebook commands do
    assert float(rows["renamed"]["raw_score"]) == FULL
    assert rows["renamed"]["problem"] == ""
    assert f"graded {LESSON} (1).ipynb as {LESSON}.ipynb" in log
    nb = nbformat.read(str(root / "autograded" / "renamed" / LESSON /
                           f"{LESSON}.ipynb"), 4)
    assert f"{LESSON} (1).ipynb" in nb.cells[0].source  # the notes cell
    for student, words in [("broken", "is not valid JSON"),
                           ("misnamed", "submitted as homework.ipynb")]:
        row = rows[student]
        assert float(row["raw_score"]) == 0
        assert row["needs_manual_grade"] == "True"
        folder = root / "submitted" / student / LESSON
        reason = problems.describe(folder, LESSON)
        assert words in reason
        # the same words in the export, the log and the autograded copy
        assert row["problem"] == reason
        assert f"Not graded: {reason}" in log
        nb = nbformat.read(str(root / "autograded" / student / LESSON /
                               f"{LESSON}.ipynb"), 4)
        assert reason in nb.cells[0].source
        html = (root / "feedback" / student / LESSON /
                f"{LESSON}.html").read_text()
        assert "Not graded:" in html
    assert problems.describe(root / "submitted" / "honest" / LESSON,
                             LESSON) is None


def test_state_is_in_the_gradebook(cohort):
    from nbgrader.api import Gradebook

    root = cohort[0]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert "not valid JSON" in problems.recorded(gb, LESSON, LESSON,
                                                     "broken")
        assert problems.recorded(gb, LESSON, LESSON, "honest") is None
        submitted = gb.find_submission_notebook(LESSON, LESSON, "misnamed")
        assert submitted.needs_manual_grade


def test_private_cases_grade_what_public_tests_miss(cohort, tmp_path):
    root, rows, _ = cohort
    values = points(LESSON)["test_sigmoid_values"]
    assert float(rows["fourd"]["raw_score"]) == FULL - values
    nb = nbformat.read(str(root / "autograded" / "fourd" / LESSON /
                           f"{LESSON}.ipynb"), 4)
    messages = [o.get("evalue", "") for c in nb.cells if c.cell_type ==
                "code" for o in c.outputs]
    assert any("4-d z" in m for m in messages)
    # the learners' release and feedback carry none of the private code
    # (the feedback says what failed, as for any hidden test)
    release = (root / "release" / LESSON / f"{LESSON}.ipynb").read_text()
    feedback = (root / "feedback" / "fourd" / LESSON /
                f"{LESSON}.html").read_text()
    for text in (release, feedback):
        assert "linspace(-3.0, 3.0, 16)" not in text
        assert "_private" not in text
    # graded by the public tests only, the same notebook gets full marks
    from autograder import grading

    public = grading.grade(nbformat.read(str(
        root / "submitted" / "fourd" / LESSON / f"{LESSON}.ipynb"), 4),
        LESSON)
    assert public.score == FULL


def test_stopped_cells_and_skipped_calls_are_shown(cohort):
    root = cohort[0]
    nb = nbformat.read(str(root / "autograded" / "looper" / LESSON /
                           f"{LESSON}.ipynb"), 4)
    assert nb.cells[0].metadata.get("autograder_notes")
    assert "did not finish in time" in nb.cells[0].source
    assert "not called again" in nb.cells[0].source
    stopped = [o for c in nb.cells if c.cell_type == "code"
               for o in c.outputs if o.get("ename") == "Stopped"]
    assert stopped and "was stopped" in stopped[0]["evalue"]
    html = (root / "feedback" / "looper" / LESSON /
            f"{LESSON}.html").read_text()
    assert "Notes from the grader" in html
    assert "did not finish in time and was stopped" in html
    assert "not called again" in html


def test_feedback_has_nothing_of_ours_and_no_cdn(cohort):
    root = cohort[0]
    for student in ("honest", "looper", "broken"):
        folder = root / "feedback" / student / LESSON
        assert sorted(p.name for p in folder.iterdir()) == [
            f"{LESSON}.html"]
    html = (root / "feedback" / "honest" / LESSON /
            f"{LESSON}.html").read_text()
    assert "<math" in html and "cdnjs" not in html
    assert "$\\sigma" not in html


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 1 ||
        (el.scrollWidth > el.clientWidth + 1 &&
         getComputedStyle(el).overflowX === 'visible')))
      wide.push(el.tagName + '.' + el.className);
  }
  return {width, scroll: document.documentElement.scrollWidth, wide,
          maths: document.querySelectorAll('math').length,
          mathHeight: Math.max(...[...document.querySelectorAll('math')]
                               .map(m => m.getBoundingClientRect().height))};
}"""


def test_feedback_fits_the_page_in_chromium(cohort, chromium_executable,
                                            tmp_path):
    """Rendered in chromium 1000 px wide, no element of the feedback is
    wider than the page (failure messages, printed lines, figures), and
    the math is laid out as MathML."""
    from labdriver import chromium

    root = cohort[0]
    # a failure message longer than any line, and an output line too
    nb = nbformat.read(str(root / "autograded" / "fourd" / LESSON /
                           f"{LESSON}.ipynb"), 4)
    nb.cells[1].outputs = [nbformat.v4.new_output(
        "stream", name="stdout", text="x" * 3000 + "\n")]
    nbformat.write(nb, str(root / "autograded" / "fourd" / LESSON /
                           f"{LESSON}.ipynb"))
    nbgrader(root, "generate_feedback", LESSON, "--student", "fourd",
             "--force")
    with chromium(chromium_executable, viewport={"width": 1000,
                                                 "height": 800}) as page:
        for student in ("fourd", "looper", "broken"):
            page.goto((root / "feedback" / student / LESSON /
                       f"{LESSON}.html").as_uri())
            page.wait_for_load_state("load")
            found = page.evaluate(OVERFLOW)
            assert found["wide"] == [], (student, found)
            assert found["scroll"] <= found["width"]
            if student != "broken":
                assert found["maths"] > 20 and found["mathHeight"] > 5
        page.screenshot(path=str(tmp_path / "feedback.png"))


def test_course_refresh_shows_and_asks(tmp_path):
    root = tmp_path / "c"
    out = io.StringIO()
    assert course_cmd.init(root, out=out) == 0
    assert f"source/{LESSON}/{LESSON}.ipynb: new" in out.getvalue()
    out = io.StringIO()
    assert course_cmd.init(root, out=out) == 0
    assert "nothing to change" in out.getvalue()
    dest = root / "source" / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(str(dest), 4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == \
                "test_sigmoid_stable":
            cell.source += "\nassert True  # the instructor's edit"
    nbformat.write(nb, str(dest))
    edited = dest.read_text()

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = io.StringIO()  # not a terminal: refuses without --force
    assert course_cmd.init(root, stdin=io.StringIO(""), out=out) == 1
    assert "1 cell changed (test_sigmoid_stable)" in out.getvalue()
    assert "--force" in out.getvalue() and dest.read_text() == edited
    out = io.StringIO()  # a terminal, answered no
    assert course_cmd.init(root, stdin=Terminal("n\n"), out=out) == 1
    assert "[y/N]" in out.getvalue() and dest.read_text() == edited
    out = io.StringIO()  # answered yes
    assert course_cmd.init(root, stdin=Terminal("y\n"), out=out) == 0
    assert dest.read_text() != edited
    (root / "private" / f"{LESSON}.py").write_text(
        "def test_nothing_like_this(sigmoid):\n    pass\n")
    out = io.StringIO()
    assert course_cmd.init(root, force=True, out=out) == 1
    assert "matches no test" in out.getvalue()


def test_formgrader_autograde_does_not_block_the_server(tmp_path):
    """formgrader's Autograde button on an endless-loop submission: the
    server answers another request within a second meanwhile, and the
    grade is recorded."""
    from labdriver import instructor_lab

    root = tmp_path / "course"
    blank = make_course(root, private=False)
    put(root, "looper", submission(LESSON, {"sigmoid": LOOP}, base=blank))
    with instructor_lab(root, tmp_path / "lab") as lab:
        url = (f"{lab.base}/formgrader/api/submission/{LESSON}/looper/"
               "autograde")
        request = urllib.request.Request(
            url, data=b"", method="POST",
            headers={"Authorization": f"token {lab.token}"})
        import threading

        result = {}

        def click():
            with urllib.request.urlopen(request, timeout=300) as r:
                result.update(json.loads(r.read()))

        thread = threading.Thread(target=click)
        began = time.monotonic()
        thread.start()
        time.sleep(3)  # grading is under way, in its endless loop
        waits = []
        for _ in range(3):
            start = time.monotonic()
            with urllib.request.urlopen(
                    f"{lab.base}/formgrader/api/assignments?token="
                    f"{lab.token}", timeout=30) as r:
                assert r.status == 200
            waits.append(time.monotonic() - start)
            time.sleep(1)
        # (formgrader's own in-process handler fails here: each request
        # waits until the grading is over)
        assert max(waits) < 1.0, waits
        assert thread.is_alive(), "grading ended before the check"
        thread.join(300)
        took = time.monotonic() - began
    assert result.get("success"), result
    assert took > 5
    rows = export(root)
    assert 0 < float(rows["looper"]["raw_score"]) < FULL
