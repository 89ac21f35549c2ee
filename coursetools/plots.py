"""Figures the lessons draw, so that notebooks hold no plotting code.

Curves are computed with the learner's own functions, passed in as
arguments: this module implements none of the graded exercises.
"""

import textwrap

import matplotlib.pyplot as plt
import numpy as np

__all__ = []

from coursetools.drawing import FAINT as _FAINT
from coursetools.drawing import axes as _axes
from coursetools.drawing import explain_failure
from coursetools.drawing import history_values as _history
from coursetools.drawing import learner_values as _learner_curve
from coursetools.drawing import num as _num
from coursetools.drawing import show_message as _show_message


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
    Used in lesson 02-loss-functions.
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
            values, message = _learner_curve(_per_sample(fn), name,
                                             (y_hat,), y_hat.shape)
            if message:
                _show_message(ax, message)
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
                     f"{_num(ratio)} times as hard as MSE",
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
    ax.axhline(0.0, color=_FAINT, lw=0.8, ls="--")
    values_at_edge = []
    for (name, values), color in zip(curves.items(), ("C0", "C1")):
        at_edge = float(np.interp(edge, y_hat, values))
        values_at_edge.append(at_edge)
        ax.plot(y_hat, values, lw=2.5, color=color,
                label=f"{name}: {_num(at_edge, 2)} at ŷ = {edge:g}")
        ax.plot(edge, at_edge, "o", color=color, zorder=3)
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("prediction ŷ (the true answer is y = 1)")
    ax.legend(loc="center right", frameon=False)
    return values_at_edge


# -- lesson 03-chain-rule --------------------------------------------------

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
    Used in lesson 03-chain-rule.
    """
    from matplotlib import patches as mpatches

    ax = _axes(ax, (11.0, 4.9))
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
    ax = _axes(ax, (7.5, 4.0))
    z = np.linspace(-z_max, z_max, 801)
    s, message = _learner_curve(sigmoid, "sigmoid", (z,), z.shape)
    if message is None:
        grad, message = _learner_curve(sigmoid_grad, "sigmoid_grad", (z,),
                                       z.shape)
    if message:
        _show_message(ax, message)
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
    ax.axhline(0.0, color=_FAINT, lw=0.8, ls="--")
    ax.plot(z, s, color=_FAINT, lw=1.5, label="σ(z)")
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
    ax = _axes(ax, (7.5, 4.0))
    z = np.linspace(-z_max, z_max, 161)
    X, y = np.ones((1, 1)), np.ones(1)
    curves = {}
    for loss in ("mse", "bce"):
        def db_of(z_values, loss=loss):
            return np.array([neuron_backward(X, np.array([v]), 0.0, y,
                                             loss=loss)[1]
                             for v in z_values])
        push, message = _learner_curve(db_of, "neuron_backward", (z,),
                                       z.shape)
        if message:
            _show_message(ax, message)
            return ax
        curves[loss] = -push
    ax.axvspan(-z_max, 0.0, color="#fdecea", zorder=0)
    ax.text(-z_max / 2, 1.12, "confidently wrong:\nŷ near 0, but y = 1",
            ha="center", va="center", fontsize=10)
    ax.text(z_max / 2, 1.12, "right:\nŷ above ½, as y = 1", ha="center",
            va="center", fontsize=10)
    ax.axhline(0.0, color=_FAINT, lw=0.8, ls="--")
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
    ax = _axes(ax, (7.5, 4.4))
    theta = np.array(theta, dtype=float)
    eps = np.logspace(-13, -1, 49)

    def central(eps_values):
        return np.array([relative_error(numerical_gradient(f, theta, eps=e),
                                        grad) for e in eps_values])

    _, message = _learner_curve(relative_error, "relative_error",
                                (grad, grad), ())
    if message is None:
        err_c, message = _learner_curve(central, "numerical_gradient",
                                        (eps,), eps.shape)
    if message:
        _show_message(ax, message)
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


__all__ += ["plot_eps_sweep", "plot_loss_push", "plot_neuron_graph",
            "plot_sigmoid_grad"]


# --- lesson 04-gradient-descent ----------------------------------------------

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
    Used in lesson 04-gradient-descent (by ``widgets.lr_explorer``).
    """

    def __init__(self, X, y, neuron_forward, loss_fn, w_range=(-0.6, 1.4),
                 b_range=(-1.0, 1.0), n_grid=61):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.w_range, self.b_range = w_range, b_range
        self.fig = Figure(figsize=(10.6, 4.1), dpi=100)
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
        self._draw_loss_axes()
        # render everything that never changes once, then keep the pixels
        self.ax_loss.set_visible(False)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.ax_loss.set_visible(True)

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

    def _draw_loss_axes(self):
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
        # the axis labels never change: figure texts, rendered only once
        box = ax.get_position()
        self.fig.text((box.x0 + box.x1) / 2, 0.015, "epoch", ha="center",
                      va="bottom", fontsize=10)
        self.fig.text(box.x0 - 0.052, (box.y0 + box.y1) / 2,
                      "loss on the training set", rotation=90,
                      ha="center", va="center", fontsize=10)
        self.loss_title = ax.set_title(" ")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))

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
        ax = self.ax_loss
        ax.set_xlim(0, max(epochs, 1))
        finite = history[np.isfinite(history)]
        top = max(0.75, float(finite.max()) if finite.size else 0.75)
        span = top - self.lowest
        # room at the top for the verdict, above the highest loss
        ax.set_ylim(self.lowest - 0.08 * span, top + 0.3 * span)
        text, color = _verdict(history, self.lowest)
        self.verdict.set_text(text)
        self.verdict.set_color(color)
        self.verdict.get_bbox_patch().set_edgecolor(color)
        self.loss_title.set_text(
            f"loss {history[0]:.3f} \N{RIGHTWARDS ARROW} {history[-1]:.3f} "
            f"after {epochs} epoch{'' if epochs == 1 else 's'}")
        self.canvas.restore_region(self.background)
        for artist in self.dynamic:
            self.ax_surface.draw_artist(artist)
        self.ax_loss.draw(self.canvas.get_renderer())
        return self._png()

    def _png(self):
        import io

        from PIL import Image

        image = Image.frombuffer("RGBA", self.canvas.get_width_height(),
                                 self.canvas.buffer_rgba(), "raw", "RGBA",
                                 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    @staticmethod
    def show_message(message):
        """A PNG of a friendly message instead of the figure."""
        import io

        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10.6, 2.2), dpi=100)
        FigureCanvasAgg(fig)
        _show_message(fig.add_subplot(), message)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()


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


