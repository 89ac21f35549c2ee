"""Lesson 05's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with a dense layer, a
network's forward pass and backpropagation through it; right variants are
the many ways to be correct (other cache layouts, caches that cannot cross
the sandbox as data, recomputation, einsum, loops) that naive tests wrongly
reject.
"""

from grading_harness import Variant, lesson_tests

LESSON = "05-multilayer-backprop"
DF, MF, DB = "test_dense_forward", "test_mlp_forward", "test_dense_backward"
BCE, MSE, DEPTHS = ("test_mlp_backward_bce", "test_mlp_backward_mse",
                    "test_mlp_backward_depths")
BACKWARD = {BCE, MSE, DEPTHS}


def dfwd(body):
    return {"dense_forward": "import numpy as np\n\n"
            "def dense_forward(X, W, b):\n" + body}


def dback(body):
    return {"dense_backward": "import numpy as np\n\n"
            "def dense_backward(dZ, X, W):\n" + body}


def mfwd(body):
    return {"mlp_forward": "import numpy as np\n\n"
            "def mlp_forward(X, params):\n" + body}


def mback(body):
    return {"mlp_backward": "import numpy as np\n\n"
            "def mlp_backward(y, cache, params, loss='bce'):\n" + body}


def forward_loop(last="sigmoid(Z)", hidden="sigmoid(Z)"):
    """An mlp_forward caching [X, A1, ..., AL], with the given
    activations."""
    return mfwd("    A = X\n"
                "    cache = [X]\n"
                "    count = len(params) // 2\n"
                "    for l in range(1, count + 1):\n"
                "        Z = dense_forward(A, params[f'W{l}'], "
                "params[f'b{l}'])\n"
                f"        A = {last} if l == count else {hidden}\n"
                "        cache.append(A)\n"
                "    return A, cache")


def backward_with(start_bce="(y_hat - y) / y.size",
                  start_mse="2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)",
                  step="dA * A_prev * (1 - A_prev)",
                  layer="dense_backward(dZ, A_prev, params[f'W{l}'])",
                  key_w="f'W{l}'", key_b="f'b{l}'",
                  count="len(params) // 2"):
    """The solution's mlp_backward, with one part replaced."""
    return mback("    y_hat = cache[-1]\n"
                 "    if loss == 'bce':\n"
                 f"        dZ = {start_bce}\n"
                 "    else:\n"
                 f"        dZ = {start_mse}\n"
                 "    grads = {}\n"
                 f"    for l in range({count}, 0, -1):\n"
                 "        A_prev = cache[l - 1]\n"
                 f"        dA, dW, db = {layer}\n"
                 f"        grads[{key_w}], grads[{key_b}] = dW, db\n"
                 f"        dZ = {step}\n"
                 "    return grads")


