"""Lesson 02's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with MSE and binary
cross-entropy and their gradients, the answers the old visible checks gave
away, and slips that must cost only their own requirement's points; right
variants are the many ways to be correct (loops, other formulas, float or
0-d array, and any eps up to 1e-7, clipping ŷ or added inside the
logarithm) that naive tests wrongly reject.
"""

import nbformat
from grading_harness import LESSONS, Variant, lesson_tests

from autograder import grading

LESSON = "02-loss-functions"
MSE, MSE_UNCHANGED = "test_mse_values", "test_mse_unchanged"
MSE_GRAD, MSE_GRAD_UNCHANGED = "test_mse_grad", "test_mse_grad_unchanged"
BCE, BCE_UNCHANGED, BCE_STABLE = ("test_bce_values", "test_bce_unchanged",
                                  "test_bce_stable")
GRAD, GRAD_UNCHANGED, GRAD_STABLE = ("test_bce_grad",
                                     "test_bce_grad_unchanged",
                                     "test_bce_grad_stable")
ALL_BCE = {BCE, BCE_UNCHANGED, BCE_STABLE}
ALL_GRAD = {GRAD, GRAD_UNCHANGED, GRAD_STABLE}

WRONG = [
    # -- mse
    Variant("mse: sum instead of mean", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(np.sum((y_hat - y) ** 2))
    """}, fails={MSE}, passes={MSE_UNCHANGED, MSE_GRAD}, says=r"sum",
            loses=2),
    Variant("mse: mean over axis 0 for 2-D input", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return np.mean((y_hat - y) ** 2, axis=0)
    """}, fails={MSE}, passes={MSE_UNCHANGED}, says=r"axis"),
    Variant("mse: mean of each row for 2-D input", {"mse": """
        def mse(y_hat, y):
            sq = (np.asarray(y_hat, dtype=float) - np.asarray(y)) ** 2
            return np.mean(sq, axis=-1) if sq.ndim else float(sq)
    """}, fails={MSE}, says=r"not one number"),
    Variant("mse: sum divided by the number of rows", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            rows = max(1, len(np.atleast_1d(y_hat)))
            return float(np.sum((y_hat - y) ** 2) / rows)
    """}, fails={MSE}, says=r"rows"),
    Variant("mse: absolute instead of squared error", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(np.mean(np.abs(y_hat - y)))
    """}, fails={MSE}, says=r"\|ŷ − y\|"),
    Variant("mse: the square forgotten", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(np.mean(y_hat - y))
    """}, fails={MSE}, says=r"square"),
    Variant("mse: the ½ convention costs only mse's values", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(np.mean((y_hat - y) ** 2) / 2)
    """}, fails={MSE}, passes={MSE_UNCHANGED, MSE_GRAD}, says=r"½",
            loses=2),
    Variant("mse: root mean squared error", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(np.sqrt(np.mean((y_hat - y) ** 2)))
    """}, fails={MSE}, says=r"root"),
    Variant("mse: returns a list", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return [float(np.mean((y_hat - y) ** 2))]
    """}, fails={MSE}, says=r"list"),
    Variant("mse: subtracts in place, a slip of 1 point", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y_hat -= y
            return float(np.mean(y_hat ** 2))
    """}, fails={MSE_UNCHANGED}, passes={MSE}, says=r"in place", loses=1),
    Variant("mse: hard-coded worked example", {"mse": """
        def mse(y_hat, y):
            return 0.04
    """}, fails={MSE, MSE_UNCHANGED}),
    Variant("mse: hard-coded visible table", {"mse": """
        def mse(y_hat, y):
            table = {0.8: 0.04, 0.3: 0.09}
            if np.ndim(y_hat) == 0:
                return table.get(float(y_hat), 0.0)
            return {2: 0.025, 6: 0.27666666666666667}.get(np.size(y_hat),
                                                           0.0)
    """}, fails={MSE}),
    # -- mse_grad
    Variant("mse_grad: the 2 missing (the ½ convention)", {"mse_grad": """
        def mse_grad(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return (y_hat - y) / y_hat.size
    """}, fails={MSE_GRAD}, passes={MSE, MSE_GRAD_UNCHANGED},
            says=r"factor of about 1/2.*½", loses=2),
    Variant("mse_grad: the 1/n missing", {"mse_grad": """
        def mse_grad(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return 2 * (y_hat - y)
    """}, fails={MSE_GRAD}, passes={MSE_GRAD_UNCHANGED},
            says=r"factor of about n", loses=2),
    Variant("mse_grad: sign flipped", {"mse_grad": """
        def mse_grad(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return 2 * (y - y_hat) / y_hat.size
    """}, fails={MSE_GRAD}, passes={MSE_GRAD_UNCHANGED}, says=r"sign",
            loses=2),
    Variant("mse_grad: n as the number of rows", {"mse_grad": """
        def mse_grad(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            n = len(y_hat) if y_hat.ndim else 1
            return 2 * (y_hat - y) / n
    """}, fails={MSE_GRAD}, says=r"rows"),
    Variant("mse_grad: returns the mean, not an array", {"mse_grad": """
        def mse_grad(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(np.mean(2 * (y_hat - y)))
    """}, fails={MSE_GRAD}, says=r"shape|number"),
    Variant("mse_grad: returns a list", {"mse_grad": """
        def mse_grad(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            g = 2 * (y_hat - np.asarray(y, dtype=float)) / y_hat.size
            return g.tolist() if g.ndim else float(g)
    """}, fails={MSE_GRAD}, says=r"list"),
    Variant("mse_grad: subtracts in place, a slip of 1 point",
            {"mse_grad": """
        def mse_grad(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y_hat -= y
            return 2 * y_hat / y_hat.size
    """}, fails={MSE_GRAD_UNCHANGED}, passes={MSE_GRAD}, says=r"in place",
            loses=1),
    Variant("mse_grad: hard-coded worked example", {"mse_grad": """
        def mse_grad(y_hat, y):
            if np.ndim(y_hat) == 0:
                return -0.4
            return np.array([-0.2, 0.1])
    """}, fails={MSE_GRAD, MSE_GRAD_UNCHANGED}),
    # -- bce
    Variant("bce: no clipping, a slip of 1 point", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(y_hat)
                                  + (1 - y) * np.log(1 - y_hat)))
    """}, fails={BCE_STABLE}, passes={BCE, BCE_UNCHANGED} | ALL_GRAD,
            says=r"log\(0\).*clip", loses=1),
    Variant("bce: no clipping, warnings silenced", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            with np.errstate(all="ignore"):
                return float(-np.mean(y * np.log(y_hat)
                                      + (1 - y) * np.log(1 - y_hat)))
    """}, fails={BCE_STABLE}, passes={BCE, BCE_UNCHANGED}, says=r"clip",
            loses=1),
    Variant("bce: np.where on y, unclipped, evaluates log(0)", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(np.where(y == 1, np.log(y_hat),
                                           np.log(1 - y_hat))))
    """}, fails={BCE_STABLE}, passes={BCE}, says=r"clip", loses=1),
    Variant("bce: the minus sign missing costs only bce's values", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    """}, fails={BCE}, passes={BCE_UNCHANGED, BCE_STABLE},
            says=r"minus sign", loses=2),
    Variant("bce: log(1 - y) instead of log(1 - y_hat)", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            with np.errstate(all="ignore"):
                return float(-np.mean(y * np.log(p)
                                      + (1 - y) * np.log(1 - y)))
    """}, fails={BCE}, says=r"1 − y instead of ŷ"),
    Variant("bce: log base 10", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log10(p)
                                  + (1 - y) * np.log10(1 - p)))
    """}, fails={BCE}, passes={BCE_UNCHANGED, BCE_STABLE}, says=r"natural",
            loses=2),
    Variant("bce: sum instead of mean", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
    """}, fails={BCE}, passes={BCE_UNCHANGED, BCE_STABLE}, says=r"sum",
            loses=2),
    Variant("bce: mean over axis 0", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), axis=0)
    """}, fails={BCE}, says=r"axis"),
    Variant("bce: only the y log(y_hat) term", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(p)))
    """}, fails={BCE}, says=r"missing"),
    Variant("bce: the two logs swapped", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(1 - p) + (1 - y) * np.log(p)))
    """}, fails={BCE}, says=r"swapped"),
    Variant("bce: clips in place with out=, a slip of 1 point", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            np.clip(y_hat, eps, 1 - eps, out=y_hat)
            return float(-np.mean(y * np.log(y_hat)
                                  + (1 - y) * np.log(1 - y_hat)))
    """}, fails={BCE_UNCHANGED}, passes={BCE, BCE_STABLE}, says=r"in place",
            loses=1),
    Variant("bce: clips with eps far too large (1e-3), a slip of 1 point",
            {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), 1e-3, 1 - 1e-3)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    """}, fails={BCE_STABLE}, passes={BCE, BCE_UNCHANGED},
            says=r"tiny eps", loses=1),
    Variant("bce: eps 1e-3 added inside the log", {"bce": """
        def bce(y_hat, y, eps=1e-3):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(y_hat + eps)
                                  + (1 - y) * np.log(1 - y_hat + eps)))
    """}, fails={BCE}, says=r"close.*eps up to 1e-07"),
    Variant("bce: eps 1e-5 added inside the log, beyond 1e-7", {"bce": """
        def bce(y_hat, y, eps=1e-5):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(y_hat + eps)
                                  + (1 - y) * np.log(1 - y_hat + eps)))
    """}, fails={BCE}, says=r"close.*eps up to 1e-07"),
    Variant("bce: inf and nan replaced by huge numbers", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            with np.errstate(all="ignore"):
                terms = y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)
            return float(-np.mean(np.nan_to_num(terms)))
    """}, fails={BCE_STABLE}, passes={BCE}, says=r"clip"),
    Variant("bce: returns a list", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return [float(-np.mean(y * np.log(p)
                                   + (1 - y) * np.log(1 - p)))]
    """}, fails={BCE}, says=r"list"),
    Variant("bce: hard-coded worked number", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            return 0.223
    """}, fails={BCE, BCE_UNCHANGED, BCE_STABLE}),
    Variant("bce: the old visible check's unclipped cross_entropy", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return -np.mean(np.log(np.where(y == 1, y_hat, 1 - y_hat)))
    """}, fails={BCE_STABLE}, passes={BCE}, says=r"clip", loses=1),
    # -- bce_grad
    Variant("bce_grad: the 1/n missing costs only its values",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return (p - y) / (p * (1 - p))
    """}, fails={GRAD}, passes={GRAD_UNCHANGED, GRAD_STABLE} | ALL_BCE,
            says=r"factor of about n", loses=2),
    Variant("bce_grad: sign error costs only its values", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return (y - p) / (p * (1 - p)) / p.size
    """}, fails={GRAD}, passes={GRAD_UNCHANGED, GRAD_STABLE}, says=r"sign",
            loses=2),
    Variant("bce_grad: sign error in the second term", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return (-y / p - (1 - y) / (1 - p)) / p.size
    """}, fails={GRAD}, passes={GRAD_UNCHANGED, GRAD_STABLE},
            says=r"second term", loses=2),
    Variant("bce_grad: unclipped, a slip of 1 point", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return (y_hat - y) / (y_hat * (1 - y_hat)) / y_hat.size
    """}, fails={GRAD_STABLE}, passes={GRAD, GRAD_UNCHANGED}, says=r"clip",
            loses=1),
    Variant("bce_grad: unclipped, warnings silenced, nan replaced",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            with np.errstate(all="ignore"):
                g = (y_hat - y) / (y_hat * (1 - y_hat))
            return np.nan_to_num(g / y_hat.size)
    """}, fails={GRAD_STABLE}, passes={GRAD, GRAD_UNCHANGED},
            says=r"huge, finite", loses=1),
    Variant("bce_grad: y_hat(1 - y_hat) missing", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            return (p - np.asarray(y, dtype=float)) / p.size
    """}, fails={GRAD, GRAD_STABLE}, passes={GRAD_UNCHANGED},
            says=r"ŷ\(1 − ŷ\) missing"),
    Variant("bce_grad: n as the number of rows", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            n = len(p) if p.ndim else 1
            return (p - y) / (p * (1 - p)) / n
    """}, fails={GRAD}, says=r"rows"),
    Variant("bce_grad: gradient of a log10 BCE", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return (p - y) / (p * (1 - p)) / p.size / np.log(10)
    """}, fails={GRAD}, passes={GRAD_UNCHANGED, GRAD_STABLE},
            says=r"natural", loses=2),
    Variant("bce_grad: clips in place with out=, a slip of 1 point",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            np.clip(y_hat, eps, 1 - eps, out=y_hat)
            return (y_hat - y) / (y_hat * (1 - y_hat)) / y_hat.size
    """}, fails={GRAD_UNCHANGED}, passes={GRAD, GRAD_STABLE},
            says=r"in place", loses=1),
    Variant("bce_grad: clips with eps far too large (1e-3)", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), 1e-3, 1 - 1e-3)
            y = np.asarray(y, dtype=float)
            return (p - y) / (p * (1 - p)) / p.size
    """}, fails={GRAD_STABLE}, passes={GRAD, GRAD_UNCHANGED},
            says=r"tiny eps", loses=1),
    Variant("bce_grad: eps 1e-3 in the denominators", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-3):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return (-y / (y_hat + eps) + (1 - y) / (1 - y_hat + eps)) \\
                / y_hat.size
    """}, fails={GRAD}, says=r"close.*eps up to 1e-07"),
    Variant("bce_grad: returns a list", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            g = (p - np.asarray(y)) / (p * (1 - p)) / p.size
            return g.tolist() if g.ndim else float(g)
    """}, fails={GRAD}, says=r"list"),
    Variant("bce_grad: hard-coded worked example", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            if np.ndim(y_hat) == 0:
                return -1.25
            return np.array([-0.625, 0.7142857142857143])
    """}, fails={GRAD, GRAD_UNCHANGED, GRAD_STABLE}),
]

