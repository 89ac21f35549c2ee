"""Lesson 03-chain-rule: its visible checks and figures.

The checks compare the learner's functions with tabulated numbers (the
lesson's worked example among them), with functions whose gradients are
known exactly, and with properties (shape, no warning, an input left
unchanged, a time limit that only finite differences exceed); they compute
none of the exercises, so nothing here can be pasted as an answer.
The hidden tests that grade the lesson live on the grader's side
(``autograder/hidden/lesson03.py``).
"""

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
    earlier_exercise,
    show_failures_as_messages,
    time_limited,
)
from coursetools.drawing import FAINT, axes, learner_values, show_message

__all__ = [
    "check_neuron_backward_bce",
    "check_neuron_backward_mse",
    "check_neuron_backward_unchanged",
    "check_numerical_gradient",
    "check_numerical_gradient_unchanged",
    "check_relative_error",
    "check_relative_error_floor",
    "check_sigmoid_grad_stable",
    "check_sigmoid_grad_unchanged",
    "check_sigmoid_grad_values",
    "plot_eps_sweep",
    "plot_loss_push",
    "plot_neuron_graph",
    "plot_sigmoid_grad",
]

show_failures_as_messages()


def _attempt(got, what, requirement, shape=(), low=-np.inf, high=np.inf):
    """Fail unless ``got`` is an attempt at a slope or a gradient: the
    right shape, finite, within [low, high], not all 0 (see
    :func:`assert_plausible`)."""
    assert_plausible(got, what, shape=shape, low=low, high=high,
                     requirement=requirement)
    if not np.any(np.asarray(got, dtype=float)):
        raise CheckFailed(f"{what} returned only zeros. This test checks "
                          f"{requirement}, and needs a working answer to do "
                          "so.")


# -- sigmoid_grad ------------------------------------------------------------
# σ'(z) to 16 digits, tabulated once (with np.logaddexp) for the checks;
# σ(z) and the slope of σ(σ(z)) are what two typical mistakes return
Z = np.array([-3.0, -0.5, 0.0, 1.0, 2.5])
SLOPE_Z = np.array([0.04517665973091214, 0.2350037122015945, 0.25,
                    0.19661193324148185, 0.07010371654510816])
SIGMA_Z = np.array([0.04742587317756678, 0.3775406687981454, 0.5,
                    0.7310585786300049, 0.9241418199787564])
TWICE_Z = np.array([0.2498594768403093, 0.24129887788965604,
                    0.2350037122015945, 0.21936186400980767,
                    0.20339354679450025])
Z2 = np.array([[-4.0, 0.25], [1.5, 6.0]])
SLOPE_Z2 = np.array([[0.01766270621329112, 0.24613408273759835],
                     [0.14914645207033286, 0.0024665092913600415]])
SIGMA_Z2 = np.array([[0.017986209962091562, 0.5621765008857981],
                     [0.8175744761936437, 0.9975273768433652]])
TWICE_Z2 = np.array([[0.24997978210580288, 0.23124305656447242],
                     [0.2124720864823913, 0.19683648191315697]])
SLOPE_125 = 0.17310478699249698  # σ'(1.25)
#: Where an attempt at σ′ lies (it lies in [0, 1/4]; a sign error too)
SLOPES = (-1.0, 1.0)


def _slope_mistakes(z, expected, sigma, twice):
    """What typical mistakes return, for the messages: ``sigma`` is σ(z),
    ``twice`` the slope of σ(σ(z))."""
    z = np.asarray(z, dtype=float)
    return {
        "σ(z), the sigmoid itself: where is (1 − σ(z))?": sigma,
        "σ(σ(z))(1 − σ(σ(z))): was σ applied twice, once too often?":
            twice,
        "z(1 − z): the formula takes σ(z), not z?": z * (1 - z),
        "−σ(z)(1 − σ(z)): a sign error?": -np.asarray(expected),
    }


@check("sigmoid_grad gives the right slopes for arrays and numbers")
def check_sigmoid_grad_values(sigmoid_grad):
    """Check ``sigmoid_grad`` against tabulated slopes: for an array of
    shape (5,) and one of shape (2, 2), for the number 0.0 (the steepest
    point, 1/4) and for a 0-d array."""
    for z, expected, sigma, twice in ((Z, SLOPE_Z, SIGMA_Z, TWICE_Z),
                                      (Z2, SLOPE_Z2, SIGMA_Z2, TWICE_Z2)):
        assert_close(sigmoid_grad(z.copy()), expected,
                     f"sigmoid_grad(z) for z = {z.tolist()}",
                     hints=_slope_mistakes(z, expected, sigma, twice))
    assert_close(sigmoid_grad(0.0), 0.25, "sigmoid_grad(0.0)",
                 hints=_slope_mistakes(0.0, 0.25, 0.5, TWICE_Z[2]))
    assert_close(sigmoid_grad(np.array(1.25)), SLOPE_125,
                 "sigmoid_grad(z) for z a 0-d array (np.array(1.25))")


@check("sigmoid_grad leaves z unchanged")
def check_sigmoid_grad_unchanged(sigmoid_grad):
    """Check that ``sigmoid_grad`` leaves its input array unchanged."""
    for z in (Z, Z2):
        what = f"sigmoid_grad(z) for z of shape {z.shape}"
        got = assert_unchanged(sigmoid_grad, z.copy(), what=what)
        _attempt(got, what, "that z is left unchanged", z.shape, *SLOPES)


