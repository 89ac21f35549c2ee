"""Cohort grading: fast, parallel, nothing lost, bad input survived.

A course directory with a cohort of submissions: honest, blank, wrong and
cheating ones, and every kind of bad input (unreadable files, renamed
notebooks, endless loops, huge allocations, output floods, exits).
"""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from grading_harness import points, submission

from autograder import cohort, grading

LESSON = "01-sigmoid-neuron"
BIN = Path(sys.executable).parent

BAD_CODE = {
    "endless": "while True:\n    pass",
    "hog": "hog = bytearray(16 * 2**30)",
    "flood": "for _ in range(10**6):\n    print('x' * 1000)",
    "sysexit": "import sys\nsys.exit(1)",
    "osexit": "import os\nos._exit(0)",
}


def _env():
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")


def make_course(root, db_url=None):
    """A course directory with lesson 01 released (into the gradebook at
    ``db_url``, nbgrader's SQLite file by default)."""
    subprocess.run([sys.executable, "-m", "autograder", "course",
                    str(root)], check=True, capture_output=True)
    with open(root / "nbgrader_config.py", "a") as f:  # endless loops end
        f.write("c.SandboxedGrade.cell_timeout = 4\n"
                "c.SandboxedGrade.call_timeout = 4\n")
        if db_url:
            f.write(f"c.CourseDirectory.db_url = {db_url!r}\n")
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", LESSON,
                    "--force"], cwd=root, env=_env(), check=True,
                   capture_output=True)
    return root


def add_submissions(course, spec):
    """``spec``: ``{student: notebook, bytes or (file name, either)}``."""
    for student, content in spec.items():
        name = f"{LESSON}.ipynb"
        if isinstance(content, tuple):
            name, content = content
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            nbformat.write(content, str(folder / name))


def cohort_spec(release):
    blank = nbformat.read(str(release), 4)
    spec = {
        "honest": submission(LESSON, base=blank),
        "blank": blank,
        "wrong": submission(LESSON, {"neuron_forward": (
            "def neuron_forward(X, w, b):\n    return sigmoid(X @ w)")},
            base=blank),
        "cheat": submission(LESSON, {"sigmoid": (
            "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
            "get_ipython().input_transformers_post.append("
            "lambda lines: ['pass\\n'])\n"
            "def sigmoid(z):\n    return 0.5")}, base=blank),
        "empty": b"",
        "truncated": release.read_bytes()[:400],
        "notanotebook": b'{"cells": "no", "x": 1}',
        "text": b"def sigmoid(z): return z\n",
        "renamed": ("my homework.ipynb", submission(LESSON, base=blank)),
    }
    for name, code in BAD_CODE.items():  # honest work, then trouble
        spec[name] = submission(LESSON, base=blank, extra=[(None, code)])
    reordered = submission(LESSON, base=blank)
    reordered.cells[1:5] = list(reversed(reordered.cells[1:5]))
    spec["reordered"] = reordered
    return spec


FULL = sum(points(LESSON).values())
# "wrong" gets neuron_forward wrong and only that
WRONG = FULL - (points(LESSON)["test_neuron_forward_batch"]
                + points(LESSON)["test_neuron_forward_sample"])
EXPECTED = {"honest": FULL, "blank": 0, "wrong": WRONG, "cheat": 0,
            "reordered": FULL, **{name: FULL for name in BAD_CODE}}
REFUSED = {"empty": "empty", "truncated": "not valid JSON",
           "notanotebook": "not a Jupyter notebook",
           "text": "not valid JSON", "renamed": "rename it"}


def grades(course):
    subprocess.run([str(BIN / "nbgrader"), "export"], cwd=course,
                   env=_env(), check=True, capture_output=True)
    with open(course / "grades.csv") as f:
        return {row["student_id"]: float(row["raw_score"])
                for row in csv.DictReader(f)}


