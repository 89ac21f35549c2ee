"""Hidden tests of lesson 05-multilayer-backprop (see
:mod:`autograder.hidden`).

Inputs are drawn from :func:`coursetools.checks.grading_rng`, seeded per
submission and test by the grader. Expected values come from this
module's oracle, a forward and backward pass written independently of
the lesson's solution (on the logits, with ``einsum``), itself checked by
central differences of its own loss: on every element of a small
network, on a sample of a large one.

Every test of a backward pass starts with a large case (about 10^5
weights): backpropagation takes milliseconds there, a version written
with Python loops about a second, and finite differences (one or two
forward passes per weight) minutes, far past the 10 s each call may take.
"""

import numpy as np

from autograder import oracles
from autograder.sandbox import LearnerTimeout, probing
from coursetools.checks import (
    assert_close,
    grading_rng,
)
from coursetools.lesson05 import (
    Network,
    TooSlow,
    backward_case,
    backward_unchanged,
    dense_backward_case,
    dense_backward_mistakes,
    dense_backward_unchanged,
    dense_forward_unchanged,
    each_case,
    forward_mistakes,
    mlp_forward_case,
    mlp_forward_unchanged,
    passes,
    too_slow,
    untimed,
)

# -- the oracle --------------------------------------------------------------


def layer_forward(X, W, b):
    """Z = X W + b."""
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    return np.dot(X, W) + b[np.newaxis, :]


def layer_backward(dZ, X, W):
    """(∂L/∂X, ∂L/∂W, ∂L/∂b) of Z = X W + b, given ∂L/∂Z."""
    dZ, X, W = (np.asarray(a, dtype=float) for a in (dZ, X, W))
    return (np.dot(dZ, W.T), np.dot(X.T, dZ), np.einsum("ik->k", dZ))


def layer_count(params):
    return sum(1 for key in params if key.startswith("W"))


def logits(params, X):
    """The pre-activations Z1, ..., ZL and activations A0 = X, ..., AL."""
    A, Z = [np.asarray(X, dtype=float)], []
    for layer in range(1, layer_count(params) + 1):
        Z.append(layer_forward(A[-1], params[f"W{layer}"],
                               params[f"b{layer}"]))
        A.append(oracles.sigmoid(Z[-1]))
    return Z, A


def without_sigmoid(params, X, hidden=True, last=True):
    """ŷ of a network that leaves out its hidden or its last sigmoid (what
    those mistakes give, for hints)."""
    a = np.asarray(X, dtype=float)
    count = layer_count(params)
    for layer in range(1, count + 1):
        a = layer_forward(a, params[f"W{layer}"], params[f"b{layer}"])
        if (hidden if layer < count else last):
            a = oracles.sigmoid(a)
    return a


def mean_loss(params, X, y, loss):
    """The mean loss, from the last logits: BCE as log(1 + e^z) − y z."""
    Z, A = logits(params, X)
    if loss == "bce":
        return float(np.mean(np.logaddexp(0.0, Z[-1]) - y * Z[-1]))
    return float(np.mean((A[-1] - y) ** 2))


def gradients(params, X, y, loss):
    """∂L/∂ of every parameter, by the chain rule from the last logits."""
    Z, A = logits(params, X)
    y = np.asarray(y, dtype=float)
    slope = [oracles.sigmoid(z) * oracles.sigmoid(-z) for z in Z]
    if loss == "bce":
        delta = (A[-1] - y) / y.size
    else:
        delta = 2.0 * (A[-1] - y) * slope[-1] / y.size
    grads = {}
    for layer in range(len(Z), 0, -1):
        dA, grads[f"W{layer}"], grads[f"b{layer}"] = layer_backward(
            delta, A[layer - 1], params[f"W{layer}"])
        if layer > 1:
            delta = dA * slope[layer - 2]
    return {key: grads[key] for key in params}


def richardson(f, theta, index, h):
    """∂f/∂theta[index] by central differences of steps h, 2h and 4h,
    combined so that the errors of order h² and h⁴ cancel."""
    def moved(step):
        t = theta.copy()
        t[index] += step
        return f(t)

    d = [(moved(s) - moved(-s)) / (2 * s) for s in (h, 2 * h, 4 * h)]
    return (64 * d[0] - 20 * d[1] + d[2]) / 45


