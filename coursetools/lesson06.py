"""Lesson 06-training-in-practice: its visible checks, figures and widget.

The checks compare the learner's functions with tabulated numbers (ReLU
and its slope at a few points; a data set whose per-column mean and
standard deviation are round numbers, and the standardised values they
give), with tabulated standard deviations of He's and Xavier's normal
distributions, and with properties (shapes, zero biases, statistics of
many draws, the same draws from the same seed, an input left unchanged).
They compute none of the exercises, so nothing here can be pasted as an
answer. The hidden tests that grade the lesson live on the grader's side
(``autograder/hidden/lesson06.py``).
"""

import matplotlib.pyplot as plt
import numpy as np

from coursetools.checks import (
    CheckFailed,
    assert_close,
    assert_plausible,
    assert_unchanged,
    check,
    describe,
    show_failures_as_messages,
)
from coursetools.drawing import (
    DPI,
    FAINT,
    Backdrop,
    axes,
    explain_failure,
    explorer,
    learner_values,
    message_png,
    offscreen_figure,
    show_message,
)

__all__ = [
    "check_init_params_biases",
    "check_init_params_he",
    "check_init_params_seed",
    "check_init_params_xavier",
    "check_relu_grad_unchanged",
    "check_relu_grad_values",
    "check_relu_unchanged",
    "check_relu_values",
    "check_standardize_constant",
    "check_standardize_given",
    "check_standardize_unchanged",
    "check_standardize_values",
    "gradient_explorer",
    "plot_digits",
    "plot_gradient_norms",
    "plot_history",
    "plot_relu",
]

show_failures_as_messages()


def _attempt(got, z, what, requirement):
    """Fail unless ``got`` looks like an attempt at an elementwise function
    of ``z``: z's shape, finite, neither all zero nor z itself (a secondary
    test's guard against placeholders)."""
    assert_plausible(got, what, shape=np.shape(z), requirement=requirement)
    values = np.asarray(got, dtype=float)
    if not np.any(values) or np.array_equal(values, np.asarray(z, float)):
        raise CheckFailed(
            f"{what} returned {'only zeros' if not np.any(values) else 'z'}"
            f". This test checks {requirement}, and needs a working answer "
            "to do so.")
    return got


# -- relu ---------------------------------------------------------------------

#: relu(z) at a few points, as (z, relu(z)); numbers and a 0-d array too
RELU_TABLE = [
    (np.array([-2.0, -0.5, 0.0, 1.5, 3.0]),
     np.array([0.0, 0.0, 0.0, 1.5, 3.0])),
    (np.array([[-1.0, 2.0], [0.25, -4.0]]),
     np.array([[0.0, 2.0], [0.25, 0.0]])),
    (-3.0, 0.0), (2.5, 2.5), (np.array(-1.25), 0.0),
]


def _relu_mistakes(z, expected):
    """What typical mistakes return, for the messages; ``expected`` is
    relu(z), from a table or the grader's oracle."""
    z = np.asarray(z, dtype=float)
    expected = np.asarray(expected, dtype=float)
    return {
        "min(z, 0): the negative part instead of the positive one?":
            z - expected,
        "|z|: a negative z becomes 0, not −z.": np.abs(z),
        "1 where z > 0, else 0: the slope, relu_grad, instead of relu?":
            (expected > 0).astype(float),
        "z itself: was anything applied?": z,
    }


def _describe_z(z):
    if np.ndim(z) == 0:
        return (f"relu({float(z):g})" if not isinstance(z, np.ndarray) else
                f"relu(z) for z a 0-d array (np.array({float(z):g}))")
    return f"relu(z) for z = {np.asarray(z).tolist()}"


def _check_relu(relu, z, expected, what):
    """relu(z), on a copy, against ``expected``."""
    arg = z.copy() if isinstance(z, np.ndarray) else z
    assert_close(relu(arg), expected, what, hints=_relu_mistakes(z, expected))


@check("relu gives max(0, z) for numbers and arrays")
def check_relu_values(relu):
    """Check ``relu`` against tabulated values: arrays of shape (5,) and
    (2, 2), two numbers and a 0-d array."""
    for z, expected in RELU_TABLE:
        _check_relu(relu, z, expected, _describe_z(z))


RELU_UNCHANGED = "that z is left unchanged"


def _check_relu_unchanged(relu, z, what):
    got = assert_unchanged(relu, z, what=what)
    _attempt(got, z, what, RELU_UNCHANGED)


@check("relu leaves z unchanged")
def check_relu_unchanged(relu):
    """Check that ``relu`` leaves its input array unchanged."""
    for z, _ in RELU_TABLE[:2]:
        _check_relu_unchanged(relu, z.copy(), _describe_z(z))


# -- relu_grad ----------------------------------------------------------------

#: relu_grad(z) away from 0, as (z, slope)
RELU_GRAD_TABLE = [
    (np.array([-2.0, -0.5, 1.5, 3.0]), np.array([0.0, 0.0, 1.0, 1.0])),
    (np.array([[3.5, -1.0], [-0.25, 0.5]]), np.array([[1.0, 0.0],
                                                      [0.0, 1.0]])),
    (-3.0, 0.0), (2.5, 1.0), (np.array(-1.25), 0.0),
]


def _as_numbers(got):
    """Booleans as 0.0 and 1.0: a mask multiplies a gradient just as well,
    so `z > 0` itself is accepted."""
    if isinstance(got, (bool, np.bool_)):
        return float(got)
    if isinstance(got, np.ndarray) and got.dtype == bool:
        return got.astype(float)
    return got


