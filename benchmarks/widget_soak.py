"""Soak the widget lessons: execute each headless many times, find stalls.

    .venv/bin/python benchmarks/widget_soak.py [--runs 30] [--timeout 120]
        [--dump-after 15] [--plain] [NN ...]

Executes the solution notebooks of the lessons with widgets (01, 04, 05,
06, or the numbers given) ``--runs`` times each with nbclient, each run in
a fresh kernel, and prints per run the slowest cell and its seconds, then
a summary per lesson: median and worst of the slowest cell, and the runs
that stalled. A run stalled when a cell timed out, or when a cell's
``execute_reply`` reached nbclient more than 5 s after the kernel stamped
it (held up on the way, not in the kernel).

The notebooks run with the course's headless client (``tests/headless.py``,
which fixes the stall of widget cells); ``--plain`` runs plain nbclient,
to see the stall again.
A cell still running after ``--dump-after`` seconds gets the kernel's
Python stacks dumped (every thread, by :mod:`faulthandler` on SIGUSR1,
armed by an IPython startup file) into ``--dump-dir``.
Not part of the test suite: timings depend on the machine and its load.
"""

import argparse
import datetime
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import headless  # noqa: E402

SOLUTIONS = ROOT / "solutions"
WIDGET_LESSONS = ("01", "04", "05", "06")
#: seconds between the kernel's stamp on a reply and its arrival that
#: count as a stall
HELD_UP = 5.0

# Run by the kernel at start (IPython's startup files): dump every
# thread's stack on SIGUSR1 into the file the benchmark names.
STARTUP = """\
import faulthandler, os, signal
_soak_dump = open(os.environ["SOAK_DUMP_FILE"], "a")
faulthandler.register(signal.SIGUSR1, file=_soak_dump, all_threads=True)
"""


class TimedClient(NotebookClient):
    """An nbclient run that times every cell and watches for stalls."""

    def __init__(self, nb, dump_after, dump_file, **kwargs):
        super().__init__(nb, **kwargs)
        self.times = {}      # cell index -> seconds, as nbclient saw them
        self.wall = {}       # cell index -> time.time() when sent
        self.dump_after = dump_after
        self.dump_file = dump_file
        self.dumps = 0
        self._current = None  # (cell index, perf_counter at start)
        self.on_cell_execute = self._started
        self.on_cell_executed = self._finished

    def _started(self, cell, cell_index):
        self._current = (cell_index, time.perf_counter())
        self.wall[cell_index] = time.time()

    def _finished(self, cell, cell_index, execute_reply):
        _, start = self._current
        self.times[cell_index] = time.perf_counter() - start
        self._current = None

    def kernel_times(self, cell_index):
        """When the kernel stamped the cell's messages (``busy``,
        ``execute_input``, ``execute_reply``, ``idle``), in seconds after
        the cell was sent."""
        stamps = self.nb.cells[cell_index].metadata.get("execution", {})
        out = {}
        for key, value in stamps.items():
            when = datetime.datetime.strptime(
                value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                    tzinfo=datetime.timezone.utc).timestamp()
            out[key.split(".")[-1]] = when - self.wall[cell_index]
        return out

    def held_up(self, cell_index):
        """Seconds between the kernel's reply and nbclient's taking it."""
        reply = self.kernel_times(cell_index).get("execute_reply")
        if reply is None or cell_index not in self.times:
            return 0.0
        return self.times[cell_index] - reply

    def watch(self, stop):
        """Dump the kernel's stacks once per stalled cell."""
        dumped = None
        while not stop.wait(0.5):
            current = self._current
            if (current and current != dumped and self.dump_after
                    and time.perf_counter() - current[1] > self.dump_after):
                dumped = current
                pid = getattr(getattr(self.km, "provisioner", None),
                              "pid", None)
                if pid:
                    with open(self.dump_file, "a") as f:
                        f.write(f"--- cell {current[0]} running "
                                f"{self.dump_after:g} s: stacks ---\n")
                    os.kill(pid, signal.SIGUSR1)
                    self.dumps += 1


