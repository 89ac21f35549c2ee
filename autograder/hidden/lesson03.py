"""Hidden tests of lesson 03-chain-rule (see :mod:`autograder.hidden`).

Inputs are drawn from :func:`coursetools.checks.grading_rng`, seeded per
submission and test by the grader. Expected gradients are central
differences of the grader's own losses (:mod:`autograder.oracles`), and
for the large first case of each ``neuron_backward`` test, this module's
backpropagation, checked against central differences on a sample of
elements.
"""

import numpy as np

from autograder import oracles
from coursetools.checks import (
    assert_close,
    assert_no_warnings,
    assert_unchanged,
    grading_rng,
)
from coursetools.lesson03 import (
    _LIMIT,
    SLOPES,
    _attempt,
    _backward_attempt,
    _call,
    _check_errors,
    _check_floor,
    _check_gradients,
    _check_numerical,
    _check_theta_unchanged,
    _cubic,
    _in_time,
    _slope_limits,
    _slope_mistakes,
)


def slope(z):
    """σ'(z) as e^(−|z|) / (1 + e^(−|z|))²: stable, and written another
    way than the lesson's σ(z)(1 − σ(z))."""
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return (e / (1 + e) ** 2)[()]


#: neuron_backward is graded with a correct sigmoid_grad in place of the
#: learner's: a sigmoid_grad mistake costs only sigmoid_grad's points.
STAND_INS = {test: {"sigmoid_grad": slope} for test in (
    "test_neuron_backward_mse", "test_neuron_backward_bce",
    "test_neuron_backward_unchanged")}


# -- sigmoid_grad ------------------------------------------------------------

def _slope_hints(z):
    s = oracles.sigmoid(z)
    twice = oracles.sigmoid(s)
    return _slope_mistakes(z, slope(z), s, twice * (1 - twice))


def grade_sigmoid_grad_values(sigmoid_grad):
    """Random arrays of several shapes, numbers and a 0-d array, in
    [-12, 12] where every correct formula is exact and none warns."""
    rng = grading_rng()
    for shape in [(1,), (7,), (3, 4), (2, 3, 5)]:
        z = rng.uniform(-12.0, 12.0, size=shape)
        assert_close(sigmoid_grad(z.copy()), slope(z),
                     f"sigmoid_grad(z) for z of shape {shape}",
                     hints=_slope_hints(z))
    for z in [*rng.uniform(-12.0, 12.0, size=4).tolist(), -2.0, 0.75]:
        assert_close(sigmoid_grad(z), slope(z), f"sigmoid_grad({z:.6g})",
                     hints=_slope_hints(z))
    z = np.array(rng.uniform(-5.0, 5.0))
    assert_close(sigmoid_grad(z.copy()), slope(z),
                 "sigmoid_grad(z) for z a 0-d array")


def grade_sigmoid_grad_unchanged(sigmoid_grad):
    """Random arrays: none may be changed in place."""
    rng = grading_rng()
    for shape in [(6,), (3, 4), (2, 2, 3)]:
        what = f"sigmoid_grad(z) for z of shape {shape}"
        got = assert_unchanged(sigmoid_grad,
                               rng.uniform(-10.0, 10.0, size=shape),
                               what=what)
        _attempt(got, what, "that z is left unchanged", shape, *SLOPES)


def grade_sigmoid_grad_stable(sigmoid_grad):
    """Large |z|, alone and mixed into arrays of small ones: no warning,
    and what the learner's own sigmoid_grad gives at z = ∓40 (0 to 12
    decimal places). The small entries are the values test's business."""
    limits = _slope_limits(sigmoid_grad, "stability at large |z|")
    rng = grading_rng()
    for z in [-1000.0, 1000.0, -800.0, 750.0, -710.0, 720.0]:
        what = f"sigmoid_grad({z:g})"
        got = assert_no_warnings(lambda z=z: sigmoid_grad(z), what)
        assert_close(got, limits[int(z > 0)], what, note=_LIMIT)
    for shape in [(6,), (3, 4)]:
        z = rng.uniform(-5.0, 5.0, size=shape)
        extreme = rng.choice(z.size, size=4, replace=False)
        z.flat[extreme] = [-1000.0, 1000.0, -750.0, 720.0]
        what = (f"sigmoid_grad(z) for z of shape {shape} mixing ±1000 and "
                "small values")
        got = assert_no_warnings(lambda z=z: sigmoid_grad(z.copy()), what)
        if np.shape(got) != shape:
            _attempt(got, what, "stability at large |z|", shape,
                     *SLOPES)  # says what is wrong
        assert_close(np.asarray(got, dtype=float).flat[extreme],
                     limits[[0, 1, 0, 1]], f"{what}, at the entries ±1000, "
                     "-750 and 720", note=_LIMIT)