def _grad_mistakes(z, expected):
    """What typical mistakes return, for the messages; ``expected`` is the
    slope at z (z ≠ 0), from a table or the grader's oracle."""
    z = np.asarray(z, dtype=float)
    expected = np.asarray(expected, dtype=float)
    return {
        "relu(z): the function itself instead of its slope?": z * expected,
        "1 everywhere: the slope is 0 where z < 0.": np.ones_like(z),
        "sign(z): the slope is 0, not −1, where z < 0.": np.sign(z),
        "1 where z < 0: the comparison turned round?": 1.0 - expected,
    }


def _grad_what(z):
    return _describe_z(z).replace("relu(", "relu_grad(", 1)


def _check_grad(relu_grad, z, expected, what):
    """relu_grad(z), on a copy, against ``expected`` where z ≠ 0; where
    z = 0, any number from 0 to 1."""
    arg = z.copy() if isinstance(z, np.ndarray) else z
    got = _as_numbers(relu_grad(arg))
    expected = np.asarray(expected, dtype=float)
    at_zero = np.asarray(z) == 0
    if at_zero.any():
        try:
            values = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            values = None
        if values is not None and values.shape == np.shape(z):
            bad = at_zero & ~((values >= 0) & (values <= 1))
            if bad.any():
                raise CheckFailed(
                    f"{what} gave {float(values[bad].flat[0]):g} where z = 0"
                    ": at "
                    "z = 0 the slope jumps from 0 to 1, so a number from 0 "
                    "to 1 is expected (0 is usual).")
            expected = np.where(at_zero, values, expected)
    assert_close(got, expected, what, hints=_grad_mistakes(z, expected))


@check("relu_grad gives the ReLU's slope, and a number in [0, 1] at 0")
def check_relu_grad_values(relu_grad):
    """Check ``relu_grad`` against tabulated values away from 0 (arrays,
    numbers, a 0-d array), and at z = 0 alone and in an array."""
    for z, expected in RELU_GRAD_TABLE:
        _check_grad(relu_grad, z, expected, _grad_what(z))
    _check_grad(relu_grad, 0.0, 0.0, "relu_grad(0.0)")
    z = np.array([-1.0, 0.0, 2.0])
    _check_grad(relu_grad, z, np.array([0.0, 0.0, 1.0]), _grad_what(z))


GRAD_UNCHANGED = "that z is left unchanged"


def _check_grad_unchanged(relu_grad, z, what):
    got = _as_numbers(assert_unchanged(relu_grad, z, what=what))
    _attempt(got, z, what, GRAD_UNCHANGED)


@check("relu_grad leaves z unchanged")
def check_relu_grad_unchanged(relu_grad):
    """Check that ``relu_grad`` leaves its input array unchanged."""
    for z, _ in RELU_GRAD_TABLE[:2]:
        _check_grad_unchanged(relu_grad, z.copy(), _grad_what(z))


# -- init_params --------------------------------------------------------------

def _call_init(init_params, layer_sizes, **kwargs):
    """``init_params(layer_sizes, **kwargs)`` and a description of it."""
    args = ", ".join([str(list(layer_sizes))]
                     + [f"{k}={v!r}" for k, v in kwargs.items()])
    what = f"init_params({args})"
    return init_params(list(layer_sizes), **kwargs), what


def _keys(layer_sizes):
    return [f"{p}{layer}" for layer in range(1, len(layer_sizes))
            for p in "Wb"]


def _weights(params, layer_sizes, what):
    """The W_l of params, checked for keys, types and shapes (the He
    test's requirements; the biases are their own test's)."""
    keys = _keys(layer_sizes)
    if not isinstance(params, dict):
        raise CheckFailed(f"{what} returned {describe(params)}; expected "
                          f"a dict with the keys {keys}.")
    if sorted(params) != sorted(keys):
        raise CheckFailed(
            f"{what} returned the keys {sorted(map(str, params))}, expected "
            f"{keys}: one W and one b per layer, numbered from 1 to "
            f"{len(layer_sizes) - 1}.")
    out = []
    for layer, shape in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]),
                                  start=1):
        value = params[f"W{layer}"]
        if not (isinstance(value, np.ndarray) and value.dtype.kind == "f"):
            raise CheckFailed(f"{what}['W{layer}'] is {describe(value)}; "
                              f"expected a float array of shape {shape}.")
        if value.shape != shape:
            hint = (" It looks transposed: W_l has shape (fan_in, fan_out),"
                    " so that X @ W_l works."
                    if value.shape == shape[::-1] else "")
            raise CheckFailed(f"{what}['W{layer}'] has shape {value.shape}, "
                              f"expected {shape}.{hint}")
        out.append(value)
    return out


def _numbered(params, letter):
    """``{l: params[f"{letter}{l}"]}`` for the keys that are a letter and a
    number (numbered from 0 or from 1 alike), in order."""
    found = {}
    for key, value in params.items():
        if isinstance(key, str) and key[:1] == letter and key[1:].isdigit():
            found[int(key[1:])] = value
    return [found[k] for k in sorted(found)]


