"""The trusted side of the sandbox: start it, feed it cells, call into it.

A :class:`Sandbox` runs a learner's code cells in a separate Python process
(:mod:`autograder.runner`) confined by bubblewrap: a read-only view of the
Python installation and of this package, a private scratch directory as the
only writable place, no network, no other files (no gradebook, no
solutions, no other submissions), and limits on memory, CPU time, file size
and wall-clock time.
A cell that hangs or kills the process is reported and skipped on a restart,
so the functions defined before and after it are still graded.
The learner's code of one submission has a time budget (its cells and the
tests' calls together); a learner function that timed out once is not
called again.

A sandbox that does not start, or dies before the learner's first cell runs,
is started once more; if that fails too, :class:`SandboxFault` says why:
a fault of the grading machine, never a learner's result.

:class:`RemoteFunction` makes a learner's function callable from the
trusted process as if it were local: arguments and results cross as plain
data, warnings are re-emitted, exceptions re-raised, and in-place changes to
array, list and dict arguments copied back.
"""

import contextlib
import contextvars
import glob
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder import codec

PACKAGE_DIR = Path(__file__).resolve().parent
#: The sandbox's working directory, a size-limited tmpfs (under bubblewrap).
SCRATCH = "/scratch"
#: The files of this package that run inside the sandbox.
RUNNER_FILES = ("__init__.py", "codec.py", "runner.py")


@dataclass
class Limits:
    """Resource limits of one sandbox."""

    cell_timeout: float = 30.0       # seconds per learner cell
    call_timeout: float = 10.0       # seconds per call of a learner function
    # seconds all the learner's code of one submission may run: its cells
    # and the tests' calls of its functions, restarts included
    total_timeout: float = 120.0
    startup_timeout: float = 60.0    # a start, up to the first cell
    memory_bytes: int = 3 * 2**30    # address space
    cpu_seconds: int = 900
    file_bytes: int = 64 * 2**20     # largest file the sandbox may write
    scratch_bytes: int = 256 * 2**20  # all files the sandbox may write
    max_message: int = 256 * 2**20   # largest reply accepted
    max_restarts: int = 3
    extra_ro_binds: list = field(default_factory=list)
    # Render figures as PNG outputs (for feedback). Verdicts never depend
    # on them; the grader proofs turn them off to run faster.
    figures: bool = True


class LearnerError(Exception):
    """An exception raised by the learner's code, carried across."""

    function = ""
    type_name = ""
    where = ()


class LearnerTimeout(LearnerError):
    """The learner's function did not return in time."""


class LearnerCrash(LearnerError):
    """The learner's code ended or broke the sandboxed process."""


class OverBudget(LearnerTimeout):
    """The learner's code used up the submission's time budget."""


class SandboxError(Exception):
    """The learner's notebook could not be run to the end (it ended its
    process too often, or used up its time budget in its cells)."""


class SandboxFault(Exception):
    """The grading machine failed, not the learner's code: bubblewrap
    refused, the runner could not be imported, the process died before the
    learner's first cell ran (twice). Never a learner's result."""


#: How bubblewrap's refusals begin (its own error messages).
BWRAP_REFUSED = "bubblewrap is installed but refused to start a sandbox"


_EXC_CLASSES = {}


def _learner_exception(function, info):
    """An exception instance for a learner error, of a class that is also
    the original builtin class where there is one (NotImplementedError...)."""
    import builtins

    name = str(info.get("type", "Exception"))
    message = str(info.get("message", ""))
    base = getattr(builtins, name, None) if info.get("builtin") else None
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = None
    key = name if base else None
    if key not in _EXC_CLASSES:
        bases = (LearnerError, base) if base else (LearnerError,)
        try:
            _EXC_CLASSES[key] = type(name if base else "LearnerError",
                                     bases, {})
        except TypeError:  # an incompatible builtin layout
            _EXC_CLASSES[key] = LearnerError
    exc = _EXC_CLASSES[key](message)
    exc.function, exc.type_name = function, name
    exc.where = tuple(tuple(w) for w in info.get("where", ()))
    return exc


def bwrap_path():
    """The bubblewrap executable, or None where it is not installed."""
    return shutil.which("bwrap")


def _last_line(text):
    """The last non-empty line of ``text`` (bytes or str), stripped."""
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    lines = [line.strip() for line in (text or "").splitlines()]
    return next((line for line in reversed(lines) if line), "")


