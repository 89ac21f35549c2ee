"""Lesson 04's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with a gradient-descent step,
a training loop and a learning rate; right variants are the many ways to be
correct that naive tests wrongly reject.
"""

import textwrap

import numpy as np
import pytest
from grading_harness import Variant, learner_notebook, lesson_tests, points

from coursetools import lesson04
from coursetools.checks import CheckFailed

LESSON = "04-gradient-descent"
STEP, STEP_UNCHANGED, TRAIN, TRAIN_UNCHANGED, LR = (
    "test_gradient_step", "test_gradient_step_unchanged",
    "test_train_neuron", "test_train_neuron_unchanged", "test_lr_choice")
POINTS = points(LESSON)


def step(expression):
    return {"gradient_step": f"""
        def gradient_step(params, grads, lr):
            return {expression}
    """}


def lr_choice(value):
    return {"lr_choice": f"lr_choice = {value}"}


# The right loop; variants replace one of its marked lines.
LOOP = """
def train_neuron(X, y, lr, epochs, loss="bce"):
    loss_fn = {"bce": bce, "mse": mse}[loss]  # LOSS
    params = {"w": np.zeros(X.shape[1]), "b": 0.0}  # START
    history = [loss_fn(neuron_forward(X, params["w"], params["b"]), y)]
    for _ in range(epochs):
        dw, db = neuron_backward(X, params["w"], params["b"], y, loss=loss)
        params = gradient_step(params, {"w": dw, "b": db}, lr)  # STEP
        history.append(loss_fn(neuron_forward(X, params["w"], params["b"]),
                               y))
    return params, history
"""


def loop(**replace):
    """The right loop with the line marked ``# NAME`` (or the gradient's
    line, ``grad``) replaced."""
    lines = LOOP.splitlines()
    for name, new in replace.items():
        mark = "dw, db = neuron_backward" if name == "grad" else \
            f"# {name.upper()}"
        (i,) = [k for k, line in enumerate(lines) if mark in line]
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        lines[i] = indent + new
    return {"train_neuron": "\n".join(lines)}