# -- neuron_backward ---------------------------------------------------------
#: The first case of every neuron_backward test: 320,000 inputs, 160,000
#: weights. On the course's 2-core machine backpropagation takes about
#: 1 ms, loops in Python 0.4 to 0.6 s, finite differences (two forward
#: passes per weight) about a minute idle and five under load: far past
#: the 10 s a call may take.
LARGE = (2, 160_000)


def _loss(X, w, b, y, loss):
    """The grader's own mean loss of the neuron."""
    y_hat = oracles.sigmoid(np.einsum("ij,j->i", X, w) + b)
    return oracles.mse(y_hat, y) if loss == "mse" else oracles.bce(y_hat, y)


def _backprop(X, w, b, y, loss):
    """``(dw, db)`` of the mean loss by backpropagation, and what typical
    mistakes give (keys of :data:`coursetools.lesson03.MISTAKES`)."""
    p = oracles.sigmoid(np.einsum("ij,j->i", X, w) + b)
    n, slope_z = len(y), p * (1 - p)
    if loss == "mse":
        twice = oracles.sigmoid(p)
        deltas = {"": 2 * (p - y) / n * slope_z,
                  "no slope": 2 * (p - y) / n, "bce for mse": (p - y) / n,
                  "slope at y_hat": 2 * (p - y) / n * twice * (1 - twice),
                  "no 2": (p - y) / n * slope_z}
    else:
        with np.errstate(all="ignore"):
            deltas = {"": (p - y) / n, "slope again": (p - y) / n * slope_z,
                      "mse for bce": 2 * (p - y) / n * slope_z,
                      "dL/dyhat": (p - y) / slope_z / n}
    grads = {key: (np.einsum("i,ij->j", d, X), float(np.sum(d)))
             for key, d in deltas.items()}
    return grads.pop(""), grads


def _numerical(X, w, b, y, loss):
    """``(dw, db)`` by central differences of the grader's loss."""
    return (oracles.central_difference(lambda v: _loss(X, v, b, y, loss), w),
            float(oracles.central_difference(
                lambda c: _loss(X, w, float(c), y, loss), b)))


def _small_cases(rng):
    """Random batches: (X, w, b, y), soft and hard labels, one sample."""
    cases = []
    for n, n_features in [(5, 3), (8, 2), (3, 7), (12, 4), (6, 1), (1, 3)]:
        X = rng.normal(size=(n, n_features))
        w = rng.normal(size=n_features)
        y = rng.random(n) if n % 2 else rng.integers(0, 2, n).astype(float)
        cases.append((X, w, float(rng.normal()), y))
    return cases


def _large_case(rng, loss):
    """(X, w, b, y, expected): scores of size about 1, and the gradient by
    backpropagation, verified on a few elements by central differences."""
    n, d = LARGE
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d) / np.sqrt(d)
    b, y = float(rng.normal()), np.array([1.0, 0.0])
    expected, _ = _backprop(X, w, b, y, loss)
    for j in rng.choice(d, size=3, replace=False):
        def along(t, j=j):
            return _loss(X, np.where(np.arange(d) == j, t, w), b, y, loss)
        numeric = oracles.central_difference(along, w[j])
        if not np.isclose(numeric, expected[0][j], rtol=1e-5, atol=1e-10):
            raise RuntimeError("grader error: the large case's gradient "
                               "disagrees with central differences")
    return X, w, b, y, expected


def _grade_backward(neuron_backward, loss):
    rng = grading_rng()
    X, w, b, y, expected = _large_case(rng, loss)
    what = f"neuron_backward({_call(loss)}) for X of shape {X.shape}"
    got = _in_time(lambda: neuron_backward(X, w, b, y, loss=loss), what,
                   X.shape[1])
    _check_gradients(got, expected, what, len(y),
                     _backprop(X, w, b, y, loss)[1])
    for i, (X, w, b, y) in enumerate(_small_cases(rng)):
        given = None if (loss == "mse" and i == 0) else loss
        kwargs = {} if given is None else {"loss": loss}
        what = f"neuron_backward({_call(given)}) for X of shape {X.shape}"
        got = neuron_backward(X.copy(), w.copy(), b, y.copy(), **kwargs)
        _check_gradients(got, _numerical(X, w, b, y, loss), what, len(y),
                         _backprop(X, w, b, y, loss)[1])


def grade_neuron_backward_mse(neuron_backward):
    """A large batch first (backpropagation, not finite differences), then
    random batches of several shapes, the default loss among them."""
    _grade_backward(neuron_backward, "mse")


def grade_neuron_backward_bce(neuron_backward):
    """As :func:`grade_neuron_backward_mse`, for ``loss="bce"``."""
    _grade_backward(neuron_backward, "bce")