def _plausible_layers(params, layer_sizes, what, requirement):
    """The weights and biases of ``params`` for a secondary test: a dict
    with one W and one b per layer (numbered any way), each W a float
    array with fan_in · fan_out random values (either orientation)."""
    needs = (f" This test checks {requirement}, and needs a working "
             "answer to do so.")
    n = len(layer_sizes) - 1
    if not isinstance(params, dict):
        raise CheckFailed(f"{what} returned {describe(params)}; expected "
                          f"a dict with the keys {_keys(layer_sizes)}."
                          + needs)
    Ws, bs = _numbered(params, "W"), _numbered(params, "b")
    if len(Ws) != n or len(bs) != n:
        raise CheckFailed(
            f"{what} returned the keys {sorted(map(str, params))}, expected "
            f"{_keys(layer_sizes)}." + needs)
    for layer, (W, fan_in, fan_out) in enumerate(
            zip(Ws, layer_sizes[:-1], layer_sizes[1:]), start=1):
        if not (isinstance(W, np.ndarray) and W.dtype.kind == "f"
                and W.size == fan_in * fan_out and np.all(np.isfinite(W))):
            raise CheckFailed(
                f"{what}['W{layer}'] is {describe(W)}; expected "
                f"{fan_in * fan_out} random weights, a float array of shape "
                f"{(fan_in, fan_out)}." + needs)
        if np.ptp(W) == 0:
            raise CheckFailed(
                f"{what}['W{layer}'] holds one value, {float(W.flat[0]):g}, "
                "everywhere; expected random weights." + needs)
    return Ws, bs


def _check_spread(W, s, what, hints, normal=True):
    """W looks like draws from N(0, s²): its spread (and, with ``normal``,
    its mean and shape of distribution).

    Bounds are 6 standard errors of the sample statistics, so a right
    answer fails with a chance below 1e-8, whatever it was seeded with.
    """
    n = W.size
    spread = float(np.sqrt(np.mean(W**2)))  # about the mean 0
    if normal and abs(np.mean(W)) > 6 * spread / np.sqrt(n):
        raise CheckFailed(
            f"The weights of {what} have mean {np.mean(W):.3g}, expected "
            "0: draw them from a normal distribution centred at 0.")
    if abs(spread - s) > 6 * s / np.sqrt(2 * n):
        message = (f"The weights of {what} have standard deviation "
                   f"{spread:.4g}, expected {s:.4g}.")
        for diagnosis, wrong in hints.items():
            if abs(spread - wrong) <= 6 * wrong / np.sqrt(2 * n):
                message += f" They match {diagnosis}"
                break
        raise CheckFailed(message)
    excess = float(np.mean(W**4)) / spread**4 - 3  # 0 for a normal law
    if normal and abs(excess) > 6 * np.sqrt(24 / n):
        # The exercise asks for N(0, s²): a uniform law of the same
        # variance ("He uniform") is a different initialisation.
        shape = (" They look uniformly spread: draw from a normal "
                 "distribution, rng.normal or rng.standard_normal."
                 if abs(excess + 1.2) < 6 * np.sqrt(24 / n) else "")
        raise CheckFailed(f"The weights of {what} do not look normally "
                          f"distributed (excess kurtosis {excess:.2f}, 0 for"
                          f" a normal distribution).{shape}")


def _he_hints(fan_in, fan_out):
    """The standard deviation some typical mistakes give."""
    return {
        "N(0, 2 / fan_out): fan_out in place of fan_in?":
            np.sqrt(2 / fan_out),
        "a standard deviation of 2 / fan_in: that is the variance, take "
        "its square root.": 2 / fan_in,
        "N(0, 1 / fan_in): 1 in place of 2?": np.sqrt(1 / fan_in),
        "Xavier's N(0, 2 / (fan_in + fan_out)): is method ignored?":
            np.sqrt(2 / (fan_in + fan_out)),
        "N(0, 1): the weights are not scaled.": 1.0,
    }


def _xavier_hints(fan_in, fan_out):
    """The standard deviation some typical mistakes give."""
    return {
        "He's N(0, 2 / fan_in): is fan_out missing, or method ignored?":
            np.sqrt(2 / fan_in),
        "N(0, 1 / (fan_in + fan_out)): 1 in place of 2?":
            np.sqrt(1 / (fan_in + fan_out)),
        "a standard deviation of 2 / (fan_in + fan_out): that is the "
        "variance, take its square root.": 2 / (fan_in + fan_out),
        "N(0, 2 / fan_out): is fan_in missing?": np.sqrt(2 / fan_out),
        "N(0, 1): the weights are not scaled.": 1.0,
    }


def _check_he(init_params, layer_sizes, stds, **kwargs):
    """init_params(layer_sizes, **kwargs): keys, shapes, and each W_l
    drawn from N(0, stds[l]²)."""
    params, what = _call_init(init_params, layer_sizes, **kwargs)
    for layer, (W, s) in enumerate(zip(_weights(params, layer_sizes, what),
                                       stds), start=1):
        _check_spread(W, s, f"{what}['W{layer}']", _he_hints(*W.shape))


#: (layer sizes, keyword arguments, He's sqrt(2 / fan_in) per layer)
HE_CASES = [
    ([300, 100, 20], {"method": "he", "seed": 1},
     [0.08164965809277261, 0.1414213562373095]),
    ([20, 100, 300], {"seed": 2},  # "he" is the default
     [0.31622776601683794, 0.1414213562373095]),
    ([8, 6, 4, 2], {"method": "he", "seed": 3},
     [0.5, 0.5773502691896257, 0.7071067811865476]),
]


@check("init_params gives He's N(0, 2 / fan_in) weights, W1, W2, ...")
def check_init_params_he(init_params):
    """Check ``init_params`` with He's method (the default): the keys,
    the shapes (fan_in, fan_out), and the spread, mean and normal shape of
    the weights of large layers."""
    for layer_sizes, kwargs, stds in HE_CASES:
        _check_he(init_params, layer_sizes, stds, **kwargs)


XAVIER = "Xavier's spread of the weights"


