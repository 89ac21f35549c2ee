"""Lesson 07-rumelhart-1986: its visible checks and figures.

The checks compare the learner's ``momentum_step`` with tabulated numbers
(one step of the paper's rule, worked out once) and with properties of
the learner's own results (the velocity returned is the change made; a
missing key gives what an explicit zero gives; the inputs stay as they
were); they compute no step of the rule, so nothing here can be pasted as
an answer.
The hidden tests that grade the lesson live on the grader's side
(``autograder/hidden/lesson07.py``).
"""

import copy

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
    FAINT,
    axes,
    explain_failure,
    num,
    show_message,
)

__all__ = [
    "check_momentum_step",
    "check_momentum_step_empty_velocity",
    "check_momentum_step_unchanged",
    "check_momentum_step_velocity",
    "plot_learned_weights",
    "plot_momentum_paths",
    "plot_reproduction",
    "plot_weight_ratios",
]

show_failures_as_messages()


def _w_b():
    """The try-it cell's parameter and gradient, and a previous change:
    the worked example's first step, −0.1 · 0.5 = −0.05, for b."""
    params = {"w": np.array([0.5, -1.0]), "b": 0.2}
    grads = {"w": np.array([0.5, -0.2]), "b": 0.5}
    velocity = {"w": np.array([-0.05, 0.02]), "b": -0.05}
    return params, grads, velocity


#: momentum_step(*_w_b(), 0.1, 0.9): b changes by −0.095, the worked
#: example's second step, as for every parameter Δw = −ε·g + α·Δw(t−1)
W_B_STEP = {"w": np.array([0.405, -0.962]), "b": 0.105}


def _network():
    """A 3-2-1 network's parameters, gradients and previous changes."""
    params = {"W1": np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]),
              "b1": np.array([0.0, 0.1]),
              "W2": np.array([[0.7], [-0.8]]), "b2": np.array([0.2])}
    grads = {"W1": np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -2.0]]),
             "b1": np.array([0.5, -0.5]),
             "W2": np.array([[0.3], [0.1]]), "b2": np.array([-1.0])}
    velocity = {"W1": np.array([[0.2, -0.1], [0.0, 0.3], [-0.4, 0.1]]),
                "b1": np.array([-0.2, 0.05]),
                "W2": np.array([[0.1], [0.2]]), "b2": np.array([0.3])}
    return params, grads, velocity


#: momentum_step(*_network(), 0.5, 0.8), tabulated once
NETWORK_STEP = {"W1": np.array([[-0.24, -1.28], [0.8, 0.39], [-0.82, 1.68]]),
                "b1": np.array([-0.41, 0.39]),
                "W2": np.array([[0.63], [-0.69]]), "b2": np.array([0.94])}


def _param_hints(p, g, v, lr, momentum, expected):
    """What typical mistakes give for a new parameter (for the messages);
    ``expected`` is the right one, from a table or the grader's oracle."""
    p, g, v, expected = (np.asarray(a, dtype=float)
                         for a in (p, g, v, expected))
    return {
        "p − lr·g: the momentum term, momentum · velocity, is missing.":
            p - lr * g,
        "p + lr·g + momentum·velocity: a sign error? Step against the "
        "gradient.": p + lr * g + momentum * v,
        "p − lr·(g + momentum·velocity): the previous change is "
        "multiplied by lr, as in PyTorch's convention, where the velocity "
        "is a sum of gradients. Here the velocity is the change Δw "
        "itself: add momentum · velocity as it is.":
            p - lr * (g + momentum * v),
        "p − lr·(momentum·velocity + (1 − momentum)·g), a running average "
        "of the gradients. Here the velocity is the change Δw itself.":
            p - lr * (momentum * v + (1 - momentum) * g),
        "p + velocity − lr·g: the previous change is added in full; "
        "multiply it by momentum.": p + v - lr * g,
        "p + velocity: the step used the old velocity, not the new "
        "change.": p + v,
        "p + momentum·velocity: the gradient term −lr·g is missing.":
            p + momentum * v,
        "the change Δw itself: are the two dicts swapped? Return "
        "(new_params, new_velocity).": expected - p,
    }


