"""Checks that explain themselves: the building blocks of every test cell.

The same functions run in two places.
In a learner's notebook they give instant feedback on the learner's own
functions.
In the grader they run in a trusted process, where the learner's functions
are stand-ins that execute in a sandbox and hand back plain numbers
(see ``autograder.sandbox``); a learner's code can neither see nor patch them.

Every failure raises :class:`CheckFailed` with a sentence a learner can act
on: what was called, what was expected, what came back.
Used by every lesson's test cells.
"""

import copy
import time
import warnings

import numpy as np

__all__ = [
    "CheckFailed",
    "assert_close",
    "assert_gradient_close",
    "assert_no_warnings",
    "assert_plausible",
    "assert_unchanged",
    "describe",
    "earlier_exercise",
    "grading_rng",
]

#: Seed of :func:`grading_rng`; the grader sets it per submission and test.
GRADING_SEED = 0
#: True while the grader runs a test cell: the learner's functions are then
#: stand-ins with their own time limit (see :func:`time_limited`).
IN_GRADER = False


class CheckFailed(AssertionError):
    """A test found a mistake; the message says which and what to do."""


def grading_rng():
    """Random inputs for a test: fixed in a notebook, fresh per submission
    in the grader (so answers cannot be typed in for known inputs)."""
    return np.random.default_rng(GRADING_SEED)


def describe(value):
    """A short phrase for a value's type and shape, for messages."""
    if value is None:
        return "None"
    if isinstance(value, bool) or isinstance(value, np.bool_):
        return f"the boolean {value}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"a 0-d array ({value.dtype})"
        return f"an array of shape {value.shape} ({value.dtype})"
    if isinstance(value, (int, float, np.number)):
        return f"the number {_fmt(value)}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"a {type(value).__name__} object"


def _fmt(x, digits=6):
    try:
        return f"{float(x):.{digits}g}"
    except (TypeError, ValueError, OverflowError):
        return repr(x)


def _pair(expected, got):
    """``"expected E, got G"`` with enough digits that E and G differ,
    and their relative difference when they are close."""
    for digits in range(6, 18):
        e, g = _fmt(expected, digits), _fmt(got, digits)
        if e != g:
            break
    text = f"expected {e}, got {g}"
    try:
        a, b = float(expected), float(got)
    except (TypeError, ValueError, OverflowError):
        return text
    if a != b and np.isfinite(a) and np.isfinite(b) and digits > 6:
        rel = abs(a - b) / max(abs(a), abs(b))
        text += f" (a relative difference of {rel:.1e})"
    return text


def _as_float_array(got, what, expected_shape):
    """Turn a returned value into a float array, or fail saying why not."""
    scalar_expected = expected_shape == ()
    if got is None:
        raise CheckFailed(
            f"{what} returned None: did you forget the `return`?")
    if isinstance(got, (bool, np.bool_)):
        raise CheckFailed(f"{what} returned {describe(got)}, not a number.")
    if isinstance(got, (int, float, np.integer, np.floating)):
        if not scalar_expected:
            raise CheckFailed(
                f"{what} returned {describe(got)}, but the input had shape "
                f"{expected_shape}: return an array of shape "
                f"{expected_shape}, one value per element.")
        return np.asarray(float(got))
    if isinstance(got, np.ndarray):
        if got.dtype.kind not in "iuf":
            raise CheckFailed(
                f"{what} returned {describe(got)}; expected real numbers "
                "(float64).")
        if got.shape != expected_shape:
            if scalar_expected:
                hint = ("a float or an array of shape (): "
                        "a scalar input gives a scalar output")
            elif got.shape == expected_shape[::-1]:
                hint = "it looks transposed"
            elif got.size == int(np.prod(expected_shape)):
                hint = ("same number of values, wrong shape: an extra or "
                        "missing axis (for example (n, 1) against (n,))?")
            else:
                hint = "check which axis you sum or multiply over"
            end = "" if hint.endswith("?") else "."
            raise CheckFailed(
                f"{what} returned shape {got.shape}, expected shape "
                f"{expected_shape}: {hint}{end}")
        return got.astype(float)
    if isinstance(got, (list, tuple)):
        raise CheckFailed(
            f"{what} returned {describe(got)}; expected "
            + ("a number." if scalar_expected else
               f"a NumPy array of shape {expected_shape}."))
    raise CheckFailed(
        f"{what} returned {describe(got)}; expected "
        + ("a number." if scalar_expected else
           f"a NumPy array of shape {expected_shape}."))