def grade_neuron_backward_unchanged(neuron_backward):
    """The large batch first, then random batches, both losses: X, w and
    y left as they were."""
    rng = grading_rng()
    X, w, b, y, _ = _large_case(rng, "mse")
    what = f"neuron_backward({_call('mse')}) for X of shape {X.shape}"
    got = _in_time(lambda: assert_unchanged(
        neuron_backward, X, w, b, y, loss="mse", what=what), what,
        X.shape[1])
    _backward_attempt(got, what)
    for i, (X, w, b, y) in enumerate(_small_cases(rng)[:4]):
        loss = ("mse", "bce")[i % 2]
        what = f"neuron_backward({_call(loss)}) for X of shape {X.shape}"
        got = assert_unchanged(neuron_backward, X, w, b, y, loss=loss,
                               what=what)
        _backward_attempt(got, what)


# -- numerical_gradient ------------------------------------------------------

def _numerical_cases():
    """Smooth functions of several shapes, and the cubic with several
    eps: (f, theta, eps or None, the gradient, what f is)."""
    rng = grading_rng()
    cases = []
    for shape in [(4,), (1,), (2, 3), (3, 1), (2, 2, 3)]:
        theta, A, c = rng.normal(size=(3, *shape))

        def f(t, A=A, c=c):
            return float(np.sum(c * np.sin(t)) + 0.5 * np.sum(A * t) ** 2)

        cases.append((f, theta, None,
                      c * np.cos(theta) + np.sum(A * theta) * A,
                      f"a smooth f, theta of shape {shape}"))
    for shape, eps in [((5,), 2e-2), ((2, 3), 5e-3), ((2, 1, 2), 1e-2),
                       ((2, 3), None)]:
        theta = rng.uniform(-2.0, 2.0, size=shape)
        cases.append((_cubic, theta, eps, 3 * theta**2 + (eps or 1e-6) ** 2,
                      f"f(θ) = sum of θ³, theta of shape {shape}"))
    return cases


def grade_numerical_gradient(numerical_gradient):
    """Random smooth functions and the cubic, theta of 1 to 3 axes."""
    _check_numerical(numerical_gradient, _numerical_cases())


def grade_numerical_gradient_unchanged(numerical_gradient):
    """Random theta of the same shapes: left exactly as it was."""
    _check_theta_unchanged(numerical_gradient,
                           [case[1] for case in _numerical_cases()])


# -- relative_error ----------------------------------------------------------

def _relative_error(a, b):
    """The largest |a − b| / max(1e-12, |a| + |b|), one pair at a time."""
    pairs = zip(np.ravel(a).tolist(), np.ravel(b).tolist())
    return max(abs(p - q) / max(1e-12, abs(p) + abs(q)) for p, q in pairs)


def _error_mistakes(a, b):
    """What the typical mistakes of :data:`ERROR_MISTAKES` give."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    size = np.abs(a) + np.abs(b)
    floor = np.maximum(1e-12, size)
    return {
        "mean": float(np.mean(np.abs(a - b) / floor)),
        "no abs": float(np.max((a - b) / floor)),
        "a + b": float(np.max(np.abs(a - b)
                              / np.maximum(1e-12, np.abs(a + b)))),
        "larger": float(np.max(np.abs(a - b) / np.maximum(
            1e-12, np.maximum(np.abs(a), np.abs(b))))),
    }


def grade_relative_error(relative_error):
    """Arrays of several shapes with one element far off, nearly equal
    arrays, opposite signs, numbers; |a| + |b| of at least 0.1."""
    rng = grading_rng()
    pairs = [(np.array([1.0, 1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0, 3.0])),
             (np.array([1.0, 2.0]), np.array([1.5, 2.01])),
             (np.array([-1.0, 2.0]), np.array([1.0, 2.0])),
             (np.array([[0.5, 1e-1], [2.0, -3.0]]),
              np.array([[0.5, -1e-1], [2.0, -3.0]])),
             (3.0, 3.0000003), (-2.0, 2.0), (0.25, 0.0)]
    for shape in [(6,), (3, 4), (2, 3, 2)]:
        a = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0],
                                                             size=shape)
        b = a * (1 + rng.normal(0.0, 1e-3, size=shape))
        b.flat[0] = -b.flat[0]  # one element far off
        pairs += [(a, b), (a, a + rng.normal(0.0, 1e-7, size=shape))]
    _check_errors(relative_error, [(a, b, _relative_error(a, b),
                                    _error_mistakes(a, b))
                                   for a, b in pairs])


def grade_relative_error_floor(relative_error):
    """Pairs of zeros and of numbers below 1e-12, a ≥ b ≥ 0."""
    rng = grading_rng()
    pairs = [(0.0, 0.0), (np.array(0.0), np.array(0.0)), (1e-13, 0.0),
             (4e-13, 1e-13), (2e-13, 2e-13)]
    for _ in range(4):
        a = float(rng.uniform(1e-14, 5e-13))
        pairs.append((a, float(rng.uniform(0.0, a))))
    _check_floor(relative_error, [(a, b, _relative_error(a, b))
                                  for a, b in pairs])
