"""The sandboxed side of grading: runs a learner's cells, then answers calls.

Started by :mod:`autograder.sandbox` inside bubblewrap (or, where that is
missing, as a plain limited process).
It never sees a test, an expected value or a verdict: it executes the
learner's code cells in an IPython shell, then answers requests of the form
"call ``sigmoid`` with these arrays" with the plain data the learner's
function returned (see :mod:`autograder.codec`).
Messages are JSON lines on two pipes given by file descriptor.
It says ``hello`` before it runs anything of the learner's, and
``cell_start`` before each cell: a process that dies before the first
``cell_start`` died of the grading machine, not of the learner's code.
"""

import builtins
import hashlib
import json
import marshal
import os
import signal
import sys
import time
import traceback
import types
import warnings

import numpy as np

from autograder import codec

#: Characters of printed text kept per cell; the rest is counted, not kept.
MAX_TEXT = 20_000
#: Rich outputs (figures) kept per cell.
MAX_DISPLAYS = 8


#: Where library code lives: frames there are not the learner's.
_LIBRARY_PATHS = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix,
                        os.path.dirname(os.path.abspath(__file__))})


_MISSING = object()
# Bound now: learner code that patches the time module cannot stop the
# budget's clock.
_monotonic = time.monotonic


class Timeout(BaseException):
    """Raised by the alarm when a cell or call runs past its time."""


def _alarm(signum, frame):
    raise Timeout()


class NotCalledAgain(Exception):
    """A cell called a learner function that made an earlier cell time
    out."""


class HungFunctions:
    """Learner functions that made a cell time out, and the guards that
    stand in for them while later cells run.

    A cell calling such a function fails at once instead of waiting out its
    own time limit, so one endless loop costs one cell's limit, not one per
    cell that uses it. The tests never meet a guard: :meth:`restore` puts
    the learner's functions back before any call is served (the grader
    keeps its own account of the calls that timed out).
    A function is known by its name and a digest of its code, which stays
    the same when a restart runs its cell again; a redefined function is a
    new function.
    """

    def __init__(self, namespace, known=()):
        self.ns = namespace
        self.known = {(str(name), str(digest)) for name, digest in known}
        self.saved = {}

    @staticmethod
    def digest(fn):
        try:
            code = marshal.dumps(fn.__code__)
        except (AttributeError, ValueError, TypeError):
            return None
        return hashlib.sha256(code).hexdigest()[:16]

    def _learner_functions(self):
        """``{code object: name}`` of the functions the cells defined."""
        found = {}
        for name, value in list(self.ns.items()):
            if (isinstance(value, types.FunctionType)
                    and not getattr(value, "_not_called_again", False)
                    and value.__code__.co_filename.startswith("<ipython")):
                found.setdefault(value.__code__, name)
        return found

    def blame(self, exc):
        """``[name, digest]`` of the outermost learner function running
        when ``exc`` (a cell's Timeout) was raised, now guarded; None when
        the cell's own code was looping."""
        codes = self._learner_functions()
        tb = exc.__traceback__
        while tb is not None:
            name = codes.get(tb.tb_frame.f_code)
            if name is not None:
                entry = (name, self.digest(self.ns[name]))
                self.known.add(entry)
                self.guard()
                return list(entry)
            tb = tb.tb_next
        return None

    def guard(self):
        """Stand a guard in for every known function the cells defined."""
        for name, digest in self.known:
            fn = self.ns.get(name)
            if (isinstance(fn, types.FunctionType)
                    and not getattr(fn, "_not_called_again", False)
                    and self.digest(fn) == digest):
                self.saved[name] = fn
                self.ns[name] = self._guard(name)

    @staticmethod
    def _guard(name):
        def not_called_again(*args, **kwargs):
            raise NotCalledAgain(f"not called again: {name} made an "
                                 "earlier cell time out")

        not_called_again._not_called_again = True
        not_called_again.__name__ = not_called_again.__qualname__ = name
        return not_called_again

    def restore(self):
        """The learner's own functions back in place of the guards."""
        for name, fn in self.saved.items():
            if getattr(self.ns.get(name), "_not_called_again", False):
                self.ns[name] = fn
        self.saved.clear()


