"""Lesson 07's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with the paper's momentum
rule Δw(t) = −ε ∂E/∂w + α Δw(t−1); right variants are the many ways to
write it correctly.
The PyTorch convention (v ← αv + g, w ← w − εv) is rejected on purpose:
it gives the same weights for a fixed ε, but the lesson's velocity is the
paper's Δw, the change added to the weights, and the two part ways when ε
changes during training or when a velocity is passed in.
"""

from grading_harness import Variant, lesson_tests

LESSON = "07-rumelhart-1986"
STEP, VELOCITY, NO_MUTATION = ("test_momentum_step",
                               "test_momentum_step_velocity",
                               "test_momentum_step_no_mutation")
ALL = {STEP, VELOCITY, NO_MUTATION}


def mom(body):
    return {"momentum_step":
            "import numpy as np\n\n"
            "def momentum_step(params, grads, velocity, lr, momentum):\n"
            + body}


WRONG = [
    Variant("velocity not carried over: only the current gradient",
            mom("    v = {k: -lr * grads[k] for k in params}\n"
                "    return {k: params[k] + v[k] for k in params}, v"),
            fails={STEP, VELOCITY}, passes={NO_MUTATION},
            says=r"previous change|momentum term is missing"),
    Variant("sign error: +lr * g",
            mom("    v = {k: lr * grads[k] + momentum * velocity.get(k, 0.0)\n"
                "         for k in params}\n"
                "    return {k: params[k] + v[k] for k in params}, v"),
            fails={STEP, VELOCITY}, says=r"sign error"),
    Variant("PyTorch convention: v = momentum * v + g, w -= lr * v",
            mom("    v = {k: momentum * velocity.get(k, 0.0) + grads[k]\n"
                "         for k in params}\n"
                "    return {k: params[k] - lr * v[k] for k in params}, v"),
            fails={STEP, VELOCITY}, says=r"PyTorch"),
    Variant("momentum multiplied by the learning rate too",
            mom("    v = {k: -lr * (grads[k]\n"
                "                   + momentum * velocity.get(k, 0.0))\n"
                "         for k in params}\n"
                "    return {k: params[k] + v[k] for k in params}, v"),
            fails={STEP, VELOCITY}, says=r"multiplied by lr"),
    Variant("a running average of gradients",
            mom("    v = {k: momentum * velocity.get(k, 0.0)\n"
                "         + (1 - momentum) * grads[k] for k in params}\n"
                "    return {k: params[k] - lr * v[k] for k in params}, v"),
            fails={STEP, VELOCITY}, says=r"running average|wrong"),
    Variant("returns the old velocity",
            mom("    v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)\n"
                "         for k in params}\n"
                "    new_params = {k: params[k] + v[k] for k in params}\n"
                "    return new_params, velocity"),
            fails={STEP, VELOCITY}, says=r"velocity passed in|keys"),
    Variant("steps with the old velocity",
            mom("    new_p = {k: params[k] + velocity.get(k, 0.0)\n"
                "             - lr * grads[k] for k in params}\n"
                "    v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)\n"
                "         for k in params}\n"
                "    return new_p, v"),
            fails={STEP}, says=r"wrong"),
    Variant("modifies params in place",
            mom("    v = {}\n"
                "    for k in params:\n"
                "        v[k] = (-lr * grads[k]\n"
                "                + momentum * velocity.get(k, 0.0))\n"
                "        params[k] += v[k]\n"
                "    return params, v"),
            fails={NO_MUTATION}, passes={STEP, VELOCITY},
            says=r"in place"),
    Variant("fills the velocity dict in place and returns it",
            mom("    new_p = {}\n"
                "    for k in params:\n"
                "        velocity[k] = (-lr * grads[k]\n"
                "                       + momentum * velocity.get(k, 0.0))\n"
                "        new_p[k] = params[k] + velocity[k]\n"
                "    return new_p, velocity"),
            fails={NO_MUTATION}, says=r"in place"),
    Variant("velocity[key] fails on velocity={}",
            mom("    v = {k: -lr * grads[k] + momentum * velocity[k]\n"
                "         for k in params}\n"
                "    return {k: params[k] + v[k] for k in params}, v"),
            fails={VELOCITY, NO_MUTATION}, passes={STEP},
            says=r"velocity\.get"),
    Variant("loops over the velocity's keys: drops keys",
            mom("    v = {k: -lr * grads[k] + momentum * velocity[k]\n"
                "         for k in velocity}\n"
                "    return {k: params[k] + v[k] for k in v}, v"),
            fails={VELOCITY}, says=r"keys"),
    Variant("hard-coded keys w and b",
            mom("    v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)\n"
                "         for k in ['w', 'b']}\n"
                "    return {k: params[k] + v[k] for k in v}, v"),
            fails={STEP}, says=r"keys|KeyError"),
    Variant("returns only the new parameters",
            mom("    v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)\n"
                "         for k in params}\n"
                "    return {k: params[k] + v[k] for k in params}"),
            fails=ALL, says=r"tuple"),
    Variant("returns (velocity, params), swapped",
            mom("    v = {k: -lr * grads[k] + momentum * velocity.get(k, 0)\n"
                "         for k in params}\n"
                "    return v, {k: params[k] + v[k] for k in params}"),
            fails={STEP, VELOCITY}),
]

RIGHT = [
    Variant("solution as written"),
    Variant("loop with `if key in velocity`",
            mom("    new_params, new_velocity = {}, {}\n"
                "    for key, p in params.items():\n"
                "        change = -lr * grads[key]\n"
                "        if key in velocity:\n"
                "            change = change + momentum * velocity[key]\n"
                "        new_velocity[key] = change\n"
                "        new_params[key] = p + change\n"
                "    return new_params, new_velocity")),
    Variant("momentum * v - lr * g, with zeros_like for a missing key",
            mom("    v = {k: momentum * velocity.get(k, np.zeros_like(p))\n"
                "         - lr * grads[k] for k, p in params.items()}\n"
                "    return {k: p + v[k] for k, p in params.items()}, v")),
    Variant("deep copies, then in-place updates of the copies",
            mom("    import copy\n"
                "    new_params = copy.deepcopy(params)\n"
                "    new_velocity = {}\n"
                "    for k in params:\n"
                "        v = np.zeros_like(np.asarray(params[k], float))\n"
                "        v += momentum * velocity.get(k, 0.0)\n"
                "        v -= lr * np.asarray(grads[k], dtype=float)\n"
                "        new_velocity[k] = v\n"
                "        new_params[k] = new_params[k] + v\n"
                "    return new_params, new_velocity")),
    Variant("velocity filled with zeros first, list returned",
            mom("    if not velocity:\n"
                "        velocity = {k: 0.0 for k in params}\n"
                "    velocity = {k: velocity.get(k, 0.0) for k in params}\n"
                "    v = {k: np.add(np.multiply(momentum, velocity[k]),\n"
                "                   np.multiply(-lr, grads[k]))\n"
                "         for k in params}\n"
                "    return [{k: np.add(params[k], v[k]) for k in params},"
                " v]")),
    Variant("floats become Python floats",
            mom("    v, p = {}, {}\n"
                "    for k in params:\n"
                "        d = -lr * np.asarray(grads[k], dtype=float)\n"
                "        d = d + momentum * np.asarray(velocity.get(k, 0.0))\n"
                "        v[k] = float(d) if np.ndim(d) == 0 else d\n"
                "        p[k] = params[k] + v[k]\n"
                "    return p, v")),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
