"""Hidden tests of lesson 02-loss-functions (see :mod:`autograder.hidden`).

Inputs are drawn from :func:`coursetools.checks.grading_rng`, seeded per
submission and test by the grader; expected values come from
:mod:`autograder.oracles` (the gradients by central differences of the
oracle's losses). The per-case assertions, their tolerances and their
diagnoses are the visible checks' own (``coursetools.lesson02``), so the
hidden cases are more of the same kinds: other shapes and values.

Any eps up to 1e-7 is right, whether it clips ŷ or is added inside the
logarithm: the BCE tolerances follow from that range, not from the
oracle's eps.
"""

import numpy as np

from autograder import oracles
from coursetools.checks import grading_rng
from coursetools.lesson02 import (
    _assert_grad,
    _assert_keeps,
    _assert_loss,
    _assert_stable,
    _bce_grad_hints,
    _bce_hints,
    _eps_atol,
    _eps_tol,
    _mse_grad_hints,
    _mse_hints,
)

#: Lesson 02's four functions call no earlier exercise.
STAND_INS = {}

SHAPES = [(1,), (7,), (3, 4), (4, 3), (2, 3, 5)]


def _kinds(draw):
    """Inputs of every kind the visible checks use: arrays of several
    shapes, plain floats, lists and 0-d arrays; ``draw(shape)`` gives
    ``(y_hat, y)``."""
    cases = [draw(shape) for shape in SHAPES]
    for _ in range(3):
        y_hat, y = draw(())
        cases.append((float(y_hat), float(y)))
    y_hat, y = draw((5,))
    cases.append((y_hat.tolist(), y.tolist()))
    y_hat, y = draw(())
    cases.append((np.array(y_hat), np.array(y)))
    return cases


def _normal(rng):
    return lambda shape: (rng.normal(size=shape), rng.normal(size=shape))


def _probabilities(rng, low):
    """ŷ in [low, 1 − low], where no eps up to 1e-7 clips, and y in
    {0, 1}."""
    return lambda shape: (rng.uniform(low, 1 - low, size=shape),
                          rng.integers(0, 2, size=shape).astype(float))


def _confidently_wrong(rng, shape):
    """Predictions that give the true answer only 1 % to 5 %, both
    answers present: losses and gradients far from 0 and 0.5."""
    y = np.resize([1.0, 0.0], int(np.prod(shape)))
    y = rng.permutation(y).reshape(shape)
    p = rng.uniform(0.01, 0.05, size=shape)
    return np.where(y == 1, p, 1 - p), y


def _with_ends(rng, shape):
    """Random predictions with two certainly wrong and two certainly right
    ones (ŷ exactly 0 or 1)."""
    y_hat = rng.uniform(0.01, 0.99, size=shape)
    y = rng.integers(0, 2, size=shape).astype(float)
    ends = rng.choice(y_hat.size, size=4, replace=False)
    y_hat.flat[ends] = [0.0, 1.0, 0.0, 1.0]
    y.flat[ends] = [1.0, 1.0, 0.0, 0.0]
    return y_hat, y


# -- mse and mse_grad ---------------------------------------------------------
def grade_mse_values(mse):
    """Random arrays of several shapes, plain floats, lists, 0-d arrays."""
    for y_hat, y in _kinds(_normal(grading_rng())):
        expected = oracles.mse(y_hat, y)
        _assert_loss(mse, "mse", y_hat, y, expected,
                     hints=_mse_hints(y_hat, y, expected))


def grade_mse_unchanged(mse):
    """Random arrays (ŷ − y from 2 to 4): neither may be changed."""
    rng = grading_rng()
    for n in (3, 5, 8):
        y = rng.normal(size=n)
        _assert_keeps(mse, "mse", y + rng.uniform(2.0, 4.0, size=n), y,
                      shape=(), low=1.0, high=1000.0)


def grade_mse_grad(mse_grad):
    """Random arrays of several shapes, plain floats, lists, 0-d arrays,
    against central differences of the oracle's MSE."""
    for y_hat, y in _kinds(_normal(grading_rng())):
        # a step of 1e-3: exact for a quadratic, and rounding errors small
        # enough (1e-13) for gradients near 0
        expected = oracles.central_difference(
            lambda t, y=y: oracles.mse(t, y), y_hat, eps=1e-3)
        _assert_grad(mse_grad, "mse_grad", y_hat, y, expected,
                     hints=_mse_grad_hints(y_hat, expected))


