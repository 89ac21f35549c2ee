"""Lesson 08-autodiff-engine: plain-data doors, visible checks, figures.

The grader cannot hand a learner's ``Tensor`` across the sandbox (only
plain data crosses), so the lesson's locked helper cell calls
:func:`plain_data_helpers`: three functions that build tensors with the
learner's own class from numbers and arrays, run the learner's code on
them and answer with numbers, arrays and lists.
The visible checks and the hidden tests both go through those doors.

The checks compare with tabulated numbers and with properties; the graphs
they build for ``topological_order`` and ``backward`` are made of
synthetic nodes (fixed linear maps), not of the lesson's operations, so
nothing here computes an exercise.
Matplotlib is imported by the figures only: the grader's side, which
imports the checks, does not need it.
The hidden tests live on the grader's side (``autograder/hidden/
lesson08.py``).
"""

import traceback

import numpy as np

from coursetools import checks
from coursetools.checks import (
    CheckFailed,
    _as_float_array,
    assert_close,
    assert_gradient_close,
    assert_plausible,
    check,
    describe,
    earlier_exercise,
    show_failures_as_messages,
    time_limited,
)

__all__ = [
    "check_add_sub_neg_backward",
    "check_backward_shared",
    "check_backward_tree",
    "check_backward_twice",
    "check_exp_log_backward",
    "check_matmul_backward",
    "check_mean_backward",
    "check_mul_backward",
    "check_ops_unchanged",
    "check_relu_backward",
    "check_sigmoid_backward",
    "check_sum_backward",
    "check_topological_order_complete",
    "check_topological_order_sorted",
    "check_unbroadcast_added_axes",
    "check_unbroadcast_size_one_axes",
    "plain_data_helpers",
    "cost_table",
    "plot_graph",
    "plot_training",
]

show_failures_as_messages()

# -- the doors: the learner's engine, reached with plain data -----------------

#: The operations :func:`plain_data_helpers`'s ``run_op`` applies, written
#: as a learner writes them: with Python's operators and methods.
OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "neg": lambda a: -a,
    "mul": lambda a, b: a * b,
    "matmul": lambda a, b: a @ b,
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "sum": lambda a: a.sum(),
    "mean": lambda a: a.mean(),
}
#: How each operation reads, for messages.
FORMS = {"add": "{0} + {1}", "sub": "{0} - {1}", "neg": "-{0}",
         "mul": "{0} * {1}", "matmul": "{0} @ {1}",
         "sigmoid": "{0}.sigmoid()", "relu": "{0}.relu()",
         "exp": "{0}.exp()", "log": "{0}.log()", "sum": "{0}.sum()",
         "mean": "{0}.mean()"}


def random_array(spec):
    """The array a spec such as ``{"normal": [400, 500], "seed": 3}`` or
    ``{"uniform": [0.5, 2.0], "shape": [400, 500], "seed": 3}`` stands
    for (anything else is returned as it is): the large cases of lesson
    08's checks are drawn where they are used, on both sides of the
    grader's sandbox, rather than sent across it."""
    if not (isinstance(spec, dict) and "seed" in spec):
        return spec
    rng = np.random.default_rng(spec["seed"])
    if "uniform" in spec:
        low, high = spec["uniform"]
        return rng.uniform(low, high, size=tuple(spec["shape"]))
    return rng.normal(size=tuple(spec["normal"]))


def sampled(value, every):
    """A large array as ``{"shape", "every", "values"}``: its shape and
    every ``every``-th of its elements (``value`` itself when small or
    not an array). Lesson 08's large cases come back across the sandbox
    this way."""
    if (every and isinstance(value, np.ndarray) and value.size > 4 * every
            and value.dtype.kind in "biuf"):
        return {"shape": list(value.shape), "every": int(every),
                "values": value.ravel()[::every].astype(float)}
    return value


