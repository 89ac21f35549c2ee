"""Lesson 05's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with a dense layer, a
network's forward pass and backpropagation through it, gradients found by
finite differences instead of backpropagation (among them the routines
the old visible checks showed), and slips that must cost only their own
test's points; right variants are the many ways to be correct (other
cache layouts, caches that cannot cross the sandbox as data,
recomputation, einsum, loops, an eps in the loss's derivative) that naive
tests wrongly reject.
"""

from grading_harness import Variant, lesson_tests, points

LESSON = "05-multilayer-backprop"
DF, DF_U = "test_dense_forward", "test_dense_forward_unchanged"
MF, MF_D, MF_U = ("test_mlp_forward", "test_mlp_forward_depths",
                  "test_mlp_forward_unchanged")
DB, DB_U = "test_dense_backward", "test_dense_backward_unchanged"
BCE, MSE, MB_D, MB_U = ("test_mlp_backward_bce", "test_mlp_backward_mse",
                        "test_mlp_backward_depths",
                        "test_mlp_backward_unchanged")
BACKWARD = {BCE, MSE, MB_D}
POINTS = points(LESSON)


def lost(*tests):
    """The points of ``tests``: what a slip there must cost."""
    return sum(POINTS[t] for t in tests)


# The solution's mlp_backward with one part changed, as a learner would
# write it: each variant below is the whole function.
SOLUTION_BACKWARD = """
    def mlp_backward(y, cache, params, loss="bce"):
        y_hat = cache[-1]
        if loss == "bce":
            dZ = (y_hat - y) / y.size
        else:
            dZ = 2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)
        grads = {}
        for layer in range(len(params) // 2, 0, -1):
            A_prev = cache[layer - 1]
            dA, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(
                dZ, A_prev, params[f"W{layer}"])
            dZ = dA * A_prev * (1 - A_prev)
        return grads
"""


def backward(old, new, count=1):
    """The solution's mlp_backward with ``old`` replaced by ``new``."""
    assert SOLUTION_BACKWARD.count(old) == count, old
    return {"mlp_backward": SOLUTION_BACKWARD.replace(old, new)}


BCE_START = "dZ = (y_hat - y) / y.size\n"
MSE_START = "dZ = 2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)\n"
STEP = "dZ = dA * A_prev * (1 - A_prev)\n"
LAYER = """dA, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(
                dZ, A_prev, params[f"W{layer}"])"""


def starts(bce, mse):
    """mlp_backward with other starts at the output, for both losses."""
    code = SOLUTION_BACKWARD.replace(BCE_START, f"dZ = {bce}\n").replace(
        MSE_START, f"dZ = {mse}\n")
    return {"mlp_backward": code}


