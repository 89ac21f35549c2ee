"""Lesson 06's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with ReLU, initialisation
and standardisation; right variants are the many ways to be correct that
naive tests wrongly reject (other samplers, element-by-element draws,
boolean masks, guards against a zero standard deviation, loops).

One requirement per test: relu's values, relu leaving z unchanged;
relu_grad's values (anything in [0, 1] at 0), relu_grad leaving z
unchanged; He's weights with the dict's keys and shapes (2 points),
Xavier's weights, zero biases, the seed; standardize's values and
statistics (2 points), a constant column, given statistics, the inputs
unchanged. Every other test is worth 1 point, and a slip costs that test
alone.
"""

from grading_harness import Variant, lesson_tests

LESSON = "06-training-in-practice"
RELU, RELU_UNCHANGED = "test_relu", "test_relu_unchanged"
GRAD, GRAD_UNCHANGED = "test_relu_grad", "test_relu_grad_unchanged"
HE, XAVIER, BIASES, SEED = ("test_init_params_he", "test_init_params_xavier",
                            "test_init_params_biases",
                            "test_init_params_seed")
STD, CONSTANT, GIVEN, STD_UNCHANGED = (
    "test_standardize", "test_standardize_constant",
    "test_standardize_given_stats", "test_standardize_unchanged")
INIT = {HE, XAVIER, BIASES, SEED}
STANDARDIZE = {STD, CONSTANT, GIVEN, STD_UNCHANGED}


def relu(code):
    return {"relu": code}


def grad(code):
    return {"relu_grad": code}


def init(code):
    return {"init_params": code}


def standardize(code):
    return {"standardize": code}


