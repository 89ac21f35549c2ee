"""Cohort grading: where the time goes, and how it grows with workers.

Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/cohort_grading.py [--per-lesson 30]
        [--lessons 01-sigmoid-neuron] [--before /path/to/main/worktree]

Builds a synthetic cohort (honest, partly wrong, blank, cheating and broken
submissions) and measures, on this machine:

* verdicts alone: :func:`autograder.cohort.verdict` for every submission
  on a pool of all cores (grading only, nothing recorded); per worker;
* the workers' whole share (:func:`autograder.record.work`: sanitising,
  the verdict, the autograded notebook and the grade rows);
* recording with the verdicts precomputed, two ways: nbgrader's own
  ``autograde`` per submission taking the precomputed verdict (how the
  cohort command recorded before), and :class:`autograder.record.Recorder`
  (batched transactions): ``recording: X notebooks/s``;
* the serial fraction and the throughput Amdahl's law predicts for 1, 2,
  8, 32 and 128 workers from those figures;
* the cohort command (``python -m autograder autograde``) end to end,
  against verdicts alone, and with ``--before DIR`` the same command from
  another checkout (e.g. ``git worktree add /work/wt/before11 main``) on
  the same cohort, back to back;
* plain nbgrader 0.9 (``nbgrader autograde``, one kernel per notebook),
  in a course directory with nbgrader's default settings, for the ratio.

It checks that the cohort command's grades equal those of the recording
by nbgrader's own ``autograde``, and counts the cheating submissions plain
nbgrader scores higher. Timings on a shared machine are noisy.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from grading_harness import solution_cells, submission  # noqa: E402

BIN = Path(sys.executable).parent
ENV = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
CHEAT = ("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
         "get_ipython().input_transformers_post.append("
         "lambda lines: ['pass\\n'])\n")
WORKERS = (1, 2, 8, 32, 128)


def kinds(lesson, blank):
    """Submission makers: name -> notebook or bytes."""
    first, *rest = list(solution_cells(lesson))
    return {
        "honest": lambda: submission(lesson, base=blank),
        "partly-wrong": lambda: submission(
            lesson, {rest[-1] if rest else first:
                     "raise ValueError('oops')"}, base=blank),
        "blank": lambda: blank,
        "cheating": lambda: submission(
            lesson, {first: CHEAT}, base=blank),
        "broken": lambda: json.dumps({"cells": 3}).encode(),
    }


def build(course, lessons, plain):
    subprocess.run([sys.executable, "-m", "autograder", "course",
                    str(course)], check=True, capture_output=True)
    if plain:
        (course / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821\n")
    for lesson in lessons:
        subprocess.run(["nbgrader", "generate_assignment", lesson,
                        "--force"], cwd=course, env=ENV, check=True,
                       capture_output=True)


def populate(course, lessons, per_lesson):
    made = []
    for lesson in lessons:
        blank = nbformat.read(
            str(course / "release" / lesson / f"{lesson}.ipynb"), 4)
        makers = list(kinds(lesson, blank).items())
        for i in range(per_lesson):
            name, make = makers[i % len(makers)]
            student = f"s{i:03d}-{name}"
            folder = course / "submitted" / student / lesson
            folder.mkdir(parents=True)
            path = folder / f"{lesson}.ipynb"
            content = make()
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                nbformat.write(content, str(path))
            made.append((student, lesson, path))
    return made


def exported(course):
    subprocess.run(["nbgrader", "export"], cwd=course, env=ENV,
                   check=True, capture_output=True)
    with open(course / "grades.csv") as f:
        return {(r["student_id"], r["assignment"]): float(r["raw_score"])
                for r in csv.DictReader(f)}


def fresh_copy(template, name):
    """A copy of the built course with its submissions, nothing graded."""
    target = template.parent / name
    shutil.copytree(template, target, symlinks=True)
    return target


def measure_parts(course, workers):
    """Verdicts alone, the workers' share, and both recordings."""
    from autograder import cohort, record
    from autograder.nbgrader_plugin import SandboxedGrade

    c = cohort.Course(course)
    limits = SandboxedGrade(config=c.config).limits()
    recorder = record.Recorder(c)
    _, todo, known = cohort._plan(c, recorder, None, None, limits, True)
    tasks = cohort._tasks(c, todo, known, limits, "auto")
    payloads = [(t.raw, t.source_text, t.lesson, limits)
                for _, _, t in tasks]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(abs, range(workers)))  # started, as in a run
        start = time.monotonic()
        verdicts = list(pool.map(cohort.verdict, payloads))
        t_verdicts = time.monotonic() - start
        start = time.monotonic()
        results = list(pool.map(record.work, [t for _, _, t in tasks]))
        t_work = time.monotonic() - start
    graded = [(job, digest, known[job.lesson].keys, value)
              for (job, digest, _), (kind, value) in zip(tasks, results)
              if kind == "graded"]
    t_extra = extra_share(tasks, results)
    start = time.monotonic()
    for i in range(0, len(graded), cohort.BATCH_SIZE):
        recorder.record(graded[i:i + cohort.BATCH_SIZE], c.writing)
    t_record = time.monotonic() - start
    recorder.close()
    return (len(tasks), len(graded), t_verdicts, t_work, t_record, t_extra,
            verdicts, pool_verdicts(workers, payloads))


