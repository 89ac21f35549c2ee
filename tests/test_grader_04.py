"""Lesson 04's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with a gradient-descent step,
a training loop and a learning rate; right variants are the many ways to be
correct that naive tests wrongly reject.
"""

from grading_harness import Variant, lesson_tests

LESSON = "04-gradient-descent"
STEP, NO_MUT, TRAIN, LR = ("test_gradient_step",
                           "test_gradient_step_no_mutation",
                           "test_train_neuron", "test_lr_choice")


def step(body):
    return {"gradient_step": "import numpy as np\n\n"
            "def gradient_step(params, grads, lr):\n" + body}


def train(body):
    return {"train_neuron": "import numpy as np\n\n"
            "def train_neuron(X, y, lr, epochs, loss='bce'):\n" + body}


def lr_choice(value):
    return {"lr_choice": f"import numpy as np\n\nlr_choice = {value}"}


# The right loop, with one line marked for variants to replace.
LOOP = """\
    loss_fn = {"bce": bce, "mse": mse}[loss]
    params = {"w": np.zeros(X.shape[1]), "b": 0.0}
    history = [loss_fn(neuron_forward(X, params["w"], params["b"]), y)]
    for _ in range(epochs):
        dw, db = neuron_backward(X, params["w"], params["b"], y, loss=loss)
        params = gradient_step(params, {"w": dw, "b": db}, lr)  # STEP
        history.append(loss_fn(neuron_forward(X, params["w"], params["b"]),
                               y))
    return params, history
"""


def loop(**replace):
    body = LOOP
    for old, new in replace.items():
        old = {"step": 'params = gradient_step(params, {"w": dw, "b": db}, '
                       'lr)  # STEP',
               "grad": 'dw, db = neuron_backward(X, params["w"], '
                       'params["b"], y, loss=loss)',
               "start": 'params = {"w": np.zeros(X.shape[1]), "b": 0.0}',
               "lossfn": 'loss_fn = {"bce": bce, "mse": mse}[loss]'}[old]
        assert old in body, old
        body = body.replace(old, new)
    return train(body)