WRONG = [
    # dense_forward
    Variant("dense_forward without the bias", dfwd("    return X @ W"),
            fails={DF}, says=r"bias b missing"),
    Variant("dense_forward subtracts the bias", dfwd("    return X @ W - b"),
            fails={DF}, says=r"subtracted"),
    Variant("dense_forward adds b as a column",
            dfwd("    return X @ W + b[:, None]"),
            fails={DF}, says=r"shape|per sample"),
    Variant("dense_forward as W @ X",
            dfwd("    return W @ X + b"), fails={DF}, says=r"raised"),
    Variant("dense_forward transposes W",
            dfwd("    return X @ W.T + b"), fails={DF}, says=r"raised"),
    # mlp_forward
    Variant("no sigmoid on the output layer",
            forward_loop(last="Z"), fails={MF} | BACKWARD,
            says=r"σ missing on the output layer.*fix `mlp_forward` first"),
    Variant("no sigmoid on the hidden layers",
            forward_loop(hidden="Z"), fails={MF}, says=r"hidden layers"),
    Variant("mlp_forward hard-coded for two layers",
            mfwd("    A1 = sigmoid(X @ params['W1'] + params['b1'])\n"
                 "    A2 = sigmoid(A1 @ params['W2'] + params['b2'])\n"
                 "    return A2, [X, A1, A2]"),
            fails={MF, DEPTHS}, passes={BCE, MSE, DF, DB},
            says=r"number of layers comes from params"),
    Variant("mlp_forward returns y_hat only",
            mfwd("    A = X\n"
                 "    for l in range(1, len(params) // 2 + 1):\n"
                 "        A = sigmoid(A @ params[f'W{l}'] + params[f'b{l}'])\n"
                 "    return A"),
            fails={MF} | BACKWARD, says=r"tuple \(y_hat, cache\)"),
    Variant("mlp_forward stores its cache in params",
            mfwd("    A = X\n"
                 "    count = len(params) // 2\n"
                 "    params['A0'] = X\n"
                 "    for l in range(1, count + 1):\n"
                 "        A = sigmoid(A @ params[f'W{l}'] + params[f'b{l}'])\n"
                 "        params[f'A{l}'] = A\n"
                 "    return A, None"),
            fails={MF}, says=r"in place"),
    # dense_backward
    Variant("dW as X @ dZ", dback("    return dZ @ W.T, X @ dZ, "
                                  "dZ.sum(axis=0)"),
            fails={DB}, says=r"raised|transpose"),
    Variant("dW transposed: dZ.T @ X",
            dback("    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)"),
            fails={DB}, says=r"transposed"),
    Variant("dX without the transpose: dZ @ W",
            dback("    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)"),
            fails={DB}, says=r"raised|transpose"),
    Variant("db as a mean",
            dback("    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)"),
            fails={DB}, says=r"db sums dZ over the samples"),
    Variant("db over the wrong axis",
            dback("    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)"),
            fails={DB}, says=r"shape"),
    Variant("db of shape (1, fan_out)",
            dback("    return dZ @ W.T, X.T @ dZ, "
                  "dZ.sum(axis=0, keepdims=True)"),
            fails={DB}, says=r"extra or missing axis"),
    Variant("dense_backward divides by n",
            dback("    n = len(X)\n"
                  "    return dZ @ W.T / n, X.T @ dZ / n, dZ.sum(axis=0) / n"),
            fails={DB}, says=r"factor of about 1/n"),
    Variant("dense_backward sign error",
            dback("    return -(dZ @ W.T), -(X.T @ dZ), -dZ.sum(axis=0)"),
            fails={DB}, says=r"opposite sign"),
    Variant("dense_backward in another order",
            dback("    return X.T @ dZ, dZ.sum(axis=0), dZ @ W.T"),
            fails={DB}, says=r"shape"),
    Variant("dense_backward returns dW and db only",
            dback("    return X.T @ dZ, dZ.sum(axis=0)"),
            fails={DB}, says=r"tuple \(dX, dW, db\)"),
    Variant("right mlp_backward, dense_backward with 1/n: blamed",
            dback("    n = len(X)\n"
                  "    return dZ @ W.T, X.T @ dZ / n, dZ.sum(axis=0) / n"),
            fails={DB, BCE, MSE}, says=r"fix `dense_backward` first"),
    # mlp_backward
    Variant("activation derivative missing on the hidden layers",
            backward_with(step="dA"), fails=BACKWARD, passes={MF, DB},
            says=r"last layer's gradients are right"),
    Variant("mse without the output sigmoid's slope",
            backward_with(start_mse="2 * (y_hat - y) / y.size"),
            fails={MSE}, passes={BCE}, says=r"Start at the output layer"),
    Variant("bce with the sigmoid's slope multiplied in again",
            backward_with(start_bce="(y_hat - y) / y.size * y_hat * "
                                    "(1 - y_hat)"),
            fails={BCE}, passes={MSE}, says=r"Start at the output layer"),
    Variant("loss ignored: always mse",
            backward_with(start_bce="2 * (y_hat - y) / y.size * y_hat * "
                                    "(1 - y_hat)"),
            fails={BCE}, passes={MSE}, says=r"loss argument ignored"),
    Variant("loss ignored: always bce",
            backward_with(start_mse="(y_hat - y) / y.size"),
            fails={MSE}, passes={BCE}, says=r"loss argument ignored"),
    Variant("1/n never applied",
            backward_with(start_bce="y_hat - y",
                          start_mse="2 * (y_hat - y) * y_hat * (1 - y_hat)"),
            fails=BACKWARD, says=r"factor of about n"),
    Variant("1/n applied twice",
            backward_with(start_bce="(y_hat - y) / y.size / y.size",
                          start_mse="2 * (y_hat - y) / y.size ** 2 * y_hat"
                                    " * (1 - y_hat)"),
            fails=BACKWARD, says=r"factor of about 1/n"),
    Variant("mean over the samples only, not all elements",
            backward_with(start_bce="(y_hat - y) / len(y)",
                          start_mse="2 * (y_hat - y) / len(y) * y_hat * "
                                    "(1 - y_hat)"),
            fails={BCE, MSE}, says=r"mean over the samples only"),
    Variant("mse without the 2",
            backward_with(start_mse="(y_hat - y) / y.size * y_hat * "
                                    "(1 - y_hat)"),
            fails={MSE}, passes={BCE}, says=r"factor of about 1/2"),
    Variant("sign error: y − ŷ",
            backward_with(start_bce="(y - y_hat) / y.size",
                          start_mse="2 * (y - y_hat) / y.size * y_hat * "
                                    "(1 - y_hat)"),
            fails=BACKWARD, says=r"opposite sign"),
    Variant("mlp_backward hard-coded for two layers",
            mback("    X, A1, y_hat = cache[0], cache[1], cache[-1]\n"
                  "    if loss == 'bce':\n"
                  "        dZ2 = (y_hat - y) / y.size\n"
                  "    else:\n"
                  "        dZ2 = 2 * (y_hat - y) / y.size * y_hat * "
                  "(1 - y_hat)\n"
                  "    dZ1 = dZ2 @ params['W2'].T * A1 * (1 - A1)\n"
                  "    return {'W1': X.T @ dZ1, 'b1': dZ1.sum(axis=0),\n"
                  "            'W2': A1.T @ dZ2, 'b2': dZ2.sum(axis=0)}"),
            fails={DEPTHS}, passes={BCE, MSE, MF, DB},
            says=r"number of layers comes from params"),
    Variant("works only for square matrices: dA = dZ @ W",
            backward_with(layer="(dZ @ params[f'W{l}'], A_prev.T @ dZ, "
                                "dZ.sum(axis=0))"),
            fails=BACKWARD, says=r"raised"),
    Variant("dW transposed inside mlp_backward",
            backward_with(layer="(dZ @ params[f'W{l}'].T, dZ.T @ A_prev, "
                                "dZ.sum(axis=0))"),
            fails=BACKWARD, says=r"transposed"),
    Variant("db of shape (1, fan_out) inside mlp_backward",
            backward_with(layer="(dZ @ params[f'W{l}'].T, A_prev.T @ dZ, "
                                "dZ.sum(axis=0, keepdims=True))"),
            fails=BACKWARD, says=r"extra or missing axis"),
    Variant("slope taken from the layer's own output, not its input",
            backward_with(step="dA * cache[l] * (1 - cache[l])"),
            fails=BACKWARD),
    Variant("grads keyed dW1, db1",
            backward_with(key_w="f'dW{l}'", key_b="f'db{l}'"),
            fails=BACKWARD, says=r"keys"),
    Variant("gradients of the weights only",
            mback("    y_hat = cache[-1]\n"
                  "    dZ = (y_hat - y) / y.size if loss == 'bce' else "
                  "2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)\n"
                  "    grads = {}\n"
                  "    for l in range(len(params) // 2, 0, -1):\n"
                  "        A_prev = cache[l - 1]\n"
                  "        dA, grads[f'W{l}'], _ = dense_backward(\n"
                  "            dZ, A_prev, params[f'W{l}'])\n"
                  "        dZ = dA * A_prev * (1 - A_prev)\n"
                  "    return grads"),
            fails=BACKWARD, says=r"keys"),
    Variant("grads as a list",
            mback("    y_hat = cache[-1]\n"
                  "    dZ = (y_hat - y) / y.size if loss == 'bce' else "
                  "2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)\n"
                  "    out = []\n"
                  "    for l in range(len(params) // 2, 0, -1):\n"
                  "        A_prev = cache[l - 1]\n"
                  "        dA, dW, db = dense_backward(dZ, A_prev, "
                  "params[f'W{l}'])\n"
                  "        out = [dW, db] + out\n"
                  "        dZ = dA * A_prev * (1 - A_prev)\n"
                  "    return out"),
            fails=BACKWARD, says=r"expected a dict"),
    Variant("changes the cache in place",
            mback("    y_hat = cache[-1].copy()\n"
                  "    dZ = cache[-1]\n"
                  "    dZ -= y\n"
                  "    dZ /= y.size\n"
                  "    if loss == 'mse':\n"
                  "        dZ *= 2 * y_hat * (1 - y_hat)\n"
                  "    grads = {}\n"
                  "    for l in range(len(params) // 2, 0, -1):\n"
                  "        A_prev = cache[l - 1]\n"
                  "        dA, grads[f'W{l}'], grads[f'b{l}'] = "
                  "dense_backward(\n"
                  "            dZ, A_prev, params[f'W{l}'])\n"
                  "        dZ = dA * A_prev * (1 - A_prev)\n"
                  "    return grads"),
            fails=BACKWARD, says=r"in place"),
    Variant("writes the gradients into params",
            mback("    y_hat = cache[-1]\n"
                  "    dZ = (y_hat - y) / y.size if loss == 'bce' else "
                  "2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)\n"
                  "    grads = params\n"
                  "    for l in range(len(params) // 2, 0, -1):\n"
                  "        A_prev = cache[l - 1]\n"
                  "        dA, dW, db = dense_backward(dZ, A_prev, "
                  "params[f'W{l}'])\n"
                  "        dZ = dA * A_prev * (1 - A_prev)\n"
                  "        grads[f'W{l}'], grads[f'b{l}'] = dW, db\n"
                  "    return grads"),
            fails=BACKWARD, says=r"in place"),
    Variant("hard-coded zeros",
            mback("    return {k: np.zeros_like(v) for k, v in "
                  "params.items()}"),
            fails=BACKWARD),
]

