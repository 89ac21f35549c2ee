"""Lesson 02-loss-functions: its visible checks and its figure.

The checks compare the learner's losses and gradients with the lesson's
worked numbers and with values tabulated once (exactly, with fractions
and an oracle, offline), and with properties (one number, an input left
unchanged, finite at ŷ = 0 and 1); they compute none of the four
exercises, so nothing here can be pasted as an answer.
The hidden tests that grade the lesson live on the grader's side
(``autograder/hidden/lesson02.py``) and share the per-case assertions
below.

Any eps up to 1e-7 is right, whether it clips ŷ or is added inside the
logarithm: the tolerances of the BCE checks follow from that range
(:data:`EPS_MAX`), not from the lesson's own eps.
"""

import copy
import warnings

import matplotlib.pyplot as plt
import numpy as np

from coursetools.checks import (
    CheckFailed,
    assert_close,
    assert_gradient_close,
    assert_no_warnings,
    assert_plausible,
    assert_unchanged,
    check,
    describe,
    show_failures_as_messages,
)
from coursetools.drawing import FAINT, learner_values, num, show_message

__all__ = [
    "check_bce_grad",
    "check_bce_grad_stable",
    "check_bce_grad_unchanged",
    "check_bce_stable",
    "check_bce_unchanged",
    "check_bce_values",
    "check_mse_grad",
    "check_mse_grad_unchanged",
    "check_mse_unchanged",
    "check_mse_values",
    "plot_losses",
]

show_failures_as_messages()

#: The largest eps a right bce or bce_grad may use (clipping ŷ into
#: [eps, 1 − eps] or adding eps inside the logarithm), and the smallest
#: for which 1 − eps still differs from 1 in float64.
EPS_MAX, EPS_MIN = 1e-7, 1e-16
#: A certainly wrong prediction costs −log(eps) and gets a push of about
#: 1/eps: no eps from EPS_MIN up gives more than these.
BCE_CEILING = -np.log(EPS_MIN / 10)
GRAD_CEILING = 10 / EPS_MIN
#: ŷ that is nearly certainly wrong, beside ŷ = 0 (certainly wrong)
NEARLY = 1e-6

# -- the tabulated cases: (y_hat, y, keyword arguments, the right value) --
# The 2-D case of every check: two samples of three outputs each.
Y_HAT_2D = [[0.5, 0.0, 1.0], [0.2, 0.9, 0.4]]
Y_2D = [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]
P_2D = [[0.9, 0.2, 0.6], [0.05, 0.5, 0.99]]  # probabilities, for the BCE
T_2D = [[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]]

MSE_CASES = [  # the worked numbers, then (0.25 + 0 + 1 + 0.04 + 0.01 + 0.36)/6
    (0.8, 1.0, 0.04),
    ([0.8, 0.6], [1.0, 0.5], 0.025),
    (np.array(Y_HAT_2D), np.array(Y_2D), 0.27666666666666667),
    (np.array(0.3), np.array(0.0), 0.09),
]
MSE_GRAD_CASES = [  # 2(ŷ − y)/n, exactly
    (0.8, 1.0, -0.4),
    ([0.8, 0.6], [1.0, 0.5], [-0.2, 0.1]),
    (np.array(Y_HAT_2D), np.array(Y_2D),
     [[-0.16666666666666666, 0.0, 0.3333333333333333],
      [0.06666666666666667, -0.03333333333333333, -0.2]]),
    (np.array(0.3), np.array(0.0), 0.6),
]
# bce: (y_hat, y, kwargs, bce, −mean(y log ŷ), the two logs swapped)
BCE_CASES = [
    (0.8, 1.0, {}, 0.2231435513142097, 0.2231435513142097,
     1.6094379124341005),
    ([0.8, 0.3], [1.0, 0.0], {}, 0.289909247626471, 0.11157177565710485,
     1.4067053583800182),
    (np.array(P_2D), np.array(T_2D), {}, 0.8239540981356047,
     0.6340483842708774, 1.6287432150216208),
    (np.array(0.4), np.array(0.0), {}, 0.5108256237659907, 0.0,
     0.916290731874155),
    (np.array([0.25, 0.6]), np.array([0.0, 1.0]), {"eps": 1e-9},
     0.3992538481088858, 0.25541281188299536, 1.1512925464970227),
]
BCE_GRAD_CASES = [  # (ŷ − y) / (ŷ(1 − ŷ)) / n, exactly
    (0.8, 1.0, {}, -1.25),
    ([0.8, 0.3], [1.0, 0.0], {}, [-0.625, 0.7142857142857143]),
    (np.array(P_2D), np.array(T_2D), {},
     [[-0.18518518518518517, 0.20833333333333334, 0.4166666666666667],
      [-3.3333333333333335, -0.3333333333333333, -0.16835016835016836]]),
    (np.array(0.4), np.array(0.0), {}, 1.6666666666666667),
    (np.array([0.25, 0.6]), np.array([0.0, 1.0]), {"eps": 1e-9},
     [0.6666666666666666, -0.8333333333333334]),
]

