"""``python -m autograder grade NOTEBOOK [--json]``: the spec's contract.

Exit 0 when graded, whatever the score; non-zero with a one-line reason on
standard error when the file cannot be graded. Never a traceback.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grading_harness import points, submission

ROOT = Path(__file__).resolve().parent.parent
LESSON = "01-sigmoid-neuron"
FULL = sum(points(LESSON).values())


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", *map(str, args)],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def test_json_for_the_solution():
    proc = run(ROOT / "solutions" / f"{LESSON}.ipynb", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["lesson"] == LESSON
    assert report["score"] == report["max_score"] > 0
    assert [t["id"] for t in report["tests"]] == list(points(LESSON))
    for t in report["tests"]:
        assert set(t) >= {"id", "score", "max_score", "passed", "message"}
        assert t["passed"] is True and t["message"] == ""


def test_readable_report_for_the_blank_lesson():
    proc = run(ROOT / "lessons" / f"{LESSON}.ipynb")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{LESSON}: 0 / {FULL:g} points")
    assert proc.stdout.count("FAIL") == len(points(LESSON))
    assert "not written yet" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_renamed_notebook_is_recognised(tmp_path):
    renamed = tmp_path / "my homework (final) v2.ipynb"
    shutil.copy(ROOT / "solutions" / f"{LESSON}.ipynb", renamed)
    proc = run(renamed, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["score"] == FULL


def test_renamed_notebook_without_lesson_metadata(tmp_path):
    nb = submission(LESSON)
    nb.metadata.pop("course", None)
    path = tmp_path / "untitled.ipynb"
    nbformat.write(nb, str(path))
    proc = run(path, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["lesson"] == LESSON


def test_reordered_cells_and_solution_in_a_new_cell(tmp_path):
    nb = submission(LESSON)
    sig = next(c for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade_id") ==
               "sigmoid")
    moved = nbformat.v4.new_code_cell(sig.source)
    sig.source = "# moved below"
    nb.cells.append(moved)          # defined last, used by tests anyway
    nb.cells[1:5] = reversed(nb.cells[1:5])
    path = tmp_path / "reordered.ipynb"
    nbformat.write(nb, str(path))
    proc = run(path, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["score"] == FULL


BAD = {
    "empty file": (b"", "empty"),
    "truncated JSON": (
        (ROOT / "lessons" / f"{LESSON}.ipynb").read_bytes()[:500],
        "not valid JSON"),
    "JSON that is not a notebook": (b'{"hello": [1, 2, 3]}',
                                    "not a Jupyter notebook"),
    "text named .ipynb": (b"print('hello')\n", "not valid JSON"),
    "binary garbage": (bytes(range(256)) * 4, "not valid JSON"),
    "notebook of no lesson": (
        nbformat.writes(nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell("x = 1")])).encode(),
        "unknown lesson"),
}


@pytest.mark.parametrize("name", BAD)
def test_refuses_with_one_line(tmp_path, name):
    content, reason = BAD[name]
    path = tmp_path / "submission.ipynb"
    path.write_bytes(content)
    proc = run(path, "--json")
    assert proc.returncode != 0
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert reason in lines[0], lines[0]
    assert "Traceback" not in proc.stderr


def test_missing_file_and_directory(tmp_path):
    for path in (tmp_path / "nope.ipynb", tmp_path):
        proc = run(path)
        assert proc.returncode != 0
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_without_hidden_tests_the_visible_checks_grade(tmp_path):
    """A JupyterHub that received the released lessons only: the notebook
    is graded by its own visible checks, and the report says so."""
    env = dict(os.environ, BACKPROP_SOLUTIONS=str(tmp_path / "none"))
    right = tmp_path / f"{LESSON}.ipynb"
    nbformat.write(submission(LESSON), str(right))
    wrong = tmp_path / "wrong.ipynb"
    nbformat.write(submission(LESSON, {"sigmoid": (
        "def sigmoid(z):\n    return 1 / (1 + np.exp(z))")}), str(wrong))
    proc = run(right, "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["visible_only"] is True
    assert report["score"] == report["max_score"] == FULL
    assert "hidden tests are not installed" in report["notes"][0]
    proc = run(wrong, env=env)
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith(f"{LESSON}: ") and "of the visible checks" in first
    assert "FAIL  test_sigmoid_values" in proc.stdout