def assert_close(got, expected, what, *, rtol=1e-7, atol=1e-12,
                 hints=None, note=""):
    """Check that ``got`` equals ``expected`` to a tolerance.

    ``what`` names the call, as in ``"sigmoid(z) for z of shape (3,)"``.
    A scalar is expected when ``expected`` is a scalar: then a Python float,
    a NumPy scalar and an array of shape () are all accepted.
    ``hints`` maps a diagnosis to the value a typical mistake would give,
    e.g. ``{"a sign error in the exponent?": 1 - expected}``; a matching
    diagnosis is added to the message.
    ``note`` is appended to any failure (see :func:`earlier_exercise`).
    """
    expected = np.asarray(expected, dtype=float)
    try:
        arr = _as_float_array(got, what, expected.shape)
        bad_nan = ~np.isfinite(arr) & np.isfinite(expected)
        if bad_nan.any():
            idx = _first(bad_nan)
            raise CheckFailed(
                f"{what} gave {_fmt(arr[idx])} at index {idx} where "
                f"{_fmt(expected[idx])} was expected: an overflow or a "
                "division by zero? Look at how large inputs are handled.")
        close = np.isclose(arr, expected, rtol=rtol, atol=atol)
        if not close.all():
            idx = _first(~close)
            where = f" at index {idx}" if expected.ndim else ""
            diff = np.abs(arr - expected)
            diff = np.where(np.isfinite(diff), diff, np.inf)
            msg = f"{what} is wrong{where}: {_pair(expected[idx], arr[idx])}"
            if expected.ndim:
                msg += (f" ({int((~close).sum())} of {close.size} values "
                        f"differ, largest difference {_fmt(diff.max())})")
            msg += "."
            for diagnosis, value in (hints or {}).items():
                value = np.asarray(value, dtype=float)
                if value.shape == arr.shape and np.allclose(
                        arr, value, rtol=rtol, atol=atol):
                    msg += f" Your values match {diagnosis}"
                    break
            raise CheckFailed(msg)
    except CheckFailed as exc:
        if note:
            raise CheckFailed(f"{exc} {note}") from None
        raise


def _first(mask):
    """Index of the first True element, as a tuple (or () for 0-d)."""
    if mask.ndim == 0:
        return ()
    return tuple(int(i) for i in np.argwhere(mask)[0])


def assert_no_warnings(call, what):
    """Call ``call()`` and fail if it emits a warning (overflow in ``exp``,
    division by zero, ...); return its result."""
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        result = call()
    for w in caught:
        if issubclass(w.category, (RuntimeWarning, UserWarning)):
            raise CheckFailed(
                f"{what} emitted {w.category.__name__}: "
                f"\"{w.message}\". A numerically stable version never "
                "evaluates a huge intermediate value (for example exp of a "
                "large positive number), even in a branch whose result is "
                "thrown away, as np.where does.")
    return result