RIGHT = [
    Variant("solution as written"),
    # -- mse
    Variant("mse with loops over the flattened arrays", {"mse": """
        def mse(y_hat, y):
            a = np.ravel(np.asarray(y_hat, dtype=float))
            b = np.ravel(np.asarray(y, dtype=float))
            total = 0.0
            for p, t in zip(a, b):
                total += (p - t) ** 2
            return total / len(a)
    """}),
    Variant("mse with np.average, np.float64 out", {"mse": """
        def mse(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            return np.average(np.square(y_hat - np.asarray(y)))
    """}),
    Variant("mse as sum over size, 0-d array out", {"mse": """
        def mse(y_hat, y):
            d = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
            return np.asarray((d ** 2).sum() / d.size)
    """}),
    Variant("mse as a dot product", {"mse": """
        def mse(y_hat, y):
            d = (np.asarray(y_hat, dtype=float) - np.asarray(y)).ravel()
            return d @ d / d.size
    """}),
    Variant("mse as the old visible check's squared_error", {"mse": """
        def mse(y_hat, y):
            return np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2)
    """}),
    # -- mse_grad
    Variant("mse_grad with loops, 0-d array for a scalar", {"mse_grad": """
        def mse_grad(y_hat, y):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            g = np.empty_like(y_hat)
            for idx in np.ndindex(y_hat.shape):
                g[idx] = 2 * (y_hat[idx] - y[idx]) / y_hat.size
            return g
    """}),
    Variant("mse_grad with np.subtract and np.size", {"mse_grad": """
        def mse_grad(y_hat, y):
            d = np.subtract(y_hat, y, dtype=float)
            return 2.0 / np.size(d) * d
    """}),
    # -- bce: clipping, any eps up to 1e-7
    Variant("bce with eps 1e-15 hard-coded and log1p", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), 1e-15, 1 - 1e-15)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
    """}),
    Variant("bce with eps 1e-7 hard-coded", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), 1e-7, 1 - 1e-7)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    """}),
    Variant("bce with eps=1e-7 as its default, np.clip", {"bce": """
        def bce(y_hat, y, eps=1e-7):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    """}),
    Variant("bce clipping inside each log (xlogy-like)", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            a = np.log(np.maximum(y_hat, eps))
            b = np.log(np.maximum(1 - y_hat, eps))
            return -np.mean(y * a + (1 - y) * b)
    """}),
    Variant("bce with np.where on the clipped y_hat", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(np.log(np.where(y == 1, p, 1 - p))))
    """}),
    Variant("bce with np.minimum/np.maximum and np.average, 0-d out",
            {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            p = np.minimum(np.maximum(y_hat, eps), 1 - eps)
            losses = -(y * np.log(p) + (1 - y) * np.log(1 - p))
            return np.asarray(np.average(losses))
    """}),
    Variant("bce with a python loop and math.log", {"bce": """
        import math

        def bce(y_hat, y, eps=1e-12):
            a = np.ravel(np.asarray(y_hat, dtype=float))
            b = np.ravel(np.asarray(y, dtype=float))
            total = 0.0
            for p, t in zip(a, b):
                p = min(max(p, eps), 1 - eps)
                total -= t * math.log(p)
                total -= (1 - t) * math.log(1 - p)
            return total / len(a)
    """}),
    # -- bce: eps added inside the logarithm
    Variant("bce adding eps 1e-12 inside the log", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(y_hat + eps)
                                  + (1 - y) * np.log(1 - y_hat + eps)))
    """}),
    Variant("bce adding eps=1e-7 (its default) inside the log", {"bce": """
        def bce(y_hat, y, eps=1e-7):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return -np.mean(y * np.log(y_hat + eps)
                            + (1 - y) * np.log(1 - y_hat + eps))
    """}),
    Variant("bce adding 1e-7 inside the log, with log1p", {"bce": """
        def bce(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(y_hat + 1e-7)
                                  + (1 - y) * np.log1p(1e-7 - y_hat)))
    """}),
    Variant("bce clipping at 1e-7 and adding 1e-7 inside the log too",
            {"bce": """
        def bce(y_hat, y, eps=1e-7):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return float(-np.mean(y * np.log(p + eps)
                                  + (1 - y) * np.log(1 - p + eps)))
    """}),
    Variant("bce with loops, eps=1e-7 inside math.log", {"bce": """
        import math

        def bce(y_hat, y, eps=1e-7):
            a = np.ravel(np.asarray(y_hat, dtype=float))
            b = np.ravel(np.asarray(y, dtype=float))
            total = 0.0
            for p, t in zip(a, b):
                if t == 1:
                    total -= math.log(p + eps)
                else:
                    total -= math.log(1 - p + eps)
            return total / len(a)
    """}),
    # -- bce_grad: clipping
    Variant("bce_grad as -y/p + (1 - y)/(1 - p), over n", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return (-y / p + (1 - y) / (1 - p)) / np.size(p)
    """}),
    Variant("bce_grad with eps 1e-15 hard-coded", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), 1e-15, 1 - 1e-15)
            return (p - np.asarray(y)) / (p * (1 - p)) / p.size
    """}),
    Variant("bce_grad with eps 1e-7 hard-coded", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            p = np.clip(np.asarray(y_hat, dtype=float), 1e-7, 1 - 1e-7)
            return (p - np.asarray(y)) / (p * (1 - p)) / p.size
    """}),
    Variant("bce_grad with eps=1e-7 as its default, np.clip",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-7):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return ((p - y) / (p * (1 - p)) / p.size)[()]
    """}),
    Variant("bce_grad with loops", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            g = np.zeros_like(y_hat)
            for idx in np.ndindex(y_hat.shape):
                p = min(max(y_hat[idx], eps), 1 - eps)
                g[idx] = (p - y[idx]) / (p * (1 - p)) / y_hat.size
            return g
    """}),
    Variant("bce_grad zero at certainly right predictions", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            p = np.clip(y_hat, eps, 1 - eps)
            g = (p - y) / (p * (1 - p)) / y_hat.size
            return np.where(y_hat == y, 0.0, g)
    """}),
    # -- bce_grad: eps added, the gradients of the eps-inside-the-log BCE
    Variant("bce_grad adding eps 1e-12 in the denominators", {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return (-y / (y_hat + eps) + (1 - y) / (1 - y_hat + eps)) \\
                / y_hat.size
    """}),
    Variant("bce_grad adding eps=1e-7 (its default) in the denominators",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-7):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return (-y / (y_hat + eps) + (1 - y) / (1 - y_hat + eps)) \\
                / y_hat.size
    """}),
    Variant("bce_grad as (y_hat - y)/((y_hat + eps)(1 - y_hat + eps))",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-7):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            d = (y_hat + eps) * (1 - y_hat + eps)
            return ((y_hat - y) / d / y_hat.size)[()]
    """}),
    Variant("bce_grad as (y_hat - y)/(y_hat(1 - y_hat) + 1e-7)",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-12):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            return (y_hat - y) / (y_hat * (1 - y_hat) + 1e-7) / y_hat.size
    """}),
    Variant("bce_grad of a BCE clipped at 1e-7 with 1e-7 inside the log",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-7):
            p = np.clip(np.asarray(y_hat, dtype=float), eps, 1 - eps)
            y = np.asarray(y, dtype=float)
            return (-y / (p + eps) + (1 - y) / (1 - p + eps)) / p.size
    """}),
    Variant("bce_grad with loops, eps=1e-7 in the denominators",
            {"bce_grad": """
        def bce_grad(y_hat, y, eps=1e-7):
            y_hat = np.asarray(y_hat, dtype=float)
            y = np.asarray(y, dtype=float)
            g = np.zeros(y_hat.shape)
            for idx in np.ndindex(y_hat.shape):
                if y[idx] == 1:
                    g[idx] = -1 / (y_hat[idx] + eps)
                else:
                    g[idx] = 1 / (1 - y_hat[idx] + eps)
            return g / y_hat.size
    """}),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)


def test_visible_checks_compute_no_answer():
    """The learner's notebook and coursetools.lesson02 hold none of the
    answer formulas that the old visible checks spelled out."""
    from pathlib import Path

    import coursetools.lesson02

    nb = nbformat.read(str(LESSONS / f"{LESSON}.ipynb"), 4)
    checks = "\n".join(c.source for c in nb.cells if grading.is_test_cell(c))
    module = Path(coursetools.lesson02.__file__).read_text()
    for formula in ("(y_hat - y) / (y_hat * (1 - y_hat))",
                    "(p - y) / (p * (1 - p))", "np.log(np.where(",
                    "np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2)",
                    "np.log(y_hat)", "np.log(p)", "central_difference",
                    "def numerical"):
        assert formula not in checks, f"a check cell spells out {formula}"
        assert formula not in module, (
            f"coursetools/lesson02.py spells out {formula}")
