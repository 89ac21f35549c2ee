"""Hidden tests of lesson 07-rumelhart-1986 (see :mod:`autograder.hidden`).

Inputs are drawn from :func:`coursetools.checks.grading_rng`, seeded per
submission and test by the grader. The new parameters of one step come
from :func:`_momentum_oracle`; the other tests check properties of the
learner's own results, as the visible checks do, on random inputs.
"""

from coursetools.checks import grading_rng
from coursetools.lesson07 import (
    _check_missing,
    _check_step,
    _check_unchanged,
    _check_velocity,
)

#: momentum_step calls no earlier exercise.
STAND_INS = {}


def _momentum_oracle(params, grads, velocity, lr, momentum):
    """The new parameters of the paper's rule: Δw(t) = α·Δw(t−1) − ε·g,
    a key missing from velocity counting as 0."""
    return {key: value + momentum * velocity.get(key, 0.0) - lr * grads[key]
            for key, value in params.items()}


def _draw(rng, shapes):
    """A dict of random values: a number for shape (), else an array."""
    return {key: float(rng.normal()) if shape == () else
            rng.normal(size=shape) for key, shape in shapes.items()}


def _rates(rng):
    return float(rng.uniform(0.01, 2.0)), float(rng.uniform(0.1, 0.99))


#: The other tests use the keys "w" and "b" only: naming the keys instead
#: of looping over params costs the points of the values test alone.
W_B_SHAPES = [{"w": (3,), "b": (1,)}, {"w": (4, 2), "b": (2,)},
              {"w": (3, 6, 2), "b": (3, 2)}]


def grade_momentum_step(momentum_step):
    """One step from a full velocity: random numbers and arrays, networks
    of two and three layers, a stack of five (a seed axis), grads with
    the keys in another order."""
    rng = grading_rng()
    for shapes in [{"w": (3,), "b": ()}, {"w": (1,), "b": ()},
                   {"W1": (4, 3), "b1": (3,), "W2": (3, 2), "b2": (2,),
                    "W3": (2, 1), "b3": (1,)},
                   {"W1": (5, 6, 2), "b1": (5, 2), "W2": (5, 2, 1),
                    "b2": (5, 1)}]:
        lr, momentum = _rates(rng)
        params, grads, velocity = (_draw(rng, shapes) for _ in range(3))
        grads = dict(reversed(grads.items()))  # keys in another order
        _check_step(momentum_step, params, grads, velocity, lr, momentum,
                    _momentum_oracle(params, grads, velocity, lr, momentum),
                    f"momentum_step(params, grads, velocity, {lr:.3g}, "
                    f"{momentum:.3g}) for parameters {sorted(shapes)} of "
                    f"shapes {list(shapes.values())}")


def grade_momentum_step_velocity(momentum_step):
    """Five steps from a random full velocity, each passing the returned
    velocity back in, for w and b of several shapes."""
    rng = grading_rng()
    for shapes in W_B_SHAPES:
        lr, momentum = _rates(rng)
        _check_velocity(momentum_step, _draw(rng, shapes),
                        [_draw(rng, shapes) for _ in range(5)],
                        _draw(rng, shapes), lr, momentum,
                        f"5 steps with lr={lr:.3g}, momentum={momentum:.3g} "
                        f"for w of shape {shapes['w']}")


def grade_momentum_step_empty_velocity(momentum_step):
    """velocity={} and a velocity with one of the two keys, against the
    learner's own result with zeros written out."""
    rng = grading_rng()
    for shapes in W_B_SHAPES:
        lr, momentum = _rates(rng)
        params, grads, velocity = (_draw(rng, shapes) for _ in range(3))
        _check_missing(momentum_step, params, grads, {}, lr, momentum,
                       f"momentum_step(params, grads, {{}}, {lr:.3g}, "
                       f"{momentum:.3g}) for w of shape {shapes['w']}")
        key = "w" if rng.random() < 0.5 else "b"
        _check_missing(momentum_step, params, grads, {key: velocity[key]},
                       lr, momentum,
                       f"momentum_step(params, grads, velocity, {lr:.3g}, "
                       f"{momentum:.3g}) for a velocity with the key "
                       f"{key!r} only")


def grade_momentum_step_unchanged(momentum_step):
    """Random w and b from a full velocity: params, grads and velocity
    left as they were."""
    rng = grading_rng()
    for shapes in W_B_SHAPES:
        lr, momentum = _rates(rng)
        _check_unchanged(momentum_step, *(_draw(rng, shapes)
                                          for _ in range(3)),
                         lr, momentum,
                         f"momentum_step(params, grads, velocity, {lr:.3g}, "
                         f"{momentum:.3g}) for w of shape {shapes['w']}")
