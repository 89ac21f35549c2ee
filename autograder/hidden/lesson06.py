"""Hidden tests of lesson 06-training-in-practice (see
:mod:`autograder.hidden`).

Inputs are drawn from :func:`coursetools.checks.grading_rng`, seeded per
submission and test by the grader; the expected values come from the
oracles below. The checks are the visible ones, on other inputs: random
shapes, values, layer sizes and seeds.
"""

import numpy as np

from coursetools.checks import grading_rng
from coursetools.lesson06 import (
    _check_biases,
    _check_constant,
    _check_given,
    _check_grad,
    _check_grad_unchanged,
    _check_he,
    _check_relu,
    _check_relu_unchanged,
    _check_seed,
    _check_unchanged,
    _check_values,
    _check_xavier,
    _given_hints,
)

#: None of the lesson's graded functions calls an earlier exercise.
STAND_INS = {}


def _relu_oracle(z):
    return np.where(np.asarray(z, dtype=float) > 0, z, 0.0)


def _slope_oracle(z):
    return (np.asarray(z, dtype=float) > 0).astype(float)


def _statistics(X):
    """Per-column mean and population standard deviation, as sums."""
    n = len(X)
    mean = X.sum(axis=0) / n
    return mean, np.sqrt(((X - mean) ** 2).sum(axis=0) / n)


# -- relu, relu_grad ----------------------------------------------------------

def grade_relu_values(relu):
    """Random arrays of several shapes (a 0 in each), numbers (0, ±tiny,
    huge) and a 0-d array."""
    rng = grading_rng()
    for shape in [(1,), (9,), (3, 4), (2, 3, 5)]:
        z = rng.normal(0.0, 3.0, size=shape)
        z.flat[0] = 0.0
        _check_relu(relu, z, _relu_oracle(z),
                    f"relu(z) for z of shape {shape}")
    for z in [*rng.normal(0.0, 5.0, size=4).tolist(), 0.0, -1e-300, 1e300]:
        _check_relu(relu, z, float(_relu_oracle(z)), f"relu({z:.6g})")
    z = np.array(rng.normal(0.0, 5.0))
    _check_relu(relu, z, float(_relu_oracle(z)), "relu(z) for z a 0-d array")


def _both_signs(rng, shape):
    """A random array with a negative and a positive element: relu(z) of an
    all-positive z is z itself and of an all-negative z only zeros, which
    the unchanged-tests' guard would take for a placeholder."""
    z = rng.normal(0.0, 3.0, size=shape)
    flat = z.reshape(-1)
    flat[0] = -abs(flat[0]) - 0.1
    flat[-1] = abs(flat[-1]) + 0.1
    return z

def grade_relu_unchanged(relu):
    """Random arrays: none may be changed in place."""
    rng = grading_rng()
    for shape in [(7,), (3, 4), (2, 2, 3)]:
        _check_relu_unchanged(relu, _both_signs(rng, shape),
                              f"relu(z) for z of shape {shape}")


def grade_relu_grad_values(relu_grad):
    """Random arrays of several shapes (never exactly 0), numbers (±tiny),
    a 0-d array; 0 alone and inside an array."""
    rng = grading_rng()
    for shape in [(1,), (9,), (3, 4), (2, 3, 5)]:
        z = rng.normal(0.0, 3.0, size=shape)
        _check_grad(relu_grad, z, _slope_oracle(z),
                    f"relu_grad(z) for z of shape {shape}")
    for z in [*rng.normal(0.0, 5.0, size=4).tolist(), -1e-300, 1e-300, 0.0]:
        _check_grad(relu_grad, z, float(_slope_oracle(z)),
                    f"relu_grad({z:.6g})")
    z = np.array(rng.normal(0.0, 5.0))
    _check_grad(relu_grad, z, float(_slope_oracle(z)),
                "relu_grad(z) for z a 0-d array")
    z = rng.normal(0.0, 3.0, size=6)
    z[rng.integers(6)] = 0.0
    _check_grad(relu_grad, z, _slope_oracle(z),
                "relu_grad(z) for z of shape (6,) with a 0 in it")


def grade_relu_grad_unchanged(relu_grad):
    """Random arrays: none may be changed in place."""
    rng = grading_rng()
    for shape in [(7,), (3, 4), (2, 2, 3)]:
        _check_grad_unchanged(relu_grad, _both_signs(rng, shape),
                              f"relu_grad(z) for z of shape {shape}")


# -- init_params --------------------------------------------------------------

