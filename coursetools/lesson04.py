"""Lesson 04-gradient-descent: its visible checks, figures and widget.

The checks compare the learner's functions with tabulated numbers (the
lesson's worked step 0.47 and 0.4972 among them) and with properties (keys
and shapes, inputs left unchanged); they compute none of the exercises, so
nothing here can be pasted as an answer. ``check_lr_choice`` trains with
the learner's own ``train_neuron``.
The hidden tests that grade the lesson live on the grader's side
(``autograder/hidden/lesson04.py``).
"""

import textwrap

import matplotlib.pyplot as plt
import numpy as np

from coursetools import checks
from coursetools.checks import (
    CheckFailed,
    assert_close,
    assert_plausible,
    assert_unchanged,
    check,
    describe,
    earlier_exercise,
    show_failures_as_messages,
)
from coursetools.drawing import (
    DPI,
    Backdrop,
    explain_failure,
    explorer,
    message_png,
)
from coursetools.drawing import FAINT as _FAINT
from coursetools.drawing import axes as _axes
from coursetools.drawing import learner_values as _learner_curve
from coursetools.drawing import loss_history as _history
from coursetools.drawing import num as _num
from coursetools.drawing import show_message as _show_message

__all__ = [
    "DescentFigure",
    "check_gradient_step",
    "check_gradient_step_unchanged",
    "check_lr_choice",
    "check_train_neuron",
    "check_train_neuron_unchanged",
    "lr_explorer",
    "plot_loss_curves",
    "plot_loss_curves_zoomed",
    "plot_training",
]

show_failures_as_messages()


# -- gradient_step -----------------------------------------------------------
#: Diagnoses of typical mistakes, shared with the hidden tests.
STEP_MISTAKES = {
    "sign": "p + lr·g: a sign error? Step against the gradient.",
    "no lr": "p − g: is the learning rate missing?",
    "still": "p: the parameter did not move.",
    "no p": "−lr·g: is the parameter itself missing?",
}

# (params, grads, lr, the new params, what the mistakes give, what it is),
# tabulated once: the worked example and a network's four parameters
STEP_CASES = [
    ({"w": np.array([0.5]), "b": 0.5}, {"w": np.array([0.3]), "b": 0.028},
     0.1, {"w": [0.47], "b": 0.4972},
     {"sign": {"w": [0.53], "b": 0.5028}, "no lr": {"w": [0.2], "b": 0.472},
      "no p": {"w": [-0.03], "b": -0.0028}},
     "the worked example"),
    ({"W1": np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]),
      "b1": np.array([0.0, 0.1]), "W2": np.array([[0.7], [-0.8]]),
      "b2": np.array([0.2])},
     {"W1": np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0]]),
      "b1": np.array([0.5, -0.5]), "W2": np.array([[0.3], [0.1]]),
      "b2": np.array([-1.0])},
     0.5, {"W1": [[-0.4, -1.2], [0.8, 0.15], [-0.5, 1.6]],
           "b1": [-0.25, 0.35], "W2": [[0.55], [-0.85]], "b2": [0.7]},
     {"sign": {"W1": [[0.6, 0.8], [-0.2, 0.65], [-0.5, -0.4]],
               "b1": [0.25, -0.15], "W2": [[0.85], [-0.75]], "b2": [-0.3]},
      "no lr": {"W1": [[-0.9, -2.2], [1.3, -0.1], [-0.5, 2.6]],
                "b1": [-0.5, 0.6], "W2": [[0.4], [-0.9]], "b2": [1.2]},
      "no p": {"W1": [[-0.5, -1.0], [0.5, -0.25], [0.0, 1.0]],
               "b1": [-0.25, 0.25], "W2": [[-0.15], [-0.05]],
               "b2": [0.5]}},
     "a network's W1, b1, W2, b2"),
]


def _copy(params):
    """A deep copy of a dict of numbers and arrays."""
    return {k: np.array(v) if isinstance(v, np.ndarray) else v
            for k, v in params.items()}


def _new_params(got, params, what, requirement=""):
    """Fail unless ``got`` is a dict with the keys of ``params``."""
    needs = (f" This test checks {requirement}, and needs a working answer "
             "to do so." if requirement else "")
    if not isinstance(got, dict):
        raise CheckFailed(f"{what} returned {describe(got)}; expected a new "
                          f"dict with the keys of params, {sorted(params)}."
                          + needs)
    if set(got) != set(params):
        raise CheckFailed(
            f"{what} returned the keys {sorted(got)}, expected "
            f"{sorted(params)}: update every key of params, whatever its "
            "name (loop over params rather than naming the keys)." + needs)