def grade_mse_grad_unchanged(mse_grad):
    """Random 2-D arrays (ŷ in the thousands, ŷ − y from 2 to 4)."""
    rng = grading_rng()
    for shape in [(2, 3), (4, 2), (3, 3)]:
        y = rng.uniform(2000.0, 3000.0, size=shape)
        _assert_keeps(mse_grad, "mse_grad",
                      y + rng.uniform(2.0, 4.0, size=shape), y,
                      shape=shape, low=0.1, high=100.0)


# -- bce and bce_grad ---------------------------------------------------------
def _bce_mistakes(y_hat, y, expected):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    only_first = float(-np.mean(y * np.log(y_hat)))
    swapped = float(-np.mean(y * np.log(1 - y_hat)
                             + (1 - y) * np.log(y_hat)))
    return _bce_hints(y_hat, expected, only_first, swapped)


def _bce_cases(rng, low):
    """``(y_hat, y, keyword arguments)``: ŷ in [low, 1 − low] of every
    kind, and an eps given by name."""
    cases = [(*case, {}) for case in _kinds(_probabilities(rng, low))]
    cases.append((*_probabilities(rng, 0.05)((5,)), {"eps": 1e-9}))
    return cases


def grade_bce_values(bce):
    """Random ŷ in [0.01, 0.99] of every kind, and an eps given by name;
    the tolerance admits any eps up to 1e-7."""
    for y_hat, y, kwargs in _bce_cases(grading_rng(), 0.01):
        expected = oracles.bce(y_hat, y)
        _assert_loss(bce, "bce", y_hat, y, expected, kwargs=kwargs,
                     atol=_eps_atol(y_hat),
                     hints=_bce_mistakes(y_hat, y, expected))


def grade_bce_unchanged(bce):
    """Random confidently wrong predictions, then random ones with ŷ
    exactly 0 and 1: neither input may be changed."""
    rng = grading_rng()
    for n in (4, 6, 9):
        _assert_keeps(bce, "bce", *_confidently_wrong(rng, (n,)), shape=(),
                      low=1.0, high=100.0, ends=_with_ends(rng, (n,)))


def _ends(rng):
    """Every pair of ends alone, and random arrays and a list with some
    ŷ exactly 0 or 1."""
    cases = [(0.0, 1.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    cases += [_with_ends(rng, shape) for shape in [(5,), (3, 4), (2, 3, 2)]]
    y_hat, y = _with_ends(rng, (6,))
    cases.append((y_hat.tolist(), y.tolist()))
    return cases


def grade_bce_stable(bce):
    """Finite, without warnings, at ŷ = 0 and 1; −log(eps) for a
    certainly wrong prediction."""
    _assert_stable(bce, "bce", _ends(grading_rng()))


def grade_bce_grad(bce_grad):
    """Random ŷ in [0.05, 0.95] of every kind, and an eps given by name,
    against central differences of the oracle's BCE (accurate to about
    1e-9); the tolerance admits any eps up to 1e-7."""
    for y_hat, y, kwargs in _bce_cases(grading_rng(), 0.05):
        expected = oracles.central_difference(
            lambda t, y=y: oracles.bce(t, y), y_hat)
        _assert_grad(bce_grad, "bce_grad", y_hat, y, expected, kwargs=kwargs,
                     tol=_eps_tol(y_hat),
                     hints=_bce_grad_hints(y_hat, y, expected))


def grade_bce_grad_unchanged(bce_grad):
    """Random confidently wrong predictions, then random ones with ŷ
    exactly 0 and 1: neither input may be changed."""
    rng = grading_rng()
    for shape in [(2, 3), (3, 2), (2, 2)]:
        _assert_keeps(bce_grad, "bce_grad", *_confidently_wrong(rng, shape),
                      shape=shape, low=0.1, high=1000.0,
                      ends=_with_ends(rng, shape))


def grade_bce_grad_stable(bce_grad):
    """Finite, without warnings, at ŷ = 0 and 1; a huge push for a
    certainly wrong prediction."""
    _assert_stable(bce_grad, "bce_grad", _ends(grading_rng()))
