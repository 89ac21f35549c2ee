"""Lesson 05-multilayer-backprop: its visible checks, figures and widget.

The checks compare the learner's functions with numbers tabulated once
(with the grader's oracle, offline) for fixed networks, and with
properties (shapes, keys, inputs left unchanged, speed); they compute none
of the exercises, so nothing here can be pasted as an answer.
The hidden tests that grade the lesson live on the grader's side
(``autograder/hidden/lesson05.py``); they share this module's way of
comparing and explaining (:func:`compare_backward` and its kin).
"""

import time
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from coursetools import checks
from coursetools.checks import (
    CheckFailed,
    _as_float_array,
    assert_close,
    assert_gradients_close,
    assert_plausible,
    assert_unchanged,
    check,
    describe,
    earlier_exercise,
    show_failures_as_messages,
    time_limited,
)
from coursetools.drawing import (
    DPI,
    FAINT,
    Backdrop,
    axes,
    explain_failure,
    explorer,
    loss_history,
    message_png,
    offscreen_figure,
    show_message,
)

__all__ = [
    "check_dense_backward",
    "check_dense_backward_unchanged",
    "check_dense_forward",
    "check_dense_forward_unchanged",
    "check_mlp_backward_bce",
    "check_mlp_backward_depths",
    "check_mlp_backward_mse",
    "check_mlp_backward_unchanged",
    "check_mlp_forward",
    "check_mlp_forward_depths",
    "check_mlp_forward_unchanged",
    "plot_network",
    "XorFigure",
    "plot_xor_runs",
    "xor_explorer",
]

show_failures_as_messages()

#: Seconds a backward pass may take in a notebook on the large networks:
#: backpropagation takes milliseconds there and a version written with
#: Python loops about a second; finite differences take minutes.
#: (When a notebook is graded, every call has a limit of 10 s.)
SECONDS = 5.0


# -- the cases: fixed networks and what is compared ---------------------------

@dataclass
class Network:
    """A network to check on: ``params``, a batch ``X``, targets ``y`` and
    a ``loss``, with what is expected of it: the output ``y_hat``, the
    gradients ``grads`` (every element) or a ``sample`` of them
    (``((key, index, value), ...)``, for a network too large to
    tabulate), and ``other``, the gradients of the other loss (for a
    hint)."""

    params: dict
    X: np.ndarray
    y: np.ndarray = None
    loss: str = "bce"
    y_hat: np.ndarray = None
    grads: dict = None
    other: dict = None
    sample: tuple = ()

    def fresh(self):
        """Copies of X, params and y, so that a learner's function that
        changes them in place spoils nothing."""
        y = None if self.y is None else self.y.copy()
        return (self.X.copy(), {k: v.copy() for k, v in self.params.items()},
                y)

    @property
    def layers(self):
        return sum(1 for key in self.params if str(key).startswith("W"))

    @property
    def weights(self):
        return sum(int(np.size(v)) for v in self.params.values())

    @property
    def name(self):
        """``3 → 4 → 1 (2 layers)``."""
        count = self.layers
        sizes = [self.X.shape[1]] + [
            len(self.params[f"b{k}"]) for k in range(1, count + 1)]
        plural = "s" if count > 1 else ""
        return " → ".join(map(str, sizes)) + f" ({count} layer{plural})"


def _waves(size, phase, scale):
    return scale * np.sin(2.3 * np.arange(size) + phase)


def fixed_network(sizes, n, large=False):
    """``(params, X)`` for layers of the given ``sizes`` and ``n`` samples,
    from sines and cosines: the same numbers on every machine, no random
    generator. ``large`` scales the weights by 1/√fan_in, so that a wide
    layer's sigmoids do not saturate."""
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]),
                                              start=1):
        scale = 2.0 / np.sqrt(fan_in) if large else 1.5
        values = _waves((fan_in + 1) * fan_out, layer, scale)
        params[f"W{layer}"] = values[fan_out:].reshape(fan_in, fan_out)
        params[f"b{layer}"] = values[:fan_out] / 3
    X = np.cos(1.7 * np.arange(n * sizes[0])).reshape(n, sizes[0])
    return params, X


def fixed_targets(n, n_out):
    """Binary targets of shape ``(n, n_out)`` for the large networks."""
    return (np.sin(0.9 * np.arange(n * n_out)) > 0).astype(float).reshape(
        n, n_out)


def fixed_dense(n, fan_in, fan_out):
    """``(dZ, X, W)`` of the large dense_backward case."""
    X = np.cos(1.7 * np.arange(n * fan_in)).reshape(n, fan_in)
    W = _waves(fan_in * fan_out, 1.0, 1.0).reshape(fan_in, fan_out)
    dZ = _waves(n * fan_out, 2.0, 1.0 / n).reshape(n, fan_out)
    return dZ, X, W


def unflatten(sizes, values):
    """A dict ``{"W1", "b1", ...}`` of the shapes that layers of ``sizes``
    have, filled from the flat sequence ``values`` in that order."""
    values = np.asarray(values, dtype=float)
    out, start = {}, 0
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]),
                                              start=1):
        for key, shape in ((f"W{layer}", (fan_in, fan_out)),
                           (f"b{layer}", (fan_out,))):
            size = int(np.prod(shape))
            out[key] = values[start:start + size].reshape(shape)
            start += size
    if start != values.size:
        raise ValueError(f"{values.size} values for {start} parameters")
    return out


# -- comparing and explaining (shared with the hidden tests) -----------------

class TooSlow(CheckFailed):
    """A backward pass ran out of time on a large case (finite
    differences, most likely): notes on earlier exercises and on the
    number of layers do not apply."""


def explained(exc, extra, first=""):
    """A CheckFailed for ``exc`` (a failed check, or an error raised by a
    learner's function) with the sentence ``extra`` appended and
    ``first`` put before."""
    text = str(exc)
    if not isinstance(exc, CheckFailed):
        where = getattr(exc, "where", ())
        line = f" at the line `{where[-1][1].strip()}`" if where else ""
        function = getattr(exc, "function", "") or "it"
        text = (f"Calling `{function}` raised {type(exc).__name__}{line}: "
                f"{text}")
    return CheckFailed(" ".join(filter(None, [first, text, extra])))


def depth_advice(net):
    """What to say when a function passes for 2 layers but not for
    ``net``."""
    return (f"Your function passes for 2 layers but not for {net.name}: "
            "the number of layers comes from params. Does your code loop "
            "over W1, b1, W2, b2, ... however many there are?")


def with_note(run, note, depth_hint=None, first=None):
    """``run()``; a failure gets ``note()`` (a sentence blaming an earlier
    exercise, or "") and, with ``depth_hint`` (a Network), the advice that
    the number of layers comes from params; ``first()`` is a sentence to
    put before the failure (the cause, when an earlier exercise's result
    was wrong). ``NotImplementedError`` passes as it is: the exercise is
    not written yet."""
    try:
        return run()
    except (NotImplementedError, TooSlow):
        raise
    except Exception as exc:  # the learner's error, or a failed check
        extra = note() if note else ""
        if depth_hint is not None:
            extra = f"{extra} {depth_advice(depth_hint)}".strip()
        cause = first() if first else ""
        if not (extra or cause):
            raise
        raise explained(exc, extra, cause) from None


def forward_result(result, what):
    """``(y_hat, cache)`` from what mlp_forward returned, or a failure."""
    if not (isinstance(result, tuple) and len(result) == 2):
        raise CheckFailed(f"{what} returned {describe(result)}; expected a "
                          "tuple (y_hat, cache).")
    return result


def output_of(result):
    """ŷ from what mlp_forward returned: the first of a pair, or a bare
    array (its own values test counts a missing cache, not the depth or
    unchanged tests)."""
    if isinstance(result, tuple) and len(result) == 2:
        return result[0]
    return result


def forward_mistakes(no_last, no_hidden):
    """Hints for mlp_forward: what a missing sigmoid gives."""
    return {
        "the output without its sigmoid: is σ missing on the output "
        "layer? σ comes after every layer.": no_last,
        "a network without the sigmoid on its hidden layers.": no_hidden,
    }