# -- the unchanged checks: inputs whose answers are far from 0 and 0.5 -----
# ŷ − y from 2.5 to 3.5: an MSE of about 10 (any attempt gives 1 to 1000)
MSE_KEEP = (np.array([5.5, 6.0, 5.0, 6.5]), np.array([2.0, 3.0, 2.5, 3.5]))
# ŷ in the thousands, gradients of about 1: a gradient is not ŷ itself
MSE_GRAD_KEEP = (np.array([[2005.5, 2006.0, 2005.0], [2006.5, 2005.25,
                                                       2006.0]]),
                 np.array([[2002.0, 2003.0, 2002.5], [2003.5, 2002.0,
                                                       2003.0]]))
# confidently wrong predictions: a BCE of about 3.4, gradients of 3 to 9
BCE_KEEP = (np.array([0.02, 0.97, 0.05, 0.96]), np.array([1.0, 0.0, 1.0,
                                                         0.0]))
BCE_GRAD_KEEP = (np.array([[0.02, 0.97, 0.05], [0.96, 0.03, 0.98]]),
                 np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]))
# ...and with predictions exactly 0 and 1, which a clip in place changes
ENDS_KEEP = (np.array([0.0, 1.0, 0.3, 1.0]), np.array([1.0, 0.0, 0.0, 1.0]))

# -- the stability checks: predictions exactly 0 or 1 ----------------------
ENDS = [(0.0, 1.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0), ENDS_KEEP]


# -- shared by the visible checks and the hidden tests ----------------------
def _number(value):
    """A number as short as it is exact (``0.8``, ``1.0``, ``1e-06``), or
    to 6 significant digits."""
    value = float(value)
    short = f"{value:.6g}"
    return repr(value) if float(short) == value else short


def _call(name, y_hat, y, kwargs=None):
    """How a call looks in a message: ``mse(0.8, 1.0)``,
    ``mse([0.8, 0.6], [1.0, 0.5])``, or the shapes of the arrays."""
    extra = "".join(f", {k}={v!r}" for k, v in (kwargs or {}).items())
    if isinstance(y_hat, (int, float)):
        return f"{name}({_number(y_hat)}, {_number(y)}{extra})"
    if isinstance(y_hat, list):
        if len(y_hat) <= 4 and np.ndim(y_hat) == 1:
            return f"{name}({y_hat}, {y}{extra})"
        return f"{name}(y_hat, y{extra}) for lists of length {len(y_hat)}"
    if np.ndim(y_hat) == 0:
        return (f"{name}(np.array({_number(y_hat)}), "
                f"np.array({_number(y)}){extra})")
    if np.size(y_hat) <= 4 and np.ndim(y_hat) == 1:
        return (f"{name}(np.array({np.asarray(y_hat).tolist()}), "
                f"np.array({np.asarray(y).tolist()}){extra})")
    return f"{name}(y_hat, y{extra}) for arrays of shape {np.shape(y_hat)}"