def verified(expected, functions, sample=None, rng=None, h=2e-3):
    """``expected``, after checking it against central differences of
    ``functions[key]`` (theta ↦ loss) on every element, or on ``sample``
    elements per key (the largest and random ones) of a large case.

    A mismatch is the grader's own fault: it raises RuntimeError, which
    the grading command reports as the test that could not check.
    """
    for key, grad in expected.items():
        theta = np.asarray(functions[key][1], dtype=float)
        f = functions[key][0]
        if sample is None:
            indices = list(np.ndindex(grad.shape))
        else:
            flat = [int(np.argmax(np.abs(grad)))] + [
                int(i) for i in rng.integers(0, grad.size, size=sample)]
            indices = [np.unravel_index(i, grad.shape) for i in flat]
        scale = float(np.max(np.abs(grad), initial=0.0))
        for index in indices:
            numeric = richardson(f, theta, index, h)
            if abs(numeric - grad[index]) > 1e-7 * scale + 1e-12:
                raise RuntimeError(
                    f"grader error: the oracle's {key}{list(index)} is "
                    f"{grad[index]!r}, central differences give "
                    f"{numeric!r}")
    return expected


def network_gradients(params, X, y, loss, sample=None, rng=None):
    """The oracle's gradients, checked by central differences."""
    expected = gradients(params, X, y, loss)
    functions = {key: (lambda t, key=key: mean_loss({**params, key: t}, X,
                                                   y, loss), params[key])
                 for key in params}
    return verified(expected, functions, sample, rng)


def dense_gradients(dZ, X, W, sample=None, rng=None):
    """(dX, dW, db) of the oracle, checked by central differences of
    L = Σ dZ ⊙ (X W + b), whose ∂L/∂Z is dZ (L is linear: the differences
    are exact up to rounding)."""
    b = np.zeros(W.shape[1])
    dX, dW, db = layer_backward(dZ, X, W)

    def loss(X_, W_, b_):
        return float(np.sum(dZ * layer_forward(X_, W_, b_)))

    return verified({"dX": dX, "dW": dW, "db": db}, {
        "dX": (lambda t: loss(t, W, b), X),
        "dW": (lambda t: loss(X, t, b), W),
        "db": (lambda t: loss(X, W, t), b)}, sample, rng, h=1.0)


#: The later exercises are graded with correct earlier ones standing in
#: for the learner's (the grader's own functions, called back from the
#: sandbox), so that a mistake costs only its own exercise's points:
#: mlp_forward with a correct dense_forward, mlp_backward with correct
#: dense_forward and dense_backward (mlp_backward reads the cache of the
#: learner's own mlp_forward, which builds it with dense_forward).
#: sigmoid and sigmoid_grad are given cells, correct already.
STAND_INS = {
    **{test: {"dense_forward": layer_forward} for test in (
        "test_mlp_forward", "test_mlp_forward_depths",
        "test_mlp_forward_unchanged")},
    **{test: {"dense_forward": layer_forward,
              "dense_backward": layer_backward} for test in (
        "test_mlp_backward_bce", "test_mlp_backward_mse",
        "test_mlp_backward_depths", "test_mlp_backward_unchanged")},
}


# -- random cases ------------------------------------------------------------

def _params(rng, sizes, large=False):
    """Random weights (scaled by 1/√fan_in in a large network, so that
    its sigmoids do not saturate) and biases."""
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]),
                                              start=1):
        scale = 1.0 / np.sqrt(fan_in) if large else 1.0
        params[f"W{layer}"] = rng.normal(0.0, scale, size=(fan_in, fan_out))
        params[f"b{layer}"] = rng.normal(0.0, 0.5, size=fan_out)
    return params


def _forward_net(rng, sizes, n):
    params = _params(rng, sizes)
    X = rng.normal(size=(n, sizes[0]))
    return Network(params, X, y_hat=logits(params, X)[1][-1])


def _backward_net(rng, sizes, n, loss, binary=True, large=False):
    """A network, its targets (soft ones suit both losses) and what the
    oracle expects, checked by central differences (on a sample of
    elements for a large network)."""
    params = _params(rng, sizes, large)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.random((n, sizes[-1]))
    if binary:
        y = np.round(y)
    other = {"bce": "mse", "mse": "bce"}[loss]
    return Network(
        params, X, y, loss, y_hat=logits(params, X)[1][-1],
        grads=network_gradients(params, X, y, loss,
                                sample=3 if large else None, rng=rng),
        other=gradients(params, X, y, other))


#: Seconds a large case's call may take in the grader: backpropagation
#: takes milliseconds, Python loops over every weight about 0.7 s, finite
#: differences minutes.
PROBE_SECONDS = 5.0


def _limited(function, size, passes):
    """``run(call)`` for a large case: a learner's function that runs out
    of its :data:`PROBE_SECONDS` scores nothing, with a message that says
    why."""
    def run(call):
        try:
            with probing(PROBE_SECONDS):
                return call()
        except LearnerTimeout:
            raise TooSlow(too_slow(function, size, passes)) from None

    return run