def _same(a, b):
    """Exact equality of nested inputs (arrays, lists, dicts, numbers)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                and a.shape == b.shape and a.dtype == b.dtype
                and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    return type(a) is type(b) and (a == b or (a != a and b != b))


def assert_unchanged(fn, *args, what, **kwargs):
    """Call ``fn(*args, **kwargs)`` and fail if it changed any argument in
    place; return its result."""
    before = copy.deepcopy((args, kwargs))
    result = fn(*args, **kwargs)
    names = [f"argument {i + 1}" for i in range(len(args))] + [
        f"argument {k}" for k in kwargs]
    for name, old, new in zip(names, [*before[0], *before[1].values()],
                              [*args, *kwargs.values()]):
        if not _same(old, new):
            raise CheckFailed(
                f"{what} changed its {name} in place. A graded function "
                "must not modify its inputs: work on a copy or build a new "
                "array (for example `z = -z` instead of `z *= -1`).")
    return result


def assert_plausible(got, what, *, shape=(), low=-np.inf, high=np.inf,
                     strict=False, requirement="this requirement"):
    """Fail unless ``got`` looks like an attempt at the exercise: a number
    (for ``shape`` ``()``) or an array of ``shape``, finite, within
    [``low``, ``high``] (or (``low``, ``high``), ``strict``).

    A test of a secondary requirement (an input left unchanged, ...) calls
    it first, so that a placeholder such as ``return None`` or
    ``return 0`` earns no points; a right shape and range is all it asks,
    so a wrong value is not counted again here.
    """
    try:
        arr = _as_float_array(got, what, tuple(shape))
    except CheckFailed as exc:
        raise CheckFailed(f"{exc} This test checks {requirement}, and "
                          "needs a working answer to do so.") from None
    inside = ((arr > low) & (arr < high) if strict
              else (arr >= low) & (arr <= high))
    if not (np.all(np.isfinite(arr)) and np.all(inside)):
        bounds = (f"({_fmt(low)}, {_fmt(high)})" if strict
                  else f"[{_fmt(low)}, {_fmt(high)}]")
        raise CheckFailed(
            f"{what} returned values outside {bounds} or not finite. This "
            f"test checks {requirement}, and needs a working answer to do "
            "so.")
    return got


def time_limited(call, seconds, message, *, in_grader=None):
    """Return ``call()``, or fail with ``message`` when it runs longer than
    ``seconds`` (a backward pass written as finite differences, an endless
    loop). In a notebook the limit is an alarm signal (where the platform
    has one); in the grader, each call of a learner's function has its
    own limit already (or ``in_grader`` seconds, if shorter), and running
    past it fails with ``message`` too.
    Used by the backward-pass checks of lessons 03, 05 and 08."""
    import signal
    import threading

    if IN_GRADER:  # the grader's trusted process, where autograder is
        from autograder.sandbox import LearnerTimeout, probing

        try:
            with probing(in_grader):
                return call()
        except LearnerTimeout:
            raise CheckFailed(message) from None
    usable = (hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        return call()

    def expired(signum, frame):
        raise _TooSlow()

    # an alarm already set (a cell's own time limit) keeps its deadline:
    # whichever comes first fires, and the other is set again after
    began = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    outer_first = 0 < outer <= seconds
    if outer_first:
        signal.setitimer(signal.ITIMER_REAL, outer)
    try:
        return call()
    except _TooSlow:
        if outer_first and callable(previous):
            previous(signal.SIGALRM, None)  # the outer limit's own verdict
        raise CheckFailed(message) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0 and not outer_first:
            left = outer - (time.monotonic() - began)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


class _TooSlow(BaseException):
    """Raised by :func:`time_limited`'s alarm."""


def earlier_exercise(name, check):
    """Run ``check()``, a test of an earlier exercise ``name``.

    Return ``""`` when it passes, or a sentence that blames ``name`` when it
    fails, to pass as ``note=`` to a later check that depends on it. What
    ``check`` prints (an earlier check's ✓) is not shown.
    """
    import contextlib
    import io

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check()
    except Exception:  # any failure of the earlier exercise
        return (f"This exercise calls your `{name}`, which fails its own "
                f"test: fix `{name}` first, then run this test again.")
    return ""


def _gradient_diagnosis(got, expected, n=None):
    """A guess at what went wrong, from how ``got`` relates to
    ``expected``."""
    if got.shape == expected.shape and np.allclose(got, -expected,
                                                   rtol=1e-6, atol=1e-12):
        return "it has the opposite sign: a sign error?"
    if (got.shape == expected.shape[::-1] and got.ndim == 2
            and np.allclose(got.T, expected, rtol=1e-6, atol=1e-12)):
        return "it is transposed."
    mask = np.abs(expected) > 1e-8
    if got.shape == expected.shape and mask.any():
        ratio = got[mask] / expected[mask]
        k = float(np.median(ratio))
        if np.isfinite(k) and k != 0 and np.allclose(ratio, k, rtol=1e-4):
            names = {2.0: "2", 0.5: "1/2"}
            if n:
                names.update({float(n): "n (the number of samples)",
                              1.0 / n: "1/n (the number of samples)",
                              2.0 * n: "2n", 1.0 / (2 * n): "1/(2n)"})
            for value, name in names.items():
                if abs(k - value) <= 1e-4 * abs(value):
                    return f"it is off by a factor of about {name}."
            return f"it is off by a constant factor of about {k:.4g}."
    return ""