def _probe_bwrap():
    """None where bubblewrap starts a sandbox here; else why not."""
    path = bwrap_path()
    if not path:
        return "bubblewrap (bwrap) is not installed here"
    try:
        probe = subprocess.run(
            [path, "--ro-bind", "/", "/", "--unshare-all", "true"],
            capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return f"{BWRAP_REFUSED}: it did not answer within 20 s"
    except OSError as exc:
        return f"{BWRAP_REFUSED}: {exc.strerror or exc}"
    if probe.returncode:
        return (f"{BWRAP_REFUSED}: " + (_last_line(probe.stderr)
                or f"exit status {probe.returncode}"))
    return None


_BWRAP_PROBE = ()


def bwrap_refusal():
    """None where bubblewrap works here, else a sentence saying why not
    (checked once per process)."""
    global _BWRAP_PROBE
    if _BWRAP_PROBE == ():
        _BWRAP_PROBE = _probe_bwrap()
    return _BWRAP_PROBE


def isolation_available():
    """Whether bubblewrap works here (checked once per process)."""
    return bwrap_refusal() is None


def _mpl_cache():
    """The grader's Matplotlib font cache, copied in to save a rebuild."""
    for base in (os.environ.get("MPLCONFIGDIR"),
                 os.path.expanduser("~/.cache/matplotlib"),
                 os.path.expanduser("~/.matplotlib")):
        if base:
            found = glob.glob(os.path.join(base, "fontlist-*.json"))
            if found:
                return found
    return []


class Sandbox:
    """A learner's notebook, executed in a confined process.

    ``cells`` is a list of ``(index, source)`` of the learner's code cells.
    ``isolation`` is ``"bwrap"``, ``"none"`` or ``"auto"`` (bubblewrap when
    it works here).
    """

    def __init__(self, cells, limits=None, isolation="auto"):
        self.cells = [(int(i), str(s)) for i, s in cells]
        self.limits = limits or Limits()
        if isolation == "auto":
            isolation = "bwrap" if isolation_available() else "none"
        if isolation == "bwrap" and not isolation_available():
            raise SandboxFault(bwrap_refusal())
        self.isolation = isolation
        self.reports = {}        # cell index -> report dict
        self.skip = set()        # cells that hung or killed the process
        self.restarts = 0
        self.proc = None
        self._dir = None
        self._callbacks = []
        self.used = 0.0          # seconds of the learner's code so far
        # learner functions that made a cell time out, [name, digest]:
        # later cells (in this process and after restarts) that call them
        # fail at once (see runner.HungFunctions)
        self.hung = []
        # calls that timed out, by (name, stand-ins): not made again
        self.timed_out = {}
        self.skipped_calls = []  # labels of calls not made again
        self.start_failures = []  # reasons of starts that were retried
        self.fault = None        # a SandboxFault's reason, once raised

    # -- process management -------------------------------------------------
    def _argv(self, scratch, cmd_fd, res_fd):
        python = [sys.executable, "-I", "-m", "autograder.runner",
                  str(cmd_fd), str(res_fd)]
        if self.isolation == "none":
            return python
        # No writable /tmp: the only writable place is the scratch tmpfs,
        # bounded in size, which vanishes with the sandbox.
        argv = [bwrap_path(), "--die-with-parent", "--new-session",
                "--unshare-all", "--cap-drop", "ALL",
                "--proc", "/proc", "--dev", "/dev"]
        for top in ("/bin", "/lib", "/lib64", "/sbin", "/usr"):
            if os.path.islink(top):
                argv += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                argv += ["--ro-bind", top, top]
        if os.path.exists("/etc/ld.so.cache"):
            argv += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        readable = {os.path.realpath(p) for p in (
            sys.prefix, sys.base_prefix, sys.exec_prefix,
            os.path.dirname(os.path.realpath(sys.executable)))}
        import coursetools
        readable.update(os.path.realpath(p) for p in coursetools.__path__)
        readable.update(os.path.realpath(p)
                        for p in self.limits.extra_ro_binds)
        for path in sorted(readable):
            if os.path.isdir(path) and not path.startswith("/usr/"):
                argv += ["--ro-bind", path, path]
            # keep the unresolved venv path working too
        if os.path.realpath(sys.prefix) != sys.prefix:
            argv += ["--ro-bind", sys.prefix, sys.prefix]
        # of the grader, only what the runner imports: the tests' oracles
        # and the grading code stay out of the learner's reach
        for name in RUNNER_FILES:
            path = str(PACKAGE_DIR / name)
            argv += ["--ro-bind", path, path]
        argv += ["--size", str(self.limits.scratch_bytes),
                 "--tmpfs", SCRATCH, "--dir", f"{SCRATCH}/tmp"]
        for f in _mpl_cache():
            dest = f"{SCRATCH}/.matplotlib/{os.path.basename(f)}"
            argv += ["--ro-bind", f, dest]
        argv += ["--chdir", SCRATCH, "--remount-ro", "/"]
        return argv + ["--"] + python

    def _env(self, scratch):
        env = {
            "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin",
            "HOME": scratch, "TMPDIR": os.path.join(scratch, "tmp"),
            "LANG": "C.UTF-8",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "MPLCONFIGDIR": os.path.join(scratch, ".matplotlib"),
            "IPYTHONDIR": os.path.join(scratch, ".ipython"),
            "XDG_CACHE_HOME": os.path.join(scratch, ".cache"),
            "XDG_CONFIG_HOME": os.path.join(scratch, ".config"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        if "VIRTUAL_ENV" in os.environ or sys.prefix != sys.base_prefix:
            env["VIRTUAL_ENV"] = sys.prefix
        return env

    def _limit(self):
        lim = self.limits
        for what, value in ((resource.RLIMIT_AS, lim.memory_bytes),
                            (resource.RLIMIT_CPU, lim.cpu_seconds),
                            (resource.RLIMIT_FSIZE, lim.file_bytes),
                            (resource.RLIMIT_CORE, 0),
                            (resource.RLIMIT_NOFILE, 256)):
            resource.setrlimit(what, (value, value))

    def _spawn(self):
        self._kill()
        self._dir = tempfile.mkdtemp(prefix="grade-")
        if self.isolation == "bwrap":
            scratch = SCRATCH
        else:
            scratch = os.path.join(self._dir, "scratch")
            os.makedirs(os.path.join(scratch, "tmp"))
            os.makedirs(os.path.join(scratch, ".matplotlib"))
            for f in _mpl_cache():
                shutil.copy(f, os.path.join(scratch, ".matplotlib"))
        self._stderr = open(os.path.join(self._dir, "stderr"), "w+b")
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                self._argv(scratch, cmd_r, res_w), env=self._env(scratch),
                cwd=self._dir if scratch == SCRATCH else scratch,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=self._stderr,
                pass_fds=(cmd_r, res_w), start_new_session=True,
                preexec_fn=self._limit)
        finally:
            os.close(cmd_r)
            os.close(res_w)
        self._cmd = cmd_w
        self._res = res_r
        self._buf = b""

    def _kill(self):
        if self.proc is not None:
            for fd in (self._cmd, self._res):
                try:
                    os.close(fd)
                except OSError:
                    pass
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    self.proc.kill()
                except ProcessLookupError:
                    pass
            self.proc.wait()
            self._stderr.close()
            self.proc = None
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def close(self):
        """Stop the sandboxed process and remove its scratch copy."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self._send({"op": "bye"})
            except OSError:
                pass
        self._kill()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # -- messages -----------------------------------------------------------
    def _send(self, message):
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self._cmd, data):]

    def _receive(self, timeout):
        """The next message, or None when the process died or timed out."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._res], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._res, 1 << 20)
            if not chunk:
                return None
            self._buf += chunk
            if len(self._buf) > self.limits.max_message:
                return None
        line, self._buf = self._buf.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None

    def _exit_reason(self):
        """A sentence on why the process ended (or hung)."""
        if self.proc is None:
            return "the process was not running"
        try:
            code = self.proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            code = None
        if code is None:
            return "it stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            extra = {"SIGKILL": " (killed: perhaps by the memory limit)",
                     "SIGXCPU": " (the CPU-time limit)",
                     "SIGXFSZ": " (the file-size limit)"}.get(name, "")
            return f"the process was ended by signal {name}{extra}"
        return f"the process exited with status {code} (os._exit?)"

    # -- running cells ------------------------------------------------------
    def start(self):
        """Run the learner's cells; afterwards ``reports`` says how each
        went. Cells that hang past their limit or end the process are
        skipped on a restart. Raises :class:`SandboxFault` when the sandbox
        itself failed (twice), :class:`SandboxError` when the notebook
        could not be run to the end."""
        while True:
            todo = [(i, s) for i, s in self.cells if i not in self.skip]
            message = self._boot(todo)
            current = last_done = None
            began = time.monotonic()
            while message is not None:
                event = message.get("event")
                now = time.monotonic()
                if event == "cell_start":
                    current, began = message.get("index"), now
                elif event == "cell_done":
                    if current is not None:  # not one the budget skipped
                        self.used += now - began
                    # a restart runs cells again: keep the first report
                    self.reports.setdefault(message.get("index"), message)
                    hung = message.get("hung")
                    if (isinstance(hung, list) and len(hung) == 2
                            and hung not in self.hung):
                        self.hung.append([str(h) for h in hung])
                    last_done, current = message.get("index"), None
                elif event == "ready":
                    return self
                wait = min(self.limits.cell_timeout, self.budget_left())
                message = self._receive(max(0.1, wait) + 5)
            # the process died or hung
            if current is not None:
                self.used += time.monotonic() - began
            culprit = current if current is not None else last_done
            if culprit is None:  # no learner cell had started
                self.fault = self._start_failure()
                self._kill()
                raise SandboxFault(self.fault)
            reason = self._exit_reason()
            self._kill()
            self.skip.add(culprit)
            hung = "stopped answering" in reason
            self.reports[culprit] = {
                "index": culprit,
                "status": "timeout" if hung else "crashed",
                "error": {"type": "Timeout" if hung else "Crash",
                          "message": reason},
                "outputs": []}
            self.restarts += 1
            if self.restarts > self.limits.max_restarts:
                raise SandboxError(
                    "your notebook could not be run to the end: " + reason)
            if self.budget_left() <= 0:
                raise SandboxError(self.over_budget())

    def _boot(self, todo):
        """Start the process and hand it the cells ``todo``; the first
        message of the learner's part (the first ``cell_start``, or
        ``ready``). A process that fails before it is started once more;
        if that fails too, :class:`SandboxFault`."""
        for attempt in (1, 2):
            self._spawn()
            hello = self._receive(self.limits.startup_timeout)
            if hello is not None and hello.get("event") == "hello":
                try:
                    self._send({"cells": [{"index": i, "source": s}
                                          for i, s in todo],
                                "cell_timeout": self.limits.cell_timeout,
                                "budget": self.budget_left(),
                                "hung": self.hung,
                                "figures": self.limits.figures})
                except OSError:  # it died meanwhile: said below
                    pass
                else:
                    first = self._receive(self.limits.startup_timeout)
                    if first is not None and first.get("event") in (
                            "cell_start", "ready"):
                        return first
            reason = self._start_failure()
            self._kill()
            self.start_failures.append(reason)
        self.fault = reason + " (tried twice)"
        raise SandboxFault(self.fault)

    def _start_failure(self):
        """A sentence on why a start failed: bubblewrap's refusal, a runner
        that cannot be imported, a process killed or hung."""
        reason = self._exit_reason()
        last = _last_line(self._stderr_tail())
        if self.isolation == "bwrap" and last.startswith("bwrap:"):
            return f"{BWRAP_REFUSED}: {last}"
        if "No module named" in last or "ImportError" in last:
            return ("the sandbox cannot import the grader's runner (a "
                    f"broken installation?): {last}")
        if "stopped answering" in reason:
            return ("the grading process did not get ready within "
                    f"{self.limits.startup_timeout:g} s")
        reason = reason.replace(" (os._exit?)", "").replace(
            " (killed: perhaps by the memory limit)", "")
        return (f"{reason} before the notebook's first cell ran"
                + (f": {last}" if last else ""))

    def budget_left(self):
        """Seconds the learner's code may still run."""
        return self.limits.total_timeout - self.used

    def over_budget(self):
        """The sentence of everything the budget stopped."""
        return (f"not run: your notebook's code used up its time budget of "
                f"{self.limits.total_timeout:g} s (its cells and the tests' "
                "calls together)")

    def _stderr_tail(self):
        try:
            with open(os.path.join(self._dir or "", "stderr"), "rb") as f:
                return f.read()[-500:].decode(errors="replace")
        except OSError:
            return ""

    def _ensure_running(self):
        if self.proc is None or self.proc.poll() is not None:
            if self.budget_left() <= 0:
                raise OverBudget(self.over_budget())
            if self.restarts >= self.limits.max_restarts:
                raise LearnerCrash(
                    "not run: your notebook's process had to be restarted "
                    "too often")
            self.restarts += 1
            try:
                self.start()
            except SandboxError as exc:
                if self.budget_left() <= 0:
                    raise OverBudget(self.over_budget()) from None
                raise LearnerCrash(f"not run: {exc}") from None

    # -- calls ---------------------------------------------------------------
    def describe(self, names):
        """``{name: kind}`` and values: what the learner's notebook defines
        under each name (``function``, ``value`` or ``missing``)."""
        self._ensure_running()
        self._send({"op": "describe", "names": list(names)})
        reply = self._receive(self.limits.call_timeout + 5)
        if reply is None or "names" not in reply:
            reason = self._exit_reason()
            self._kill()
            raise LearnerCrash(f"looking up names failed: {reason}")
        out = {}
        for name, info in reply["names"].items():
            if info.get("kind") == "value":
                out[name] = ("value", codec.decode(info.get("value"),
                                                   self._remote))
            else:
                out[name] = (info.get("kind"), None)
        return out

    def _remote(self, handle, type_name):
        return codec.Remote(handle, type_name)

    def _keep(self, value):
        if callable(value) and not isinstance(value, RemoteFunction):
            self._callbacks.append(value)
            return codec.Callback(len(self._callbacks) - 1)
        raise TypeError(f"cannot send a {type(value).__name__} to the "
                        "learner's code")

    def call(self, name, args, kwargs, stand_ins=None):
        """Call the learner's function ``name`` (or a kept handle).

        ``stand_ins`` maps names of the learner's namespace to trusted
        functions that replace them during this call (see
        :class:`RemoteFunction`). A function that timed out once (with the
        same stand-ins) is not called again: its later calls raise at once
        (see :func:`_once_key` and :func:`probing`).
        """
        label = name if isinstance(name, str) else "the function"
        once = _once_key(name, args, stand_ins)
        probing_for = _PROBING.get()
        # one probe's timeout stops the function's later probes, whatever
        # their stand-ins: it is finite differences, or an endless loop
        probe = None if probing_for is None else (name, once[2], "probe")
        earlier = self.timed_out.get(once) or self.timed_out.get(probe)
        if earlier:
            self.skipped_calls.append(label)
            raise self._timeout(label, f"not called again: {label} timed "
                                f"out earlier ({earlier})")
        if self.budget_left() <= 0:
            raise OverBudget(self.over_budget())
        self._ensure_running()
        cap = self.limits.call_timeout
        if probing_for:
            cap = min(cap, probing_for)
        limit = min(cap, self.budget_left())
        if limit <= 0:
            raise OverBudget(self.over_budget())
        self._send({"op": "call", "name": name,
                    "args": codec.encode(list(args), self._keep),
                    "kwargs": codec.encode(dict(kwargs), self._keep),
                    "globals": codec.encode(dict(stand_ins or {}),
                                            self._keep),
                    "timeout": limit})
        began = time.monotonic()
        # one deadline for the call and every callback it makes
        deadline = began + limit + 5
        try:
            while True:
                reply = self._receive(max(0.0, deadline - time.monotonic()))
                if reply is None or reply.get("event") != "callback":
                    break
                self._answer_callback(reply)
        finally:
            self.used += time.monotonic() - began
        if reply is None:
            reason = self._exit_reason()
            self._kill()
            if "stopped answering" not in reason:
                exc = LearnerCrash(f"calling {label} ended the Python "
                                   f"process: {reason}")
                exc.function = label
                raise exc
            reply = {"timeout": True, "ignored": True}
        self._reemit(reply.get("warnings") or [])
        if reply.get("timeout"):
            if limit < cap:
                raise OverBudget(f"{label} did not return before your "
                                 "notebook's time budget of "
                                 f"{self.limits.total_timeout:g} s ran out")
            message = (f"{label} did not return within {limit:g} s"
                       + (" and ignored the time limit" if reply.get(
                           "ignored") else "") + ": an endless loop?")
            self.timed_out[probe or once] = message
            raise self._timeout(label, message)
        if not reply.get("ok"):
            raise _learner_exception(label, reply.get("error") or {})
        try:
            result = codec.decode(reply.get("result"), self._remote)
            after = codec.decode(reply.get("args_after"), self._remote)
            kw_after = codec.decode(reply.get("kwargs_after"), self._remote)
        except (ValueError, TypeError, KeyError) as exc:
            raise LearnerCrash(f"{label} returned data that could not be "
                               f"read: {exc}") from None
        for old, new in zip(args, after):
            _write_back(old, new)
        for key, old in kwargs.items():
            if key in kw_after:
                _write_back(old, kw_after[key])
        return result

    @staticmethod
    def _timeout(label, message):
        exc = LearnerTimeout(message)
        exc.function = label
        return exc

    def _answer_callback(self, request):
        try:
            fn = self._callbacks[int(request["id"])]
            args = codec.decode(request.get("args"), self._remote)
            kwargs = codec.decode(request.get("kwargs"), self._remote)
            result = fn(*args, **kwargs)
            reply = {"ok": True, "result": codec.encode(result, self._keep)}
        except Exception as exc:
            reply = {"ok": False, "message": f"{type(exc).__name__}: {exc}"}
        self._send(reply)

    @staticmethod
    def _reemit(caught):
        import builtins
        for name, message in caught[:20]:
            category = getattr(builtins, str(name), None)
            if not (isinstance(category, type)
                    and issubclass(category, Warning)):
                category = UserWarning
            warnings.warn_explicit(str(message), category,
                                   "<your notebook>", 0)


#: Set by :func:`probing` while a test's large, timed case runs: ``None``
#: outside, else the probe's own limit in seconds (0: the usual limit).
_PROBING = contextvars.ContextVar("probing", default=None)


@contextlib.contextmanager
def probing(seconds=None):
    """Calls made inside are a test's timed probe (a backward pass on
    arrays too large for finite differences, see
    :func:`coursetools.checks.time_limited`), limited to ``seconds`` if
    given and shorter than the usual limit of a call. A timeout there is
    the probe's expected verdict, so it stops later probes of the
    function, not its ordinary calls on small inputs."""
    token = _PROBING.set(seconds or 0)
    try:
        yield
    finally:
        _PROBING.reset(token)


def _once_key(name, args, stand_ins):
    """What a timeout is remembered by: the function, its stand-ins and,
    for a function whose first argument is a string naming what to do
    (lesson 08's ``run_op("mul", ...)``), that string: an endless loop in
    one operation does not stop the others."""
    kind = args[0] if args and isinstance(args[0], str) else None
    return (name, tuple(sorted(stand_ins or {})), kind)


def _write_back(old, new):
    """Make ``old`` look as the learner's function left its copy."""
    if isinstance(old, np.ndarray):
        if (isinstance(new, np.ndarray) and new.shape == old.shape
                and old.flags.writeable):
            if not np.array_equal(old, new, equal_nan=True):
                old[...] = new
        elif old.flags.writeable and old.dtype.kind == "f":
            # shape or type changed in place: make the change visible
            old[...] = np.nan
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) == len(new):
            for i, (a, b) in enumerate(zip(old, new)):
                if isinstance(a, (np.ndarray, list, dict)):
                    _write_back(a, b)
                else:
                    old[i] = b
        else:
            old[:] = new
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in list(old):
            if key not in new:
                del old[key]
        for key, value in new.items():
            if key in old and isinstance(old[key],
                                         (np.ndarray, list, dict)):
                _write_back(old[key], value)
            else:
                old[key] = value
    elif isinstance(old, tuple) and isinstance(new, tuple):
        for a, b in zip(old, new):
            _write_back(a, b)


class RemoteFunction:
    """A learner's function, called in the sandbox, usable as if local.

    ``stand_ins`` (``{name: function}``) replaces names of the learner's
    namespace by trusted functions while this function runs: a learner's
    ``neuron_forward`` graded with a correct ``sigmoid`` in place of theirs
    loses no points for a mistake that ``sigmoid``'s own test counts.
    """

    def __init__(self, sandbox, name, stand_ins=None):
        self._sandbox = sandbox
        self._stand_ins = dict(stand_ins or {})
        self.__name__ = name
        self.__qualname__ = name

    def __call__(self, *args, **kwargs):
        return self._sandbox.call(self.__name__, args, kwargs,
                                  self._stand_ins)

    def __repr__(self):
        return f"<your function {self.__name__}>"
