"""Lesson 01's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with a sigmoid and a
neuron's forward pass; right variants are the many ways to be correct that
naive tests wrongly reject.
"""

from grading_harness import Variant, lesson_tests

LESSON = "01-sigmoid-neuron"
VALUES, STABLE, NEURON = ("test_sigmoid_values", "test_sigmoid_stable",
                          "test_neuron_forward")


def sig(body):
    return {"sigmoid": "import numpy as np\n\ndef sigmoid(z):\n" + body}


def neu(body):
    return {"neuron_forward":
            "import numpy as np\n\ndef neuron_forward(X, w, b):\n" + body}


WRONG = [
    Variant("sign error in the exponent",
            sig("    return 1 / (1 + np.exp(z))"),
            fails={VALUES}, says=r"sign"),
    Variant("missing parentheses",
            sig("    return 1 / 1 + np.exp(-z)"), fails={VALUES}),
    Variant("naive formula overflows",
            sig("    return 1 / (1 + np.exp(-z))"),
            fails={STABLE}, passes={VALUES}, says=r"overflow"),
    Variant("exp ratio gives nan at +1000",
            sig("    return np.exp(z) / (1 + np.exp(z))"),
            fails={STABLE}, says=r"overflow|nan"),
    Variant("np.where evaluates both branches",
            sig("    z = np.asarray(z, dtype=float)\n"
                "    return np.where(z >= 0, 1 / (1 + np.exp(-z)),\n"
                "                    np.exp(z) / (1 + np.exp(z)))"),
            fails={STABLE}, says=r"np\.where|overflow"),
    Variant("math.exp works only for scalars",
            sig("    import math\n    return 1 / (1 + math.exp(-z))"),
            fails={VALUES}, says=r"raised TypeError"),
    Variant("returns a list",
            sig("    flat = np.ravel(z)\n"
                "    return [float(np.exp(-np.logaddexp(0, -v)))"
                " for v in flat]"),
            fails={VALUES}, says=r"list"),
    Variant("negates its input in place",
            sig("    z *= -1\n"
                "    return np.exp(-np.logaddexp(0, z))"),
            fails={VALUES}, says=r"in place"),
    Variant("hard-coded 0.5 passes sigmoid(0) only",
            sig("    return 0.5"), fails={VALUES}),
    Variant("rounded output",
            sig("    return np.round(np.exp(-np.logaddexp(0, -z)), 3)"),
            fails={VALUES}),
    Variant("neuron without the sigmoid",
            neu("    return X @ w + b"), fails={NEURON},
            passes={VALUES, STABLE}, says=r"sigmoid|wrong"),
    Variant("neuron without the bias",
            neu("    return sigmoid(X @ w)"), fails={NEURON}),
    Variant("neuron subtracts the bias",
            neu("    return sigmoid(X @ w - b)"), fails={NEURON}),
    Variant("neuron transposes X",
            neu("    return sigmoid(X.T @ w + b)"), fails={NEURON}),
    Variant("neuron returns a column (n, 1)",
            neu("    return sigmoid((X @ w + b).reshape(-1, 1))"),
            fails={NEURON}, says=r"shape"),
    Variant("neuron sums over the wrong axis",
            neu("    return sigmoid(np.sum(X * w, axis=0) + b)"),
            fails={NEURON}, says=r"shape|axis|raised"),
    Variant("neuron works only for a batch",
            neu("    out = np.empty(X.shape[0])\n"
                "    for i in range(X.shape[0]):\n"
                "        out[i] = sigmoid(X[i] @ w + b)\n"
                "    return out"),
            fails={NEURON}),
    Variant("neuron scales X in place",
            neu("    X *= w\n    return sigmoid(X.sum(axis=-1) + b)"),
            fails={NEURON}, says=r"in place"),
    Variant("neuron hard-coded",
            neu("    return np.full(np.shape(X)[:-1], 0.5)"),
            fails={NEURON}),
    Variant("right neuron, wrong sigmoid: the message blames sigmoid",
            sig("    return 1 / (1 + np.exp(z))"),
            fails={VALUES, NEURON}, says=r"fix `sigmoid` first"),
]

RIGHT = [
    Variant("solution as written"),
    Variant("two branches on their own elements, 0-d array out",
            sig("    z = np.asarray(z, dtype=float)\n"
                "    out = np.empty_like(z)\n"
                "    pos = z >= 0\n"
                "    out[pos] = 1 / (1 + np.exp(-z[pos]))\n"
                "    ez = np.exp(z[~pos])\n"
                "    out[~pos] = ez / (1 + ez)\n"
                "    return out")),
    Variant("tanh identity",
            sig("    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z)))")),
    Variant("clip z at +-500",
            sig("    z = np.clip(z, -500, 500)\n"
                "    return 1 / (1 + np.exp(-z))")),
    Variant("logaddexp",
            sig("    return np.exp(-np.logaddexp(0.0, -z))")),
    Variant("python loop with math, float out for a scalar",
            sig("    import math\n"
                "    def one(v):\n"
                "        if v >= 0:\n"
                "            return 1 / (1 + math.exp(-v))\n"
                "        e = math.exp(v)\n"
                "        return e / (1 + e)\n"
                "    if np.ndim(z) == 0:\n"
                "        return one(float(z))\n"
                "    z = np.asarray(z, dtype=float)\n"
                "    out = np.empty(z.shape)\n"
                "    for idx in np.ndindex(z.shape):\n"
                "        out[idx] = one(z[idx])\n"
                "    return out")),
    Variant("errstate around the exp of the negative branch",
            sig("    z = np.asarray(z, dtype=float)\n"
                "    with np.errstate(over='ignore'):\n"
                "        return 1 / (1 + np.exp(-z))")),
    Variant("neuron with np.dot", neu("    return sigmoid(np.dot(X, w) + b)")),
    Variant("neuron with einsum",
            neu("    z = np.einsum('...f,f->...', X, w) + b\n"
                "    return sigmoid(z)")),
    Variant("neuron summing the last axis",
            neu("    return sigmoid((X * w).sum(axis=-1) + b)")),
    Variant("neuron as w @ X.T",
            neu("    return sigmoid(w @ np.asarray(X).T + b)")),
    Variant("neuron with loops",
            neu("    X = np.asarray(X, dtype=float)\n"
                "    if X.ndim == 1:\n"
                "        return sigmoid(sum(x * v for x, v in zip(X, w))"
                " + b)\n"
                "    out = np.zeros(len(X))\n"
                "    for i, row in enumerate(X):\n"
                "        total = b\n"
                "        for x, v in zip(row, w):\n"
                "            total += x * v\n"
                "        out[i] = sigmoid(total)\n"
                "    return out")),
    Variant("neuron with its own inline sigmoid",
            neu("    z = X @ w + b\n"
                "    return 0.5 * (1 + np.tanh(z / 2))")),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