def _call(momentum_step, params, grads, velocity, lr, momentum, what):
    """``momentum_step(...)``, with a KeyError explained."""
    try:
        return momentum_step(params, grads, velocity, lr, momentum)
    except KeyError as exc:
        key = str(exc).strip("\"'")
        raise CheckFailed(
            f"{what} raised KeyError for the key {key!r}. "
            + ("A key missing from velocity counts as a previous change "
               "of 0: read it with velocity.get(key, 0.0)."
               if key in params and key not in velocity else
               f"The keys here are {sorted(params)}: loop over the keys "
               "of params rather than naming them.")) from None


def _form(result, params, velocity, what, requirement=None,
          names=("new_params", "new_velocity")):
    """``result`` as ``(new_params, new_velocity)``, checked for form: two
    dicts, those in ``names`` with the keys of params. With
    ``requirement`` (a secondary test's), also each of their values of
    its parameter's shape and finite, and a result that is no attempt is
    said to be needed first."""
    needs = (f" This test checks {requirement}, and needs a working "
             "answer to do so." if requirement else "")
    if not (isinstance(result, (tuple, list)) and len(result) == 2
            and all(isinstance(r, dict) for r in result)):
        raise CheckFailed(f"{what} returned {describe(result)}; expected a "
                          "tuple (new_params, new_velocity) of two dicts."
                          + needs)
    for name, got in zip(["new_params", "new_velocity"], result):
        if name in names and set(got) != set(params):
            raise CheckFailed(
                f"{what} returned {name} with the keys "
                f"{sorted(map(str, got))}, expected the keys of params, "
                f"{sorted(params)}: return a new dict with every key of "
                "params, whatever its name (a key missing from velocity "
                "counts as 0)."
                + (" Did you return the velocity passed in?"
                   if name == "new_velocity" and velocity
                   and set(got) == set(velocity) else "")
                + needs)
    if requirement:
        for name, got in zip(["new_params", "new_velocity"], result):
            for key in params if name in names else ():
                assert_plausible(got[key], f"{name}[{key!r}] of {what}",
                                 shape=np.shape(params[key]),
                                 requirement=requirement)
    return tuple(result)


def _step(momentum_step, params, grads, velocity, lr, momentum, what,
          requirement=None, names=("new_params", "new_velocity")):
    """A call on copies of the inputs, checked for form."""
    result = _call(momentum_step, copy.deepcopy(params), copy.deepcopy(grads),
                   copy.deepcopy(velocity), lr, momentum, what)
    return _form(result, params, velocity, what, requirement, names)


def _moved(new_params, params, what, requirement):
    """Fail unless the step changed some parameter: a result that leaves
    params as they were is no attempt at a step."""
    if all(np.array_equal(np.asarray(new_params[k], dtype=float),
                          np.asarray(params[k], dtype=float))
           for k in params):
        raise CheckFailed(
            f"{what} returned new_params equal to params: no step was "
            f"taken. This test checks {requirement}, and needs a working "
            "answer to do so.")


def _check_step(momentum_step, params, grads, velocity, lr, momentum,
                expected, what):
    """One call of ``momentum_step`` against ``expected`` new parameters
    (on copies of the inputs: a function that changes them is graded for
    that by its own test)."""
    new_params, _ = _step(momentum_step, params, grads, velocity, lr,
                          momentum, what)
    for key in params:
        assert_close(new_params[key], expected[key],
                     f"new_params[{key!r}] of {what}",
                     hints=_param_hints(params[key], grads[key],
                                        velocity.get(key, 0.0), lr,
                                        momentum, expected[key]))