def _check_step(gradient_step, cases):
    """``gradient_step`` on ``(params, grads, lr, expected, mistakes,
    about)``: keys, shapes and values, each parameter on its own."""
    for params, grads, lr, expected, mistakes, about in cases:
        what = f"gradient_step(params, grads, {lr:g}) for {about}"
        got = gradient_step(_copy(params), _copy(grads), lr)
        _new_params(got, params, what)
        for key in params:
            hints = {STEP_MISTAKES[m]: values[key]
                     for m, values in mistakes.items()}
            hints[STEP_MISTAKES["still"]] = params[key]
            assert_close(got[key], expected[key],
                         f"the new {key!r} of {what}", hints=hints)


@check("gradient_step steps every parameter against its gradient")
def check_gradient_step(gradient_step):
    """Check ``gradient_step`` on the worked example (w: 0.5 − 0.1 × 0.3 =
    0.47, b: 0.5 − 0.1 × 0.028 = 0.4972) and on a network's W1, b1, W2, b2
    with lr = 0.5: the keys of params, their shapes (a number stays a
    number) and the new values."""
    _check_step(gradient_step, STEP_CASES)


def _check_new(gradient_step, params, grads, lr, what):
    """gradient_step returns a new dict and leaves params and grads as
    they were."""
    requirement = "that params and grads are left unchanged"
    new = assert_unchanged(gradient_step, params, grads, lr, what=what)
    _new_params(new, params, what, requirement)
    for key, value in params.items():
        assert_plausible(new[key], f"the new {key!r} of {what}",
                         shape=np.shape(value), requirement=requirement)
    if all(np.array_equal(new[k], params[k]) for k in params):
        raise CheckFailed(f"{what} returned the parameters as they were: no "
                          f"step. This test checks {requirement}, and needs "
                          "a working answer to do so.")
    for key, value in params.items():
        if isinstance(value, np.ndarray) and np.shares_memory(
                value, np.asarray(new[key])):
            raise CheckFailed(
                f"{what} returned params[{key!r}] itself, so changing the "
                "new parameters would change the old ones: return a new "
                "array.")


@check("gradient_step returns a new dict and changes neither input")
def check_gradient_step_unchanged(gradient_step):
    """Check that ``gradient_step`` leaves params and grads unchanged and
    returns new arrays, not the old ones."""
    for params, grads, lr, _, _, about in STEP_CASES:
        _check_new(gradient_step, _copy(params), _copy(grads), lr,
                   f"gradient_step(params, grads, {lr:g}) for {about}")


# -- train_neuron ------------------------------------------------------------
#: Diagnoses of typical mistakes, shared with the hidden tests.
TRAIN_MISTAKES = {
    "other loss": "descent with the other loss: is the loss argument "
                  "passed on to neuron_backward, and used for the history?",
    "up": "a step up the gradient (p + lr·g)?",
    "no lr": "steps of the full gradient: is lr missing?",
    "n twice": "a gradient divided by n twice?",
    "shifted": "the losses after 1, 2, ... steps: is the loss recorded "
               "after each step instead of before the first?",
}
X_CHECK = np.array([[1.0, -2.0], [0.5, 1.0], [-1.5, 0.5], [2.0, 1.5]])
Y_CHECK = np.array([1.0, 0.0, 0.0, 1.0])
# (w, b, history) of lr = 0.5 and 0, 1 or 5 epochs from w = 0, b = 0,
# tabulated once with the grader's descent; and what mistakes give
TRAINED = {
    ("bce", 0): ([0.0, 0.0], 0.0, [0.6931471805599453]),
    ("bce", 1): ([0.25, -0.125], 0.0,
                 [0.6931471805599453, 0.5536033936312739]),
    ("bce", 5): ([0.8381579726995262, -0.4491456566583138],
                 -0.0766590959653293,
                 [0.6931471805599453, 0.5536033936312739,
                  0.46574911410646097, 0.4072477115492619,
                  0.3658645777817657, 0.3350087847041682]),
    ("mse", 0): ([0.0, 0.0], 0.0, [0.25]),
    ("mse", 1): ([0.125, -0.0625], 0.0, [0.25, 0.2131806134441705]),
    ("mse", 5): ([0.4847808144485141, -0.25001704793801155],
                 -0.027332790479162865,
                 [0.25, 0.2131806134441705, 0.18470051322220754,
                  0.16306227143022037, 0.14657057119771325,
                  0.13381246028983695]),
}
TRAIN_HINTS = {
    "bce": {"other loss": TRAINED["mse", 5],
            "up": ([-1.8194245962900244, 0.8134355858867445],
                   -0.13024560021422754,
                   [0.6931471805599453, 0.8661033936312739,
                    1.1187164911172423, 1.4716805543826341,
                    1.9276276123569729, 2.467137112423267]),
            "no lr": ([1.2635112442731171, -0.7193434900039719],
                      -0.20762146864656952,
                      [0.6931471805599453, 0.4458885318399356,
                       0.35010105220444543, 0.29916406186252414,
                       0.2663965618617225, 0.24288915400844963]),
            "n twice": ([0.2799600089001055, -0.14238612006008744],
                        -0.006637836358731344,
                        [0.6931471805599453, 0.6551369847642605,
                         0.6210963131238036, 0.590568721603878,
                         0.563139282811811, 0.5384362012533079]),
            "shifted": (None, None,
                        [0.5536033936312739, 0.46574911410646097,
                         0.4072477115492619, 0.3658645777817657,
                         0.3350087847041682, 0.31099451024842945])},
    "mse": {"other loss": TRAINED["bce", 5],
            "up": ([-0.7069370588128638, 0.33129912482703117],
                   -0.01764102620613218,
                   [0.25, 0.29099570671112523, 0.3393410337555429,
                    0.3926093311348356, 0.44666208739435465,
                    0.4972066750181018]),
            "no lr": ([0.764315530004926, -0.4108331380240242],
                      -0.08787071405929281,
                      [0.25, 0.181243827835399, 0.14251068789588878,
                       0.12020955310498666, 0.10604499907285911,
                       0.09618414399762035]),
            "n twice": ([0.14726641043265373, -0.07421497473049789],
                        -0.0018606325078535206,
                        [0.25, 0.2403683460540938, 0.23126793488310707,
                         0.2226903402031427, 0.2146216573914562,
                         0.2070437266762763]),
            "shifted": (None, None,
                        [0.2131806134441705, 0.18470051322220754,
                         0.16306227143022037, 0.14657057119771325,
                         0.13381246028983695, 0.12374341545870139])},
}


