"""Cohort grading on a Dask cluster started as a user would start one.

``dask scheduler`` and two ``dask worker tcp://127.0.0.1:PORT`` processes
(the environment's own ``dask`` entry point, on loopback, one process and
one thread each) grade a small cohort through ``python -m autograder
autograde --scheduler``; then one worker is killed (SIGKILL) while the
cohort is being graded, and nothing is lost.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from grading_harness import submission
from test_cohort import (
    BIN,
    LESSON,
    _env,
    _recorded_count,
    add_submissions,
    grades,
    make_course,
)

from autograder import grading

distributed = pytest.importorskip("distributed")

WRONG_FORWARD = ("def neuron_forward(X, w, b):\n"
                 "    return sigmoid(X @ w)")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``(address, [worker processes])`` of a scheduler and two workers."""
    logs = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(BIN / "dask")
    procs = [subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], env=_env(), stdout=subprocess.DEVNULL,
        stderr=open(logs / "scheduler.log", "w"))]
    workers = [subprocess.Popen(
        [dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
         "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
         "--name", f"w{i}"], env=_env(), stdout=subprocess.DEVNULL,
        stderr=open(logs / f"worker{i}.log", "w")) for i in range(2)]
    procs += workers
    try:
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for proc in reversed(procs):  # a graceful close takes seconds
            if proc.poll() is None:
                proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def template(tmp_path_factory, bwrap_executable):
    """A course with four submissions (honest, wrong, blank, honest),
    nothing graded: ``(course, {student: kind}, {kind: single score})``,
    the scores as ``python -m autograder grade`` gives them."""
    import nbformat

    root = make_course(tmp_path_factory.mktemp("dask-course") / "course")
    blank = nbformat.read(str(root / "release" / LESSON /
                              f"{LESSON}.ipynb"), 4)
    made = {"honest": submission(LESSON, base=blank),
            "wrong": submission(LESSON, {"neuron_forward": WRONG_FORWARD},
                                base=blank),
            "blank": blank}
    kinds = {f"s{i}-{kind}": kind for i, kind in
             enumerate(["honest", "wrong", "blank", "honest"])}
    add_submissions(root, {s: made[k] for s, k in kinds.items()})
    with ThreadPoolExecutor(3) as pool:  # each grades in its sandbox
        scores = dict(zip(made, pool.map(
            lambda kind: grading.grade_file(
                root / "submitted" / next(s for s, k in kinds.items()
                                          if k == kind) / LESSON /
                f"{LESSON}.ipynb").score, made)))
    return root, kinds, scores


def _copy(template, tmp_path):
    course = tmp_path / "course"
    subprocess.run(["cp", "-a", str(template[0]), str(course)], check=True)
    return course


def _autograde(course, address, *args):
    return [sys.executable, "-m", "autograder", "autograde", str(course),
            "--scheduler", address, "--quiet", *args]


def test_cluster_grades_as_the_single_notebook_command(
        cluster, template, tmp_path):
    address, _ = cluster
    course = _copy(template, tmp_path)
    _, kinds, single_scores = template
    proc = subprocess.run(_autograde(course, address), capture_output=True,
                          text=True, timeout=300)
    assert "graded 4, failed 0" in proc.stdout, proc.stdout + proc.stderr
    assert grades(course) == {s: single_scores[k] for s, k in kinds.items()}


def test_a_worker_killed_mid_run_loses_nothing(cluster, template,
                                               tmp_path):
    address, workers = cluster
    course = _copy(template, tmp_path)
    _, kinds, single_scores = template
    run = subprocess.Popen(_autograde(course, address),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    with distributed.Client(address, timeout=30) as client:
        victim = next(addr for addr, info in
                      client.scheduler_info()["workers"].items()
                      if info["name"] == "w0")
        deadline = time.monotonic() + 120
        while not client.processing().get(victim):  # w0 is grading
            assert time.monotonic() < deadline, "w0 was given nothing"
            time.sleep(0.02)
        os.kill(workers[0].pid, signal.SIGKILL)
    workers[0].wait()
    assert _recorded_count(course) < len(kinds), "killed too late"
    out, err = run.communicate(timeout=300)
    assert "Traceback" not in out, out + err
    if "failed 0" not in out:  # lost on the way: the rerun grades them
        out = subprocess.run(_autograde(course, address),
                             capture_output=True, text=True,
                             timeout=300).stdout
    assert _recorded_count(course) == len(kinds), out
    assert grades(course) == {s: single_scores[k] for s, k in kinds.items()}
