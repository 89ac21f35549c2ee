"""Lesson 01-sigmoid-neuron: its visible checks, figures and widget.

The checks compare the learner's functions with tabulated numbers and
with properties (shape, range, no warning, an input left unchanged); they
compute neither exercise, so nothing here can be pasted as an answer.
The hidden tests that grade the lesson live on the grader's side
(``autograder/hidden/lesson01.py``).
"""

import numpy as np

from coursetools.checks import (
    assert_close,
    assert_no_warnings,
    assert_plausible,
    assert_unchanged,
    check,
    earlier_exercise,
    show_failures_as_messages,
)
from coursetools.drawing import (
    DPI,
    FAINT,
    Backdrop,
    axes,
    explorer,
    learner_values,
    message_png,
    num,
    offscreen_figure,
    show_message,
    signed,
)

__all__ = [
    "check_neuron_forward_batch",
    "check_neuron_forward_sample",
    "check_neuron_forward_unchanged",
    "check_sigmoid_stable",
    "check_sigmoid_unchanged",
    "check_sigmoid_values",
    "neuron_explorer",
    "plot_neuron_output",
    "plot_sigmoid",
]

show_failures_as_messages()

# σ(z) to 16 digits, tabulated once (with np.logaddexp) for the checks
Z = np.array([-2.0, -0.5, 0.0, 1.0, 3.0])
SIGMA_Z = np.array([0.11920292202211753, 0.3775406687981454, 0.5,
                    0.7310585786300049, 0.9525741268224333])
Z2 = np.array([[-4.0, 0.25], [1.5, 6.0]])
SIGMA_Z2 = np.array([[0.017986209962091562, 0.5621765008857981],
                     [0.8175744761936437, 0.9975273768433652]])
SIGMA_125 = 0.7772998611746912  # σ(1.25)

# the worked example's teacher, three students
X = np.array([[2.0, 3.0], [0.0, 1.0], [-1.0, 0.5]])
W = np.array([0.5, -0.25])
B = 0.1
SCORES = np.array([0.35, -0.15, -0.525])                  # X @ w + b
OUTPUTS = np.array([0.5866175789173301, 0.46257015465625045,
                    0.37168381170463377])                # σ(X @ w + b)
NO_BIAS = np.array([0.5621765008857981, 0.4378234991142019,
                    0.34864513533394575])                # σ(X @ w)
MINUS_B = np.array([0.5374298453437495, 0.41338242108267,
                    0.3262929005454786])                  # σ(X @ w − b)


def _sigmoid_mistakes(z, expected):
    """What typical mistakes return, for the messages."""
    z = np.asarray(z, dtype=float)
    with np.errstate(all="ignore"):
        brackets = 1 + np.exp(-z)
    return {
        "1 − σ(z): a sign error in the exponent?": 1 - expected,
        "z itself: was the sigmoid applied?": z,
        "1 + exp(-z): brackets missing, as in 1/1 + exp(-z)?": brackets,
    }


@check("sigmoid gives the right values for arrays and numbers")
def check_sigmoid_values(sigmoid):
    """Check ``sigmoid`` against tabulated values: for an array of shape
    (5,) and one of shape (2, 2), for the number 0.0 and a 0-d array."""
    for z, expected in ((Z, SIGMA_Z), (Z2, SIGMA_Z2)):
        assert_close(sigmoid(z.copy()), expected,
                     f"sigmoid(z) for z = {z.tolist()}",
                     hints=_sigmoid_mistakes(z, expected))
    assert_close(sigmoid(0.0), 0.5, "sigmoid(0.0)",
                 hints=_sigmoid_mistakes(0.0, 0.5))
    assert_close(sigmoid(np.array(1.25)), SIGMA_125,
                 "sigmoid(z) for z a 0-d array (np.array(1.25))")


@check("sigmoid leaves z unchanged")
def check_sigmoid_unchanged(sigmoid):
    """Check that ``sigmoid`` leaves its input array unchanged."""
    for z in (Z, Z2):
        got = assert_unchanged(sigmoid, z.copy(), what="sigmoid(z)")
        assert_plausible(got, f"sigmoid(z) for z of shape {z.shape}",
                         shape=z.shape, low=0.0, high=1.0, strict=True,
                         requirement="that z is left unchanged")


@check("sigmoid is stable: exact limits, no overflow at z = ±1000")
def check_sigmoid_stable(sigmoid):
    """Check that ``sigmoid`` gives exactly 0 and 1 at z = -1000 and 1000,
    with no overflow warning."""
    z = np.array([-1000.0, 1000.0])
    what = "sigmoid(z) for z = [-1000, 1000]"
    assert_close(assert_no_warnings(lambda: sigmoid(z.copy()), what),
                 [0.0, 1.0], what)
    for value, expected in ((-1000.0, 0.0), (1000.0, 1.0)):
        what = f"sigmoid({value:g})"
        assert_close(assert_no_warnings(lambda v=value: sigmoid(v), what),
                     expected, what)