def _check_xavier(init_params, layer_sizes, stds, seed):
    """Each W_l of init_params(..., method="xavier") drawn with standard
    deviation stds[l] (any orientation: shapes are the He test's)."""
    params, what = _call_init(init_params, layer_sizes, method="xavier",
                              seed=seed)
    Ws, _ = _plausible_layers(params, layer_sizes, what, XAVIER)
    for layer, (W, s, fan_in, fan_out) in enumerate(
            zip(Ws, stds, layer_sizes[:-1], layer_sizes[1:]), start=1):
        _check_spread(W, s, f"{what}['W{layer}']",
                      _xavier_hints(fan_in, fan_out), normal=False)


@check("init_params gives Xavier's N(0, 2 / (fan_in + fan_out)) weights")
def check_init_params_xavier(init_params):
    """Check the spread of the weights of ``init_params`` with
    ``method="xavier"``."""
    _check_xavier(init_params, [200, 200, 50],
                  [0.07071067811865475, 0.08944271909999159], seed=1)


BIASES = "that the biases start at zero"


def _check_biases(init_params, layer_sizes, **kwargs):
    """Each b_l of init_params(...) zeros of shape (fan_out,)."""
    params, what = _call_init(init_params, layer_sizes, **kwargs)
    _, bs = _plausible_layers(params, layer_sizes, what, BIASES)
    for layer, (b, fan_out) in enumerate(zip(bs, layer_sizes[1:]), start=1):
        name = f"{what}['b{layer}']"
        if not (isinstance(b, np.ndarray) and b.dtype.kind in "iuf"):
            raise CheckFailed(f"{name} is {describe(b)}; expected zeros, a "
                              f"float array of shape ({fan_out},).")
        if b.shape != (fan_out,):
            raise CheckFailed(
                f"{name} has shape {b.shape}, expected ({fan_out},): one "
                "bias per unit of the layer, np.zeros(fan_out).")
        if np.any(b != 0):
            raise CheckFailed(f"{name} is not all zeros: the biases start "
                              "at 0, only the weights are random.")


@check("init_params starts every bias at zero")
def check_init_params_biases(init_params):
    """Check that every b_l of ``init_params`` is zeros of shape
    (fan_out,), with both methods."""
    _check_biases(init_params, [6, 4, 3], seed=0)
    _check_biases(init_params, [64, 32, 16, 10], method="xavier", seed=5)


SEED = "that the draws come from default_rng(seed)"


def _same(a, b):
    """Two results of init_params hold the same arrays."""
    return (isinstance(a, dict) and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(np.array_equal(a[k], b[k]) for k in a))


def _check_seed(init_params, layer_sizes, seed):
    """Same seed, same parameters; another seed, other ones; the default
    seed 0; no draws from NumPy's global random state."""
    first, what = _call_init(init_params, layer_sizes, seed=seed)
    Ws, _ = _plausible_layers(first, layer_sizes, what, SEED)
    if not _same(first, init_params(list(layer_sizes), seed=seed)):
        raise CheckFailed(
            f"Two calls of {what} gave different parameters: draw from "
            "rng = np.random.default_rng(seed), made inside init_params.")
    if _same(first, init_params(list(layer_sizes), seed=seed + 1)):
        raise CheckFailed(
            f"{what} and seed={seed + 1} gave the same parameters: is the "
            "seed ignored? Pass it to np.random.default_rng(seed).")
    if seed == 0 and not _same(first, init_params(list(layer_sizes))):
        raise CheckFailed(f"init_params({list(layer_sizes)}) differs from "
                          f"{what}: the default seed should be 0.")
    # np.random.seed(seed) followed by np.random.randn or np.random.normal
    # gives these draws up to a scale: the global state, which the
    # exercise rules out (it would reset every other user of np.random)
    W1 = Ws[0]
    legacy = np.random.RandomState(seed).standard_normal(W1.shape)
    ratio = W1 / legacy
    if np.allclose(ratio, ratio.flat[0], rtol=1e-9, atol=0.0):
        raise CheckFailed(
            f"{what} draws from NumPy's global random state "
            "(np.random.seed with np.random.randn or np.random.normal): "
            "use rng = np.random.default_rng(seed) and rng.normal instead.")


@check("init_params is reproducible from its seed")
def check_init_params_seed(init_params):
    """Check that ``init_params`` gives the same parameters for the same
    seed, others for another seed, seed 0 by default, and does not draw
    from NumPy's global random state."""
    _check_seed(init_params, [30, 20, 10], 0)
    _check_seed(init_params, [30, 20, 10], 7)


# -- standardize --------------------------------------------------------------

#: Eight samples whose columns have the means 5, 50, −5 and the population
#: standard deviations 2, 20, 2 (the sample ones, ddof=1, are 2.138...)
X8 = np.array([[2.0, 40.0, -4.0], [4.0, 20.0, -5.0], [4.0, 90.0, -2.0],
               [4.0, 50.0, -9.0], [5.0, 40.0, -4.0], [5.0, 70.0, -7.0],
               [7.0, 50.0, -4.0], [9.0, 40.0, -5.0]])
X8_MEAN = np.array([5.0, 50.0, -5.0])
X8_STD = np.array([2.0, 20.0, 2.0])
X8_STANDARD = np.array([[-1.5, -0.5, 0.5], [-0.5, -1.5, 0.0],
                        [-0.5, 2.0, 1.5], [-0.5, 0.0, -2.0],
                        [0.0, -0.5, 0.5], [0.0, 1.0, -1.0],
                        [1.0, 0.0, 0.5], [2.0, -0.5, 0.0]])