WRONG = [
    # gradient_step
    Variant("step up the gradient",
            step("{k: params[k] + lr * grads[k] for k in params}"),
            fails={STEP}, passes={STEP_UNCHANGED, TRAIN, LR}, says=r"sign",
            loses=POINTS[STEP]),
    Variant("step ignores the learning rate",
            step("{k: params[k] - grads[k] for k in params}"),
            fails={STEP}, says=r"the learning rate missing"),
    Variant("step returns −lr·g only",
            step("{k: -lr * grads[k] for k in params}"),
            fails={STEP}, says=r"parameter itself"),
    Variant("step modifies params in place and returns it: a slip",
            {"gradient_step": """
        def gradient_step(params, grads, lr):
            for k in params:
                params[k] -= lr * grads[k]
            return params
    """}, fails={STEP_UNCHANGED}, passes={STEP, TRAIN}, says=r"in place",
            loses=1),
    Variant("step copies the dict, then -= on the shared arrays: a slip",
            {"gradient_step": """
        def gradient_step(params, grads, lr):
            new = dict(params)
            for k in new:
                new[k] -= lr * grads[k]
            return new
    """}, fails={STEP_UNCHANGED}, passes={STEP, TRAIN}, says=r"in place",
            loses=1),
    Variant("step with np.subtract(out=p) on the caller's arrays",
            {"gradient_step": """
        def gradient_step(params, grads, lr):
            out = {}
            for k, p in params.items():
                if isinstance(p, np.ndarray):
                    out[k] = np.subtract(p, lr * grads[k], out=p)
                else:
                    out[k] = p - lr * grads[k]
            return out
    """}, fails={STEP_UNCHANGED}, passes={STEP}, says=r"in place", loses=1),
    Variant("step hard-codes the keys w and b", {"gradient_step": """
        def gradient_step(params, grads, lr):
            return {"w": params["w"] - lr * grads["w"],
                    "b": params["b"] - lr * grads["b"]}
    """}, fails={STEP}, says=r"KeyError"),
    Variant("step updates the weights and drops the biases",
            step("{k: params[k] - lr * grads[k] for k in params\n"
                 "                    if not k.startswith('b')}"),
            fails={STEP}, says=r"keys"),
    Variant("step turns the number b into an array of shape (1,)",
            step("{k: np.atleast_1d(params[k] - lr * grads[k])\n"
                 "                    for k in params}"),
            fails={STEP}, says=r"shape"),
    Variant("step returns a list of the new values",
            step("[params[k] - lr * grads[k] for k in params]"),
            fails={STEP, STEP_UNCHANGED}, says=r"expected a new dict"),
    Variant("step returns params unchanged", step("dict(params)"),
            fails={STEP}, says=r"did not move"),
    Variant("step hard-codes the worked example",
            step('{"w": np.array([0.47]), "b": 0.4972}'),
            fails={STEP, STEP_UNCHANGED}),
    # train_neuron (with a right gradient_step)
    Variant("history misses the loss at the start", {"train_neuron": """
        def train_neuron(X, y, lr, epochs, loss="bce"):
            params = {"w": np.zeros(X.shape[1]), "b": 0.0}
            history = []
            for _ in range(epochs):
                dw, db = neuron_backward(X, params["w"], params["b"], y,
                                         loss=loss)
                params = gradient_step(params, {"w": dw, "b": db}, lr)
                f = bce if loss == "bce" else mse
                history.append(f(neuron_forward(X, params["w"],
                                                params["b"]), y))
            return params, history
    """}, fails={TRAIN}, passes={TRAIN_UNCHANGED},
            says=r"shape \(0,\).*expected \(1,\)|missing"),
    Variant("history misses the loss after the last step",
            {"train_neuron": """
        def train_neuron(X, y, lr, epochs, loss="bce"):
            f = bce if loss == "bce" else mse
            params = {"w": np.zeros(X.shape[1]), "b": 0.0}
            history = []
            for _ in range(epochs):
                history.append(f(neuron_forward(X, params["w"],
                                                params["b"]), y))
                dw, db = neuron_backward(X, params["w"], params["b"], y,
                                         loss=loss)
                params = gradient_step(params, {"w": dw, "b": db}, lr)
            return params, history
    """}, fails={TRAIN}, passes={TRAIN_UNCHANGED}, says=r"missing"),
    Variant("history recorded after each step, one step too many",
            {"train_neuron": """
        def train_neuron(X, y, lr, epochs, loss="bce"):
            f = bce if loss == "bce" else mse
            params = {"w": np.zeros(X.shape[1]), "b": 0.0}
            history = []
            for _ in range(epochs + 1):
                dw, db = neuron_backward(X, params["w"], params["b"], y,
                                         loss=loss)
                params = gradient_step(params, {"w": dw, "b": db}, lr)
                history.append(f(neuron_forward(X, params["w"],
                                                params["b"]), y))
            return params, history
    """}, fails={TRAIN}, says=r"before the first"),
    Variant("starts from random weights",
            loop(start='params = {"w": np.random.default_rng(1).normal('
                       'size=X.shape[1]), "b": 0.1}'),
            fails={TRAIN}, says=r"start, w = 0 and b = 0"),
    Variant("ignores the loss argument (always BCE)",
            loop(loss="loss_fn = bce; loss = 'bce'"),
            fails={TRAIN}, says=r"other loss|loss argument"),
    Variant("records the asked loss but always steps on MSE's gradient",
            loop(grad='dw, db = neuron_backward(X, params["w"], '
                      'params["b"], y)'),
            fails={TRAIN}, says=r"other loss|loss argument"),
    Variant("step up the gradient in the loop",
            loop(step='params = gradient_step(params, {"w": dw, "b": db}, '
                      '-lr)'),
            fails={TRAIN}, says=r"up the gradient"),
    Variant("the loop forgets lr",
            loop(step='params = gradient_step(params, {"w": dw, "b": db}, '
                      '1.0)'),
            fails={TRAIN}, says=r"is lr missing"),
    Variant("the gradient averaged twice",
            loop(step='params = gradient_step(params, {"w": dw / len(y), '
                      '"b": db / len(y)}, lr)'),
            fails={TRAIN}, says=r"divided by n twice"),
    Variant("b starts as an array of shape (1,)",
            loop(start='params = {"w": np.zeros(X.shape[1]), '
                       '"b": np.zeros(1)}'),
            fails={TRAIN}, says=r"shape"),
    Variant("returns (history, params)", {"train_neuron": LOOP.replace(
        "return params, history", "return history, params")},
            fails={TRAIN, TRAIN_UNCHANGED},
            says=r"\(params, history\), in that order"),
    Variant("shuffles X and y in place (from mini-batch code): a slip",
            {"train_neuron": """
        def train_neuron(X, y, lr, epochs, loss="bce"):
            order = np.random.default_rng(0).permutation(len(X))
            X[...], y[...] = X[order], y[order]
            f = {"bce": bce, "mse": mse}[loss]
            params = {"w": np.zeros(X.shape[1]), "b": 0.0}
            history = [f(neuron_forward(X, params["w"], params["b"]), y)]
            for _ in range(epochs):
                dw, db = neuron_backward(X, params["w"], params["b"], y,
                                         loss=loss)
                params = gradient_step(params, {"w": dw, "b": db}, lr)
                history.append(f(neuron_forward(X, params["w"],
                                                params["b"]), y))
            return params, history
    """}, fails={TRAIN_UNCHANGED}, passes={TRAIN}, says=r"in place",
            loses=1),
    Variant("right loop, wrong gradient_step: only gradient_step's points",
            step("{k: params[k] + lr * grads[k] for k in params}"),
            fails={STEP}, passes={TRAIN, TRAIN_UNCHANGED, LR},
            loses=POINTS[STEP]),
    Variant("a broken train_neuron does not cost the lr_choice point",
            loop(step="pass"), fails={TRAIN}, passes={STEP, STEP_UNCHANGED,
                                                      LR}),
    # lr_choice
    Variant("learning rate far too small", lr_choice("1e-4"),
            fails={LR}, says=r"too small", loses=1),
    Variant("learning rate too small for 20 epochs", lr_choice("0.01"),
            fails={LR}, says=r"too small"),
    Variant("learning rate that overshoots", lr_choice("2.0"),
            fails={LR}, says=r"too large"),
    Variant("divergent learning rate", lr_choice("10"),
            fails={LR}, says=r"too large"),
    Variant("learning rate as a string", lr_choice("'0.1'"),
            fails={LR}, says=r"single number"),
    Variant("learning rate in a list", lr_choice("[0.1]"),
            fails={LR}, says=r"single number"),
    Variant("learning rate as an array of shape (1,)",
            lr_choice("np.array([0.1])"), fails={LR}, says=r"single number"),
    Variant("learning rate as a boolean", lr_choice("True"),
            fails={LR}, says=r"single number"),
    Variant("negative learning rate", lr_choice("-0.1"),
            fails={LR}, says=r"positive"),
    Variant("learning rate left as None", lr_choice("None"),
            fails={LR}, says=r"not written yet"),
]

