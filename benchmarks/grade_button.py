"""The Grade button's server side against the grading command.

For every lesson, solved (the instructor notebook) and blank (the learner
notebook), grades the file with the handler the toolbar button posts to
(``autograder.jupyter_server.grade_file``) and with ``python -m autograder
grade``, and prints both scores, whether the reports are identical, and
the button's time. (``tests/test_browser.py`` clicks the button itself on
lesson 01.)

    .venv/bin/python benchmarks/grade_button.py
"""

import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import jupyter_server

ROOT = Path(__file__).resolve().parent.parent


def main():
    work = Path(tempfile.mkdtemp(prefix="grade-button-"))
    same = total = 0
    for solution in sorted((ROOT / "solutions").glob("*.ipynb")):
        for kind, source in (("solved", solution),
                             ("blank", ROOT / "lessons" / solution.name)):
            (work / kind).mkdir(exist_ok=True)
            shutil.copy(source, work / kind / solution.name)
            path = f"{kind}/{solution.name}"
            start = time.perf_counter()
            reply = asyncio.run(jupyter_server.grade_file(path, cwd=work))
            seconds = time.perf_counter() - start
            command = subprocess.run(
                [sys.executable, "-m", "autograder", "grade", path],
                cwd=work, capture_output=True, text=True)
            identical = (reply.get("report", "").strip()
                         == command.stdout.strip())
            same += identical
            total += 1
            print(f"{solution.stem:26} {kind:6} button "
                  f"{reply.get('title')!r:44} identical report: "
                  f"{identical} ({seconds:.1f} s)", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print(f"{same} of {total} reports identical")
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