# Finite differences with the lesson's own (given) numerical_gradient: one
# dense layer, and a whole network, two forward passes per parameter.
FD_DENSE = {"dense_backward": """
    def dense_backward(dZ, X, W):
        b = np.zeros(W.shape[1])

        def loss(X, W, b):
            return np.sum(dZ * (X @ W + b))

        dX = numerical_gradient(lambda v: loss(v, W, b), X)
        dW = numerical_gradient(lambda v: loss(X, v, b), W)
        db = numerical_gradient(lambda v: loss(X, W, v), b)
        return dX, dW, db
"""}
FD_NETWORK = {"mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        X = cache[0]
        mean_loss = bce if loss == "bce" else mse
        grads = {}
        for key in params:
            def f(value, key=key):
                y_hat = mlp_forward(X, {**params, key: value})[0]
                return mean_loss(y_hat, y)

            grads[key] = numerical_gradient(f, params[key])
        return grads
"""}
# One forward pass per weight: forward differences from the loss at the
# start.
ONE_PASS = {"mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        X = cache[0]
        mean_loss = bce if loss == "bce" else mse
        start = mean_loss(cache[-1], y)
        grads = {}
        for key, value in params.items():
            grads[key] = np.zeros_like(value)
            for index in np.ndindex(value.shape):
                moved = value.copy()
                moved[index] += 1e-7
                y_hat = mlp_forward(X, {**params, key: moved})[0]
                grads[key][index] = (mean_loss(y_hat, y) - start) / 1e-7
        return grads
"""}
# The old visible check of dense_backward, pasted as the answer: central
# differences of L = Σ dZ ⊙ (X @ W + b).
OLD_DENSE_CHECK = {"dense_backward": """
    def dense_backward(dZ, X, W):
        def central(f, theta, h=1e-3):
            grad = np.zeros_like(theta)
            for idx in np.ndindex(theta.shape):
                step = np.zeros_like(theta)
                step[idx] = h
                grad[idx] = (f(theta + step) - f(theta - step)) / (2 * h)
            return grad

        b = np.zeros(W.shape[1])

        def loss(X, W, b):
            return np.sum(dZ * (np.einsum("ij,jk->ik", X, W) + b))

        return (central(lambda v: loss(v, W, b), X),
                central(lambda v: loss(X, v, b), W),
                central(lambda v: loss(X, W, v), b))
"""}
# The old visible checks of mlp_backward, pasted as the answer: the
# grader's own loss and its Richardson central differences.
OLD_NETWORK_CHECK = {"mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        X = cache[0]
        count = len(params) // 2

        def loss_at(params):
            a = X
            for layer in range(1, count + 1):
                a = np.einsum("ij,jk->ik", a, params[f"W{layer}"]) + params[
                    f"b{layer}"]
                if layer < count:
                    a = np.exp(-np.logaddexp(0.0, -a))
            if loss == "mse":
                return np.mean((np.exp(-np.logaddexp(0.0, -a)) - y) ** 2)
            return np.mean(np.logaddexp(0.0, a) - y * a)

        h = 2e-3
        grads = {}
        for key, value in params.items():
            grads[key] = np.zeros_like(value)
            for idx in np.ndindex(value.shape):
                moved = {}
                for step in (h, -h, 2 * h, -2 * h, 4 * h, -4 * h):
                    theta = value.copy()
                    theta[idx] += step
                    moved[step] = loss_at({**params, key: theta})
                d1, d2, d4 = ((moved[s] - moved[-s]) / (2 * s)
                              for s in (h, 2 * h, 4 * h))
                grads[key][idx] = (64 * d1 - 20 * d2 + d4) / 45
        return grads
"""}

WRONG = [
    # dense_forward
    Variant("dense_forward without the bias: a slip of its own test",
            {"dense_forward": """
        def dense_forward(X, W, b):
            return X @ W
    """}, fails={DF}, says=r"bias b missing", loses=lost(DF)),
    Variant("dense_forward subtracts the bias", {"dense_forward": """
        def dense_forward(X, W, b):
            return X @ W - b
    """}, fails={DF}, says=r"subtracted", loses=lost(DF)),
    Variant("dense_forward adds b as a column", {"dense_forward": """
        def dense_forward(X, W, b):
            return X @ W + b[:, None]
    """}, fails={DF}, says=r"shape|per sample", loses=lost(DF)),
    Variant("dense_forward as W @ X", {"dense_forward": """
        def dense_forward(X, W, b):
            return W @ X + b
    """}, fails={DF}, says=r"raised"),
    Variant("dense_forward transposes W", {"dense_forward": """
        def dense_forward(X, W, b):
            return X @ W.T + b
    """}, fails={DF}, says=r"raised"),
    Variant("dense_forward scales W in place: a slip of 1 point",
            {"dense_forward": """
        def dense_forward(X, W, b):
            W *= 2.0
            return X @ W / 2.0 + b
    """}, fails={DF_U}, passes={DF}, says=r"in place", loses=lost(DF_U)),
    Variant("dense_forward hard-coded", {"dense_forward": """
        def dense_forward(X, W, b):
            return np.zeros((X.shape[0], W.shape[1]))
    """}, fails={DF}, loses=lost(DF)),
    # mlp_forward
    Variant("no sigmoid on the output layer", {"mlp_forward": """
        def mlp_forward(X, params):
            A, cache = X, [X]
            count = len(params) // 2
            for layer in range(1, count + 1):
                Z = dense_forward(A, params[f"W{layer}"], params[f"b{layer}"])
                A = Z if layer == count else sigmoid(Z)
                cache.append(A)
            return A, cache
    """}, fails={MF, MF_D} | BACKWARD,
            says=r"(?=.*σ missing on the output layer)"
                 r"(?=.*fix `mlp_forward` first)"),
    Variant("no sigmoid on the hidden layers", {"mlp_forward": """
        def mlp_forward(X, params):
            A, cache = X, [X]
            count = len(params) // 2
            for layer in range(1, count + 1):
                Z = dense_forward(A, params[f"W{layer}"], params[f"b{layer}"])
                A = sigmoid(Z) if layer == count else Z
                cache.append(A)
            return A, cache
    """}, fails={MF}, says=r"hidden layers"),
    Variant("mlp_forward hard-coded for two layers", {"mlp_forward": """
        def mlp_forward(X, params):
            A1 = sigmoid(X @ params["W1"] + params["b1"])
            A2 = sigmoid(A1 @ params["W2"] + params["b2"])
            return A2, [X, A1, A2]
    """}, fails={MF_D, MB_D},
            passes={MF, MF_U, BCE, MSE, MB_U, DF, DB},
            says=r"number of layers comes from params",
            loses=lost(MF_D, MB_D)),
    Variant("mlp_forward returns y_hat only", {"mlp_forward": """
        def mlp_forward(X, params):
            A = X
            for layer in range(1, len(params) // 2 + 1):
                A = sigmoid(A @ params[f"W{layer}"] + params[f"b{layer}"])
            return A
    """}, fails={MF} | BACKWARD, passes={MF_D, MF_U},
            says=r"tuple \(y_hat, cache\)"),
    Variant("mlp_forward stores its cache in params", {"mlp_forward": """
        def mlp_forward(X, params):
            A = X
            count = len(params) // 2
            params["A0"] = X
            for layer in range(1, count + 1):
                A = sigmoid(A @ params[f"W{layer}"] + params[f"b{layer}"])
                params[f"A{layer}"] = A
            return A, None
    """}, fails={MF_U}, passes={MF, MF_D}, says=r"in place"),
    Variant("mlp_forward's own dense_forward mistake: only dense_forward "
            "pays", {"dense_forward": """
        def dense_forward(X, W, b):
            return X @ W - b
    """}, fails={DF}, passes={MF, MF_D, MF_U} | BACKWARD | {MB_U},
            loses=lost(DF)),
    # dense_backward
    Variant("dW as X @ dZ: a slip of its values test", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return dZ @ W.T, X @ dZ, dZ.sum(axis=0)
    """}, fails={DB}, passes={DB_U} | BACKWARD,
            says=r"raised|transpose", loses=lost(DB)),
    Variant("dW transposed: dZ.T @ X", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)
    """}, fails={DB}, passes={DB_U}, says=r"transposed", loses=lost(DB)),
    Variant("dX without the transpose: dZ @ W", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return dZ @ W, X.T @ dZ, dZ.sum(axis=0)
    """}, fails={DB}, passes={DB_U}, says=r"raised|transpose",
            loses=lost(DB)),
    Variant("db as a mean", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)
    """}, fails={DB}, says=r"db sums dZ over the samples", loses=lost(DB)),
    Variant("db over the wrong axis", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)
    """}, fails={DB}, says=r"shape"),
    Variant("db of shape (1, fan_out)", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0, keepdims=True)
    """}, fails={DB}, says=r"extra or missing axis"),
    Variant("dense_backward divides by n", {"dense_backward": """
        def dense_backward(dZ, X, W):
            n = len(X)
            return dZ @ W.T / n, X.T @ dZ / n, dZ.sum(axis=0) / n
    """}, fails={DB}, says=r"factor of about 1/n", loses=lost(DB)),
    Variant("dense_backward sign error", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return -(dZ @ W.T), -(X.T @ dZ), -dZ.sum(axis=0)
    """}, fails={DB}, says=r"opposite sign", loses=lost(DB)),
    Variant("dense_backward in another order", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return X.T @ dZ, dZ.sum(axis=0), dZ @ W.T
    """}, fails={DB}, says=r"shape"),
    Variant("dense_backward returns dW and db only", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return X.T @ dZ, dZ.sum(axis=0)
    """}, fails={DB}, says=r"tuple \(dX, dW, db\)"),
    Variant("dense_backward scales dZ in place: a slip of 1 point",
            {"dense_backward": """
        def dense_backward(dZ, X, W):
            dZ *= 2.0
            return dZ @ W.T / 2.0, X.T @ dZ / 2.0, dZ.sum(axis=0) / 2.0
    """}, fails={DB_U}, passes={DB}, says=r"in place", loses=lost(DB_U)),
    Variant("dense_backward hard-coded zeros", {"dense_backward": """
        def dense_backward(dZ, X, W):
            return (np.zeros_like(X), np.zeros_like(W),
                    np.zeros(W.shape[1]))
    """}, fails={DB, DB_U}, loses=lost(DB, DB_U)),
    Variant("dense_backward with 1/n: only its own points, mlp_backward "
            "graded with a correct one", {"dense_backward": """
        def dense_backward(dZ, X, W):
            n = len(X)
            return dZ @ W.T, X.T @ dZ / n, dZ.sum(axis=0) / n
    """}, fails={DB}, passes=BACKWARD | {MB_U}, loses=lost(DB)),
    # dense_backward by finite differences: 0 on its backward tests
    Variant("dense_backward by finite differences (numerical_gradient)",
            FD_DENSE, fails={DB, DB_U}, passes=BACKWARD,
            says=r"small multiple of one forward pass.*Finite differences",
            loses=lost(DB, DB_U)),
    Variant("the old visible check of dense_backward as the answer",
            OLD_DENSE_CHECK, fails={DB, DB_U},
            says=r"did not finish in time", loses=lost(DB, DB_U)),
    # mlp_backward
    Variant("activation derivative missing on the hidden layers",
            backward(STEP, "dZ = dA\n"), fails=BACKWARD, passes={MF, DB},
            says=r"last layer's gradients are right"),
    Variant("mse without the output sigmoid's slope",
            backward(MSE_START, "dZ = 2 * (y_hat - y) / y.size\n"),
            fails={MSE}, passes={BCE}, says=r"Start at the output layer"),
    Variant("bce with the sigmoid's slope multiplied in again",
            backward(BCE_START,
                     "dZ = (y_hat - y) / y.size * y_hat * (1 - y_hat)\n"),
            fails={BCE}, passes={MSE}, says=r"Start at the output layer"),
    Variant("loss ignored: always mse",
            starts("2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)",
                   "2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)"),
            fails={BCE}, passes={MSE}, says=r"loss argument ignored"),
    Variant("loss ignored: always bce",
            starts("(y_hat - y) / y.size", "(y_hat - y) / y.size"),
            fails={MSE}, passes={BCE}, says=r"loss argument ignored"),
    Variant("1/n never applied",
            starts("y_hat - y", "2 * (y_hat - y) * y_hat * (1 - y_hat)"),
            fails=BACKWARD, says=r"factor of about n"),
    Variant("1/n applied twice",
            starts("(y_hat - y) / y.size / y.size",
                   "2 * (y_hat - y) / y.size ** 2 * y_hat * (1 - y_hat)"),
            fails=BACKWARD, says=r"factor of about 1/n"),
    Variant("mean over the samples only, not all elements",
            starts("(y_hat - y) / len(y)",
                   "2 * (y_hat - y) / len(y) * y_hat * (1 - y_hat)"),
            fails={BCE, MSE}, says=r"mean over the samples only"),
    Variant("mse without the 2",
            backward(MSE_START,
                     "dZ = (y_hat - y) / y.size * y_hat * (1 - y_hat)\n"),
            fails={MSE}, passes={BCE}, says=r"factor of about 1/2"),
    Variant("sign error: y − ŷ",
            starts("(y - y_hat) / y.size",
                   "2 * (y - y_hat) / y.size * y_hat * (1 - y_hat)"),
            fails=BACKWARD, says=r"opposite sign"),
    Variant("mlp_backward hard-coded for two layers", {"mlp_backward": """
        def mlp_backward(y, cache, params, loss="bce"):
            X, A1, y_hat = cache[0], cache[1], cache[-1]
            if loss == "bce":
                dZ2 = (y_hat - y) / y.size
            else:
                dZ2 = 2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)
            dZ1 = dZ2 @ params["W2"].T * A1 * (1 - A1)
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0),
                    "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}
    """}, fails={MB_D}, passes={BCE, MSE, MB_U, MF, DB},
            says=r"number of layers comes from params", loses=lost(MB_D)),
    Variant("works only for square matrices: dA = dZ @ W",
            backward(LAYER, """dA = dZ @ params[f"W{layer}"]
            grads[f"W{layer}"] = A_prev.T @ dZ
            grads[f"b{layer}"] = dZ.sum(axis=0)"""),
            fails=BACKWARD, says=r"raised"),
    Variant("dW transposed inside mlp_backward",
            backward(LAYER, """dA = dZ @ params[f"W{layer}"].T
            grads[f"W{layer}"] = dZ.T @ A_prev
            grads[f"b{layer}"] = dZ.sum(axis=0)"""),
            fails=BACKWARD, says=r"transposed"),
    Variant("db of shape (1, fan_out) inside mlp_backward",
            backward(LAYER, """dA = dZ @ params[f"W{layer}"].T
            grads[f"W{layer}"] = A_prev.T @ dZ
            grads[f"b{layer}"] = dZ.sum(axis=0, keepdims=True)"""),
            fails=BACKWARD, says=r"extra or missing axis"),
    Variant("slope taken from the layer's own output, not its input",
            backward(STEP, "dZ = dA * cache[layer] * (1 - cache[layer])\n"),
            fails=BACKWARD),
    Variant("grads keyed dW1, db1",
            backward('grads[f"W{layer}"], grads[f"b{layer}"]',
                     'grads[f"dW{layer}"], grads[f"db{layer}"]'),
            fails=BACKWARD, says=r"keys"),
    Variant("gradients of the weights only",
            backward('grads[f"b{layer}"] = dense_backward', "_ = "
                     "dense_backward"),
            fails=BACKWARD, says=r"keys"),
    Variant("grads as a list", {"mlp_backward": """
        def mlp_backward(y, cache, params, loss="bce"):
            y_hat = cache[-1]
            if loss == "bce":
                dZ = (y_hat - y) / y.size
            else:
                dZ = 2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)
            out = []
            for layer in range(len(params) // 2, 0, -1):
                A_prev = cache[layer - 1]
                dA, dW, db = dense_backward(dZ, A_prev, params[f"W{layer}"])
                out = [dW, db] + out
                dZ = dA * A_prev * (1 - A_prev)
            return out
    """}, fails=BACKWARD, says=r"expected a dict"),
    Variant("changes the cache in place: a slip of 1 point",
            {"mlp_backward": """
        def mlp_backward(y, cache, params, loss="bce"):
            y_hat = cache[-1].copy()
            dZ = cache[-1]
            dZ -= y
            dZ /= y.size
            if loss == "mse":
                dZ *= 2 * y_hat * (1 - y_hat)
            grads = {}
            for layer in range(len(params) // 2, 0, -1):
                A_prev = cache[layer - 1]
                dA, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(
                    dZ, A_prev, params[f"W{layer}"])
                dZ = dA * A_prev * (1 - A_prev)
            return grads
    """}, fails={MB_U}, passes=BACKWARD, says=r"in place",
            loses=lost(MB_U)),
    Variant("writes the gradients into params: a slip of 1 point",
            backward("grads = {}\n", "grads = params  # over the weights\n"),
            fails={MB_U}, passes=BACKWARD, says=r"in place",
            loses=lost(MB_U)),
    Variant("hard-coded zeros", {"mlp_backward": """
        def mlp_backward(y, cache, params, loss="bce"):
            return {k: np.zeros_like(v) for k, v in params.items()}
    """}, fails=BACKWARD | {MB_U}, loses=lost(BCE, MSE, MB_D, MB_U)),
    # mlp_backward by finite differences: 0 on its backward tests
    Variant("mlp_backward by finite differences (numerical_gradient)",
            FD_NETWORK, fails=BACKWARD | {MB_U}, passes={MF, DB, DB_U},
            says=r"small multiple of one forward pass.*Finite differences",
            loses=lost(BCE, MSE, MB_D, MB_U)),
    Variant("mlp_backward by forward differences, one pass per weight",
            ONE_PASS, fails=BACKWARD | {MB_U},
            says=r"did not finish in time", loses=lost(BCE, MSE, MB_D, MB_U)),
    Variant("the old visible checks of mlp_backward as the answer",
            OLD_NETWORK_CHECK, fails=BACKWARD | {MB_U},
            says=r"did not finish in time", loses=lost(BCE, MSE, MB_D, MB_U)),
]

