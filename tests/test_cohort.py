"""Cohort grading: fast, parallel, nothing lost, bad input survived.

A course directory with a cohort of submissions: honest, blank, wrong and
cheating ones, and every kind of bad input (unreadable files, renamed
notebooks, endless loops, huge allocations, output floods, exits).
"""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from grading_harness import points, submission, without_lesson

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
        # graded as the lesson its metadata names, as `grade` does
        "renamed": ("my homework.ipynb", submission(LESSON, base=blank)),
        "misnamed": ("other.ipynb", without_lesson(
            submission(LESSON, base=blank))),
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
            "reordered": FULL, "renamed": FULL,
            **{name: FULL for name in BAD_CODE}}
REFUSED = {"empty": "empty", "truncated": "not valid JSON",
           "notanotebook": "not a Jupyter notebook",
           "text": "not valid JSON", "misnamed": "rename it"}


def export_rows(course):
    """``{student: row}`` of ``nbgrader export``'s grades.csv."""
    subprocess.run([str(BIN / "nbgrader"), "export"], cwd=course,
                   env=_env(), check=True, capture_output=True)
    with open(course / "grades.csv") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def grades(course):
    """``{student: raw score}`` of the students with a gradable file."""
    return {k: float(row["raw_score"]) for k, row in
            export_rows(course).items() if not row["problem"]}


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
    assert f"graded {len(EXPECTED)}, failed 0, not graded {len(REFUSED)}" \
        in summary
    for student, reason in REFUSED.items():
        lines = [line for line in summary.splitlines()
                 if f"not graded {student}/" in line]
        assert len(lines) == 1 and reason in lines[0], summary
    # a file nothing can be graded of is a visible state, not a silent 0
    rows = export_rows(course)
    assert {k: float(r["raw_score"]) for k, r in rows.items()} == {
        **{k: float(v) for k, v in EXPECTED.items()},
        **{k: 0.0 for k in REFUSED}}
    for student, reason in REFUSED.items():
        assert rows[student]["needs_manual_grade"] == "True"
        assert reason in rows[student]["problem"], rows[student]
    for student in EXPECTED:
        assert rows[student]["problem"] == ""
    assert "grading: 100%" in proc.stderr  # the progress bar
    # the reports' notes, one line each
    assert f"note renamed/{LESSON}: Graded my homework.ipynb as " \
        f"{LESSON}.ipynb" in summary
    assert any(line.startswith(f"  note endless/{LESSON}: ")
               and "did not finish in time" in line
               for line in summary.splitlines()), summary
    assert seconds < 300


def test_grades_match_the_single_notebook_command(graded):
    course, _, _ = graded
    exported = grades(course)
    for student in ("honest", "wrong", "cheat", "sysexit", "renamed"):
        path, = (course / "submitted" / student / LESSON).glob("*.ipynb")
        report = grading.grade_file(path)
        assert report.score == exported[student], student