class Channel:
    """JSON lines in from the grader, JSON lines out to it."""

    def __init__(self, cmd_fd, res_fd):
        self._in = os.fdopen(cmd_fd, "rb", buffering=0)
        self._out = res_fd
        self._buf = b""
        # Bound now, so that learner code that patches json cannot
        # change how later messages are framed.
        self._dumps = json.dumps
        self._loads = json.loads

    def send(self, message):
        data = (self._dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self._out, data):]

    def receive(self):
        while b"\n" not in self._buf:
            chunk = os.read(self._in.fileno(), 1 << 20)
            if not chunk:
                raise EOFError
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return self._loads(line)


class BoundedText:
    """A stand-in for sys.stdout that keeps the first MAX_TEXT characters."""

    def __init__(self, name):
        self.name = name
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def write(self, text):
        text = str(text)
        room = MAX_TEXT - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def text(self):
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n[... {self.dropped} more characters not shown]\n"
        return out


def _is_widget(data):
    """A widget's own output: meaningless without a live kernel."""
    return any(str(k).startswith("application/vnd.jupyter.widget")
               for k in (data or {}))


def _make_shell(figures=True):
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    outputs = []

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *,
                    transient=None, update=False, **kwargs):
            images = sum(o["output_type"] == "display_data" for o in outputs)
            if images >= MAX_DISPLAYS or _is_widget(data):
                return
            keep = {k: v for k, v in (data or {}).items()
                    if k in ("image/png", "text/plain", "text/latex",
                             "text/markdown") and isinstance(v, str)}
            keep = {k: v[:2_000_000] for k, v in keep.items()}
            if keep:
                outputs.append({"output_type": "display_data",
                                "data": keep, "metadata": {}})

        def clear_output(self, wait=False):
            pass

    class Hook(DisplayHook):
        #: The source of the cell running: its value is not shown when it
        #: ends in a semicolon, as in IPython (whose own test reads the
        #: history, which is off here).
        source = ""

        def quiet(self):
            try:
                return self.semicolon_at_end_of_expression(self.source)
            except Exception:  # a cell IPython itself could not tokenize
                return False

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            if _is_widget(format_dict):  # its figures were shown already
                return
            text = format_dict.get("text/plain")
            if not isinstance(text, str):
                return
            data = {"text/plain": text[:MAX_TEXT]}
            png = format_dict.get("image/png")  # a figure as the value
            if isinstance(png, str):
                data["image/png"] = png[:2_000_000]
            outputs.append({"output_type": "execute_result", "data": data,
                            "metadata": {}, "execution_count": None})

        def finish_displayhook(self):
            pass

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    shell.display_pub = Publisher(shell=shell, parent=shell)
    shell.displayhook = Hook(shell=shell, cache_size=0, parent=shell)
    shell.display_trap.hook = shell.displayhook
    errors = []
    shell._showtraceback = (
        lambda etype, evalue, stb: errors.append(list(stb)))
    for scheme in ("nocolor", "NoColor"):  # IPython 9, IPython 8
        try:
            shell.InteractiveTB.set_colors(scheme)
            break
        except (AssertionError, KeyError, ValueError):
            continue
    try:
        if figures:
            shell.enable_matplotlib("inline")
        else:  # plotting code runs, nothing is rendered
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            plt.show = lambda *args, **kwargs: plt.close("all")
    except Exception:  # matplotlib is optional for a notebook
        pass
    return shell, outputs, errors


def _error_info(exc):
    try:
        message = str(exc)[:2000]
    except BaseException:
        message = "(the exception could not be turned into text)"
    name = type(exc).__name__
    return {"type": str(name)[:80], "message": message,
            "builtin": getattr(builtins, name, None) is type(exc)}


