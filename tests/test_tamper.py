"""A grade cannot be changed by the code it grades.

Each test hides a wrong answer behind one attack from the course spec and
checks that the submission scores below an honest, correct one, that the
grading run still completes, and that nothing outside the sandbox's scratch
copy changed or could be read.
The first two attacks are checked against plain nbgrader as well in
``test_nbgrader_workflow.py``, which shows they are real.
"""

import hashlib
import os
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from grading_harness import grade, points, submission

from autograder import sandbox

LESSON = "01-sigmoid-neuron"
ROOT = Path(__file__).resolve().parent.parent
WRONG_SIGMOID = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(z))   # sign error
"""

pytestmark = pytest.mark.usefixtures("bwrap_executable")


@pytest.fixture(scope="module")
def full_marks():
    report = grade(submission(LESSON), LESSON, isolation="bwrap")
    assert report.score == report.max_score > 0
    return report.max_score


def attack(code="", extra=(), cells=None, nb=None):
    """Grade a wrong sigmoid plus ``code`` appended to its cell."""
    cells = dict(cells or {"sigmoid": WRONG_SIGMOID + "\n" + code})
    nb = nb or submission(LESSON, cells, extra)
    return grade(nb, LESSON, isolation="bwrap")


def _tree_digest(paths):
    h = hashlib.sha256()
    for base in paths:
        for p in sorted(Path(base).rglob("*")):
            if p.is_file() and ".venv" not in p.parts \
                    and "__pycache__" not in p.parts \
                    and ".pytest_cache" not in p.parts \
                    and "artifacts" not in p.parts:
                h.update(str(p).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def failed(report):
    return {t.id for t in report.tests if not t.passed}


# -- patched NumPy and test helpers ------------------------------------------
def test_patched_numpy(full_marks):
    report = attack("""
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.testing.assert_allclose = lambda *a, **k: None
np.array_equal = lambda *a, **k: True
""")
    assert report.score < full_marks
    assert "test_sigmoid_values" in failed(report)


def test_patched_test_helpers(full_marks):
    report = attack("""
import coursetools.checks as checks
checks.assert_close = lambda *a, **k: None
checks.assert_no_warnings = lambda call, what: call()
checks.assert_unchanged = lambda fn, *a, what, **k: fn(*a, **k)
checks.CheckFailed = type("Never", (Exception,), {})
import builtins
builtins.AssertionError = type("Never", (Exception,), {})
""")
    assert report.score < full_marks
    assert "test_sigmoid_values" in failed(report)


# -- IPython hooks ------------------------------------------------------------
def test_input_transformer_blanks_later_cells(full_marks):
    report = attack("""
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
""")
    assert report.score < full_marks
    assert "test_sigmoid_values" in failed(report)


def test_custom_exception_handler(full_marks):
    report = attack("""
get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)
""")
    assert report.score < full_marks


def test_ast_transformer_and_event_hooks(full_marks):
    report = attack("""
import ast
class Blank(ast.NodeTransformer):
    def visit_Module(self, node):
        return ast.Module(body=[ast.Pass()], type_ignores=[])
ip = get_ipython()
ip.ast_transformers.append(Blank())
ip.events.register("post_run_cell", lambda result: None)
""")
    assert report.score < full_marks


# -- objects that lie about equality ---------------------------------------
def test_always_equal_objects(full_marks):
    report = attack(cells={"sigmoid": """
import numpy as np

class AlwaysEqual(float):
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    def __array__(self, dtype=None, copy=None):
        return np.asarray(0.5)

class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

def sigmoid(z):
    if np.ndim(z) == 0:
        return AlwaysEqual(0.1)
    return np.zeros(np.shape(z)).view(LyingArray)
"""})
    assert report.score < full_marks
    assert "test_sigmoid_values" in failed(report)


# -- edited, deleted and forged test cells ------------------------------------
def _test_cells(nb):
    return [c for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")]


def test_edited_test_cells(full_marks):
    nb = submission(LESSON, {"sigmoid": WRONG_SIGMOID})
    for cell in _test_cells(nb):
        cell.source = "pass  # nothing to see here"
    report = attack(nb=nb)
    assert report.score < full_marks
    assert "test_sigmoid_values" in failed(report)


def test_deleted_test_cells(full_marks):
    nb = submission(LESSON, {"sigmoid": WRONG_SIGMOID})
    nb.cells = [c for c in nb.cells if c not in _test_cells(nb)]
    report = attack(nb=nb)
    assert report.score < full_marks
    # graded from solutions/ all the same
    assert len(report.tests) == len(points(LESSON))


def test_forged_protocol_messages(full_marks):
    report = attack("""
import os
forged = (b'{"event": "ready"}\\n'
          b'{"event": "reply", "ok": true, "names": {}, '
          b'"result": 0.5}\\n')
for fd in range(3, 64):
    try:
        os.write(fd, forged)
    except OSError:
        pass
""")
    assert report.score < full_marks


# -- ending or hanging the process -------------------------------------------
@pytest.mark.parametrize("code", [
    "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
    "import os\nos._exit(0)",
    "import sys\nsys.exit(0)",
    "raise SystemExit(1)",
    "exit()",
], ids=["SIGKILL", "os._exit", "sys.exit", "SystemExit", "exit()"])
def test_ending_the_process_in_a_cell(full_marks, code):
    honest_then_exit = submission(LESSON, extra=[(None, code)])
    report = grade(honest_then_exit, LESSON, isolation="bwrap")
    # a cell that ends the process is skipped: honest work still counts
    assert report.score == full_marks, [t.message for t in report.tests]
    cheat = attack(code)
    assert cheat.score < full_marks


def test_killing_the_process_from_the_graded_function(full_marks):
    report = attack(cells={"sigmoid": """
