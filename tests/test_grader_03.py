"""Lesson 03's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with a sigmoid's slope, a
neuron's backward pass, central differences and relative errors; right
variants are the many ways to be correct that naive tests wrongly reject.
"""

from grading_harness import Variant, lesson_tests

LESSON = "03-chain-rule"
SLOPE, MSE, BCE, NUMERICAL, RELATIVE = (
    "test_sigmoid_grad", "test_neuron_backward_mse",
    "test_neuron_backward_bce", "test_numerical_gradient",
    "test_relative_error")


def slope(body):
    return {"sigmoid_grad": "import numpy as np\n\ndef sigmoid_grad(z):\n"
            + body}


def back(body):
    return {"neuron_backward": "import numpy as np\n\n"
            "def neuron_backward(X, w, b, y, loss='mse'):\n" + body}


def back_delta(mse_delta, bce_delta, ret="    return X.T @ delta, "
              "float(np.sum(delta))"):
    """A neuron_backward that differs from the solution in δ only."""
    return back("    z = X @ w + b\n"
                "    y_hat = sigmoid(z)\n"
                "    n = len(y)\n"
                "    if loss == 'mse':\n"
                f"        delta = {mse_delta}\n"
                "    else:\n"
                f"        delta = {bce_delta}\n"
                + ret)


MSE_DELTA = "2 * (y_hat - y) / n * sigmoid_grad(z)"
BCE_DELTA = "(y_hat - y) / n"


def numgrad(body):
    return {"numerical_gradient": "import numpy as np\n\n"
            "def numerical_gradient(f, theta, eps=1e-6):\n" + body}


def relerr(body):
    return {"relative_error": "import numpy as np\n\n"
            "def relative_error(a, b):\n" + body}


CENTRAL_LOOP = (
    "    theta = np.array(theta, dtype=float)\n"
    "    grad = np.zeros_like(theta)\n"
    "    for idx in np.ndindex(theta.shape):\n"
    "        old = theta[idx]\n"
    "{perturb}"
    "    return grad\n")