def _plain(value, Tensor, every=None):
    """``value`` as plain data: arrays, numbers, None, lists and tuples of
    them; anything else becomes a phrase such as ``"<a Tensor>"``; large
    arrays are :func:`sampled` when ``every`` is given."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return sampled(value.copy(), every)
        return f"<an array of dtype {value.dtype}>"
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return value.item()
    if isinstance(value, (list, tuple)) and len(value) <= 64:
        return type(value)(_plain(v, Tensor, every) for v in value)
    if isinstance(value, Tensor):
        return "<a Tensor>"
    return f"<a {type(value).__name__}>"


def plain_data_helpers(Tensor, namespace):
    """``(run_op, run_order, run_backward)``: the learner's engine, called
    with numbers and arrays and answering with numbers, arrays and lists.

    ``Tensor`` is the learner's class and ``namespace`` their notebook's
    globals (where ``topological_order`` lives). Lesson 08's locked helper
    cell calls it; the checks of that lesson and its hidden tests use the
    three functions, described in their docstrings.
    """

    def run_op(op, inputs, grad, every=None):
        """Apply operation ``op`` (a key of ``OPS``) to leaves made from
        ``inputs`` (arrays become ``Tensor(x)``; numbers stay numbers, so
        that ``2 * a`` promotes them), then call the result's backward
        function with ``grad``. An input or ``grad`` may be a
        :func:`random_array` spec; with ``every``, large arrays come back
        :func:`sampled`.

        Returns a dict: ``value`` (the result's data), ``parents`` (for
        each parent, the index of the input it holds, or -1),
        ``grads`` (what the backward function returned), ``changed``
        (whether any input's data changed) and ``grad_changed``
        (whether the backward function changed the array ``grad``).
        """
        inputs = [random_array(x) for x in inputs]
        args = [Tensor(x) if isinstance(x, np.ndarray) else x
                for x in inputs]
        before = [np.array(x, dtype=float) for x in inputs]
        out = OPS[op](*args)
        if not isinstance(out, Tensor):
            return {"error": f"returned {_plain(out, Tensor)!s}, not a "
                             "Tensor"}

        def which(parent):
            for k, arg in enumerate(args):
                if parent is arg:
                    return k
            for k, arg in enumerate(args):  # a number, promoted to a leaf
                if (not isinstance(arg, Tensor) and isinstance(
                        parent, Tensor) and not parent.parents
                        and parent.data.shape == ()
                        and parent.data == arg):
                    return k
            return -1

        report = {"value": _plain(out.data, Tensor, every),
                  "parents": [which(p) for p in out.parents]}
        if out._backward is None:
            report["grads"] = "<None: no backward function was recorded>"
        else:
            g = np.array(random_array(grad), dtype=float)
            kept = g.copy()
            report["grads"] = _plain(out._backward(g), Tensor, every)
            report["grad_changed"] = not np.array_equal(g, kept)
        report["changed"] = [
            isinstance(arg, Tensor) and not (
                arg.data.shape == old.shape
                and np.array_equal(arg.data, old))
            for arg, old in zip(args, before)]
        return report

    def build(nodes):
        """Tensors made from a plain description; a log of the backward
        functions called, and of the gradient each was handed."""
        tensors, log = [], {"calls": [], "seen": {}}

        def linear(index, coefficients):
            def backward(grad):
                log["calls"].append(index)
                log["seen"].setdefault(index, _plain(grad, Tensor))
                # a coefficient of 1 hands on grad itself, as a + b does
                return tuple(grad if np.ndim(c) == 0 and c == 1
                             else c * grad for c in coefficients)
            return backward

        for index, (kind, _name, parents, extra) in enumerate(nodes):
            ps = [tensors[j] for j in parents]
            extra = random_array(extra)
            if kind == "leaf":
                tensors.append(Tensor(extra))
                continue
            if kind == "dot":  # a one-element root: Σ w ⊙ parent
                extra = np.asarray(extra, dtype=float)
                value = np.sum(extra * ps[0].data)
                coefficients = [extra]
            else:  # "lin": Σ c_k · parent_k, each c_k a number
                value = sum(c * p.data for c, p in zip(extra, ps))
                coefficients = list(extra)
            tensors.append(Tensor(value, ps, linear(index, coefficients)))
        return tensors, log

    def index_of(tensors):
        ids = {id(t): i for i, t in enumerate(tensors)}
        return lambda t: ids.get(id(t), -1) if isinstance(t, Tensor) else (
            f"<a {type(t).__name__}>")

    def run_order(nodes):
        """Build the graph ``nodes`` (a list of ``(kind, name, parents,
        extra)``: ``("leaf", "x", [], array)``, ``("lin", "u", [0, 1],
        [2.0, 3.0])`` for u = 2·x0 + 3·x1, or ``("dot", "L", [2], w)`` for
        L = Σ w ⊙ t2) and return ``topological_order`` of its last node:
        ``{"order": [node indices, -1 for a tensor not in nodes]}``."""
        tensors, _ = build(nodes)
        order = namespace["topological_order"](tensors[-1])
        if not isinstance(order, (list, tuple)):
            return {"order": _plain(order, Tensor)}
        return {"order": [index_of(tensors)(t) for t in order]}

    def run_backward(nodes, order=None, calls=1, every=None):
        """Build the graph ``nodes`` (as for ``run_order``; a leaf's array
        may be a :func:`random_array` spec) and call ``backward()`` of its
        last node ``calls`` times. With ``order`` (node indices),
        ``topological_order`` answers that order for the root meanwhile,
        so that your backward is checked on its own; with ``every``, large
        arrays come back :func:`sampled`.

        Returns ``{"runs": [...]}``, one dict per call: ``grads`` (every
        node's .grad), ``calls`` (the nodes whose backward function ran, in
        order) and ``seen`` (the gradient each was first handed).
        """
        tensors, log = build(nodes)
        root = tensors[-1]
        own = namespace.get("topological_order")
        if order is not None:
            def given_order(t):
                if t is root:
                    return [tensors[i] for i in order]
                return own(t)
            namespace["topological_order"] = given_order
        runs = []
        try:
            for _ in range(calls):
                log["calls"], log["seen"] = [], {}
                root.backward()
                runs.append({
                    "grads": [_plain(t.grad, Tensor, every)
                              for t in tensors],
                    "calls": list(log["calls"]),
                    "seen": [sampled(log["seen"].get(i), every)
                             for i in range(len(nodes))]})
        finally:
            if order is not None:
                namespace["topological_order"] = own
        return {"runs": runs}

    for fn in (run_op, run_order, run_backward):
        fn.namespace = namespace
    return run_op, run_order, run_backward


# -- calling the learner's code from a check ----------------------------------

class _NotWrittenYet(CheckFailed, NotImplementedError):
    """An exercise that still raises NotImplementedError: a check failure
    shown as its message, and still a NotImplementedError for the course's
    notebook tests (a learner's blank exercise is expected there)."""


_NotWrittenYet.__name__ = "NotImplementedError"
#: Seconds a backward function may take on a check's large case, in a
#: notebook, and in the grader (where a right one takes milliseconds).
SLOW = 10.0
GRADER_SLOW = 3.0


def _line(exc):
    """The learner's line that raised ``exc``, as " at the line `...`"."""
    where = getattr(exc, "where", None)  # an error from the grader's sandbox
    if where:
        line = where[-1][1].strip()
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        line = (frames[-1].line or "").strip() if frames else ""
    return f" at the line `{line}`" if line else ""


def _attempt(call, what, advice="", slow=""):
    """``call()``, with the learner's errors turned into sentences.

    ``what`` names what was called ("the backward function of a * b");
    ``advice`` follows an error; ``slow`` is the message for a call that
    ran out of time (a backward pass written as finite differences).
    """
    try:
        return call()
    except CheckFailed:
        raise
    except NotImplementedError:
        raise _NotWrittenYet(
            f"{what}: not written yet, it still raises NotImplementedError."
            " Replace the `raise` line with your code.") from None
    except Exception as exc:  # the learner's code may raise anything
        kind = getattr(exc, "type_name", "") or type(exc).__name__
        if type(exc).__name__ == "LearnerTimeout" and slow:
            raise CheckFailed(slow) from None
        if type(exc).__name__ in ("LearnerTimeout", "LearnerCrash"):
            raise
        text = str(exc).strip()
        raise CheckFailed(
            f"{what} raised {kind}{_line(exc)}"
            + (f": {text}" if text else "") + "." + (
                f" {advice}" if advice else "")) from None


def _timed(call, what, seconds=SLOW):
    """``call()`` for a check's large case: a backward function that takes
    longer than ``seconds`` is computing finite differences."""
    limit = min(seconds, GRADER_SLOW) if checks.IN_GRADER else seconds
    slow = (f"{what} did not finish within {limit:g} s. Finite "
            "differences (perturbing one element at a time and running the "
            "forward computation again) cost one or two forward passes per "
            "element, far too slow for arrays of this size: a backward "
            "function costs about as much as the forward computation, "
            "whatever the number of elements. Use the formula of the "
            "local derivative.")
    return _attempt(lambda: time_limited(call, seconds, slow,
                                         in_grader=GRADER_SLOW),
                    what, slow=slow)


def _phrase(value):
    """A returned value that could not cross as data, in words."""
    if isinstance(value, str) and value.startswith("<"):
        return value[1:-1]
    return describe(value)


def _array(got, what, shape):
    """``got`` as a float array of ``shape``, or a failure saying why (of
    a :func:`sampled` array, its sampled values)."""
    if isinstance(got, dict) and "every" in got:
        if tuple(got["shape"]) != tuple(shape):
            _as_float_array(np.zeros(got["shape"]), what, tuple(shape))
        return np.asarray(got["values"], dtype=float)
    if isinstance(got, str) and got.startswith("<a Tensor"):
        raise CheckFailed(
            f"{what} is a Tensor; expected a NumPy array of shape {shape}. "
            "Backward functions work on arrays (grad, self.data, "
            "other.data), not on Tensors.")
    if isinstance(got, str):
        raise CheckFailed(f"{what} is {_phrase(got)}; expected a NumPy "
                          f"array of shape {shape}.")
    return _as_float_array(got, what, tuple(shape))


def _unsample(got, expected, what):
    """``(got, expected, pick)``: a :func:`sampled` array against the same
    elements of ``expected``; ``pick`` takes those elements of any array
    of ``expected``'s shape (for hints)."""
    expected = np.asarray(expected, dtype=float)
    if not (isinstance(got, dict) and "every" in got):
        return got, expected, lambda value: value
    shape = tuple(got["shape"])
    if shape != expected.shape:  # the message of a wrong shape
        _as_float_array(np.zeros(shape), what, expected.shape)

    def pick(value):
        value = np.asarray(value, dtype=float)
        return value.ravel()[::got["every"]] if value.shape == shape \
            else value

    return np.asarray(got["values"], dtype=float), pick(expected), pick


def _close(got, expected, what, hints=None, n=None, note=""):
    """A gradient against its expected value, to a relative 1e-7, with a
    diagnosis from ``hints`` ({diagnosis: what the mistake gives})."""
    try:
        got, expected, pick = _unsample(got, expected, what)
        arr = _array(got, what, expected.shape)
    except CheckFailed as exc:
        raise CheckFailed(f"{exc} {note}".strip()) from None
    try:
        assert_gradient_close(arr, expected, what, tol=1e-7, n=n)
    except CheckFailed as exc:
        # the expected gradient here is the right one, not a numerical one
        message = str(exc).replace("Compared with the numerical gradient, "
                                   "it", "It")
        for diagnosis, value in (hints or {}).items():
            value = pick(np.asarray(value, dtype=float))
            if value.shape == arr.shape and np.allclose(arr, value,
                                                        rtol=1e-7,
                                                        atol=1e-12):
                message += f" Your values match {diagnosis}"
                break
        raise CheckFailed(f"{message} {note}".strip()) from None


# -- operations: what a backward function must return -------------------------

def _names(inputs):
    """``a``, ``b``, or the number itself, for each input of an op."""
    letters = iter("ab")
    return [next(letters) if isinstance(x, np.ndarray) else f"{x:g}"
            for x in inputs]


def _expression(op, inputs):
    return FORMS[op].format(*_names(inputs))


def _shapes(inputs):
    return ", ".join(f"{n} of shape {x.shape}" for n, x in
                     zip(_names(inputs), inputs) if isinstance(x, np.ndarray))


def op_check(run_op, op, inputs, grad, value, grads, *, hints=None,
             n=None, note="", slow=False, every=None):
    """Run ``op`` through ``run_op`` and compare its value and every
    gradient its backward function returns with ``value`` and ``grads``
    (one per input, in order: ∂L/∂a, ∂L/∂b; for a number, the gradient of
    the leaf it was promoted to). ``hints``: ``{diagnosis: [mistaken
    gradient per input, or None]}``; ``slow``: a large case, where a call
    that runs out of time is finite differences; ``every``: large arrays
    come back :func:`sampled` (inputs may then be :func:`random_array`
    specs). Used by lesson 08's checks and hidden tests."""
    shown = [random_array(x) for x in inputs]
    where = f"{_expression(op, shown)} for {_shapes(shown)}"
    what = f"the backward function of {where}"
    call = lambda: run_op(op, inputs, grad, every=every)  # noqa: E731
    if slow:
        report = _timed(call, what)
    else:
        report = _attempt(call, what, advice=_advice(op))
    _check_report(report, op, shown, value, grads, where, hints, n, note)
    return report


def _advice(op):
    """Where to look after an error in ``op``'s backward function."""
    if op == "matmul":
        return ("For C = A @ B, ∂L/∂A = G @ Bᵀ has A's shape and ∂L/∂B = "
                "Aᵀ @ G has B's shape: check the transposes and the order "
                "of the factors.")
    if op in ("add", "sub", "mul"):
        return ("Each gradient must have its own input's shape: "
                "unbroadcast it.")
    return ""


def _check_report(report, op, inputs, value, grads, where, hints=None,
                  n=None, note=""):
    """The checks of one ``run_op`` report (see :func:`op_check`)."""
    if "error" in report:
        raise CheckFailed(f"{where} {report['error']}.")
    got, expected, _ = _unsample(report["value"], value,
                                 f"The value of {where}")
    assert_close(got, expected, f"The value of {where}")
    parents = report["parents"]
    if sorted(parents) != list(range(len(inputs))):
        raise CheckFailed(
            f"{where} records the parents {_parents(parents, inputs)}; "
            f"expected {', '.join(_names(inputs))}: the result's parents "
            "are exactly the operands, in any order.")
    got = report["grads"]
    what = f"the backward function of {where}"
    if not isinstance(got, (list, tuple)):
        raise CheckFailed(
            f"{what} returned {_phrase(got)}; expected a tuple with one "
            "gradient per parent" + (" (for one parent, a tuple of one: "
                                     "`return (g,)`, with the comma)."
                                     if len(inputs) == 1 else "."))
    if len(got) != len(parents):
        raise CheckFailed(
            f"{what} returned {len(got)} gradients for {len(parents)} "
            "parents: one per parent, in the order of .parents.")
    names = _names(inputs)
    result = np.shape(value)
    for position, k in enumerate(parents):
        shape = np.shape(grads[k])
        kept = got[position]
        kept = (tuple(kept["shape"]) if isinstance(kept, dict)
                and "every" in kept else np.shape(kept)
                if isinstance(kept, np.ndarray) else None)
        if kept == result != shape:
            raise CheckFailed(
                f"∂L/∂{names[k]} from {what} has the result's shape "
                f"{result}, not the shape {shape} of {names[k]}: "
                f"{names[k]} was broadcast, so sum its gradient back to its "
                f"own shape with unbroadcast. {note}".strip())
        mistakes = {d: v[k] for d, v in (hints or {}).items()
                    if v[k] is not None}
        _close(got[position], grads[k], f"∂L/∂{names[k]} from {what}",
               hints=mistakes, n=n, note=note)


def _parents(parents, inputs):
    names = _names(inputs)
    return "(" + ", ".join(names[k] if k >= 0 else "another tensor"
                           for k in parents) + ")"


def _unbroadcast_note(run_op):
    """In a notebook, blame the learner's unbroadcast when it fails its
    own checks (the grader stands a correct one in)."""
    import contextlib
    import io

    fn = getattr(run_op, "namespace", {}).get("unbroadcast")
    if not callable(fn):
        return ""
    with contextlib.redirect_stdout(io.StringIO()):  # no ✓ lines here
        return earlier_exercise("unbroadcast", lambda: (
            check_unbroadcast_added_axes(fn),
            check_unbroadcast_size_one_axes(fn)))


#: Large arrays come back from the sandbox as every EVERY-th element.
EVERY = 997


def _large_case(run_op, op, shapes, positive=False, seed=8):
    """A case large enough that finite differences take minutes: only the
    time and the shapes of the gradients are checked. (Not in the grader,
    whose hidden test starts with such a case, its values checked.)"""
    if checks.IN_GRADER:
        return None
    inputs = [{"uniform": [0.5, 2.0], "shape": list(s), "seed": seed + k}
              if positive else {"normal": list(s), "seed": seed + k}
              for k, s in enumerate(shapes)]
    grad = {"normal": list(_result_shape(op, shapes)), "seed": seed + 9}
    shown = [random_array(x) for x in inputs]
    what = (f"the backward function of {_expression(op, shown)} for "
            f"{_shapes(shown)}")
    report = _timed(lambda: run_op(op, inputs, grad, every=EVERY), what)
    got = report.get("grads")
    if isinstance(got, (list, tuple)) and len(got) == len(
            report.get("parents", ())):
        for position, k in enumerate(report["parents"]):
            if 0 <= k < len(shown):
                _array(got[position], f"∂L/∂{_names(shown)[k]} from {what}",
                       shown[k].shape)
    return report


def _result_shape(op, shapes):
    """The shape of ``op``'s result for operands of ``shapes``."""
    if op == "matmul":
        return (shapes[0][0], shapes[1][1])
    if op in ("sum", "mean"):
        return ()
    return np.broadcast_shapes(*shapes)


# The checks' inputs: a, b and their gradient G, all of shape (2, 3);
# ROW and COL broadcast against them.
A = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
B = np.array([[2.0, 1.0, -1.0], [0.5, 3.0, 2.0]])
G = np.array([[1.0, 2.0, -1.0], [0.5, 1.0, 3.0]])
ROW = np.array([1.0, -1.0, 2.0])
COL = np.array([[2.0], [-3.0]])
# Values tabulated once, offline, with an independent computation.
G_COLUMNS = [1.5, 3.0, 2.0]          # G summed over its rows
G_ROWS = [[2.0], [4.5]]              # G summed over its columns, kept
ADD_CASES = [  # (op, inputs, value, ∂L/∂ each input)
    ("add", [A, ROW], [[2.0, -3.0, 5.0], [1.5, 3.0, 1.0]], [G, G_COLUMNS]),
    ("add", [A, COL], [[3.0, 0.0, 5.0], [-2.5, 1.0, -4.0]], [G, G_ROWS]),
    ("add", [0.5, A], [[1.5, -1.5, 3.5], [1.0, 4.5, -0.5]], [6.5, G]),
    ("sub", [A, ROW], [[0.0, -1.0, 1.0], [-0.5, 5.0, -3.0]],
     [G, [-1.5, -3.0, -2.0]]),
    ("sub", [COL, A], [[1.0, 4.0, -1.0], [-3.5, -7.0, -2.0]],
     [G_ROWS, -G]),
    ("sub", [1.0, A], [[0.0, 3.0, -2.0], [0.5, -3.0, 2.0]], [6.5, -G]),
    ("neg", [A], -A, [-G]),
]
MUL_CASES = [
    ("mul", [A, B], [[2.0, -2.0, -3.0], [0.25, 12.0, -2.0]],
     [[[2.0, 2.0, 1.0], [0.25, 3.0, 6.0]],
      [[1.0, -4.0, -3.0], [0.25, 4.0, -3.0]]]),
    ("mul", [A, ROW], [[1.0, 2.0, 6.0], [0.5, -4.0, -2.0]],
     [[[1.0, -2.0, -2.0], [0.5, -1.0, 6.0]], [1.25, 0.0, -6.0]]),
    ("mul", [A, COL], [[2.0, -4.0, 6.0], [-1.5, -12.0, 3.0]],
     [[[2.0, 4.0, -2.0], [-1.5, -3.0, -9.0]], [[-6.0], [1.25]]]),
    ("mul", [2.0, A], [[2.0, -4.0, 6.0], [1.0, 8.0, -2.0]],
     [-4.75, [[2.0, 4.0, -2.0], [1.0, 2.0, 6.0]]]),
]
M = np.array([[1.0, 0.0], [-1.0, 2.0], [0.5, 1.0]])
GM = np.array([[1.0, -1.0], [2.0, 0.5]])
S1 = np.array([[1.0, 2.0], [-1.0, 0.5]])
S2 = np.array([[0.5, -1.0], [2.0, 1.0]])
GS = np.array([[1.0, 0.5], [-2.0, 1.0]])
MATMUL_CASES = [  # (inputs, grad, value, ∂L/∂a, ∂L/∂b, no transposes)
    ([A, M], GM, [[4.5, -1.0], [-4.0, 7.0]],
     [[1.0, -3.0, -0.5], [2.0, -1.0, 1.5]],
     [[2.0, -0.75], [6.0, 4.0], [1.0, -3.5]], [None, None]),
    ([S1, S2], GS, [[4.5, 1.0], [0.5, 1.5]],
     [[0.0, 2.5], [-2.0, -3.0]], [[3.0, -0.5], [1.0, 1.5]],
     [[[1.5, -0.5], [1.0, 3.0]], [[-3.0, 2.5], [-2.0, 0.0]]]),
]
Z = np.array([[-2.0, 0.0, 1.5], [3.0, -0.5, 0.25]])
SIGMOID_VALUE = [[0.11920292202211753, 0.5, 0.8175744761936437],
                 [0.9525741268224333, 0.3775406687981454,
                  0.5621765008857981]]
SIGMOID_GRAD = [[0.10499358540350649, 0.5, -0.14914645207033286],
                [0.02258832986545607, 0.2350037122015945,
                 0.7384022482127949]]
ZR = np.array([[-2.0, 0.5, 1.5], [3.0, -0.5, -0.25]])
RELU_VALUE = [[0.0, 0.5, 1.5], [3.0, 0.0, 0.0]]
RELU_GRAD = [[0.0, 2.0, -1.0], [0.5, 0.0, 0.0]]
EXP_VALUE = [[0.1353352832366127, 1.0, 4.4816890703380645],
             [20.085536923187668, 0.6065306597126334, 1.2840254166877414]]
EXP_GRAD = [[0.1353352832366127, 2.0, -4.4816890703380645],
            [10.042768461593834, 0.6065306597126334, 3.852076250063224]]
P = np.array([[0.5, 1.0, 2.0], [4.0, 0.25, 3.0]])
LOG_VALUE = [[-0.6931471805599453, 0.0, 0.6931471805599453],
             [1.3862943611198906, -1.3862943611198906, 1.0986122886681098]]
LOG_GRAD = [[2.0, 2.0, -0.5], [0.125, 4.0, 1.0]]

#: Sizes of the large cases: finite differences would take minutes on
#: this machine, a backward function milliseconds (see the grader proofs).
LARGE_ELEMENTWISE = (400, 500)
LARGE_MATMUL = ((250, 250), (250, 250))
LARGE_REDUCTION = (600, 500)


@check("the backward functions of a + b, a - b and -a are right")
def check_add_sub_neg_backward(run_op):
    """Check the backward functions of ``+``, ``-`` and negation through
    ``run_op``: same shapes, broadcast rows and columns, numbers."""
    note = _unbroadcast_note(run_op)
    for op, inputs, value, grads in ADD_CASES:
        op_check(run_op, op, inputs, G, value, grads, note=note,
                 hints={"the gradient with the wrong sign: ∂(a − b)/∂b is "
                        "−1.": [None, np.negative(grads[1]) if len(grads) > 1
                                else None]} if op == "sub" else None)
    _large_case(run_op, "sub", [LARGE_ELEMENTWISE, LARGE_ELEMENTWISE[1:]])


@check("the backward function of a * b is right")
def check_mul_backward(run_op):
    """Check the backward function of ``*`` through ``run_op``: same
    shapes, broadcast rows and columns, a number on the left."""
    note = _unbroadcast_note(run_op)
    op_check(run_op, "mul", [A, B], G, MUL_CASES[0][2], MUL_CASES[0][3],
             hints={"G times its own input: ∂(a·b)/∂a is b, the *other* "
                    "operand.": [G * A, G * B]})
    for op, inputs, value, grads in MUL_CASES[1:]:
        op_check(run_op, op, inputs, G, value, grads, note=note)
    _large_case(run_op, "mul", [LARGE_ELEMENTWISE, LARGE_ELEMENTWISE])


@check("the backward function of a @ b is right")
def check_matmul_backward(run_op):
    """Check the backward function of ``@`` through ``run_op``: a (2, 3)
    by (3, 2) product and a square one."""
    for inputs, grad, value, da, db, plain in MATMUL_CASES:
        op_check(run_op, "matmul", inputs, grad, value, [da, db],
                 hints={"the gradient without its transposes (G @ B or "
                        "A @ G): ∂L/∂A = G @ Bᵀ, ∂L/∂B = Aᵀ @ G.": plain})
    _large_case(run_op, "matmul", list(LARGE_MATMUL))


@check("the backward function of a.sigmoid() is right")
def check_sigmoid_backward(run_op):
    """Check the backward function of ``sigmoid`` through ``run_op``."""
    op_check(run_op, "sigmoid", [Z], G, SIGMOID_VALUE, [SIGMOID_GRAD],
             hints={"G · a(1 − a) with a the *input*: σ(1 − σ) needs the "
                    "output s = σ(a), which the forward pass kept.":
                    [G * Z * (1 - Z)],
                    "σ′ without G: multiply by grad, the gradient "
                    "arriving from above.": [
                        np.asarray(SIGMOID_GRAD) / G]})
    _large_case(run_op, "sigmoid", [LARGE_ELEMENTWISE])


@check("the backward function of a.relu() is right")
def check_relu_backward(run_op):
    """Check the backward function of ``relu`` through ``run_op``."""
    op_check(run_op, "relu", [ZR], G, RELU_VALUE, [RELU_GRAD],
             hints={"G · a: the slope of relu is 1 where a > 0 and 0 "
                    "elsewhere, not a itself.": [G * ZR],
                    "the slope without G: multiply by grad.": [
                        (ZR > 0).astype(float)]})
    _large_case(run_op, "relu", [LARGE_ELEMENTWISE])


@check("the backward functions of a.exp() and a.log() are right")
def check_exp_log_backward(run_op):
    """Check the backward functions of ``exp`` and ``log``."""
    op_check(run_op, "exp", [Z], G, EXP_VALUE, [EXP_GRAD],
             hints={"G · a: the slope of exp is exp(a), the output.":
                    [G * Z]})
    op_check(run_op, "log", [P], G, LOG_VALUE, [LOG_GRAD],
             hints={"G · log(a): the slope of log is 1/a.":
                    [G * np.asarray(LOG_VALUE)],
                    "G · a: the slope of log is 1/a.": [G * P]})
    _large_case(run_op, "exp", [LARGE_ELEMENTWISE])
    _large_case(run_op, "log", [LARGE_ELEMENTWISE], positive=True)


@check("the backward function of a.sum() is right")
def check_sum_backward(run_op):
    """Check the backward function of ``sum`` (over all elements)."""
    op_check(run_op, "sum", [A], np.array(2.0), 5.5, [np.full((2, 3), 2.0)])
    op_check(run_op, "sum", [ROW], np.array(-1.5), 2.0,
             [np.full(3, -1.5)])
    _large_case(run_op, "sum", [LARGE_REDUCTION])


@check("the backward function of a.mean() is right")
def check_mean_backward(run_op):
    """Check the backward function of ``mean`` (over all elements)."""
    missing = ("the gradient of the sum: the mean's 1/n is missing, n = "
               "a.size, the number of elements.")
    op_check(run_op, "mean", [A], np.array(3.0), 0.9166666666666666,
             [np.full((2, 3), 0.5)], hints={missing: [np.full((2, 3), 3.0)]})
    op_check(run_op, "mean", [ROW], np.array(-1.5), 2.0 / 3,
             [np.full(3, -0.5)], hints={missing: [np.full(3, -1.5)]})
    _large_case(run_op, "mean", [LARGE_REDUCTION])


#: One case of every operation, for the no-modification check.
UNCHANGED_CASES = [
    ("add", [A, ROW], G), ("sub", [A, COL], G), ("neg", [A], G),
    ("mul", [A, B], G), ("matmul", [A, M], GM), ("sigmoid", [Z], G),
    ("relu", [ZR], G), ("exp", [Z], G), ("log", [P], G),
    ("sum", [A], np.array(2.0)), ("mean", [A], np.array(3.0)),
]


def unchanged_check(run_op, cases, note=""):
    """Every operation of ``cases`` (``(op, inputs, grad)``) leaves its
    inputs' data and the gradient it is handed unchanged; its gradients
    only need the right shapes. ``note`` follows a failure for want of a
    working answer. Used by lesson 08's check and hidden test."""
    try:
        _unchanged(run_op, cases)
    except CheckFailed as exc:
        if "needs a working answer" in str(exc) and note:
            raise CheckFailed(f"{exc} {note}") from None
        raise


def _unchanged(run_op, cases):
    requirement = "that no operation changes its inputs"
    for op, inputs, grad in cases:
        where = f"{_expression(op, inputs)} for {_shapes(inputs)}"
        what = f"the backward function of {where}"
        report = _attempt(lambda: run_op(op, inputs, grad), what)
        got = report.get("grads")
        if ("error" in report or not isinstance(got, (list, tuple))
                or len(got) != len(inputs)):
            raise CheckFailed(
                f"{what} did not return one gradient per input. This test "
                f"checks {requirement}, and needs a working answer to do "
                "so.")
        for position, k in enumerate(report["parents"]):
            if 0 <= k < len(inputs) and isinstance(inputs[k], np.ndarray):
                name = f"∂L/∂{_names(inputs)[k]} from {what}"
                try:
                    arr = _array(got[position], name, inputs[k].shape)
                except CheckFailed as exc:
                    raise CheckFailed(
                        f"{exc} This test checks {requirement}, and needs a "
                        "working answer to do so.") from None
                assert_plausible(arr, name, shape=inputs[k].shape,
                                 requirement=requirement)
        for k, changed in enumerate(report["changed"]):
            if changed:
                raise CheckFailed(
                    f"{where} changed the data of its input "
                    f"{_names(inputs)[k]} in place. An operation must not "
                    "modify its inputs: the graph still needs their "
                    "values. Build new arrays (np.maximum(a, 0) rather "
                    "than a[a < 0] = 0).")
        if report.get("grad_changed"):
            raise CheckFailed(
                f"{what} changed the array grad it was handed. That array "
                "is the result's own .grad: compute new arrays (-grad, "
                "grad * s) instead of changing it in place (grad *= -1).")


@check("no operation changes its inputs or the gradient it is handed")
def check_ops_unchanged(run_op):
    """Check that no operation changes its inputs' data, forwards or
    backwards, nor the gradient its backward function is handed."""
    unchanged_check(run_op, UNCHANGED_CASES, note=_unbroadcast_note(run_op))


# -- unbroadcast --------------------------------------------------------------

U = np.arange(1.0, 7.0).reshape(3, 2)
U3 = np.arange(1.0, 13.0).reshape(2, 3, 2)
SQUARE = np.array([[1.0, 2.0], [3.0, 4.0]])


def unbroadcast_check(unbroadcast, grad, shape, expected, hints=None):
    """``unbroadcast(grad, shape)`` against ``expected``, leaving ``grad``
    as it was. Used by lesson 08's checks and hidden tests."""
    what = f"unbroadcast(grad, {tuple(shape)}) for grad of shape {grad.shape}"
    expected = np.asarray(expected, dtype=float)
    kept = grad.copy()
    got = _attempt(lambda: unbroadcast(grad, tuple(shape)), what)
    if (isinstance(got, np.ndarray) and got.ndim == expected.ndim - 1
            and got.size == expected.size and 1 in expected.shape):
        raise CheckFailed(
            f"{what} returned shape {got.shape}, expected shape "
            f"{expected.shape}: keep the summed axis of size 1 "
            "(sum(axis=..., keepdims=True)), so the gradient has the "
            "operand's shape.")
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        raise CheckFailed(
            f"{what} returned shape {got.shape}, expected shape "
            f"{expected.shape}: sum over the axes that broadcasting added "
            "(the leading ones) and over those where shape has a 1.")
    assert_close(got, expected, what, hints=hints)
    if not np.array_equal(grad, kept):
        raise CheckFailed(f"{what} changed grad in place: return a new "
                          "array.")


@check("unbroadcast sums the axes that broadcasting added")
def check_unbroadcast_added_axes(unbroadcast):
    """Check ``unbroadcast`` where broadcasting added leading axes, and
    where it did nothing."""
    wrong = "the sum over the last axis: NumPy adds missing axes at the "
    unbroadcast_check(unbroadcast, U.copy(), (2,), [9.0, 12.0])
    unbroadcast_check(unbroadcast, U3.copy(), (3, 2),
                      [[8.0, 10.0], [12.0, 14.0], [16.0, 18.0]])
    unbroadcast_check(unbroadcast, SQUARE.copy(), (2,), [4.0, 6.0],
                      hints={wrong + "front (on the left), so sum axis 0.":
                             [3.0, 7.0]})
    unbroadcast_check(unbroadcast, U.copy(), (), 21.0)
    unbroadcast_check(unbroadcast, U.copy(), (3, 2), U)


@check("unbroadcast sums the axes of size 1, keeping them")
def check_unbroadcast_size_one_axes(unbroadcast):
    """Check ``unbroadcast`` where an axis of size 1 was stretched."""
    unbroadcast_check(unbroadcast, U.copy(), (1, 2), [[9.0, 12.0]])
    unbroadcast_check(unbroadcast, U.copy(), (3, 1), [[3.0], [7.0], [11.0]])
    unbroadcast_check(unbroadcast, U3.copy(), (2, 1, 2),
                      [[[9.0, 12.0]], [[27.0, 30.0]]])
    unbroadcast_check(unbroadcast, U.copy(), (1, 1), [[21.0]])


# -- graphs for topological_order and backward --------------------------------
#
# A graph is a list of nodes (kind, name, parents, extra), as
# plain_data_helpers describes: leaves hold arrays, "lin" nodes are
# Σ c_k · parent_k, the root ("dot") is Σ w ⊙ parent. Their backward
# functions are those fixed linear maps, so a check of backward() does not
# depend on the lesson's operations.

def _leaf(name, values):
    return ("leaf", name, [], np.asarray(values, dtype=float))


#: The neuron of the worked example, as a graph: X, w, X @ w, + b, σ,
#: − y, d · d (d used twice), mean.
NEURON = [_leaf("X", [1.0, 2.0]), _leaf("w", [0.5, -1.0]),
          _leaf("b", [0.1, 0.1]), ("lin", "X@w", [0, 1], [1.0, 2.0]),
          ("lin", "z", [3, 2], [1.0, 1.0]), ("lin", "ŷ", [4], [0.5]),
          _leaf("y", [1.0, 0.0]), ("lin", "d", [5, 6], [1.0, -1.0]),
          ("lin", "d·d", [7, 7], [2.0, 3.0]), ("dot", "L", [8], [0.5, 0.5])]
#: A diamond: x feeds u and v, both feed s; a node off the root's path.
DIAMOND = [_leaf("x", [1.0, -1.0]), ("lin", "u", [0], [2.0]),
           ("lin", "off", [0], [5.0]), ("lin", "v", [0, 1], [1.0, 3.0]),
           ("lin", "s", [1, 3], [1.0, 1.0]), ("dot", "L", [4], [1.0, 2.0])]
#: Longer paths next to short ones: an order by depth from the root fails.
UNEVEN = [_leaf("a", [1.0]), _leaf("b", [2.0]), ("lin", "c", [0], [2.0]),
          ("lin", "d", [2], [-1.0]), ("lin", "e", [3, 1], [1.0, 1.0]),
          ("lin", "f", [4, 0], [3.0, 1.0]), ("lin", "g", [5, 2], [1.0, 2.0]),
          ("dot", "L", [6], [1.5])]
ORDER_GRAPHS = [NEURON, DIAMOND, UNEVEN]
#: Their ancestors (every node the root depends on) and a valid order.
ANCESTORS = [set(range(10)), {0, 1, 3, 4, 5}, set(range(8))]
ORDERS = [list(range(10)), [0, 1, 3, 4, 5], list(range(8))]


def node_shapes(nodes):
    """The shape of every node of a graph description."""
    shapes = []
    for kind, _name, parents, extra in nodes:
        shapes.append(np.shape(extra) if kind == "leaf" else
                      () if kind == "dot" else shapes[parents[0]])
    return shapes


def _label(nodes, index):
    if isinstance(index, int) and 0 <= index < len(nodes):
        return f"{nodes[index][1]} (node {index})"
    return "a tensor that is not in the graph"


def _order(run_order, nodes):
    """The learner's topological order of ``nodes``, as node indices."""
    what = f"topological_order(root) on the graph {_graph_name(nodes)}"
    report = _attempt(lambda: run_order(nodes), what)
    order = report.get("order")
    if not isinstance(order, list):
        raise CheckFailed(f"{what} returned {_phrase(order)}; expected a "
                          "list of Tensors.")
    return order, what


def _graph_name(nodes):
    names = [n[1] for n in nodes]
    if len(names) > 8:
        names = names[:4] + ["…"] + names[-3:]
    return "(" + ", ".join(names) + ")"


def order_complete_check(run_order, nodes, ancestors):
    """``topological_order`` lists every ancestor of the root of
    ``nodes`` (the root too) exactly once, and nothing else."""
    order, what = _order(run_order, nodes)
    seen = set()
    for index in order:
        if not isinstance(index, int) or index < 0:
            raise CheckFailed(
                f"{what} lists {_label(nodes, index)}: only the Tensors "
                "the root depends on belong in it.")
        if index in seen:
            raise CheckFailed(
                f"{what} lists {_label(nodes, index)} twice. Each tensor "
                "comes once, however many paths lead to it: keep a set of "
                "the tensors already visited and skip them.")
        seen.add(index)
    root = len(nodes) - 1
    if root not in seen:
        raise CheckFailed(f"{what} leaves out the root itself "
                          f"({_label(nodes, root)}): it comes last.")
    missing = sorted(ancestors - seen)
    if missing:
        raise CheckFailed(
            f"{what} leaves out {', '.join(_label(nodes, i) for i in missing)}"
            ": every tensor the root depends on belongs in the order, leaves "
            "included. Visit all parents of every tensor, recursively.")
    extra = sorted(seen - ancestors)
    if extra:
        raise CheckFailed(
            f"{what} lists {', '.join(_label(nodes, i) for i in extra)}, "
            "which the root does not depend on: follow .parents from the "
            "root only.")


def order_sorted_check(run_order, nodes):
    """Every node of ``topological_order`` comes after its parents (order
    of first appearances); the order must hold the root."""
    order, what = _order(run_order, nodes)
    first = {}
    for position, index in enumerate(order):
        if isinstance(index, int) and index >= 0:
            first.setdefault(index, position)
    root = len(nodes) - 1
    if root not in first:
        raise CheckFailed(
            f"{what} does not contain the root. This test checks that "
            "every tensor comes after its parents, and needs a working "
            "answer to do so.")
    for child, position in sorted(first.items(), key=lambda kv: kv[1]):
        for parent in nodes[child][2]:
            if parent in first and first[parent] > position:
                raise CheckFailed(
                    f"{what} puts {_label(nodes, child)} before its parent "
                    f"{_label(nodes, parent)}. Every tensor comes after all "
                    f"of its parents; otherwise backward, going through "
                    f"the order in reverse, runs the backward function of "
                    f"{nodes[parent][1]} before {nodes[child][1]} has added "
                    "its share to its gradient. Append a tensor after "
                    "visiting its parents (post-order), not before.")


@check("topological_order lists every tensor the root depends on, once")
def check_topological_order_complete(run_order):
    """Check that ``topological_order`` lists each ancestor of the root,
    the root included, exactly once, on three small graphs."""
    for nodes, ancestors in zip(ORDER_GRAPHS, ANCESTORS):
        order_complete_check(run_order, nodes, ancestors)


@check("topological_order puts every tensor after its parents")
def check_topological_order_sorted(run_order):
    """Check that ``topological_order`` puts every tensor after all of its
    parents, on three small graphs."""
    for nodes in ORDER_GRAPHS:
        order_sorted_check(run_order, nodes)


def backward_check(run_backward, nodes, order, expected, overwrite=None,
                   slow=False, every=None):
    """Run ``backward()`` on the graph ``nodes`` with ``order`` standing in
    for ``topological_order`` and compare every node's gradient with
    ``expected`` (one per node). ``overwrite``: what a backward that
    assigns instead of adding gives, for the message; ``slow``: a large
    graph, where a call that runs out of time is finite differences;
    ``every``: large arrays come back :func:`sampled`. Used by lesson 08's
    checks and hidden tests."""
    what = f"root.backward() on the graph {_graph_name(nodes)}"
    call = lambda: run_backward(nodes, order, 1, every)  # noqa: E731
    if slow:
        report = _timed(call, what)
    else:
        report = _attempt(call, what, advice=(
            "backward() may use only .data, .parents, ._backward and "
            ".grad of a tensor: the checks build tensors with "
            "Tensor(data, parents, backward) directly."))
    _gradients(report["runs"][0], nodes, expected, what, overwrite)


def twice_check(run_backward, nodes, order):
    """Call ``backward()`` twice on the graph ``nodes`` (``order`` standing
    in for ``topological_order``): the second call must give the gradients
    of the first. Only their shapes are checked on the first call, so a
    wrong gradient is not counted again here. Used by lesson 08's check
    and hidden test."""
    what = f"root.backward() on the graph {_graph_name(nodes)}"
    report = _attempt(lambda: run_backward(nodes, order, 2),
                      f"{what}, called twice")
    first, second = (run["grads"] for run in report["runs"])
    requirement = "that a second call gives the same gradients"
    for index, shape in enumerate(node_shapes(nodes)):
        name = f"the .grad of {_label(nodes, index)} after the first call"
        if first[index] is None:
            raise CheckFailed(f"{name} is None. This test checks "
                              f"{requirement}, and needs a working answer "
                              "to do so.")
        assert_plausible(_array(first[index], name, shape), name,
                         shape=shape, requirement=requirement)
    for index, (g1, g2) in enumerate(zip(first, second)):
        if not _same(g1, g2):
            raise CheckFailed(
                f"Called a second time, {what} gives other gradients: the "
                f".grad of {_label(nodes, index)} is {_brief(g2)} after the "
                f"second call, {_brief(g1)} after the first. Gradients "
                "start from zero on every call: reset every tensor's .grad "
                "at the start of backward, before adding anything.")


def _brief(value):
    if isinstance(value, dict) and "every" in value:
        return f"an array of shape {tuple(value['shape'])}"
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return _phrase(value)
    return np.array2string(arr, precision=6, threshold=6)


def _gradients(run, nodes, expected, what, overwrite=None):
    """The gradients of one call of backward, node by node, with the
    messages of the typical mistakes."""
    root = len(nodes) - 1
    grads, calls, seen = run["grads"], run["calls"], run["seen"]
    if grads[root] is None:
        raise CheckFailed(
            f"After {what}, the root's .grad is None: set it to 1 "
            "(d root / d root), an array of the root's shape, "
            "np.ones_like(self.data).")
    _close(grads[root], expected[root], f"the .grad of the root "
           f"({_label(nodes, root)}) after {what}",
           hints={"0: the root's gradient is 1, d root / d root.": 0.0})
    counts = {i: calls.count(i) for i in set(calls)}
    for index in range(len(nodes)):
        if nodes[index][0] != "leaf" and counts.get(index, 0) > 1:
            raise CheckFailed(
                f"{what} ran the backward function of {_label(nodes, index)} "
                f"{counts[index]} times: run each tensor's backward function "
                "once, in reverse topological order, with its whole "
                "gradient.")
    for index in reversed(range(len(nodes))):
        name = f"the .grad of {_label(nodes, index)} after {what}"
        got = grads[index]
        if got is None:
            raise CheckFailed(
                f"{name} is None: backward sets the .grad of every tensor "
                "the root depends on, leaves and intermediate tensors "
                "alike.")
        try:
            _close(got, expected[index], name,
                   hints={"a backward that assigns .grad where it should add"
                          ": a tensor used more than once gets one gradient "
                          "per use, and they add up (p.grad = p.grad + g)."
                          : overwrite[index]} if overwrite else None)
        except CheckFailed as exc:
            handed = seen[index]
            if (handed is not None and nodes[index][0] != "leaf"
                    and not _same(handed, got)):
                if _same(handed, expected[index]):
                    raise CheckFailed(
                        f"{exc} Its backward function was handed the right "
                        "gradient, which changed afterwards: does backward "
                        "add into an array in place (`p.grad += g`) that "
                        "another tensor's .grad also is? Write "
                        "`p.grad = p.grad + g`, or start every .grad from "
                        "its own np.zeros_like.") from None
                raise CheckFailed(
                    f"{exc} Its backward function ran before its gradient "
                    "was complete: a tensor's backward function runs after "
                    "those of all the tensors that use it (reverse "
                    "topological order).") from None
            raise


def _flat(value, like):
    """``value`` as an array comparable with ``like`` (either may be a
    :func:`sampled` array)."""
    if isinstance(value, dict) and "every" in value:
        return np.asarray(value["values"], dtype=float)
    value = np.asarray(value, dtype=float)
    if isinstance(like, dict) and "every" in like:
        return value.ravel()[::like["every"]]
    return value


def _same(a, b):
    """Whether two gradients agree (to rounding), shapes included."""
    try:
        a, b = _flat(a, b), _flat(b, a)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9,
                                                   atol=1e-12))


