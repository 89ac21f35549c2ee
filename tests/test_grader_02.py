"""Lesson 02's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with MSE and binary
cross-entropy and their gradients; right variants are the many ways to be
correct (loops, other formulas, other clipping eps, float or 0-d array)
that naive tests wrongly reject.
"""

from grading_harness import Variant, lesson_tests

LESSON = "02-loss-functions"
MSE, MSE_GRAD = "test_mse_values", "test_mse_grad"
BCE, BCE_STABLE = "test_bce_values", "test_bce_stable"
GRAD, GRAD_STABLE = "test_bce_grad", "test_bce_grad_stable"


def fn(name, args, body):
    return {name: f"import numpy as np\n\ndef {name}({args}):\n" + body}


def mse(body):
    return fn("mse", "y_hat, y", body)


def mse_grad(body):
    return fn("mse_grad", "y_hat, y", body)


def bce(body):
    return fn("bce", "y_hat, y, eps=1e-12", body)


def bce_grad(body):
    return fn("bce_grad", "y_hat, y, eps=1e-12", body)


ARRAYS = ("    y_hat = np.asarray(y_hat, dtype=float)\n"
          "    y = np.asarray(y, dtype=float)\n")
CLIPPED = ("    p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)\n"
           "    y = np.asarray(y, dtype=float)\n")