@check("momentum_step gives the paper's new parameters for one step")
def check_momentum_step(momentum_step):
    """Check one step of ``momentum_step`` against tabulated new
    parameters: a weight vector and a bias (a number) with the paper's
    ε = 0.1 and α = 0.9, and a 3-2-1 network's W1, b1, W2, b2."""
    _check_step(momentum_step, *_w_b(), 0.1, 0.9, W_B_STEP,
                "momentum_step(params, grads, velocity, 0.1, 0.9) for "
                "params = {'w': [0.5, -1.0], 'b': 0.2}, grads = {'w': "
                "[0.5, -0.2], 'b': 0.5}, velocity = {'w': [-0.05, 0.02], "
                "'b': -0.05}")
    _check_step(momentum_step, *_network(), 0.5, 0.8, NETWORK_STEP,
                "momentum_step(params, grads, velocity, 0.5, 0.8) for a "
                "network's W1, b1, W2, b2")


VELOCITY = "that new_velocity is the change just made"


def _check_velocity(momentum_step, params, grad_seq, velocity, lr, momentum,
                    what):
    """Several steps, each passing the returned velocity back in: after
    every step, new_velocity must be new_params − params, the change that
    step made (whatever the rule that made it)."""
    current = params
    for t, grads in enumerate(grad_seq, start=1):
        call = f"step {t} of {what}"
        before, passed_in = current, velocity
        current, velocity = _step(momentum_step, current, grads, velocity,
                                  lr, momentum, call, VELOCITY)
        _moved(current, before, call, VELOCITY)
        for key in params:
            change = (np.asarray(current[key], dtype=float)
                      - np.asarray(before[key], dtype=float))
            assert_close(velocity[key], change,
                         f"new_velocity[{key!r}] after {call} (it should "
                         f"be new_params[{key!r}] − params[{key!r}], the "
                         "change this step made)", hints={
                "the velocity passed in: return the new change, ready "
                "for the next step.": passed_in.get(key, 0.0),
                "−(change)/lr, a running sum of gradients as in PyTorch's "
                "convention. Here the velocity is the change Δw itself.":
                    -change / lr,
                "the change with the opposite sign: the velocity is what "
                "was added to the parameter.": -change,
            })


def _steps(signs):
    """Gradients for w and b whose sign follows ``signs``, step by step."""
    return [{"w": s * np.array([0.5, -0.2]), "b": np.array([s * 0.3])}
            for s in signs]


@check("momentum_step's new velocity is the change it made")
def check_momentum_step_velocity(momentum_step):
    """Check that ``momentum_step``'s new velocity is the change of the
    parameters, step after step, each passing the velocity back in: from
    a velocity dict, with steady gradients and with gradients whose sign
    flips."""
    params = {"w": np.array([0.5, -1.0]), "b": np.array([0.2])}
    velocity = {"w": np.array([-0.05, 0.02]), "b": np.array([-0.03])}
    _check_velocity(momentum_step, params, _steps([1, 1, 1]), velocity,
                    0.1, 0.9, "3 steps with the same gradients")
    _check_velocity(momentum_step, params, _steps([1, -1, 1, -1]),
                    velocity, 0.2, 0.9,
                    "4 steps with a gradient whose sign flips")


EMPTY = "that a key missing from velocity counts as 0"


def _check_missing(momentum_step, params, grads, velocity, lr, momentum,
                   what):
    """The new parameters of ``momentum_step`` with ``velocity`` (keys
    missing) against the learner's own with the missing keys written out
    as zeros. (The new velocity is the velocity test's business.)"""
    filled = {key: velocity[key] if key in velocity else
              np.zeros_like(np.asarray(value, dtype=float))
              for key, value in params.items()}
    written = ("momentum_step(params, grads, velocity, ...) with the missing "
               "keys of velocity written out as zeros")
    only = ("new_params",)
    reference, _ = _step(momentum_step, params, grads, filled, lr, momentum,
                         written, EMPTY, only)
    _moved(reference, params, written, EMPTY)
    got, _ = _step(momentum_step, params, grads, velocity, lr, momentum,
                   what, names=only)
    for key in params:
        assert_close(
            got[key], reference[key],
            f"new_params[{key!r}] of {what}, against your own result with "
            "the missing keys written out as zeros,",
            note="A key missing from velocity counts as a previous change "
                 "of 0: read it with velocity.get(key, 0.0).")