__all__ += ["DescentFigure", "plot_loss_curves", "plot_loss_curves_zoomed",
            "plot_training"]

__all__ += ["plot_losses"]  # lesson 02-loss-functions


# --- lesson 06-training-in-practice ------------------------------------------

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
    values, message = _learner_curve(relu, "relu", (z,), z.shape)
    if message is None:
        slope, message = _learner_curve(relu_grad, "relu_grad", (z,),
                                        z.shape)
    if message:
        _show_message(left, message)
        right.set_axis_off()
        return axes
    for ax in axes:
        ax.axhline(0.0, color=_FAINT, lw=0.8, ls="--")
        ax.axvline(0.0, color=_FAINT, lw=0.8, ls=":")
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
    right.axhline(1.0, color=_FAINT, lw=0.8, ls=":")
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
    ``widgets.gradient_explorer``).
    """
    ax = _axes(ax, (8.5, 4.2))
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


__all__ += ["plot_digits", "plot_gradient_norms", "plot_history",
            "plot_relu"]


# --- lesson 07-rumelhart-1986 ------------------------------------------------

def _valley(w):
    """The loss E = ½(w₁² + 20 w₂²) of a long, narrow valley, and its
    gradient."""
    return 0.5 * (w[0] ** 2 + 20.0 * w[1] ** 2), np.array([w[0],
                                                          20.0 * w[1]])


def _valley_path(momentum_step, lr, momentum, steps, start):
    """Points and losses of ``steps`` calls of the learner's
    ``momentum_step`` on :func:`_valley`, or ``(None, None, message)``."""
    params, velocity = {"w": np.array(start, dtype=float)}, {}
    points, losses = [params["w"]], [_valley(params["w"])[0]]
    try:
        for _ in range(steps):
            grads = {"w": _valley(params["w"])[1]}
            params, velocity = momentum_step(params, grads, velocity, lr,
                                             momentum)
            points.append(np.asarray(params["w"], dtype=float).reshape(2))
            losses.append(_valley(points[-1])[0])
    except NotImplementedError:
        return None, None, "Write momentum_step above first,\nthen run " \
                           "this cell again."
    except Exception as exc:  # explain a learner's mistake, do not crash
        return None, None, explain_failure(exc, "momentum_step")
    return np.array(points), np.array(losses), None


def plot_momentum_paths(momentum_step, lr=0.02, momentum=0.9, steps=60,
                        start=(-9.0, 1.2), axes=None):
    """Two panels: the paths of plain gradient descent (momentum 0) and of
    momentum descent, both with the learner's ``momentum_step`` and the
    same learning rate, on a long narrow valley E = ½(w₁² + 20 w₂²)
    (left, over its contour lines), and E against the step (right, log
    scale).

    Returns the two axes.
    Used in lesson 07-rumelhart-1986.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12.0, 4.0),
                               layout="constrained",
                               gridspec_kw={"width_ratios": [1.6, 1]})
    ax, ax_loss = axes
    g1, g2 = np.meshgrid(np.linspace(-10.0, 3.0, 261),
                         np.linspace(-2.0, 2.0, 161))
    ax.contour(g1, g2, _valley((g1, g2))[0], levels=np.geomspace(0.05, 80, 12),
               colors=_FAINT, linewidths=0.8)
    runs = [(0.0, "C0", "gradient descent (momentum 0)"),
            (momentum, "C3", f"momentum {momentum:g}")]
    for alpha, color, label in runs:
        points, losses, message = _valley_path(momentum_step, lr, alpha,
                                               steps, start)
        if message:
            _show_message(ax, message)
            ax_loss.set_axis_off()
            return axes
        ax.plot(points[:, 0], points[:, 1], "o-", ms=2.5, lw=1.2,
                color=color, label=label)
        ax_loss.semilogy(losses, color=color, lw=2.0, label=label)
    ax.plot(*start, "ks", ms=6, label="start")
    ax.plot(0, 0, "k*", ms=11, label="the bottom")
    ax.set_xlim(-10.0, 3.0)
    ax.set_ylim(-2.0, 2.0)
    ax.set_xlabel("w₁ (the valley's shallow direction)")
    ax.set_ylabel("w₂ (steep)")
    ax.set_title(f"{steps} steps with learning rate {lr:g}")
    ax.legend(loc="lower right", frameon=True, fontsize=9)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("E (log scale)")
    ax_loss.set_title("The loss along each path")
    ax_loss.legend(loc="lower left", frameon=False, fontsize=9)
    return axes