def forward_note(result, net):
    """A sentence blaming mlp_forward when its ŷ for ``net`` is wrong,
    else ""."""
    if net.y_hat is None:
        return ""
    try:
        y_hat = forward_result(result, "mlp_forward")[0]
        assert_close(y_hat, net.y_hat, "ŷ")
    except CheckFailed:
        return (f"Your `mlp_forward` gives a wrong ŷ for the network "
                f"{net.name}, and this test needs its cache: fix "
                "`mlp_forward` first (its own test says how), then run this "
                "test again. With that cache:")
    return ""


def backward_hints(net):
    """What typical mistakes of mlp_backward give, from the expected
    gradients (factors of N) and the other loss's gradients."""
    N = net.y.size
    hints = {}
    if net.other is not None:
        other = {"bce": "MSE", "mse": "BCE"}[net.loss]
        hints[f"the gradients of the {other} loss: is the loss argument "
              "ignored?"] = net.other
    hints["a sum, not a mean: is the 1/N missing? N = y.size, the number "
          "of elements of ŷ."] = {k: v * N for k, v in net.grads.items()}
    hints["a mean taken twice: is 1/N applied twice?"] = {
        k: v / N for k, v in net.grads.items()}
    if net.y.shape[1] > 1:
        hints["a mean over the samples only: the mean is over all y.size = "
              "n_samples × n_outputs elements of ŷ."] = {
                  k: v * net.y.shape[1] for k, v in net.grads.items()}
    return hints


def backward_advice(net):
    """``explain(wrong_keys)`` for assert_gradients_close: where to look,
    from which gradients are wrong."""
    count = net.layers

    def advice(wrong):
        if {f"W{count}", f"b{count}"} & set(wrong):
            start = {"bce": "(ŷ − y) / N",
                     "mse": "2(ŷ − y) / N · ŷ(1 − ŷ)"}[net.loss]
            return (f"Start at the output layer: for this loss, ∂L/∂Z of "
                    f"the last layer is {start}, with N = y.size, the "
                    "number of elements of ŷ.")
        return ("The last layer's gradients are right: look at how ∂L/∂Z "
                "passes back through a layer: ∂L/∂A = ∂L/∂Z Wᵀ, then "
                "times σ′ = A(1 − A), with A that layer's output.")

    return advice


def backward_what(net):
    return (f'mlp_backward(y, cache, params, loss="{net.loss}") for a '
            f"network {net.name} and {len(net.X)} samples")


def gradients_form(grads, params, what):
    """Fail unless ``grads`` is a dict with the keys of ``params``, each
    an array of its parameter's shape."""
    if not isinstance(grads, dict):
        raise CheckFailed(f"{what} returned {describe(grads)}; expected a "
                          f"dict with the keys {sorted(params)}.")
    if set(grads) != set(params):
        raise CheckFailed(
            f"{what} returned a dict with the keys {sorted(map(str, grads))}"
            f", expected the keys {sorted(params)}: one gradient for each, "
            "under the same name as what it differentiates.")
    for key, value in params.items():
        _as_float_array(grads[key], f"grads[{key!r}]", np.shape(value))


def compare_backward(grads, net, what):
    """Check mlp_backward's ``grads`` for ``net``: every element against
    ``net.grads``, or the tabulated ``net.sample``; name every wrong
    gradient, the right ones, and a diagnosis."""
    if net.grads is not None:
        assert_gradients_close(
            grads, net.grads, what, hints=backward_hints(net),
            explain=backward_advice(net),
            n=len(net.y) if net.y.shape[1] == 1 else None)
        return
    gradients_form(grads, net.params, what)
    keys = sorted({key for key, _, _ in net.sample})
    got = {k: np.array([grads[k][i] for key, i, _ in net.sample if key == k],
                       dtype=float) for k in keys}
    expected = {k: np.array([v for key, _, v in net.sample if key == k])
                for k in keys}
    assert_gradients_close(got, expected, what,
                           label="grads[{key!r}] (sampled elements)",
                           explain=backward_advice(net))


def too_slow(function, size, passes):
    """Why a backward pass that ran out of time scores nothing."""
    return (f"{function} did not finish in time for {size}. "
            "Backpropagation costs a small multiple of one forward pass, "
            "whatever the number of weights: milliseconds here. Finite "
            f"differences need one or two forward passes per weight, "
            f"{passes} of them, and take minutes. Compute the gradients "
            "with the backward pass of this lesson (∂L/∂Z at the output, "
            "then back through the layers).")


def backward_case(mlp_forward, mlp_backward, net, run, note=None,
                  depth_hint=None):
    """One network through the learner's mlp_forward and mlp_backward:
    the gradients compared with what ``net`` expects. ``run(call)`` makes
    the call of mlp_backward (with a time limit); ``note()`` may blame an
    earlier exercise; with ``depth_hint``, a failure adds that the number
    of layers comes from params."""
    state = {}

    def go():
        X, params, y = net.fresh()
        result = state["result"] = mlp_forward(X, params)
        cache = forward_result(result, "mlp_forward(X, params)")[1]
        what = backward_what(net)
        grads = run(lambda: mlp_backward(y, cache, params, loss=net.loss))
        compare_backward(grads, net, what)

    with_note(go, note, depth_hint,
              first=lambda: forward_note(state.get("result"), net))


def plausible_array(value, what, size, requirement):
    """``value`` if it is a finite array of ``size`` numbers, in whatever
    shape (a wrong shape is its values test's business): the guard of a
    test of a secondary requirement (see :func:`assert_plausible`)."""
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)
    return assert_plausible(value, what, shape=(int(size),),
                            requirement=requirement)


def gradient_values(grads, what):
    """The arrays of mlp_backward's answer, for a test that does not judge
    its keys or shapes: the values of a dict (or the items of a list)."""
    if isinstance(grads, dict) and grads:
        return list(grads.values())
    if isinstance(grads, (list, tuple)) and grads:
        return list(grads)
    raise CheckFailed(f"{what} returned {describe(grads)}; expected a dict "
                      "of gradients.")


class Implausible(CheckFailed):
    """What came back is no attempt at the exercise for this input (None,
    a wrong shape, zeros everywhere): a test of a secondary requirement
    cannot judge it."""


def attempt(check, requirement):
    """``check()``, whose failure means that the answer is implausible
    for a test of ``requirement``: it raises :class:`Implausible`."""
    try:
        check()
    except Implausible:
        raise
    except CheckFailed as exc:
        text = str(exc)
        if "needs a working answer" not in text:
            text += (f" This test checks {requirement}, and needs a "
                     "working answer to do so.")
        raise Implausible(text) from None


def each_case(checks_):
    """Run every ``check()`` of a test of a secondary requirement (an
    input left unchanged). A case on which the learner's function raises
    an error or gives an implausible answer, which its values tests
    count, is left out, as long as one case remains to check; a failed
    check of the requirement, a time-out and an exercise not written yet
    count at once. A check that returns False (a large case, there to
    time the call) is no case judged."""
    first, done = None, 0
    for run in checks_:
        try:
            judged = run() is not False
        except NotImplementedError:
            raise
        except CheckFailed as exc:
            if not isinstance(exc, Implausible):
                raise
            first = first or exc
        except Exception as exc:  # the learner's error: see the docstring
            first = first or exc
        else:
            done += judged
    if not done:
        raise first or CheckFailed("No case could be checked.")


def backward_unchanged(mlp_forward, mlp_backward, net, run, plausible=True):
    """mlp_backward leaves y and params unchanged, and gives the same
    gradients when called again with the same cache. ``plausible``: the
    answer must also be a dict of finite arrays, not all zero (not asked
    of a large case, which is there to time the call); its keys and
    shapes are the values tests' business."""
    requirement = "that y, params and the cache are left unchanged"
    X, params, y = net.fresh()
    result = mlp_forward(X, params)
    state = {}
    attempt(lambda: state.update(cache=forward_result(
        result, "mlp_forward(X, params)")[1]), requirement)
    cache = state["cache"]
    what = backward_what(net)
    grads = run(lambda: assert_unchanged(
        lambda **a: mlp_backward(a["y"], cache, a["params"], loss=net.loss),
        what=what, y=y, params=params))

    def looks_right():
        values = [plausible_array(v, f"a gradient of {what}", np.size(v),
                                  requirement)
                  for v in gradient_values(grads, what)]
        if not any(np.any(v != 0) for v in values):
            raise CheckFailed(f"{what} returned zeros for every gradient.")

    if plausible:
        attempt(looks_right, requirement)
    elif not passes(looks_right):
        return False
    again = run(lambda: mlp_backward(y, cache, params, loss=net.loss))
    try:
        pairs = (zip(grads.values(), (again[k] for k in grads))
                 if isinstance(grads, dict) else zip(grads, again))
        same = len(again) == len(grads) and all(
            np.array_equal(a, b) for a, b in pairs)
    except (TypeError, KeyError, IndexError):
        same = False
    if not same:
        raise CheckFailed(
            f"Called a second time with the same cache, {what} gave other "
            "gradients: does it change the cache in place (for example "
            "`dZ -= y` on an array of the cache)? Compute new arrays "
            "instead, such as `dZ = y_hat - y`.")
    return plausible