def _unpack(result, what, epochs=None, requirement=""):
    """(w, b, history) from train_neuron's result, checked for shape (the
    history's length only when ``epochs`` is given)."""
    needs = (f" This test checks {requirement}, and needs a working answer "
             "to do so." if requirement else "")
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise CheckFailed(f"{what} returned {describe(result)}; expected "
                          "a tuple (params, history)." + needs)
    params, history = result
    if not (isinstance(params, dict) and {"w", "b"} <= set(params)):
        raise CheckFailed(f"{what} returned {describe(params)} first; "
                          "expected params, a dict with the keys 'w' and "
                          "'b': return (params, history), in that order."
                          + needs)
    try:
        history = np.asarray(history, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} returned a history that is not a list "
                          "of numbers." + needs) from None
    if epochs is not None and history.shape != (epochs + 1,):
        raise CheckFailed(
            f"{what} returned a history of shape {history.shape}, expected "
            f"({epochs + 1},): the loss at the start, then one after each "
            f"of the {epochs} steps."
            + (" Is the loss at the start, or after the last step, "
               "missing?" if history.shape == (epochs,) else "") + needs)
    return params["w"], params["b"], history


_START = ("history[0] is the loss at the start, w = 0 and b = 0 (not "
          "random weights).")


def _check_trained(result, expected, mistakes, what, epochs, note=""):
    """Compare train_neuron's ``result`` with ``expected`` (w, b, history);
    ``mistakes`` maps keys of :data:`TRAIN_MISTAKES` to what they give."""
    w_exp, b_exp, h_exp = (np.asarray(v, dtype=float) for v in expected)
    w, b, history = _unpack(result, what, epochs)
    # same descent in another order: rounding only (~1e-15 a step), not
    # amplified at stable rates; 1e-6 also leaves room for any BCE eps
    tol = {"rtol": 1e-6, "atol": 1e-9}
    start = {TRAIN_MISTAKES[k]: mistakes[k][2][0]
             for k in ("shifted", "other loss")}
    assert_close(history[0], h_exp[0], f"history[0] of {what}", **tol,
                 hints=start, note=_START)
    for i, (name, got, exp) in enumerate((("params['w']", w, w_exp),
                                          ("params['b']", b, b_exp))):
        hints = {TRAIN_MISTAKES[k]: v[i] for k, v in mistakes.items()
                 if v[i] is not None and np.size(v[i]) == exp.size}
        assert_close(got, exp, f"{name} of {what}", **tol,
                     hints=hints if epochs else {}, note=(
                         note if epochs else "No steps: the parameters "
                         "stay at the start, w = 0 and b = 0."))
    hints = {TRAIN_MISTAKES[k]: v[2][:epochs + 1] for k, v in
             mistakes.items() if v[2] is not None}
    assert_close(history, h_exp, f"the history of {what}", **tol,
                 hints=hints, note=note)


def _step_note(train_neuron):
    """Blame the learner's gradient_step when it fails its own check (in a
    notebook, where train_neuron can see it)."""
    gradient_step = getattr(train_neuron, "__globals__", {}).get(
        "gradient_step")
    if not callable(gradient_step):
        return ""
    return earlier_exercise("gradient_step", lambda: (
        check_gradient_step.__wrapped__(gradient_step)))