RIGHT = [
    Variant("solution as written"),
    Variant("step in a loop", {"gradient_step": """
        def gradient_step(params, grads, lr):
            new = {}
            for key, value in params.items():
                new[key] = value - lr * grads[key]
            return new
    """}),
    Variant("step: deep copy, then in-place updates of the copy",
            {"gradient_step": """
        import copy

        def gradient_step(params, grads, lr):
            new = copy.deepcopy(params)
            for key in new:
                new[key] -= lr * grads[key]
            return new
    """}),
    Variant("step over the keys of grads, with np.subtract",
            step("{k: np.subtract(params[k], lr * g)\n"
                 "                    for k, g in grads.items()}")),
    Variant("step giving 0-d arrays for numbers",
            step("{k: np.asarray(params[k], dtype=float)\n"
                 "                    - lr * np.asarray(grads[k], "
                 "dtype=float)\n"
                 "                    for k in params}")),
    Variant("step with copies and in-place -= on them", {"gradient_step": """
        def gradient_step(params, grads, lr):
            out = {}
            for k in params:
                p = np.array(params[k], dtype=float)
                p -= lr * np.asarray(grads[k])
                out[k] = p if p.ndim else float(p)
            return out
    """}),
    Variant("train with its own arrays, updated in place",
            {"train_neuron": """
        def train_neuron(X, y, lr, epochs, loss="bce"):
            w, b = np.zeros(X.shape[1]), 0.0
            f = bce if loss == "bce" else mse
            history = [f(neuron_forward(X, w, b), y)]
            for _ in range(epochs):
                dw, db = neuron_backward(X, w, b, y, loss=loss)
                w -= lr * dw
                b -= lr * db
                history.append(f(neuron_forward(X, w, b), y))
            return {"w": w, "b": b}, history
    """}),
    Variant("train with a preallocated history array of 0-d losses",
            {"train_neuron": """
        def train_neuron(X, y, lr, epochs, loss="bce"):
            history = np.empty(epochs + 1)
            params = {"w": np.zeros(X.shape[1]), "b": 0.0}
            for k in range(epochs + 1):
                y_hat = neuron_forward(X, params["w"], params["b"])
                history[k] = np.asarray(mse(y_hat, y) if loss == "mse"
                                        else bce(y_hat, y))
                if k < epochs:
                    dw, db = neuron_backward(X, params["w"], params["b"], y,
                                             loss=loss)
                    params = gradient_step(params, {"w": dw, "b": db}, lr)
            return params, history
    """}),
    Variant("train with its own BCE from the scores, and a list result",
            {"train_neuron": """
        def train_neuron(X, y, lr, epochs, loss="bce"):
            def cost(w, b):
                z = X @ w + b
                if loss == "bce":
                    return float(np.mean(np.logaddexp(0.0, z) - y * z))
                return float(np.mean((sigmoid(z) - y) ** 2))

            params = {"w": np.zeros(X.shape[1]), "b": 0.0}
            history = [cost(params["w"], params["b"])]
            for _ in range(epochs):
                grads = dict(zip("wb", neuron_backward(
                    X, params["w"], params["b"], y, loss)))
                params = gradient_step(params, grads, lr)
                history.append(cost(params["w"], params["b"]))
            return [params, history]
    """}),
    Variant("train with BCE clipped at 1e-7",
            loop(loss='loss_fn = {"bce": lambda p, t: bce(p, t, eps=1e-7), '
                      '"mse": mse}[loss]')),
    Variant("train with BCE with 1e-7 added inside the logarithm",
            loop(loss='loss_fn = {"bce": lambda p, t: float(np.mean(-(t * '
                      'np.log(p + 1e-7) + (1 - t) * np.log(1 - p + 1e-7))))'
                      ', "mse": mse}[loss]')),
    Variant("lr_choice at the low end", lr_choice("0.05")),
    Variant("lr_choice at the high end", lr_choice("1")),
    Variant("lr_choice as a NumPy number", lr_choice("np.float64(0.3)")),
    Variant("lr_choice as a 0-d array", lr_choice("np.array(0.5)")),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)