def _large_run(net):
    return _limited("mlp_backward",
                    f"a network {net.name} of {net.weights:,} weights",
                    f"{net.weights:,}")


# -- dense_forward -----------------------------------------------------------

def _dense_forward_case(rng, n, fan_in, fan_out):
    return (rng.normal(size=(n, fan_in)), rng.normal(size=(fan_in, fan_out)),
            rng.normal(size=fan_out))


def grade_dense_forward(dense_forward):
    """Random layers of several shapes, one with as many samples as
    units (where b[:, None] runs)."""
    rng = grading_rng()
    for shape in [(5, 3, 2), (1, 4, 6), (4, 2, 4), (3, 3, 3), (7, 1, 5)]:
        X, W, b = _dense_forward_case(rng, *shape)
        hints = {"X @ W: is the bias b missing?": X @ W,
                 "X @ W − b: is the bias subtracted?": X @ W - b}
        if len(X) == len(b):
            hints["X @ W + b[:, None]: b added per sample (row), not per "
                  "unit (column)? Add b as it is: NumPy repeats it for "
                  "every row."] = X @ W + b[:, None]
        what = (f"dense_forward(X, W, b) for X of shape {X.shape}, W of "
                f"shape {W.shape}")
        assert_close(dense_forward(X.copy(), W.copy(), b.copy()),
                     layer_forward(X, W, b), what, hints=hints)


def grade_dense_forward_unchanged(dense_forward):
    """Random layers: X, W and b left as they were (one with as many
    samples as units, where b[:, None] runs)."""
    rng = grading_rng()
    each_case([lambda case=_dense_forward_case(rng, *shape):
               dense_forward_unchanged(dense_forward, *case)
               for shape in [(3, 4, 3), (1, 5, 3), (6, 2, 4)]])


# -- mlp_forward -------------------------------------------------------------

def grade_mlp_forward(mlp_forward):
    """Random networks of two layers: ŷ, returned with a cache."""
    rng = grading_rng()
    for sizes, n in [([2, 5, 1], 6), ([4, 3, 2], 3), ([1, 2, 3], 1),
                     ([5, 4, 1], 7)]:
        net = _forward_net(rng, sizes, n)
        mlp_forward_case(mlp_forward, net, hints=forward_mistakes(
            without_sigmoid(net.params, net.X, last=False),
            without_sigmoid(net.params, net.X, hidden=False)))


def grade_mlp_forward_depths(mlp_forward):
    """Random networks of one, three, four and five layers."""
    rng = grading_rng()
    two = passes(lambda: mlp_forward_case(
        mlp_forward, _forward_net(rng, [3, 4, 1], 3), pair=False))
    for sizes, n in [([3, 1], 4), ([1, 2], 1), ([2, 4, 3, 2], 5),
                     ([5, 3, 4, 2, 1], 7), ([3, 2, 2, 2, 3], 2),
                     ([2, 3, 3, 2, 2, 1], 3)]:
        net = _forward_net(rng, sizes, n)
        mlp_forward_case(mlp_forward, net, pair=False,
                         depth_hint=net if two else None)


def grade_mlp_forward_unchanged(mlp_forward):
    """Random networks of two layers, with more inputs than outputs (so
    that ŷ = X is no answer): X and params left as they were."""
    rng = grading_rng()
    each_case([lambda net=_forward_net(rng, sizes, n):
               mlp_forward_unchanged(mlp_forward, net)
               for sizes, n in [([3, 4, 1], 4), ([3, 3, 2], 1),
                                ([4, 2, 3], 5)]])


# -- dense_backward ----------------------------------------------------------

def _dense_backward_inputs(rng, n, fan_in, fan_out, large=False):
    scale = 1.0 / np.sqrt(fan_in) if large else 1.0
    return (rng.normal(size=(n, fan_out)) / n, rng.normal(size=(n, fan_in)),
            rng.normal(0.0, scale, size=(fan_in, fan_out)))


def _dense_large(rng):
    n, fan_in, fan_out = 2, 500, 400
    inputs = _dense_backward_inputs(rng, n, fan_in, fan_out, large=True)
    size = (f"dZ of shape {(n, fan_out)}, X of shape {(n, fan_in)} and W "
            f"of shape {(fan_in, fan_out)}")
    count = f"{n * fan_in + fan_in * fan_out + fan_out:,}"
    return inputs, _limited("dense_backward", size, count)