def dense_backward_case(dense_backward, dZ, X, W, expected, run, hints=None,
                        sample=()):
    """dense_backward's (dX, dW, db) against ``expected`` (a dict), or the
    tabulated ``sample`` (``((key, index, value), ...)``)."""
    what = (f"dense_backward(dZ, X, W) for dZ of shape {dZ.shape}, X of "
            f"shape {X.shape}, W of shape {W.shape}")
    got = run(lambda: dense_backward(dZ.copy(), X.copy(), W.copy()))
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        raise CheckFailed(f"{what} returned {describe(got)}; expected a "
                          "tuple (dX, dW, db).")
    got = dict(zip(["dX", "dW", "db"], got))
    if expected is None:  # a large case: its shapes, then a sample
        for key, shape in (("dX", X.shape), ("dW", W.shape),
                           ("db", W.shape[1:])):
            _as_float_array(got[key], key, shape)
        keys = ("dX", "dW", "db")
        expected = {k: np.array([v for key, _, v in sample if key == k])
                    for k in keys}
        got = {k: np.array([got[k][i] for key, i, _ in sample if key == k],
                           dtype=float) for k in keys}
    assert_gradients_close(got, expected, what, n=len(X), label="{key}",
                           hints=hints)


def dense_backward_mistakes(dZ, X, W, expected):
    """What some typical mistakes give, for one of the three."""
    n = len(X)
    found = {
        "dZ.mean(axis=0): db sums dZ over the samples; the mean's 1/n is "
        "in dZ already.": {"db": expected["db"] / n},
        "X.T @ dZ / n: the mean's 1/n is in dZ already.": {
            "dW": expected["dW"] / n},
    }
    if X.shape[1] == n:  # then X @ dZ has dW's shape
        found["X @ dZ: is the transpose missing? dW = Xᵀ dZ."] = {
            "dW": X @ dZ}
    if W.shape[0] == W.shape[1]:  # then dZ @ W has dX's shape
        found["dZ @ W: is the transpose missing? dX = dZ Wᵀ."] = {
            "dX": dZ @ W}
    return found


def dense_backward_unchanged(dense_backward, dZ, X, W, run, plausible=True):
    """dense_backward leaves dZ, X and W unchanged. ``plausible``: it
    must also return three finite arrays of the right sizes, not all zero
    (not asked of the large case, which is there to time the call)."""
    what = (f"dense_backward(dZ, X, W) for dZ of shape {dZ.shape}, X of "
            f"shape {X.shape}, W of shape {W.shape}")
    requirement = "that dZ, X and W are left unchanged"
    got = run(lambda: assert_unchanged(dense_backward, dZ.copy(), X.copy(),
                                       W.copy(), what=what))

    def looks_right():
        if not (isinstance(got, (tuple, list)) and len(got) == 3):
            raise CheckFailed(f"{what} returned {describe(got)}; expected "
                              "a tuple (dX, dW, db).")
        values = [plausible_array(value, f"{name} of {what}", np.prod(shape),
                                  requirement)
                  for value, name, shape in zip(
                      got, ("dX", "dW", "db"), (X.shape, W.shape,
                                                W.shape[1:]))]
        if not any(np.any(v != 0) for v in values):
            raise CheckFailed(f"{what} returned zeros for dX, dW and db.")

    if not plausible:
        return False
    attempt(looks_right, requirement)


def dense_forward_unchanged(dense_forward, X, W, b):
    """dense_forward leaves X, W and b unchanged."""
    what = (f"dense_forward(X, W, b) for X of shape {X.shape}, W of "
            f"shape {W.shape}")
    got = assert_unchanged(dense_forward, X.copy(), W.copy(), b.copy(),
                           what=what)
    requirement = "that X, W and b are left unchanged"
    attempt(lambda: plausible_array(got, what, len(X) * W.shape[1],
                                    requirement), requirement)


def mlp_forward_unchanged(mlp_forward, net):
    """mlp_forward leaves X and params unchanged."""
    X, params, _ = net.fresh()
    what = f"mlp_forward(X, params) for a network {net.name}"
    result = assert_unchanged(mlp_forward, X, params, what=what)
    requirement = "that X and params are left unchanged"

    def looks_right():
        y_hat = plausible_array(output_of(result), f"ŷ of {what}",
                                net.y_hat.size, requirement)
        if np.ptp(y_hat) == 0:
            raise CheckFailed(f"ŷ of {what} is the same number for every "
                              "sample and output.")

    attempt(looks_right, requirement)


def mlp_forward_case(mlp_forward, net, hints=None, note=None,
                     depth_hint=None, pair=True):
    """mlp_forward's ŷ for ``net`` against ``net.y_hat``; ``pair``: the
    result must be the tuple (y_hat, cache) (the depth test asks only
    for ŷ)."""
    def go():
        X, params, _ = net.fresh()
        what = f"mlp_forward(X, params) for a network {net.name}"
        result = mlp_forward(X, params)
        y_hat = forward_result(result, what)[0] if pair else output_of(
            result)
        assert_close(y_hat, net.y_hat, f"ŷ of {what}", hints=hints)

    with_note(go, note, depth_hint)


def passes(run):
    """Whether ``run()`` passes (for a hint: "passes for 2 layers")."""
    try:
        run()
    except Exception:  # any failure: the depth is not the (only) problem
        return False
    return True


# -- the notebook's side: time limits, notes on earlier exercises ------------

def timed(function, size, passes):
    """``run(call)`` for a large case in a notebook: at most SECONDS. In
    the grader, every call has its own limit, and the hidden tests time
    the large cases with their own message: there the large visible
    case is left out (``None``)."""
    if checks.IN_GRADER:
        return None
    message = too_slow(function, size, passes)

    def run(call):
        try:
            return time_limited(call, SECONDS, message)
        except CheckFailed as exc:
            if str(exc) == message:  # the time limit, not a check inside
                raise TooSlow(message) from None
            raise

    return run


def time_backward(mlp_backward, y, cache, params):
    """The seconds one call ``mlp_backward(y, cache, params)`` takes, or
    ``None`` when it runs out of :func:`timed`'s time (finite differences,
    most likely): then it is stopped, and its message printed, so that the
    lesson goes on instead of waiting minutes."""
    weights = sum(np.size(value) for value in params.values())
    run = timed("mlp_backward", f"a network of {weights:,} weights",
                f"{weights:,}") or untimed
    start = time.perf_counter()
    try:
        run(lambda: mlp_backward(y, cache, params))
    except TooSlow as exc:
        print(exc)
        return None
    return time.perf_counter() - start


def untimed(call):
    return call()


def _earlier(fn, name, test):
    """A note blaming the learner's ``name`` (found beside ``fn`` in the
    notebook) when it fails its own visible checks; "" in the grader,
    where a correct one stands in for it."""
    earlier = getattr(fn, "__globals__", {}).get(name)
    if not callable(earlier):
        return ""
    return earlier_exercise(name, lambda: test.__wrapped__(earlier))


# -- the inputs of the small cases --------------------------------------------