# -- the visible checks, as a learner runs them in the notebook ---------------

def notebook(*cells):
    """The namespace of the lesson's given cells and ``cells`` run after
    them, as in the notebook."""
    namespace = {"np": np}
    given = [c.source for c in learner_notebook(LESSON).cells
             if c.metadata.get("course", {}).get("given")]
    for source in [*given, *(textwrap.dedent(c) for c in cells)]:
        exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


def test_visible_check_blames_a_wrong_gradient_step():
    """In the notebook there is no stand-in: a right train_neuron that
    calls a wrong gradient_step is told to fix gradient_step first, and
    the lr_choice check says it cannot tell."""
    ns = notebook(step("{k: params[k] + lr * grads[k] for k in params}")[
        "gradient_step"], LOOP)
    with pytest.raises(CheckFailed, match=r"fix `gradient_step` first"):
        lesson04.check_train_neuron(ns["train_neuron"])
    with pytest.raises(CheckFailed, match=r"train_neuron first"):
        lesson04.check_lr_choice(0.3, ns["train_neuron"])


def test_visible_lr_check_trains_with_the_learners_train_neuron(capsys):
    ns = notebook(step("{k: params[k] - lr * grads[k] for k in params}")[
        "gradient_step"], LOOP)
    lesson04.check_lr_choice(0.3, ns["train_neuron"])
    assert "✓" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match=r"too large"):
        lesson04.check_lr_choice(2.0, ns["train_neuron"])
    with pytest.raises(NotImplementedError, match=r"not written yet"):
        lesson04.check_lr_choice(None, ns["train_neuron"])


def test_visible_checks_do_not_spell_out_the_step():
    """No visible check computes p − lr·g: the expected steps are
    tabulated numbers."""
    import inspect
    import re

    source = inspect.getsource(lesson04)
    assert not re.search(r"-\s*lr\s*\*", source), "p - lr * g in lesson04"