def _sizes(y_hat):
    """``(n, rows)``: the number of elements, and len(y_hat)."""
    n = int(np.size(y_hat))
    return n, (len(y_hat) if np.ndim(y_hat) else 1)


def _one_number(got, what):
    """Fail when a loss returned an array with axes: a mean along one
    axis rather than over all elements."""
    if isinstance(got, np.ndarray) and got.ndim:
        raise CheckFailed(
            f"{what} returned {describe(got)}, not one number: a loss is "
            "the mean over all elements (np.mean with no axis).")


def _close_but_not(exc, got, expected):
    """A failure whose values are within 1 % of the right ones: say which
    eps is accepted."""
    try:
        got = np.asarray(got, dtype=float)
        expected = np.asarray(expected, dtype=float)
        if got.shape != expected.shape:
            return exc
        rel = float(np.max(np.abs(got - expected) / np.abs(expected)))
    except (TypeError, ValueError):
        return exc
    if not rel < 1e-2:
        return exc
    return CheckFailed(
        f"{exc} That is close: any eps up to {EPS_MAX:g} is accepted, "
        "whether it clips ŷ or is added inside the logarithm. Is yours "
        "larger?")


def _eps_atol(y_hat):
    """How far any eps up to EPS_MAX may move a mean of log ŷ and
    log(1 − ŷ): log(p + eps) − log(p) <= eps / p."""
    p = np.asarray(y_hat, dtype=float)
    return 1e-12 + EPS_MAX / float(min(p.min(), (1 - p).min()))


def _eps_tol(y_hat):
    """The relative error of a gradient with any eps up to EPS_MAX, in
    any place (ŷ + eps, 1 − ŷ + eps, ŷ(1 − ŷ) + eps), on top of the
    1e-6 of a numerical comparison."""
    p = np.asarray(y_hat, dtype=float)
    return 1e-6 + EPS_MAX / float((p * (1 - p)).min())


def _mse_hints(y_hat, y, expected):
    """What typical mistakes return, from the right value ``expected``."""
    d = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    n, rows = _sizes(d)
    return {
        "the sum of (ŷ − y)², not the mean: divide by n.": expected * n,
        "the sum divided by the number of rows: n counts all elements "
        "(y_hat.size), not the rows (len(y_hat)).": expected * n / rows,
        "½ · mean (ŷ − y)²: this course's MSE has no ½.": expected / 2,
        "the mean of |ŷ − y| (for one number, also the root of the MSE): "
        "square the errors, and take no square root.": np.mean(np.abs(d)),
        "the mean of ŷ − y: is the square missing?": np.mean(d),
        "the root of the MSE: is there a square root too many?":
            np.sqrt(expected),
    }


def _mse_grad_hints(y_hat, expected):
    n, rows = _sizes(y_hat)
    expected = np.asarray(expected, dtype=float)
    return {
        "(ŷ − y)/n, the gradient of ½(ŷ − y)²: this course's MSE has no ½, "
        "so the 2 stays.": expected / 2,
        "2(ŷ − y)/len(y_hat): n counts all elements (y_hat.size), not the "
        "rows.": expected * n / rows,
    }


def _bce_hints(y_hat, expected, only_first, swapped):
    """What typical mistakes return; ``only_first`` is −mean(y log ŷ),
    ``swapped`` the BCE with log ŷ and log(1 − ŷ) swapped."""
    n, _ = _sizes(y_hat)
    return {
        "mean(y log ŷ + (1 − y) log(1 − ŷ)): the minus sign in front is "
        "missing.": -expected,
        "the BCE with log base 10: use np.log, the natural logarithm.":
            expected / np.log(10),
        "the sum, not the mean: divide by n.": expected * n,
        "−mean(y log ŷ): is the term (1 − y) log(1 − ŷ) missing?": only_first,
        "y log(1 − ŷ) + (1 − y) log ŷ: are the two logs swapped?": swapped,
    }


