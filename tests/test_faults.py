"""A fault of the grading machine is never a learner's grade.

Faults injected around lesson 01's notebooks: a ``bwrap`` that passes the
probe but refuses to start a sandbox (as on hosts whose user namespaces are
restricted), one that kills its sandbox during the start (an out-of-memory
killer, a preempted worker), once or every time, and an installation whose
grader comes from another folder than the one the sandbox can see (its
runner cannot be imported). Each goes into the single-notebook command and
into a cohort run (with nbgrader's own ``autograde`` too): no score for the
faulted notebooks, a one-line reason, the gradebook unchanged, and a rerun
without the fault grades them in full.

And the budget: an endless loop in a learner's function costs one cell's
and one call's limit, not one per cell and call that uses it; a submission
over its time budget still gets every test reported.
"""

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grading_harness import PROOF_LIMITS, grade, points, submission
from test_cohort import BIN, LESSON, add_submissions, grades, make_course

from autograder import cohort, grading, sandbox

ROOT = Path(__file__).resolve().parent.parent
FULL = sum(points(LESSON).values())
# "wrong" gets neuron_forward wrong and only that (as in test_cohort)
WRONG = FULL - (points(LESSON)["test_neuron_forward_batch"]
                + points(LESSON)["test_neuron_forward_sample"])
REFUSED_WORDS = ("bubblewrap is installed but refused to start a sandbox: "
                 "bwrap: setting up uid map: Permission denied")

pytestmark = pytest.mark.usefixtures("bwrap_executable")

# A fake bwrap: the grader's probe (`bwrap ... true`) goes to the real one;
# what it does with a real start is the fault.
FAKE = """#!/bin/sh
for last; do :; done
if [ "$last" = true ]; then exec {real} "$@"; fi
{fault}
exec {real} "$@"
"""
FAULTS = {
    "refused": 'echo "bwrap: setting up uid map: Permission denied" >&2\n'
               "exit 1",
    "killed": "kill -KILL $$",
    # the first start only; the state directory marks it done
    "killed once": 'if mkdir "{state}" 2>/dev/null; then kill -KILL $$; fi',
}


@pytest.fixture(scope="module")
def fake_bwraps(tmp_path_factory, bwrap_executable):
    """``{fault: directory holding a fake bwrap}``."""
    base = tmp_path_factory.mktemp("fake-bwrap")
    found = {}
    for name, fault in FAULTS.items():
        folder = base / name.replace(" ", "-")
        folder.mkdir()
        script = folder / "bwrap"
        script.write_text(FAKE.format(real=bwrap_executable, fault=fault)
                          .replace("{state}", str(base / "started-once")))
        script.chmod(0o755)
        found[name] = folder
    found["state"] = base / "started-once"
    return found


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    """The grader installed from another folder: a copy of ``autograder``
    (and the ``solutions`` it grades against) first on ``PYTHONPATH``. The
    sandbox sees the copy's runner files, but its Python imports
    ``autograder`` from the course's own install, which it cannot see."""
    base = tmp_path_factory.mktemp("elsewhere")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "autograder", base / "autograder", ignore=ignore)
    shutil.copytree(ROOT / "solutions", base / "solutions", ignore=ignore)
    return base


def fault_env(fake_bwraps, elsewhere, fault):
    """Environment variables that inject ``fault`` (None: no fault)."""
    import os

    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    env.pop("PYTHONPATH", None)
    if fault == "unimportable":
        env["PYTHONPATH"] = str(elsewhere)
    elif fault:
        if fault == "killed once":
            shutil.rmtree(fake_bwraps["state"], ignore_errors=True)
        env["PATH"] = f"{fake_bwraps[fault]}{os.pathsep}{env['PATH']}"
    return env


REASONS = {  # what the one line says, fault by fault
    "refused": REFUSED_WORDS,
    "killed": "ended by signal SIGKILL before the notebook's first cell ran",
    "unimportable": "cannot import the grader's runner",
}


def grade_command(path, env, *args):
    # run from elsewhere than the repository: `-m` would import the
    # repository's autograder from the working directory
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(path), *args],
        capture_output=True, text=True, timeout=600, cwd=Path(path).parent,
        env=env)


@pytest.fixture(scope="module")
def honest(tmp_path_factory):
    import nbformat

    path = tmp_path_factory.mktemp("honest") / f"{LESSON}.ipynb"
    nbformat.write(submission(LESSON), str(path))
    return path