#: Where σ′ is below 1e-17 and every formula is still exact and warns
#: of nothing: a stable sigmoid_grad gives at z = ±1000 what it gives here.
FAR = np.array([-40.0, 40.0])
_LIMIT = ("The expected values are your own sigmoid_grad at z = −40 and 40, "
          "where σ′ is already below 1e-17: a stable formula gives the same "
          "0 (to 12 decimal places) at z = ±1000.")


def _slope_limits(sigmoid_grad, requirement):
    """The learner's own slopes at :data:`FAR`, once the answer is an
    attempt: what stability asks for at z = ±1000, whether or not the
    formula is right (its values are another test's business)."""
    _attempt(sigmoid_grad(Z.copy()), f"sigmoid_grad(z) for z = "
             f"{Z.tolist()}", requirement, Z.shape, *SLOPES)
    limits = sigmoid_grad(FAR.copy())
    assert_plausible(limits, "sigmoid_grad(z) for z = [-40, 40]",
                     shape=FAR.shape, requirement=requirement)
    return np.asarray(limits, dtype=float)


@check("sigmoid_grad is stable: 0 and no warning at z = ±1000")
def check_sigmoid_grad_stable(sigmoid_grad):
    """Check that ``sigmoid_grad`` gives at z = -1000 and 1000, for an
    array and for numbers, what it gives at z = ∓40 (0 to 12 decimal
    places), with no overflow warning."""
    limits = _slope_limits(sigmoid_grad, "stability at z = ±1000")
    z = np.array([-1000.0, 1000.0])
    what = "sigmoid_grad(z) for z = [-1000, 1000]"
    assert_close(assert_no_warnings(lambda: sigmoid_grad(z.copy()), what),
                 limits, what, note=_LIMIT)
    for value, limit in zip(z, limits):
        what = f"sigmoid_grad({value:g})"
        assert_close(assert_no_warnings(lambda v=value: sigmoid_grad(v),
                                        what), limit, what, note=_LIMIT)


# -- neuron_backward ---------------------------------------------------------
#: Diagnoses of typical mistakes, shared with the hidden tests.
MISTAKES = {
    "no slope": "the gradient without σ′(z): is the sigmoid's slope "
                "missing?",
    "bce for mse": "the cross-entropy gradient: is the loss argument "
                   "ignored?",
    "slope at y_hat": "σ′ taken at ŷ instead of z: sigmoid_grad(y_hat)?",
    "no 2": "(ŷ − y) σ′(z) / n: is the 2 of the squared error's slope "
            "2(ŷ − y) missing?",
    "slope again": "(ŷ − y) σ′(z) / n: the slope multiplied in again? "
                   "After a sigmoid, cross-entropy's ∂L/∂z is (ŷ − y) / n: "
                   "the slope has cancelled.",
    "mse for bce": "the squared-error gradient: is the loss argument "
                   "ignored?",
    "dL/dyhat": "(ŷ − y) / (ŷ(1 − ŷ)) / n, which is ∂L/∂ŷ: is σ′(z) "
                "missing from the chain?",
}

# The worked example of the lesson as a batch of one sample, and a batch
# of four samples with three features: (dw, db) tabulated once (with the
# grader's oracle, checked against central differences), for the right
# answer and for typical mistakes.
X1, W1, B1, Y1 = (np.array([[2.0, 3.0]]), np.array([0.5, -0.25]), 0.1,
                  np.array([1.0]))
WORKED = {"mse": ([-0.40097664104256664, -0.60146496156385],
                  -0.20048832052128332),
          "bce": ([-0.8267648421653397, -1.2401472632480095],
                  -0.41338242108266987)}
WORKED_MISTAKES = {
    "mse": {"no slope": ([-1.6535296843306795, -2.480294526496019],
                         -0.8267648421653397),
            "bce for mse": WORKED["bce"],
            "slope at y_hat": ([-0.37976362737651376, -0.5696454410647707],
                               -0.18988181368825688),
            "no 2": ([-0.20048832052128332, -0.300732480781925],
                     -0.10024416026064166)},
    "bce": {"slope again": ([-0.20048832052128332, -0.300732480781925],
                            -0.10024416026064166),
            "mse for bce": WORKED["mse"],
            "dL/dyhat": ([-3.409376179437426, -5.114064269156139],
                         -1.704688089718713)},
}
X4 = np.array([[2.0, 3.0, -1.0], [0.0, 1.0, 0.5], [-1.0, 0.5, 2.0],
               [1.5, -2.0, 0.0]])
W4, B4, Y4 = np.array([0.5, -0.25, 0.1]), 0.1, np.array([1.0, 0.0, 0.0, 1.0])
BATCH = {"mse": ([-0.1840779377661606, -0.04322239326628134,
                  0.18563972034330098], 0.03959080646353316),
         "bce": ([-0.40097756277729135, -0.05424502340749526,
                  0.3785623239333532], 0.06269615919631279)}