#: A tree: every tensor used once. u = 2a + 3b, v = u − c, L = Σ w ⊙ v.
TREE = [_leaf("a", [1.0, 2.0]), _leaf("b", [-1.0, 0.5]),
        ("lin", "u", [0, 1], [2.0, 3.0]), _leaf("c", [0.5, 0.5]),
        ("lin", "v", [2, 3], [1.0, -1.0]), ("dot", "L", [4], [1.0, 2.0])]
TREE_GRADS = [[2.0, 4.0], [3.0, 6.0], [1.0, 2.0], [-1.0, -2.0],
              [1.0, 2.0], 1.0]
#: x used twice by p and once more by q, and q used twice by r (as x·x).
SHARED = [_leaf("x", [1.0, -2.0]), _leaf("y", [0.5, 1.0]),
          ("lin", "p", [0, 1], [2.0, 1.0]), ("lin", "q", [2, 0], [1.0, 1.0]),
          ("lin", "r", [3, 3], [3.0, 1.0]), ("dot", "L", [4], [1.0, -1.0])]
SHARED_GRADS = [[12.0, -12.0], [4.0, -4.0], [4.0, -4.0], [4.0, -4.0],
                [1.0, -1.0], 1.0]
#: What a backward that assigns instead of adding gives, in this order.
SHARED_OVERWRITE = [[2.0, -2.0], [1.0, -1.0], [1.0, -1.0], [1.0, -1.0],
                    [1.0, -1.0], 1.0]


