"""Lesson 03's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with a sigmoid's slope, a
neuron's backward pass, central differences and relative errors, and a
"backward pass" computed by finite differences, which must earn none of
the backward pass's points; right variants are the many ways to be
correct that naive tests wrongly reject.
"""

import textwrap

import numpy as np
import pytest
from grading_harness import Variant, lesson_tests, points

from coursetools import lesson03
from coursetools.checks import CheckFailed

LESSON = "03-chain-rule"
SG_VALUES, SG_UNCHANGED, SG_STABLE = (
    "test_sigmoid_grad_values", "test_sigmoid_grad_unchanged",
    "test_sigmoid_grad_stable")
MSE, BCE, NB_UNCHANGED = ("test_neuron_backward_mse",
                          "test_neuron_backward_bce",
                          "test_neuron_backward_unchanged")
NUMERICAL, NG_UNCHANGED = ("test_numerical_gradient",
                           "test_numerical_gradient_unchanged")
RELATIVE, FLOOR = "test_relative_error", "test_relative_error_floor"
SLOPE = {SG_VALUES, SG_UNCHANGED, SG_STABLE}
BACKWARD = {MSE, BCE, NB_UNCHANGED}
POINTS = points(LESSON)


def backward(mse_delta, bce_delta, ret="X.T @ delta, float(np.sum(delta))"):
    """A neuron_backward that differs from the solution in δ or in what it
    returns."""
    return {"neuron_backward": f"""
        def neuron_backward(X, w, b, y, loss="mse"):
            z = X @ w + b
            y_hat = sigmoid(z)
            n = len(y)
            if loss == "mse":
                delta = {mse_delta}
            else:
                delta = {bce_delta}
            return {ret}
    """}


MSE_DELTA = "2 * (y_hat - y) / n * sigmoid_grad(z)"
BCE_DELTA = "(y_hat - y) / n"


def central(perturb):
    """A numerical_gradient on a copy of theta, with the lines that
    perturb element ``idx`` (saved as ``old``) given."""
    body = textwrap.indent(textwrap.dedent(perturb).strip("\n"), " " * 8)
    return {"numerical_gradient": f"""
def numerical_gradient(f, theta, eps=1e-6):
    theta = np.array(theta, dtype=float)
    grad = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        old = theta[idx]
{body}
    return grad
"""}


def relerr(expression):
    return {"relative_error": f"""
        def relative_error(a, b):
            a, b = np.asarray(a, float), np.asarray(b, float)
            return {expression}
    """}


