"""A PostgreSQL gradebook through nbgrader's own ``db_url``.

The test starts a real PostgreSQL server (Debian's ``initdb`` and
``pg_ctl``) on loopback in a temporary directory; two course directories,
as two graders on two machines would have, grade disjoint halves of a
cohort at the same time into that one database.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from conftest import IN_CI
from grading_harness import submission
from test_cohort import (
    FULL,
    LESSON,
    WRONG,
    add_submissions,
    grades,
    make_course,
)


def _pg_bin(name):
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if not found:
        msg = (f"{name} not found: install Debian's postgresql to test the "
               "PostgreSQL gradebook")
        if IN_CI:
            pytest.fail(msg + " (CI=true: the test must run here)")
        pytest.skip(msg)
    return found


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """``postgresql://`` URL of a fresh server on loopback."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    # not under pytest's tmp_path: its folders are private to root, and
    # PostgreSQL refuses to run as root
    base = Path(tempfile.mkdtemp(prefix="gradebook-pg-"))
    base.chmod(0o777)
    data = base / "data"
    run_as = []
    if os.geteuid() == 0:
        user = "postgres" if _user_exists("postgres") else "nobody"
        run_as = ["runuser", "-u", user, "--"]
    port = _free_port()
    subprocess.run(run_as + [initdb, "-D", str(data), "-U", "grader",
                             "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run(run_as + [pg_ctl, "-D", str(data), "-w", "-l",
                             str(data.parent / "log"), "-o",
                             f"-p {port} -k {data.parent} "
                             "-c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    try:
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U",
                        "grader", "-d", "postgres", "-c",
                        "create database gradebook"],
                       check=True, capture_output=True)
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run(run_as + [pg_ctl, "-D", str(data), "-m", "fast",
                                 "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _user_exists(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def test_two_graders_one_postgresql_gradebook(postgres, tmp_path,
                                              bwrap_executable):
    first = make_course(tmp_path / "a", db_url=postgres)
    second = make_course(tmp_path / "b", db_url=postgres)
    release = first / "release" / LESSON / f"{LESSON}.ipynb"
    blank = nbformat.read(str(release), 4)
    wrong = submission(LESSON, {"neuron_forward": (
        "def neuron_forward(X, w, b):\n    return sigmoid(X @ w)")},
        base=blank)
    honest = submission(LESSON, base=blank)
    expected = {}
    for i in range(4):
        add_submissions(first, {f"a{i}": honest if i % 2 else wrong})
        add_submissions(second, {f"b{i}": blank if i % 2 else honest})
        expected[f"a{i}"] = FULL if i % 2 else WRONG
        expected[f"b{i}"] = 0.0 if i % 2 else FULL
    runs = [subprocess.Popen(
        [sys.executable, "-m", "autograder", "autograde", str(course),
         "--quiet", "--workers", "1"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for course in (first, second)]
    start = time.monotonic()
    for run in runs:
        out, err = run.communicate(timeout=900)
        assert "graded 4, failed 0" in out, out + err
    assert time.monotonic() - start < 600
    # one database: either course directory exports everyone
    assert grades(first) == expected
    assert grades(second) == expected
    # and a rerun adds nothing
    out = subprocess.run(
        [sys.executable, "-m", "autograder", "autograde", str(first),
         "--force", "--quiet"], capture_output=True, text=True).stdout
    assert "graded 4, failed 0" in out
    assert grades(second) == expected