# An mlp_forward / mlp_backward pair caching (A_prev, Z) per layer as a
# list of tuples, and the slope from Z with sigmoid_grad.
TUPLES = {
    **mfwd("    cache, A = [], X\n"
           "    for l in range(1, len(params) // 2 + 1):\n"
           "        Z = dense_forward(A, params[f'W{l}'], params[f'b{l}'])\n"
           "        cache.append((A, Z))\n"
           "        A = sigmoid(Z)\n"
           "    return A, cache"),
    **mback("    grads = {}\n"
            "    A_prev, Z = cache[-1]\n"
            "    y_hat = sigmoid(Z)\n"
            "    if loss == 'bce':\n"
            "        dA = (y_hat - y) / (y_hat * (1 - y_hat)) / y.size\n"
            "    else:\n"
            "        dA = 2 * (y_hat - y) / y.size\n"
            "    for l in range(len(cache), 0, -1):\n"
            "        A_prev, Z = cache[l - 1]\n"
            "        dZ = dA * sigmoid_grad(Z)\n"
            "        dA, grads[f'W{l}'], grads[f'b{l}'] = dense_backward(\n"
            "            dZ, A_prev, params[f'W{l}'])\n"
            "    return grads"),
}

# A cache that is a dict with integer keys: it cannot cross the sandbox as
# data, so the grader only holds a handle to it.
INT_KEYS = {
    **mfwd("    cache = {0: X}\n"
           "    l = 1\n"
           "    while f'W{l}' in params:\n"
           "        cache[l] = sigmoid(cache[l - 1] @ params[f'W{l}'] "
           "+ params[f'b{l}'])\n"
           "        l += 1\n"
           "    return cache[l - 1], cache"),
    **mback("    count = max(cache)\n"
            "    y_hat = cache[count]\n"
            "    delta = y_hat - y if loss == 'bce' else "
            "2 * (y_hat - y) * y_hat * (1 - y_hat)\n"
            "    delta = delta / y.size\n"
            "    grads = {}\n"
            "    for l in range(count, 0, -1):\n"
            "        A = cache[l - 1]\n"
            "        grads[f'b{l}'] = np.einsum('ij->j', delta)\n"
            "        grads[f'W{l}'] = np.einsum('ij,ik->jk', A, delta)\n"
            "        delta = np.einsum('ik,jk->ij', delta, params[f'W{l}'])"
            " * A * (1 - A)\n"
            "    return grads"),
}