# An mlp_forward / mlp_backward pair caching (A_prev, Z) per layer as a
# list of tuples, and the slope from Z with sigmoid_grad.
TUPLES = {"mlp_forward": """
    def mlp_forward(X, params):
        cache, A = [], X
        for layer in range(1, len(params) // 2 + 1):
            Z = dense_forward(A, params[f"W{layer}"], params[f"b{layer}"])
            cache.append((A, Z))
            A = sigmoid(Z)
        return A, cache
""", "mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        grads = {}
        A_prev, Z = cache[-1]
        y_hat = sigmoid(Z)
        if loss == "bce":
            dA = (y_hat - y) / (y_hat * (1 - y_hat)) / y.size
        else:
            dA = 2 * (y_hat - y) / y.size
        for layer in range(len(cache), 0, -1):
            A_prev, Z = cache[layer - 1]
            dZ = dA * sigmoid_grad(Z)
            dA, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(
                dZ, A_prev, params[f"W{layer}"])
        return grads
"""}

# A cache that is a dict with integer keys: it cannot cross the sandbox as
# data, so the grader only holds a handle to it.
INT_KEYS = {"mlp_forward": """
    def mlp_forward(X, params):
        cache = {0: X}
        layer = 1
        while f"W{layer}" in params:
            cache[layer] = sigmoid(cache[layer - 1] @ params[f"W{layer}"]
                                   + params[f"b{layer}"])
            layer += 1
        return cache[layer - 1], cache
""", "mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        count = max(cache)
        y_hat = cache[count]
        if loss == "bce":
            delta = y_hat - y
        else:
            delta = 2 * (y_hat - y) * y_hat * (1 - y_hat)
        delta = delta / y.size
        grads = {}
        for layer in range(count, 0, -1):
            A = cache[layer - 1]
            grads[f"b{layer}"] = np.einsum("ij->j", delta)
            grads[f"W{layer}"] = np.einsum("ij,ik->jk", A, delta)
            delta = (np.einsum("ik,jk->ij", delta, params[f"W{layer}"])
                     * A * (1 - A))
        return grads
"""}

