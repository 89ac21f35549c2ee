"""Cohort grading against plain sequential ``nbgrader autograde``.

Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/cohort_grading.py [--per-lesson 40]

Builds a synthetic cohort across the released lessons (honest, partly
wrong, blank, cheating and broken submissions), then grades the same
submissions twice in one run:

* plain nbgrader 0.9 (`nbgrader autograde`, one kernel per notebook, one
  after another), in a course directory with nbgrader's default settings;
* `python -m autograder autograde` (sandboxed, all cores).

It prints wall-clock times, notebooks per second and the ratio, then
checks that every cohort grade equals what the single-notebook command
(`python -m autograder grade`) gives for that submission, and counts where
plain nbgrader disagrees (the cheating submissions fool it).
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


def build(course, lessons, per_lesson, plain):
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-lesson", type=int, default=40)
    parser.add_argument("--lessons", nargs="*", default=None)
    args = parser.parse_args()
    lessons = args.lessons or sorted(
        p.stem for p in (ROOT / "solutions").glob("*.ipynb"))
    tmp = Path(tempfile.mkdtemp(prefix="cohort-bench-"))
    ours, plain = tmp / "ours", tmp / "plain"
    build(ours, lessons, args.per_lesson, plain=False)
    build(plain, lessons, args.per_lesson, plain=True)
    subs = populate(ours, lessons, args.per_lesson)
    shutil.copytree(ours / "submitted", plain / "submitted")
    n = len(subs)
    print(f"cohort: {n} submissions across {len(lessons)} lessons "
          f"({', '.join(lessons)}), {os.cpu_count()} cores")

    start = time.monotonic()
    for lesson in lessons:  # plain nbgrader, as it comes
        subprocess.run(["nbgrader", "autograde", lesson], cwd=plain,
                       env=ENV, capture_output=True)
    t_plain = time.monotonic() - start
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "autograder", "autograde",
                    str(ours), "--quiet"], capture_output=True)
    t_ours = time.monotonic() - start
    print(f"plain nbgrader autograde (sequential): {t_plain:7.1f} s "
          f"{n / t_plain:6.2f} notebooks/s")
    print(f"python -m autograder autograde:        {t_ours:7.1f} s "
          f"{n / t_ours:6.2f} notebooks/s")
    print(f"speed-up: {t_plain / t_ours:.2f}x  (bar: at least 2x)")

    ours_grades, plain_grades = exported(ours), exported(plain)
    same = differ = refused = 0
    fooled = 0
    for student, lesson, path in subs:
        proc = subprocess.run(
            [sys.executable, "-m", "autograder", "grade", str(path),
             "--json"], capture_output=True, text=True)
        key = (student, lesson)
        if proc.returncode != 0:
            refused += 1
            if key in ours_grades and ours_grades[key] != 0:
                differ += 1
            continue
        single = json.loads(proc.stdout)["score"]
        if ours_grades.get(key) == single:
            same += 1
        else:
            differ += 1
            print(f"  DIFFERENT {key}: cohort {ours_grades.get(key)}, "
                  f"single {single}")
        if "cheating" in student and plain_grades.get(key, 0) > single:
            fooled += 1
    print(f"cohort grade == single-notebook grade: {same} of "
          f"{n - refused} gradable ({refused} refused by both), "
          f"{differ} different")
    print(f"plain nbgrader gave more than our grade to {fooled} cheating "
          "submissions")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if differ == 0 and t_plain / t_ours >= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