# A learner's own class as the cache: also a handle in the grader.
CLASS_CACHE = {
    **mfwd("    class Tape:\n"
           "        def __init__(self):\n"
           "            self.inputs, self.outputs = [], []\n"
           "    tape = Tape()\n"
           "    A = X\n"
           "    names = sorted((k for k in params if k.startswith('W')),\n"
           "                   key=lambda k: int(k[1:]))\n"
           "    for name in names:\n"
           "        tape.inputs.append(A)\n"
           "        A = sigmoid(dense_forward(A, params[name], "
           "params['b' + name[1:]]))\n"
           "        tape.outputs.append(A)\n"
           "    return A, tape"),
    **mback("    y_hat = cache.outputs[-1]\n"
            "    n = y.size\n"
            "    if loss == 'mse':\n"
            "        dZ = 2.0 / n * (y_hat - y) * y_hat * (1.0 - y_hat)\n"
            "    else:\n"
            "        dZ = 1.0 / n * (y_hat - y)\n"
            "    grads = {}\n"
            "    for i in reversed(range(len(cache.inputs))):\n"
            "        A_prev = cache.inputs[i]\n"
            "        dX, dW, db = dense_backward(dZ, A_prev, "
            "params[f'W{i + 1}'])\n"
            "        grads[f'W{i + 1}'], grads[f'b{i + 1}'] = dW, db\n"
            "        dZ = dX * A_prev * (1.0 - A_prev)\n"
            "    return grads"),
}