@check("backward gives every tensor its gradient (each used once)")
def check_backward_tree(run_backward):
    """Check ``backward`` on a graph where every tensor is used once, with
    a correct order standing in for your topological_order, and on a large
    graph (in time)."""
    backward_check(run_backward, TREE, list(range(6)), TREE_GRADS)
    if not checks.IN_GRADER:  # the hidden test starts with a large graph
        nodes, order, expected = _large_graph()
        backward_check(run_backward, nodes, order, expected, slow=True,
                       every=EVERY)


def _large_graph(size=40_000, seed=8):
    """A chain of five large tensors: L = Σ w ⊙ (2 x1 + … ), grads known."""
    rng = np.random.default_rng(seed)
    nodes = [_leaf(f"x{k}", rng.normal(size=size)) for k in range(5)]
    nodes.append(("lin", "s", [0, 1, 2, 3, 4], [1.0, 2.0, 3.0, 4.0, 5.0]))
    w = np.ones(size)
    nodes.append(("dot", "L", [5], w))
    expected = [k * w for k in (1.0, 2.0, 3.0, 4.0, 5.0)] + [w, 1.0]
    return nodes, list(range(7)), expected


@check("backward adds up the gradients of a tensor used more than once")
def check_backward_shared(run_backward):
    """Check ``backward`` on a graph where tensors are used twice (as in
    x · x), with a correct order standing in for your topological_order."""
    backward_check(run_backward, SHARED, list(range(6)), SHARED_GRADS,
                   overwrite=SHARED_OVERWRITE)