#: a training set's statistics, given to standardize X8, and what they give
GIVEN_MEAN = np.array([4.0, 40.0, -4.0])
GIVEN_STD = np.array([1.0, 10.0, 4.0])
X8_GIVEN = np.array([[-2.0, 0.0, 0.0], [0.0, -2.0, -0.25], [0.0, 5.0, 0.5],
                     [0.0, 1.0, -1.25], [1.0, 0.0, 0.0], [1.0, 3.0, -0.75],
                     [3.0, 1.0, 0.0], [5.0, 0.0, -0.25]])


def _triple(result, what, needs=""):
    if not (isinstance(result, (tuple, list)) and len(result) == 3):
        raise CheckFailed(f"{what} returned {describe(result)}; expected "
                          "a tuple of three, (X_std, mean, std)." + needs)
    return result


def _vector(value, n_features):
    """A statistic as a float vector; (1, n_features), as from
    keepdims=True, broadcasts the same way and is accepted too."""
    if (isinstance(value, np.ndarray) and value.dtype.kind in "iuf"
            and value.shape == (1, n_features)):
        return value.reshape(n_features).astype(float)
    return value


def _standardize_hints(X, mean, std):
    """What typical mistakes give for X_std; ``mean`` and ``std`` are the
    right statistics (no constant column), from a table or the oracle."""
    n = len(X)
    sample = std * np.sqrt(n / (n - 1))
    return {
        "(X − mean) / std with the sample std (ddof=1): use the population "
        "one, ddof=0.": (X - mean) / sample,
        "X − mean: was it divided by the std?": X - mean,
        "X / std: was the mean subtracted?": X / std,
        "one mean and one std for the whole array: compute them per "
        "column, with axis=0.": (X - X.mean()) / X.std(),
        "(X − mean) / variance: take the square root.": (X - mean) / std**2,
        "statistics per row: compute them per column, with axis=0.":
            (X - X.mean(axis=1, keepdims=True))
            / np.maximum(X.std(axis=1, keepdims=True), 1e-300),
    }


def _check_values(standardize, X, mean, std, expected, what):
    """standardize(X), on a copy, against the right statistics and
    standardised values (X without constant columns)."""
    n, d = X.shape
    X_std, got_mean, got_std = _triple(standardize(X.copy()), what)
    # rtol 1e-6 also accepts a guard such as std + 1e-8 in the division
    assert_close(X_std, expected, f"X_std from {what}", rtol=1e-6,
                 hints=_standardize_hints(X, mean, std))
    assert_close(_vector(got_mean, d), mean, f"the mean from {what}",
                 rtol=1e-9, hints={"the std: mean and std swapped? Return "
                                   "(X_std, mean, std).": std})
    assert_close(_vector(got_std, d), std, f"the std from {what}",
                 rtol=1e-6, hints={
                     "the sample std (ddof=1): use the population one, "
                     "ddof=0.": std * np.sqrt(n / (n - 1)),
                     "the variance: take the square root.": std**2,
                     "the mean: mean and std swapped? Return (X_std, mean, "
                     "std).": mean})


@check("standardize gives mean 0 and std 1 per column, and the statistics")
def check_standardize_values(standardize):
    """Check ``standardize(X)`` on eight samples whose columns have the
    means 5, 50, −5 and the population standard deviations 2, 20, 2:
    X_std, mean and std."""
    _check_values(standardize, X8, X8_MEAN, X8_STD, X8_STANDARD,
                  "standardize(X) for X of shape (8, 3)")


def _x_std(result, X, what, requirement):
    """X_std from standardize's result, for a secondary test: the first of
    three, or an array of X's shape returned alone (the values test counts
    that), finite, neither all zero nor X itself."""
    needs = (f" This test checks {requirement}, and needs a working "
             "answer to do so.")
    if not isinstance(result, np.ndarray):
        result = _triple(result, what, needs)[0]
    assert_plausible(result, f"X_std from {what}", shape=X.shape,
                     requirement=requirement)
    if not np.any(result) or np.array_equal(result, X):
        raise CheckFailed(f"X_std from {what} is "
                          f"{'all zeros' if not np.any(result) else 'X'}."
                          + needs)
    return result


CONSTANT = "that a constant column becomes zeros"


def _check_constant(standardize, X, what):
    """The constant columns of X (exactly representable means) become
    zeros in X_std, not nan."""
    constant = np.all(X == X[0], axis=0)
    result = standardize(X.copy())
    X_std = result if isinstance(result, np.ndarray) else (
        _triple(result, what, f" This test checks {CONSTANT}, and needs a "
                "working answer to do so.")[0])
    if (isinstance(X_std, np.ndarray) and X_std.shape == X.shape
            and X_std.dtype.kind == "f" and not np.all(np.isfinite(X_std))):
        column = int(np.argwhere(~np.isfinite(X_std))[0][1])
        raise CheckFailed(
            f"X_std from {what} has nan or inf in column {column}"
            + (", a constant column (std 0): divide by 1 where the std is "
               "0, so that the column becomes 0." if constant[column]
               else "."))
    X_std = _x_std(result, X, what, CONSTANT)
    for column in np.flatnonzero(constant):
        assert_close(X_std[:, column], np.zeros(len(X)),
                     f"column {column} of X_std from {what}, a constant "
                     "column,", atol=1e-6)