# No cache to speak of: mlp_backward recomputes the forward pass.
RECOMPUTE = {
    **mfwd("    A = X\n"
           "    for l in range(1, len(params) // 2 + 1):\n"
           "        A = sigmoid(A @ params[f'W{l}'] + params[f'b{l}'])\n"
           "    return A, {'X': X.copy()}"),
    **mback("    X = cache['X']\n"
            "    count = len(params) // 2\n"
            "    outputs = [X]\n"
            "    for l in range(1, count + 1):\n"
            "        outputs.append(sigmoid(outputs[-1] @ params[f'W{l}'] "
            "+ params[f'b{l}']))\n"
            "    y_hat = outputs[-1]\n"
            "    eps = 1e-7\n"
            "    p = np.clip(y_hat, eps, 1 - eps)\n"
            "    if loss == 'bce':\n"
            "        dA = (p - y) / (p * (1 - p)) / y.size\n"
            "    else:\n"
            "        dA = 2 * (y_hat - y) / y.size\n"
            "    grads = {}\n"
            "    for l in range(count, 0, -1):\n"
            "        A = outputs[l]\n"
            "        dZ = dA * A * (1 - A)\n"
            "        grads[f'W{l}'] = outputs[l - 1].T @ dZ\n"
            "        grads[f'b{l}'] = np.sum(dZ, axis=0)\n"
            "        dA = dZ @ params[f'W{l}'].T\n"
            "    return grads"),
}