BATCH_MISTAKES = {
    "mse": {"no slope": ([-0.8019551255545827, -0.10849004681499053,
                          0.7571246478667064], 0.12539231839262557),
            "bce for mse": BATCH["bce"],
            "slope at y_hat": ([-0.1845373021636061, -0.026483742516519457,
                                0.17908067226652197], 0.03365233770998326),
            "no 2": ([-0.0920389688830803, -0.02161119663314067,
                      0.09281986017165049], 0.01979540323176658)},
    "bce": {"slope again": ([-0.0920389688830803, -0.02161119663314067,
                             0.09281986017165049], 0.01979540323176658),
            "mse for bce": BATCH["mse"],
            "dL/dyhat": ([-1.7922473276884299, -0.012955183266358916,
                          1.5440685498433822], 0.14733093199018377)},
}
#: The four-sample batch repeated: X of shape (4, 3 * TILES) with w / TILES
#: gives the same scores, so dw is BATCH's dw repeated, db BATCH's db.
TILES = 30_000
#: Seconds the visible check gives neuron_backward on that batch: loops in
#: Python take about 0.15 s, finite differences about 10 s on the course's
#: machine, backpropagation a few milliseconds.
SECONDS = 3.0
#: Seconds in the grader, on its larger case: loops in Python about
#: 0.4 s there, finite differences about a minute.
GRADER_SECONDS = 4.0


def _matches(got, value):
    """Whether a returned dw or db equals a mistake's value."""
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    value = np.asarray(value, dtype=float)
    return arr.shape == value.shape and bool(
        np.allclose(arr, value, rtol=1e-6, atol=1e-12))


def _check_gradients(got, expected, what, n, hints=None, note=""):
    """Check that ``got`` is a tuple ``(dw, db)`` equal to ``expected``
    as gradients (relative error 1e-6); ``hints`` maps a key of
    :data:`MISTAKES` to the ``(dw, db)`` of that mistake."""
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise CheckFailed(f"{what} returned {describe(got)}; expected a "
                          "tuple (dw, db).")
    for i, name in enumerate(("dw", "db")):
        try:
            assert_gradient_close(got[i], expected[i], f"{name} of {what}",
                                  n=n)
        except CheckFailed as exc:
            hint = next((f" Your values match {MISTAKES[key]}"
                         for key, values in (hints or {}).items()
                         if _matches(got[i], values[i])), "")
            raise CheckFailed(f"{exc}{hint} {note}".strip()) from None


def _call(loss):
    """``"X, w, b, y"`` and the loss argument, as a learner would write
    the call."""
    return "X, w, b, y" + ("" if loss is None else f', loss="{loss}"')


def _slope_note(neuron_backward):
    """Blame the learner's sigmoid_grad when it fails its own check (in a
    notebook, where neuron_backward can see it)."""
    sigmoid_grad = getattr(neuron_backward, "__globals__", {}).get(
        "sigmoid_grad")
    if not callable(sigmoid_grad):
        return ""
    return earlier_exercise("sigmoid_grad", lambda: (
        check_sigmoid_grad_values.__wrapped__(sigmoid_grad)))


def _check_backward(neuron_backward, loss):
    """The visible checks of one loss (``loss=None``: the default, mse)."""
    key = loss or "mse"
    note = _slope_note(neuron_backward) if key == "mse" else ""
    for X, w, b, y, expected, mistakes, about in (
            (X1, W1, B1, Y1, WORKED, WORKED_MISTAKES,
             "the worked example as one sample, X of shape (1, 2)"),
            (X4, W4, B4, Y4, BATCH, BATCH_MISTAKES, "X of shape (4, 3)")):
        kwargs = {} if loss is None else {"loss": loss}
        what = f"neuron_backward({_call(loss)}) for {about}"
        got = neuron_backward(X.copy(), w.copy(), b, y.copy(), **kwargs)
        _check_gradients(got, expected[key], what, len(y),
                         mistakes[key], note)
    if loss is None:
        return
    X, w = _tiled()
    what = f"neuron_backward({_call(loss)}) for X of shape {X.shape}"
    got = _in_time(lambda: neuron_backward(X, w, B4, Y4.copy(), loss=loss),
                   what, X.shape[1])
    dw, db = BATCH[loss]
    hints = {k: (np.tile(v[0], TILES), v[1])
             for k, v in BATCH_MISTAKES[loss].items()}
    _check_gradients(got, (np.tile(dw, TILES), db), what, len(Y4), hints,
                     note)


def _tiled():
    """X4 repeated over 3 * TILES features, and w4 / TILES: the scores
    of X4 and W4, so the gradient is BATCH's repeated."""
    return np.tile(X4, (1, TILES)), np.tile(W4, TILES) / TILES


def _in_time(call, what, n_features):
    """``call()`` within :data:`SECONDS` (in the grader, on its larger
    case: within :data:`GRADER_SECONDS`), or a message that says why
    backpropagation is wanted."""
    return time_limited(call, SECONDS, in_grader=GRADER_SECONDS, message=(
        f"{what} did not return in time. Backpropagation costs about two "
        "passes over X, whatever the number of weights: a few milliseconds "
        "here. Finite differences need one or two forward passes for each "
        f"of the {n_features:,} weights, far longer: compute δ with the "
        "chain rule instead, then X.T @ δ and the sum of δ."))


@check("neuron_backward gives the gradient of the mean squared error")
def check_neuron_backward_mse(neuron_backward):
    """Check ``neuron_backward`` with ``loss="mse"`` and with the default
    loss, on the worked example and a batch of four samples (tabulated
    gradients), and on that batch repeated over 90,000 features, within
    3 s."""
    _check_backward(neuron_backward, None)
    _check_backward(neuron_backward, "mse")


