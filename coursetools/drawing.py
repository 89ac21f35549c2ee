"""The shared core of the lessons' figures and widgets.

Each lesson's own figures, widgets and checks live in its module
(``coursetools.lesson01`` for 01-sigmoid-neuron, ...); what they have in
common is here: calling a learner's function for a figure without crashing
on it, the message box shown instead of a figure that cannot be drawn,
number formats for labels, and PNG encoding for widgets.
Nothing here computes a graded exercise.
"""

import io
import textwrap

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["FAINT", "axes", "explain_failure", "history_values",
           "learner_values", "message_png", "num", "png", "show_message",
           "signed"]

#: Colour of reference lines and curves.
FAINT = "0.6"


def explain_failure(exc, what, advice="Run its tests above.", width=60):
    """The message a figure or widget shows when a learner's function
    raised ``exc``: what raised what, wrapped, and where to look.
    Used by every lesson's figures and widgets."""
    detail = textwrap.shorten(str(exc), 150, placeholder=" ...")
    return (f"{what} raised {type(exc).__name__}:\n"
            + textwrap.fill(detail, width) + f"\n\n{advice}")


def learner_values(fn, name, args, shape):
    """Call a learner's function for a figure; ``(values, None)`` or
    ``(None, message)`` when it is not written yet, fails, or returns
    the wrong shape. Used by every lesson's figures."""
    try:
        values = np.asarray(fn(*args), dtype=float)
    except NotImplementedError:
        return None, f"Write {name} above first,\nthen run this cell again."
    # A figure explains the learner's mistake rather than crash on it.
    except Exception as exc:
        return None, explain_failure(
            exc, name, "Run its tests above to find out what is wrong.")
    if values.shape != shape:
        return None, (f"{name} returned shape {values.shape}, expected "
                      f"{shape}.\n\nRun its tests above to find out what "
                      "is wrong.")
    return values, None


def history_values(history):
    """A learner's loss history as a 1-d float array, ``(values, None)``,
    or ``(None, message)`` when it cannot be drawn. Used by the loss
    curves of lessons 04-gradient-descent and 05-multilayer-backprop."""
    try:
        values = np.asarray(history, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None, ("The history is not a list of numbers.\n\n"
                      "Run the tests above to find out what is wrong.")
    if values.size == 0:
        return None, "The history is empty: record the loss at the start."
    return values, None


def show_message(ax, message):
    """Replace a figure that cannot be drawn by a friendly message.
    Used by every lesson's figures."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12,
            transform=ax.transAxes, linespacing=1.5,
            bbox={"boxstyle": "round,pad=1", "facecolor": "#fff4e0",
                  "edgecolor": "C1"})


def num(value, digits=1):
    """A number for a label, with a true minus sign as on the axes."""
    return f"{value:.{digits}f}".replace("-", "\N{MINUS SIGN}")


def signed(value):
    """``+ 1.5`` or ``− 1.5``, for a formula in a label."""
    return f"{'−' if value < 0 else '+'} {num(abs(value))}"


def axes(ax, figsize):
    """``ax``, or the axes of a new figure of ``figsize``."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def png(fig, **kwargs):
    """The figure ``fig`` rendered as PNG bytes (for a widget's image)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **kwargs)
    return buffer.getvalue()


def message_png(message, size=(8.0, 3.0), dpi=100):
    """A PNG of a friendly message, for a widget whose figure cannot be
    drawn. Used by the lessons' widgets."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    show_message(fig.add_subplot(), message)
    return png(fig)