@check("a second call of backward gives the same gradients")
def check_backward_twice(run_backward):
    """Check that ``backward`` called twice gives the same gradients."""
    twice_check(run_backward, TREE, list(range(6)))
    twice_check(run_backward, SHARED, list(range(6)))


# -- figures ------------------------------------------------------------------

#: Operation names, from the function that defines a backward function.
OP_LABELS = {"__add__": "+", "__radd__": "+", "__sub__": "−",
             "__rsub__": "−", "__neg__": "neg", "__mul__": "×",
             "__rmul__": "×", "__matmul__": "@", "__rmatmul__": "@",
             "sigmoid": "σ", "relu": "relu", "exp": "exp", "log": "log",
             "sum": "sum", "mean": "mean"}


def _op_label(tensor):
    """The operation that made ``tensor``, read from the qualified name of
    its backward function (``Arithmetic.__mul__.<locals>.backward``)."""
    fn = getattr(tensor, "_backward", None)
    name = getattr(getattr(fn, "__func__", fn), "__qualname__", "") or ""
    for part in reversed(name.split(".<locals>")[0].split(".")):
        if part in OP_LABELS:
            return OP_LABELS[part]
    return "op"


def _short(value):
    """A tensor's value for a box: up to two numbers, else its shape."""
    arr = np.asarray(value, dtype=float)
    if arr.size == 1:
        text = f"{arr.item():.4g}"
    elif arr.size <= 2:
        text = "[" + ", ".join(f"{v:.4g}" for v in arr.ravel()) + "]"
    else:
        text = "×".join(map(str, arr.shape))
    return text.replace("-", "−")