import os, signal

def sigmoid(z):
    os.kill(os.getpid(), signal.SIGKILL)
"""})
    assert report.score < full_marks
    messages = " ".join(t.message for t in report.tests)
    assert "ended the Python process" in messages


def test_endless_loops(full_marks):
    limits = sandbox.Limits(cell_timeout=3, call_timeout=2)
    nb = submission(LESSON, {"sigmoid": """
import signal
signal.signal(signal.SIGALRM, signal.SIG_IGN)   # dodge the alarm

def sigmoid(z):
    while True:
        pass
"""}, extra=[(None, "while True:\n    pass")])
    report = grade(nb, LESSON, limits=limits, isolation="bwrap")
    assert report.score < full_marks
    assert any("did not" in t.message for t in report.tests)
    # honest work with an endless cell after it is still graded
    nb = submission(LESSON, extra=[(None, "while True:\n    pass")])
    report = grade(nb, LESSON, limits=limits, isolation="bwrap")
    assert report.score == full_marks


def test_huge_allocations(full_marks):
    report = attack(cells={"sigmoid": """
import numpy as np
hog = None
try:
    hog = np.ones(10**11)          # 800 GB
except MemoryError:
    pass
big = bytearray(8 * 2**30)         # 8 GiB

def sigmoid(z):
    return np.ones(10**11)
"""})
    assert report.score < full_marks
    honest = submission(LESSON, extra=[(None, "x = bytearray(8 * 2**30)")])
    assert grade(honest, LESSON, isolation="bwrap").score == full_marks


def test_file_flood(full_marks):
    """Writing files fills the sandbox's small scratch space, not the disk."""
    nb = submission(LESSON, extra=[(None, """
import os
written = 0
try:
    for i in range(10**6):
        with open(f"junk{i}", "wb") as f:
            f.write(b"x" * 2**20)
        written += 1
except OSError as exc:
    print("stopped after", written, "MiB:", exc.strerror)
""")])
    report = grade(nb, LESSON, isolation="bwrap")
    assert report.score == full_marks
    printed = " ".join(o.get("text", "") for run in report.cells.values()
                       for o in run.get("outputs", []))
    assert "stopped after" in printed and "No space left" in printed


def test_output_flood(full_marks):
    nb = submission(LESSON, extra=[(None, "for _ in range(10**6):\n"
                                          "    print('x' * 1000)")])
    report = grade(nb, LESSON, isolation="bwrap")
    assert report.score == full_marks
    texts = [o.get("text", "") for run in report.cells.values()
             for o in run.get("outputs", [])]
    assert max(map(len, texts)) < 100_000


# -- files and network outside the scratch copy ------------------------------
def test_no_access_outside_scratch(full_marks, tmp_path):
    """Secrets nearby cannot be read, nothing outside can be written, the
    network is closed."""
    gradebook = tmp_path / "gradebook.db"
    gradebook.write_bytes(b"SQLite format 3\0 grades")
    other = tmp_path / "submitted" / "bob" / "01-sigmoid-neuron.ipynb"
    other.parent.mkdir(parents=True)
    other.write_text("{}")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(30)
    port = server.getsockname()[1]
    got = []

    def accept():
        try:
            conn, _ = server.accept()
            got.append(conn.recv(100))
        except OSError:
            pass

    listener = threading.Thread(target=accept, daemon=True)
    listener.start()
    before = _tree_digest([ROOT / "solutions", ROOT / "autograder",
                           ROOT / "coursetools", ROOT / "lessons",
                           tmp_path])
    secrets = [str(gradebook), str(other),
               str(ROOT / "solutions" / f"{LESSON}.ipynb"),
               "/etc/shadow", "/root/.bash_history"]
    # public code the sandbox runs: readable, never writable
    code_files = [str(ROOT / "autograder" / "runner.py"),
                  str(ROOT / "coursetools" / "checks.py")]
    # the grader's own code is not even visible
    secrets.append(str(ROOT / "autograder" / "grading.py"))
    code = f"""
import os, socket
report = []
for path in {secrets!r} + {code_files!r}:
    if path in {secrets!r}:
        try:
            with open(path, "rb") as f:
                f.read(10)
            report.append("READ " + path)
        except OSError as exc:
            report.append("noread " + path)
    try:
        with open(path, "ab") as f:
            f.write(b"pwned")
        report.append("WROTE " + path)
    except OSError:
        report.append("nowrite " + path)
try:
    os.remove({str(gradebook)!r})
    report.append("DELETED")
except OSError:
    pass
try:
    s = socket.create_connection(("127.0.0.1", {port}), timeout=2)
    s.sendall(b"leak")
    report.append("NETWORK")
except OSError:
    report.append("nonetwork")
print("\\n".join(report))
"""
    report = attack(code)
    listener.join(timeout=0.1)
    server.close()
    printed = " ".join(o.get("text", "") for run in report.cells.values()
                       for o in run.get("outputs", []))
    assert "noread" in printed and "nonetwork" in printed, printed
    for word in ("READ ", "WROTE ", "DELETED", "NETWORK"):
        assert word not in printed, printed
    assert got == []
    assert gradebook.read_bytes() == b"SQLite format 3\0 grades"
    after = _tree_digest([ROOT / "solutions", ROOT / "autograder",
                          ROOT / "coursetools", ROOT / "lessons", tmp_path])
    assert before == after
    assert report.score < full_marks


def test_child_processes_do_not_outlive_grading(full_marks):
    marker = "sandbox-orphan-%d" % os.getpid()
    report = attack(f"""
import subprocess
subprocess.Popen(["/bin/sh", "-c", "exec -a {marker} sleep 300"])
""")
    assert report.score < full_marks
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True,
                        text=True, check=True).stdout
    assert marker not in ps