def _bce_grad_hints(y_hat, y, expected):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    n, rows = _sizes(y_hat)
    expected = np.asarray(expected, dtype=float)
    return {
        "(ŷ − y)/n: is the division by ŷ(1 − ŷ) missing?":
            expected * y_hat * (1 - y_hat),
        "(ŷ − y)/(ŷ(1 − ŷ))/len(y_hat): n counts all elements "
        "(y_hat.size), not the rows.": expected * n / rows,
        "the gradient of a BCE in log base 10: use np.log, the natural "
        "logarithm.": expected / np.log(10),
        "(−y/ŷ − (1 − y)/(1 − ŷ))/n: a sign error in the second term?":
            np.where(y == 1, expected, -expected),
    }


def _assert_loss(loss, name, y_hat, y, expected, *, kwargs=None,
                 atol=1e-12, hints=None):
    """Check one value of a loss (``name`` is ``"mse"`` or ``"bce"``)."""
    kwargs = kwargs or {}
    what = _call(name, y_hat, y, kwargs)
    got = loss(copy.deepcopy(y_hat), copy.deepcopy(y), **kwargs)
    _one_number(got, what)
    if name == "bce" and isinstance(got, (float, np.floating, np.ndarray)) \
            and np.isnan(got):
        raise CheckFailed(
            f"{what} gave nan, although every ŷ is strictly between 0 and "
            "1, where log ŷ and log(1 − ŷ) are finite: is a log taken of y "
            "or 1 − y instead of ŷ or 1 − ŷ?")
    try:
        assert_close(got, expected, what, atol=atol, hints=hints)
    except CheckFailed as exc:
        if name != "bce":
            raise
        raise _close_but_not(exc, got, expected) from None


def _matching(got, expected, hints, rtol):
    """The first diagnosis of ``hints`` whose value ``got`` equals (and
    the right value does not), or ``""``."""
    for diagnosis, value in hints.items():
        try:
            value = np.asarray(value, dtype=float)
            if (np.shape(got) == value.shape
                    and np.allclose(np.asarray(got, dtype=float), value,
                                    rtol=rtol)
                    and not np.allclose(expected, value, rtol=rtol)):
                return diagnosis
        except (TypeError, ValueError):
            continue
    return ""


def _assert_grad(grad, name, y_hat, y, expected, *, kwargs=None, tol=1e-6,
                 hints=None):
    """Check one gradient against the right one, ``expected`` (exact, or
    central differences of a trusted loss), by relative error ``tol``;
    name a typical mistake when the values match it."""
    kwargs = kwargs or {}
    what = _call(name, y_hat, y, kwargs)
    got = grad(copy.deepcopy(y_hat), copy.deepcopy(y), **kwargs)
    n = np.size(y_hat) if np.size(y_hat) > 1 else None  # 1/n or 1/(2n)
    try:
        assert_gradient_close(got, expected, what, tol=tol, n=n)
    except CheckFailed as exc:
        diagnosis = _matching(got, expected, hints or {}, max(tol, 1e-6))
        if diagnosis:
            raise CheckFailed(f"{exc} Your values match {diagnosis}"
                              ) from None
        if name == "bce_grad":
            raise _close_but_not(exc, got, expected) from None
        raise


def _assert_attempt(got, what, shape, low, high, requirement):
    """Fail unless ``got`` has ``shape`` and values from ``low`` to
    ``high`` in size, either sign (a placeholder such as 0, 0.5 or ŷ
    itself has not), so that a test of a secondary requirement earns
    nothing for an answer not written."""
    assert_plausible(got, what, shape=shape, low=-high, high=high,
                     requirement=requirement)
    if np.any(np.abs(np.asarray(got, dtype=float)) < low):
        raise CheckFailed(
            f"{what} returned values of size below {low:g}, far from what "
            f"these inputs give. This test checks {requirement}, and needs "
            "a working answer to do so.")