def _trained_mistakes(loss, epochs):
    """The tabulated mistakes, cut to ``epochs`` (5 epochs tabulated)."""
    if epochs == 5:
        return TRAIN_HINTS[loss]
    other = "mse" if loss == "bce" else "bce"
    mistakes = {"other loss": TRAINED[other, epochs],
                "shifted": (None, None, [TRAINED[loss, 1][2][1], np.nan])}
    if epochs == 1:  # one step from 0 is −lr·g: the mistakes scale it
        w, b = np.asarray(TRAINED[loss, 1][0]), TRAINED[loss, 1][1]
        mistakes.update({"up": (-w, -b, None),
                         "no lr": (w / 0.5, b / 0.5, None),
                         "n twice": (w / len(Y_CHECK), b / len(Y_CHECK),
                                     None)})
    return mistakes


@check("train_neuron starts at zero, steps downhill and records the loss")
def check_train_neuron(train_neuron):
    """Check ``train_neuron`` for both losses with lr = 0.5 on four
    samples with two features: 0, 1 and 5 epochs against tabulated
    parameters and histories (``epochs + 1`` losses, the first at
    w = 0, b = 0)."""
    note = _step_note(train_neuron)
    for loss in ("bce", "mse"):
        for epochs in (0, 1, 5):
            what = (f"train_neuron(X, y, lr=0.5, epochs={epochs}, "
                    f"loss={loss!r}) for X of shape {X_CHECK.shape}")
            result = train_neuron(X_CHECK.copy(), Y_CHECK.copy(), 0.5,
                                  epochs, loss=loss)
            _check_trained(result, TRAINED[loss, epochs],
                           _trained_mistakes(loss, epochs), what, epochs,
                           note)


def _check_train_unchanged(train_neuron, X, y, lr, epochs, loss):
    """train_neuron leaves X and y as they were. Its result only needs to
    look like an attempt (numbers, a step taken): shapes and values are
    the other test's business."""
    requirement = "that X and y are left unchanged"
    what = (f"train_neuron(X, y, lr={lr:g}, epochs={epochs}, loss={loss!r}) "
            f"for X of shape {X.shape}")
    result = assert_unchanged(train_neuron, X, y, lr, epochs, loss=loss,
                              what=what)
    w, b, history = _unpack(result, what, requirement=requirement)
    for name, value in (("params['w']", w), ("params['b']", b),
                        ("the history", history)):
        assert_plausible(value, f"{name} of {what}", shape=np.shape(value),
                         requirement=requirement)
    if not np.any(np.asarray(w, dtype=float)):
        raise CheckFailed(f"params['w'] of {what} is all zeros: no step "
                          f"was taken. This test checks {requirement}, and "
                          "needs a working answer to do so.")


@check("train_neuron leaves X and y unchanged")
def check_train_neuron_unchanged(train_neuron):
    """Check that ``train_neuron`` leaves X and y unchanged, for both
    losses."""
    for loss in ("bce", "mse"):
        _check_train_unchanged(train_neuron, X_CHECK.copy(), Y_CHECK.copy(),
                               0.5, 3, loss)


# -- lr_choice ---------------------------------------------------------------
#: The teacher's class of the lesson: hours practised minus the advised 6,
#: and who passed.
X_CLASS = (np.array([0, 0, 0.5, 0.5, 0.5, 1.5, 2, 3, 3.5, 4.5, 5, 6.5, 6.5,
                     7.5, 7.5, 7.5, 8, 8, 8, 8, 9, 9, 10, 10, 10.5, 10.5,
                     11, 11, 12, 12]) - 6.0)[:, None]