#: dense_forward: X, W, b; the second with as many samples as units, so
#: that adding b as a column, ``b[:, None]``, runs (and is caught)
DENSE_FORWARD = (
    (np.array([[1.0, 0.5, -1.0], [0.0, 2.0, 1.0]]),
     np.array([[0.5, -1.0, 0.0, 2.0], [1.0, 0.5, -0.5, 0.0],
               [-0.5, 0.0, 1.0, 1.5]]),
     np.array([0.1, -0.2, 0.3, 0.0])),
    (np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.0]]),
     np.array([[0.5, 1.0, -1.0], [2.0, 0.0, 0.5]]),
     np.array([0.3, -0.1, 0.2])),
)
#: dense_backward: dZ, X, W; the second square, so that the missing
#: transposes X @ dZ and dZ @ W run (and are caught)
DENSE_BACKWARD = (
    (np.array([[0.1, -0.2], [0.3, 0.0], [-0.1, 0.2], [0.05, 0.1]]),
     np.array([[1.0, 0.5, -1.0], [0.0, 2.0, 1.0], [-1.5, 0.5, 0.5],
               [2.0, -1.0, 0.0]]),
     np.array([[0.5, -1.0], [1.0, 0.5], [-0.5, 2.0]])),
    (np.array([[0.2, -0.1, 0.0], [0.1, 0.3, -0.2], [-0.3, 0.1, 0.4]]),
     np.array([[1.0, -0.5, 2.0], [0.5, 1.5, -1.0], [-1.0, 0.0, 0.5]]),
     np.array([[0.5, -1.0, 1.5], [2.0, 0.5, -0.5], [-1.0, 1.0, 0.0]])),
)
#: the large dense_backward case: n, fan_in, fan_out (200,000 weights)
DENSE_LARGE = (2, 500, 400)


# -- tabulated values (computed once with the grader's oracle) ---------------

#: dense_forward's Z for DENSE_FORWARD
DENSE_FORWARD_Z = (
    np.array([[1.6, -0.95, -0.95, 0.5], [1.6, 0.8, 0.3, 1.5]]),
    np.array([
        -1.2, 0.9, -1.3, 4.55, 0.4, 0.7, -0.45, -1.6, 1.7,
    ]).reshape(3, 3),
)

#: what X @ W, X @ W − b (and X @ W + b[:, None]) give
DENSE_FORWARD_MISTAKES = (
    (np.array([[1.5, -0.75, -1.25, 0.5], [1.5, 1, 0, 1.5]]),
     np.array([
            1.4, -0.55, -1.55, 0.5, 1.4, 1.2, -0.3, 1.5,
        ]).reshape(2, 4)),
    (np.array([
            -1.5, 1, -1.5, 4.25, 0.5, 0.5, -0.75, -1.5, 1.5,
        ]).reshape(3, 3),
     np.array([
            -1.8, 1.1, -1.7, 3.95, 0.6, 0.3, -1.05, -1.4, 1.3,
        ]).reshape(3, 3),
     np.array([
            -1.2, 1.3, -1.2, 4.15, 0.4, 0.4, -0.55, -1.3, 1.7,
        ]).reshape(3, 3)),
)

# mlp_forward: two layers (ŷ, and what a missing sigmoid gives)

FORWARD_2A = Network(
    *fixed_network([3, 4, 1], 5),
    y_hat=np.array([
        0.428495596433, 0.1956281643, 0.167142289008, 0.331517156136,
        0.586828046873,
    ]).reshape(5, 1))
FORWARD_2A_MISTAKES = forward_mistakes(
    np.array([
        -0.287991727202, -1.41384590798, -1.60601733281, -0.701331171247,
        0.350867983727,
    ]).reshape(5, 1),
    np.array([
        0.676023136511, 0.00828613471153, 0.00314128745838, 0.273542812479,
        0.973771540824,
    ]).reshape(5, 1))

FORWARD_2B = Network(
    *fixed_network([2, 3, 2], 4),
    y_hat=np.array([
        0.596093587442, 0.535156853642, 0.420451761517, 0.499074044042,
        0.515034838438, 0.590029694623, 0.520234095784, 0.455903783459,
    ]).reshape(4, 2))
FORWARD_2B_MISTAKES = forward_mistakes(
    np.array([
        0.389214481607, 0.140859859283, -0.320919145005, -0.00370382806815,
        0.0601574893003, 0.364088134337, 0.0809806090856, -0.176844313795,
    ]).reshape(4, 2),
    np.array([
        0.938767891017, 0.566049197798, 0.405424640118, 0.373412179015,
        0.768375963936, 0.744929814869, 0.777797320212, 0.2282765451,
    ]).reshape(4, 2))

# mlp_forward: one, three and four layers

FORWARD_1 = Network(
    *fixed_network([3, 2], 3),
    y_hat=np.array([
        0.177405838814, 0.945804878091, 0.173405530716, 0.784084839928,
        0.706174256731, 0.121035291543,
    ]).reshape(3, 2))

FORWARD_3 = Network(
    *fixed_network([3, 4, 3, 1], 2),
    y_hat=np.array([[0.315864906818], [0.307339870953]]))

FORWARD_4 = Network(
    *fixed_network([2, 3, 2, 2, 1], 3),
    y_hat=np.array([
        0.541995430783, 0.546427523032, 0.550829345002,
    ]).reshape(3, 1))

# mlp_backward: ŷ, the gradients, and those of the other loss

BACKWARD_BCE = Network(
    *fixed_network([3, 4, 1], 5),
    y=np.array([[1.0], [0.0], [0.0], [1.0], [1.0]]), loss='bce',
    y_hat=np.array([
        0.428495596433, 0.1956281643, 0.167142289008, 0.331517156136,
        0.586828046873,
    ]).reshape(5, 1),
    grads=unflatten([3, 4, 1], [
        0.00241678084006, -0.00195148138206, -0.000362501034929,
        -0.000690719931143, -0.0572280786278, 0.0203949621002, 0.0248658859114,
        -0.0500382914526, 0.0123302648606, -0.0033040757739, -0.00604516395601,
        0.0135850366464, 0.0888615665798, -0.0264350401881, -0.0475454540744,
        0.100142457356, -0.113962453155, -0.0962671076731, -0.18249168128,
        -0.0895595979226, -0.25807774945,
    ]),
    other=unflatten([3, 4, 1], [
        0.00261916516723, -0.00119633218542, -0.000844670578617,
        0.00138943114983, -0.0246561405587, 0.00851395923015, 0.0106976203043,
        -0.0219293712349, 0.00373445075589, -0.000997621357504,
        -0.00191198837794, 0.00426152634414, 0.0447572671967, -0.0138262130641,
        -0.0234922245601, 0.0489374094128, -0.0623344609502, -0.0531648853142,
        -0.0874775173494, -0.0524055286867, -0.133690467754,
    ]))

BACKWARD_MSE = Network(
    *fixed_network([2, 3, 2], 4),
    y=np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0], [0.2, 0.9]]), loss='mse',
    y_hat=np.array([
        0.596093587442, 0.535156853642, 0.420451761517, 0.499074044042,
        0.515034838438, 0.590029694623, 0.520234095784, 0.455903783459,
    ]).reshape(4, 2),
    grads=unflatten([2, 3, 2], [
        0.00359143161105, 0.00749217810398, -0.00795794636861,
        -0.00218490471379, -0.00134027903373, 0.00320038158729,
        -0.00231900831237, -0.0169403251195, 0.00347935289308, 0.0124629110706,
        -0.00546203059056, 0.0131351030674, -0.0129005841273, 0.00969207563883,
        -0.0111916655204, 0.0229847692621, -0.0191084689387,
    ]),
    other=unflatten([2, 3, 2], [
        0.00697517764996, 0.0151833886529, -0.0157126117869, -0.00428286893629,
        -0.00252928491623, 0.00627723360318, -0.00505361123049,
        -0.0338233634594, 0.00740382827919, 0.0233228878883, -0.0121059308403,
        0.0256489726936, -0.026660272651, 0.0186124375102, -0.0230043413585,
        0.0439767853976, -0.0399794530293,
    ]))

