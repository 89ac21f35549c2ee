"""Figures the lessons draw, so that notebooks hold no plotting code.

Curves are computed with the learner's own functions, passed in as
arguments: this module implements none of the graded exercises.
"""


import matplotlib.pyplot as plt
import numpy as np

__all__ = []

from coursetools.drawing import FAINT as _FAINT
from coursetools.drawing import axes as _axes
from coursetools.drawing import explain_failure
from coursetools.drawing import loss_history as _history
from coursetools.drawing import show_message as _show_message
from coursetools.lesson04 import DescentFigure  # noqa: F401 (see below)

# DescentFigure moved to coursetools.lesson04; lesson 05's xor_explorer
# (widgets.py) imports it from here until that lesson moves too.


def _layer_name(index, count):
    """The label under layer ``index`` of ``count`` (0 is the input)."""
    if index == 0:
        return "input", "X"
    if index == count - 1:
        return "output", f"ŷ = A{index}"
    return f"hidden layer {index}", f"A{index}"


def plot_network(layer_sizes=(3, 4, 3, 1), backward=False, ax=None):
    """Draw a fully connected network: one circle per unit, one line per
    weight, the shape of every layer's output and of every W and b, and an
    arrow for the forward pass (with ``backward``, one for the backward
    pass too).

    Returns the axes.
    Used in lesson 05-multilayer-backprop.
    """
    from matplotlib.patches import Circle, FancyArrowPatch

    sizes = [int(s) for s in layer_sizes]
    ax = _axes(ax, (2.1 * len(sizes) + 1.0, 4.4))
    ax.set_aspect("equal")
    ax.set_axis_off()
    gap, radius = 2.6, 0.3
    tallest = max(sizes)
    spots = [[(gap * i, (size - 1) / 2 - j) for j in range(size)]
             for i, size in enumerate(sizes)]
    for left, right in zip(spots[:-1], spots[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color="0.7", lw=0.9,
                        zorder=1)
    last = len(sizes) - 1
    for i, layer in enumerate(spots):
        face = "#e8e8e8" if i == 0 else ("#ffd9a8" if i == last
                                         else "#cfe3f5")
        edge = "0.4" if i == 0 else ("C1" if i == last else "C0")
        for j, (x, y) in enumerate(layer):
            ax.add_patch(Circle((x, y), radius, facecolor=face,
                                edgecolor=edge, lw=1.5, zorder=2))
            text = (f"x{j + 1}" if i == 0 else "ŷ" if i == last else "σ")
            if i == 0:
                text = f"$x_{j + 1}$"
            ax.text(x, y, text, ha="center", va="center", fontsize=11,
                    zorder=3)
        title, name = _layer_name(i, len(sizes))
        bottom = -(tallest - 1) / 2 - 0.65
        ax.text(gap * i, bottom, f"{title}\n{name}: (n, {sizes[i]})",
                ha="center", va="top", fontsize=10)
    top = (tallest - 1) / 2 + 0.55
    for i in range(1, len(sizes)):
        ax.text(gap * (i - 0.5), top,
                f"W{i}: ({sizes[i - 1]}, {sizes[i]})\nb{i}: ({sizes[i]},)",
                ha="center", va="bottom", fontsize=10, color="0.25")
    span = (-0.5, gap * last + 0.5)
    arrow = {"arrowstyle": "-|>", "mutation_scale": 16, "lw": 2}
    high = top + 1.05
    ax.add_patch(FancyArrowPatch((span[0], high), (span[1], high),
                                 color="C0", **arrow))
    ax.text(sum(span) / 2, high + 0.12, "forward pass: Z = A W + b, "
            "A = σ(Z), layer after layer", ha="center", va="bottom",
            color="C0", fontsize=10.5)
    low = -(tallest - 1) / 2 - 1.75
    if backward:
        ax.add_patch(FancyArrowPatch((span[1], low), (span[0], low),
                                     color="C3", **arrow))
        chain = " → ".join(f"∂L/∂Z{i}" for i in range(last, 0, -1))
        ax.text(sum(span) / 2, low - 0.12,
                f"backward pass: {chain}\n(and each layer's ∂L/∂W, ∂L/∂b "
                "on the way)", ha="center", va="top", color="C3",
                fontsize=10.5)
    ax.set_xlim(span[0] - 0.6, span[1] + 0.6)
    ax.set_ylim(low - 0.9 if backward else low + 0.5, high + 0.6)
    return ax


def _xor_grid(limits=(-0.5, 1.5), steps=121):
    """A square grid of points around the unit square, shape (steps², 2)."""
    t = np.linspace(*limits, steps)
    g0, g1 = np.meshgrid(t, t)
    return t, np.column_stack([g0.ravel(), g1.ravel()])


def _xor_panel(ax, mlp_forward, params, X, y, title):
    """One decision-boundary panel: the network's output over the plane,
    the 0.5 contour, and the data points coloured by their label."""
    t, grid = _xor_grid()
    try:
        out = np.asarray(mlp_forward(grid, params)[0], dtype=float)
        if out.size != grid.shape[0]:
            raise ValueError(f"ŷ has shape {out.shape}, expected "
                             f"({grid.shape[0]}, 1)")
        fit = np.asarray(mlp_forward(X, params)[0], dtype=float).ravel()
    except NotImplementedError:
        _show_message(ax, "Write mlp_forward above first,\n"
                          "then run this cell again.")
        return
    except Exception as exc:  # explain a learner's mistake, do not crash
        _show_message(ax, explain_failure(exc, "mlp_forward", width=50))
        return
    surface = out.reshape(t.size, t.size)
    shades = ax.contourf(t, t, surface, levels=np.linspace(0, 1, 11),
                         cmap="RdBu_r", vmin=-0.15, vmax=1.15, alpha=0.85)
    flat = np.ptp(surface) < 0.05  # a 0.5 contour here would be noise
    if not flat:
        ax.contour(t, t, surface, levels=[0.5], colors="k", linewidths=2)
    labels = np.asarray(y, dtype=float).ravel()
    for value, marker, color, name in ((1.0, "o", "C3", "y = 1"),
                                       (0.0, "s", "C0", "y = 0")):
        mask = labels == value
        ax.scatter(X[mask, 0], X[mask, 1], s=150, marker=marker,
                   c=color, edgecolors="k", linewidths=1.5, zorder=3,
                   label=name)
    for (x0, x1), p in zip(X, fit):
        ax.annotate(f"ŷ = {p:.2f}", (x0, x1), xytext=(0, -17),
                    textcoords="offset points", ha="center", va="top",
                    fontsize=9, bbox={"boxstyle": "round,pad=0.2",
                                      "facecolor": "white", "alpha": 0.85,
                                      "edgecolor": "none"})
    right = int(np.sum((fit > 0.5) == (labels > 0.5)))
    verdict = (f"no boundary: ŷ ≈ {surface.mean():.2f} everywhere" if flat
               else f"{right} of {len(labels)} points on the right side")
    ax.set_title(f"{title}\n{verdict}", fontsize=11)
    ax.set_xlim(t[0], t[-1])
    ax.set_ylim(t[0], t[-1])
    ax.set_xticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_yticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return shades


def _xor_losses(ax, histories):
    """The loss curves of one or more XOR runs."""
    top = np.log(2)
    for (label, history), color in zip(histories.items(),
                                       ("C1", "C2", "C4", "C5")):
        values, message = _history(history)
        if message:
            _show_message(ax, message)
            return
        ax.plot(np.arange(values.size), values, lw=2.2, color=color,
                label=label)
        finite = values[np.isfinite(values)]
        top = max(top, float(finite.max()) if finite.size else top)
    ax.axhline(np.log(2), color=_FAINT, lw=1.0, ls="--")
    ax.text(0.98, np.log(2) - 0.01, "ln 2: ŷ = 0.5 everywhere",
            ha="right", va="top", fontsize=9, color="0.4",
            transform=ax.get_yaxis_transform())
    ax.set_ylim(0, 1.12 * top)
    ax.set_xlim(left=0)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy on the 4 points")
    if len(histories) > 1:
        ax.set_title("The loss during training", fontsize=11)
        ax.legend(loc="lower left", frameon=False, fontsize=9.5)
    else:
        ax.set_title(f"The loss during training: {values[0]:.3f} → "
                     f"{values[-1]:.3f}\nafter {values.size - 1} epoch"
                     + ("" if values.size == 2 else "s"),
                     fontsize=11)


def plot_xor_runs(mlp_forward, X, y, runs, fig=None):
    """Decision boundaries of networks trained on XOR, side by side, and
    their loss curves.

    ``runs`` maps a label to ``(params, history)``; the output over the
    plane comes from the learner's ``mlp_forward``: red where ŷ is near 1,
    blue near 0, the black line where ŷ = 0.5. Returns the figure.
    Used in lesson 05-multilayer-backprop (and by
    ``widgets.xor_explorer``).
    """
    count = len(runs)
    # a fixed layout in inches: constrained layout would double the
    # drawing time, too slow for a widget's redraw
    side, bottom, top = 2.85, 1.05, 0.7
    starts = [0.65 + i * (side + 0.75) for i in range(count)]
    bar_x = starts[-1] + side + 0.15
    loss_x = bar_x + 0.15 + 1.25
    width, height = loss_x + 4.0, bottom + side + top
    if fig is None:
        fig = plt.figure(figsize=(width, height))
    else:
        fig.set_size_inches(width, height)

    def box(x, w):
        return [x / width, bottom / height, w / width, side / height]

    axes = [fig.add_axes(box(x, side)) for x in starts]
    shades = None
    for ax, (label, (params, _)) in zip(axes, runs.items()):
        shades = _xor_panel(ax, mlp_forward, params, X, y, label) or shades
    if shades is not None:
        axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.17),
                       ncol=2, frameon=False, fontsize=9.5)
        bar = fig.colorbar(shades, cax=fig.add_axes(box(bar_x, 0.15)))
        bar.set_label("network output ŷ")
    _xor_losses(fig.add_axes(box(loss_x, 3.8)),
                {label: history for label, (_, history) in runs.items()})
    return fig


__all__ += ["plot_network", "plot_xor_runs"]