@check("standardize turns a constant column into zeros, not nan")
def check_standardize_constant(standardize):
    """Check that ``standardize`` turns the constant columns of X (std 0)
    into zeros."""
    _check_constant(standardize, np.array([[1.0, 5.0, 10.0],
                                           [2.0, 5.0, 30.0],
                                           [6.0, 5.0, 20.0]]),
                    "standardize(X) for X whose column 1 is constant")
    _check_constant(standardize, np.array([[0.0, 1.0, 7.0],
                                           [0.0, 3.0, 7.0]]),
                    "standardize(X) for X whose columns 0 and 2 are "
                    "constant")


GIVEN = "that a given mean and std are used as they are"


def _given_hints(X, mean, std, own_mean, own_std):
    """What ignoring a given statistic gives; ``own_mean`` and ``own_std``
    are X's own, from a table or the oracle."""
    return {
        "the statistics of X itself: use the given mean and std as they "
        "are.": (X - own_mean) / own_std,
        "the given std with X's own mean: use the given mean too.":
            (X - own_mean) / std,
        "the given mean with X's own std: use the given std too.":
            (X - mean) / own_std,
    }


def _check_given(standardize, X, mean, std, expected, hints, what,
                 keywords=False):
    """standardize(X, mean, std), on copies: X_std from the given
    statistics. (The statistics returned are the values test's.)"""
    args = (X.copy(),)
    kwargs = {"mean": mean.copy(), "std": std.copy()}
    if not keywords:
        args, kwargs = (*args, *kwargs.values()), {}
    X_std = _x_std(standardize(*args, **kwargs), X, what, GIVEN)
    assert_close(X_std, expected, f"X_std from {what}", rtol=1e-6,
                 hints=hints)


@check("standardize uses a given mean and std as they are")
def check_standardize_given(standardize):
    """Check ``standardize(X, mean, std)`` with a training set's mean and
    std, given as positional and as keyword arguments."""
    hints = _given_hints(X8, GIVEN_MEAN, GIVEN_STD, X8_MEAN, X8_STD)
    _check_given(standardize, X8, GIVEN_MEAN, GIVEN_STD, X8_GIVEN, hints,
                 "standardize(X, mean, std) with mean = [4, 40, -4] and "
                 "std = [1, 10, 4]")
    _check_given(standardize, X8, GIVEN_MEAN, GIVEN_STD, X8_GIVEN, hints,
                 "standardize(X, mean=mean, std=std)", keywords=True)


UNCHANGED = "that X, mean and std are left unchanged"


def _check_unchanged(standardize, X, what, mean=None, std=None):
    if mean is None:
        result = assert_unchanged(standardize, X, what=what)
    else:
        result = assert_unchanged(standardize, X, mean, std, what=what)
    _x_std(result, X, what, UNCHANGED)


@check("standardize leaves X, mean and std unchanged")
def check_standardize_unchanged(standardize):
    """Check that ``standardize`` changes neither X nor a given mean and
    std in place."""
    _check_unchanged(standardize, X8.copy(), "standardize(X)")
    _check_unchanged(standardize, X8.copy(), "standardize(X, mean, std)",
                     GIVEN_MEAN.copy(), GIVEN_STD.copy())


# -- figures and the widget ---------------------------------------------------