def run_once(path, args, dump_file, ipython_dir):
    """Execute ``path`` once; ``(client, index of a cell that timed out
    or None)``."""
    nb = nbformat.read(path, as_version=4)
    extra = {} if args.plain else {
        "kernel_manager_class": headless.KernelManager}
    client = TimedClient(
        nb, args.dump_after, dump_file, timeout=args.timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}}, **extra)
    stop = threading.Event()
    watcher = threading.Thread(target=client.watch, args=(stop,),
                               daemon=True)
    watcher.start()
    env = dict(os.environ, IPYTHONDIR=ipython_dir,
               SOAK_DUMP_FILE=str(dump_file))
    timed_out = None
    try:
        client.execute(stderr=subprocess.DEVNULL, env=env)
    except CellTimeoutError:
        timed_out = client._current[0] if client._current else -1
        client.times[timed_out] = args.timeout
    finally:
        stop.set()
        watcher.join()
    return client, timed_out


def first_line(nb, index):
    source = nb.cells[index].source.strip() if index >= 0 else ""
    line = source.splitlines()[0] if source else ""
    return line[:60]


def soak(path, args, dump_dir, ipython_dir):
    """Run one lesson ``args.runs`` times; the number of stalled runs."""
    print(path.stem, flush=True)
    slowest, stalled_runs = [], 0
    for run in range(1, args.runs + 1):
        dump_file = dump_dir / f"{path.stem}-run{run:02d}.txt"
        start = time.perf_counter()
        client, timed_out = run_once(path, args, dump_file, ipython_dir)
        total = time.perf_counter() - start
        times, nb = client.times, client.nb
        cell = max(times, key=times.get)
        slowest.append(times[cell])
        held = {i: client.held_up(i) for i in times if i != timed_out}
        note = ""
        if timed_out is not None:
            note = f"  STALLED: timed out ({args.timeout:g} s)"
        elif max(held.values()) > HELD_UP:
            late = max(held, key=held.get)
            note = (f"  STALLED: cell {late}'s reply reached nbclient "
                    f"{held[late]:.1f} s after the kernel sent it")
        stalled_runs += bool(note)
        if client.dumps:
            stamps = client.kernel_times(cell)
            note += f"\n           stacks: {dump_file}; kernel stamped " + \
                ", ".join(f"{k} +{v:.2f} s" for k, v in stamps.items())
        print(f"  run {run:2d}: slowest cell {cell:2d} "
              f"{times[cell]:6.2f} s  (`{first_line(nb, cell)}`), "
              f"run {total:5.1f} s{note}", flush=True)
    print(f"  {path.stem}: {len(slowest)} runs, slowest cell median "
          f"{statistics.median(slowest):.2f} s, worst "
          f"{max(slowest):.2f} s, stalled {stalled_runs}", flush=True)
    return stalled_runs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds a cell may run (ends the run)")
    parser.add_argument("--dump-after", type=float, default=15.0,
                        help="seconds after which a running cell gets "
                        "the kernel's stacks dumped (0: never)")
    parser.add_argument("--dump-dir", default=None,
                        help="where the stack dumps go (default: a new "
                        "temporary folder)")
    parser.add_argument("--plain", action="store_true",
                        help="plain nbclient, without tests/headless.py's "
                        "fix")
    parser.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 04")
    args = parser.parse_args(argv)
    numbers = args.lessons or WIDGET_LESSONS
    paths = [p for p in sorted(SOLUTIONS.glob("*.ipynb"))
             if p.name[:2] in numbers]
    if not paths:
        parser.error("no matching notebook in solutions/")
    dump_dir = Path(args.dump_dir or tempfile.mkdtemp(prefix="soak-"))
    dump_dir.mkdir(parents=True, exist_ok=True)
    ipython_dir = tempfile.mkdtemp(prefix="soak-ipython-")
    startup = Path(ipython_dir, "profile_default", "startup")
    startup.mkdir(parents=True)
    (startup / "00-soak-faulthandler.py").write_text(STARTUP)
    print("client:", "plain nbclient" if args.plain
          else "tests/headless.py", flush=True)
    stalls = sum(soak(path, args, dump_dir, ipython_dir) for path in paths)
    return 1 if stalls else 0


if __name__ == "__main__":
    sys.exit(main())