def assert_gradient_close(got, expected, what, *, tol=1e-6, n=None,
                          note=""):
    """Check a gradient against a numerical one by relative error.

    ``expected`` is the gradient the checker trusts (for example central
    differences of its own loss); the check passes when the relative error
    is at most ``tol``.
    Elements whose true gradient is about zero are compared on the scale of
    the whole gradient, so rounding noise there cannot fail a right answer.
    ``n``, the number of samples, helps name a missing or extra 1/n.
    Used by the lessons' gradient tests from 03-chain-rule on.
    """
    expected = np.asarray(expected, dtype=float)
    try:
        arr = _as_float_array(got, what, expected.shape)
        if not np.all(np.isfinite(arr)):
            raise CheckFailed(f"{what} contains nan or inf.")
        scale = np.abs(arr) + np.abs(expected)
        floor = max(1e-12, 1e-6 * float(np.max(np.abs(expected),
                                               initial=0.0)))
        errors = np.abs(arr - expected) / np.maximum(scale, floor)
        err = float(np.max(errors, initial=0.0))
        if err > tol:
            idx = _first(errors == err)
            where = f" at index {idx}" if expected.ndim else ""
            diagnosis = _gradient_diagnosis(arr, expected, n)
            raise CheckFailed(
                f"{what} is wrong{where}: expected "
                f"{_fmt(expected[idx], 8)}, got {_fmt(arr[idx], 8)} "
                f"(relative error {err:.2g}, should be below {tol:g})."
                + (f" Compared with the numerical gradient, {diagnosis}"
                   if diagnosis else ""))
    except CheckFailed as exc:
        if note:
            raise CheckFailed(f"{exc} {note}") from None
        raise


def assert_gradients_close(got, expected, what, *, tol=1e-6, atol=0.0,
                           n=None, label="grads[{key!r}]", hints=None,
                           explain=None, note=""):
    """Check a dict of gradients key by key, and name every wrong one.

    ``got`` must be a dict with exactly the keys of ``expected`` (for a
    network, the keys of ``params``: ``grads["W1"]`` is ∂L/∂W1).
    Each key is compared as by :func:`assert_gradient_close` (relative
    error at most ``tol``); a failure names every wrong key with its
    diagnosis (a sign, a transpose, a factor such as ``n``) and lists the
    keys that are right, so a learner sees which layer to look at.
    ``atol``: absolute differences up to ``atol`` count as agreement, for
    the rounding noise of a numerical ``expected`` on elements near zero.
    ``label`` formats a key for messages (``"{key}"`` for plain names).
    ``hints`` maps a diagnosis to a dict of what a typical mistake gives for
    some of the keys; it matches when every key it names matches.
    ``explain(wrong_keys)`` may return a sentence on where to look.
    Used by the gradient tests of lesson 05-multilayer-backprop.
    """
    try:
        if not isinstance(got, dict):
            raise CheckFailed(
                f"{what} returned {describe(got)}; expected a dict with the "
                f"keys {sorted(map(str, expected))}.")
        if set(got) != set(expected):
            raise CheckFailed(
                f"{what} returned a dict with the keys "
                f"{sorted(map(str, got))}, expected the keys "
                f"{sorted(map(str, expected))}: one gradient for each, "
                "under the same name as what it differentiates.")
        right, wrong = [], []
        for key, exp in expected.items():
            exp = np.asarray(exp, dtype=float)
            name = label.format(key=key)
            try:
                arr = _as_float_array(got[key], name, exp.shape)
                if atol:  # within the reference's own noise: agreement
                    exp = np.where(np.abs(arr - exp) <= atol, arr, exp)
                assert_gradient_close(arr, exp, name, tol=tol, n=n)
            except CheckFailed as exc:
                wrong.append((key, str(exc)))
            else:
                right.append(name)
        if not wrong:
            return
        count = (f"{len(wrong)} of {len(expected)} gradients are wrong"
                 if len(wrong) > 1 else
                 f"1 of {len(expected)} gradients is wrong")
        msg = f"{what}: {count}. " + " ".join(m for _, m in wrong)
        if right:
            msg += " Right: " + ", ".join(right) + "."
        wrong_keys = [key for key, _ in wrong]
        for diagnosis, values in (hints or {}).items():
            if any(k in wrong_keys for k in values) and all(
                    _matches(got[k], v, max(atol, 1e-12))
                    for k, v in values.items()):
                msg += f" Your values match {diagnosis}"
                break
        if explain is not None:
            advice = explain(wrong_keys)
            if advice:
                msg += f" {advice}"
        raise CheckFailed(msg)
    except CheckFailed as exc:
        if note:
            raise CheckFailed(f"{exc} {note}") from None
        raise


