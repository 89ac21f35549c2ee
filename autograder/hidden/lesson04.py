"""Hidden tests of lesson 04-gradient-descent (see :mod:`autograder.hidden`).

Inputs are drawn from :func:`coursetools.checks.grading_rng`, seeded per
submission and test by the grader; expected values come from this
module's gradient step and from
:func:`autograder.oracles.neuron_gradient_descent`.
"""


from autograder.oracles import neuron_gradient_descent as descent
from coursetools.checks import CheckFailed, grading_rng
from coursetools.lesson04 import (
    X_CLASS,
    Y_CLASS,
    _check_descent,
    _check_new,
    _check_step,
    _check_train_unchanged,
    _check_trained,
    _learning_rate,
)


def gradient_step(params, grads, lr):
    """The grader's step: a new dict of p − lr·g."""
    return {key: params[key] - lr * grads[key] for key in params}


#: train_neuron is graded with a correct gradient_step in place of the
#: learner's: a gradient_step mistake costs only gradient_step's points.
#: (Its other helpers, sigmoid to neuron_backward, are the lesson's given
#: cells, which the grader runs as the instructor wrote them.)
STAND_INS = {test: {"gradient_step": gradient_step} for test in (
    "test_train_neuron", "test_train_neuron_unchanged")}


def _parameters(rng, shapes):
    return {k: float(rng.normal()) if s == () else rng.normal(size=s)
            for k, s in shapes.items()}


SHAPES = [{"w": (3,), "b": ()}, {"w": (1,), "b": ()},
          {"W1": (4, 3), "b1": (3,), "W2": (3, 2), "b2": (2,),
           "W3": (2, 1), "b3": (1,)}]


def grade_gradient_step(fn):
    """Random parameters of one neuron and of a three-layer network, grads
    with their keys in another order, learning rates from 0.01 to 2."""
    rng = grading_rng()
    cases = []
    for shapes in SHAPES:
        lr = float(rng.uniform(0.01, 2.0))
        params = _parameters(rng, shapes)
        grads = _parameters(rng, dict(reversed(shapes.items())))
        mistakes = {"sign": gradient_step(params, grads, -lr),
                    "no lr": gradient_step(params, grads, 1.0),
                    "no p": {k: -lr * g for k, g in grads.items()}}
        cases.append((params, grads, lr, gradient_step(params, grads, lr),
                      mistakes, f"parameters {sorted(shapes)}"))
    _check_step(fn, cases)


def grade_gradient_step_unchanged(fn):
    """Random parameters: params and grads left as they were."""
    rng = grading_rng()
    for shapes in [{"w": (4,), "b": ()},
                   {"W1": (3, 5), "b1": (5,), "W2": (5, 1), "b2": (1,)}]:
        _check_new(fn, _parameters(rng, shapes), _parameters(rng, shapes),
                   0.3, f"gradient_step(params, grads, 0.3) for "
                   f"{sorted(shapes)}")


def _data(rng, n, d):
    return rng.normal(size=(n, d)), (rng.random(n) < 0.5).astype(float)


def grade_train_neuron(train_neuron):
    """Random data of several shapes, both losses, learning rates at which
    descent is stable, 0 to 40 epochs."""
    rng = grading_rng()
    for n, d, lr, epochs, loss in [(12, 1, 0.3, 15, "bce"),
                                   (25, 3, 1.0, 30, "bce"),
                                   (9, 2, 0.05, 40, "mse"),
                                   (30, 4, 0.8, 12, "mse"),
                                   (17, 2, 0.5, 0, "bce")]:
        X, y = _data(rng, n, d)
        what = (f"train_neuron(X, y, lr={lr}, epochs={epochs}, "
                f"loss={loss!r}) for X of shape {(n, d)}")
        other = "mse" if loss == "bce" else "bce"
        mistakes = {"other loss": descent(X, y, lr, epochs, other),
                    "up": descent(X, y, -lr, epochs, loss),
                    "no lr": descent(X, y, 1.0, epochs, loss),
                    "n twice": descent(X, y, lr / n, epochs, loss),
                    "shifted": (None, None,
                                descent(X, y, lr, epochs + 1, loss)[2][1:])}
        result = train_neuron(X.copy(), y.copy(), lr, epochs, loss=loss)
        _check_trained(result, descent(X, y, lr, epochs, loss), mistakes,
                       what, epochs)


def grade_train_neuron_unchanged(train_neuron):
    """Random data, both losses: X and y left as they were."""
    rng = grading_rng()
    for n, d, loss in [(10, 2, "bce"), (7, 3, "mse")]:
        X, y = _data(rng, n, d)
        _check_train_unchanged(train_neuron, X, y, 0.5, 4, loss)


def grade_lr_choice(lr_choice):
    """20 epochs of the grader's own descent on the teacher's class with
    the learner's learning rate end below 0.50 (the learner's
    train_neuron plays no part)."""
    if lr_choice is None:
        raise CheckFailed("lr_choice is not written yet: set it to a "
                          "learning rate, a number, in the cell above.")
    lr = _learning_rate(lr_choice)
    _check_descent(descent(X_CLASS, Y_CLASS, lr, 20, loss="bce")[2], lr)