def _sigmoid_note(neuron_forward):
    """Blame the learner's sigmoid when it fails its own checks (in a
    notebook, where neuron_forward can see it)."""
    sigmoid = getattr(neuron_forward, "__globals__", {}).get("sigmoid")
    if not callable(sigmoid):
        return ""
    return earlier_exercise("sigmoid", lambda: (
        check_sigmoid_values(sigmoid), check_sigmoid_stable(sigmoid)))


def _neuron_mistakes(rows=slice(None)):
    return {
        "X @ w + b: was sigmoid applied?": SCORES[rows],
        "σ(X @ w): is the bias b missing?": NO_BIAS[rows],
        "σ(X @ w − b): is the bias subtracted?": MINUS_B[rows],
        "1 − σ(X @ w + b): a sign error?": 1 - OUTPUTS[rows],
        "0.5 everywhere: a placeholder answer?":
            np.full_like(OUTPUTS[rows], 0.5),
    }


@check("neuron_forward gives one output per sample")
def check_neuron_forward_batch(neuron_forward):
    """Check ``neuron_forward`` on the worked example's three students:
    X of shape (3, 2) gives three outputs, shape (3,)."""
    what = "neuron_forward(X, w, b) for X of shape (3, 2)"
    assert_close(neuron_forward(X.copy(), W.copy(), B), OUTPUTS, what,
                 hints=_neuron_mistakes(), note=_sigmoid_note(neuron_forward))


@check("neuron_forward gives a number for one sample")
def check_neuron_forward_sample(neuron_forward):
    """Check ``neuron_forward`` on one sample, X of shape (2,): a number."""
    what = "neuron_forward(x, w, b) for one sample x of shape (2,)"
    assert_close(neuron_forward(X[0].copy(), W.copy(), B), OUTPUTS[0],
                 what, hints=_neuron_mistakes(0),
                 note=_sigmoid_note(neuron_forward))


@check("neuron_forward leaves X and w unchanged")
def check_neuron_forward_unchanged(neuron_forward):
    """Check that ``neuron_forward`` leaves X and w unchanged."""
    got = assert_unchanged(neuron_forward, X.copy(), W.copy(), B,
                           what="neuron_forward(X, w, b)")
    assert_plausible(got, "neuron_forward(X, w, b) for X of shape (3, 2)",
                     shape=(3,), low=0.0, high=1.0, strict=True,
                     requirement="that X and w are left unchanged")


# -- figures and the widget --------------------------------------------------

def plot_sigmoid(sigmoid, z_max=10.0, ax=None):
    """Draw ``sigmoid(z)`` for z in [-z_max, z_max] and shade where it
    saturates (output within 0.01 of 0 or of 1).

    ``sigmoid`` is the learner's function. Returns the axes.
    """
    ax = axes(ax, (7.5, 4.0))
    z = np.linspace(-z_max, z_max, 801)
    y, message = learner_values(sigmoid, "sigmoid", (z,), z.shape)
    if message:
        show_message(ax, message)
        return ax
    low, high = y < 0.01, y > 0.99
    shade = {"color": "0.85", "zorder": 0}
    if low.any():
        edge = z[low].max()
        ax.axvspan(-z_max, edge, **shade)
        ax.text((edge - z_max) / 2, 0.5, "saturated:\nσ(z) ≈ 0,\nnearly flat",
                ha="center", va="center", fontsize=10)
    if high.any():
        edge = z[high].min()
        ax.axvspan(edge, z_max, **shade)
        ax.text((edge + z_max) / 2, 0.5, "saturated:\nσ(z) ≈ 1,\nnearly flat",
                ha="center", va="center", fontsize=10)
    for level in (0.0, 1.0):
        ax.axhline(level, color=FAINT, lw=0.8, ls="--")
    ax.axhline(0.5, color=FAINT, lw=0.8, ls=":")
    ax.axvline(0.0, color=FAINT, lw=0.8, ls=":")
    ax.plot(z, y, lw=2.5, color="C0")
    middle = float(np.interp(0.0, z, y))
    ax.plot(0.0, middle, "o", color="C3", zorder=3)
    ax.annotate(f"σ(0) = {middle:.3g}", (0.0, middle),
                xytext=(12, -4), textcoords="offset points", color="C3",
                fontsize=10, va="top")
    ax.set_xlim(-z_max, z_max)
    ax.set_ylim(-0.06, 1.06)
    ax.set_xlabel("z = x · w + b")
    ax.set_ylabel("σ(z)")
    ax.set_title("The sigmoid squashes every z into (0, 1)")
    return ax