def _layout(root):
    """The tensors ``root`` depends on (``root`` first), the edges
    ``(parent, child)`` between them (one per use), and each tensor's
    column (the root's is the largest; a tensor sits one column left of
    its leftmost consumer) and row."""
    nodes, index, stack = [], {}, [root]
    while stack and len(nodes) < 400:
        t = stack.pop()
        if id(t) not in index:
            index[id(t)] = len(nodes)
            nodes.append(t)
            stack.extend(t.parents)
    edges = [(index[id(p)], i) for i, t in enumerate(nodes)
             for p in t.parents if id(p) in index]
    consumers = {i: [] for i in range(len(nodes))}
    for p, c in edges:
        consumers[p].append(c)
    waiting = {i: len(set(consumers[i])) for i in consumers}
    distance, ready = {0: 0}, [0]
    while ready:  # a tensor's distance is known once its consumers' are
        i = ready.pop()
        for j in {index[id(p)] for p in nodes[i].parents}:
            distance[j] = max(distance.get(j, 0), distance[i] + 1)
            waiting[j] -= 1
            if waiting[j] == 0:
                ready.append(j)
    width = max(distance.values())
    column = {i: width - d for i, d in distance.items()}
    row = {0: 0.0}
    for col in range(width - 1, -1, -1):
        members = [i for i in column if column[i] == col]
        wish = {i: float(np.mean([row[c] for c in consumers[i] if c in row]
                                 or [0.0])) for i in members}
        members.sort(key=lambda i: (wish[i], i))
        centre = float(np.mean(list(wish.values())))
        for k, i in enumerate(members):
            row[i] = centre + 1.1 * (k - (len(members) - 1) / 2)
    return nodes, edges, column, row