BACKWARD_1 = Network(
    *fixed_network([3, 2], 3),
    y=np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]), loss='mse',
    y_hat=np.array([
        0.177405838814, 0.945804878091, 0.173405530716, 0.784084839928,
        0.706174256731, 0.121035291543,
    ]).reshape(3, 2),
    grads=unflatten([3, 2], [
        -0.0223675318313, 0.0551480654583, -0.0036159739748, 0.0118848365763,
        0.0232993285076, -0.0582106569752, -0.0520516393796, 0.0292376767292,
    ]),
    other=unflatten([3, 2], [
        -0.0911968490022, 0.31166429943, 0.00429622881663, -0.0218514013065,
        0.0900897581437, -0.306033433928, -0.15716906229, 0.141820834927,
    ]))

BACKWARD_3 = Network(
    *fixed_network([3, 4, 3, 1], 4),
    y=np.array([[1.0], [0.0], [1.0], [0.0]]), loss='bce',
    y_hat=np.array([
        0.315864906818, 0.307339870953, 0.309163659922, 0.318482322413,
    ]).reshape(4, 1),
    grads=unflatten([3, 4, 3, 1], [
        0.0220844154845, 0.00604232764891, -0.00637571085178, -0.025048804737,
        0.00357228105788, 0.00448376264869, -0.00249269425936,
        -0.00341768885208, -0.0230049529772, -0.00719774391093,
        0.00701805071434, 0.0259295055206, 0.0210910188492, 0.0127510525745,
        -0.00736153964439, -0.0181324336632, 0.0320999272579, -0.0227861969273,
        0.00537227008397, 0.0342119606696, -0.0252853113614, 0.00608069523075,
        0.0132643429818, -0.00952752112672, 0.00236320754068, 0.0379233244641,
        -0.0272175107273, 0.00642536647787, 0.056043243769, -0.0406090731508,
        0.00972016183507, -0.0745070838662, -0.0342326728618, -0.171849225755,
        -0.187287309974,
    ]),
    other=unflatten([3, 4, 3, 1], [
        0.00963615726073, 0.00266495180828, -0.00278366495906,
        -0.0108919581398, 0.0015400219666, 0.00192131820291, -0.00106856938221,
        -0.00147097459011, -0.0100330039637, -0.00316005435275,
        0.0030590235224, 0.0112710120942, 0.00907691194695, 0.00547597285444,
        -0.00316041913605, -0.00779755606114, 0.0137380483286,
        -0.00975067932703, 0.0022997307739, 0.0147445495082, -0.0108966824837,
        0.00262054954852, 0.00567638247686, -0.00407675434727,
        0.00101213174515, 0.0162640230929, -0.0116720717959, 0.00275615579522,
        0.0240652070741, -0.0174374325739, 0.00417503758069, -0.0319970701242,
        -0.014699717939, -0.0737854131917, -0.0804166828393,
    ]))

# large networks: a sample of the gradients

LARGE_BCE = Network(
    *fixed_network([400, 250, 1], 8, large=True),
    y=fixed_targets(8, 1), loss='bce', sample=(
        ('W1', (133, 83), 0.00401956862396),
        ('W1', (266, 167), -0.00907226767298),
        ('W1', (290, 216), 0.0099069860986),
        ('W1', (399, 249), -0.00860495569132),
        ('b1', (83,), -0.00050556687899),
        ('b1', (167,), 0.00111889453562),
        ('b1', (216,), 0.00121898959043),
        ('b1', (249,), 0.00106299980899),
        ('W2', (83, 0), -0.0142565257479),
        ('W2', (167, 0), -0.0260429222236),
        ('W2', (235, 0), -0.0279043584939),
        ('W2', (249, 0), -0.0254603164263),
        ('b2', (0,), -0.0391287637431),
    ))

LARGE_MSE = Network(
    *fixed_network([400, 250, 2], 8, large=True),
    y=fixed_targets(8, 2), loss='mse', sample=(
        ('W1', (133, 83), 0.000286886447408),
        ('W1', (182, 38), -0.00151440281945),
        ('W1', (266, 167), -0.000426183297912),
        ('W1', (399, 249), -0.000439953152558),
        ('b1', (83,), -0.00102377740505),
        ('b1', (167,), 0.00101587970247),
        ('b1', (247,), -0.00110341077058),
        ('b1', (249,), 0.00108312148864),
        ('W2', (83, 0), 0.000556420964201),
        ('W2', (167, 0), 0.00162645697538),
        ('W2', (244, 1), -0.0173333434081),
        ('W2', (249, 1), -0.0170406178945),
        ('b2', (0,), 0.00208203192851),
        ('b2', (1,), -0.0335266434979),
    ))

LARGE_DEEP = Network(
    *fixed_network([256, 256, 128, 64, 1], 8, large=True),
    y=fixed_targets(8, 1), loss='bce', sample=(
        ('W1', (85, 85), -0.000161423218959),
        ('W1', (170, 171), 0.000223895633293),
        ('W1', (186, 122), -0.000538716913759),
        ('W1', (255, 255), -1.20961411507e-05),
        ('b1', (85,), 7.38387354106e-06),
        ('b1', (171,), -5.72536434701e-06),
        ('b1', (222,), 4.21892966568e-05),
        ('b1', (255,), 1.50675456268e-06),
        ('W2', (85, 42), -0.000948325408284),
        ('W2', (85, 47), -0.00147561136059),
        ('W2', (170, 86), 0.000515836894056),
        ('W2', (255, 127), -0.000100682760793),
        ('b2', (42,), -0.000335756984423),
        ('b2', (47,), -0.000524507037841),
        ('b2', (86,), 0.000232658273885),
        ('b2', (127,), -0.000135545630331),
        ('W3', (41, 28), -0.000219054817595),
        ('W3', (42, 42), -0.000115364519648),
        ('W3', (85, 22), -7.28825102172e-05),
        ('W3', (127, 63), -6.09388378098e-05),
        ('b3', (21,), 0.000347723865472),
        ('b3', (28,), -0.000374100285348),
        ('b3', (43,), 0.000373785135366),
        ('b3', (63,), -0.000146880726688),
        ('W4', (21, 0), -0.00297078813655),
        ('W4', (41, 0), -0.00304429927408),
        ('W4', (43, 0), -0.00298715714599),
        ('W4', (63, 0), -0.00304152661403),
        ('b4', (0,), -0.00598619414244),
    ))

#: dense_backward's dX, dW, db for DENSE_BACKWARD
DENSE_BACKWARD_GRADS = (
    {'dX': np.array([
            0.25, 0, -0.45, 0.15, 0.3, -0.15, -0.25, 0, 0.45, -0.075, 0.1,
            0.175,
        ]).reshape(4, 3),
     'dW': np.array([[0.35, -0.3], [0.55, -0.1], [0.15, 0.3]]),
     'db': np.array([0.35, 0.1])},
    {'dX': np.array([
            0.2, 0.35, -0.3, -0.55, 0.45, 0.2, 0.35, -0.75, 0.4,
        ]).reshape(3, 3),
     'dW': np.array([
            0.55, -0.05, -0.5, 0.05, 0.5, -0.3, 0.15, -0.45, 0.4,
        ]).reshape(3, 3),
     'db': np.array([0, 0.3, 0.2])},
)

#: a sample of dense_backward's gradients for the large case
DENSE_LARGE_SAMPLE = (
    ('dX', (0, 333), -95.265295781),
    ('dX', (1, 167), 99.6347696675),
    ('dX', (1, 354), 100.15219906),
    ('dX', (1, 499), -12.3221797142),
    ('dW', (166, 266), -0.288207832658),
    ('dW', (333, 134), 0.64848889723),
    ('dW', (370, 213), 0.751104517129),
    ('dW', (499, 399), 0.480253414159),
    ('db', (133,), 0.235154075508),
    ('db', (185,), 0.240929792284),
    ('db', (267,), 0.239615077096),
    ('db', (399,), -0.124041135403),
)


# -- the visible checks ------------------------------------------------------

def _dense_forward_hints(index, X, b):
    no_bias, minus_b, *per_row = DENSE_FORWARD_MISTAKES[index]
    hints = {"X @ W: is the bias b missing?": no_bias,
             "X @ W − b: is the bias subtracted?": minus_b}
    if per_row:
        hints["X @ W + b[:, None]: b added per sample (row), not per unit "
              "(column)? Add b as it is: NumPy repeats it for every row."
              ] = per_row[0]
    return hints