WRONG = [
    # gradient_step
    Variant("step up the gradient",
            step("    return {k: params[k] + lr * grads[k] for k in params}"),
            fails={STEP}, says=r"sign"),
    Variant("step ignores the learning rate",
            step("    return {k: params[k] - grads[k] for k in params}"),
            fails={STEP}, says=r"the learning rate missing"),
    Variant("step returns −lr·g only",
            step("    return {k: -lr * grads[k] for k in params}"),
            fails={STEP}, says=r"parameter itself"),
    Variant("step modifies params in place and returns it",
            step("    for k in params:\n"
                 "        params[k] -= lr * grads[k]\n"
                 "    return params"),
            fails={NO_MUT}, passes={STEP}, says=r"in place"),
    Variant("step copies the dict, then -= on the shared arrays",
            step("    new = dict(params)\n"
                 "    for k in new:\n"
                 "        new[k] -= lr * grads[k]\n"
                 "    return new"),
            fails={NO_MUT}, passes={STEP}, says=r"in place"),
    Variant("step with np.subtract(out=p) on the caller's arrays",
            step("    out = {}\n"
                 "    for k, p in params.items():\n"
                 "        if isinstance(p, np.ndarray):\n"
                 "            out[k] = np.subtract(p, lr * grads[k], out=p)\n"
                 "        else:\n"
                 "            out[k] = p - lr * grads[k]\n"
                 "    return out"),
            fails={NO_MUT}, passes={STEP}, says=r"in place"),
    Variant("step hard-codes the keys w and b",
            step("    return {'w': params['w'] - lr * grads['w'],\n"
                 "            'b': params['b'] - lr * grads['b']}"),
            fails={STEP}, says=r"KeyError"),
    Variant("step updates the weights and drops the biases",
            step("    return {k: params[k] - lr * grads[k] for k in params\n"
                 "            if not k.startswith('b')}"),
            fails={STEP}, says=r"keys"),
    Variant("step turns the number b into an array of shape (1,)",
            step("    return {k: np.atleast_1d(params[k] - lr * grads[k])\n"
                 "            for k in params}"),
            fails={STEP}, says=r"shape"),
    Variant("step returns a list of the new values",
            step("    return [params[k] - lr * grads[k] for k in params]"),
            fails={STEP}, says=r"expected a new dict"),
    Variant("step returns params unchanged",
            step("    return dict(params)"),
            fails={STEP}, says=r"did not move"),
    # train_neuron (with a right gradient_step)
    Variant("history misses the loss at the start",
            train("""\
    params = {"w": np.zeros(X.shape[1]), "b": 0.0}
    history = []
    for _ in range(epochs):
        dw, db = neuron_backward(X, params["w"], params["b"], y, loss=loss)
        params = gradient_step(params, {"w": dw, "b": db}, lr)
        f = bce if loss == "bce" else mse
        history.append(f(neuron_forward(X, params["w"], params["b"]), y))
    return params, history
"""),
            fails={TRAIN}, says=r"shape \(1,\).*expected \(2,\)|missing"),
    Variant("history misses the loss after the last step",
            train("""\
    f = bce if loss == "bce" else mse
    params = {"w": np.zeros(X.shape[1]), "b": 0.0}
    history = []
    for _ in range(epochs):
        history.append(f(neuron_forward(X, params["w"], params["b"]), y))
        dw, db = neuron_backward(X, params["w"], params["b"], y, loss=loss)
        params = gradient_step(params, {"w": dw, "b": db}, lr)
    return params, history
"""),
            fails={TRAIN}, says=r"missing"),
    Variant("history recorded after each step, one step too many",
            train("""\
    f = bce if loss == "bce" else mse
    params = {"w": np.zeros(X.shape[1]), "b": 0.0}
    history = []
    for _ in range(epochs + 1):
        dw, db = neuron_backward(X, params["w"], params["b"], y, loss=loss)
        params = gradient_step(params, {"w": dw, "b": db}, lr)
        history.append(f(neuron_forward(X, params["w"], params["b"]), y))
    return params, history
"""),
            fails={TRAIN}, says=r"before the first step"),
    Variant("starts from random weights",
            loop(start='params = {"w": np.random.default_rng(1).normal('
                       'size=X.shape[1]), "b": 0.1}'),
            fails={TRAIN}, says=r"start, w = 0 and b = 0"),
    Variant("ignores the loss argument (always BCE)",
            loop(lossfn="loss_fn = bce; loss = 'bce'"),
            fails={TRAIN}, says=r"loss argument"),
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
    Variant("returns (history, params)",
            train(LOOP.replace("return params, history",
                               "return history, params")),
            fails={TRAIN}, says=r"\(params, history\), in that order"),
    Variant("right loop, wrong gradient_step: the message blames it",
            step("    return {k: params[k] + lr * grads[k] for k in params}"),
            fails={STEP, TRAIN}, passes={LR},
            says=r"fix `gradient_step` first"),
    Variant("a broken train_neuron does not cost the lr_choice point",
            loop(step="pass"), fails={TRAIN}, passes={STEP, NO_MUT, LR}),
    # lr_choice
    Variant("learning rate far too small", lr_choice("1e-4"),
            fails={LR}, says=r"too small"),
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
    Variant("step in a loop",
            step("    new = {}\n"
                 "    for key, value in params.items():\n"
                 "        new[key] = value - lr * grads[key]\n"
                 "    return new")),
    Variant("step: deep copy, then in-place updates of the copy",
            step("    import copy\n"
                 "    new = copy.deepcopy(params)\n"
                 "    for key in new:\n"
                 "        new[key] -= lr * grads[key]\n"
                 "    return new")),
    Variant("step over the keys of grads, with np.subtract",
            step("    return {k: np.subtract(params[k], lr * g)\n"
                 "            for k, g in grads.items()}")),
    Variant("step giving 0-d arrays for numbers",
            step("    return {k: np.asarray(params[k], dtype=float)\n"
                 "            - lr * np.asarray(grads[k], dtype=float)\n"
                 "            for k in params}")),
    Variant("step with copies and in-place -= on them",
            step("    out = {}\n"
                 "    for k in params:\n"
                 "        p = np.array(params[k], dtype=float)\n"
                 "        p -= lr * np.asarray(grads[k])\n"
                 "        out[k] = p if p.ndim else float(p)\n"
                 "    return out")),
    Variant("train with its own arrays, updated in place",
            train("""\
    w, b = np.zeros(X.shape[1]), 0.0
    f = bce if loss == "bce" else mse
    history = [f(neuron_forward(X, w, b), y)]
    for _ in range(epochs):
        dw, db = neuron_backward(X, w, b, y, loss=loss)
        w -= lr * dw
        b -= lr * db
        history.append(f(neuron_forward(X, w, b), y))
    return {"w": w, "b": b}, history
""")),
    Variant("train with a preallocated history array of 0-d losses",
            train("""\
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
""")),
    Variant("train with its own BCE from the scores, and a list result",
            train("""\
    def cost(w, b):
        z = X @ w + b
        if loss == "bce":
            return float(np.mean(np.logaddexp(0.0, z) - y * z))
        return float(np.mean((sigmoid(z) - y) ** 2))

    params = {"w": np.zeros(X.shape[1]), "b": 0.0}
    history = [cost(params["w"], params["b"])]
    for _ in range(epochs):
        grads = dict(zip("wb", neuron_backward(X, params["w"], params["b"],
                                               y, loss)))
        params = gradient_step(params, grads, lr)
        history.append(cost(params["w"], params["b"]))
    return [params, history]
""")),
    Variant("train with BCE clipped at 1e-7",
            loop(lossfn='loss_fn = {"bce": lambda p, t: bce(p, t, eps=1e-7),'
                        ' "mse": mse}[loss]')),
    Variant("lr_choice at the low end", lr_choice("0.05")),
    Variant("lr_choice at the high end", lr_choice("1")),
    Variant("lr_choice as a NumPy number", lr_choice("np.float64(0.3)")),
    Variant("lr_choice as a 0-d array", lr_choice("np.array(0.5)")),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
