"""Lesson 07's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with the paper's momentum
rule Δw(t) = −ε ∂E/∂w + α Δw(t−1); right variants are the many ways to
write it correctly.
The PyTorch convention (v ← αv + g, w ← w − εv) is rejected on purpose:
it gives the same weights for a fixed ε, but the lesson's velocity is the
paper's Δw, the change added to the weights, and the two part ways when ε
changes during training or when a velocity is passed in.

Four requirements, four tests: the new parameters of one step (2 points),
the new velocity being the change just made (2), a key missing from
velocity counting as 0 (1), the inputs left unchanged (1). A slip costs
the points of the requirement it breaks and no more.
"""

from grading_harness import Variant, lesson_tests

LESSON = "07-rumelhart-1986"
STEP, VELOCITY, EMPTY, UNCHANGED = (
    "test_momentum_step", "test_momentum_step_velocity",
    "test_momentum_step_empty_velocity", "test_momentum_step_no_mutation")
ALL = {STEP, VELOCITY, EMPTY, UNCHANGED}


def step(code):
    """The momentum_step cell."""
    return {"momentum_step": code}


WRONG = [
    Variant("velocity not carried over: only the current gradient", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * grads[k] for k in params}
            return {k: params[k] + v[k] for k in params}, v
    """), fails={STEP}, passes={VELOCITY, EMPTY, UNCHANGED},
            says=r"momentum term, momentum · velocity, is missing", loses=2),
    Variant("sign error: +lr * g", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: lr * grads[k] + momentum * velocity.get(k, 0.0)
                 for k in params}
            return {k: params[k] + v[k] for k in params}, v
    """), fails={STEP}, passes={VELOCITY, EMPTY, UNCHANGED},
            says=r"sign error", loses=2),
    Variant("PyTorch convention: v = momentum * v + g, w -= lr * v", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: momentum * velocity.get(k, 0.0) + grads[k]
                 for k in params}
            return {k: params[k] - lr * v[k] for k in params}, v
    """), fails={STEP, VELOCITY}, passes={EMPTY, UNCHANGED}, says=r"PyTorch"),
    Variant("momentum multiplied by the learning rate too", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * (grads[k] + momentum * velocity.get(k, 0.0))
                 for k in params}
            return {k: params[k] + v[k] for k in params}, v
    """), fails={STEP}, passes={VELOCITY}, says=r"multiplied by lr",
            loses=2),
    Variant("a running average of gradients", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: momentum * velocity.get(k, 0.0)
                 + (1 - momentum) * grads[k] for k in params}
            return {k: params[k] - lr * v[k] for k in params}, v
    """), fails={STEP, VELOCITY}, says=r"running average"),
    Variant("returns the old velocity", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)
                 for k in params}
            new_params = {k: params[k] + v[k] for k in params}
            return new_params, velocity
    """), fails={VELOCITY}, passes={STEP, EMPTY, UNCHANGED},
            says=r"velocity passed in", loses=2),
    Variant("steps with the old velocity", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            new_p = {k: params[k] + velocity.get(k, 0.0) - lr * grads[k]
                     for k in params}
            v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)
                 for k in params}
            return new_p, v
    """), fails={STEP, VELOCITY}, passes={EMPTY, UNCHANGED},
            says=r"previous change is added in full"),
    Variant("the gradient term forgotten", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: momentum * velocity.get(k, 0.0) for k in params}
            return {k: params[k] + v[k] for k in params}, v
    """), fails={STEP}, says=r"gradient term"),
    Variant("modifies params in place: a slip of 1 point", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {}
            for k in params:
                v[k] = -lr * grads[k] + momentum * velocity.get(k, 0.0)
                params[k] += v[k]
            return params, v
    """), fails={UNCHANGED}, passes={STEP, VELOCITY, EMPTY},
            says=r"in place", loses=1),
    Variant("fills the velocity dict in place: a slip of 1 point", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            new_p = {}
            for k in params:
                velocity[k] = (-lr * grads[k]
                               + momentum * velocity.get(k, 0.0))
                new_p[k] = params[k] + velocity[k]
            return new_p, velocity
    """), fails={UNCHANGED}, passes={STEP, VELOCITY, EMPTY},
            says=r"in place", loses=1),
    Variant("velocity[key] fails on velocity={}: a slip of 1 point", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * grads[k] + momentum * velocity[k] for k in params}
            return {k: params[k] + v[k] for k in params}, v
    """), fails={EMPTY}, passes={STEP, VELOCITY, UNCHANGED},
            says=r"velocity\.get", loses=1),
    Variant("{} handled, a velocity lacking a key not: a slip of 1 point",
            step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            if not velocity:
                velocity = {k: 0.0 for k in params}
            v = {k: -lr * grads[k] + momentum * velocity[k] for k in params}
            return {k: params[k] + v[k] for k in params}, v
    """), fails={EMPTY}, passes={STEP, VELOCITY, UNCHANGED},
            says=r"key 'w' only|key 'b' only", loses=1),
    Variant("loops over the velocity's keys: a slip of 1 point", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * grads[k] + momentum * velocity[k]
                 for k in velocity}
            return {k: params[k] + v[k] for k in v}, v
    """), fails={EMPTY}, passes={STEP, VELOCITY, UNCHANGED}, says=r"keys",
            loses=1),
    Variant("a missing key taken as the gradient: a slip of 1 point",
            step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * grads[k] + momentum * velocity.get(k, grads[k])
                 for k in params}
            return {k: params[k] + v[k] for k in params}, v
    """), fails={EMPTY}, passes={STEP, VELOCITY, UNCHANGED},
            says=r"counts as a previous change of 0", loses=1),
    Variant("hard-coded keys w and b", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)
                 for k in ['w', 'b']}
            return {k: params[k] + v[k] for k in v}, v
    """), fails={STEP}, passes={VELOCITY, EMPTY, UNCHANGED},
            says=r"keys|KeyError", loses=2),
    Variant("returns only the new parameters", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)
                 for k in params}
            return {k: params[k] + v[k] for k in params}
    """), fails=ALL, says=r"tuple"),
    Variant("returns (velocity, params), swapped", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)
                 for k in params}
            return v, {k: params[k] + v[k] for k in params}
    """), fails={STEP, VELOCITY}, says=r"swapped"),
    Variant("no step at all: params and zeros back", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            return dict(params), {k: 0.0 * np.asarray(params[k])
                                  for k in params}
    """), fails=ALL, says=r"no step was taken"),
    # Lesson 07's old visible check cells defined helpers with the
    # signature of momentum_step; pasted as the answer, none earns points.
    Variant("the old visible check's step_hints as the answer", step("""
        def step_hints(p, g, v, lr, momentum):
            changes = {"missing momentum": -lr * g,
                       "sign": lr * g + momentum * v,
                       "pytorch": momentum * v + g}
            return changes, {"missing momentum": p - lr * g,
                             "pytorch": p - lr * (momentum * v + g)}


        momentum_step = step_hints
    """), fails=ALL),
]