@check("dense_forward computes X @ W + b")
def check_dense_forward(dense_forward):
    """Check ``dense_forward`` on two tabulated layers."""
    for index, ((X, W, b), Z) in enumerate(zip(DENSE_FORWARD,
                                               DENSE_FORWARD_Z)):
        what = (f"dense_forward(X, W, b) for X of shape {X.shape}, W of "
                f"shape {W.shape}")
        assert_close(dense_forward(X.copy(), W.copy(), b.copy()), Z, what,
                     hints=_dense_forward_hints(index, X, b))


@check("dense_forward leaves X, W and b unchanged")
def check_dense_forward_unchanged(dense_forward):
    """Check that ``dense_forward`` leaves its inputs unchanged."""
    each_case([lambda X=X, W=W, b=b: dense_forward_unchanged(
        dense_forward, X, W, b) for X, W, b in DENSE_FORWARD])


def _dense_forward_note(mlp_forward):
    return _earlier(mlp_forward, "dense_forward", check_dense_forward)


@check("mlp_forward runs networks of two layers")
def check_mlp_forward(mlp_forward):
    """Check ``mlp_forward``'s ŷ, and that it returns (y_hat, cache), for
    two tabulated networks of two layers."""
    for net, hints in ((FORWARD_2A, FORWARD_2A_MISTAKES),
                       (FORWARD_2B, FORWARD_2B_MISTAKES)):
        mlp_forward_case(mlp_forward, net, hints=hints,
                         note=lambda: _dense_forward_note(mlp_forward))


@check("mlp_forward runs networks of any depth")
def check_mlp_forward_depths(mlp_forward):
    """Check ``mlp_forward``'s ŷ for tabulated networks of one, three and
    four layers."""
    two = passes(lambda: mlp_forward_case(mlp_forward, FORWARD_2A,
                                          pair=False))
    for net in (FORWARD_1, FORWARD_3, FORWARD_4):
        mlp_forward_case(mlp_forward, net, pair=False,
                         note=lambda: _dense_forward_note(mlp_forward),
                         depth_hint=net if two else None)


@check("mlp_forward leaves X and params unchanged")
def check_mlp_forward_unchanged(mlp_forward):
    """Check that ``mlp_forward`` leaves X and params unchanged (on
    networks with more inputs than outputs, so that ŷ = X is no
    answer)."""
    each_case([lambda net=net: mlp_forward_unchanged(mlp_forward, net)
               for net in (FORWARD_2A, FORWARD_1)])


def _dense_large():
    """The large case of dense_backward, and how to time it."""
    n, fan_in, fan_out = DENSE_LARGE
    size = (f"dZ of shape {(n, fan_out)}, X of shape {(n, fan_in)} and W "
            f"of shape {(fan_in, fan_out)}")
    count = f"{n * fan_in + fan_in * fan_out + fan_out:,}"
    return fixed_dense(n, fan_in, fan_out), timed("dense_backward", size,
                                                  count)


@check("dense_backward gives dX, dW and db")
def check_dense_backward(dense_backward):
    """Check ``dense_backward`` on two tabulated layers, then on a large
    one (200,000 weights) against a sample of its gradients, within
    SECONDS (5 s)."""
    for (dZ, X, W), expected in zip(DENSE_BACKWARD, DENSE_BACKWARD_GRADS):
        dense_backward_case(dense_backward, dZ, X, W, expected, untimed,
                            hints=dense_backward_mistakes(dZ, X, W,
                                                          expected))
    (dZ, X, W), run = _dense_large()
    if run is not None:
        dense_backward_case(dense_backward, dZ, X, W, None, run,
                            sample=DENSE_LARGE_SAMPLE)


@check("dense_backward leaves dZ, X and W unchanged")
def check_dense_backward_unchanged(dense_backward):
    """Check that ``dense_backward`` leaves its inputs unchanged, on the
    small layers and the large one."""
    cases = [lambda case=case: dense_backward_unchanged(
        dense_backward, *case, untimed) for case in DENSE_BACKWARD]
    (dZ, X, W), run = _dense_large()
    if run is not None:
        cases.append(lambda: dense_backward_unchanged(
            dense_backward, dZ, X, W, run, plausible=False))
    each_case(cases)


def _backward_note(mlp_backward):
    return _earlier(mlp_backward, "dense_backward", check_dense_backward)


def _large(net):
    """How to time a large network's backward pass (None in the grader)."""
    size = f"a network {net.name} of {net.weights:,} weights"
    return timed("mlp_backward", size, f"{net.weights:,}")


def _backward_checks(mlp_forward, mlp_backward, small, large,
                     depth_hint=None):
    note = lambda: _backward_note(mlp_backward)  # noqa: E731
    for net in small:
        backward_case(mlp_forward, mlp_backward, net, untimed, note=note,
                      depth_hint=net if depth_hint else None)
    run = _large(large)
    if run is not None:
        backward_case(mlp_forward, mlp_backward, large, run, note=note,
                      depth_hint=large if depth_hint else None)


@check("mlp_backward gives the gradients of the cross-entropy")
def check_mlp_backward_bce(mlp_forward, mlp_backward):
    """Check every gradient of the mean cross-entropy for a tabulated
    network of two layers, then for one of 100,501 weights (a sample),
    within SECONDS (5 s)."""
    _backward_checks(mlp_forward, mlp_backward, [BACKWARD_BCE], LARGE_BCE)


@check("mlp_backward gives the gradients of the squared error")
def check_mlp_backward_mse(mlp_forward, mlp_backward):
    """Check every gradient of the mean squared error for a tabulated
    network of two layers and two outputs, then for one of 100,752
    weights (a sample), within SECONDS (5 s)."""
    _backward_checks(mlp_forward, mlp_backward, [BACKWARD_MSE], LARGE_MSE)


@check("mlp_backward works for any number of layers")
def check_mlp_backward_depths(mlp_forward, mlp_backward):
    """Check mlp_backward for tabulated networks of one and three layers,
    then for one of four layers and 107,009 weights (a sample), within
    SECONDS (5 s)."""
    two = passes(lambda: backward_case(mlp_forward, mlp_backward,
                                       BACKWARD_BCE, untimed))
    _backward_checks(mlp_forward, mlp_backward, [BACKWARD_1, BACKWARD_3],
                     LARGE_DEEP, depth_hint=two)


@check("mlp_backward leaves y, params and the cache unchanged")
def check_mlp_backward_unchanged(mlp_forward, mlp_backward):
    """Check that ``mlp_backward`` leaves y and params unchanged and gives
    the same gradients when called again with the same cache."""
    cases = [lambda net=net: backward_unchanged(
        mlp_forward, mlp_backward, net, untimed)
        for net in (BACKWARD_BCE, BACKWARD_MSE)]
    run = _large(LARGE_BCE)
    if run is not None:
        cases.append(lambda: backward_unchanged(
            mlp_forward, mlp_backward, LARGE_BCE, run, plausible=False))
    each_case(cases)


# -- figures and the widget --------------------------------------------------

def _layer_name(index, count):
    """The label under layer ``index`` of ``count`` (0 is the input)."""
    if index == 0:
        return "input", "X"
    if index == count - 1:
        return "output", f"ŷ = A{index}"
    return f"hidden layer {index}", f"A{index}"