@check("neuron_backward gives the gradient of the mean cross-entropy")
def check_neuron_backward_bce(neuron_backward):
    """Check ``neuron_backward`` with ``loss="bce"``, as
    :func:`check_neuron_backward_mse` does for the squared error."""
    _check_backward(neuron_backward, "bce")


def _backward_attempt(got, what):
    """Fail unless ``got`` looks like an attempt at ``(dw, db)``: two
    arrays or numbers, finite, a gradient that is not all 0. (Their shapes
    are the gradient tests' business.)"""
    requirement = "that X, w and y are left unchanged"
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise CheckFailed(f"{what} returned {describe(got)}; expected a "
                          f"tuple (dw, db). This test checks {requirement}, "
                          "and needs a working answer to do so.")
    for name, value in zip(("dw", "db"), got):
        assert_plausible(value, f"{name} of {what}", shape=np.shape(value),
                         requirement=requirement)
    _attempt(got[0], f"dw of {what}", requirement, np.shape(got[0]))


@check("neuron_backward leaves X, w and y unchanged")
def check_neuron_backward_unchanged(neuron_backward):
    """Check that ``neuron_backward`` leaves X, w and y unchanged, for
    both losses, and for 90,000 features within 3 s."""
    X, w = _tiled()
    what = f"neuron_backward({_call('mse')}) for X of shape {X.shape}"
    got = _in_time(lambda: assert_unchanged(
        neuron_backward, X, w, B4, Y4.copy(), loss="mse", what=what), what,
        X.shape[1])
    _backward_attempt(got, what)
    for loss in ("mse", "bce"):
        what = f"neuron_backward({_call(loss)}) for X of shape (4, 3)"
        got = assert_unchanged(neuron_backward, X4.copy(), W4.copy(), B4,
                               Y4.copy(), loss=loss, what=what)
        _backward_attempt(got, what)


# -- numerical_gradient ------------------------------------------------------

def _watched(f, theta, eps):
    """``f``, and a list of what numerical_gradient did wrong calling it."""
    start, problems = np.array(theta, dtype=float), []

    def f_watched(t):
        t = np.asarray(t, dtype=float)
        if t.shape != start.shape:
            problems.append(
                f"called f with an array of shape {t.shape}, but theta has "
                f"shape {start.shape}: give f the whole array")
            return 0.0
        step = np.abs(t - start)
        moved = step > 1e-3 * eps
        if moved.sum() > 1:
            problems.append(
                f"called f with {moved.sum()} elements of theta changed at "
                "once: change one element at a time, and put it back "
                "before changing the next")
        elif moved.any() and not np.isclose(step[moved][0], eps,
                                            rtol=1e-3):
            problems.append(
                f"moved an element of theta by {step[moved][0]:.3g}, not "
                f"by eps = {eps:g}: evaluate f at θ + eps and θ − eps")
        return f(t)

    return f_watched, problems


def _cubic(t):
    """f(θ) = sum of θ³: central differences give 3θ² + eps² exactly."""
    return float(np.sum(np.asarray(t, dtype=float) ** 3))


def _cubic_mistakes(theta, eps):
    """What some typical mistakes give for the cubic."""
    t = theta
    central = "use central differences, (f(θ + ε) − f(θ − ε)) / (2ε)?"
    return {
        f"the forward difference (f(θ + ε) − f(θ)) / ε: {central}":
            3 * t**2 + 3 * t * eps + eps**2,
        f"the backward difference (f(θ) − f(θ − ε)) / ε: {central}":
            3 * t**2 - 3 * t * eps + eps**2,
        "twice the central difference: dividing by ε instead of 2ε?":
            2 * (3 * t**2 + eps**2),
        "minus the central difference: f(θ − ε) − f(θ + ε), a sign "
        "error?": -(3 * t**2 + eps**2),
        "the exact 3θ²: is the given eps used?": 3 * t**2,
    }


def _smooth_mistakes(expected):
    """What some typical mistakes give for a smooth f."""
    return {"twice the gradient: dividing by ε instead of 2ε?": 2 * expected,
            "minus the gradient: f(θ − ε) − f(θ + ε), a sign error?":
                -expected}


def _numerical_cases():
    """(f, theta, eps or None for the default, the gradient, what f is)."""
    theta = np.array([1.0, -2.0, 0.5, 3.0])
    cases = [(_cubic, theta, 1e-2, 3 * theta**2 + 1e-4,
              "f(θ) = sum of θ³, theta of shape (4,)")]
    theta = np.array([1.0, -2.0, 0.5])
    a, c = np.array([1.0, 2.0, 0.5]), np.array([0.3, -1.0, 2.0])
    cases.append((lambda t: float(np.sum(a * t**2) + c @ t), theta, None,
                  2 * a * theta + c, "a quadratic f, theta of shape (3,)"))
    theta = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    v = np.array([0.5, -1.0, 2.0])
    cases.append((lambda t: float(0.5 * np.sum((t @ v) ** 2)), theta, None,
                  np.outer(theta @ v, v),
                  "f(θ) = ½|θ v|², theta of shape (2, 3)"))
    return cases


