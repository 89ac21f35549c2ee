"""Hidden tests of lesson 01-sigmoid-neuron (see :mod:`autograder.hidden`).

Inputs are drawn from :func:`coursetools.checks.grading_rng`, seeded per
submission and test by the grader; expected values come from
:mod:`autograder.oracles`.
"""

import numpy as np

from autograder import oracles
from coursetools.checks import (
    CheckFailed,
    assert_close,
    assert_no_warnings,
    assert_plausible,
    assert_unchanged,
    grading_rng,
)
from coursetools.lesson01 import _sigmoid_mistakes

#: neuron_forward is graded with a correct sigmoid in place of the
#: learner's: a sigmoid mistake costs only sigmoid's points.
STAND_INS = {test: {"sigmoid": oracles.sigmoid} for test in (
    "test_neuron_forward_batch", "test_neuron_forward_sample",
    "test_neuron_forward_unchanged")}


def grade_sigmoid_values(sigmoid):
    """Random arrays of several shapes, numbers and a 0-d array, in
    [-30, 30] where every correct formula is exact."""
    rng = grading_rng()
    for shape in [(1,), (7,), (3, 4), (2, 3, 5)]:
        z = rng.uniform(-30.0, 30.0, size=shape)
        expected = oracles.sigmoid(z)
        what = f"sigmoid(z) for z of shape {shape}"
        got = sigmoid(z.copy())
        assert_close(got, expected, what, hints=_sigmoid_mistakes(z,
                                                                 expected))
        if not np.all((got >= 0.0) & (got <= 1.0)):
            raise CheckFailed(f"{what} returned values outside [0, 1].")
    for z in [*rng.uniform(-30.0, 30.0, size=4).tolist(), 0.0, -1.5, 2.5]:
        expected = oracles.sigmoid(z)
        assert_close(sigmoid(z), expected, f"sigmoid({z:.6g})",
                     hints=_sigmoid_mistakes(z, expected))
    z = np.array(rng.uniform(-5.0, 5.0))
    assert_close(sigmoid(z.copy()), oracles.sigmoid(z),
                 "sigmoid(z) for z a 0-d array")


def grade_sigmoid_unchanged(sigmoid):
    """Random arrays: none may be changed in place."""
    rng = grading_rng()
    for shape in [(6,), (3, 4), (2, 2, 3)]:
        what = f"sigmoid(z) for z of shape {shape}"
        got = assert_unchanged(sigmoid, rng.uniform(-10.0, 10.0, size=shape),
                               what=what)
        assert_plausible(got, what, shape=shape, low=0.0, high=1.0,
                         strict=True, requirement="that z is left unchanged")


def grade_sigmoid_stable(sigmoid):
    """Large |z|, alone and mixed into arrays: exact limits, no warning."""
    for z in [-1000.0, 1000.0, -800.0, 800.0, -710.0, 710.0, -36.5, 37.0]:
        what = f"sigmoid({z:g})"
        got = assert_no_warnings(lambda z=z: sigmoid(z), what)
        assert_close(got, oracles.sigmoid(z), what)
    rng = grading_rng()
    for shape in [(6,), (3, 4), (2, 3, 5)]:
        z = rng.uniform(-30.0, 30.0, size=shape)
        extreme = rng.choice(z.size, size=4, replace=False)
        z.flat[extreme] = [-1000.0, 1000.0, -750.0, 720.0]
        what = (f"sigmoid(z) for z of shape {shape} mixing ±1000 and small "
                "values")
        got = assert_no_warnings(lambda z=z: sigmoid(z.copy()), what)
        assert_close(got, oracles.sigmoid(z), what)


def _case(rng, shape, scale=3.0):
    X = rng.normal(0.0, scale, size=shape)
    w = rng.normal(size=shape[-1])
    return X, w, float(rng.normal())


def _neuron_mistakes(X, w, b):
    expected = oracles.sigmoid(np.einsum("...j,j->...", X, w) + b)
    return {
        "X @ w + b: was sigmoid applied?":
            np.einsum("...j,j->...", X, w) + b,
        "σ(X @ w): is the bias b missing?":
            oracles.sigmoid(np.einsum("...j,j->...", X, w)),
        "σ(X @ w − b): is the bias subtracted?":
            oracles.sigmoid(np.einsum("...j,j->...", X, w) - b),
        "1 − σ(X @ w + b): a sign error?": 1 - expected,
    }


def grade_neuron_forward_batch(neuron_forward):
    """Random batches of several shapes, large scores included."""
    rng = grading_rng()
    cases = [_case(rng, shape) for shape in
             [(5, 3), (1, 4), (8, 1), (6, 2), (2, 7)]]
    X, w, b = _case(rng, (6, 3), scale=500.0)  # scores of size 1000
    cases.append((X, w, b))
    for X, w, b in cases:
        what = f"neuron_forward(X, w, b) for X of shape {X.shape}"
        expected = oracles.sigmoid(np.einsum("ij,j->i", X, w) + b)
        with np.errstate(all="ignore"):
            got = neuron_forward(X.copy(), w.copy(), b)
        assert_close(got, expected, what, hints=_neuron_mistakes(X, w, b))


def grade_neuron_forward_sample(neuron_forward):
    """One random sample of 1, 3 and 5 features: a number each."""
    rng = grading_rng()
    for n_features in [1, 3, 5]:
        x, w, b = _case(rng, (n_features,))
        what = f"neuron_forward(x, w, b) for one sample x of shape {x.shape}"
        assert_close(neuron_forward(x.copy(), w.copy(), b),
                     oracles.sigmoid(float(x @ w) + b), what,
                     hints=_neuron_mistakes(x, w, b))


def grade_neuron_forward_unchanged(neuron_forward):
    """Random batches: X and w left as they were. (Single samples are
    not used: a function that fails on them loses that test's points.)"""
    rng = grading_rng()
    for shape in [(4, 3), (1, 5), (7, 2)]:
        X, w, b = _case(rng, shape)
        what = f"neuron_forward(X, w, b) for X of shape {shape}"
        got = assert_unchanged(neuron_forward, X, w, b, what=what)
        assert_plausible(got, what, shape=shape[:1], low=0.0, high=1.0,
                         strict=True,
                         requirement="that X and w are left unchanged")