_DENSE_SHAPES = [(5, 3, 2), (1, 4, 3), (6, 2, 5), (3, 3, 3), (4, 4, 1)]


def grade_dense_backward(dense_backward):
    """A large layer (201,400 parameters) first, then random small ones:
    dX, dW and db against the oracle."""
    rng = grading_rng()
    (dZ, X, W), run = _dense_large(rng)
    dense_backward_case(dense_backward, dZ, X, W,
                        dense_gradients(dZ, X, W, sample=3, rng=rng), run)
    for shape in _DENSE_SHAPES:
        dZ, X, W = _dense_backward_inputs(rng, *shape)
        expected = dense_gradients(dZ, X, W)
        dense_backward_case(dense_backward, dZ, X, W, expected, untimed,
                            hints=dense_backward_mistakes(dZ, X, W,
                                                          expected))


def grade_dense_backward_unchanged(dense_backward):
    """A large layer first, then random small ones (square ones among
    them, where a missing transpose runs): dZ, X and W left as they
    were."""
    rng = grading_rng()
    (dZ, X, W), run = _dense_large(rng)
    cases = [lambda: dense_backward_unchanged(dense_backward, dZ, X, W, run,
                                              plausible=False)]
    cases += [lambda case=_dense_backward_inputs(rng, *shape):
              dense_backward_unchanged(dense_backward, *case, untimed)
              for shape in [(3, 3, 3), (4, 4, 4), (5, 3, 2)]]
    each_case(cases)


# -- mlp_backward ------------------------------------------------------------

def _backward_cases(mlp_forward, mlp_backward, rng, large, small,
                    depths=False):
    """A large network first, then small ones: every gradient against the
    oracle. ``depths``: a failure for other than 2 layers adds that the
    number of layers comes from params, when a 2-layer network passes."""
    two = depths and passes(lambda: backward_case(
        mlp_forward, mlp_backward, _backward_net(rng, [3, 4, 1], 3, "bce"),
        untimed))
    net = _backward_net(rng, *large, large=True)
    backward_case(mlp_forward, mlp_backward, net, _large_run(net),
                  depth_hint=net if two else None)
    for case in small:
        net = _backward_net(rng, *case)
        backward_case(mlp_forward, mlp_backward, net, untimed,
                      depth_hint=net if two else None)


def grade_mlp_backward_bce(mlp_forward, mlp_backward):
    """The cross-entropy: a network of 100,501 weights, then random ones
    of two layers."""
    _backward_cases(mlp_forward, mlp_backward, grading_rng(),
                    ([400, 250, 1], 8, "bce"),
                    [([2, 5, 1], 6, "bce"), ([4, 3, 2], 4, "bce", False),
                     ([3, 2, 3], 7, "bce"), ([5, 4, 1], 1, "bce", False)])


def grade_mlp_backward_mse(mlp_forward, mlp_backward):
    """The squared error: a network of 100,752 weights, then random ones
    of two layers."""
    _backward_cases(mlp_forward, mlp_backward, grading_rng(),
                    ([400, 250, 2], 8, "mse"),
                    [([3, 5, 1], 6, "mse"), ([2, 4, 3], 5, "mse", False),
                     ([4, 2, 1], 3, "mse", False), ([1, 3, 2], 1, "mse")])


def grade_mlp_backward_depths(mlp_forward, mlp_backward):
    """A network of four layers and 107,009 weights, then random ones of
    one, three, four and five layers, both losses."""
    _backward_cases(mlp_forward, mlp_backward, grading_rng(),
                    ([256, 256, 128, 64, 1], 8, "bce"),
                    [([2, 1], 5, "mse"), ([2, 4, 3, 2], 5, "bce"),
                     ([5, 3, 4, 2, 1], 6, "mse", False),
                     ([3, 2, 5, 4, 3], 4, "bce"),
                     ([2, 3, 3, 2, 2, 1], 3, "mse", False)],
                    depths=True)


def grade_mlp_backward_unchanged(mlp_forward, mlp_backward):
    """A network of 100,501 weights, then random ones of two layers: y and
    params left as they were, the same gradients from the same cache."""
    rng = grading_rng()
    net = _backward_net(rng, [400, 250, 1], 8, "bce", large=True)
    cases = [lambda: backward_unchanged(mlp_forward, mlp_backward, net,
                                        _large_run(net), plausible=False)]
    cases += [lambda small=_backward_net(rng, *case): backward_unchanged(
        mlp_forward, mlp_backward, small, untimed)
        for case in [([3, 4, 1], 5, "bce"), ([2, 3, 2], 4, "mse", False)]]
    each_case(cases)