def plot_network(layer_sizes=(3, 4, 3, 1), backward=False, ax=None):
    """Draw a fully connected network: one circle per unit, one line per
    weight, the shape of every layer's output and of every W and b, and an
    arrow for the forward pass (with ``backward``, one for the backward
    pass too).

    Returns the axes.
    Used in lesson 05-multilayer-backprop.
    """
    from matplotlib.patches import Circle, FancyArrowPatch

    sizes = [int(s) for s in layer_sizes]
    ax = axes(ax, (2.1 * len(sizes) + 1.0, 4.4))
    ax.set_aspect("equal")
    ax.set_axis_off()
    gap, radius = 2.6, 0.3
    tallest = max(sizes)
    spots = [[(gap * i, (size - 1) / 2 - j) for j in range(size)]
             for i, size in enumerate(sizes)]
    for left, right in zip(spots[:-1], spots[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color="0.7", lw=0.9,
                        zorder=1)
    last = len(sizes) - 1
    for i, layer in enumerate(spots):
        face = "#e8e8e8" if i == 0 else ("#ffd9a8" if i == last
                                         else "#cfe3f5")
        edge = "0.4" if i == 0 else ("C1" if i == last else "C0")
        for j, (x, y) in enumerate(layer):
            ax.add_patch(Circle((x, y), radius, facecolor=face,
                                edgecolor=edge, lw=1.5, zorder=2))
            text = (f"x{j + 1}" if i == 0 else "ŷ" if i == last else "σ")
            if i == 0:
                text = f"$x_{j + 1}$"
            ax.text(x, y, text, ha="center", va="center", fontsize=11,
                    zorder=3)
        title, name = _layer_name(i, len(sizes))
        bottom = -(tallest - 1) / 2 - 0.65
        ax.text(gap * i, bottom, f"{title}\n{name}: (n, {sizes[i]})",
                ha="center", va="top", fontsize=10)
    top = (tallest - 1) / 2 + 0.55
    for i in range(1, len(sizes)):
        ax.text(gap * (i - 0.5), top,
                f"W{i}: ({sizes[i - 1]}, {sizes[i]})\nb{i}: ({sizes[i]},)",
                ha="center", va="bottom", fontsize=10, color="0.25")
    span = (-0.5, gap * last + 0.5)
    arrow = {"arrowstyle": "-|>", "mutation_scale": 16, "lw": 2}
    high = top + 1.05
    ax.add_patch(FancyArrowPatch((span[0], high), (span[1], high),
                                 color="C0", **arrow))
    ax.text(sum(span) / 2, high + 0.12, "forward pass: Z = A W + b, "
            "A = σ(Z), layer after layer", ha="center", va="bottom",
            color="C0", fontsize=10.5)
    low = -(tallest - 1) / 2 - 1.75
    if backward:
        ax.add_patch(FancyArrowPatch((span[1], low), (span[0], low),
                                     color="C3", **arrow))
        chain = " → ".join(f"∂L/∂Z{i}" for i in range(last, 0, -1))
        ax.text(sum(span) / 2, low - 0.12,
                f"backward pass: {chain}\n(and each layer's ∂L/∂W, ∂L/∂b "
                "on the way)", ha="center", va="top", color="C3",
                fontsize=10.5)
    ax.set_xlim(span[0] - 0.6, span[1] + 0.6)
    ax.set_ylim(low - 0.9 if backward else low + 0.5, high + 0.6)
    return ax


def _xor_grid(limits=(-0.5, 1.5), steps=121):
    """A square grid of points around the unit square, shape (steps², 2)."""
    t = np.linspace(*limits, steps)
    g0, g1 = np.meshgrid(t, t)
    return t, np.column_stack([g0.ravel(), g1.ravel()])


#: ŷ's bands in the decision-boundary panels: 0, 0.1, ..., 1
XOR_LEVELS = np.linspace(0.0, 1.0, 11)


def _xor_colours():
    """The bands' colour map and norm: red near ŷ = 1, blue near 0 (the
    ends of RdBu_r left out, too dark for the points on them)."""
    from matplotlib.colors import BoundaryNorm, ListedColormap

    middles = (XOR_LEVELS[:-1] + XOR_LEVELS[1:]) / 2
    colours = plt.get_cmap("RdBu_r")((middles + 0.15) / 1.3)
    return (ListedColormap(colours),
            BoundaryNorm(XOR_LEVELS, len(middles)))


def _xor_outputs(mlp_forward, params, X):
    """The learner's network over the plane and at the data points:
    ``(surface, fit, None)``, or ``(None, None, message)``."""
    t, grid = _xor_grid()
    try:
        out = np.asarray(mlp_forward(grid, params)[0], dtype=float)
        if out.size != grid.shape[0]:
            raise ValueError(f"ŷ has shape {out.shape}, expected "
                             f"({grid.shape[0]}, 1)")
        fit = np.asarray(mlp_forward(X, params)[0], dtype=float).ravel()
    except NotImplementedError:
        return None, None, ("Write mlp_forward above first,\n"
                            "then run this cell again.")
    except Exception as exc:  # explain a learner's mistake, do not crash
        return None, None, explain_failure(exc, "mlp_forward", width=50)
    return out.reshape(t.size, t.size), fit, None


def _xor_axes(ax, X, y):
    """A panel's parts that do not depend on the network: the data
    points (returned), limits, ticks, labels."""
    t, _ = _xor_grid()
    labels = np.asarray(y, dtype=float).ravel()
    points = []
    for value, marker, color, name in ((1.0, "o", "C3", "y = 1"),
                                       (0.0, "s", "C0", "y = 0")):
        mask = labels == value
        points.append(ax.scatter(X[mask, 0], X[mask, 1], s=150,
                                 marker=marker, c=color, edgecolors="k",
                                 linewidths=1.5, zorder=3, label=name))
    ax.set_xlim(t[0], t[-1])
    ax.set_ylim(t[0], t[-1])
    ax.set_xticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_yticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return points


def _xor_network(ax, surface, fit, X, y, title, image=None):
    """A panel's parts that show the network: its output ŷ as bands
    (into ``image`` when given, an imshow to reuse), the boundary
    ŷ = 0.5, ŷ at each point and a title; returns the artists added."""
    t, _ = _xor_grid()
    if image is None:
        cmap, norm = _xor_colours()
        image = ax.imshow(surface, origin="lower", cmap=cmap, norm=norm,
                          extent=(t[0], t[-1], t[0], t[-1]), alpha=0.85,
                          interpolation="bilinear",
                          interpolation_stage="data", zorder=0)
    else:
        image.set_data(surface)
    drawn = [image]
    flat = np.ptp(surface) < 0.05  # a 0.5 contour here would be noise
    if not flat:
        drawn.append(ax.contour(t, t, surface, levels=[0.5], colors="k",
                                linewidths=2))
    for (x0, x1), p in zip(X, fit):
        drawn.append(ax.annotate(
            f"ŷ = {p:.2f}", (x0, x1), xytext=(0, -17),
            textcoords="offset points", ha="center", va="top", fontsize=9,
            zorder=4, bbox={"boxstyle": "round,pad=0.2",
                            "facecolor": "white", "alpha": 0.85,
                            "edgecolor": "none"}))
    labels = np.asarray(y, dtype=float).ravel()
    right = int(np.sum((fit > 0.5) == (labels > 0.5)))
    verdict = (f"no boundary: ŷ ≈ {surface.mean():.2f} everywhere" if flat
               else f"{right} of {len(labels)} points on the right side")
    drawn.append(ax.set_title(f"{title}\n{verdict}", fontsize=11))
    return drawn


def _xor_panel(ax, mlp_forward, params, X, y, title):
    """One decision-boundary panel: the network's output over the plane,
    the 0.5 contour, and the data points coloured by their label.
    Returns the bands' image, or None when the network failed."""
    surface, fit, message = _xor_outputs(mlp_forward, params, X)
    if message:
        show_message(ax, message)
        return None
    _xor_axes(ax, X, y)
    return _xor_network(ax, surface, fit, X, y, title)[0]


def _xor_loss_axes(ax):
    """The loss panel's parts that do not depend on the runs."""
    ax.axhline(np.log(2), color=FAINT, lw=1.0, ls="--")
    ax.text(0.98, np.log(2) - 0.01, "ln 2: ŷ = 0.5 everywhere",
            ha="right", va="top", fontsize=9, color="0.4",
            transform=ax.get_yaxis_transform())
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy on the 4 points")


def _loss_title(values):
    return (f"The loss during training: {values[0]:.3f} → "
            f"{values[-1]:.3f}\nafter {values.size - 1} epoch"
            + ("" if values.size == 2 else "s"))


def _xor_losses(ax, histories):
    """The loss curves of one or more XOR runs."""
    top = np.log(2)
    for (label, history), color in zip(histories.items(),
                                       ("C1", "C2", "C4", "C5")):
        values, message = loss_history(history)
        if message:
            show_message(ax, message)
            return
        ax.plot(np.arange(values.size), values, lw=2.2, color=color,
                label=label)
        finite = values[np.isfinite(values)]
        top = max(top, float(finite.max()) if finite.size else top)
    _xor_loss_axes(ax)
    ax.set_ylim(0, 1.12 * top)
    ax.set_xlim(left=0)
    if len(histories) > 1:
        ax.set_title("The loss during training", fontsize=11)
        ax.legend(loc="lower left", frameon=False, fontsize=9.5)
    else:
        ax.set_title(_loss_title(values), fontsize=11)


def _xor_layout(count):
    """plot_xor_runs's layout in inches, fixed: constrained layout would
    double the drawing time, too slow for a widget's redraw. The
    figure's size and a function giving each axes' box from its left
    edge and width."""
    side, bottom, top = 2.85, 1.05, 0.7
    starts = [0.65 + i * (side + 0.75) for i in range(count)]
    bar_x = starts[-1] + side + 0.15
    loss_x = bar_x + 0.15 + 1.25
    width, height = loss_x + 4.0, bottom + side + top

    def box(x, w):
        return [x / width, bottom / height, w / width, side / height]

    boxes = {"panels": [box(x, side) for x in starts],
             "bar": box(bar_x, 0.15), "loss": box(loss_x, 3.8)}
    return (width, height), boxes


def _xor_legend(ax):
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2,
              frameon=False, fontsize=9.5)