def plot_neuron_output(neuron_forward, w, b, x_max=6.0, ax=None):
    """Draw a one-input neuron's output ``neuron_forward(X, [w], b)`` over
    x in [-x_max, x_max], with a faint reference curve (w = 1, b = 0) and
    the point where the output is 0.5 (x = -b/w).

    ``neuron_forward`` is the learner's function. Returns the axes.
    Drawn by :func:`neuron_explorer` too.
    """
    ax = axes(ax, (7.6, 3.6))
    x = np.linspace(-x_max, x_max, 601)
    y, message = _neuron_curve(neuron_forward, x, w, b)
    if message:
        show_message(ax, message)
        return ax
    _neuron_axes(ax, neuron_forward, x)
    _neuron_curves(ax, x, y, w, b)
    return ax


def _neuron_curve(neuron_forward, x, w, b):
    """``(outputs, None)`` of a one-input neuron over ``x``, or ``(None,
    message)``."""
    return learner_values(neuron_forward, "neuron_forward",
                          (x[:, None], np.array([float(w)]), float(b)),
                          x.shape)


def _neuron_axes(ax, neuron_forward, x):
    """What does not depend on w and b: levels, reference, labels."""
    reference, _ = _neuron_curve(neuron_forward, x, 1.0, 0.0)
    ax.axhline(0.5, color=FAINT, lw=0.8, ls=":")
    for level in (0.0, 1.0):
        ax.axhline(level, color=FAINT, lw=0.8, ls="--")
    if reference is not None:
        ax.plot(x, reference, color=FAINT, lw=1.5,
                label="reference: w = 1, b = 0")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(-0.06, 1.06)
    ax.set_xlabel("x (the one input feature)")
    ax.set_ylabel("output ŷ = σ(w · x + b)")


def _neuron_curves(ax, x, y, w, b):
    """The curve for w and b, its midpoint, legend and title: the
    artists that change with w and b."""
    x_max = x[-1]
    drawn = ax.plot(x, y, lw=2.5, color="C0",
                    label=f"σ({num(w)} · x {signed(b)})")
    if abs(w) < 1e-9:  # a slider may land a hair away from 0
        drawn += ax.plot([], [], " ", label="w = 0: the output\nignores x")
    else:
        x_half = -b / w + 0.0  # + 0.0 turns -0.0 into 0.0
        if abs(x_half) <= x_max:
            drawn.append(ax.axvline(x_half, color="C3", lw=0.8, ls=":"))
            drawn += ax.plot(x_half, 0.5, "o", color="C3", zorder=3,
                             label=f"output 0.5 at\nx = −b/w = "
                             f"{num(x_half, 2)}")
        else:
            drawn += ax.plot([], [], " ", label=f"output 0.5 at\nx = −b/w "
                             f"= {num(x_half)},\noff the plot")
    drawn.append(ax.set_title(f"One neuron with w = {num(w)}, b = {num(b)}"))
    drawn.append(ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0),
                           frameon=False))
    return drawn


#: The explorer's figure, inches: plot_neuron_output's axes and, at the
#: right, room for its legend.
EXPLORER_SIZE = (9.6, 3.6)


def neuron_explorer(neuron_forward):
    """Sliders "w" and "b" that redraw the output curve σ(w·x + b) of a
    one-input neuron, computed with the learner's ``neuron_forward``
    (:func:`plot_neuron_output`), while they are dragged.

    The figure is drawn off screen at a fixed size and its PNG replaces
    the widget's image (:func:`coursetools.drawing.explorer`). Returns
    the widget (display it, or leave it as the last line of a cell).
    """
    import ipywidgets as widgets

    fig = offscreen_figure(EXPLORER_SIZE)
    # fixed margins: a layout engine would cost more than the drawing
    ax = fig.add_axes([0.075, 0.14, 0.64, 0.76])
    ax.set_title(" ")  # its place stays free for the title of each curve

    def slider(description, value):
        return widgets.FloatSlider(
            value=value, min=-5.0, max=5.0, step=0.1,
            description=description, continuous_update=True,
            readout_format=".1f", layout=widgets.Layout(width="420px"))

    x = np.linspace(-6.0, 6.0, 601)
    _neuron_axes(ax, neuron_forward, x)
    backdrop = Backdrop(fig)  # rendered once; a redraw adds the curves
    drawn = []

    def render(w, b):
        y, message = _neuron_curve(neuron_forward, x, w, b)
        if message:
            return message_png(message, EXPLORER_SIZE)
        for artist in drawn:
            if artist is not ax.title:  # the title is kept, retitled
                artist.remove()
        drawn[:] = _neuron_curves(ax, x, y, w, b)
        return backdrop.png(drawn)

    width, height = EXPLORER_SIZE
    return explorer({"w": slider("w", 1.0), "b": slider("b", 0.0)}, render,
                    (round(width * DPI), round(height * DPI)))