WRONG = [
    # sigmoid_grad
    Variant("slope is the sigmoid itself",
            slope("    return sigmoid(z)"),
            fails={SLOPE}, says=r"sigmoid itself"),
    Variant("slope of σ(σ(z)): sigmoid applied twice",
            slope("    s = sigmoid(sigmoid(z))\n    return s * (1 - s)"),
            fails={SLOPE}, says=r"applied twice"),
    Variant("z(1 − z)",
            slope("    return z * (1 - z)"),
            fails={SLOPE}, says=r"takes σ\(z\), not z"),
    Variant("negative slope",
            slope("    s = sigmoid(z)\n    return s * (s - 1)"),
            fails={SLOPE}, says=r"sign"),
    Variant("naive exp form overflows",
            slope("    e = np.exp(-np.asarray(z, dtype=float))\n"
                  "    return e / (1 + e) ** 2"),
            fails={SLOPE}, says=r"overflow|nan"),
    Variant("math.exp works only for numbers",
            slope("    import math\n"
                  "    s = 1 / (1 + math.exp(-z))\n    return s * (1 - s)"),
            fails={SLOPE}, says=r"raised TypeError"),
    Variant("slope squares z in place",
            slope("    z *= 1.0\n    z -= 0.0\n    z[...] = sigmoid(z)\n"
                  "    return z * (1 - z)"),
            fails={SLOPE}, says=r"in place|raised"),
    Variant("right backward pass, wrong slope: the message blames it",
            slope("    return sigmoid(z)"),
            fails={SLOPE, MSE}, passes={BCE},
            says=r"fix `sigmoid_grad` first"),
    # neuron_backward
    Variant("mse without σ′",
            back_delta("2 * (y_hat - y) / n", BCE_DELTA),
            fails={MSE}, passes={BCE}, says=r"slope missing"),
    Variant("bce with σ′ multiplied in again",
            back_delta(MSE_DELTA, "(y_hat - y) / n * sigmoid_grad(z)"),
            fails={BCE}, passes={MSE}, says=r"slope has cancelled"),
    Variant("bce as ∂L/∂ŷ, without σ′",
            back_delta(MSE_DELTA, "(y_hat - y) / (y_hat * (1 - y_hat)) / n"),
            fails={BCE}, passes={MSE}, says=r"missing from the chain"),
    Variant("missing 1/n: a sum, not a mean",
            back_delta("2 * (y_hat - y) * sigmoid_grad(z)",
                       "(y_hat - y)"),
            fails={MSE, BCE}, says=r"factor of about n"),
    Variant("divides by n_features, not n_samples",
            back_delta("2 * (y_hat - y) / X.shape[1] * sigmoid_grad(z)",
                       "(y_hat - y) / X.shape[1]"),
            fails={MSE, BCE}, says=r"factor"),
    Variant("mse without the 2",
            back_delta("(y_hat - y) / n * sigmoid_grad(z)", BCE_DELTA),
            fails={MSE}, passes={BCE}, says=r"factor of about 1/2"),
    Variant("sign error: y − ŷ",
            back_delta("2 * (y - y_hat) / n * sigmoid_grad(z)",
                       "(y - y_hat) / n"),
            fails={MSE, BCE}, says=r"opposite sign"),
    Variant("σ′ taken at ŷ",
            back_delta("2 * (y_hat - y) / n * sigmoid_grad(y_hat)",
                       BCE_DELTA),
            fails={MSE}, passes={BCE}, says=r"sigmoid_grad\(y_hat\)"),
    Variant("loss argument ignored: always mse",
            back_delta(MSE_DELTA, MSE_DELTA),
            fails={BCE}, passes={MSE}, says=r"loss argument"),
    Variant("loss argument ignored: always bce",
            back_delta(BCE_DELTA, BCE_DELTA),
            fails={MSE}, passes={BCE}, says=r"loss argument"),
    Variant("X @ delta instead of X.T @ delta",
            back_delta(MSE_DELTA, BCE_DELTA,
                       "    return X @ delta, float(np.sum(delta))"),
            fails={MSE, BCE}, says=r"raised ValueError|shape"),
    Variant("dw not summed over samples: shape (n, n_features)",
            back_delta(MSE_DELTA, BCE_DELTA,
                       "    return X * delta[:, None], float(np.sum(delta))"),
            fails={MSE, BCE}, says=r"shape"),
    Variant("mean over the wrong axis: shape (n,)",
            back_delta(MSE_DELTA, BCE_DELTA,
                       "    return np.sum(X * delta[:, None], axis=1), "
                       "float(np.sum(delta))"),
            fails={MSE, BCE}, says=r"shape"),
    Variant("db as the array δ",
            back_delta(MSE_DELTA, BCE_DELTA, "    return X.T @ delta, delta"),
            fails={MSE, BCE}, says=r"shape"),
    Variant("db as an array of shape (1,)",
            back_delta(MSE_DELTA, BCE_DELTA,
                       "    return X.T @ delta, np.sum(delta, keepdims=True)"),
            fails={MSE, BCE}, says=r"shape \(1,\)"),
    Variant("returns dw only",
            back_delta(MSE_DELTA, BCE_DELTA, "    return X.T @ delta"),
            fails={MSE, BCE}, says=r"tuple \(dw, db\)"),
    Variant("returns a dict",
            back_delta(MSE_DELTA, BCE_DELTA,
                       "    return {'w': X.T @ delta, 'b': delta.sum()}"),
            fails={MSE, BCE}, says=r"tuple \(dw, db\)"),
    Variant("overwrites y in place",
            back("    z = X @ w + b\n"
                 "    y -= sigmoid(z)\n"
                 "    y *= -1.0\n"
                 "    n = len(y)\n"
                 "    delta = y / n if loss == 'bce' else "
                 "2 * y / n * sigmoid_grad(z)\n"
                 "    return X.T @ delta, float(np.sum(delta))"),
            fails={MSE, BCE}, says=r"in place"),
    Variant("hard-coded zeros",
            back("    return np.zeros(X.shape[1]), 0.0"),
            fails={MSE, BCE}),
    # numerical_gradient
    Variant("forward difference",
            numgrad(CENTRAL_LOOP.format(perturb=(
                "        f0 = f(theta)\n"
                "        theta[idx] = old + eps\n"
                "        up = f(theta)\n"
                "        theta[idx] = old\n"
                "        grad[idx] = (up - f0) / eps\n"))),
            fails={NUMERICAL}, says=r"forward difference"),
    Variant("divides by eps instead of 2 eps",
            numgrad(CENTRAL_LOOP.format(perturb=(
                "        theta[idx] = old + eps\n"
                "        up = f(theta)\n"
                "        theta[idx] = old - eps\n"
                "        down = f(theta)\n"
                "        theta[idx] = old\n"
                "        grad[idx] = (up - down) / eps\n"))),
            fails={NUMERICAL}, says=r"instead of 2ε"),
    Variant("sign error: down − up",
            numgrad(CENTRAL_LOOP.format(perturb=(
                "        theta[idx] = old + eps\n"
                "        up = f(theta)\n"
                "        theta[idx] = old - eps\n"
                "        down = f(theta)\n"
                "        theta[idx] = old\n"
                "        grad[idx] = (down - up) / (2 * eps)\n"))),
            fails={NUMERICAL}, says=r"sign"),
    Variant("theta not restored (on a copy)",
            numgrad(CENTRAL_LOOP.format(perturb=(
                "        theta[idx] = old + eps\n"
                "        up = f(theta)\n"
                "        theta[idx] = old - eps\n"
                "        down = f(theta)\n"
                "        grad[idx] = (up - down) / (2 * eps)\n"))),
            fails={NUMERICAL}, says=r"changed at once"),
    Variant("caller's theta perturbed and not restored",
            numgrad("    grad = np.zeros_like(theta)\n"
                    "    for idx in np.ndindex(theta.shape):\n"
                    "        old = theta[idx]\n"
                    "        theta[idx] = old + eps\n"
                    "        up = f(theta)\n"
                    "        theta[idx] = old - eps\n"
                    "        down = f(theta)\n"
                    "        grad[idx] = (up - down) / (2 * eps)\n"
                    "    return grad"),
            fails={NUMERICAL}, says=r"in place|changed at once"),
    Variant("caller's theta restored by adding eps back (rounding)",
            numgrad("    grad = np.zeros_like(theta)\n"
                    "    for idx in np.ndindex(theta.shape):\n"
                    "        theta[idx] += eps\n"
                    "        up = f(theta)\n"
                    "        theta[idx] -= 2 * eps\n"
                    "        down = f(theta)\n"
                    "        theta[idx] += eps\n"
                    "        grad[idx] = (up - down) / (2 * eps)\n"
                    "    return grad"),
            fails={NUMERICAL}, says=r"in place"),
    Variant("works only for 1-D theta",
            numgrad("    grad = np.zeros_like(theta, dtype=float)\n"
                    "    for i in range(len(theta)):\n"
                    "        step = np.zeros_like(theta, dtype=float)\n"
                    "        step[i] = eps\n"
                    "        grad[i] = (f(theta + step) - f(theta - step))"
                    " / (2 * eps)\n"
                    "    return grad"),
            fails={NUMERICAL}, says=r"changed at once"),
    Variant("gives f a flattened theta",
            numgrad("    flat = np.array(theta, dtype=float).ravel()\n"
                    "    grad = np.zeros_like(flat)\n"
                    "    for i in range(flat.size):\n"
                    "        old = flat[i]\n"
                    "        flat[i] = old + eps\n"
                    "        up = f(flat)\n"
                    "        flat[i] = old - eps\n"
                    "        down = f(flat)\n"
                    "        flat[i] = old\n"
                    "        grad[i] = (up - down) / (2 * eps)\n"
                    "    return grad.reshape(np.shape(theta))"),
            fails={NUMERICAL}, says=r"shape"),
    Variant("ignores eps: a fixed step",
            numgrad(CENTRAL_LOOP.format(perturb=(
                "        h = 1e-5\n"
                "        theta[idx] = old + h\n"
                "        up = f(theta)\n"
                "        theta[idx] = old - h\n"
                "        down = f(theta)\n"
                "        theta[idx] = old\n"
                "        grad[idx] = (up - down) / (2 * h)\n"))),
            fails={NUMERICAL}, says=r"not by eps"),
    Variant("returns a list",
            numgrad("    theta = np.array(theta, dtype=float)\n"
                    "    out = []\n"
                    "    for idx in np.ndindex(theta.shape):\n"
                    "        e = np.zeros_like(theta)\n"
                    "        e[idx] = eps\n"
                    "        out.append((f(theta + e) - f(theta - e))"
                    " / (2 * eps))\n"
                    "    return out"),
            fails={NUMERICAL}, says=r"list"),
    # relative_error
    Variant("mean instead of max",
            relerr("    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    return float(np.mean(np.abs(a - b) / np.maximum("
                   "1e-12, np.abs(a) + np.abs(b))))"),
            fails={RELATIVE}, says=r"mean over the elements"),
    Variant("no floor: nan for two zeros",
            relerr("    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    return float(np.max(np.abs(a - b) / "
                   "(np.abs(a) + np.abs(b))))"),
            fails={RELATIVE}, says=r"np\.maximum\(1e-12"),
    Variant("floor added, not taken as a maximum",
            relerr("    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    return float(np.max(np.abs(a - b) / "
                   "(np.abs(a) + np.abs(b) + 1e-12)))"),
            fails={RELATIVE}, says=r"not a sum"),
    Variant("no abs on a − b",
            relerr("    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    return float(np.max((a - b) / np.maximum("
                   "1e-12, np.abs(a) + np.abs(b))))"),
            fails={RELATIVE}, says=r"without abs"),
    Variant("abs of a + b in the denominator",
            relerr("    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    return float(np.max(np.abs(a - b) / np.maximum("
                   "1e-12, np.abs(a + b))))"),
            fails={RELATIVE}),
    Variant("elementwise, no max: returns an array",
            relerr("    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    return np.abs(a - b) / np.maximum("
                   "1e-12, np.abs(a) + np.abs(b))"),
            fails={RELATIVE}, says=r"shape"),
    Variant("divides by the larger of |a| and |b|",
            relerr("    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    return float(np.max(np.abs(a - b) / np.maximum("
                   "1e-12, np.maximum(np.abs(a), np.abs(b)))))"),
            fails={RELATIVE}),
]