def _check_numerical(numerical_gradient, cases):
    """Run ``numerical_gradient`` on ``cases`` (see
    :func:`_numerical_cases`), watching how it calls f."""
    for f, theta, eps, expected, about in cases:
        kwargs = {} if eps is None else {"eps": eps}
        what = (f"numerical_gradient(f, theta"
                f"{f', eps={eps:g}' if eps else ''}) for {about}")
        f_watched, problems = _watched(f, theta, eps or 1e-6)
        got = numerical_gradient(f_watched, theta.copy(), **kwargs)
        if problems:
            raise CheckFailed(f"{what} {problems[0]}.")
        # rounding leaves about 1e-16 |f| / eps: ~1e-9 at eps = 1e-6, and
        # ~1e-13 at eps = 0.01, where the cubic's 3θ² + eps² is exact
        tight = f is _cubic and eps is not None
        hints = (_cubic_mistakes(theta, eps or 1e-6) if f is _cubic
                 else _smooth_mistakes(expected))
        assert_close(got, expected, what, rtol=1e-8 if tight else 1e-6,
                     atol=1e-10 if tight else 1e-8, hints=hints)


@check("numerical_gradient computes central differences for any shape")
def check_numerical_gradient(numerical_gradient):
    """Check ``numerical_gradient`` on functions whose gradients are known
    exactly: a cubic with eps = 0.01 (central differences give exactly
    3θ² + eps²), a quadratic and a function of a 2-D theta, watching that
    it moves one element at a time, by eps."""
    _check_numerical(numerical_gradient, _numerical_cases())


def _check_theta_unchanged(numerical_gradient, thetas):
    """``numerical_gradient`` of the cubic (a function of any shape, so
    that only this requirement counts) leaves each theta as it was."""
    for theta in thetas:
        what = (f"numerical_gradient(f, theta) for f(θ) = sum of θ³, theta "
                f"of shape {theta.shape}")
        got = assert_unchanged(numerical_gradient, _cubic, theta.copy(),
                               what=what)
        _attempt(got, what, "that theta is left unchanged", theta.shape)


@check("numerical_gradient leaves theta unchanged")
def check_numerical_gradient_unchanged(numerical_gradient):
    """Check that ``numerical_gradient`` leaves the caller's theta exactly
    as it was (to the last bit)."""
    _check_theta_unchanged(numerical_gradient,
                           [case[1] for case in _numerical_cases()])


# -- relative_error ----------------------------------------------------------
#: Diagnoses of typical mistakes, shared with the hidden tests.
ERROR_MISTAKES = {
    "mean": "the mean over the elements: the largest is wanted (np.max)?",
    "no abs": "a − b without abs: the sign of a − b must not matter?",
    "a + b": "a + b without abs in the denominator: it is |a| + |b|?",
    "larger": "the larger of |a| and |b| in the denominator: it is "
              "|a| + |b|?",
    "added": "|a − b| / (|a| + |b| + 1e-12): the floor is max(1e-12, "
             "|a| + |b|), not a sum?",
}
# (a, b, the relative error, what the mistakes give), tabulated once
ERROR_CASES = [
    (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.2, 3.0]),
     0.04761904761904766, {"mean": 0.015873015873015886, "no abs": 0.0,
                           "larger": 0.09090909090909098}),
    (np.array([1.0, 1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0, 3.0]), 0.5,
     {"mean": 0.125, "no abs": 0.0, "larger": 0.6666666666666666}),
    (np.array([-1.0, 2.0]), np.array([1.0, 2.0]), 1.0,
     {"mean": 0.5, "no abs": 0.0, "a + b": 2e12, "larger": 2.0}),
    (np.array([[0.5, -2.0], [4.0, 1.0]]), np.array([[0.6, -2.0], [4.0, 1.5]]),
     0.2, {"mean": 0.07272727272727272, "no abs": 0.0,
           "larger": 0.3333333333333333}),
    (3.0, 3.0000003, 4.999999749218605e-08,
     {"no abs": -4.999999749218605e-08, "larger": 9.999998998437285e-08}),
]
# numbers so small that |a| + |b| is below the floor, a ≥ b ≥ 0
FLOOR_CASES = [(0.0, 0.0, 0.0), (1e-13, 0.0, 0.1),
               (3e-13, 1e-13, 0.19999999999999998),
               (np.array(0.0), np.array(0.0), 0.0)]


def _about(a, b):
    """The inputs of a relative_error call, for messages."""
    if np.size(a) > 4:
        return f"arrays of shape {np.shape(a)}"
    a, b = (np.asarray(v).tolist() for v in (a, b))
    return f"a = {a!r}, b = {b!r}"


def _check_errors(relative_error, cases):
    """Compare ``relative_error`` with ``(a, b, expected, mistakes)``."""
    for a, b, expected, mistakes in cases:
        what = f"relative_error(a, b) for {_about(a, b)}"
        got = relative_error(a, b)
        hints = {ERROR_MISTAKES[k]: v for k, v in mistakes.items()}
        assert_close(got, expected, what, rtol=1e-8, hints=hints)


@check("relative_error takes the largest relative error over elements")
def check_relative_error(relative_error):
    """Check ``relative_error`` on arrays and numbers against tabulated
    values (none small enough for the floor to matter)."""
    _check_errors(relative_error, ERROR_CASES)