def plot_graph(root, title="", ax=None, grads=True, **names):
    """Draw the computational graph the learner's engine recorded for
    ``root``: one box per Tensor, an arrow from each parent to its child
    (two for a tensor used twice, as in x · x), leaves on the left and the
    root on the right.

    ``names`` label tensors (``x=x, w=w``); other one-element leaves show
    their value, other tensors the operation that made them (read from the
    name of the function that defined their backward function). A box
    shows a tensor's value (up to two numbers) or its shape and, with
    ``grads``, in red, the gradient once backward has set it. Used in
    lesson 08. Returns the axes.
    """
    import matplotlib.pyplot as plt

    from coursetools.drawing import FAINT, axes, explain_failure, show_message

    labels = {id(t): name for name, t in names.items()}
    try:
        nodes, edges, column, row = _layout(root)
    except Exception as exc:  # a figure explains, never crashes
        ax = axes(ax, (7.0, 3.0))
        show_message(ax, explain_failure(
            exc, "Following .parents from the root",
            "Is this a Tensor of your engine?"))
        return ax
    width = max(column.values())
    spread = max(row.values()) - min(row.values())
    if ax is None:  # no layout engine: the axes fill the figure anyway
        _, ax = plt.subplots(figsize=(min(15.0, max(6.0, 1.2 * (width + 1))),
                                      max(2.6, 0.9 * spread + 1.9)))
        ax.set_position((0.0, 0.0, 1.0, 0.92))
    drawn = {}
    for p, c in edges:
        k = drawn[p, c] = drawn.get((p, c), -1) + 1
        # a tensor used twice by one operation: two arrows, side by side
        dy = 0.0 if edges.count((p, c)) == 1 else (0.09, -0.09)[k % 2]
        ax.annotate("", xy=(column[c] - 0.38, row[c] + dy),
                    xytext=(column[p] + 0.38, row[p] + dy),
                    arrowprops={"arrowstyle": "-|>", "color": FAINT,
                                "lw": 1.2, "shrinkA": 0, "shrinkB": 0})
    for i, t in enumerate(nodes):
        leaf = not t.parents
        name = labels.get(id(t))
        if name is None and leaf and t.data.size == 1:
            text = _short(t.data)
        else:
            text = (name or ("leaf" if leaf else _op_label(t))) + (
                "\n" + _short(t.data))
        colour = "#dbe9f6" if leaf else ("#fde0c5" if i == 0 else "white")
        ax.text(column[i], row[i], text, ha="center", va="center",
                fontsize=8.5, linespacing=1.25, zorder=3,
                bbox={"boxstyle": "round,pad=0.35", "facecolor": colour,
                      "edgecolor": "0.4"})
        grad = getattr(t, "grad", None)
        if grads and grad is not None:
            ax.text(column[i], row[i] - 0.33, "∂ " + _short(grad),
                    ha="center", va="top", fontsize=8, color="C3",
                    zorder=3)
    ax.set_xlim(-0.7, width + 0.7)
    ax.set_ylim(min(row.values()) - 0.8, max(row.values()) + 0.7)
    ax.set_axis_off()
    ax.set_title(title or f"The graph your engine built: {len(nodes)} "
                 f"tensors, {len(edges)} edges", fontsize=11)
    return ax