def plot_relu(relu, relu_grad, sigmoid_grad, z_max=4.0, axes=None):
    """Two panels: ``relu`` (left), and ``relu_grad`` beside the sigmoid's
    slope ``sigmoid_grad`` (right): the slope a layer multiplies the
    backward signal by.

    ``relu`` and ``relu_grad`` are the learner's functions. Returns the
    two axes.
    Used in lesson 06-training-in-practice.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 3.8),
                               layout="constrained")
    z = np.linspace(-z_max, z_max, 801)
    left, right = axes
    values, message = learner_values(relu, "relu", (z,), z.shape)
    if message is None:
        slope, message = learner_values(relu_grad, "relu_grad", (z,),
                                        z.shape)
    if message:
        show_message(left, message)
        right.set_axis_off()
        return axes
    for ax in axes:
        ax.axhline(0.0, color=FAINT, lw=0.8, ls="--")
        ax.axvline(0.0, color=FAINT, lw=0.8, ls=":")
        ax.set_xlim(-z_max, z_max)
        ax.set_xlabel("z")
    left.plot(z, values, lw=2.5, color="C0", label="relu(z) = max(0, z)")
    left.set_ylim(-0.3, z_max + 0.2)
    left.legend(loc="upper left", frameon=False)
    left.set_title("ReLU: 0 for z < 0, z itself for z > 0")
    # the jump at 0 drawn as a jump, not as a steep line
    neg, pos = z < 0, z > 0
    right.plot(z[neg], slope[neg], lw=2.5, color="C0",
               label="relu_grad(z)")
    right.plot(z[pos], slope[pos], lw=2.5, color="C0")
    right.plot(z, sigmoid_grad(z), lw=2.0, color="C1",
               label="σ′(z), the sigmoid's slope")
    right.axhline(0.25, color="C1", lw=0.8, ls=":")
    right.text(-z_max + 0.1, 0.27, "σ′ is at most 1/4", color="C1",
               fontsize=9.5, va="bottom")
    right.set_ylim(-0.06, 1.2)
    right.legend(loc="upper left", frameon=False)
    right.set_title("The slopes: ReLU passes 1, the sigmoid at most 1/4")
    return axes


def plot_digits(images, labels, predicted=None, n_cols=10, title=None):
    """A grid of 8×8 digit images, each titled with its label; with
    ``predicted``, titled "label → prediction", mistakes in red.

    Drawn as one mosaic image on one axes, so that it is quick to draw.
    Returns the figure.
    Used in lesson 06-training-in-practice.
    """
    images = np.asarray(images, dtype=float).reshape(-1, 8, 8)
    n = len(images)
    n_cols = max(1, min(n_cols, n))
    n_rows = max(1, -(-n // n_cols))
    cell_w, cell_h = 10, 13  # pixels per cell: the image, a gap, a title
    mosaic = np.zeros((n_rows * cell_h, n_cols * cell_w))
    for i, image in enumerate(images):
        row, col = divmod(i, n_cols)
        top, left = row * cell_h + 4, col * cell_w + 1
        mosaic[top:top + 8, left:left + 8] = image
    fig, ax = plt.subplots(figsize=(1.0 * n_cols, 1.3 * n_rows + 0.2),
                           layout="constrained")
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=16,
              interpolation="nearest")
    ax.set_axis_off()
    for i in range(n):
        row, col = divmod(i, n_cols)
        x, y = col * cell_w + 4.5, row * cell_h + 2.6
        if predicted is None:
            ax.text(x, y, f"{labels[i]}", ha="center", va="center",
                    fontsize=11)
            continue
        wrong = predicted[i] != labels[i]
        ax.text(x, y, f"{labels[i]} \N{RIGHTWARDS ARROW} {predicted[i]}",
                ha="center", va="center", fontsize=10.5,
                color="C3" if wrong else "0.2",
                fontweight="bold" if wrong else "normal")
    if title:
        ax.set_title(title)
    return fig


def plot_history(histories, axes=None):
    """Two panels per training run: the training loss per epoch (left)
    and the accuracy on the training set (dashed) and the test set
    (solid) per epoch (right).

    ``histories`` maps a label to a dict of per-epoch lists ``"loss"``,
    ``"train_accuracy"`` and ``"test_accuracy"``, or is one such dict.
    Returns the two axes.
    Used in lesson 06-training-in-practice.
    """
    from matplotlib.ticker import LogLocator

    if "loss" in histories:
        histories = {"": histories}
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 3.9),
                               layout="constrained")
    left, right = axes
    for (label, history), color in zip(histories.items(),
                                       ("C0", "C3", "C2", "C1")):
        epochs = np.arange(1, len(history["loss"]) + 1)
        name = f"{label}: " if label else ""
        left.plot(epochs, history["loss"], lw=2.2, color=color,
                  label=label or None)
        right.plot(epochs, history["train_accuracy"], lw=1.5, ls="--",
                   color=color, label=f"{name}training set")
        right.plot(epochs, history["test_accuracy"], lw=2.2, color=color,
                   label=f"{name}test set")
    left.set_yscale("log")
    # 0.01, 0.02, 0.05, 0.1, ...: labels even on a short log scale
    left.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    left.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    left.yaxis.set_minor_formatter(plt.NullFormatter())
    left.set_xlabel("epoch")
    left.set_ylabel("cross-entropy on the training set")
    left.set_title("The loss")
    if len(histories) > 1:
        left.legend(frameon=False)
    right.axhline(1.0, color=FAINT, lw=0.8, ls=":")
    right.set_ylim(top=1.01)
    right.set_xlabel("epoch")
    right.set_ylabel("accuracy")
    right.set_title("The share of digits classified right")
    right.legend(loc="lower right" if len(histories) == 1
                 else "center right", frameon=False)
    right.yaxis.set_major_formatter(
        plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    for ax in axes:
        ax.set_xlim(0.5, max(len(h["loss"]) for h in histories.values())
                    + 0.5)
    return axes


def plot_gradient_norms(norms, ax=None, title=None):
    """The size of each layer's weight gradient, ‖∂L/∂W_l‖, against the
    layer l (1 next to the input), on a log scale: vanishing gradients
    fall towards the input, a wrong weight scale shifts them all.

    ``norms`` maps a label to the per-layer norms. Returns the axes.
    Used in lesson 06-training-in-practice (and by
    :func:`gradient_explorer`).
    """
    ax = axes(ax, (8.5, 4.2))
    top, bottom = 0.0, np.inf
    for (label, values), color in zip(norms.items(),
                                      ("C0", "C1", "C3", "C4", "C2")):
        values = np.asarray(values, dtype=float)
        layers = np.arange(1, values.size + 1)
        ax.plot(layers, values, "-o", lw=2.0, ms=4.5, color=color,
                label=label)
        finite = values[np.isfinite(values) & (values > 0)]
        if finite.size:
            top, bottom = max(top, finite.max()), min(bottom, finite.min())
    ax.set_yscale("log")
    if np.isfinite(bottom):
        ax.set_ylim(min(bottom / 5, 1e-3), max(top * 5, 1e1))
    n_max = max(len(v) for v in norms.values())
    ax.set_xlim(0.5, n_max + 0.5)
    ax.set_xticks(np.arange(1, n_max + 1, 1 if n_max <= 12 else 2))
    ax.set_xlabel("layer $l$ (1 = next to the input)")
    ax.set_ylabel(r"$\Vert \partial L / \partial W_l \Vert$")
    ax.grid(True, which="major", axis="y", color="0.9", lw=0.8)
    ax.set_title(title or "How large each layer's weight gradient is")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return ax


def _norms(gradient_norms, hidden_layers, activation, method, scale):
    """``(norms, None)`` from the notebook's ``gradient_norms``, or
    ``(None, message)``."""
    try:
        norms = np.asarray(gradient_norms(hidden_layers, activation, method,
                                          scale), dtype=float).ravel()
    except NotImplementedError:
        return None, ("Write relu, relu_grad and init_params above first,"
                      "\nthen run this cell again.")
    except Exception as exc:  # a learner's mistake: explain it
        return None, explain_failure(exc, "Computing the gradients",
                                     "Run the tests of your functions "
                                     "above.")
    return norms, None


class GradientFigure:
    """The gradient explorer's figure, drawn fast enough to follow a
    slider: :func:`plot_gradient_norms`'s axes, rendered once per
    activation, with the layers 1 to ``max_layers + 1`` on the x-axis
    and a y-axis fixed for each activation, so that two settings can be
    compared by eye. Its range holds the smallest and largest norm of the
    extreme settings (weight scale at its ends and 1, the fewest and the
    most layers, both initialisations), computed with the notebook's
    ``gradient_norms`` once: the norms shrink or grow fastest with depth
    and scale. A redraw adds only the line and the title.
    Used in lesson 06-training-in-practice (by :func:`gradient_explorer`).
    """

    SIZE = (8.5, 4.0)

    def __init__(self, gradient_norms, max_layers, scales, activations,
                 methods):
        from matplotlib.ticker import LogLocator

        self.fig = fig = offscreen_figure(self.SIZE)
        self.ax = ax = fig.add_axes([0.1, 0.13, 0.87, 0.78])
        ax.set_yscale("log")
        ax.set_xlim(0.5, max_layers + 1.5)
        ax.set_xticks(np.arange(1, max_layers + 2,
                                1 if max_layers <= 12 else 2))
        ax.set_xlabel("layer $l$ (1 = next to the input)")
        ax.set_ylabel(r"$\Vert \partial L / \partial W_l \Vert$")
        ax.grid(True, which="major", axis="y", color="0.9", lw=0.8)
        ax.set_title(" ")
        self.ranges, self.backdrops = {}, {}
        for activation in activations:
            found = []
            for method in methods:
                for scale in (min(scales), 1.0, max(scales)):
                    for layers in (1, max_layers):
                        norms, _ = _norms(gradient_norms, layers,
                                          activation, method, scale)
                        if norms is not None:
                            found.append(norms)
            values = np.concatenate(found) if found else np.ones(1)
            values = values[np.isfinite(values) & (values > 0)]
            low, high = ((values.min() / 3, values.max() * 3) if values.size
                         else (1e-3, 1e1))
            self.ranges[activation] = (low, high)
            ax.set_ylim(low, high)
            decades = np.log10(high) - np.log10(low)
            ax.yaxis.set_major_locator(LogLocator(
                base=10.0 ** max(1, round(decades / 8))))
            self.backdrops[activation] = Backdrop(fig)
        (self.line,) = ax.plot([], [], "-o", lw=2.0, ms=4.5, color="C0")
        self.note = ax.text(0.99, 0.03, "", transform=ax.transAxes,
                            ha="right", va="bottom", fontsize=9.5,
                            color="C3")

    def draw(self, norms, activation, title):
        """PNG bytes: the per-layer ``norms`` on ``activation``'s axes."""
        low, high = self.ranges[activation]
        self.ax.set_ylim(low, high)
        self.line.set_data(np.arange(1, norms.size + 1), norms)
        outside = np.sum((norms < low) | (norms > high) | ~(norms > 0))
        self.note.set_text(f"{outside} norm{'s' if outside > 1 else ''} "
                           "off the scale" if outside else "")
        self.ax.title.set_text(title)
        return self.backdrops[activation].png(
            [self.line, self.note, self.ax.title])