def plot_xor_runs(mlp_forward, X, y, runs, fig=None):
    """Decision boundaries of networks trained on XOR, side by side, and
    their loss curves.

    ``runs`` maps a label to ``(params, history)``; the output over the
    plane comes from the learner's ``mlp_forward``: red where ŷ is near 1,
    blue near 0, the black line where ŷ = 0.5. Returns the figure.
    Used in lesson 05-multilayer-backprop.
    """
    size, boxes = _xor_layout(len(runs))
    if fig is None:
        fig = plt.figure(figsize=size)
    else:
        fig.set_size_inches(*size)
    axes = [fig.add_axes(box) for box in boxes["panels"]]
    shades = None
    for ax, (label, (params, _)) in zip(axes, runs.items()):
        shades = _xor_panel(ax, mlp_forward, params, X, y, label) or shades
    if shades is not None:
        _xor_legend(axes[0])
        bar = fig.colorbar(shades, cax=fig.add_axes(boxes["bar"]))
        bar.set_label("network output ŷ")
    _xor_losses(fig.add_axes(boxes["loss"]),
                {label: history for label, (_, history) in runs.items()})
    return fig


class XorFigure:
    """The XOR explorer's figure, drawn fast enough to follow a slider:
    :func:`plot_xor_runs`'s layout for one run, whose data points, axes,
    colour bar and labels are rendered once (a
    :class:`coursetools.drawing.Backdrop`); a redraw adds the network's
    bands, boundary, outputs and loss curve. The loss axis is fixed, on a
    log scale from 10⁻⁴ to 30, so that runs can be compared by eye.
    Used in lesson 05-multilayer-backprop (by :func:`xor_explorer`).
    """

    LOSS_RANGE = (1e-4, 30.0)

    def __init__(self, X, y, epochs):
        from matplotlib.cm import ScalarMappable

        self.X, self.y = X, y
        size, boxes = _xor_layout(1)
        self.size = size
        self.fig = fig = offscreen_figure(size)
        self.ax = fig.add_axes(boxes["panels"][0])
        # the points are drawn on the bands: over each redraw's image
        self.points = _xor_axes(self.ax, X, y)
        for points in self.points:
            points.set_animated(True)
        _xor_legend(self.ax)
        self.ax.set_title(" \n ", fontsize=11)
        cmap, norm = _xor_colours()
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap),
                           cax=fig.add_axes(boxes["bar"]), alpha=0.85)
        bar.set_label("network output ŷ")
        self.loss = fig.add_axes(boxes["loss"])
        _xor_loss_axes(self.loss)
        self.loss.set_yscale("log")
        self.loss.set_ylim(*self.LOSS_RANGE)
        self.loss.set_xlim(0, epochs)
        self.loss.set_title(" \n ", fontsize=11)
        self.backdrop = Backdrop(fig)
        (self.loss_line,) = self.loss.plot([], [], lw=2.2, color="C1")
        self.image, self.drawn = None, []

    def draw(self, mlp_forward, params, history, title):
        """PNG bytes: the network ``params`` (through the learner's
        ``mlp_forward``) and its loss ``history``."""
        surface, fit, message = _xor_outputs(mlp_forward, params, self.X)
        values, history_message = loss_history(history)
        message = message or history_message
        if message:
            return message_png(message, self.size)
        for artist in self.drawn:
            if artist not in (self.image, self.ax.title):
                artist.remove()
        self.drawn = _xor_network(self.ax, surface, fit, self.X, self.y,
                                  title, image=self.image)
        self.image = self.drawn[0]
        self.loss_line.set_data(np.arange(values.size), values)
        self.loss.title.set_text(_loss_title(values))
        image, *rest = self.drawn
        return self.backdrop.png([image, *self.points, *rest,
                                  self.loss_line, self.loss.title])


def _train_xor(X, y, sizes, lr, epochs, seed, mlp_forward, mlp_backward,
               gradient_step, loss_fn):
    """Gradient descent on XOR with the learner's functions, from weights
    drawn from N(0, 1) (seeded) and zero biases; ``(params, history,
    message)``, message ``None`` when all went well."""
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]),
                                              start=1):
        params[f"W{layer}"] = rng.normal(size=(fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    history = []
    try:
        for _ in range(epochs):
            y_hat, cache = mlp_forward(X, params)
            history.append(float(loss_fn(y_hat, y)))
            grads = mlp_backward(y, cache, params, loss="bce")
            params = gradient_step(params, grads, lr)
        history.append(float(loss_fn(mlp_forward(X, params)[0], y)))
    except NotImplementedError:
        return None, None, ("Write mlp_forward and mlp_backward above "
                            "first,\nthen run this cell again.")
    except Exception as exc:  # a learner's mistake: explain, do not crash
        return None, None, explain_failure(
            exc, "Training with your functions",
            "Run the tests of mlp_forward and mlp_backward above.")
    return params, history, None


def xor_explorer(X, y, mlp_forward, mlp_backward, gradient_step, loss_fn,
                 epochs=1000):
    """Sliders "learning rate" (log scale, 0.01 to 100), "hidden units"
    (1 to 8) and "seed" (the starting weights) that train a 2-H-1 sigmoid
    network on XOR for ``epochs`` epochs of full-batch gradient descent
    and redraw its decision boundary and loss curve (:class:`XorFigure`).

    Training uses the learner's ``mlp_forward``, ``mlp_backward`` (loss
    "bce") and ``gradient_step``; ``loss_fn(y_hat, y)`` records the loss.
    A setting not shown before is trained anew, with "training ..." shown
    meanwhile; the images are cached per setting, and the settings one
    slider step away are trained ahead while the kernel is idle. Returns
    the widget (:func:`coursetools.drawing.explorer`).
    Used in lesson 05-multilayer-backprop.
    """
    import ipywidgets as widgets

    figure = XorFigure(X, y, epochs)

    def render(lr, hidden, seed):
        params, history, message = _train_xor(
            X, y, (X.shape[1], hidden, 1), lr, epochs, seed,
            mlp_forward, mlp_backward, gradient_step, loss_fn)
        if message:
            return message_png(message, figure.size)
        return figure.draw(mlp_forward, params, history,
                           f"{X.shape[1]} → {hidden} → 1 network, "
                           f"lr = {lr:.3g}, seed {seed}")

    style = {"description_width": "100px"}
    layout = widgets.Layout(width="520px")
    lr = widgets.FloatLogSlider(
        value=1.0, base=10, min=-2, max=2, step=0.25,
        description="learning rate", readout_format=".3g",
        continuous_update=True, style=style, layout=layout)
    hidden = widgets.IntSlider(
        value=3, min=1, max=8, step=1, description="hidden units",
        continuous_update=True, style=style, layout=layout)
    seed = widgets.IntSlider(
        value=0, min=0, max=9, step=1, description="seed",
        continuous_update=True, style=style, layout=layout)
    width, height = figure.size
    return explorer({"lr": lr, "hidden": hidden, "seed": seed}, render,
                    (round(width * DPI), round(height * DPI)),
                    busy=f"training a new network for {epochs:,} epochs …")