RIGHT = [
    Variant("solution as written"),
    Variant("slope in the stable exp form",
            slope("    e = np.exp(-np.abs(np.asarray(z, dtype=float)))\n"
                  "    return (e / (1 + e) ** 2)[()]")),
    Variant("slope from tanh",
            slope("    return 0.25 * (1 - np.tanh(np.asarray(z) / 2) ** 2)")),
    Variant("slope as s − s², 0-d array out",
            slope("    s = np.asarray(sigmoid(z))\n    return s - s * s")),
    Variant("slope with its own logaddexp sigmoid",
            slope("    s = np.exp(-np.logaddexp(0.0, -z))\n"
                  "    return s * (1 - s)")),
    Variant("slope with math for numbers, a loop for arrays",
            slope("    import math\n"
                  "    def one(v):\n"
                  "        e = math.exp(-abs(v))\n"
                  "        return e / (1 + e) ** 2\n"
                  "    if np.ndim(z) == 0:\n"
                  "        return one(float(z))\n"
                  "    z = np.asarray(z, dtype=float)\n"
                  "    out = np.empty(z.shape)\n"
                  "    for idx in np.ndindex(z.shape):\n"
                  "        out[idx] = one(z[idx])\n"
                  "    return out")),
    Variant("backward with loops over samples and features",
            back("    n, d = X.shape\n"
                 "    dw = np.zeros(d)\n"
                 "    db = 0.0\n"
                 "    for i in range(n):\n"
                 "        z = sum(X[i, j] * w[j] for j in range(d)) + b\n"
                 "        y_hat = sigmoid(z)\n"
                 "        if loss == 'mse':\n"
                 "            dz = 2 * (y_hat - y[i]) * y_hat * (1 - y_hat)\n"
                 "        else:\n"
                 "            dz = y_hat - y[i]\n"
                 "        for j in range(d):\n"
                 "            dw[j] += dz * X[i, j] / n\n"
                 "        db += dz / n\n"
                 "    return dw, db")),
    Variant("backward with einsum and a 0-d db",
            back("    z = np.einsum('ij,j->i', X, w) + b\n"
                 "    y_hat = sigmoid(z)\n"
                 "    delta = (y_hat - y) / y.size\n"
                 "    if loss == 'mse':\n"
                 "        delta = 2 * delta * sigmoid_grad(z)\n"
                 "    return np.einsum('ij,i->j', X, delta), "
                 "np.sum(delta, keepdims=True).reshape(())")),
    Variant("backward as delta @ X, with lesson 02's gradients",
            back("    z = X @ w + b\n"
                 "    y_hat = sigmoid(z)\n"
                 "    grad = {'mse': mse_grad, 'bce': bce_grad}[loss]\n"
                 "    delta = grad(y_hat, y) * sigmoid_grad(z)\n"
                 "    return delta @ X, delta.sum()")),
    Variant("backward as a mean over samples",
            back("    y_hat = neuron_forward(X, w, b)\n"
                 "    dz = y_hat - y\n"
                 "    if loss == 'mse':\n"
                 "        dz = 2 * dz * y_hat * (1 - y_hat)\n"
                 "    return np.mean(X * dz[:, None], axis=0), "
                 "float(np.mean(dz))")),
    Variant("central differences with np.nditer",
            numgrad("    theta = np.array(theta, dtype=float)\n"
                    "    grad = np.zeros_like(theta)\n"
                    "    it = np.nditer(theta, flags=['multi_index'])\n"
                    "    while not it.finished:\n"
                    "        i = it.multi_index\n"
                    "        old = theta[i]\n"
                    "        theta[i] = old + eps\n"
                    "        up = f(theta)\n"
                    "        theta[i] = old - eps\n"
                    "        down = f(theta)\n"
                    "        theta[i] = old\n"
                    "        grad[i] = (up - down) / (2 * eps)\n"
                    "        it.iternext()\n"
                    "    return grad")),
    Variant("central differences on a flat copy, reshaped for f",
            numgrad("    work = np.array(theta, dtype=float)\n"
                    "    flat = work.reshape(-1)\n"
                    "    grad = np.zeros(flat.size)\n"
                    "    for k in range(flat.size):\n"
                    "        old = flat[k]\n"
                    "        flat[k] = old + eps\n"
                    "        up = f(work)\n"
                    "        flat[k] = old - eps\n"
                    "        down = f(work)\n"
                    "        flat[k] = old\n"
                    "        grad[k] = (up - down) / (2 * eps)\n"
                    "    return grad.reshape(work.shape)")),
    Variant("caller's theta perturbed and restored exactly",
            numgrad("    grad = np.zeros(theta.shape)\n"
                    "    for idx in np.ndindex(theta.shape):\n"
                    "        old = theta[idx]\n"
                    "        theta[idx] = old + eps\n"
                    "        up = f(theta)\n"
                    "        theta[idx] = old - eps\n"
                    "        down = f(theta)\n"
                    "        theta[idx] = old\n"
                    "        grad[idx] = (up - down) / (2 * eps)\n"
                    "    return grad")),
    Variant("central differences with basis arrays, 0.5/eps",
            numgrad("    theta = np.asarray(theta, dtype=float)\n"
                    "    grad = np.empty(theta.shape)\n"
                    "    for k in range(theta.size):\n"
                    "        e = np.zeros(theta.size)\n"
                    "        e[k] = eps\n"
                    "        e = e.reshape(theta.shape)\n"
                    "        grad.flat[k] = (f(theta + e) - f(theta - e))"
                    " * (0.5 / eps)\n"
                    "    return grad")),
    Variant("relative error with a loop, as np.float64",
            relerr("    a = np.ravel(np.asarray(a, dtype=float))\n"
                   "    b = np.ravel(np.asarray(b, dtype=float))\n"
                   "    worst = np.float64(0.0)\n"
                   "    for p, q in zip(a, b):\n"
                   "        worst = max(worst, abs(p - q) / "
                   "max(1e-12, abs(p) + abs(q)))\n"
                   "    return worst")),
    Variant("relative error with np.fmax and .max(), 0-d array out",
            relerr("    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    r = np.abs(a - b) / np.fmax(np.abs(a) + np.abs(b),"
                   " 1e-12)\n"
                   "    return np.asarray(r.max())")),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