def run_cells(channel, shell, outputs, errors, cells, cell_timeout,
              budget=float("inf"), hung=None):
    """Run the learner's cells in order, each within ``cell_timeout`` and
    all within ``budget`` seconds; the cells left when the budget is used
    up are reported as skipped."""
    hung = hung or HungFunctions(shell.user_ns)
    spent = 0.0
    for cell in cells:
        index, source = cell["index"], cell["source"]
        left = budget - spent
        if left <= 0:
            channel.send({"event": "cell_done", "index": index,
                          "status": "skipped", "outputs": [], "error": {
                              "type": "Budget", "message": (
                                  "not run: the notebook's time budget "
                                  "was used up")}})
            continue
        channel.send({"event": "cell_start", "index": index})
        hung.guard()
        del outputs[:], errors[:]
        out, err = BoundedText("stdout"), BoundedText("stderr")
        sys.stdout, sys.stderr = out, err
        status, error, blamed = "ok", None, None
        signal.signal(signal.SIGALRM, _alarm)  # a cell may have changed it
        began = _monotonic()
        # a cell cut short by the budget did not hang: nothing to blame
        blame = hung.blame if left >= cell_timeout else (lambda exc: None)
        signal.setitimer(signal.ITIMER_REAL, min(cell_timeout, left))
        shell.displayhook.source = source
        try:
            result = shell.run_cell(source, store_history=False)
            signal.setitimer(signal.ITIMER_REAL, 0)
            exc = result.error_before_exec or result.error_in_exec
            if isinstance(exc, Timeout):
                status, blamed = "timeout", blame(exc)
            elif exc is not None:
                status, error = "error", _error_info(exc)
        except Timeout as exc:
            status, blamed = "timeout", blame(exc)
        except BaseException as exc:  # a hook of the learner's failed
            status, error = "error", _error_info(exc)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            spent += _monotonic() - began
        cell_outputs = []
        for stream in (out, err):
            if stream.text():
                cell_outputs.append({"output_type": "stream",
                                     "name": stream.name,
                                     "text": stream.text()})
        cell_outputs.extend(outputs[:])
        if status == "error":
            tb = errors[-1] if errors else []
            cell_outputs.append({"output_type": "error",
                                 "ename": error["type"],
                                 "evalue": error["message"],
                                 "traceback": [t[:5000] for t in tb[-20:]]})
        channel.send({"event": "cell_done", "index": index,
                      "status": status, "error": error, "hung": blamed,
                      "outputs": cell_outputs})
    hung.restore()