def autograde(course, *args):
    return subprocess.run(
        [sys.executable, "-m", "autograder", "autograde", str(course),
         *args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, bwrap_executable):
    course = make_course(tmp_path_factory.mktemp("cohort") / "course")
    add_submissions(course, cohort_spec(
        course / "release" / LESSON / f"{LESSON}.ipynb"))
    start = time.monotonic()
    proc = autograde(course)
    return course, proc, time.monotonic() - start


def test_every_submission_graded_or_refused_in_one_line(graded):
    course, proc, seconds = graded
    assert proc.returncode == 1  # some submissions could not be graded
    assert "Traceback" not in proc.stdout + proc.stderr
    summary = proc.stdout
    assert f"graded {len(EXPECTED)}, failed {len(REFUSED)}" in summary
    for student, reason in REFUSED.items():
        lines = [line for line in summary.splitlines()
                 if f"failed {student}/" in line]
        assert len(lines) == 1 and reason in lines[0], summary
    assert grades(course) == {k: float(v) for k, v in EXPECTED.items()}
    assert "grading: 100%" in proc.stderr  # the progress bar
    assert seconds < 300


def test_grades_match_the_single_notebook_command(graded):
    course, _, _ = graded
    exported = grades(course)
    for student in ("honest", "wrong", "cheat", "sysexit"):
        path = course / "submitted" / student / LESSON / f"{LESSON}.ipynb"
        report = grading.grade_file(path)
        assert report.score == exported[student], student


def test_rerun_is_idempotent(graded):
    course, _, _ = graded
    before = grades(course)
    rows = _row_counts(course)
    proc = autograde(course)
    assert f"graded 0, failed {len(REFUSED)}, already done " \
        f"{len(EXPECTED)}" in proc.stdout
    assert grades(course) == before and _row_counts(course) == rows
    proc = autograde(course, "--force", "--student", "honest",
                     "--student", "wrong")
    assert "graded 2, failed 0" in proc.stdout
    assert grades(course) == before and _row_counts(course) == rows


def _row_counts(course):
    with sqlite3.connect(course / "gradebook.db") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("student", "submitted_assignment",
                          "submitted_notebook", "grade")}


def test_feedback_shows_plots_as_images(graded):
    course, _, _ = graded
    subprocess.run([str(BIN / "nbgrader"), "generate_feedback", LESSON,
                    "--student", "honest"], cwd=course, env=_env(),
                   check=True, capture_output=True)
    html = (course / "feedback" / "honest" / LESSON /
            f"{LESSON}.html").read_text()
    assert html.count("data:image/png;base64") >= 2  # sigmoid plot, widget


def test_killed_run_resumes_to_the_same_grades(graded, tmp_path):
    course, _, _ = graded
    expected = grades(course)
    copy = tmp_path / "course"
    subprocess.run(["cp", "-a", str(course), str(copy)], check=True)
    subprocess.run(["rm", "-rf", str(copy / "autograded"),
                    str(copy / "gradebook.db"), str(copy / "grades.csv")],
                   check=True)
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", LESSON,
                    "--force"], cwd=copy, env=_env(), check=True,
                   capture_output=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder", "autograde", str(copy),
         "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # kill once some are recorded
        if len(list(copy.glob(f"autograded/*/{LESSON}/"
                              f"{cohort.MARKER}"))) >= 3:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # its worker processes end with it
    deadline = time.monotonic() + 20
    while _processes_mentioning(str(copy)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_mentioning(str(copy)) == [], "orphaned workers"
    done = len(list(copy.glob(f"autograded/*/{LESSON}/{cohort.MARKER}")))
    assert 3 <= done < len(EXPECTED), "killed too late to prove anything"
    again = autograde(copy)
    assert f"already done {done}" in again.stdout
    assert grades(copy) == expected
    _row_counts(copy)


def _processes_mentioning(text):
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True,
                        text=True, check=True).stdout
    return [line for line in ps.splitlines()[1:]
            if text in line and "ps -eo" not in line]


def test_concurrent_runs_do_not_corrupt_the_gradebook(graded, tmp_path):
    course, _, _ = graded
    expected = grades(course)
    copy = tmp_path / "course"
    subprocess.run(["cp", "-a", str(course), str(copy)], check=True)
    subprocess.run(["rm", "-rf", str(copy / "autograded")], check=True)
    runs = [subprocess.Popen(
        [sys.executable, "-m", "autograder", "autograde", str(copy),
         "--force", "--quiet", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)]
    outs = [run.communicate(timeout=900) for run in runs]
    for out, err in outs:
        assert f"graded {len(EXPECTED)}, failed {len(REFUSED)}" in out, err
    assert grades(copy) == expected
    _row_counts(copy)


def test_dask_local_cluster_gives_the_same_grades(graded, tmp_path):
    distributed = pytest.importorskip("distributed")
    course, _, _ = graded
    expected = grades(course)
    copy = tmp_path / "course"
    subprocess.run(["cp", "-a", str(course), str(copy)], check=True)
    subprocess.run(["rm", "-rf", str(copy / "autograded")], check=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True,
                                  dashboard_address=None) as cluster:
        summary = cohort.run(copy, scheduler=cluster.scheduler_address,
                             force=True, progress=False)
    assert len(summary.graded) == len(EXPECTED), summary.text()
    assert grades(copy) == expected