def pool_verdicts(workers, payloads):
    """A function timing verdicts alone on a fresh pool (its start
    included, as in a run)."""
    from autograder import cohort

    def again():
        start = time.monotonic()
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(cohort.verdict, payloads))
        return time.monotonic() - start
    return again


def extra_share(tasks, results):
    """Seconds of one worker per notebook for what recording added to its
    share (the sanitise and autograde passes), measured here, serially
    (median of 3 per graded notebook, load from other work aside)."""
    from autograder import grading, record

    times = []
    for (_, _, task), (kind, result) in zip(tasks, results):
        if kind != "graded":
            continue
        runs = []
        for _ in range(3):
            nb = grading.parse_notebook(task.raw)
            resources = {
                "unique_key": task.lesson, "output_files_dir": "x",
                "nbgrader": {"student": task.student,
                             "assignment": task.lesson,
                             "notebook": task.lesson,
                             "db_url": task.db_url},
                "autograder": {"snapshot": task.snapshot,
                               "report": result.report}}
            start = time.perf_counter()
            text, resources = record._export(task, task.sanitize, nb,
                                             resources)
            nb = nbformat.reads(text, as_version=4)
            record._export(task, task.autograde, nb, resources)
            runs.append(time.perf_counter() - start)
        times.append(sorted(runs)[1])
    return sum(times) / len(times)


def measure_nbgrader_recording(course, verdicts):
    """How the cohort command recorded before: nbgrader's ``autograde``
    per submission, the verdict precomputed."""
    from autograder import cohort

    c = cohort.Course(course)
    jobs = [job for job, problem in c.jobs() if problem is None]
    start = time.monotonic()
    n = 0
    for job, (kind, key, report) in zip(jobs, verdicts):
        if kind != "graded":
            continue
        cohort.VERDICTS[key] = report
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c.api.autograde(job.lesson, job.student, force=True,
                            create=True)
        cohort.VERDICTS.pop(key, None)
        n += 1
    return n, time.monotonic() - start