WRONG = [
    # mse
    Variant("mse: sum instead of mean",
            mse(ARRAYS + "    return float(np.sum((y_hat - y) ** 2))"),
            fails={MSE}, passes={MSE_GRAD}, says=r"sum"),
    Variant("mse: mean over axis 0 for 2-D input",
            mse(ARRAYS + "    return np.mean((y_hat - y) ** 2, axis=0)"),
            fails={MSE}, says=r"axis"),
    Variant("mse: mean of each row for 2-D input",
            mse(ARRAYS + "    sq = (y_hat - y) ** 2\n"
                "    return np.mean(sq, axis=-1) if sq.ndim else float(sq)"),
            fails={MSE}, says=r"not one number"),
    Variant("mse: sum divided by the number of rows",
            mse(ARRAYS + "    return float(np.sum((y_hat - y) ** 2)"
                " / max(1, len(np.atleast_1d(y_hat))))"),
            fails={MSE}, says=r"rows"),
    Variant("mse: absolute instead of squared error",
            mse(ARRAYS + "    return float(np.mean(np.abs(y_hat - y)))"),
            fails={MSE}, says=r"\|ŷ − y\|"),
    Variant("mse: the square forgotten",
            mse(ARRAYS + "    return float(np.mean(y_hat - y))"),
            fails={MSE}, says=r"square"),
    Variant("mse: the ½ convention",
            mse(ARRAYS + "    return float(np.mean((y_hat - y) ** 2) / 2)"),
            fails={MSE}, says=r"½"),
    Variant("mse: root mean squared error",
            mse(ARRAYS + "    return float(np.sqrt(np.mean((y_hat - y)**2)))"),
            fails={MSE}, says=r"root"),
    Variant("mse: returns a list",
            mse(ARRAYS + "    return [float(np.mean((y_hat - y) ** 2))]"),
            fails={MSE}, says=r"list"),
    Variant("mse: subtracts in place",
            mse("    y_hat = np.asarray(y_hat, dtype=float)\n"
                "    y_hat -= y\n"
                "    return float(np.mean(y_hat ** 2))"),
            fails={MSE}, says=r"in place"),
    Variant("mse: hard-coded worked example",
            mse("    return 0.04"), fails={MSE}),
    # mse_grad
    Variant("mse_grad: the 2 missing",
            mse_grad(ARRAYS + "    return (y_hat - y) / y_hat.size"),
            fails={MSE_GRAD}, passes={MSE}, says=r"factor of about 1/2.*½"),
    Variant("mse_grad: the 1/n missing",
            mse_grad(ARRAYS + "    return 2 * (y_hat - y)"),
            fails={MSE_GRAD}, says=r"factor of about n"),
    Variant("mse_grad: sign flipped",
            mse_grad(ARRAYS + "    return 2 * (y - y_hat) / y_hat.size"),
            fails={MSE_GRAD}, says=r"sign"),
    Variant("mse_grad: n as the number of rows",
            mse_grad(ARRAYS + "    n = len(y_hat) if y_hat.ndim else 1\n"
                     "    return 2 * (y_hat - y) / n"),
            fails={MSE_GRAD}, says=r"rows"),
    Variant("mse_grad: returns the mean, not an array",
            mse_grad(ARRAYS + "    return float(np.mean(2 * (y_hat - y)))"),
            fails={MSE_GRAD}, says=r"shape|number"),
    Variant("mse_grad: returns a list",
            mse_grad(ARRAYS + "    g = 2 * (y_hat - y) / y_hat.size\n"
                     "    return g.tolist() if g.ndim else float(g)"),
            fails={MSE_GRAD}, says=r"list"),
    Variant("mse_grad: subtracts in place",
            mse_grad("    y_hat = np.asarray(y_hat, dtype=float)\n"
                     "    y_hat -= y\n"
                     "    return 2 * y_hat / y_hat.size"),
            fails={MSE_GRAD}, says=r"in place"),
    # bce
    Variant("bce: no clipping",
            bce(ARRAYS + "    return float(-np.mean(y * np.log(y_hat)"
                " + (1 - y) * np.log(1 - y_hat)))"),
            fails={BCE_STABLE}, passes={BCE, GRAD, GRAD_STABLE},
            says=r"log\(0\).*clip"),
    Variant("bce: no clipping, warnings silenced",
            bce(ARRAYS + "    with np.errstate(all='ignore'):\n"
                "        return float(-np.mean(y * np.log(y_hat)"
                " + (1 - y) * np.log(1 - y_hat)))"),
            fails={BCE_STABLE}, passes={BCE}, says=r"clip"),
    Variant("bce: np.where on y, unclipped, evaluates log(0)",
            bce(ARRAYS + "    return float(-np.mean(np.where("
                "y == 1, np.log(y_hat), np.log(1 - y_hat))))"),
            fails={BCE_STABLE}, passes={BCE}, says=r"clip"),
    Variant("bce: wrong sign of the log terms",
            bce(CLIPPED + "    return float(np.mean(y * np.log(p)"
                " + (1 - y) * np.log(1 - p)))"),
            fails={BCE}, says=r"minus sign"),
    Variant("bce: log(1 - y) instead of log(1 - y_hat)",
            bce(CLIPPED + "    with np.errstate(all='ignore'):\n"
                "        return float(-np.mean(y * np.log(p)"
                " + (1 - y) * np.log(1 - y)))"),
            fails={BCE}, says=r"1 − y instead of ŷ"),
    Variant("bce: log base 10",
            bce(CLIPPED + "    return float(-np.mean(y * np.log10(p)"
                " + (1 - y) * np.log10(1 - p)))"),
            fails={BCE}, says=r"natural"),
    Variant("bce: sum instead of mean",
            bce(CLIPPED + "    return float(-np.sum(y * np.log(p)"
                " + (1 - y) * np.log(1 - p)))"),
            fails={BCE}, says=r"sum"),
    Variant("bce: mean over axis 0",
            bce(CLIPPED + "    return -np.mean(y * np.log(p)"
                " + (1 - y) * np.log(1 - p), axis=0)"),
            fails={BCE}, says=r"axis"),
    Variant("bce: only the y log(y_hat) term",
            bce(CLIPPED + "    return float(-np.mean(y * np.log(p)))"),
            fails={BCE}, says=r"missing"),
    Variant("bce: clips in place with out=",
            bce("    y_hat = np.asarray(y_hat, dtype=float)\n"
                "    y = np.asarray(y, dtype=float)\n"
                "    np.clip(y_hat, eps, 1 - eps, out=y_hat)\n"
                "    return float(-np.mean(y * np.log(y_hat)"
                " + (1 - y) * np.log(1 - y_hat)))"),
            fails={BCE_STABLE}, passes={BCE}, says=r"in place"),
    Variant("bce: eps far too large (1e-3)",
            bce("    p = np.clip(np.asarray(y_hat, dtype=float), 1e-3,"
                " 1 - 1e-3)\n"
                "    y = np.asarray(y, dtype=float)\n"
                "    return float(-np.mean(y * np.log(p)"
                " + (1 - y) * np.log(1 - p)))"),
            fails={BCE_STABLE}, says=r"tiny eps"),
    Variant("bce: returns a list",
            bce(CLIPPED + "    return [float(-np.mean(y * np.log(p)"
                " + (1 - y) * np.log(1 - p)))]"),
            fails={BCE}, says=r"list"),
    # bce_grad
    Variant("bce_grad: the 1/n missing",
            bce_grad(CLIPPED + "    return (p - y) / (p * (1 - p))"),
            fails={GRAD}, passes={BCE, BCE_STABLE},
            says=r"factor of about n"),
    Variant("bce_grad: sign error",
            bce_grad(CLIPPED + "    return (y - p) / (p * (1 - p)) / p.size"),
            fails={GRAD}, says=r"sign"),
    Variant("bce_grad: sign error in the second term",
            bce_grad(CLIPPED + "    return (-y / p - (1 - y) / (1 - p))"
                     " / p.size"),
            fails={GRAD}, says=r"second term"),
    Variant("bce_grad: unclipped",
            bce_grad(ARRAYS + "    return (y_hat - y) / (y_hat * (1 - y_hat))"
                     " / y_hat.size"),
            fails={GRAD_STABLE}, passes={GRAD}, says=r"clip"),
    Variant("bce_grad: unclipped, warnings silenced, nan replaced",
            bce_grad(ARRAYS + "    with np.errstate(all='ignore'):\n"
                     "        g = (y_hat - y) / (y_hat * (1 - y_hat))\n"
                     "    return np.nan_to_num(g / y_hat.size)"),
            fails={GRAD_STABLE}, passes={GRAD}, says=r"huge, finite"),
    Variant("bce_grad: y_hat(1 - y_hat) missing",
            bce_grad(CLIPPED + "    return (p - y) / p.size"),
            fails={GRAD, GRAD_STABLE}, says=r"ŷ\(1 − ŷ\) missing"),
    Variant("bce_grad: n as the number of rows",
            bce_grad(CLIPPED + "    n = len(p) if p.ndim else 1\n"
                     "    return (p - y) / (p * (1 - p)) / n"),
            fails={GRAD}, says=r"rows"),
    Variant("bce_grad: gradient of a log10 BCE",
            bce_grad(CLIPPED + "    return (p - y) / (p * (1 - p)) / p.size"
                     " / np.log(10)"),
            fails={GRAD}, says=r"natural"),
    Variant("bce_grad: clips in place with out=",
            bce_grad("    y_hat = np.asarray(y_hat, dtype=float)\n"
                     "    np.clip(y_hat, eps, 1 - eps, out=y_hat)\n"
                     "    return (y_hat - y) / (y_hat * (1 - y_hat))"
                     " / y_hat.size"),
            fails={GRAD_STABLE}, passes={GRAD}, says=r"in place"),
    Variant("bce_grad: returns a list",
            bce_grad(CLIPPED + "    g = (p - y) / (p * (1 - p)) / p.size\n"
                     "    return g.tolist() if g.ndim else float(g)"),
            fails={GRAD}, says=r"list"),
]