# A learner's own class as the cache: also a handle in the grader.
CLASS_CACHE = {"mlp_forward": """
    def mlp_forward(X, params):
        class Tape:
            def __init__(self):
                self.inputs, self.outputs = [], []

        tape = Tape()
        A = X
        names = sorted((k for k in params if k.startswith("W")),
                       key=lambda k: int(k[1:]))
        for name in names:
            tape.inputs.append(A)
            A = sigmoid(dense_forward(A, params[name], params["b" + name[1:]]))
            tape.outputs.append(A)
        return A, tape
""", "mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        y_hat = cache.outputs[-1]
        n = y.size
        if loss == "mse":
            dZ = 2.0 / n * (y_hat - y) * y_hat * (1.0 - y_hat)
        else:
            dZ = 1.0 / n * (y_hat - y)
        grads = {}
        for i in reversed(range(len(cache.inputs))):
            A_prev = cache.inputs[i]
            dX, dW, db = dense_backward(dZ, A_prev, params[f"W{i + 1}"])
            grads[f"W{i + 1}"], grads[f"b{i + 1}"] = dW, db
            dZ = dX * A_prev * (1.0 - A_prev)
        return grads
"""}

# No cache to speak of: mlp_backward recomputes the forward pass, and goes
# through ∂L/∂ŷ with ŷ clipped to [1e-7, 1 − 1e-7].
RECOMPUTE = {"mlp_forward": """
    def mlp_forward(X, params):
        A = X
        for layer in range(1, len(params) // 2 + 1):
            A = sigmoid(A @ params[f"W{layer}"] + params[f"b{layer}"])
        return A, {"X": X.copy()}
""", "mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        X = cache["X"]
        count = len(params) // 2
        outputs = [X]
        for layer in range(1, count + 1):
            outputs.append(sigmoid(outputs[-1] @ params[f"W{layer}"]
                                   + params[f"b{layer}"]))
        y_hat = outputs[-1]
        eps = 1e-7
        p = np.clip(y_hat, eps, 1 - eps)
        if loss == "bce":
            dA = (p - y) / (p * (1 - p)) / y.size
        else:
            dA = 2 * (y_hat - y) / y.size
        grads = {}
        for layer in range(count, 0, -1):
            A = outputs[layer]
            dZ = dA * A * (1 - A)
            grads[f"W{layer}"] = outputs[layer - 1].T @ dZ
            grads[f"b{layer}"] = np.sum(dZ, axis=0)
            dA = dZ @ params[f"W{layer}"].T
        return grads
"""}

# A dict cache of every Z and A, read with string keys.
DICT_CACHE = {"mlp_forward": """
    def mlp_forward(X, params):
        cache = {"A0": X}
        count = sum(1 for k in params if k[0] == "W")
        for layer in range(1, count + 1):
            cache[f"Z{layer}"] = (np.dot(cache[f"A{layer - 1}"],
                                         params[f"W{layer}"])
                                  + params[f"b{layer}"])
            cache[f"A{layer}"] = sigmoid(cache[f"Z{layer}"])
        cache["L"] = count
        return cache[f"A{count}"], cache
""", "mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        count = cache["L"]
        y_hat = cache[f"A{count}"]
        dZ = (y_hat - y) / np.size(y)
        if loss == "mse":
            dZ = 2 * dZ * sigmoid_grad(cache[f"Z{count}"])
        grads = {}
        for layer in reversed(range(1, count + 1)):
            grads[f"W{layer}"] = np.dot(cache[f"A{layer - 1}"].T, dZ)
            grads[f"b{layer}"] = dZ.sum(0)
            if layer > 1:
                dZ = (np.dot(dZ, params[f"W{layer}"].T)
                      * sigmoid_grad(cache[f"Z{layer - 1}"]))
        return grads
"""}

# Backpropagation written with Python loops: over the samples, one outer
# product per sample and layer (milliseconds), and over every weight, one
# dot product each (about a second on the large networks).
LOOP_SAMPLES = {"mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        y_hat = cache[-1]
        count = len(params) // 2
        grads = {key: np.zeros_like(value) for key, value in params.items()}
        for i in range(len(y)):
            if loss == "bce":
                d = (y_hat[i] - y[i]) / y.size
            else:
                d = 2 * (y_hat[i] - y[i]) / y.size * y_hat[i] * (1 - y_hat[i])
            for layer in range(count, 0, -1):
                a = cache[layer - 1][i]
                grads[f"W{layer}"] += np.outer(a, d)
                grads[f"b{layer}"] += d
                d = (params[f"W{layer}"] @ d) * a * (1 - a)
        return grads
"""}
LOOP_WEIGHTS = {"mlp_backward": """
    def mlp_backward(y, cache, params, loss="bce"):
        y_hat = cache[-1]
        if loss == "bce":
            dZ = (y_hat - y) / y.size
        else:
            dZ = 2 * (y_hat - y) / y.size * y_hat * (1 - y_hat)
        grads = {}
        for layer in range(len(params) // 2, 0, -1):
            A, W = cache[layer - 1], params[f"W{layer}"]
            dW = np.zeros_like(W)
            for j in range(W.shape[0]):
                for k in range(W.shape[1]):
                    dW[j, k] = A[:, j] @ dZ[:, k]
            db = np.array([dZ[:, k].sum() for k in range(W.shape[1])])
            dA = np.zeros_like(A)
            for i in range(A.shape[0]):
                for j in range(A.shape[1]):
                    dA[i, j] = dZ[i] @ W[j]
            grads[f"W{layer}"], grads[f"b{layer}"] = dW, db
            dZ = dA * A * (1 - A)
        return grads
"""}
# dense_backward as the index formulas, every sum a Python loop.
LOOP_DENSE = {"dense_backward": """
    def dense_backward(dZ, X, W):
        n, fan_in = X.shape
        fan_out = W.shape[1]
        dX, dW, db = np.zeros_like(X), np.zeros_like(W), np.zeros(fan_out)
        for i in range(n):
            for j in range(fan_in):
                for k in range(fan_out):
                    dW[j, k] += X[i, j] * dZ[i, k]
                    dX[i, j] += dZ[i, k] * W[j, k]
            for k in range(fan_out):
                db[k] += dZ[i, k]
        return dX, dW, db
"""}

RIGHT = [
    Variant("solution as written"),
    Variant("dense_forward with np.dot", {"dense_forward": """
        def dense_forward(X, W, b):
            return np.dot(X, W) + b
    """}),
    Variant("dense_forward with einsum", {"dense_forward": """
        def dense_forward(X, W, b):
            return np.einsum("ij,jk->ik", X, W) + b
    """}),
    Variant("dense_forward with loops", {"dense_forward": """
        def dense_forward(X, W, b):
            n, fan_out = X.shape[0], W.shape[1]
            Z = np.zeros((n, fan_out))
            for i in range(n):
                for k in range(fan_out):
                    Z[i, k] = b[k] + sum(X[i, j] * W[j, k]
                                         for j in range(W.shape[0]))
            return Z
    """}),
    Variant("dense_forward with b reshaped to a row", {"dense_forward": """
        def dense_forward(X, W, b):
            return X @ W + b.reshape(1, -1)
    """}),
    Variant("dense_backward with einsum, returned as a list",
            {"dense_backward": """
        def dense_backward(dZ, X, W):
            return [np.einsum("ik,jk->ij", dZ, W),
                    np.einsum("ij,ik->jk", X, dZ),
                    np.einsum("ik->k", dZ)]
    """}),
    Variant("dense_backward with ones @ dZ and W @ dZ.T transposed",
            {"dense_backward": """
        def dense_backward(dZ, X, W):
            return (W @ dZ.T).T, np.dot(X.T, dZ), np.ones(len(dZ)) @ dZ
    """}),
    Variant("dense_backward as the index formulas, in Python loops",
            LOOP_DENSE),
    Variant("cache of (A_prev, Z) tuples, slope from Z", TUPLES),
    Variant("cache a dict with integer keys (a handle), einsum", INT_KEYS),
    Variant("cache a learner's class (a handle), sorted keys", CLASS_CACHE),
    Variant("no cache: recomputed, via ∂L/∂ŷ with clipping", RECOMPUTE),
    Variant("cache a dict of every Z and A", DICT_CACHE),
    Variant("mlp_forward with its own inline sigmoid", {"mlp_forward": """
        def mlp_forward(X, params):
            A = X
            cache = [A]
            for layer in range(1, len(params) // 2 + 1):
                Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
                A = 0.5 * (1 + np.tanh(Z / 2))
                cache.append(A)
            return A, cache
    """}),
    Variant("mlp_forward as the old check's forward pass (einsum, "
            "logaddexp)", {"mlp_forward": """
        def mlp_forward(X, params):
            a, cache = X, [X]
            for layer in range(1, len(params) // 2 + 1):
                a = np.einsum("ij,jk->ik", a, params[f"W{layer}"]) + params[
                    f"b{layer}"]
                a = np.exp(-np.logaddexp(0.0, -a))
                cache.append(a)
            return a, cache
    """}),
    Variant("mlp_backward stops before the input layer's slope",
            {"mlp_backward": """
        def mlp_backward(y, cache, params, loss="bce"):
            y_hat = cache[-1]
            diff = y_hat - y
            if loss == "bce":
                dZ = diff / y.size
            else:
                dZ = 2 * diff * y_hat * (1 - y_hat) / y.size
            grads = {}
            layer = len(cache) - 1
            while layer >= 1:
                W = params["W" + str(layer)]
                grads["W" + str(layer)] = cache[layer - 1].T @ dZ
                grads["b" + str(layer)] = dZ.sum(axis=0)
                if layer > 1:
                    A = cache[layer - 1]
                    dZ = (dZ @ W.T) * (A - A * A)
                layer -= 1
            return {k: grads[k] for k in sorted(grads)}
    """}),
    Variant("mlp_backward through ∂L/∂ŷ with 1e-12 inside the logarithm",
            {"mlp_backward": """
        def mlp_backward(y, cache, params, loss="bce"):
            y_hat = cache[-1]
            eps = 1e-12
            if loss == "bce":
                dA = -y / (y_hat + eps) + (1 - y) / (1 - y_hat + eps)
                dA = dA / y.size
            else:
                dA = 2 * (y_hat - y) / y.size
            grads = {}
            for layer in range(len(params) // 2, 0, -1):
                A, A_prev = cache[layer], cache[layer - 1]
                dZ = dA * A * (1 - A)
                dA, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(
                    dZ, A_prev, params[f"W{layer}"])
            return grads
    """}),
    Variant("backpropagation in Python loops over the samples",
            LOOP_SAMPLES),
    Variant("backpropagation in Python loops over every weight",
            LOOP_WEIGHTS),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