def gradient_explorer(gradient_norms, max_layers=20):
    """Controls "activation" (ReLU or sigmoid), "initialisation" (He or
    Xavier), "weight scale" (a factor on the initial weights, log scale,
    0.1 to 10) and "hidden layers" (1 to ``max_layers``) that redraw the
    size of every layer's weight gradient in a fresh network, while the
    sliders are dragged (:class:`GradientFigure`).

    ``gradient_norms(n_hidden, activation, method, scale)`` is the
    notebook's function: it builds the network with the learner's
    ``init_params`` and returns one norm per weight matrix. Returns the
    widget (:func:`coursetools.drawing.explorer`).
    Used in lesson 06-training-in-practice.
    """
    import ipywidgets as widgets

    activations, methods = ("ReLU", "sigmoid"), ("He", "Xavier")
    scale_exponents = (-1, 1)
    figure = GradientFigure(
        gradient_norms, max_layers, [10.0 ** e for e in scale_exponents],
        activations, [m.lower() for m in methods])

    def render(activation, initialisation, scale, hidden_layers):
        norms, message = _norms(gradient_norms, hidden_layers, activation,
                                initialisation.lower(), scale)
        if message:
            return message_png(message, GradientFigure.SIZE)
        plural = "s" if hidden_layers != 1 else ""
        return figure.draw(norms, activation,
                           f"{activation}, {initialisation} × {scale:.3g}, "
                           f"{hidden_layers} hidden layer{plural}")

    style = {"description_width": "100px"}
    layout = widgets.Layout(width="480px")
    controls = {
        "activation": widgets.ToggleButtons(
            options=activations, value="sigmoid",
            description="activation", style=style),
        "initialisation": widgets.ToggleButtons(
            options=methods, value="Xavier",
            description="initialisation", style=style),
        "scale": widgets.FloatLogSlider(
            value=1.0, base=10, min=scale_exponents[0],
            max=scale_exponents[1], step=0.05,
            description="weight scale", readout_format=".2f",
            continuous_update=True, style=style, layout=layout),
        "hidden_layers": widgets.IntSlider(
            value=10, min=1, max=max_layers, description="hidden layers",
            continuous_update=True, style=style, layout=layout),
    }
    width, height = GradientFigure.SIZE
    return explorer(controls, render,
                    (round(width * DPI), round(height * DPI)))