WRONG = [
    # relu
    Variant("relu keeps the negative part", relu("""
        def relu(z):
            return np.minimum(z, 0)
    """), fails={RELU}, passes={RELU_UNCHANGED, GRAD},
            says=r"negative part", loses=1),
    Variant("relu as |z|", relu("""
        def relu(z):
            return np.abs(z)
    """), fails={RELU}, says=r"\|z\|", loses=1),
    Variant("relu returns its slope", relu("""
        def relu(z):
            return (np.asarray(z) > 0).astype(float)
    """), fails={RELU}, says=r"relu_grad"),
    Variant("relu with out=z overwrites arrays, fails for numbers",
            relu("""
        def relu(z):
            return np.maximum(z, 0, out=z)
    """), fails={RELU, RELU_UNCHANGED}, says=r"in place"),
    Variant("relu zeroes negatives in place: a slip of 1 point", relu("""
        def relu(z):
            z = np.asarray(z)
            if z.ndim == 0:
                return max(float(z), 0.0)
            z[z < 0] = 0
            return z
    """), fails={RELU_UNCHANGED}, passes={RELU}, says=r"in place", loses=1),
    Variant("relu with Python's max works only for numbers", relu("""
        def relu(z):
            return max(z, 0)
    """), fails={RELU}, says=r"raised"),
    Variant("relu returns z itself", relu("""
        def relu(z):
            return z
    """), fails={RELU, RELU_UNCHANGED}, says=r"anything applied"),
    # relu_grad
    Variant("relu_grad returns relu", grad("""
        def relu_grad(z):
            return np.maximum(z, 0.0)
    """), fails={GRAD}, passes={RELU, GRAD_UNCHANGED},
            says=r"itself instead of its slope", loses=1),
    Variant("relu_grad is 1 everywhere", grad("""
        def relu_grad(z):
            return np.ones_like(np.asarray(z, dtype=float))[()]
    """), fails={GRAD}, says=r"1 everywhere", loses=1),
    Variant("relu_grad as sign(z)", grad("""
        def relu_grad(z):
            return np.sign(z)
    """), fails={GRAD}, says=r"sign", loses=1),
    Variant("relu_grad with the comparison turned round", grad("""
        def relu_grad(z):
            return (np.asarray(z) < 0).astype(float)[()]
    """), fails={GRAD}, says=r"turned round", loses=1),
    Variant("relu_grad overwrites its input: a slip of 1 point", grad("""
        def relu_grad(z):
            z = np.asarray(z)
            if z.ndim == 0:
                return float(z > 0)
            z[z > 0] = 1.0
            z[z <= 0] = 0.0
            return z
    """), fails={GRAD_UNCHANGED}, passes={GRAD}, says=r"in place", loses=1),
    Variant("relu_grad gives 1 at 0 but 0.5 for z < 0", grad("""
        def relu_grad(z):
            return np.where(np.asarray(z) > 0, 1.0, 0.5)[()]
    """), fails={GRAD}),
    Variant("relu_grad hard-coded as 0 or 1 per number, arrays fail", grad("""
        def relu_grad(z):
            return 1.0 if z > 0 else 0.0
    """), fails={GRAD}, says=r"raised"),
    Variant("relu_grad as relu(z) / z: nan at 0, a slip of 1 point",
            grad("""
        def relu_grad(z):
            with np.errstate(invalid="ignore"):
                return np.maximum(z, 0.0) / z
    """), fails={GRAD}, passes={GRAD_UNCHANGED}, says=r"where z = 0",
            loses=1),
    # the old visible checks' helpers, pasted as answers
    Variant("the old visible check's relu_mistakes as relu", relu("""
        def relu_mistakes(z):
            z = np.asarray(z, dtype=float)
            return {"min": np.minimum(z, 0.0), "abs": np.abs(z),
                    "slope": np.where(z > 0, 1.0, 0.0), "z": z}


        relu = relu_mistakes
    """), fails={RELU, RELU_UNCHANGED}),
    Variant("the old visible check's as_numbers as relu_grad", grad("""
        def as_numbers(got):
            if isinstance(got, (bool, np.bool_)):
                return float(got)
            if isinstance(got, np.ndarray) and got.dtype == bool:
                return got.astype(float)
            return got


        relu_grad = as_numbers
    """), fails={GRAD, GRAD_UNCHANGED}),
    # init_params
    Variant("He with fan_out", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                std = np.sqrt(2 / fan_out)
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={HE}, passes={BIASES, SEED}, says=r"fan_out in place of "
            r"fan_in"),
    Variant("variance used as the standard deviation", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    var = 2 / fan_in
                else:
                    var = 2 / (fan_in + fan_out)
                params[f"W{layer}"] = rng.normal(0.0, var, (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={HE, XAVIER}, passes={BIASES, SEED},
            says=r"variance, take its square root", loses=3),
    Variant("unscaled N(0, 1)", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                params[f"W{layer}"] = rng.standard_normal((fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={HE, XAVIER}, says=r"not scaled"),
    Variant("uniform with the right variance (He uniform)", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                limit = np.sqrt(3) * std
                params[f"W{layer}"] = rng.uniform(-limit, limit,
                                                  (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={HE}, passes={XAVIER, BIASES, SEED}, says=r"uniform",
            loses=2),
    Variant("uniform on [0, 1) times std", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = rng.random((fan_in, fan_out)) * std
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={HE}, says=r"centred at 0"),
    Variant("biases drawn at random too: a slip of 1 point", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_in, fan_out))
                params[f"b{layer}"] = rng.normal(0.0, std, fan_out)
            return params
    """), fails={BIASES}, passes={HE, XAVIER, SEED}, says=r"not all zeros",
            loses=1),
    Variant("biases of shape (1, fan_out): a slip of 1 point", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros((1, fan_out))
            return params
    """), fails={BIASES}, passes={HE, XAVIER, SEED}, says=r"shape",
            loses=1),
    Variant("W transposed, (fan_out, fan_in): only the He test's points",
            init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_out, fan_in))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={HE}, passes={XAVIER, BIASES, SEED}, says=r"transposed",
            loses=2),
    Variant("keys numbered from 0: only the He test's points", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={HE}, passes={XAVIER, BIASES, SEED}, says=r"numbered from 1",
            loses=2),
    Variant("Xavier with fan_in only: a slip of 1 point", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                std = np.sqrt(2 / fan_in)
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={XAVIER}, passes={HE, BIASES, SEED},
            says=r"fan_out missing", loses=1),
    Variant("Xavier with 1 / (fan_in + fan_out)", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            for k, (a, b) in enumerate(zip(layer_sizes, layer_sizes[1:])):
                var = 2 / a if method == "he" else 1 / (a + b)
                params[f"W{k + 1}"] = rng.normal(0, np.sqrt(var), (a, b))
                params[f"b{k + 1}"] = np.zeros(b)
            return params
    """), fails={XAVIER}, passes={HE}, says=r"1 in place of 2", loses=1),
    Variant("global state seeded: np.random.seed and randn, 1 point",
            init("""
        def init_params(layer_sizes, method="he", seed=0):
            np.random.seed(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = np.random.randn(fan_in, fan_out) * std
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={SEED}, passes={HE, XAVIER, BIASES},
            says=r"global random state", loses=1),
    Variant("global state seeded: np.random.normal", init("""
        def init_params(layer_sizes, method="he", seed=0):
            np.random.seed(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = np.random.normal(0.0, std,
                                                       (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={SEED}, says=r"global random state", loses=1),
    Variant("global state seeded, He with fan_out", init("""
        def init_params(layer_sizes, method="he", seed=0):
            np.random.seed(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                std = np.sqrt(2 / fan_out)
                params[f"W{layer}"] = np.random.normal(0.0, std,
                                                       (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={HE, SEED}, says=r"global random state"),
    Variant("unseeded default_rng(): a slip of 1 point", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng()
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={SEED}, passes={HE, XAVIER, BIASES},
            says=r"different parameters", loses=1),
    Variant("unseeded global np.random", init("""
        def init_params(layer_sizes, method="he", seed=0):
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = np.random.normal(0.0, std,
                                                       (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={SEED}, says=r"different parameters", loses=1),
    Variant("seed ignored: default_rng(0)", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(0)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails={SEED}, says=r"seed ignored", loses=1),
    Variant("default seed 42", init("""
        def init_params(layer_sizes, method="he", seed=42):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for k, (a, b) in enumerate(pairs, start=1):
                var = 2 / a if method == "he" else 2 / (a + b)
                params[f"W{k}"] = rng.normal(0, np.sqrt(var), (a, b))
                params[f"b{k}"] = np.zeros(b)
            return params
    """), fails={SEED}, says=r"default seed should be 0", loses=1),
    Variant("all weights zero", init("""
        def init_params(layer_sizes, method="he", seed=0):
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                params[f"W{layer}"] = np.zeros((fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """), fails=INIT, says=r"random weights"),
    # standardize
    Variant("sample std (ddof=1)", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0, ddof=1)
            return (X - mean) / np.where(std > 0, std, 1.0), mean, std
    """), fails={STD}, passes={CONSTANT, GIVEN, STD_UNCHANGED}, says=r"ddof",
            loses=2),
    Variant("statistics per row (axis=1)", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=1, keepdims=True)
            if std is None:
                std = X.std(axis=1, keepdims=True)
            return (X - mean) / np.where(std > 0, std, 1.0), mean, std
    """), fails={STD}, says=r"per row"),
    Variant("statistics of the whole array", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean()
            if std is None:
                std = X.std()
            return (X - mean) / np.where(std > 0, std, 1.0), mean, std
    """), fails={STD}, says=r"per column"),
    Variant("nan on a constant column: a slip of 1 point", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                return (X - mean) / std, mean, std
    """), fails={CONSTANT}, passes={STD, GIVEN, STD_UNCHANGED},
            says=r"constant column", loses=1),
    Variant("divides by the variance", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0)
            return (X - mean) / np.where(std > 0, std, 1) ** 2, mean, std
    """), fails={STD}, says=r"square root"),
    Variant("mean not subtracted", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0)
            return X / np.where(std > 0, std, 1.0), mean, std
    """), fails={STD}, says=r"mean subtracted"),
    Variant("given statistics ignored: a slip of 1 point", standardize("""
        def standardize(X, mean=None, std=None):
            mean, std = X.mean(axis=0), X.std(axis=0)
            return (X - mean) / np.where(std > 0, std, 1.0), mean, std
    """), fails={GIVEN}, passes={STD, CONSTANT, STD_UNCHANGED},
            says=r"given mean and std", loses=1),
    Variant("given mean ignored: a slip of 1 point", standardize("""
        def standardize(X, mean=None, std=None):
            mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0)
            return (X - mean) / np.where(std > 0, std, 1.0), mean, std
    """), fails={GIVEN}, passes={STD}, says=r"use the given mean", loses=1),
    Variant("modifies X in place: a slip of 1 point", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0)
            X -= mean
            X /= np.where(std > 0, std, 1.0)
            return X, mean, std
    """), fails={STD_UNCHANGED}, passes={STD, CONSTANT, GIVEN},
            says=r"in place", loses=1),
    Variant("guards a given std in place: a slip of 1 point", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0)
            std += 1e-8  # a guard against 0, added in place
            return (X - mean) / std, mean, std
    """), fails={STD_UNCHANGED}, passes={STD, CONSTANT, GIVEN},
            says=r"argument 3 in place", loses=1),
    Variant("returns X_std only: the values test's points only",
            standardize("""
        def standardize(X, mean=None, std=None):
            mean = X.mean(axis=0) if mean is None else mean
            std = X.std(axis=0) if std is None else std
            return (X - mean) / np.where(std > 0, std, 1.0)
    """), fails={STD}, passes={CONSTANT, GIVEN, STD_UNCHANGED},
            says=r"tuple of three", loses=2),
    Variant("returns (X_std, std, mean)", standardize("""
        def standardize(X, mean=None, std=None):
            mean = X.mean(axis=0) if mean is None else mean
            std = X.std(axis=0) if std is None else std
            return (X - mean) / np.where(std > 0, std, 1.0), std, mean
    """), fails={STD}, passes={CONSTANT, GIVEN, STD_UNCHANGED},
            says=r"swapped", loses=2),
    Variant("returns X itself", standardize("""
        def standardize(X, mean=None, std=None):
            return X, X.mean(axis=0), X.std(axis=0)
    """), fails=STANDARDIZE),
]

RIGHT = [
    Variant("solution as written"),
    # relu
    Variant("relu as z * (z > 0)", relu("""
        def relu(z):
            return z * (z > 0)
    """)),
    Variant("relu with np.where", relu("""
        def relu(z):
            return np.where(np.asarray(z) > 0, z, 0.0)[()]
    """)),
    Variant("relu with np.clip", relu("""
        def relu(z):
            return np.clip(z, 0, None)
    """)),
    Variant("relu as (z + |z|) / 2", relu("""
        def relu(z):
            return (z + np.abs(z)) / 2
    """)),
    Variant("relu on a copy, in place", relu("""
        def relu(z):
            out = np.array(z, dtype=float)
            out[out < 0] = 0.0
            return out[()]
    """)),
    Variant("relu with a loop", relu("""
        def relu(z):
            if np.ndim(z) == 0:
                return max(float(z), 0.0)
            z = np.asarray(z, dtype=float)
            out = np.empty(z.shape)
            for idx in np.ndindex(z.shape):
                out[idx] = z[idx] if z[idx] > 0 else 0.0
            return out
    """)),
    # relu_grad
    Variant("relu_grad as a boolean mask", grad("""
        def relu_grad(z):
            return z > 0
    """)),
    Variant("relu_grad with integers", grad("""
        def relu_grad(z):
            return np.where(np.asarray(z) > 0, 1, 0)
    """)),
    Variant("relu_grad is 1 at 0", grad("""
        def relu_grad(z):
            return (np.asarray(z) >= 0).astype(float)[()]
    """)),
    Variant("relu_grad is 1/2 at 0", grad("""
        def relu_grad(z):
            return np.heaviside(z, 0.5)
    """)),
    Variant("relu_grad with a loop", grad("""
        def relu_grad(z):
            if np.ndim(z) == 0:
                return 1.0 if z > 0 else 0.0
            out = np.zeros(np.shape(z))
            for idx in np.ndindex(out.shape):
                if z[idx] > 0:
                    out[idx] = 1.0
            return out
    """)),
    # init_params
    Variant("standard_normal times std", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                W = rng.standard_normal((fan_in, fan_out)) * std
                params[f"W{layer}"] = W
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """)),
    Variant("drawn as (fan_out, fan_in), then transposed", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                params[f"W{layer}"] = rng.normal(0.0, std,
                                                 (fan_out, fan_in)).T
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """)),
    Variant("a generator per layer from the seed", init("""
        def init_params(layer_sizes, method="he", seed=0):
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                rng = np.random.default_rng([seed, layer])
                params[f"W{layer}"] = rng.normal(0.0, std, (fan_in, fan_out))
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """)),
    Variant("the same seed for every layer", init("""
        def init_params(layer_sizes, method="he", seed=0):
            params = {}
            pairs = zip(layer_sizes[:-1], layer_sizes[1:])
            for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
                if method == "he":
                    std = np.sqrt(2 / fan_in)
                else:
                    std = np.sqrt(2 / (fan_in + fan_out))
                rng = np.random.default_rng(seed)
                W = rng.standard_normal((fan_in, fan_out)) * std
                params[f"W{layer}"] = W
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """)),
    Variant("Generator(PCG64(seed)) and sqrt(2) / sqrt(fan_in)", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.Generator(np.random.PCG64(seed))
            params = {}
            for i in range(len(layer_sizes) - 1):
                n_in, n_out = layer_sizes[i], layer_sizes[i + 1]
                if method == "xavier":
                    s = np.sqrt(2.0) / np.sqrt(n_in + n_out)
                else:
                    s = np.sqrt(2.0) / np.sqrt(n_in)
                W = s * rng.normal(size=(n_in, n_out))
                params["W" + str(i + 1)] = W
                params["b" + str(i + 1)] = np.zeros((n_out,))
            return params
    """)),
    Variant("one weight at a time, rng.standard_normal() * scale", init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            for layer in range(1, len(layer_sizes)):
                fan_in, fan_out = layer_sizes[layer - 1], layer_sizes[layer]
                variance = 2 / fan_in
                if method == "xavier":
                    variance = 2 / (fan_in + fan_out)
                scale = variance ** 0.5
                W = np.empty((fan_in, fan_out))
                for i in range(fan_in):
                    for j in range(fan_out):
                        W[i, j] = rng.standard_normal() * scale
                params[f"W{layer}"] = W
                params[f"b{layer}"] = np.zeros(fan_out)
            return params
    """)),
    Variant("one weight at a time, rng.normal(0, scale), a list of lists",
            init("""
        def init_params(layer_sizes, method="he", seed=0):
            rng = np.random.default_rng(seed)
            params = {}
            for layer in range(1, len(layer_sizes)):
                fan_in, fan_out = layer_sizes[layer - 1], layer_sizes[layer]
                if method == "he":
                    scale = np.sqrt(2 / fan_in)
                else:
                    scale = np.sqrt(2 / (fan_in + fan_out))
                rows = [[rng.normal(0, scale) for _ in range(fan_out)]
                        for _ in range(fan_in)]
                params[f"W{layer}"] = np.array(rows)
                params[f"b{layer}"] = np.zeros(fan_out, dtype=float)
            return params
    """)),
    # standardize
    Variant("std replaced by 1 and returned so", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = np.mean(X, axis=0)
            if std is None:
                std = np.std(X, axis=0, ddof=0)
                std = np.where(std == 0, 1.0, std)
            return (X - mean) / std, mean, std
    """)),
    Variant("manual population std", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.sum(axis=0) / len(X)
            if std is None:
                std = np.sqrt(np.mean((X - mean) ** 2, axis=0))
            return (X - mean) / np.where(std > 0, std, 1.0), mean, std
    """)),
    Variant("a guard eps in the division", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0)
            return (X - mean) / (std + 1e-8), mean, std
    """)),
    Variant("keepdims statistics", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0, keepdims=True)
            if std is None:
                std = X.std(axis=0, keepdims=True)
            return (X - mean) / np.where(std > 0, std, 1.0), mean, std
    """)),
    Variant("np.where around a division that warns", standardize("""
        def standardize(X, mean=None, std=None):
            if mean is None:
                mean = X.mean(axis=0)
            if std is None:
                std = X.std(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(std == 0, 0.0, (X - mean) / std), mean, std
    """)),
    Variant("np.divide with where=, into zeros", standardize("""
        def standardize(X, mean=None, std=None):
            mean = X.mean(axis=0) if mean is None else mean
            std = X.std(axis=0) if std is None else std
            out = np.zeros(X.shape)
            np.divide(X - mean, std, out=out, where=std != 0)
            return out, mean, std
    """)),
    Variant("column by column", standardize("""
        def standardize(X, mean=None, std=None):
            X = np.asarray(X, dtype=float)
            n, d = X.shape
            if mean is None:
                mean = [sum(X[:, j]) / n for j in range(d)]
            mean = np.array(mean, dtype=float)
            if std is None:
                std = np.array([np.sqrt(sum((X[:, j] - mean[j]) ** 2) / n)
                                for j in range(d)])
            out = np.zeros((n, d))
            for j in range(d):
                if std[j] > 0:
                    out[:, j] = (X[:, j] - mean[j]) / std[j]
            return out, mean, std
    """)),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