class Server:
    """Answers describe and call requests against the learner's namespace."""

    def __init__(self, channel, namespace):
        self.channel = channel
        self.ns = namespace
        self.codec = codec
        self.kept = []
        # Taken before any call, in case learner code patched them.
        self.errstate = np.errstate
        self.catch_warnings = warnings.catch_warnings
        self.simplefilter = warnings.simplefilter

    def keep(self, value):
        self.kept.append(value)
        return len(self.kept) - 1

    def resolve(self, handle, type_name):
        if isinstance(handle, tuple):  # a callback into the grader
            return self._callback(handle[1])
        if 0 <= handle < len(self.kept):
            return self.kept[handle]
        raise ValueError("unknown handle")

    def _callback(self, number):
        channel, codec = self.channel, self.codec
        resolve, keep = self.resolve, self.keep

        def callback(*args, **kwargs):
            message = {"event": "callback", "id": number,
                       "args": codec.encode(list(args), keep),
                       "kwargs": codec.encode(kwargs, keep)}
            # A call's time limit must not fire between the request and
            # its reply: the grader's reply would then be read as the next
            # request, and every later call would get a stale answer. The
            # alarm is held back and goes off once the reply is in.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK,
                                             {signal.SIGALRM})
            try:
                channel.send(message)
                reply = channel.receive()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            if reply.get("ok"):
                return codec.decode(reply["result"], resolve)
            raise RuntimeError(str(reply.get("message", "callback failed")))

        return callback

    def describe(self, names):
        found = {}
        for name in names:
            if name not in self.ns:
                found[name] = {"kind": "missing"}
            elif callable(self.ns[name]):
                found[name] = {"kind": "function"}
            else:
                found[name] = {"kind": "value", "value": self.codec.encode(
                    self.ns[name], self.keep)}
        return {"names": found}

    def call(self, request):
        codec = self.codec
        args = codec.decode(request["args"], self.resolve)
        kwargs = codec.decode(request["kwargs"], self.resolve)
        target = request["name"]
        fn = (self.kept[target] if isinstance(target, int)
              else self.ns.get(target))
        if not callable(fn):
            return {"ok": False, "error": {
                "type": "NameError", "builtin": True,
                "message": f"{target} is not a function"}}
        # Stand-ins: names of the learner's namespace replaced, for this
        # call only, by the grader's own functions (an earlier exercise's
        # mistake is then not counted again in a later one).
        stand_ins = codec.decode(request.get("globals") or {"__dict__": []},
                                 self.resolve)
        saved = {name: self.ns.get(name, _MISSING) for name in stand_ins}
        caught = []
        signal.setitimer(signal.ITIMER_REAL, float(request["timeout"]))
        try:
            self.ns.update(stand_ins)
            with self.catch_warnings(record=True) as caught, \
                    self.errstate(all="warn", under="ignore"):
                self.simplefilter("always")
                result = fn(*args, **kwargs)
            signal.setitimer(signal.ITIMER_REAL, 0)
            reply = {"ok": True, "result": codec.encode(result, self.keep)}
        except Timeout:
            reply = {"ok": False, "timeout": True}
        except BaseException as exc:
            signal.setitimer(signal.ITIMER_REAL, 0)
            info = _error_info(exc)
            # the learner's own lines, not NumPy's or this file's
            tb = [f for f in traceback.extract_tb(exc.__traceback__)[1:]
                  if not f.filename.startswith(_LIBRARY_PATHS)]
            info["where"] = [[f.lineno, (f.line or "")[:200]]
                             for f in tb[-3:]]
            reply = {"ok": False, "error": info}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for name, value in saved.items():
                if value is _MISSING:
                    self.ns.pop(name, None)
                else:
                    self.ns[name] = value
        reply["warnings"] = [
            [w.category.__name__, str(w.message)[:500]]
            for w in (caught or [])[:20]]
        reply["args_after"] = codec.encode(args, self.keep)
        reply["kwargs_after"] = codec.encode(kwargs, self.keep)
        return reply

    def serve(self):
        while True:
            try:
                request = self.channel.receive()
            except EOFError:
                return
            op = request.get("op")
            try:
                if op == "describe":
                    reply = self.describe(request["names"])
                elif op == "call":
                    reply = self.call(request)
                elif op == "bye":
                    return
                else:
                    reply = {"ok": False, "error": {
                        "type": "ProtocolError", "builtin": False,
                        "message": f"unknown op {op!r}"}}
            except Timeout:
                reply = {"ok": False, "timeout": True}
            except Exception as exc:  # e.g. a result that cannot be encoded
                reply = {"ok": False, "error": _error_info(exc)}
            reply["event"] = "reply"
            self.channel.send(reply)


def main():
    cmd_fd, res_fd = int(sys.argv[1]), int(sys.argv[2])
    channel = Channel(cmd_fd, res_fd)
    signal.signal(signal.SIGALRM, _alarm)
    channel.send({"event": "hello"})  # started, imported: the machine's part
    setup = channel.receive()
    shell, outputs, errors = _make_shell(bool(setup.get("figures", True)))
    run_cells(channel, shell, outputs, errors, setup["cells"],
              float(setup["cell_timeout"]),
              float(setup.get("budget", float("inf"))),
              HungFunctions(shell.user_ns, setup.get("hung") or ()))
    signal.signal(signal.SIGALRM, _alarm)  # the learner may have changed it
    channel.send({"event": "ready"})
    Server(channel, shell.user_ns).serve()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