WRONG = [
    # sigmoid_grad
    Variant("slope is the sigmoid itself", {"sigmoid_grad": """
        def sigmoid_grad(z):
            return sigmoid(z)
    """}, fails={SG_VALUES}, passes={SG_STABLE, SG_UNCHANGED} | BACKWARD,
            says=r"sigmoid itself", loses=POINTS[SG_VALUES]),
    Variant("slope of σ(σ(z)): sigmoid applied twice", {"sigmoid_grad": """
        def sigmoid_grad(z):
            s = sigmoid(sigmoid(z))
            return s * (1 - s)
    """}, fails={SG_VALUES}, says=r"applied twice"),
    Variant("z(1 − z)", {"sigmoid_grad": """
        def sigmoid_grad(z):
            return z * (1 - z)
    """}, fails={SG_VALUES}, says=r"takes σ\(z\), not z"),
    Variant("negative slope", {"sigmoid_grad": """
        def sigmoid_grad(z):
            s = sigmoid(z)
            return s * (s - 1)
    """}, fails={SG_VALUES}, passes={SG_STABLE, SG_UNCHANGED}, says=r"sign"),
    Variant("naive exp form overflows: a slip of 1 point", {"sigmoid_grad": """
        def sigmoid_grad(z):
            e = np.exp(-np.asarray(z, dtype=float))
            return e / (1 + e) ** 2
    """}, fails={SG_STABLE}, passes={SG_VALUES, SG_UNCHANGED} | BACKWARD,
            says=r"overflow", loses=1),
    Variant("overflow hidden by errstate gives nan at -1000",
            {"sigmoid_grad": """
        def sigmoid_grad(z):
            with np.errstate(all="ignore"):
                e = np.exp(-np.asarray(z, dtype=float))
                return e / (1 + e) ** 2
    """}, fails={SG_STABLE}, passes={SG_VALUES}, says=r"overflow|nan",
            loses=1),
    Variant("math.exp works only for numbers", {"sigmoid_grad": """
        import math

        def sigmoid_grad(z):
            s = 1 / (1 + math.exp(-z))
            return s * (1 - s)
    """}, fails={SG_VALUES}, says=r"raised TypeError"),
    Variant("slope squares z in place", {"sigmoid_grad": """
        def sigmoid_grad(z):
            z *= 1.0
            z -= 0.0
            z[...] = sigmoid(z)
            return z * (1 - z)
    """}, fails={SG_VALUES, SG_UNCHANGED}, says=r"in place|raised"),
    Variant("slope overwrites an array z in place: a slip of 1 point",
            {"sigmoid_grad": """
        def sigmoid_grad(z):
            if np.ndim(z) == 0:
                s = sigmoid(z)
                return s * (1 - s)
            z[...] = sigmoid(z)
            return z * (1 - z)
    """}, fails={SG_UNCHANGED}, passes={SG_VALUES, SG_STABLE},
            says=r"in place", loses=1),
    Variant("hard-coded 0.25 passes sigmoid_grad(0) only",
            {"sigmoid_grad": """
        def sigmoid_grad(z):
            return 0.25
    """}, fails=SLOPE),
    Variant("the old visible check's oracle, defined nowhere now",
            {"sigmoid_grad": """
        def sigmoid_grad(z):
            return oracle(z)
    """}, fails=SLOPE, says=r"oracle"),
    # neuron_backward
    Variant("mse without σ′", backward("2 * (y_hat - y) / n", BCE_DELTA),
            fails={MSE}, passes={BCE, NB_UNCHANGED}, says=r"slope missing"),
    Variant("bce with σ′ multiplied in again",
            backward(MSE_DELTA, "(y_hat - y) / n * sigmoid_grad(z)"),
            fails={BCE}, passes={MSE}, says=r"slope has cancelled"),
    Variant("bce as ∂L/∂ŷ, without σ′",
            backward(MSE_DELTA, "(y_hat - y) / (y_hat * (1 - y_hat)) / n"),
            fails={BCE}, passes={MSE}, says=r"missing from the chain"),
    Variant("missing 1/n: a sum, not a mean",
            backward("2 * (y_hat - y) * sigmoid_grad(z)", "(y_hat - y)"),
            fails={MSE, BCE}, says=r"factor of about n"),
    Variant("divides by n_features, not n_samples",
            backward("2 * (y_hat - y) / X.shape[1] * sigmoid_grad(z)",
                     "(y_hat - y) / X.shape[1]"),
            fails={MSE, BCE}, says=r"factor"),
    Variant("mse without the 2",
            backward("(y_hat - y) / n * sigmoid_grad(z)", BCE_DELTA),
            fails={MSE}, passes={BCE}, says=r"2 of the squared error"),
    Variant("sign error: y − ŷ",
            backward("2 * (y - y_hat) / n * sigmoid_grad(z)",
                     "(y - y_hat) / n"),
            fails={MSE, BCE}, says=r"opposite sign"),
    Variant("σ′ taken at ŷ",
            backward("2 * (y_hat - y) / n * sigmoid_grad(y_hat)", BCE_DELTA),
            fails={MSE}, passes={BCE}, says=r"sigmoid_grad\(y_hat\)"),
    Variant("loss argument ignored: always mse",
            backward(MSE_DELTA, MSE_DELTA),
            fails={BCE}, passes={MSE}, says=r"loss argument"),
    Variant("loss argument ignored: always bce",
            backward(BCE_DELTA, BCE_DELTA),
            fails={MSE}, passes={BCE}, says=r"loss argument"),
    Variant("X @ delta instead of X.T @ delta",
            backward(MSE_DELTA, BCE_DELTA, "X @ delta, float(np.sum(delta))"),
            fails=BACKWARD, says=r"raised ValueError|shape"),
    Variant("dw not summed over samples: shape (n, n_features)",
            backward(MSE_DELTA, BCE_DELTA,
                     "X * delta[:, None], float(np.sum(delta))"),
            fails={MSE, BCE}, passes={NB_UNCHANGED}, says=r"shape"),
    Variant("mean over the wrong axis: shape (n,)",
            backward(MSE_DELTA, BCE_DELTA,
                     "np.sum(X * delta[:, None], axis=1), "
                     "float(np.sum(delta))"),
            fails={MSE, BCE}, says=r"shape"),
    Variant("db as the array δ",
            backward(MSE_DELTA, BCE_DELTA, "X.T @ delta, delta"),
            fails={MSE, BCE}, says=r"shape"),
    Variant("db as an array of shape (1,): not counted again as unchanged",
            backward(MSE_DELTA, BCE_DELTA,
                     "X.T @ delta, np.sum(delta, keepdims=True)"),
            fails={MSE, BCE}, passes={NB_UNCHANGED}, says=r"shape \(1,\)"),
    Variant("returns dw only", backward(MSE_DELTA, BCE_DELTA, "X.T @ delta"),
            fails=BACKWARD, says=r"tuple \(dw, db\)"),
    Variant("returns a dict",
            backward(MSE_DELTA, BCE_DELTA,
                     "{'w': X.T @ delta, 'b': delta.sum()}"),
            fails=BACKWARD, says=r"tuple \(dw, db\)"),
    Variant("overwrites y in place: a slip of 1 point", {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            z = X @ w + b
            y -= sigmoid(z)
            y *= -1.0
            n = len(y)
            if loss == "bce":
                delta = y / n
            else:
                delta = 2 * y / n * sigmoid_grad(z)
            return X.T @ delta, float(np.sum(delta))
    """}, fails={NB_UNCHANGED}, passes={MSE, BCE}, says=r"in place",
            loses=1),
    Variant("hard-coded zeros", {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            return np.zeros(X.shape[1]), 0.0
    """}, fails=BACKWARD),
    Variant("finite differences with the learner's own numerical_gradient",
            {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            def loss_of(theta):
                y_hat = neuron_forward(X, theta[:-1], theta[-1])
                return mse(y_hat, y) if loss == "mse" else bce(y_hat, y)
            grad = numerical_gradient(loss_of, np.append(w, b))
            return grad[:-1], float(grad[-1])
    """}, fails=BACKWARD, passes=SLOPE | {NUMERICAL, RELATIVE},
            says=r"did not return in time.*weights.*finite differences",
            loses=sum(POINTS[t] for t in BACKWARD)),
    Variant("forward differences, one forward pass per weight",
            {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            cost = mse if loss == "mse" else bce
            h = 1e-7
            base = cost(neuron_forward(X, w, b), y)
            dw = np.empty(len(w))
            for j in range(len(w)):
                w_up = w.copy()
                w_up[j] += h
                dw[j] = (cost(neuron_forward(X, w_up, b), y) - base) / h
            db = (cost(neuron_forward(X, w, b + h), y) - base) / h
            return dw, db
    """}, fails=BACKWARD, says=r"did not return in time",
            loses=sum(POINTS[t] for t in BACKWARD)),
    # numerical_gradient
    Variant("forward difference", central("""
        f0 = f(theta)
        theta[idx] = old + eps
        up = f(theta)
        theta[idx] = old
        grad[idx] = (up - f0) / eps
    """), fails={NUMERICAL}, passes={NG_UNCHANGED},
            says=r"forward difference"),
    Variant("divides by eps instead of 2 eps", central("""
        theta[idx] = old + eps
        up = f(theta)
        theta[idx] = old - eps
        down = f(theta)
        theta[idx] = old
        grad[idx] = (up - down) / eps
    """), fails={NUMERICAL}, says=r"instead of 2ε"),
    Variant("sign error: down − up", central("""
        theta[idx] = old + eps
        up = f(theta)
        theta[idx] = old - eps
        down = f(theta)
        theta[idx] = old
        grad[idx] = (down - up) / (2 * eps)
    """), fails={NUMERICAL}, says=r"sign"),
    Variant("theta not restored (on a copy)", central("""
        theta[idx] = old + eps
        up = f(theta)
        theta[idx] = old - eps
        down = f(theta)
        grad[idx] = (up - down) / (2 * eps)
    """), fails={NUMERICAL}, passes={NG_UNCHANGED}, says=r"changed at once"),
    Variant("caller's theta perturbed and not restored",
            {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            grad = np.zeros_like(theta)
            for idx in np.ndindex(theta.shape):
                old = theta[idx]
                theta[idx] = old + eps
                up = f(theta)
                theta[idx] = old - eps
                down = f(theta)
                grad[idx] = (up - down) / (2 * eps)
            return grad
    """}, fails={NUMERICAL, NG_UNCHANGED}, says=r"in place|changed at once"),
    Variant("caller's theta restored by adding eps back: a slip of 1 point",
            {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            grad = np.zeros_like(theta)
            for idx in np.ndindex(theta.shape):
                theta[idx] += eps
                up = f(theta)
                theta[idx] -= 2 * eps
                down = f(theta)
                theta[idx] += eps
                grad[idx] = (up - down) / (2 * eps)
            return grad
    """}, fails={NG_UNCHANGED}, passes={NUMERICAL}, says=r"in place",
            loses=1),
    Variant("works only for 1-D theta", {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            grad = np.zeros_like(theta, dtype=float)
            for i in range(len(theta)):
                step = np.zeros_like(theta, dtype=float)
                step[i] = eps
                grad[i] = (f(theta + step) - f(theta - step)) / (2 * eps)
            return grad
    """}, fails={NUMERICAL}, passes={NG_UNCHANGED}, says=r"changed at once"),
    Variant("gives f a flattened theta", {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            flat = np.array(theta, dtype=float).ravel()
            grad = np.zeros_like(flat)
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + eps
                up = f(flat)
                flat[i] = old - eps
                down = f(flat)
                flat[i] = old
                grad[i] = (up - down) / (2 * eps)
            return grad.reshape(np.shape(theta))
    """}, fails={NUMERICAL}, passes={NG_UNCHANGED}, says=r"shape"),
    Variant("ignores eps: a fixed step", central("""
        h = 1e-5
        theta[idx] = old + h
        up = f(theta)
        theta[idx] = old - h
        down = f(theta)
        theta[idx] = old
        grad[idx] = (up - down) / (2 * h)
    """), fails={NUMERICAL}, says=r"not by eps"),
    Variant("returns a list", {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            theta = np.array(theta, dtype=float)
            out = []
            for idx in np.ndindex(theta.shape):
                e = np.zeros_like(theta)
                e[idx] = eps
                out.append((f(theta + e) - f(theta - e)) / (2 * eps))
            return out
    """}, fails={NUMERICAL}, says=r"list"),
    # relative_error
    Variant("mean instead of max",
            relerr("float(np.mean(np.abs(a - b) / np.maximum("
                   "1e-12, np.abs(a) + np.abs(b))))"),
            fails={RELATIVE}, passes={FLOOR}, says=r"mean over the elements"),
    Variant("no floor: nan for two zeros, a slip of 1 point",
            relerr("float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))"),
            fails={FLOOR}, passes={RELATIVE}, says=r"np\.maximum\(1e-12",
            loses=1),
    Variant("floor added, not taken as a maximum: a slip of 1 point",
            relerr("float(np.max(np.abs(a - b) / "
                   "(np.abs(a) + np.abs(b) + 1e-12)))"),
            fails={FLOOR}, passes={RELATIVE}, says=r"not a sum", loses=1),
    Variant("no abs on a − b",
            relerr("float(np.max((a - b) / np.maximum("
                   "1e-12, np.abs(a) + np.abs(b))))"),
            fails={RELATIVE}, says=r"without abs"),
    Variant("abs of a + b in the denominator",
            relerr("float(np.max(np.abs(a - b) / np.maximum("
                   "1e-12, np.abs(a + b))))"),
            fails={RELATIVE}, says=r"\|a\| \+ \|b\|"),
    Variant("elementwise, no max: returns an array",
            relerr("np.abs(a - b) / np.maximum(1e-12, np.abs(a) + "
                   "np.abs(b))"),
            fails={RELATIVE}, passes={FLOOR}, says=r"shape"),
    Variant("divides by the larger of |a| and |b|",
            relerr("float(np.max(np.abs(a - b) / np.maximum("
                   "1e-12, np.maximum(np.abs(a), np.abs(b)))))"),
            fails={RELATIVE}, says=r"larger"),
    Variant("lifted from the package, where it used to be",
            {"relative_error": """
        from coursetools.checks import relative_error
    """}, fails={RELATIVE, FLOOR}, says=r"not defined.*ImportError"),
]

RIGHT = [
    Variant("solution as written"),
    Variant("slope in the stable exp form (the old visible check's)",
            {"sigmoid_grad": """
        def sigmoid_grad(z):
            e = np.exp(-np.abs(np.asarray(z, dtype=float)))
            return (e / (1 + e) ** 2)[()]
    """}),
    Variant("slope from tanh", {"sigmoid_grad": """
        def sigmoid_grad(z):
            return 0.25 * (1 - np.tanh(np.asarray(z) / 2) ** 2)
    """}),
    Variant("slope as s − s², 0-d array out", {"sigmoid_grad": """
        def sigmoid_grad(z):
            s = np.asarray(sigmoid(z))
            return s - s * s
    """}),
    Variant("slope with its own logaddexp sigmoid", {"sigmoid_grad": """
        def sigmoid_grad(z):
            s = np.exp(-np.logaddexp(0.0, -z))
            return s * (1 - s)
    """}),
    Variant("slope with math for numbers, a loop for arrays",
            {"sigmoid_grad": """
        import math

        def sigmoid_grad(z):
            def one(v):
                e = math.exp(-abs(v))
                return e / (1 + e) ** 2
            if np.ndim(z) == 0:
                return one(float(z))
            z = np.asarray(z, dtype=float)
            out = np.empty(z.shape)
            for idx in np.ndindex(z.shape):
                out[idx] = one(z[idx])
            return out
    """}),
    Variant("backward with loops over samples and features",
            {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            n, d = X.shape
            dw = np.zeros(d)
            db = 0.0
            for i in range(n):
                z = sum(X[i, j] * w[j] for j in range(d)) + b
                y_hat = sigmoid(z)
                if loss == "mse":
                    dz = 2 * (y_hat - y[i]) * y_hat * (1 - y_hat)
                else:
                    dz = y_hat - y[i]
                for j in range(d):
                    dw[j] += dz * X[i, j] / n
                db += dz / n
            return dw, db
    """}),
    Variant("backward with a loop over samples, rows vectorised",
            {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            dw, db = np.zeros_like(w, dtype=float), 0.0
            for x_i, y_i in zip(X, y):
                z = x_i @ w + b
                y_hat = sigmoid(z)
                dz = (y_hat - y_i) / len(y)
                if loss == "mse":
                    dz = 2 * dz * sigmoid_grad(z)
                dw += dz * x_i
                db += dz
            return dw, db
    """}),
    Variant("backward with einsum and a 0-d db", {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            z = np.einsum("ij,j->i", X, w) + b
            y_hat = sigmoid(z)
            delta = (y_hat - y) / y.size
            if loss == "mse":
                delta = 2 * delta * sigmoid_grad(z)
            return (np.einsum("ij,i->j", X, delta),
                    np.sum(delta, keepdims=True).reshape(()))
    """}),
    Variant("backward as delta @ X, with lesson 02's gradients",
            {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            z = X @ w + b
            y_hat = sigmoid(z)
            grad = {"mse": mse_grad, "bce": bce_grad}[loss]
            delta = grad(y_hat, y) * sigmoid_grad(z)
            return delta @ X, delta.sum()
    """}),
    Variant("backward as a mean over samples", {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            y_hat = neuron_forward(X, w, b)
            dz = y_hat - y
            if loss == "mse":
                dz = 2 * dz * y_hat * (1 - y_hat)
            return np.mean(X * dz[:, None], axis=0), float(np.mean(dz))
    """}),
    Variant("backward as the old visible check's chain of rows",
            {"neuron_backward": """
        def neuron_backward(X, w, b, y, loss="mse"):
            y_hat = np.exp(-np.logaddexp(0.0, -(X @ w + b)))
            n = len(y)
            delta = (y_hat - y) / n
            if loss == "mse":
                delta = 2 * delta * y_hat * (1 - y_hat)
            return sum(d * row for d, row in zip(delta, X)), delta.sum()
    """}),
    Variant("central differences with np.nditer", {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            theta = np.array(theta, dtype=float)
            grad = np.zeros_like(theta)
            it = np.nditer(theta, flags=["multi_index"])
            while not it.finished:
                i = it.multi_index
                old = theta[i]
                theta[i] = old + eps
                up = f(theta)
                theta[i] = old - eps
                down = f(theta)
                theta[i] = old
                grad[i] = (up - down) / (2 * eps)
                it.iternext()
            return grad
    """}),
    Variant("central differences on a flat copy, reshaped for f",
            {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            work = np.array(theta, dtype=float)
            flat = work.reshape(-1)
            grad = np.zeros(flat.size)
            for k in range(flat.size):
                old = flat[k]
                flat[k] = old + eps
                up = f(work)
                flat[k] = old - eps
                down = f(work)
                flat[k] = old
                grad[k] = (up - down) / (2 * eps)
            return grad.reshape(work.shape)
    """}),
    Variant("caller's theta perturbed and restored exactly",
            {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            grad = np.zeros(theta.shape)
            for idx in np.ndindex(theta.shape):
                old = theta[idx]
                theta[idx] = old + eps
                up = f(theta)
                theta[idx] = old - eps
                down = f(theta)
                theta[idx] = old
                grad[idx] = (up - down) / (2 * eps)
            return grad
    """}),
    Variant("central differences with basis arrays, 0.5/eps",
            {"numerical_gradient": """
        def numerical_gradient(f, theta, eps=1e-6):
            theta = np.asarray(theta, dtype=float)
            grad = np.empty(theta.shape)
            for k in range(theta.size):
                e = np.zeros(theta.size)
                e[k] = eps
                e = e.reshape(theta.shape)
                grad.flat[k] = (f(theta + e) - f(theta - e)) * (0.5 / eps)
            return grad
    """}),
    Variant("relative error with a loop, as np.float64 (the old oracle's)",
            {"relative_error": """
        def relative_error(a, b):
            a = np.ravel(np.asarray(a, dtype=float))
            b = np.ravel(np.asarray(b, dtype=float))
            worst = np.float64(0.0)
            for p, q in zip(a, b):
                worst = max(worst, abs(p - q) / max(1e-12, abs(p) + abs(q)))
            return worst
    """}),
    Variant("relative error with np.fmax and .max(), 0-d array out",
            {"relative_error": """
        def relative_error(a, b):
            a, b = np.asarray(a, float), np.asarray(b, float)
            r = np.abs(a - b) / np.fmax(np.abs(a) + np.abs(b), 1e-12)
            return np.asarray(r.max())
    """}),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
FD_CODE = next(v for v in WRONG if "own numerical_gradient" in v.name
               ).cells["neuron_backward"]


# -- the visible checks, as a learner runs them in the notebook ---------------

def notebook_function(code, name, **names):
    """``name`` as a notebook cell defines it, beside the lesson's given
    functions and ``names``."""
    namespace = {"np": np, **names}
    for source in (lesson03_given(), textwrap.dedent(code)):
        exec(compile(source, "<cell>", "exec"), namespace)
    return namespace[name]


def lesson03_given():
    from grading_harness import learner_notebook

    nb = learner_notebook(LESSON)
    return "\n\n".join(c.source for c in nb.cells
                       if c.metadata.get("course", {}).get("given"))


SOLUTION_SLOPE = """
def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1 - s)
"""


def test_visible_check_blames_a_wrong_sigmoid_grad():
    """In the notebook there is no stand-in: a backward pass that is right
    but calls a wrong sigmoid_grad is told to fix sigmoid_grad first."""
    slope = notebook_function("def sigmoid_grad(z):\n    return sigmoid(z)",
                              "sigmoid_grad")
    right = notebook_function(backward(MSE_DELTA, BCE_DELTA)[
        "neuron_backward"], "neuron_backward", sigmoid_grad=slope)
    with pytest.raises(CheckFailed, match=r"fix `sigmoid_grad` first"):
        lesson03.check_neuron_backward_mse(right)


def test_visible_check_stops_finite_differences_in_time(capsys):
    """A finite-difference backward pass fails the visible check within
    its time limit, saying why; a loop-written one passes."""
    import time

    slope = notebook_function(SOLUTION_SLOPE, "sigmoid_grad")
    numgrad = notebook_function(central("""
        theta[idx] = old + eps
        up = f(theta)
        theta[idx] = old - eps
        down = f(theta)
        theta[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    """)["numerical_gradient"], "numerical_gradient")
    fd = notebook_function(FD_CODE, "neuron_backward", sigmoid_grad=slope,
                           numerical_gradient=numgrad)
    start = time.perf_counter()
    with pytest.raises(CheckFailed, match=r"(?i)in time.*finite differ"):
        lesson03.check_neuron_backward_mse(fd)
    assert time.perf_counter() - start < 2 * lesson03.SECONDS + 1
    loops = next(v for v in RIGHT if "loops over samples and features"
                 in v.name).cells["neuron_backward"]
    lesson03.check_neuron_backward_bce(notebook_function(
        loops, "neuron_backward", sigmoid_grad=slope))
    assert "✓" in capsys.readouterr().out