Y_CLASS = np.array([0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1,
                    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float)


def _learning_rate(value):
    """``value`` as a float, or CheckFailed saying why it is no learning
    rate. (``None`` is the hidden test's business: not written yet.)"""
    if isinstance(value, (bool, np.bool_)) or not (
            isinstance(value, (int, float, np.integer, np.floating,
                               np.ndarray)) and np.ndim(value) == 0):
        raise CheckFailed(f"lr_choice is {describe(value)}; set it to a "
                          "single number (a float).")
    if not (np.isfinite(value) and value > 0):
        raise CheckFailed(f"lr_choice is {float(value):g}; a learning rate "
                          "is a positive number.")
    return float(value)


def _check_descent(history, lr):
    """Fail unless 20 epochs ended below 0.50, saying why not."""
    history = np.asarray(history, dtype=float)
    if history[20] < 0.5:
        return
    if not np.isfinite(history[20]) or history[20] > history[0]:
        why = ("too large: the loss ends above where it started, the "
               "steps diverge")
    elif history.max() > history[0]:
        why = ("too large: the loss went up along the way, the steps "
               "overshoot the bottom of the valley")
    else:
        why = "too small: the steps are too short to get there in time"
    raise CheckFailed(
        f"With lr_choice = {lr:g}, 20 epochs of gradient descent on the "
        f"teacher's class end at a loss of {history[20]:.4f}, not below "
        f"0.50: {why}. Try the learning-rate explorer with 20 epochs.")


@check("lr_choice: 20 epochs with it bring the class's loss below 0.50")
def check_lr_choice(lr_choice, train_neuron):
    """Check that ``lr_choice`` is a learning rate with which 20 epochs of
    the learner's ``train_neuron`` on the teacher's class end below 0.50.

    In the grader this check leaves it to the hidden test, which trains
    with the grader's own descent: a mistake in train_neuron costs no
    lr_choice point.
    """
    if checks.IN_GRADER:
        return
    if lr_choice is None:  # the stub: an exercise not written yet
        raise NotImplementedError("lr_choice is not written yet: set it to "
                                  "a learning rate in the cell above.")
    lr = _learning_rate(lr_choice)
    note = earlier_exercise("train_neuron", lambda: (
        check_train_neuron.__wrapped__(train_neuron)))
    if note:
        raise CheckFailed(
            f"lr_choice = {lr:g} is a learning rate, but this check trains "
            "with your train_neuron, which fails its own test, so it cannot "
            "tell how 20 epochs end. Fix train_neuron first. (The grader "
            "trains with its own descent: your lr_choice counts anyway.)")
    _, history = train_neuron(X_CLASS.copy(), Y_CLASS.copy(), lr, 20)
    _check_descent(history, lr)


# -- figures and the widget --------------------------------------------------

def _stacked(x, y, gap=0.035):
    """Offsets that stack points sharing the same (x, y) vertically."""
    seen = {}
    offsets = np.zeros(len(x))
    for i, key in enumerate(zip(np.round(x, 9), y)):
        k = seen.get(key, 0)
        seen[key] = k + 1
        offsets[i] = (k * gap) * (-1 if key[1] > 0.5 else 1)
    return offsets


def plot_loss_curves(histories, lowest=None, ax=None, title=None):
    """Draw one or more loss histories against the epoch.

    ``histories`` maps a label to a history (epochs + 1 losses, the first
    at the start, as the learner's ``train_neuron`` returns them);
    ``lowest``, if given, is drawn as a dashed line: the lowest loss the
    model can reach. Returns the axes.
    Used in lesson 04-gradient-descent.
    """
    ax = _axes(ax, (7.5, 4.0))
    top = 0.0
    for (label, history), color in zip(histories.items(),
                                       ("C0", "C1", "C2", "C4", "C5")):
        values, message = _history(history)
        if message:
            _show_message(ax, message)
            return ax
        epochs = np.arange(values.size)
        style = {"marker": "o", "ms": 3.5} if values.size <= 41 else {}
        ax.plot(epochs, values, lw=2.2, color=color, label=label, **style)
        top = max(top, float(np.nanmax(values)))
    if lowest is not None:
        ax.axhline(lowest, color=_FAINT, lw=1.0, ls="--",
                   label=f"lowest possible loss, {lowest:.3f}")
    bottom = lowest if lowest is not None else 0.0
    ax.set_ylim(bottom - 0.05 * (top - bottom), top + 0.05 * (top - bottom))
    ax.set_xlim(left=0)
    ax.set_xlabel("epoch (one pass through the training set)")
    ax.set_ylabel("loss on the training set")
    ax.set_title(title or "The loss during training")
    ax.legend(loc="upper right", frameon=False)
    return ax


def plot_training(neuron_forward, X, y, params, history, xlabel="x",
                  axes=None):
    """Two panels after training one neuron on data with one feature:
    the loss history (left) and the data with the trained neuron's
    output σ(w·x + b) (right; points with the same x and y are stacked).

    ``neuron_forward`` and ``params``/``history`` (what ``train_neuron``
    returned) are the learner's. Returns the two axes.
    Used in lesson 04-gradient-descent.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 4.0),
                               layout="constrained")
    plot_loss_curves({"loss": history}, ax=axes[0],
                     title="The loss falls as the neuron learns")
    ax = axes[1]
    x = np.asarray(X, dtype=float)[:, 0]
    y = np.asarray(y, dtype=float)
    try:
        w = np.asarray(params["w"], dtype=float).reshape(1)
        b = float(params["b"])
    except Exception:  # a malformed result: explain, do not crash
        _show_message(ax, "train_neuron should return ({'w': ..., 'b': "
                      "...}, history).\n\nRun its tests above.")
        return axes
    grid = np.linspace(x.min() - 0.5, x.max() + 0.5, 301)
    curve, message = _learner_curve(neuron_forward, "neuron_forward",
                                    (grid[:, None], w, b), grid.shape)
    if message:
        _show_message(ax, message)
        return axes
    for level in (0.0, 1.0):
        ax.axhline(level, color=_FAINT, lw=0.8, ls="--")
    ax.axhline(0.5, color=_FAINT, lw=0.8, ls=":")
    jitter = _stacked(x, y)
    for label, value, color in (("passed (y = 1)", 1.0, "C2"),
                                ("failed (y = 0)", 0.0, "C3")):
        mask = y == value
        ax.plot(x[mask], y[mask] + jitter[mask], "o", color=color, ms=6,
                alpha=0.8, label=label)
    ax.plot(grid, curve, lw=2.5, color="C0",
            label=f"σ({_num(w[0], 2)} · x {'−' if b < 0 else '+'} "
            f"{_num(abs(b), 2)})")
    ax.set_xlim(grid[0], grid[-1])
    ax.set_ylim(-0.2, 1.2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("ŷ: the neuron's confidence of a pass")
    ax.set_title("The data and the trained neuron")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return axes


class DescentFigure:
    """The learning-rate explorer's figure, drawn fast enough to follow a
    slider: the loss surface over (w, b) is computed and rendered once;
    a redraw pastes that rendering back, draws the path and the loss
    curve on it, and encodes a PNG.

    ``X`` has one feature; ``loss_fn(neuron_forward(X, w, b), y)`` is the
    loss (the notebook's functions, evaluated once per grid point).
    Used in lesson 04-gradient-descent (by :func:`lr_explorer`).
    """

    #: inches
    SIZE = (10.6, 4.1)

    def __init__(self, X, y, neuron_forward, loss_fn, w_range=(-0.6, 1.4),
                 b_range=(-1.0, 1.0), n_grid=61, max_epochs=100):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.w_range, self.b_range = w_range, b_range
        self.fig = Figure(figsize=self.SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.fig.subplots_adjust(left=0.075, right=0.985, bottom=0.13,
                                 top=0.9, wspace=0.32)
        self.ax_surface, self.ax_loss = self.fig.subplots(1, 2)
        self.message = None
        grid = self._grid(X, y, neuron_forward, loss_fn, n_grid)
        if grid is None:
            return
        self.lowest = float(grid[2].min())
        i, j = np.unravel_index(np.argmin(grid[2]), grid[2].shape)
        self.best = (float(grid[0][i, j]), float(grid[1][i, j]))
        self._draw_surface(*grid)
        self._draw_loss_axes(max_epochs)
        # render everything that never changes once, then keep the pixels
        for artist in self.dynamic:
            artist.set_animated(True)
        self.backdrop = Backdrop(self.fig)

    def _grid(self, X, y, neuron_forward, loss_fn, n_grid):
        ws = np.linspace(*self.w_range, n_grid)
        bs = np.linspace(*self.b_range, n_grid)
        W, B = np.meshgrid(ws, bs)
        L = np.empty_like(W)
        try:
            for idx in np.ndindex(W.shape):
                L[idx] = float(loss_fn(neuron_forward(
                    X, np.array([W[idx]]), float(B[idx])), y))
        except Exception as exc:  # explained in the figure instead
            self.message = (f"Computing the loss surface raised "
                            f"{type(exc).__name__}:\n"
                            + textwrap.shorten(str(exc), 120))
            return None
        return W, B, L

    def _draw_surface(self, W, B, L):
        ax = self.ax_surface
        # contours at the lowest loss plus 0.01, 0.02, 0.04, ...: the
        # bowl's shape near its bottom, where descent ends, stays visible
        levels = self.lowest + np.append(0.0, 0.01 * 2.0 ** np.arange(12))
        levels = levels[levels < L.max()]
        shades = plt.get_cmap("Blues_r")(np.linspace(0.2, 0.95,
                                                     len(levels)))
        filled = ax.contourf(W, B, L, levels=[*levels, L.max()],
                             colors=shades)
        ax.contour(W, B, L, levels=levels[1:], colors="white",
                   linewidths=0.6, alpha=0.7)
        bar = self.fig.colorbar(filled, ax=ax, pad=0.02, fraction=0.05)
        bar.set_label("loss")
        bar.set_ticks(levels[::2], labels=[f"{v:.2f}" for v in levels[::2]])
        ax.plot(*self.best, "*", color="gold", ms=16, mec="k", mew=0.8,
                zorder=4, label="lowest loss")
        ax.plot(0.0, 0.0, "s", color="k", ms=6, zorder=4, label="start")
        ax.plot([], [], "-o", color="C3", lw=1.5, ms=3.5, label="path")
        ax.set_xlim(*self.w_range)
        ax.set_ylim(*self.b_range)
        ax.set_xlabel("weight w")
        ax.set_ylabel("bias b")
        ax.legend(loc="upper left", fontsize=9, framealpha=0.9)
        # the artists below change on every redraw: drawn by draw()
        (self.path_line,) = ax.plot([], [], "-o", color="C3", lw=1.5,
                                    ms=3.5, zorder=3)
        (self.path_end,) = ax.plot([], [], "o", mfc="none", mec="C3",
                                   ms=11, mew=2.0, zorder=5)
        self.path_note = ax.text(0.98, 0.03, "", transform=ax.transAxes,
                                 ha="right", va="bottom", fontsize=9.5,
                                 zorder=6, bbox={"facecolor": "white",
                                                 "alpha": 0.9,
                                                 "edgecolor": "none"})
        self.surface_title = ax.set_title(" ")
        self.dynamic = [self.path_line, self.path_end, self.path_note,
                        self.surface_title]

    def _draw_loss_axes(self, max_epochs):
        from matplotlib.ticker import MaxNLocator

        ax = self.ax_loss
        ax.axhline(self.lowest, color=_FAINT, lw=1.0, ls="--")
        ax.text(0.99, self.lowest, f"lowest loss {self.lowest:.3f} ",
                transform=ax.get_yaxis_transform(), ha="right",
                va="top", fontsize=9, color="0.4")
        (self.loss_line,) = ax.plot([], [], "-", color="C0", lw=2.2)
        (self.loss_dots,) = ax.plot([], [], "o", color="C0", ms=3.5)
        self.verdict = ax.text(0.97, 0.95, "", transform=ax.transAxes,
                               ha="right", va="top", fontsize=11,
                               bbox={"boxstyle": "round,pad=0.4",
                                     "facecolor": "white"})
        self.loss_note = ax.text(0.97, 0.6, "", transform=ax.transAxes,
                                 ha="right", va="top", fontsize=9.5,
                                 color="C3")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss on the training set")
        self.loss_title = ax.set_title(" ")
        # fixed axes, the same for every learning rate and number of
        # epochs: curves can be compared, and the ticks are drawn once
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max_epochs)
        self.loss_top = 0.75
        span = self.loss_top - self.lowest
        # room at the top for the verdict, above the starting loss
        ax.set_ylim(self.lowest - 0.08 * span, self.loss_top + 0.3 * span)
        self.dynamic += [self.loss_line, self.loss_dots, self.verdict,
                         self.loss_note, self.loss_title]

    def draw(self, lr, path, history):
        """Redraw for a path ``[(w, b), ...]`` and its losses; PNG bytes."""
        if self.message:
            return self.show_message(self.message)
        path = np.asarray(path, dtype=float).reshape(-1, 2)
        history = np.asarray(history, dtype=float)
        epochs = len(history) - 1
        self.path_line.set_data(path[:, 0], path[:, 1])
        self.path_end.set_data(path[-1:, 0], path[-1:, 1])
        (w0, w1), (b0, b1) = self.w_range, self.b_range
        outside = ((path[:, 0] < w0) | (path[:, 0] > w1)
                   | (path[:, 1] < b0) | (path[:, 1] > b1))
        self.path_note.set_text(
            "the path leaves the plot:\n|w| or |b| reaches "
            f"{np.abs(path).max():.3g}" if outside.any() else "")
        steps = "1 step" if epochs == 1 else f"{epochs} steps"
        self.surface_title.set_text(
            f"{steps} of size lr = {lr:.3g} on the loss surface")
        self.loss_line.set_data(np.arange(epochs + 1), history)
        dots = history if epochs <= 40 else history[:0]
        self.loss_dots.set_data(np.arange(dots.size), dots)
        finite = history[np.isfinite(history)]
        top = self.ax_loss.get_ylim()[1]
        high = float(finite.max()) if finite.size else np.inf
        self.loss_note.set_text(
            f"the loss leaves the plot:\nit reaches {high:.3g}"
            if not (high <= top and finite.size == history.size) else "")
        text, color = _verdict(history, self.lowest)
        self.verdict.set_text(text)
        self.verdict.set_color(color)
        self.verdict.get_bbox_patch().set_edgecolor(color)
        self.loss_title.set_text(
            f"loss {history[0]:.3f} \N{RIGHTWARDS ARROW} {history[-1]:.3f} "
            f"after {epochs} epoch{'' if epochs == 1 else 's'}")
        return self.backdrop.png(self.dynamic)

    @staticmethod
    def show_message(message):
        """A PNG of a friendly message instead of the figure
        (:func:`coursetools.drawing.message_png`)."""
        return message_png(message, size=DescentFigure.SIZE)


def _verdict(history, lowest):
    """What a loss history says about its learning rate, and a colour."""
    if not np.all(np.isfinite(history)):
        return "too large: diverged\n(the loss became inf or nan)", "C3"
    start, end = history[0], history[-1]
    if end > start:
        return ("too large: diverging\n(the loss ends above its "
                "start)"), "C3"
    if history.max() > 1.5 * start:
        return ("too large: oscillating\n(the loss jumps far above "
                "its start)"), "C3"
    if np.any(np.diff(history) > 1e-12):
        return "too large: overshooting\n(the loss went up on a step)", "C1"
    if len(history) < 2:
        return "no steps yet", "0.3"
    progress = (start - end) / max(start - lowest, 1e-12)
    if progress < 0.2:
        return "too small: barely moving", "C4"
    if progress < 0.9:
        return "slow, but on its way", "C0"
    return "about right: steady descent", "C2"


def plot_loss_curves_zoomed(histories, lowest, zoom_from=5, axes=None,
                            title=None):
    """:func:`plot_loss_curves` twice: all epochs (left), and from epoch
    ``zoom_from`` on, magnified near the lowest loss (right), where the
    noise of mini-batch steps shows.

    Returns the two axes.
    Used in lesson 04-gradient-descent.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12.0, 4.2),
                               layout="constrained")
    plot_loss_curves(histories, lowest=lowest, ax=axes[0], title=title)
    plot_loss_curves(histories, lowest=lowest, ax=axes[1],
                     title=f"The same, magnified, from epoch {zoom_from}")
    tails = [np.asarray(h, dtype=float)[zoom_from:] for h in
             histories.values()]
    top = max((float(t.max()) for t in tails if t.size), default=lowest)
    top = min(top, lowest + 0.2 * (axes[0].get_ylim()[1] - lowest))
    axes[1].set_xlim(zoom_from, max(len(h) for h in histories.values()) - 1)
    axes[1].set_ylim(lowest - 0.1 * (top - lowest), top)
    axes[1].get_legend().remove()
    return axes