# A dict cache of every Z and A, read with string keys.
DICT_CACHE = {
    **mfwd("    cache = {'A0': X}\n"
           "    count = sum(1 for k in params if k[0] == 'W')\n"
           "    for l in range(1, count + 1):\n"
           "        cache[f'Z{l}'] = np.dot(cache[f'A{l - 1}'], "
           "params[f'W{l}']) + params[f'b{l}']\n"
           "        cache[f'A{l}'] = sigmoid(cache[f'Z{l}'])\n"
           "    cache['L'] = count\n"
           "    return cache[f'A{count}'], cache"),
    **mback("    count = cache['L']\n"
            "    y_hat = cache[f'A{count}']\n"
            "    dZ = (y_hat - y) / np.size(y)\n"
            "    if loss == 'mse':\n"
            "        dZ = 2 * dZ * sigmoid_grad(cache[f'Z{count}'])\n"
            "    grads = {}\n"
            "    for l in reversed(range(1, count + 1)):\n"
            "        grads[f'W{l}'] = np.dot(cache[f'A{l - 1}'].T, dZ)\n"
            "        grads[f'b{l}'] = dZ.sum(0)\n"
            "        if l > 1:\n"
            "            dZ = np.dot(dZ, params[f'W{l}'].T) * "
            "sigmoid_grad(cache[f'Z{l - 1}'])\n"
            "    return grads"),
}

RIGHT = [
    Variant("solution as written"),
    Variant("dense_forward with np.dot", dfwd("    return np.dot(X, W) + b")),
    Variant("dense_forward with einsum",
            dfwd("    return np.einsum('ij,jk->ik', X, W) + b")),
    Variant("dense_forward with loops",
            dfwd("    n, fan_out = X.shape[0], W.shape[1]\n"
                 "    Z = np.zeros((n, fan_out))\n"
                 "    for i in range(n):\n"
                 "        for k in range(fan_out):\n"
                 "            Z[i, k] = b[k] + sum(X[i, j] * W[j, k]\n"
                 "                                 for j in range(W.shape[0]))"
                 "\n    return Z")),
    Variant("dense_forward with b reshaped to a row",
            dfwd("    return X @ W + b.reshape(1, -1)")),
    Variant("dense_backward with einsum, returned as a list",
            dback("    return [np.einsum('ik,jk->ij', dZ, W),\n"
                  "            np.einsum('ij,ik->jk', X, dZ),\n"
                  "            np.einsum('ik->k', dZ)]")),
    Variant("dense_backward with ones @ dZ and W @ dZ.T transposed",
            dback("    return (W @ dZ.T).T, np.dot(X.T, dZ), "
                  "np.ones(len(dZ)) @ dZ")),
    Variant("cache of (A_prev, Z) tuples, slope from Z", TUPLES),
    Variant("cache a dict with integer keys (a handle), einsum", INT_KEYS),
    Variant("cache a learner's class (a handle), sorted keys", CLASS_CACHE),
    Variant("no cache: recomputed, via ∂L/∂ŷ with clipping", RECOMPUTE),
    Variant("cache a dict of every Z and A", DICT_CACHE),
    Variant("mlp_forward with its own inline sigmoid",
            mfwd("    A = X\n"
                 "    cache = [A]\n"
                 "    for l in range(1, len(params) // 2 + 1):\n"
                 "        Z = A @ params[f'W{l}'] + params[f'b{l}']\n"
                 "        A = 0.5 * (1 + np.tanh(Z / 2))\n"
                 "        cache.append(A)\n"
                 "    return A, cache")),
    Variant("mlp_backward stops before the input layer's slope",
            mback("    y_hat = cache[-1]\n"
                  "    diff = y_hat - y\n"
                  "    dZ = diff / y.size if loss == 'bce' else "
                  "2 * diff * y_hat * (1 - y_hat) / y.size\n"
                  "    grads = {}\n"
                  "    l = len(cache) - 1\n"
                  "    while l >= 1:\n"
                  "        W = params['W' + str(l)]\n"
                  "        grads['W' + str(l)] = cache[l - 1].T @ dZ\n"
                  "        grads['b' + str(l)] = dZ.sum(axis=0)\n"
                  "        if l > 1:\n"
                  "            A = cache[l - 1]\n"
                  "            dZ = (dZ @ W.T) * (A - A * A)\n"
                  "        l -= 1\n"
                  "    return {k: grads[k] for k in sorted(grads)}")),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
