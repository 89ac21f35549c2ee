"""How long each lesson takes to run and to grade, on demand.

    .venv/bin/python benchmarks/lesson_times.py [--repeat 3] [NN ...]

For every notebook in solutions/ (or only the lessons whose numbers are
given): execute it top to bottom with nbclient, and grade it with
``python -m autograder grade``, each ``--repeat`` times; print the median
and the maximum seconds against the bars.
Not part of the test suite: timings depend on the machine and its load.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from headless import notebook_client  # noqa: E402  (no widget stalls)

SOLUTIONS = ROOT / "solutions"
# seconds: executing a lesson's solution notebook, grading one notebook
RUN_BAR = {"01": 10.0, "08": 60.0}
GRADE_BAR = 10.0


def time_execution(path):
    """Seconds to execute the notebook in a fresh kernel, from its folder."""
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(
        nb, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute(stderr=subprocess.DEVNULL)  # the kernel's log lines
    return time.perf_counter() - start


def time_grading(path):
    """Seconds for ``python -m autograder grade``; None when it fails."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "--json", str(path)],
        cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode:
        reason = (result.stderr or result.stdout).strip().splitlines()
        print(f"  grade failed: {reason[-1] if reason else 'no output'}",
              file=sys.stderr)
        return None
    return seconds


def summary(label, times, bar):
    if not times or None in times:
        return f"  {label:<8} not available"
    median, worst = statistics.median(times), max(times)
    verdict = "" if bar is None else (
        f"  bar {bar:.0f} s: " + ("ok" if worst <= bar else "OVER"))
    runs = ", ".join(f"{t:.1f}" for t in times)
    return (f"  {label:<8} median {median:5.1f} s  max {worst:5.1f} s"
            f"  ({runs}){verdict}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 01")
    args = parser.parse_args(argv)
    paths = [p for p in sorted(SOLUTIONS.glob("*.ipynb"))
             if not args.lessons or p.name[:2] in args.lessons]
    if not paths:
        parser.error("no matching notebook in solutions/")
    over = False
    for path in paths:
        number = path.name[:2]
        print(path.stem, flush=True)
        runs = [time_execution(path) for _ in range(args.repeat)]
        grades = [time_grading(path) for _ in range(args.repeat)]
        run_bar = RUN_BAR.get(number)
        print(summary("execute", runs, run_bar))
        print(summary("grade", grades, GRADE_BAR), flush=True)
        over |= run_bar is not None and max(runs) > run_bar
        over |= None not in grades and max(grades) > GRADE_BAR
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