RIGHT = [
    Variant("solution as written"),
    # mse
    Variant("mse with loops over the flattened arrays",
            mse("    a = np.ravel(np.asarray(y_hat, dtype=float))\n"
                "    b = np.ravel(np.asarray(y, dtype=float))\n"
                "    total = 0.0\n"
                "    for p, t in zip(a, b):\n"
                "        total += (p - t) ** 2\n"
                "    return total / len(a)")),
    Variant("mse with np.average, np.float64 out",
            mse(ARRAYS + "    return np.average(np.square(y_hat - y))")),
    Variant("mse as sum over size, 0-d array out",
            mse(ARRAYS + "    return np.asarray(((y_hat - y) ** 2).sum()"
                " / y_hat.size)")),
    Variant("mse as a dot product",
            mse(ARRAYS + "    d = (y_hat - y).ravel()\n"
                "    return d @ d / d.size")),
    # mse_grad
    Variant("mse_grad with loops, 0-d array for a scalar",
            mse_grad(ARRAYS + "    g = np.empty_like(y_hat)\n"
                     "    for idx in np.ndindex(y_hat.shape):\n"
                     "        g[idx] = 2 * (y_hat[idx] - y[idx])"
                     " / y_hat.size\n"
                     "    return g")),
    Variant("mse_grad with np.subtract and np.size",
            mse_grad("    d = np.subtract(y_hat, y, dtype=float)\n"
                     "    return 2.0 / np.size(d) * d")),
    # bce
    Variant("bce with eps 1e-15 hard-coded and log1p",
            bce("    p = np.clip(np.asarray(y_hat, dtype=float), 1e-15,"
                " 1 - 1e-15)\n"
                "    y = np.asarray(y, dtype=float)\n"
                "    return float(-np.mean(y * np.log(p)"
                " + (1 - y) * np.log1p(-p)))")),
    Variant("bce with eps 1e-7 hard-coded",
            bce("    p = np.clip(np.asarray(y_hat, dtype=float), 1e-7,"
                " 1 - 1e-7)\n"
                "    y = np.asarray(y, dtype=float)\n"
                "    return float(-np.mean(y * np.log(p)"
                " + (1 - y) * np.log(1 - p)))")),
    Variant("bce clipping inside each log (xlogy-like)",
            bce(ARRAYS + "    a = np.log(np.maximum(y_hat, eps))\n"
                "    b = np.log(np.maximum(1 - y_hat, eps))\n"
                "    return -np.mean(y * a + (1 - y) * b)")),
    Variant("bce with np.where on the clipped y_hat",
            bce(CLIPPED + "    return float(-np.mean(np.log("
                "np.where(y == 1, p, 1 - p))))")),
    Variant("bce adding eps instead of clipping",
            bce(ARRAYS + "    return float(-np.mean(y * np.log(y_hat + eps)"
                " + (1 - y) * np.log(1 - y_hat + eps)))")),
    Variant("bce with np.minimum/np.maximum and np.average, 0-d out",
            bce(ARRAYS + "    p = np.maximum(y_hat, eps)\n"
                "    p = np.minimum(p, 1 - eps)\n"
                "    losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))\n"
                "    return np.asarray(np.average(losses))")),
    Variant("bce with a python loop and math.log",
            bce("    import math\n"
                "    a = np.ravel(np.asarray(y_hat, dtype=float))\n"
                "    b = np.ravel(np.asarray(y, dtype=float))\n"
                "    total = 0.0\n"
                "    for p, t in zip(a, b):\n"
                "        p = min(max(p, eps), 1 - eps)\n"
                "        total -= t * math.log(p)\n"
                "        total -= (1 - t) * math.log(1 - p)\n"
                "    return total / len(a)")),
    # bce_grad
    Variant("bce_grad as -y/p + (1 - y)/(1 - p), over n",
            bce_grad(CLIPPED + "    return (-y / p + (1 - y) / (1 - p))"
                     " / np.size(p)")),
    Variant("bce_grad with eps 1e-15 hard-coded",
            bce_grad("    p = np.clip(np.asarray(y_hat, dtype=float), 1e-15,"
                     " 1 - 1e-15)\n"
                     "    return (p - np.asarray(y)) / (p * (1 - p))"
                     " / p.size")),
    Variant("bce_grad with eps 1e-7 hard-coded",
            bce_grad("    p = np.clip(np.asarray(y_hat, dtype=float), 1e-7,"
                     " 1 - 1e-7)\n"
                     "    return (p - np.asarray(y)) / (p * (1 - p))"
                     " / p.size")),
    Variant("bce_grad adding eps in the denominators",
            bce_grad(ARRAYS + "    return (-y / (y_hat + eps)"
                     " + (1 - y) / (1 - y_hat + eps)) / y_hat.size")),
    Variant("bce_grad with loops",
            bce_grad(ARRAYS + "    g = np.zeros_like(y_hat)\n"
                     "    for idx in np.ndindex(y_hat.shape):\n"
                     "        p = min(max(y_hat[idx], eps), 1 - eps)\n"
                     "        g[idx] = (p - y[idx]) / (p * (1 - p))"
                     " / y_hat.size\n"
                     "    return g")),
    Variant("bce_grad zero at certainly right predictions",
            bce_grad(ARRAYS + "    p = np.clip(y_hat, eps, 1 - eps)\n"
                     "    g = (p - y) / (p * (1 - p)) / y_hat.size\n"
                     "    right = (y_hat == y)\n"
                     "    return np.where(right, 0.0, g)")),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
