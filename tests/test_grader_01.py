"""Lesson 01's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with a sigmoid and a
neuron's forward pass; right variants are the many ways to be correct that
naive tests wrongly reject.
"""

from grading_harness import Variant, lesson_tests

LESSON = "01-sigmoid-neuron"
VALUES, UNCHANGED, STABLE = ("test_sigmoid_values", "test_sigmoid_unchanged",
                             "test_sigmoid_stable")
BATCH, SAMPLE, NF_UNCHANGED = ("test_neuron_forward_batch",
                               "test_neuron_forward_sample",
                               "test_neuron_forward_unchanged")
NEURON = {BATCH, SAMPLE, NF_UNCHANGED}

WRONG = [
    Variant("sign error in the exponent", {"sigmoid": """
        def sigmoid(z):
            return 1 / (1 + np.exp(z))
    """}, fails={VALUES}, says=r"sign"),
    Variant("missing parentheses", {"sigmoid": """
        def sigmoid(z):
            return 1 / 1 + np.exp(-z)
    """}, fails={VALUES}, says=r"brackets"),
    Variant("naive formula overflows: a slip of 2 points", {"sigmoid": """
        def sigmoid(z):
            return 1 / (1 + np.exp(-z))
    """}, fails={STABLE}, passes={VALUES, UNCHANGED} | NEURON,
            says=r"overflow", loses=2),
    Variant("exp ratio gives nan at +1000", {"sigmoid": """
        def sigmoid(z):
            return np.exp(z) / (1 + np.exp(z))
    """}, fails={STABLE}, says=r"overflow|nan"),
    Variant("np.where evaluates both branches", {"sigmoid": """
        def sigmoid(z):
            z = np.asarray(z, dtype=float)
            return np.where(z >= 0, 1 / (1 + np.exp(-z)),
                            np.exp(z) / (1 + np.exp(z)))
    """}, fails={STABLE}, says=r"np\.where|overflow"),
    Variant("math.exp works only for scalars", {"sigmoid": """
        import math

        def sigmoid(z):
            return 1 / (1 + math.exp(-z))
    """}, fails={VALUES}, says=r"raised TypeError"),
    Variant("returns a list", {"sigmoid": """
        def sigmoid(z):
            return [float(np.exp(-np.logaddexp(0, -v))) for v in np.ravel(z)]
    """}, fails={VALUES}, says=r"list"),
    Variant("negates its input in place: a slip of 1 point", {"sigmoid": """
        def sigmoid(z):
            z *= -1
            return np.exp(-np.logaddexp(0, z))
    """}, fails={UNCHANGED}, passes={VALUES} | NEURON, says=r"in place",
            loses=1),
    Variant("hard-coded 0.5 passes sigmoid(0) only", {"sigmoid": """
        def sigmoid(z):
            return 0.5
    """}, fails={VALUES}),
    Variant("hard-coded visible table", {"sigmoid": """
        def sigmoid(z):
            table = {-2.0: 0.11920292202211753, -0.5: 0.3775406687981454,
                     0.0: 0.5, 1.0: 0.7310585786300049,
                     3.0: 0.9525741268224333, -1000.0: 0.0, 1000.0: 1.0}
            z = np.asarray(z, dtype=float)
            return np.vectorize(lambda v: table.get(float(v), 0.5))(z)[()]
    """}, fails={VALUES}),
    Variant("rounded output", {"sigmoid": """
        def sigmoid(z):
            return np.round(np.exp(-np.logaddexp(0, -z)), 3)
    """}, fails={VALUES}),
    Variant("neuron without the sigmoid", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return X @ w + b
    """}, fails={BATCH, SAMPLE}, passes={VALUES, STABLE},
            says=r"sigmoid applied"),
    Variant("neuron without the bias", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return sigmoid(X @ w)
    """}, fails={BATCH, SAMPLE}, says=r"bias"),
    Variant("neuron subtracts the bias", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return sigmoid(X @ w - b)
    """}, fails={BATCH}, says=r"subtracted"),
    Variant("neuron transposes X", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return sigmoid(X.T @ w + b)
    """}, fails={BATCH}),
    Variant("neuron returns a column (n, 1)", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return sigmoid((X @ w + b).reshape(-1, 1))
    """}, fails={BATCH}, says=r"shape"),
    Variant("neuron sums over the wrong axis", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return sigmoid(np.sum(X * w, axis=0) + b)
    """}, fails={BATCH}, says=r"shape|axis|raised"),
    Variant("neuron works only for a batch: a slip of 1 point",
            {"neuron_forward": """
        def neuron_forward(X, w, b):
            out = np.empty(X.shape[0])
            for i in range(X.shape[0]):
                out[i] = sigmoid(X[i] @ w + b)
            return out
    """}, fails={SAMPLE}, passes={BATCH, NF_UNCHANGED}, loses=1),
    Variant("neuron scales X in place: a slip of 1 point",
            {"neuron_forward": """
        def neuron_forward(X, w, b):
            X *= w
            return sigmoid(X.sum(axis=-1) + b)
    """}, fails={NF_UNCHANGED}, passes={BATCH, SAMPLE}, says=r"in place",
            loses=1),
    Variant("neuron hard-coded", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return np.full(np.shape(X)[:-1], 0.5)
    """}, fails={BATCH, SAMPLE}),
    Variant("right neuron, wrong sigmoid: only sigmoid's points lost",
            {"sigmoid": """
        def sigmoid(z):
            return 1 / (1 + np.exp(z))
    """}, fails={VALUES}, passes=NEURON),
    Variant("right neuron, unstable sigmoid: only sigmoid's points lost",
            {"sigmoid": """
        def sigmoid(z):
            return np.exp(z) / (1 + np.exp(z))
    """}, fails={STABLE}, passes=NEURON),
]

RIGHT = [
    Variant("solution as written"),
    Variant("two branches on their own elements, 0-d array out",
            {"sigmoid": """
        def sigmoid(z):
            z = np.asarray(z, dtype=float)
            out = np.empty_like(z)
            pos = z >= 0
            out[pos] = 1 / (1 + np.exp(-z[pos]))
            ez = np.exp(z[~pos])
            out[~pos] = ez / (1 + ez)
            return out
    """}),
    Variant("tanh identity", {"sigmoid": """
        def sigmoid(z):
            return 0.5 * (1 + np.tanh(0.5 * np.asarray(z)))
    """}),
    Variant("clip z at +-500", {"sigmoid": """
        def sigmoid(z):
            z = np.clip(z, -500, 500)
            return 1 / (1 + np.exp(-z))
    """}),
    Variant("logaddexp", {"sigmoid": """
        def sigmoid(z):
            return np.exp(-np.logaddexp(0.0, -z))
    """}),
    Variant("python loop with math, float out for a scalar", {"sigmoid": """
        import math

        def sigmoid(z):
            def one(v):
                if v >= 0:
                    return 1 / (1 + math.exp(-v))
                e = math.exp(v)
                return e / (1 + e)
            if np.ndim(z) == 0:
                return one(float(z))
            z = np.asarray(z, dtype=float)
            out = np.empty(z.shape)
            for idx in np.ndindex(z.shape):
                out[idx] = one(z[idx])
            return out
    """}),
    Variant("errstate around the exp of the negative branch", {"sigmoid": """
        def sigmoid(z):
            z = np.asarray(z, dtype=float)
            with np.errstate(over='ignore'):
                return 1 / (1 + np.exp(-z))
    """}),
    Variant("scipy-style expit written out", {"sigmoid": """
        def sigmoid(z):
            z = np.asarray(z, dtype=float)
            e = np.exp(-np.abs(z))
            return np.where(z >= 0, 1.0, e) / (1.0 + e)
    """}),
    Variant("neuron with np.dot", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return sigmoid(np.dot(X, w) + b)
    """}),
    Variant("neuron with einsum", {"neuron_forward": """
        def neuron_forward(X, w, b):
            z = np.einsum('...f,f->...', X, w) + b
            return sigmoid(z)
    """}),
    Variant("neuron summing the last axis", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return sigmoid((X * w).sum(axis=-1) + b)
    """}),
    Variant("neuron as w @ X.T", {"neuron_forward": """
        def neuron_forward(X, w, b):
            return sigmoid(w @ np.asarray(X).T + b)
    """}),
    Variant("neuron with loops", {"neuron_forward": """
        def neuron_forward(X, w, b):
            X = np.asarray(X, dtype=float)
            if X.ndim == 1:
                return sigmoid(sum(x * v for x, v in zip(X, w)) + b)
            out = np.zeros(len(X))
            for i, row in enumerate(X):
                total = b
                for x, v in zip(row, w):
                    total += x * v
                out[i] = sigmoid(total)
            return out
    """}),
    Variant("neuron with its own inline sigmoid", {"neuron_forward": """
        def neuron_forward(X, w, b):
            z = X @ w + b
            return 0.5 * (1 + np.tanh(z / 2))
    """}),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