# -- the single-notebook command ---------------------------------------------
@pytest.mark.parametrize("fault", list(REASONS))
def test_grade_command_refuses_a_faulted_machine(fault, honest, fake_bwraps,
                                                 elsewhere):
    for args in ((), ("--json",)):
        proc = grade_command(honest, fault_env(fake_bwraps, elsewhere,
                                               fault), *args)
        assert proc.returncode == 3, proc.stdout + proc.stderr
        assert proc.stdout == ""  # no score, not even a JSON object
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith(f"cannot grade {honest}: a fault of the "
                                   "grading machine, not of the notebook: ")
        assert REASONS[fault] in lines[0], lines[0]
        assert "(tried twice)" in lines[0]


def test_grade_command_without_the_fault_grades_in_full(honest, fake_bwraps,
                                                        elsewhere):
    proc = grade_command(honest, fault_env(fake_bwraps, elsewhere, None),
                         "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["score"] == FULL


def test_a_start_killed_once_is_retried(honest, fake_bwraps, elsewhere):
    proc = grade_command(honest, fault_env(fake_bwraps, elsewhere,
                                           "killed once"), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["score"] == FULL, report
    assert report["sandbox"] == "bwrap"
    assert any("failed to start once" in note and "SIGKILL" in note
               for note in report["notes"]), report["notes"]


def test_bwrap_refused_by_the_probe_is_said_in_those_words(
        honest, tmp_path, monkeypatch):
    """Where even the probe is refused, the notebook runs without isolation
    (as where bwrap is missing), and the note says bubblewrap refused."""
    fake = tmp_path / "bwrap"
    fake.write_text('#!/bin/sh\necho "bwrap: setting up uid map: '
                    'Permission denied" >&2\nexit 1\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{BIN}:/usr/bin:/bin")
    monkeypatch.setattr(sandbox, "_BWRAP_PROBE", ())  # probe again
    assert sandbox.bwrap_refusal() == REFUSED_WORDS
    report = grade(submission(LESSON), LESSON)
    assert report.score == FULL and report.sandbox == "none"
    assert any(REFUSED_WORDS in note for note in report.notes)
    with pytest.raises(grading.GradingFault, match=REFUSED_WORDS):
        grade(submission(LESSON), LESSON, isolation="bwrap")


def test_the_learners_first_cell_ending_the_process_is_graded():
    """Death after the runner said hello and started the first cell is the
    learner's (graded as today: the cell is skipped), not the machine's."""
    code = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    nb = submission(LESSON)
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb = submission(LESSON, extra=[(first, code)])
    report = grade(nb, LESSON, isolation="bwrap")
    assert report.score == FULL, [t.message for t in report.tests]
    assert any("ended the Python process" in n for n in report.notes)


# -- a cohort, and nbgrader's own autograde ----------------------------------
def run_cohort(course, env, *args):
    return subprocess.run(
        [sys.executable, "-m", "autograder", "autograde", str(course),
         "--quiet", *args], capture_output=True, text=True, timeout=900,
        env=env, cwd=course)


def _snapshot(course):
    """What the gradebook holds: rows per table and every grade."""
    with sqlite3.connect(course / "gradebook.db") as db:
        rows = {t: db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("student", "submitted_assignment",
                          "submitted_notebook", "grade")}
        scores = sorted(db.execute(
            "select s.student_id, g.auto_score from grade g join "
            "submitted_notebook n on g.notebook_id = n.id join "
            "submitted_assignment s on n.assignment_id = s.id").fetchall())
    return rows, scores


@pytest.fixture(scope="module")
def course(tmp_path_factory, fake_bwraps, elsewhere):
    """A course with one submission graded before any fault ("early"),
    and two more ("honest", "wrong") to grade through the faults."""
    root = make_course(tmp_path_factory.mktemp("faults") / "course")
    release = root / "release" / LESSON / f"{LESSON}.ipynb"
    import nbformat

    blank = nbformat.read(str(release), 4)
    add_submissions(root, {"early": submission(LESSON, base=blank)})
    proc = run_cohort(root, fault_env(fake_bwraps, elsewhere, None))
    assert "graded 1, failed 0" in proc.stdout, proc.stdout + proc.stderr
    add_submissions(root, {
        "honest": submission(LESSON, base=blank),
        "wrong": submission(LESSON, {"neuron_forward": (
            "def neuron_forward(X, w, b):\n    return sigmoid(X @ w)")},
            base=blank)})
    return root


@pytest.mark.parametrize("fault", list(REASONS))
def test_cohort_lists_faulted_submissions_and_records_nothing(
        fault, course, fake_bwraps, elsewhere):
    before = _snapshot(course)
    proc = run_cohort(course, fault_env(fake_bwraps, elsewhere, fault))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "graded 0, failed 2, already done 1" in proc.stdout, proc.stdout
    for student in ("honest", "wrong"):
        lines = [line for line in proc.stdout.splitlines()
                 if f"failed {student}/{LESSON}:" in line]
        assert len(lines) == 1, proc.stdout
        assert "a fault of the grading machine" in lines[0]
        assert REASONS[fault] in lines[0], lines[0]
        assert (student, LESSON) not in cohort.recorded(course)
    assert _snapshot(course) == before
    assert grades(course) == {"early": FULL}


def test_nbgrader_autograde_records_no_score_for_a_fault(
        course, fake_bwraps, elsewhere):
    """nbgrader's own autograde (SandboxedGrade grading in nbgrader's
    process) fails the submission instead of scoring it."""
    env = fault_env(fake_bwraps, elsewhere, "refused")
    proc = subprocess.run(
        [str(BIN / "nbgrader"), "autograde", LESSON, "--student", "honest"],
        cwd=course, env=env, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, log
    assert f"cannot grade {LESSON}/{LESSON}: a fault of the grading " \
        "machine" in log and REFUSED_WORDS in log, log
    assert not (course / "autograded" / "honest" / LESSON /
                f"{LESSON}.ipynb").exists()
    _, scores = _snapshot(course)
    assert [s for student, s in scores if student == "honest"
            and s is not None] == []  # nothing scored


def test_cohort_rerun_without_the_fault_grades_in_full(course, fake_bwraps,
                                                       elsewhere):
    proc = run_cohort(course, fault_env(fake_bwraps, elsewhere, None))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "graded 2, failed 0, already done 1" in proc.stdout, proc.stdout
    assert grades(course) == {"early": FULL, "honest": FULL, "wrong": WRONG}
    # a start killed once is retried, in a cohort too
    proc = run_cohort(course, fault_env(fake_bwraps, elsewhere,
                                        "killed once"), "--force")
    assert "graded 3, failed 0" in proc.stdout, proc.stdout + proc.stderr
    assert fake_bwraps["state"].exists()  # the fault did strike
    assert grades(course) == {"early": FULL, "honest": FULL, "wrong": WRONG}


# -- the budget ---------------------------------------------------------------
ENDLESS = "def sigmoid(z):\n    while True:\n        pass"


def test_an_endless_function_is_not_called_again():
    """Lesson 01 with an endless sigmoid: the first cell that calls it
    waits out its limit, later cells and tests that call it fail at once;
    neuron_forward (graded with a correct sigmoid) keeps its points."""
    start = time.monotonic()
    report = grade(submission(LESSON, {"sigmoid": ENDLESS}), LESSON)
    print(f"\nendless sigmoid graded in {time.monotonic() - start:.1f} s")
    messages = {t.id: t.message for t in report.tests}
    sigmoid_tests = [t for t in points(LESSON) if "sigmoid" in t]
    first, *later = sigmoid_tests
    assert "did not return within" in messages[first], messages
    for test_id in later:
        assert messages[test_id].startswith(
            "not called again: sigmoid timed out earlier ("), messages
    assert report.score == FULL - sum(points(LESSON)[t]
                                      for t in sigmoid_tests)
    notes = " ".join(report.notes)
    assert "(in sigmoid) and was skipped" in notes, notes
    assert "was cut short: not called again: sigmoid made an earlier " \
        "cell time out" in notes, notes
    assert (f"sigmoid timed out, so it was not called again: {len(later)} "
            f"later call") in notes, notes
    # one cell waited out its limit; the others did not
    assert notes.count("did not finish in time") == 1, notes


def test_over_budget_every_test_is_still_reported():
    limits = sandbox.Limits(**{**PROOF_LIMITS.__dict__,
                               "total_timeout": 3.0})
    nb = submission(LESSON, extra=[(None, "while True:\n    pass")])
    report = grade(nb, LESSON, limits=limits)
    assert [t.id for t in report.tests] == list(points(LESSON))
    assert report.score == 0
    for t in report.tests:
        assert t.message.startswith(
            "not run: your notebook's code used up its time budget of 3 s"
        ), t.message
    assert any("time budget of 3 s" in note and "tests were not run" in note
               for note in report.notes), report.notes