def _check_floor(relative_error, cases):
    """``(a, b, expected)`` with |a| + |b| below 1e-12."""
    requirement = "the floor 1e-12"
    for a, b, expected in cases:
        what = f"relative_error(a, b) for {_about(a, b)}"
        got = relative_error(a, b)
        if isinstance(got, (float, np.floating, np.ndarray)) and not np.all(
                np.isfinite(got)):
            raise CheckFailed(
                f"{what} returned {got}, expected {expected:.6g}. Where a "
                "and b are both 0, |a| + |b| is 0 too: divide by "
                "np.maximum(1e-12, |a| + |b|) instead.")
        assert_plausible(got, what, low=0.0, high=1.0,
                         requirement=requirement)
        assert_close(got, expected, what, rtol=1e-8, hints={
            ERROR_MISTAKES["added"]: abs(a - b) / (abs(a) + abs(b) + 1e-12),
            "|a − b| / (|a| + |b|) without the floor?": 1.0})


@check("relative_error is 0 for two zeros and uses the floor 1e-12")
def check_relative_error_floor(relative_error):
    """Check ``relative_error`` where |a| + |b| is below 1e-12: two zeros
    give 0, not NaN, and tiny numbers are divided by the floor."""
    _check_floor(relative_error, FLOOR_CASES)


# -- figures -----------------------------------------------------------------

def _significant(value, digits=4):
    """A number with ``digits`` significant digits and a true minus sign."""
    text = f"{float(value):.{digits}g}"
    return text.replace("-", "\N{MINUS SIGN}")


# node name: (label, position); leaves and intermediate values are boxes
_GRAPH_VALUES = {
    "x1": ("x₁", (1.35, 5.0)), "w1": ("w₁", (1.35, 3.9)),
    "x2": ("x₂", (1.35, 2.6)), "w2": ("w₂", (1.35, 1.5)),
    "b": ("b", (1.35, 0.2)), "z": ("z", (7.2, 2.45)),
    "y_hat": ("ŷ", (11.4, 2.45)), "y": ("y", (11.4, 0.2)),
    "L": ("L", (15.9, 2.45)),
}
_GRAPH_BOX = 1.15  # half the width of a value box
_GRAPH_SUM = (5.2, 2.45)  # where the + node sits
# operations are ellipses: (symbol, position, inputs, output)
_GRAPH_OPS = [
    ("×", (3.7, 4.45), ("x1", "w1"), "sum"),
    ("×", (3.7, 2.05), ("x2", "w2"), "sum"),
    ("+", _GRAPH_SUM, (), "z"),
    ("σ", (9.3, 2.45), ("z",), "y_hat"),
    ("(ŷ − y)²", (13.65, 2.45), ("y_hat", "y"), "L"),
]


def _graph_box(ax, xy, label, value, grad):
    """One value node: its name and value, and its gradient in red."""
    lines = [label if value is None else f"{label} = {_significant(value)}"]
    if grad is not None:
        lines.append(f"∂L/∂{label} = {_significant(grad)}")
    from matplotlib import patches as mpatches

    x, y = xy
    height = 0.42 * len(lines) + 0.25
    ax.add_patch(mpatches.FancyBboxPatch(
        (x - _GRAPH_BOX, y - height / 2), 2 * _GRAPH_BOX, height,
        boxstyle="round,pad=0.05,rounding_size=0.15", facecolor="#eef4fb",
        edgecolor="C0", lw=1.2, zorder=2))
    top = y + 0.21 * (len(lines) - 1)
    ax.text(x, top, lines[0], ha="center", va="center", fontsize=11,
            zorder=3)
    if len(lines) > 1:
        ax.text(x, top - 0.42, lines[1], ha="center", va="center",
                fontsize=9.5, color="C3", zorder=3)
    return height


def _graph_arrow(ax, start, end, **kwargs):
    from matplotlib import patches as mpatches

    ax.add_patch(mpatches.FancyArrowPatch(
        start, end, arrowstyle="-|>", mutation_scale=14, lw=1.3,
        color="0.35", zorder=1, shrinkA=0, shrinkB=0, **kwargs))