def test_rerun_is_idempotent(graded):
    course, _, _ = graded
    before = grades(course)
    rows = _row_counts(course)
    proc = autograde(course)
    assert f"graded 0, failed 0, not graded {len(REFUSED)}, already done " \
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
    # the sigmoid's plot (the explorer widget's image is live only)
    assert html.count("data:image/png;base64") >= 1


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
        if _recorded_count(copy) >= 3:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # its worker processes end with it
    deadline = time.monotonic() + 20
    while _processes_mentioning(str(copy)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_mentioning(str(copy)) == [], "orphaned workers"
    done = _recorded_count(copy)
    assert 3 <= done < len(EXPECTED), "killed too late to prove anything"
    again = autograde(copy)
    assert f"already done {done}" in again.stdout
    assert grades(copy) == expected
    _row_counts(copy)


def _recorded_count(course):
    """Submissions recorded so far, read as another process would."""
    try:
        with sqlite3.connect(f"file:{course}/gradebook.db?mode=ro",
                             uri=True, timeout=5) as db:
            return db.execute("select count(*) from autograder_done"
                              ).fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


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
        assert f"graded {len(EXPECTED)}, failed 0, not graded " \
            f"{len(REFUSED)}" in out, err
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


# -- recording: the cohort's path against nbgrader's own ---------------------
def _gradebook_contents(course):
    """Every row nbgrader keeps for submissions, by names (ids differ)."""
    with sqlite3.connect(course / "gradebook.db") as db:
        def rows(sql):
            return sorted(tuple(r) for r in db.execute(sql))
        per_cell = (" join submitted_notebook sn on x.notebook_id = sn.id"
                    " join submitted_assignment sa on sn.assignment_id = "
                    "sa.id join base_cell c on x.cell_id = c.id")
        return {
            "students": rows("select * from student"),
            "submissions": rows(
                "select sa.student_id, a.name, sa.timestamp, sa.extension "
                "from submitted_assignment sa join assignment a on "
                "sa.assignment_id = a.id"),
            "notebooks": rows(
                "select sa.student_id, n.name, sn.flagged, "
                "sn.late_submission_penalty from submitted_notebook sn join "
                "submitted_assignment sa on sn.assignment_id = sa.id join "
                "notebook n on sn.notebook_id = n.id"),
            "grades": rows(
                "select sa.student_id, c.name, x.auto_score, x.manual_score,"
                " x.extra_credit, x.needs_manual_grade, gc.max_score from "
                "grade x" + per_cell + " left join grade_cells gc on gc.id ="
                " c.id"),
            "comments": rows(
                "select sa.student_id, c.name, x.auto_comment, "
                "x.manual_comment from comment x" + per_cell),
        }


def _autograded_files(course):
    """Every file under autograded/: its text and permissions. A cell
    nbgrader added back gets a random id (from nbformat): "new" here."""
    found = {}
    for path in sorted((course / "autograded").rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text()
        if path.suffix == ".ipynb":
            sent = course / "submitted" / path.relative_to(
                course / "autograded")
            known = {c.get("id") for c in json.loads(
                sent.read_text())["cells"]}
            data = json.loads(text)
            for cell in data["cells"]:
                if cell.get("id") not in known:
                    cell["id"] = "new"
            text = json.dumps(data, indent=1)
        found[str(path.relative_to(course))] = (
            text, oct(path.stat().st_mode & 0o777))
    return found


@pytest.fixture(scope="module")
def twin_courses(tmp_path_factory, bwrap_executable):
    """One small cohort, recorded by nbgrader's own ``autograde`` (with
    the sandboxed grader) in one copy and by the cohort command in the
    other: ``(nbgrader's, ours)``."""
    from nbgrader.api import Gradebook

    base = tmp_path_factory.mktemp("twins")
    plain = make_course(base / "plain")
    with open(plain / "nbgrader_config.py", "a") as f:
        f.write("c.LateSubmissionPlugin.penalty_method = 'zero'\n")
    with Gradebook(f"sqlite:///{plain}/gradebook.db",
                   "backprop-from-scratch") as gb:
        gb.update_or_create_assignment(LESSON,
                                       duedate="2030-01-01 12:00:00 UTC")
    release = plain / "release" / LESSON / f"{LESSON}.ipynb"
    blank = nbformat.read(str(release), 4)
    honest = submission(LESSON, base=blank)
    deleted = submission(LESSON, base=blank)  # a test cell deleted
    deleted.cells = [c for c in deleted.cells if c.get("metadata", {}).get(
        "nbgrader", {}).get("grade_id") != "test_neuron_forward_batch"]
    edited = submission(LESSON, base=blank)   # a locked test cell edited
    next(c for c in edited.cells if c.get("metadata", {}).get(
        "nbgrader", {}).get("grade_id") == "test_sigmoid_values"
         ).source = "pass"
    add_submissions(plain, {
        "honest": honest, "blank": blank, "deleted": deleted,
        "edited": edited,
        "late": submission(LESSON, {"neuron_forward": (
            "def neuron_forward(X, w, b):\n    return sigmoid(X @ w)")},
            base=blank)})
    stamps = {"honest": "2029-12-30 10:00:00.000000 UTC",
              "late": "2030-01-03 09:30:00.000000 UTC"}
    for student, stamp in stamps.items():
        folder = plain / "submitted" / student / LESSON
        (folder / "timestamp.txt").write_text(stamp)
    (plain / "submitted" / "honest" / LESSON / "notes.txt").write_text("hi")
    ours = base / "ours"
    subprocess.run(["cp", "-a", str(plain), str(ours)], check=True)
    subprocess.run([str(BIN / "nbgrader"), "autograde", LESSON],
                   cwd=plain, env=_env(), check=True, capture_output=True)
    proc = autograde(ours, "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return plain, ours


def test_cohort_records_what_nbgrader_records(twin_courses):
    plain, ours = twin_courses
    theirs, mine = _gradebook_contents(plain), _gradebook_contents(ours)
    assert mine == theirs
    # the cases the cohort must get right, present and as nbgrader has them
    penalties = {r[0]: r[3] for r in mine["notebooks"]}
    assert penalties["late"] == WRONG and penalties["honest"] is None
    assert {r[0]: r[2] for r in mine["submissions"]}["late"].startswith(
        "2030-01-03 09:30")
    assert ("blank", "sigmoid", "No response.", None) in mine["comments"]
    assert _autograded_files(ours) == _autograded_files(plain)
    files = _autograded_files(ours)
    assert f"autograded/honest/{LESSON}/notes.txt" in files
    assert f"autograded/late/{LESSON}/timestamp.txt" in files


def test_manual_grades_survive_a_regrade_as_with_nbgrader(twin_courses,
                                                          tmp_path):
    from nbgrader.api import Gradebook

    copies = []
    for course in twin_courses:
        copy = tmp_path / course.name
        subprocess.run(["cp", "-a", str(course), str(copy)], check=True)
        with Gradebook(f"sqlite:///{copy}/gradebook.db",
                       "backprop-from-scratch") as gb:
            gb.find_grade("test_sigmoid_values", LESSON, LESSON,
                          "honest").manual_score = 1.5
            gb.find_comment("sigmoid", LESSON, LESSON,
                            "honest").manual_comment = "neat"
            gb.db.commit()
        copies.append(copy)
    plain, ours = copies
    subprocess.run([str(BIN / "nbgrader"), "autograde", LESSON, "--force",
                    "--student", "honest"], cwd=plain, env=_env(),
                   check=True, capture_output=True)
    proc = autograde(ours, "--quiet", "--force", "--student", "honest")
    assert "graded 1, failed 0" in proc.stdout, proc.stdout + proc.stderr
    mine = _gradebook_contents(ours)
    assert mine == _gradebook_contents(plain)
    assert ("honest", "test_sigmoid_values", 1.0 * points(LESSON)[
        "test_sigmoid_values"], 1.5, None, 1,
        points(LESSON)["test_sigmoid_values"]) in mine["grades"]


def test_feedback_and_export_read_the_cohort_gradebook(twin_courses):
    _, ours = twin_courses
    proc = subprocess.run([str(BIN / "nbgrader"), "generate_feedback",
                           LESSON], cwd=ours, env=_env(),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for student in ("honest", "blank", "deleted", "edited", "late"):
        html = (ours / "feedback" / student / LESSON /
                f"{LESSON}.html").read_text()
        assert "Score:" in html or "score" in html.lower()
    assert not list((ours / "feedback").rglob(".autograder*"))
    exported = grades(ours)
    assert exported["honest"] == FULL and exported["blank"] == 0
    with open(ours / "grades.csv") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert float(rows["late"]["raw_score"]) == WRONG
    assert float(rows["late"]["late_submission_penalty"]) == WRONG
    assert float(rows["late"]["score"]) == 0  # the penalty 'zero'
    assert exported["deleted"] == FULL and exported["edited"] == FULL


def test_a_test_change_regrades_every_submission_and_says_why(
        twin_courses, tmp_path):
    """Issue 13's mixed grades: a hidden test of source/ changed, then
    restored; every run grades everyone by the tests of that moment."""
    _, ours = twin_courses
    course = tmp_path / "course"
    subprocess.run(["cp", "-a", str(ours), str(course)], check=True)
    for student in ("deleted", "edited"):  # three are enough, and faster
        subprocess.run(["rm", "-r", str(course / "submitted" / student)],
                       check=True)
    students = ("honest", "blank", "late")
    before = {s: g for s, g in grades(course).items() if s in students}
    n = len(students)
    source = course / "source" / LESSON / f"{LESSON}.ipynb"
    original = source.read_text()
    nb = nbformat.reads(original, 4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get(
        "grade_id") == "test_sigmoid_values")
    cell.source = cell.source.replace(
        "### END HIDDEN TESTS",
        "assert sigmoid(0.0) == 0.25, 'a stricter test'\n"
        "### END HIDDEN TESTS")
    nbformat.write(nb, str(source))
    proc = autograde(course, "--quiet")
    assert f"graded {n}, failed 0, already done 0" in proc.stdout, \
        proc.stdout + proc.stderr
    assert f"regraded {n}: the tests of {LESSON} changed" in proc.stdout
    lost = points(LESSON)["test_sigmoid_values"]
    changed = {s: g for s, g in grades(course).items() if s in students}
    assert changed == {s: max(0.0, g - lost) for s, g in before.items()}
    proc = autograde(course, "--quiet")  # nothing more to do
    assert f"graded 0, failed 0, already done {n}" in proc.stdout
    source.write_text(original)
    proc = autograde(course, "--quiet")
    assert f"regraded {n}: the tests of {LESSON} changed" in proc.stdout
    assert {s: g for s, g in grades(course).items()
            if s in students} == before
    # the bookkeeping is in the gradebook, in no folder nbgrader publishes
    for folder in ("autograded", "feedback", "release", "submitted"):
        assert not list((course / folder).rglob(".autograder*")), folder