def _sizes(rng):
    """Layer sizes: large layers (for statistics) and a small deep net."""
    big = [int(rng.integers(250, 400)), int(rng.integers(60, 150)),
           int(rng.integers(10, 30))]
    return big, [int(rng.integers(2, 9)) for _ in range(5)]


def _he(layer_sizes):
    return [float(np.sqrt(2.0 / a)) for a in layer_sizes[:-1]]


def grade_init_params_he(init_params):
    """Random large layers, both ways round, with method="he" and with the
    default; a small net of four layers."""
    rng = grading_rng()
    big, small = _sizes(rng)
    wide = [int(rng.integers(100, 200)), 7]
    for sizes, kwargs in [(big, {"method": "he"}), (big[::-1], {}),
                          (small, {"method": "he"}), (wide, {})]:
        _check_he(init_params, sizes, _he(sizes),
                  seed=int(rng.integers(1000)), **kwargs)


def grade_init_params_xavier(init_params):
    """Two random networks of large layers."""
    rng = grading_rng()
    for _ in range(2):
        sizes = [int(rng.integers(150, 300)), int(rng.integers(150, 300)),
                 int(rng.integers(40, 120))]
        stds = [float(np.sqrt(2.0 / (a + b)))
                for a, b in zip(sizes[:-1], sizes[1:])]
        _check_xavier(init_params, sizes, stds, seed=int(rng.integers(1000)))


def grade_init_params_biases(init_params):
    """Random networks, both methods, the default seed and others."""
    rng = grading_rng()
    big, small = _sizes(rng)
    _check_biases(init_params, small, method="he", seed=int(rng.integers(99)))
    _check_biases(init_params, big, method="xavier")
    _check_biases(init_params, big[::-1], seed=int(rng.integers(99)))


def grade_init_params_seed(init_params):
    """A random network and seed, and the default seed."""
    rng = grading_rng()
    sizes = [int(rng.integers(10, 40)), int(rng.integers(5, 20)), 3]
    _check_seed(init_params, sizes, int(rng.integers(1, 10_000)))
    _check_seed(init_params, sizes[::-1], 0)


# -- standardize --------------------------------------------------------------

def _data(rng, n, d):
    return rng.normal(rng.uniform(-10, 10, size=d), rng.uniform(0.5, 20, d),
                      size=(n, d))


def grade_standardize_values(standardize):
    """Random data of several shapes, no constant column."""
    rng = grading_rng()
    for n, d in [(4, 3), (12, 5), (40, 2), (7, 9), (3, 1)]:
        X = _data(rng, n, d)
        mean, std = _statistics(X)
        _check_values(standardize, X, mean, std, (X - mean) / std,
                      f"standardize(X) for X of shape {(n, d)}")


def grade_standardize_constant(standardize):
    """Random data with constant columns of integers (so their mean is
    exact) and of zeros."""
    rng = grading_rng()
    X = rng.normal(3.0, 2.0, size=(9, 6))
    X[:, 1] = 0.0
    X[:, 4] = float(rng.integers(-9, 10))
    _check_constant(standardize, X,
                    "standardize(X) for X with constant columns 1 and 4")
    X = _data(rng, 5, 3)
    X[:, 0] = float(rng.integers(1, 100))
    _check_constant(standardize, X,
                    "standardize(X) for X whose column 0 is constant")


def grade_standardize_given(standardize):
    """Random data with another set's random statistics, positional and
    keyword arguments, a single sample too."""
    rng = grading_rng()
    for n, d in [(6, 4), (1, 5), (20, 3)]:
        X = rng.normal(0.0, 5.0, size=(n, d))
        mean, std = rng.normal(0.0, 3.0, size=d), rng.uniform(0.5, 4.0, d)
        own_mean, own_std = _statistics(X)
        own_std = np.where(own_std > 0, own_std, 1.0)
        _check_given(standardize, X, mean, std, (X - mean) / std,
                     _given_hints(X, mean, std, own_mean, own_std),
                     f"standardize(X, mean, std) for X of shape {(n, d)}",
                     keywords=n > 5)


def grade_standardize_unchanged(standardize):
    """Random data, with and without given statistics."""
    rng = grading_rng()
    for n, d in [(5, 3), (11, 4)]:
        X = _data(rng, n, d)
        _check_unchanged(standardize, X, f"standardize(X) for X of shape "
                         f"{(n, d)}")
        _check_unchanged(standardize, X, f"standardize(X, mean, std) for X "
                         f"of shape {(n, d)}", rng.normal(size=d),
                         rng.uniform(0.5, 4.0, d))