def plot_neuron_graph(values=None, grads=None, ax=None):
    """Draw the computational graph of one neuron with two inputs and the
    squared-error loss: x₁, w₁, x₂, w₂, b → z → ŷ = σ(z) → L = (ŷ − y)².

    ``values`` (optional) maps ``"x"``, ``"w"`` (two numbers each), ``"b"``,
    ``"z"``, ``"y_hat"``, ``"y"``, ``"L"`` to the forward pass's numbers;
    ``grads`` (optional) maps ``"w"`` (two numbers), ``"b"``, ``"z"``,
    ``"y_hat"``, ``"L"`` to the gradients ∂L/∂·, written in red.
    Draws the numbers it is given and computes none. Returns the axes.
    Used in lesson 03-chain-rule; public, so that a later lesson can draw
    the same graph.
    """
    from matplotlib import patches as mpatches

    ax = axes(ax, (11.0, 4.9))
    values, grads = dict(values or {}), dict(grads or {})
    for key in ("x", "w"):  # two-element entries become x1, x2, w1, w2
        for store in (values, grads):
            if store.get(key) is not None:
                first, second = np.asarray(store.pop(key), dtype=float)
                store[f"{key}1"], store[f"{key}2"] = first, second
    for name, (label, xy) in _GRAPH_VALUES.items():
        _graph_box(ax, xy, label, values.get(name), grads.get(name))
    sx, sy = _GRAPH_SUM
    for symbol, (x, y), inputs, output in _GRAPH_OPS:
        wide = len(symbol) > 2
        rx, ry = (0.95, 0.42) if wide else (0.32, 0.32)
        ax.add_patch(mpatches.Ellipse(
            (x, y), 2 * rx, 2 * ry, facecolor="white", edgecolor="0.35",
            lw=1.2, zorder=2))
        ax.text(x, y, symbol, ha="center", va="center", fontsize=12,
                zorder=3)
        for name in inputs:
            nx, ny = _GRAPH_VALUES[name][1]
            if name == "y":  # from below
                _graph_arrow(ax, (nx + _GRAPH_BOX, ny), (x, y - ry),
                             connectionstyle="arc3,rad=0.3")
            elif ny == y:
                _graph_arrow(ax, (nx + _GRAPH_BOX, ny), (x - rx, y))
            else:  # a slanted edge ends on the ellipse's rim
                angle = np.arctan2(ny - y, nx - x)
                rim = (x + rx * np.cos(angle), y + ry * np.sin(angle))
                _graph_arrow(ax, (nx + _GRAPH_BOX, ny), rim)
        if output == "sum":
            angle = np.arctan2(y - sy, x - sx)
            _graph_arrow(ax, (x + 0.2, y - 0.25 * np.sign(y - sy)),
                         (sx + 0.32 * np.cos(angle),
                          sy + 0.32 * np.sin(angle)))
        else:
            ox, oy = _GRAPH_VALUES[output][1]
            _graph_arrow(ax, (x + rx, y), (ox - _GRAPH_BOX, oy))
    bx, by = _GRAPH_VALUES["b"][1]
    _graph_arrow(ax, (bx + _GRAPH_BOX, by), (sx, sy - 0.32),
                 connectionstyle="arc3,rad=0.2")
    left, right = 0.1, 17.2
    ax.annotate("", xy=(left, -0.95), xytext=(right, -0.95),
                arrowprops={"arrowstyle": "-|>", "color": "C3", "lw": 1.2})
    ax.text((left + right) / 2, -0.8, "backward: the gradients ∂L/∂· "
            "(red) flow from right to left", ha="center", va="bottom",
            color="C3", fontsize=10)
    ax.annotate("", xy=(right, 5.85), xytext=(left, 5.85),
                arrowprops={"arrowstyle": "-|>", "color": "0.35", "lw": 1.2})
    ax.text((left + right) / 2, 6.0, "forward: the values flow from left "
            "to right", ha="center", va="bottom", color="0.25", fontsize=10)
    ax.set_xlim(left - 0.1, right + 0.1)
    ax.set_ylim(-1.1, 6.45)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def plot_sigmoid_grad(sigmoid, sigmoid_grad, z_max=8.0, ax=None):
    """Draw ``sigmoid`` (faint) and ``sigmoid_grad`` (bold) over
    [-z_max, z_max], mark the largest slope σ′(0) and shade where the
    sigmoid saturates (σ′ below 0.01).

    Both are the learner's functions. Returns the axes.
    Used in lesson 03-chain-rule.
    """
    ax = axes(ax, (7.5, 4.0))
    z = np.linspace(-z_max, z_max, 801)
    s, message = learner_values(sigmoid, "sigmoid", (z,), z.shape)
    if message is None:
        grad, message = learner_values(sigmoid_grad, "sigmoid_grad", (z,),
                                       z.shape)
    if message:
        show_message(ax, message)
        return ax
    flat = grad < 0.01
    for side in (z < 0, z > 0):
        if (flat & side).any():
            edge = z[flat & side]
            start, stop = (-z_max, edge.max()) if side[0] else (edge.min(),
                                                                z_max)
            ax.axvspan(start, stop, color="0.9", zorder=0)
            ax.text((start + stop) / 2, 0.62, "saturated:\nσ′(z) ≈ 0",
                    ha="center", va="center", fontsize=10)
    ax.axhline(0.0, color=FAINT, lw=0.8, ls="--")
    ax.plot(z, s, color=FAINT, lw=1.5, label="σ(z)")
    ax.plot(z, grad, color="C0", lw=2.5, label="σ′(z) = σ(z)(1 − σ(z))")
    top = float(np.interp(0.0, z, grad))
    ax.plot(0.0, top, "o", color="C3", zorder=3)
    ax.annotate(f"σ′(0) = {top:.3g}: the steepest it gets", (0.0, top),
                xytext=(10, 8), textcoords="offset points", color="C3",
                ha="left", fontsize=10)
    ax.set_xlim(-z_max, z_max)
    ax.set_ylim(-0.04, 1.04)
    ax.set_xlabel("z")
    ax.legend(loc="upper left", frameon=False)
    ax.set_title("The sigmoid's slope is at most 1/4, and near 0 when "
                 "saturated")
    return ax