RIGHT = [
    Variant("solution as written"),
    Variant("loop with `if key in velocity`", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            new_params, new_velocity = {}, {}
            for key, p in params.items():
                change = -lr * grads[key]
                if key in velocity:
                    change = change + momentum * velocity[key]
                new_velocity[key] = change
                new_params[key] = p + change
            return new_params, new_velocity
    """)),
    Variant("momentum * v - lr * g, with zeros_like for a missing key",
            step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v = {k: momentum * velocity.get(k, np.zeros_like(p))
                 - lr * grads[k] for k, p in params.items()}
            return {k: p + v[k] for k, p in params.items()}, v
    """)),
    Variant("deep copies, then in-place updates of the copies", step("""
        import copy


        def momentum_step(params, grads, velocity, lr, momentum):
            new_params = copy.deepcopy(params)
            new_velocity = {}
            for k in params:
                v = np.zeros_like(np.asarray(params[k], float))
                v += momentum * velocity.get(k, 0.0)
                v -= lr * np.asarray(grads[k], dtype=float)
                new_velocity[k] = v
                new_params[k] = new_params[k] + v
            return new_params, new_velocity
    """)),
    Variant("velocity filled with zeros first, list returned", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            if not velocity:
                velocity = {k: 0.0 for k in params}
            velocity = {k: velocity.get(k, 0.0) for k in params}
            v = {k: np.add(np.multiply(momentum, velocity[k]),
                           np.multiply(-lr, grads[k]))
                 for k in params}
            return [{k: np.add(params[k], v[k]) for k in params}, v]
    """)),
    Variant("floats become Python floats", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            v, p = {}, {}
            for k in params:
                d = -lr * np.asarray(grads[k], dtype=float)
                d = d + momentum * np.asarray(velocity.get(k, 0.0))
                v[k] = float(d) if np.ndim(d) == 0 else d
                p[k] = params[k] + v[k]
            return p, v
    """)),
    Variant("new velocity first, parameters from it, via a defaultdict",
            step("""
        from collections import defaultdict


        def momentum_step(params, grads, velocity, lr, momentum):
            previous = defaultdict(float, velocity)
            new_velocity = {k: momentum * previous[k] - lr * grads[k]
                            for k in params}
            new_params = {k: params[k] + new_velocity[k] for k in params}
            return new_params, new_velocity
    """)),
    Variant("ufuncs over zipped keys", step("""
        def momentum_step(params, grads, velocity, lr, momentum):
            keys = list(params)
            changes = [np.subtract(np.multiply(momentum,
                                               velocity.get(k, 0.0)),
                                   np.multiply(lr, grads[k])) for k in keys]
            new_params = [np.add(params[k], d) for k, d in zip(keys, changes)]
            return dict(zip(keys, new_params)), dict(zip(keys, changes))
    """)),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