def _descend(X, y, gradient_step, neuron_backward, neuron_forward, loss_fn,
             lr, epochs):
    """The path ``[(w, b), ...]`` and losses of ``epochs`` steps from
    w = 0, b = 0, each step made by the learner's ``gradient_step``;
    ``(path, history, message)``, message ``None`` when all went well."""

    import numpy as np

    params = {"w": np.zeros(1), "b": 0.0}
    path, history = [], []
    try:
        for step in range(epochs + 1):
            w = np.asarray(params["w"], dtype=float).reshape(1)
            b = float(np.ravel(params["b"])[0])
            path.append((float(w[0]), b))
            history.append(float(loss_fn(neuron_forward(X, w, b), y)))
            if step == epochs or not np.isfinite(history[-1]):
                break
            dw, db = neuron_backward(X, w, b, y, loss="bce")
            params = gradient_step({"w": w, "b": b}, {"w": dw, "b": db}, lr)
    except NotImplementedError:
        return None, None, ("Write gradient_step above first,\n"
                            "then run this cell again.")
    except Exception as exc:  # a learner's mistake: explain, do not crash
        return None, None, explain_failure(
            exc, "Gradient descent with your gradient_step",
            "Run the tests of gradient_step above.")
    return path, history, None


def lr_explorer(X, y, gradient_step, neuron_backward, neuron_forward,
                loss_fn, max_epochs=100):
    """Sliders "learning rate" (log scale, 1e-4 to 10) and "epochs" that
    redraw gradient descent on a one-feature neuron while they are
    dragged: its path over the loss surface in (w, b) and its loss curve.

    The steps are made by the learner's ``gradient_step`` with the
    gradient of ``neuron_backward`` (loss "bce"); the surface is computed
    once, with ``loss_fn`` and ``neuron_forward``; paths are cached per
    learning rate, so a slider move costs one short descent at most and a
    PNG render (:class:`DescentFigure`), and the settings one step away
    are drawn ahead while the kernel is idle. Returns the widget
    (:func:`coursetools.drawing.explorer`); its ``redraw_ms`` lists the
    kernel time of every redraw, in milliseconds.
    Used in lesson 04-gradient-descent.
    """
    import ipywidgets as widgets

    figure = DescentFigure(X, y, neuron_forward, loss_fn,
                           max_epochs=max_epochs)
    paths = {}

    def render(lr, epochs):
        if lr not in paths:
            paths[lr] = _descend(X, y, gradient_step, neuron_backward,
                                 neuron_forward, loss_fn, lr, max_epochs)
        path, history, message = paths[lr]
        if message:
            return figure.show_message(message)
        return figure.draw(lr, path[:epochs + 1], history[:epochs + 1])

    style = {"description_width": "100px"}
    layout = widgets.Layout(width="520px")
    lr = widgets.FloatLogSlider(
        value=0.1, base=10, min=-4, max=1, step=0.25,
        description="learning rate", readout_format=".3g",
        continuous_update=True, style=style, layout=layout)
    epochs = widgets.IntSlider(
        value=30, min=1, max=max_epochs, step=1, description="epochs",
        continuous_update=True, style=style, layout=layout)
    width, height = DescentFigure.SIZE
    return explorer({"lr": lr, "epochs": epochs}, render,
                    (round(width * DPI), round(height * DPI)))