def plot_loss_push(neuron_backward, z_max=8.0, ax=None):
    """Draw −∂L/∂z against z for one sample with target y = 1, for the
    mean squared error and for binary cross-entropy: how hard each loss
    pushes the score z upwards.

    The gradients come from the learner's ``neuron_backward`` (a sample
    x = 1 with weight z and bias 0, so ∂L/∂b = ∂L/∂z). Returns the axes.
    Used in lesson 03-chain-rule.
    """
    ax = axes(ax, (7.5, 4.0))
    z = np.linspace(-z_max, z_max, 161)
    X, y = np.ones((1, 1)), np.ones(1)
    curves = {}
    for loss in ("mse", "bce"):
        def db_of(z_values, loss=loss):
            return np.array([neuron_backward(X, np.array([v]), 0.0, y,
                                             loss=loss)[1]
                             for v in z_values])
        push, message = learner_values(db_of, "neuron_backward", (z,),
                                       z.shape)
        if message:
            show_message(ax, message)
            return ax
        curves[loss] = -push
    ax.axvspan(-z_max, 0.0, color="#fdecea", zorder=0)
    ax.text(-z_max / 2, 1.12, "confidently wrong:\nŷ near 0, but y = 1",
            ha="center", va="center", fontsize=10)
    ax.text(z_max / 2, 1.12, "right:\nŷ above ½, as y = 1", ha="center",
            va="center", fontsize=10)
    ax.axhline(0.0, color=FAINT, lw=0.8, ls="--")
    ax.plot(z, curves["mse"], lw=2.5, color="C0",
            label="mean squared error: 2(1 − ŷ) · σ′(z)")
    ax.plot(z, curves["bce"], lw=2.5, color="C1",
            label="binary cross-entropy: 1 − ŷ")
    ax.set_xlim(-z_max, z_max)
    ax.set_ylim(-0.05, 1.3)
    ax.set_xlabel("score z (target y = 1)")
    ax.set_ylabel("push upwards, −∂L/∂z")
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.82), frameon=False)
    ax.set_title("Where the neuron is most wrong, only cross-entropy "
                 "pushes hard")
    return ax


def plot_eps_sweep(numerical_gradient, relative_error, f, theta, grad,
                   ax=None):
    """Draw the relative error of numerical gradients of ``f`` at
    ``theta`` against ``grad`` for step sizes eps from 1e-13 to 1e-1:
    central differences (the learner's ``numerical_gradient``) and, for
    comparison, one-sided forward differences.

    ``numerical_gradient`` and ``relative_error`` are the learner's
    functions; ``grad`` is the analytic gradient. Returns the axes.
    Used in lesson 03-chain-rule.
    """
    ax = axes(ax, (7.5, 4.4))
    theta = np.array(theta, dtype=float)
    eps = np.logspace(-13, -1, 49)

    def central(eps_values):
        return np.array([relative_error(numerical_gradient(f, theta, eps=e),
                                        grad) for e in eps_values])

    _, message = learner_values(relative_error, "relative_error",
                                (grad, grad), ())
    if message is None:
        err_c, message = learner_values(central, "numerical_gradient",
                                        (eps,), eps.shape)
    if message:
        show_message(ax, message)
        return ax
    f0 = float(f(theta))
    err_f = []
    for e in eps:  # one-sided differences, for comparison only
        g = np.zeros_like(theta)
        for idx in np.ndindex(theta.shape):
            step = theta.copy()
            step[idx] += e
            g[idx] = (float(f(step)) - f0) / e
        err_f.append(relative_error(g, grad))
    floor = 1e-17  # a relative error of exactly 0 has no place on a log axis
    ax.axhspan(floor, 1e-7, color="#e6f4ea", zorder=0)
    ax.axhspan(1e-2, 1e3, color="#fdecea", zorder=0)
    ax.text(1.5e-13, 3e-9, "about 1e-7 or below: right", fontsize=9.5,
            color="#1e7b34", va="top")
    ax.text(1.5e-13, 2.0, "1e-2 or above: wrong", fontsize=9.5,
            color="C3", va="bottom")
    ax.loglog(eps, np.maximum(err_f, floor), "o-", ms=3, color="C1", lw=1.5,
              label="forward: (f(θ + ε) − f(θ)) / ε")
    ax.loglog(eps, np.maximum(err_c, floor), "o-", ms=3, color="C0", lw=2.5,
              label="central: your numerical_gradient")
    ax.axvline(1e-6, color="C3", lw=0.8, ls=":")
    ax.text(1.3e-6, 2e-14, "ε = 1e-6, the default", color="C3",
            fontsize=9.5, va="bottom")
    arrow = {"arrowstyle": "->", "color": "0.4", "lw": 0.8}
    for text, at_eps, xytext in [
            ("rounding error ∝ 1/ε", 1e-10, (3e-10, 3e-2)),
            ("truncation error:\n∝ ε for forward,\n∝ ε² for central", 1e-3,
             (2e-3, 1e-12))]:
        k = int(np.argmin(np.abs(np.log(eps / at_eps))))
        ax.annotate(text, (eps[k], max(err_c[k], floor)), xytext=xytext,
                    fontsize=9.5, ha="center", color="0.3", arrowprops=arrow)
    ax.set_xlim(1e-13, 1e-1)
    ax.set_ylim(1e-14, 1e1)
    ax.set_xlabel("step size ε")
    ax.set_ylabel("relative error against the exact gradient")
    ax.legend(loc="lower left", frameon=False, fontsize=9.5)
    ax.set_title("Too large a step: truncation error; too small: rounding")
    return ax
