"""Figures the lessons draw, so that notebooks hold no plotting code.

Curves are computed with the learner's own functions, passed in as
arguments: this module implements none of the graded exercises.
"""

import textwrap

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_neuron_output", "plot_sigmoid"]

_FAINT = "0.6"


def _learner_curve(fn, name, args, shape):
    """Call a learner's function; return ``(values, None)`` or
    ``(None, message)`` when it is not written yet or fails."""
    try:
        values = np.asarray(fn(*args), dtype=float)
    except NotImplementedError:
        return None, f"Write {name} above first,\nthen run this cell again."
    # A figure explains the learner's mistake rather than crash on it.
    except Exception as exc:
        detail = textwrap.shorten(str(exc), 150, placeholder=" ...")
        return None, (f"{name} raised {type(exc).__name__}:\n"
                      + textwrap.fill(detail, 60)
                      + "\n\nRun its tests above to find out what is wrong.")
    if values.shape != shape:
        return None, (f"{name} returned shape {values.shape}, expected "
                      f"{shape}.\n\nRun its tests above to find out what "
                      "is wrong.")
    return values, None


def _show_message(ax, message):
    """Replace a figure that cannot be drawn by a friendly message."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12,
            transform=ax.transAxes, linespacing=1.5,
            bbox={"boxstyle": "round,pad=1", "facecolor": "#fff4e0",
                  "edgecolor": "C1"})


def _num(value, digits=1):
    """A number for a label, with a true minus sign as on the axes."""
    return f"{value:.{digits}f}".replace("-", "\N{MINUS SIGN}")


def _axes(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_sigmoid(sigmoid, z_max=10.0, ax=None):
    """Draw ``sigmoid(z)`` for z in [-z_max, z_max] and shade where it
    saturates (output within 0.01 of 0 or of 1).

    ``sigmoid`` is the learner's function. Returns the axes.
    Used in lesson 01-sigmoid-neuron.
    """
    ax = _axes(ax, (7.5, 4.0))
    z = np.linspace(-z_max, z_max, 801)
    y, message = _learner_curve(sigmoid, "sigmoid", (z,), z.shape)
    if message:
        _show_message(ax, message)
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
        ax.axhline(level, color=_FAINT, lw=0.8, ls="--")
    ax.axhline(0.5, color=_FAINT, lw=0.8, ls=":")
    ax.axvline(0.0, color=_FAINT, lw=0.8, ls=":")
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


def _signed(value):
    """``+ 1.5`` or ``− 1.5``, for a formula in a label."""
    return f"{'−' if value < 0 else '+'} {_num(abs(value))}"


def plot_neuron_output(neuron_forward, w, b, x_max=6.0, ax=None):
    """Draw a one-input neuron's output ``neuron_forward(X, [w], b)`` over
    x in [-x_max, x_max], with a faint reference curve (w = 1, b = 0) and
    the point where the output is 0.5 (x = -b/w).

    ``neuron_forward`` is the learner's function. Returns the axes.
    Used in lesson 01-sigmoid-neuron (by ``widgets.neuron_explorer``).
    """
    ax = _axes(ax, (7.6, 3.6))
    x = np.linspace(-x_max, x_max, 601)
    X = x[:, None]  # one feature: shape (n_samples, 1)
    y, message = _learner_curve(
        neuron_forward, "neuron_forward", (X, np.array([float(w)]),
                                           float(b)), x.shape)
    if message:
        _show_message(ax, message)
        return ax
    reference, _ = _learner_curve(
        neuron_forward, "neuron_forward", (X, np.array([1.0]), 0.0),
        x.shape)
    ax.axhline(0.5, color=_FAINT, lw=0.8, ls=":")
    for level in (0.0, 1.0):
        ax.axhline(level, color=_FAINT, lw=0.8, ls="--")
    if reference is not None:
        ax.plot(x, reference, color=_FAINT, lw=1.5,
                label="reference: w = 1, b = 0")
    ax.plot(x, y, lw=2.5, color="C0", label=f"σ({_num(w)} · x {_signed(b)})")
    if abs(w) < 1e-9:  # a slider may land a hair away from 0
        ax.plot([], [], " ", label="w = 0: the output\nignores x")
    else:
        x_half = -b / w + 0.0  # + 0.0 turns -0.0 into 0.0
        if abs(x_half) <= x_max:
            ax.axvline(x_half, color="C3", lw=0.8, ls=":")
            ax.plot(x_half, 0.5, "o", color="C3", zorder=3,
                    label=f"output 0.5 at\nx = −b/w = {_num(x_half, 2)}")
        else:
            ax.plot([], [], " ", label=f"output 0.5 at\nx = −b/w = "
                    f"{_num(x_half)},\noff the plot")
    ax.set_xlim(-x_max, x_max)
    ax.set_ylim(-0.06, 1.06)
    ax.set_xlabel("x (the one input feature)")
    ax.set_ylabel("output ŷ = σ(w · x + b)")
    ax.set_title(f"One neuron with w = {_num(w)}, b = {_num(b)}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    return ax