def command(course, pythonpath=None):
    env = dict(ENV)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "autograder", "autograde",
                    str(course), "--quiet"], capture_output=True, env=env)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-lesson", type=int, default=30)
    parser.add_argument("--lessons", nargs="*",
                        default=["01-sigmoid-neuron"])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout whose cohort command to "
                        "time on the same cohort (e.g. main's)")
    parser.add_argument("--no-plain", action="store_true",
                        help="skip plain nbgrader autograde")
    args = parser.parse_args()
    w = args.workers
    tmp = Path(tempfile.mkdtemp(prefix="cohort-bench-"))
    template = tmp / "template"
    build(template, args.lessons, plain=False)
    subs = populate(template, args.lessons, args.per_lesson)
    n = len(subs)
    print(f"cohort: {n} submissions of {', '.join(args.lessons)} "
          f"(honest, partly wrong, blank, cheating, broken in turn), "
          f"{os.cpu_count()} cores, {w} workers")

    parts = fresh_copy(template, "parts")
    (total, graded, t_v, t_work, t_rec, t_extra, verdicts,
     verdicts_again) = measure_parts(parts, w)
    legacy = fresh_copy(template, "legacy")
    n_old, t_old = measure_nbgrader_recording(legacy, verdicts)
    per_worker = total / t_v / w
    print(f"verdicts alone: {t_v:6.1f} s, {total / t_v:6.2f} notebooks/s "
          f"on {w} workers, {per_worker:.2f} notebooks/s per worker")
    print(f"workers' whole share (sanitise, verdict, autograded copy, "
          f"rows): {t_work:6.1f} s, {total / t_work:6.2f} notebooks/s "
          f"({100 * (t_work / t_v - 1):+.0f} % over verdicts alone, "
          f"wall time with other work running)")
    print(f"what recording adds to a worker's share: {1000 * t_extra:.0f}"
          f" ms per notebook, measured serially: "
          f"{100 * t_extra * total / (t_v * w):.1f} % of a verdict")
    print(f"recording before (nbgrader autograde per submission, verdict "
          f"precomputed): {n_old / t_old:6.2f} notebooks/s "
          f"({1000 * t_old / n_old:.0f} ms each)")
    print(f"recording: {graded / t_rec:.1f} notebooks/s "
          f"({1000 * t_rec / graded:.1f} ms each, batched transactions)")
    # Amdahl: per notebook, s seconds serial (recording) and p seconds
    # of one worker's time (its whole share)
    s = t_rec / graded
    p = t_v * w / total + t_extra
    fraction = s / (s + p)
    print(f"serial fraction: {fraction:.4f} (recording {1000 * s:.1f} ms "
          f"of {1000 * (s + p):.0f} ms per notebook)")
    for k in WORKERS:
        print(f"  predicted with {k:3d} workers: "
              f"{1 / (s + p / k):7.1f} notebooks/s")
    s_old = t_old / n_old
    print(f"  (before: serial fraction {s_old / (s_old + p):.3f}, at most "
          f"{1 / s_old:.1f} notebooks/s with any number of workers)")
    for label, k in (("one 8-core laptop", 8), ("a 64-core cluster", 64)):
        hours = 10_000 * (s + p / k) / 3600
        before = 10_000 * (s_old + p / k) / 3600
        print(f"10,000 notebooks on {label}: {hours:.2f} h "
              f"(before: {before:.2f} h)")

    ours = fresh_copy(template, "ours")
    t_v1 = verdicts_again()
    t_ours = command(ours)
    t_v2 = verdicts_again()
    t_fixed = command(ours)  # all done already: start-up and reading
    t_alone = (t_v1 + t_v2) / 2
    print(f"python -m autograder autograde: {t_ours:6.1f} s "
          f"{n / t_ours:6.2f} notebooks/s; verdicts alone on a fresh pool "
          f"just before and after: {t_v1:.1f} s, {t_v2:.1f} s: "
          f"{100 * (t_ours / t_alone - 1):+.0f} % (target: at most +10 %);"
          f" of which {t_fixed:.1f} s start-up (a rerun with all done)")
    if args.before:
        old = fresh_copy(template, "before")
        t_before = command(old, pythonpath=args.before.resolve())
        print(f"the same command from {args.before}: {t_before:6.1f} s "
              f"{n / t_before:6.2f} notebooks/s")
    same = exported(ours) == exported(legacy)
    print(f"grades equal to nbgrader's own recording of the same verdicts:"
          f" {same}")
    if not args.no_plain:
        plain = tmp / "plain"
        build(plain, args.lessons, plain=True)
        shutil.copytree(template / "submitted", plain / "submitted")
        start = time.monotonic()
        for lesson in args.lessons:
            subprocess.run(["nbgrader", "autograde", lesson], cwd=plain,
                           env=ENV, capture_output=True)
        t_plain = time.monotonic() - start
        print(f"plain nbgrader autograde (sequential): {t_plain:6.1f} s "
              f"{n / t_plain:6.2f} notebooks/s; ours is "
              f"{t_plain / t_ours:.2f}x as fast")
        plain_grades, ours_grades = exported(plain), exported(ours)
        fooled = sum(1 for key, g in plain_grades.items()
                     if "cheating" in key[0] and g > ours_grades.get(key, 0))
        print(f"plain nbgrader gave more than our grade to {fooled} "
              "cheating submissions")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