def _solved_counts(sweeps):
    """Solved and unsolved counts of an array of sweeps (−1: unsolved)."""
    sweeps = np.asarray(sweeps)
    return sweeps[sweeps >= 0], int(np.sum(sweeps < 0))


def plot_reproduction(loss, sweeps, budget, paper, plateaus=None,
                      task="the task", axes=None):
    """Two panels for many training runs of one network, one per seed.

    Left: the error E of every run against the sweep (log scale), each
    solved run up to the sweep it was solved at, unsolved runs in red, a
    dashed line at the paper's count ``paper`` and a dotted line for each
    entry of ``plateaus`` (a dict: description → error), such as the error
    of a network that gives every pattern the same answer.
    Right: histograms of the sweeps to solution, one per entry of
    ``sweeps`` (a dict: label → one count per seed, −1 for a run not solved
    within ``budget`` sweeps); the first entry decides the colours of the
    left panel. ``loss`` has shape (sweeps + 1, n_seeds).
    Returns the two axes.
    Used in lesson 07-rumelhart-1986.
    """
    from matplotlib import ticker as mticker

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12.0, 4.2),
                               layout="constrained")
    ax, ax_hist = axes
    loss = np.asarray(loss, dtype=float)
    first = np.asarray(next(iter(sweeps.values())))
    for seed in np.argsort(first < 0):  # unsolved runs drawn last, on top
        end = first[seed] if first[seed] >= 0 else loss.shape[0] - 1
        solved = first[seed] >= 0
        ax.semilogy(np.arange(end + 1), loss[:end + 1, seed],
                    color="C0" if solved else "C3", lw=0.8,
                    alpha=0.35 if solved else 0.6)
    ax.plot([], [], color="C0", label="solved (line ends when solved)")
    ax.plot([], [], color="C3", label=f"not solved in {budget:,} sweeps")
    for text, level in (plateaus or {}).items():
        ax.axhline(level, color="k", lw=1.0, ls=":",
                   label=f"E = {level:g}: {text}")
    ax.axvline(paper, color="k", lw=1.2, ls="--",
               label=f"the paper: {paper:,} sweeps")
    ax.yaxis.set_major_locator(mticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(
        lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_xlim(0, loss.shape[0] - 1)
    ax.set_xlabel("sweep (one pass through every pattern)")
    ax.set_ylabel("E = ½ ΣΣ (ŷ − y)² (log scale)")
    ax.set_title(f"{loss.shape[1]} runs on {task}, one per seed")
    ax.legend(loc="lower left", frameon=True, fontsize=8.5)
    bins = np.linspace(0, budget, 41)
    top = 0
    for (label, counts), color in zip(sweeps.items(), ("C0", "C1", "C2")):
        solved, unsolved = _solved_counts(counts)
        heights, _, _ = ax_hist.hist(
            solved, bins=bins, histtype="stepfilled", alpha=0.35,
            color=color, edgecolor=color, lw=1.5,
            label=f"{label}: {solved.size} solved, median "
                  f"{np.median(solved):,.0f}" if solved.size else
                  f"{label}: none solved")
        top = max(top, heights.max(initial=0))
        ax_hist.plot([], [], " ", label=f"    {unsolved} not solved in "
                                        f"{budget:,} sweeps")
    ax_hist.axvline(paper, color="k", lw=1.2, ls="--",
                    label=f"the paper: {paper:,}")
    ax_hist.set_ylim(0, 1.45 * max(top, 1))
    ax_hist.yaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax_hist.set_xlim(0, budget)
    ax_hist.set_xlabel("sweeps to solution")
    ax_hist.set_ylabel("number of seeds")
    ax_hist.set_title("How many sweeps each seed needed")
    ax_hist.legend(loc="upper right", frameon=False, fontsize=8.5)
    return axes


def plot_weight_ratios(ratios, paper_ratio, families, ax=None):
    """Scatter of the learned input weights' magnitude ratios, one point
    per hidden unit: (middle / smallest, largest / smallest) of its three
    mirror pairs, with the paper's ratio as a star and a circle of ±15 %
    around each family in ``families`` (a dict: name → (middle, largest)),
    labelled with how many units fall inside it.

    Returns the axes.
    Used in lesson 07-rumelhart-1986.
    """
    ax = _axes(ax, (6.2, 4.6))
    ratios = np.asarray(ratios, dtype=float).reshape(-1, 2)
    jitter = np.random.default_rng(0).normal(0, 0.015, ratios.shape)
    ax.scatter(*(ratios + jitter).T, s=18, alpha=0.45, color="C0",
               label=f"our hidden units ({len(ratios)}, jittered)")
    for name, (mid, big) in families.items():
        inside = np.all(np.abs(ratios / [mid, big] - 1) < 0.15, axis=1)
        ax.add_patch(plt.Rectangle((0.85 * mid, 0.85 * big), 0.3 * mid,
                                   0.3 * big, fill=False, ls="--",
                                   color="0.4"))
        ax.text(1.15 * mid + 0.04, 1.15 * big,
                f"{name}\n{inside.sum()} units", va="top", fontsize=10)
    ax.plot(*paper_ratio, "*", color="C3", ms=16, mec="k",
            label="the paper's figure 1")
    ax.set_xlim(1.0, 3.0)
    ax.set_ylim(1.0, 5.5)
    ax.set_xlabel("middle pair / smallest pair")
    ax.set_ylabel("largest pair / smallest pair")
    ax.set_title("Ratios of the learned input weights\n"
                 "(dashed boxes: within 15 % of a family)")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    return ax


_UNIT_COLORS = ("C2", "C4")  # hidden units 1 and 2, in both panels


def _draw_net(ax, W1, b1, W2, b2):
    """The 6-2-1 network in the style of the paper's figure 1: arcs red
    for positive and blue for negative weights, as thick as the weight is
    large; biases in the units; the input weights in a table below."""
    n_in, n_hidden = W1.shape
    xs_in = np.linspace(0.0, 10.0, n_in)
    xs_hid = np.linspace(2.5, 7.5, n_hidden)
    top = np.abs(W1).max()
    for i, x in enumerate(xs_in):
        for j, xh in enumerate(xs_hid):
            w = W1[i, j]
            ax.plot([x, xh], [0.0, 3.0], color="C3" if w > 0 else "C0",
                    lw=0.5 + 3.0 * abs(w) / top, alpha=0.7, zorder=1)
    for j, xh in enumerate(xs_hid):
        w = W2[j, 0]
        ax.plot([xh, 5.0], [3.0, 5.5], color="C3" if w > 0 else "C0",
                lw=2.5, alpha=0.7, zorder=1)
        ax.text(0.5 * (xh + 5.0), 4.25, _num(w), fontsize=9, ha="center",
                va="center", bbox={"boxstyle": "round,pad=0.1",
                                   "fc": "white", "ec": "none"})
    units = [(x, 0.0, str(i + 1), "k") for i, x in enumerate(xs_in)]
    units += [(x, 3.0, _num(b), _UNIT_COLORS[j % 2])
              for j, (x, b) in enumerate(zip(xs_hid, b1))]
    units += [(5.0, 5.5, _num(b2[0]), "k")]
    for x, y, label, color in units:
        ax.add_patch(plt.Circle((x, y), 0.42, fc="white", ec=color, lw=2.0,
                                zorder=2))
        ax.text(x, y, label, ha="center", va="center", fontsize=8.5,
                zorder=3)
    for j in range(n_hidden):
        y = -0.9 - 0.55 * j
        ax.text(-0.7, y, f"to hidden {j + 1}", ha="right", va="center",
                fontsize=8.5, color=_UNIT_COLORS[j % 2])
        for i, x in enumerate(xs_in):
            ax.text(x, y, _num(W1[i, j]), ha="center", va="center",
                    fontsize=9, color=_UNIT_COLORS[j % 2])
    ax.text(-0.7, 0.0, "input", ha="right", va="center", fontsize=8.5)
    ax.set_xlim(-3.0, 10.8)
    ax.set_ylim(-2.2, 6.2)
    ax.set_aspect("equal")
    ax.set_axis_off()


def plot_learned_weights(params, paper_w, sweeps=None, axes=None):
    """Two panels for one trained 6-2-1 symmetry network (``params``
    without a seed axis): the network with its weights on the arcs and its
    biases in the units, as in the paper's figure 1 (left; red positive,
    blue negative), and the input weights of each hidden unit as bars
    beside the paper's ``paper_w`` (right).

    Returns the two axes.
    Used in lesson 07-rumelhart-1986.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12.5, 4.6),
                               layout="constrained",
                               gridspec_kw={"width_ratios": [1.25, 1]})
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float)
                      for k in ("W1", "b1", "W2", "b2"))
    _draw_net(axes[0], W1, b1, W2, b2)
    axes[0].set_title("Our network" + (f" after {sweeps:,} sweeps"
                                       if sweeps is not None else "")
                      + "\n(numbers in the units are biases)")
    ax = axes[1]
    pos = np.arange(1, 7)
    series = [("the paper, figure 1", np.asarray(paper_w, float), "0.55")]
    series += [(f"ours, hidden unit {j + 1}", W1[:, j], _UNIT_COLORS[j % 2])
               for j in range(W1.shape[1])]
    width = 0.8 / len(series)
    for k, (label, w, color) in enumerate(series):
        ax.bar(pos + (k - (len(series) - 1) / 2) * width, w, width,
               color=color, label=label)
    ax.axhline(0, color="k", lw=0.8)
    ax.axvline(3.5, color="k", lw=0.8, ls=":")
    ax.set_xticks(pos, [f"input {i}" for i in pos])
    ax.set_ylabel("weight from the input")
    ax.set_title("Input weights: mirror images with opposite signs")
    ax.legend(loc="lower left", frameon=False, fontsize=8.5, ncol=1)
    return axes


__all__ += ["plot_learned_weights", "plot_momentum_paths",
            "plot_reproduction", "plot_weight_ratios"]