def _assert_keeps(fn, name, y_hat, y, shape, low, high, ends=None):
    """Check that ``fn`` leaves ``y_hat`` and ``y`` unchanged; ``ends``,
    inputs with ŷ exactly 0 and 1 (which a clip in place changes), are
    called too, with warnings silenced and any result accepted: the
    stability test counts those."""
    what = _call(name, y_hat, y)
    got = assert_unchanged(fn, y_hat.copy(), y.copy(), what=what)
    _assert_attempt(got, what, shape, low, high,
                    "that y_hat and y are left unchanged")
    if ends is None:
        return
    y_hat, y = ends
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            fn(y_hat.copy(), y.copy())  # does it run at the ends at all?
        except Exception:  # the stability test says what is wrong
            return
        assert_unchanged(fn, y_hat.copy(), y.copy(),
                         what=_call(name, y_hat, y))


def _assert_finite(fn, name, y_hat, y, advice):
    """At predictions exactly 0 or 1: no warning, and a finite answer of
    the right shape (one number for a loss)."""
    what = _call(name, y_hat, y)
    args = copy.deepcopy((y_hat, y))
    try:
        got = assert_no_warnings(lambda: fn(*args), what)
    except CheckFailed as exc:
        raise CheckFailed(f"{exc} Here: {advice}") from None
    if name == "bce":
        _one_number(got, what)
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        values = np.zeros(())  # not numbers: assert_plausible says so
    if not np.all(np.isfinite(values)):
        gave = (f"gave {float(values)}" if values.ndim == 0
                else "gave inf or nan")
        raise CheckFailed(f"{what} {gave}: {advice}")
    assert_plausible(got, what, shape=() if name == "bce" else
                     np.shape(y_hat),
                     requirement="that ŷ = 0 and ŷ = 1 give finite values")
    return got


def _assert_certainly_wrong(fn, name):
    """A certainly wrong prediction, ŷ = 0 for y = 1, costs −log(eps) and
    gets a push of about −1/eps: far more than at ŷ = NEARLY (1e-6),
    which no eps up to EPS_MAX clips, and less than any eps from EPS_MIN
    gives. Signs are the values tests' business: sizes are compared."""
    what, near = _call(name, 0.0, 1.0), _call(name, NEARLY, 1.0)
    requirement = "that ŷ = 0 and ŷ = 1 give finite values"
    got = abs(float(assert_plausible(fn(0.0, 1.0), what,
                                     requirement=requirement)))
    at_near = abs(float(assert_plausible(fn(NEARLY, 1.0), near,
                                         requirement=requirement)))
    if name == "bce":
        # −log(eps) − (−log(1e-6)) >= log(10) for any eps up to 1e-7;
        # log(3) leaves room for an eps that clips and is added as well
        floor, ceiling = at_near + np.log(3), BCE_CEILING
        short = (f"only {got - at_near:.3g} more than {near} gives "
                 f"({at_near:.6g})")
        costs = (f"costs −log(eps): {-np.log(1e-12):.4g} for eps = 1e-12, "
                 f"and at least {-np.log(EPS_MAX):.4g}, or "
                 f"{np.log(10):.2g} more than at ŷ = {NEARLY:g}, for any "
                 f"eps up to {EPS_MAX:g}")
    else:
        # 1/eps against 1/1e-6: at least 10 times for any eps up to 1e-7
        # (3 times leaves room for an eps that clips and is added as well)
        floor = max(3 * at_near, 1 / (3 * EPS_MAX))
        ceiling = GRAD_CEILING
        short = f"and {near} {at_near:.6g}"
        costs = ("needs a huge, finite push towards y, about 1/eps in "
                 "size: 1e+12 for eps = 1e-12, and at least 1e+07, 10 "
                 f"times the push at ŷ = {NEARLY:g}, for any eps up to "
                 f"{EPS_MAX:g}")
    if got < floor:
        raise CheckFailed(
            f"{what} gave {got:.6g} in size, {short}. A certainly wrong "
            f"prediction {costs}. Clip ŷ with a tiny eps (at most "
            f"{EPS_MAX:g}), or add it inside the logarithm.")
    if got > ceiling:
        raise CheckFailed(
            f"{what} gave {got:.6g} in size. A certainly wrong prediction "
            f"{costs}: huge, but no more than {ceiling:.3g} for any eps "
            f"from {EPS_MIN:g} up. Is inf or nan replaced by a big number "
            "(np.nan_to_num) instead of ŷ clipped into [eps, 1 − eps]?")