def _matches(got, value, atol):
    """Whether ``got`` has ``value``'s shape and values (for hints)."""
    value = np.asarray(value, dtype=float)
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.shape == value.shape and bool(
        np.allclose(arr, value, rtol=1e-5, atol=atol))


__all__ += ["assert_gradients_close"]


# -- a lesson's visible checks ---------------------------------------------
def check(passed):
    """Make a function a lesson's visible check: when it returns, it prints
    ``✓ passed``; when it finds a mistake, it raises :class:`CheckFailed`
    (shown as its message alone, see :func:`show_failures_as_messages`).
    Used by every lesson module (``coursetools.lessonNN``)."""
    import functools

    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                result = fn(*args, **kwargs)
            except (CheckFailed, NotImplementedError):
                raise
            except Exception as exc:  # the learner's function raised
                if IN_GRADER:  # the grader explains it (autograder.grading)
                    raise
                raise CheckFailed(_raised(exc)) from None
            print(f"✓ {passed}")
            return result

        run.passed = passed
        return run

    return decorate


__all__ += ["check", "time_limited"]


def _learner_frame(tb):
    """The innermost frame of ``tb`` in the learner's own code (not this
    package's, not a library's), as ``(function, line)``, or None."""
    import os
    import sys
    import traceback

    package = os.path.dirname(os.path.abspath(__file__))
    libraries = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix,
                       package})
    frames = [f for f in traceback.extract_tb(tb)
              if not os.path.abspath(f.filename).startswith(libraries)]
    if not frames:
        return None
    return frames[-1].name, (frames[-1].line or "").strip()


def _raised(exc):
    """A sentence for an exception out of a learner's function."""
    where = _learner_frame(exc.__traceback__)
    name = type(exc).__name__
    if where is None:
        return f"Calling your function raised {name}: {exc}"
    function, line = where
    at = f" at the line `{line}`" if line else ""
    return f"Your `{function}` raised {name}{at}: {exc}"


# -- how a failed check looks in a notebook ----------------------------------
def _show_check_failed(shell, etype, value, tb, tb_offset=None):
    """IPython's display of a :class:`CheckFailed`, and of an exercise not
    written yet (its ``NotImplementedError``): the message in a box, not a
    traceback through this package. The cell still fails with the same
    exception, so nbgrader's Validate and nbval see it."""
    import textwrap

    if issubclass(etype, CheckFailed):
        title, text = "✗ Check failed", str(value)
    else:
        where = _learner_frame(tb)
        if where is None or where[0] == "<module>":
            # raised by a library, or by a cell itself: the usual traceback
            stb = shell.InteractiveTB.structured_traceback(
                etype, value, tb, tb_offset=tb_offset)
            shell._showtraceback(etype, value, stb)
            return stb
        title = f"✗ `{where[0]}` is not written yet"
        text = (f"It still raises NotImplementedError. Replace the "
                f"`raise NotImplementedError()` line of `{where[0]}` with "
                "your code, run its cell, then run this cell again.")
    lines = []
    for para in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(para, 76) or [""])
    red, bold, reset = "\x1b[31m", "\x1b[1m", "\x1b[0m"
    stb = [f"{red}{bold}{title}{reset}",
           *(f"{red}  {line}{reset}" for line in lines)]
    shell._showtraceback(etype, value, stb)
    return stb


def show_failures_as_messages(shell=None):
    """Show failed checks in ``shell`` (this IPython, by default) as their
    message alone. Called on import of the lesson modules; a no-op outside
    IPython. Used by every lesson."""
    if shell is None:
        try:
            shell = get_ipython()  # noqa: F821 (defined inside IPython)
        except NameError:
            return
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    existing = tuple(getattr(shell, "custom_exceptions", ()) or ())
    if CheckFailed not in existing:
        shell.set_custom_exc((CheckFailed, NotImplementedError),
                             _show_check_failed)


__all__ += ["show_failures_as_messages"]