@check("momentum_step counts a key missing from velocity as 0")
def check_momentum_step_empty_velocity(momentum_step):
    """Check that ``momentum_step`` with ``velocity={}`` (the first step)
    and with a velocity that lacks a key gives the new parameters it gives
    with those keys written out as zeros."""
    params = {"w": np.array([0.5, -1.0]), "b": np.array([0.2])}
    grads = {"w": np.array([0.5, -0.2]), "b": np.array([0.5])}
    _check_missing(momentum_step, params, grads, {}, 0.1, 0.9,
                   "momentum_step(params, grads, {}, 0.1, 0.9)")
    _check_missing(momentum_step, params, grads,
                   {"w": np.array([-0.05, 0.02])}, 0.1, 0.9,
                   "momentum_step(params, grads, velocity, 0.1, 0.9) for a "
                   "velocity with the key 'w' only")


UNCHANGED = "that params, grads and velocity are left unchanged"


def _check_unchanged(momentum_step, params, grads, velocity, lr, momentum,
                     what):
    """``momentum_step`` changes none of its inputs in place."""
    before = copy.deepcopy(params)
    result = assert_unchanged(momentum_step, params, grads, velocity, lr,
                              momentum, what=what)
    new_params, _ = _form(result, before, velocity, what, UNCHANGED)
    _moved(new_params, before, what, UNCHANGED)


@check("momentum_step leaves params, grads and velocity unchanged")
def check_momentum_step_unchanged(momentum_step):
    """Check that ``momentum_step`` changes none of params, grads and
    velocity in place, for a vector w and for a matrix w."""
    params = {"w": np.array([0.5, -1.0, 2.0]), "b": np.array([0.5])}
    grads = {"w": np.array([0.3, 0.1, -0.2]), "b": np.array([0.028])}
    velocity = {"w": np.array([0.01, -0.02, 0.03]), "b": np.array([-0.004])}
    _check_unchanged(momentum_step, params, grads, velocity, 0.1, 0.9,
                     "momentum_step(params, grads, velocity, 0.1, 0.9)")
    params = {"w": np.array([[0.1, -0.2], [0.3, 0.4]]),
              "b": np.array([0.0, 0.1])}
    grads = {"w": np.array([[1.0, 2.0], [-1.0, 0.5]]),
             "b": np.array([0.5, -0.5])}
    velocity = {"w": np.array([[0.2, -0.1], [0.0, 0.3]]),
                "b": np.array([-0.2, 0.05])}
    _check_unchanged(momentum_step, params, grads, velocity, 0.5, 0.8,
                     "momentum_step(params, grads, velocity, 0.5, 0.8) for w "
                     "of shape (2, 2)")


# -- figures ------------------------------------------------------------------

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
               colors=FAINT, linewidths=0.8)
    runs = [(0.0, "C0", "gradient descent (momentum 0)"),
            (momentum, "C3", f"momentum {momentum:g}")]
    for alpha, color, label in runs:
        points, losses, message = _valley_path(momentum_step, lr, alpha,
                                               steps, start)
        if message:
            show_message(ax, message)
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
    ax = axes(ax, (6.2, 4.6))
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
        ax.text(0.5 * (xh + 5.0), 4.25, num(w), fontsize=9, ha="center",
                va="center", bbox={"boxstyle": "round,pad=0.1",
                                   "fc": "white", "ec": "none"})
    units = [(x, 0.0, str(i + 1), "k") for i, x in enumerate(xs_in)]
    units += [(x, 3.0, num(b), _UNIT_COLORS[j % 2])
              for j, (x, b) in enumerate(zip(xs_hid, b1))]
    units += [(5.0, 5.5, num(b2[0]), "k")]
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
            ax.text(x, y, num(W1[i, j]), ha="center", va="center",
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