def _assert_stable(fn, name, cases):
    """Finite values without warnings for ``cases`` (ŷ exactly 0 or 1),
    and the right size for a certainly wrong prediction."""
    advice = ("log(0) is −∞. Clip ŷ into [eps, 1 − eps] before taking any "
              "log." if name == "bce" else "ŷ(1 − ŷ) is 0 at ŷ = 0 and 1. "
              "Clip ŷ into [eps, 1 − eps] first.")
    for y_hat, y in cases:
        _assert_finite(fn, name, y_hat, y, advice)
    _assert_certainly_wrong(fn, name)


# -- the visible checks ------------------------------------------------------
@check("mse gives the worked numbers, for numbers, lists and arrays")
def check_mse_values(mse):
    """Check ``mse`` on the worked example, a 2-D batch (one number: the
    mean over all six elements) and 0-d arrays, against tabulated
    values."""
    for y_hat, y, expected in MSE_CASES:
        _assert_loss(mse, "mse", y_hat, y, expected,
                     hints=_mse_hints(y_hat, y, expected))


@check("mse leaves y_hat and y unchanged")
def check_mse_unchanged(mse):
    """Check that ``mse`` changes neither of its input arrays."""
    _assert_keeps(mse, "mse", *MSE_KEEP, shape=(), low=1.0, high=1000.0)


@check("mse_grad gives the right gradients, for numbers, lists and arrays")
def check_mse_grad(mse_grad):
    """Check ``mse_grad`` on the worked example, a 2-D batch and 0-d
    arrays, against gradients tabulated exactly."""
    for y_hat, y, expected in MSE_GRAD_CASES:
        _assert_grad(mse_grad, "mse_grad", y_hat, y, expected,
                     hints=_mse_grad_hints(y_hat, expected))


@check("mse_grad leaves y_hat and y unchanged")
def check_mse_grad_unchanged(mse_grad):
    """Check that ``mse_grad`` changes neither of its input arrays."""
    _assert_keeps(mse_grad, "mse_grad", *MSE_GRAD_KEEP, shape=(2, 3),
                  low=0.1, high=100.0)


@check("bce gives the right numbers for predictions inside (0, 1)")
def check_bce_values(bce):
    """Check ``bce`` on the worked example, a 2-D batch, 0-d arrays and
    an eps given by name, against tabulated values (any eps up to 1e-7
    is within the tolerance)."""
    for y_hat, y, kwargs, expected, first, swapped in BCE_CASES:
        _assert_loss(bce, "bce", y_hat, y, expected, kwargs=kwargs,
                     atol=_eps_atol(y_hat),
                     hints=_bce_hints(y_hat, expected, first, swapped))


@check("bce leaves y_hat and y unchanged")
def check_bce_unchanged(bce):
    """Check that ``bce`` changes neither of its input arrays, also where
    ŷ is exactly 0 or 1."""
    _assert_keeps(bce, "bce", *BCE_KEEP, shape=(), low=1.0, high=100.0,
                  ends=ENDS_KEEP)


@check("bce stays finite at ŷ = 0 and ŷ = 1")
def check_bce_stable(bce):
    """Check that ``bce`` gives finite numbers, without warnings, where ŷ
    is exactly 0 or 1, and that a certainly wrong prediction costs
    −log(eps) for a tiny eps."""
    _assert_stable(bce, "bce", ENDS)


@check("bce_grad gives the right gradients for predictions inside (0, 1)")
def check_bce_grad(bce_grad):
    """Check ``bce_grad`` on the worked example, a 2-D batch, 0-d arrays
    and an eps given by name, against gradients tabulated exactly (any
    eps up to 1e-7 is within the tolerance)."""
    for y_hat, y, kwargs, expected in BCE_GRAD_CASES:
        _assert_grad(bce_grad, "bce_grad", y_hat, y, expected,
                     kwargs=kwargs, tol=_eps_tol(y_hat),
                     hints=_bce_grad_hints(y_hat, y, expected))