def plot_training(panels, title=""):
    """Curves side by side: ``panels`` maps a panel title to ``{label:
    values}`` (a value per epoch or step); a panel whose title contains
    "loss" is drawn on a log scale when its values span more than a factor
    of 20. Used in lesson 08 for XOR and the digits. Returns the axes."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogLocator

    fig, axs = plt.subplots(1, len(panels), figsize=(5.2 * len(panels),
                                                      3.6), squeeze=False)
    for ax, (name, curves) in zip(axs[0], panels.items()):
        for k, (label, values) in enumerate(curves.items()):
            # the first of several curves wide and pale, so that a second
            # one on top of it stays visible
            style = ({"lw": 4, "alpha": 0.35} if k == 0 and len(curves) > 1
                     else {"lw": 1.6})
            ax.plot(np.arange(1, len(values) + 1), values, label=label,
                    color=f"C{k}", **style)
        spread = [max(v) / min(v) for v in curves.values() if min(v) > 0]
        if "loss" in name.lower() and spread and max(spread) > 20:
            ax.set_yscale("log")
            ax.yaxis.set_minor_locator(LogLocator(subs=()))  # fast to draw
        ax.set_title(name)
        ax.set_xlabel("epoch")
        # a fixed place: "best" searches every point, slowly
        ax.legend(frameon=False, loc="upper right" if "loss" in name.lower()
                  else "lower right")
    if title:
        fig.suptitle(title)
    fig.subplots_adjust(wspace=0.25)
    return axs[0]


def cost_table(costs):
    """A table of ``costs``, ``{case: {method: seconds per gradient}}``:
    milliseconds per case and method, and each method's ratio to the
    first. Used in lesson 08. Returns the text (print it)."""
    cases = list(costs)
    methods = list(costs[cases[0]])
    ratios = [f"{m} / {methods[0]}" for m in methods[1:]]
    width = max(len(label) for label in methods + ratios) + 2
    lines = [" " * width + "".join(f"{case:>18}" for case in cases)]
    for method in methods:
        lines.append(f"{method:<{width}}" + "".join(
            f"{1e3 * costs[case][method]:15.3g} ms" for case in cases))
    for method, label in zip(methods[1:], ratios):
        lines.append(f"{label:<{width}}" + "".join(
            f"{costs[case][method] / costs[case][methods[0]]:17.1f}×"
            for case in cases))
    return "\n".join(lines)


__all__ += ["EVERY", "op_check", "random_array", "sampled",
            "unchanged_check", "unbroadcast_check",
            "order_complete_check", "order_sorted_check", "backward_check",
            "twice_check"]