@check("bce_grad leaves y_hat and y unchanged")
def check_bce_grad_unchanged(bce_grad):
    """Check that ``bce_grad`` changes neither of its input arrays, also
    where ŷ is exactly 0 or 1."""
    _assert_keeps(bce_grad, "bce_grad", *BCE_GRAD_KEEP, shape=(2, 3),
                  low=0.1, high=1000.0, ends=ENDS_KEEP)


@check("bce_grad stays finite at ŷ = 0 and ŷ = 1")
def check_bce_grad_stable(bce_grad):
    """Check that ``bce_grad`` gives finite gradients, without warnings,
    where ŷ is exactly 0 or 1, and a huge push for a certainly wrong
    prediction."""
    _assert_stable(bce_grad, "bce_grad", ENDS)


# -- the figure --------------------------------------------------------------

def _per_sample(fn):
    """``fn(ŷ, 1.0)`` for one prediction at a time, over an array of ŷ:
    the curve of a loss, or of its gradient, for one sample with y = 1."""
    def curve(y_hat):
        return np.array([fn(float(v), 1.0) for v in y_hat], dtype=float)
    return curve


def plot_losses(mse, bce, mse_grad, bce_grad, axes=None):
    """Draw MSE and BCE of one prediction ŷ against the true answer y = 1
    (left) and their gradients ∂L/∂ŷ (right), for ŷ in (0, 1], with the
    confidently wrong region (ŷ < 0.1) shaded and its edge labelled.

    The four functions are the learner's, each called on one sample at a
    time. Returns the two axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 4.2),
                               layout="constrained")
    y_hat = np.linspace(0.01, 1.0, 397)
    panels = [(axes[0], (mse, bce), "loss L", (-0.1, 5.0),
               "Loss of one prediction ŷ when y = 1"),
              (axes[1], (mse_grad, bce_grad), "gradient ∂L/∂ŷ", (-21.0, 2.0),
               "Its gradient: how hard the loss pushes ŷ")]
    for ax, fns, ylabel, ylim, title in panels:
        curves, at_edge = {}, None  # after the loop: the gradient panel's
        for fn in fns:
            name = getattr(fn, "__name__", "your function")
            values, message = learner_values(_per_sample(fn), name,
                                             (y_hat,), y_hat.shape)
            if message:
                show_message(ax, message)
                break
            curves[name] = values
        else:
            at_edge = _loss_panel(ax, y_hat, curves)
            ax.set_ylim(*ylim)
            ax.set_ylabel(ylabel)
            ax.set_title(title)
    if at_edge and at_edge[0] != 0:
        ratio = at_edge[1] / at_edge[0]
        axes[1].text(0.97, 0.22, f"At ŷ = 0.1, BCE pushes\n"
                     f"{num(ratio)} times as hard as MSE",
                     transform=axes[1].transAxes,
                     ha="right", va="center", fontsize=10)
    return axes


def _loss_panel(ax, y_hat, curves, edge=0.1):
    """One panel of :func:`plot_losses`: two curves for y = 1, the
    confidently wrong region shaded, the values at its edge labelled and
    returned."""
    ax.axvspan(0.0, edge, color="#fde2e2", zorder=0)
    ax.text(edge / 2, 0.4, "confidently wrong", rotation=90, fontsize=9,
            transform=ax.get_xaxis_transform(), ha="center", va="center",
            color="C3")
    ax.axhline(0.0, color=FAINT, lw=0.8, ls="--")
    values_at_edge = []
    for (name, values), color in zip(curves.items(), ("C0", "C1")):
        at_edge = float(np.interp(edge, y_hat, values))
        values_at_edge.append(at_edge)
        ax.plot(y_hat, values, lw=2.5, color=color,
                label=f"{name}: {num(at_edge, 2)} at ŷ = {edge:g}")
        ax.plot(edge, at_edge, "o", color=color, zorder=3)
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("prediction ŷ (the true answer is y = 1)")
    ax.legend(loc="center right", frameon=False)
    return values_at_edge
