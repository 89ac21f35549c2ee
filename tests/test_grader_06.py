"""Lesson 06's graders, proven both ways with the grading harness.

Wrong variants are the mistakes learners make with ReLU, initialisation
and standardisation; right variants are the many ways to be correct that
naive tests wrongly reject (other samplers, boolean masks, guards against
a zero standard deviation, loops).
"""

from grading_harness import Variant, lesson_tests

LESSON = "06-training-in-practice"
RELU, GRAD = "test_relu", "test_relu_grad"
HE, XAVIER, SEED = ("test_init_params_he", "test_init_params_xavier",
                    "test_init_params_seed")
STD, GIVEN = "test_standardize", "test_standardize_given_stats"


def relu(body):
    return {"relu": "import numpy as np\n\ndef relu(z):\n" + body}


def grad(body):
    return {"relu_grad": "import numpy as np\n\ndef relu_grad(z):\n" + body}


def init(body):
    return {"init_params": "import numpy as np\n\n"
            "def init_params(layer_sizes, method='he', seed=0):\n" + body}


def init_loop(draw, bias="np.zeros(fan_out)",
              rng="np.random.default_rng(seed)", key="layer"):
    """An init_params whose weights are ``draw`` (using fan_in, fan_out,
    std, rng), other parts as given."""
    return init(
        f"    rng = {rng}\n"
        "    params = {}\n"
        "    for layer, (fan_in, fan_out) in enumerate(\n"
        "            zip(layer_sizes[:-1], layer_sizes[1:]), start=1):\n"
        "        if method == 'he':\n"
        "            std = np.sqrt(2 / fan_in)\n"
        "        else:\n"
        "            std = np.sqrt(2 / (fan_in + fan_out))\n"
        f"        params[f'W{{{key}}}'] = {draw}\n"
        f"        params[f'b{{{key}}}'] = {bias}\n"
        "    return params")


def std_fn(body):
    return {"standardize": "import numpy as np\n\n"
            "def standardize(X, mean=None, std=None):\n" + body}


def standardize_with(mean_expr="X.mean(axis=0)", std_expr="X.std(axis=0)",
                     out="(X - mean) / np.where(std > 0, std, 1.0)"):
    return std_fn(
        f"    if mean is None:\n        mean = {mean_expr}\n"
        f"    if std is None:\n        std = {std_expr}\n"
        f"    return {out}, mean, std")


NORMAL = "rng.normal(0.0, std, size=(fan_in, fan_out))"

WRONG = [
    # relu
    Variant("relu keeps the negative part",
            relu("    return np.minimum(z, 0)"), fails={RELU},
            passes={GRAD}, says=r"negative part"),
    Variant("relu as |z|", relu("    return np.abs(z)"), fails={RELU},
            says=r"\|z\|"),
    Variant("relu returns its slope",
            relu("    return (np.asarray(z) > 0).astype(float)"),
            fails={RELU}, says=r"relu_grad"),
    Variant("relu with out=z overwrites the input",
            relu("    return np.maximum(z, 0, out=z)"),
            fails={RELU}, says=r"in place"),
    Variant("relu zeroes negatives in place",
            relu("    z = np.asarray(z)\n    if z.ndim == 0:\n"
                 "        return max(float(z), 0.0)\n"
                 "    z[z < 0] = 0\n    return z"),
            fails={RELU}, says=r"in place"),
    Variant("relu with Python's max works only for numbers",
            relu("    return max(z, 0)"), fails={RELU}, says=r"raised"),
    # relu_grad
    Variant("relu_grad returns relu", grad("    return np.maximum(z, 0.0)"),
            fails={GRAD}, passes={RELU}, says=r"itself instead of its slope"),
    Variant("relu_grad is 1 everywhere",
            grad("    return np.ones_like(np.asarray(z, dtype=float))[()]"),
            fails={GRAD}, says=r"1 everywhere"),
    Variant("relu_grad as sign(z)", grad("    return np.sign(z)"),
            fails={GRAD}, says=r"sign"),
    Variant("relu_grad with the comparison turned round",
            grad("    return (np.asarray(z) < 0).astype(float)[()]"),
            fails={GRAD}, says=r"turned round"),
    Variant("relu_grad overwrites its input",
            grad("    z = np.asarray(z)\n    if z.ndim == 0:\n"
                 "        return float(z > 0)\n"
                 "    z[z > 0] = 1.0\n    z[z <= 0] = 0.0\n    return z"),
            fails={GRAD}, says=r"in place"),
    Variant("relu_grad gives 1 at 0 but 0.5 for z < 0",
            grad("    return np.where(np.asarray(z) > 0, 1.0, 0.5)[()]"),
            fails={GRAD}),
    Variant("relu_grad hard-coded as 0 or 1 per number, arrays fail",
            grad("    return 1.0 if z > 0 else 0.0"),
            fails={GRAD}, says=r"raised"),
    # init_params
    Variant("He with fan_out", init_loop(
        "rng.normal(0.0, np.sqrt(2 / fan_out), size=(fan_in, fan_out))"),
            fails={HE}, passes={SEED}, says=r"fan_out in place of fan_in"),
    Variant("variance used as the standard deviation", init_loop(
        "rng.normal(0.0, std**2, size=(fan_in, fan_out))"),
            fails={HE, XAVIER}, says=r"variance, take its square root"),
    Variant("unscaled N(0, 1)", init_loop(
        "rng.standard_normal((fan_in, fan_out))"),
            fails={HE, XAVIER}, says=r"not scaled"),
    Variant("uniform with the right variance (He uniform)", init_loop(
        "rng.uniform(-np.sqrt(3) * std, np.sqrt(3) * std, "
        "size=(fan_in, fan_out))"),
            fails={HE}, says=r"uniform"),
    Variant("uniform on [0, 1) times std", init_loop(
        "rng.random((fan_in, fan_out)) * std"), fails={HE},
            says=r"centred at 0"),
    Variant("biases drawn at random too", init_loop(
        NORMAL, bias="rng.normal(0.0, std, size=fan_out)"),
            fails={HE}, says=r"not all zeros"),
    Variant("biases of shape (1, fan_out)", init_loop(
        NORMAL, bias="np.zeros((1, fan_out))"), fails={HE}, says=r"shape"),
    Variant("W transposed, (fan_out, fan_in)", init_loop(
        "rng.normal(0.0, std, size=(fan_out, fan_in))"),
            fails={HE}, says=r"transposed"),
    Variant("keys numbered from 0", init_loop(NORMAL, key="layer - 1"),
            fails={HE}, says=r"numbered from 1"),
    Variant("Xavier with fan_in only", init_loop(
        "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))"),
            fails={XAVIER}, passes={HE, SEED}, says=r"fan_out missing"),
    Variant("Xavier with 1 / (fan_in + fan_out)", init(
        "    rng = np.random.default_rng(seed)\n    params = {}\n"
        "    for k, (a, b) in enumerate(zip(layer_sizes, layer_sizes[1:])):\n"
        "        var = 2 / a if method == 'he' else 1 / (a + b)\n"
        "        params[f'W{k + 1}'] = rng.normal(0, np.sqrt(var), (a, b))\n"
        "        params[f'b{k + 1}'] = np.zeros(b)\n"
        "    return params"),
            fails={XAVIER}, passes={HE}, says=r"1 in place of 2"),
    Variant("global state seeded: np.random.seed and randn", init_loop(
        "np.random.randn(fan_in, fan_out) * std",
        rng="np.random.seed(seed)"),
            fails={SEED}, passes={HE, XAVIER}, says=r"global random state"),
    Variant("global state seeded: np.random.normal", init_loop(
        "np.random.normal(0.0, std, size=(fan_in, fan_out))",
        rng="np.random.seed(seed)"),
            fails={SEED}, says=r"global random state"),
    Variant("unseeded default_rng()", init_loop(
        NORMAL, rng="np.random.default_rng()"),
            fails={SEED}, passes={HE}, says=r"different parameters"),
    Variant("unseeded global np.random", init_loop(
        "np.random.normal(0.0, std, size=(fan_in, fan_out))",
        rng="None"), fails={SEED}, says=r"different parameters"),
    Variant("seed ignored: default_rng(0)", init_loop(
        NORMAL, rng="np.random.default_rng(0)"),
            fails={SEED}, says=r"seed ignored"),
    Variant("default seed 42", {"init_params":
        "import numpy as np\n\n"
        "def init_params(layer_sizes, method='he', seed=42):\n"
        "    rng = np.random.default_rng(seed)\n"
        "    params = {}\n"
        "    pairs = zip(layer_sizes[:-1], layer_sizes[1:])\n"
        "    for k, (a, b) in enumerate(pairs, start=1):\n"
        "        var = 2 / a if method == 'he' else 2 / (a + b)\n"
        "        params[f'W{k}'] = rng.normal(0, np.sqrt(var), (a, b))\n"
        "        params[f'b{k}'] = np.zeros(b)\n"
        "    return params"},
            fails={SEED}, says=r"default seed should be 0"),
    # standardize
    Variant("sample std (ddof=1)",
            standardize_with(std_expr="X.std(axis=0, ddof=1)"),
            fails={STD}, passes={GIVEN}, says=r"ddof"),
    Variant("statistics per row (axis=1)",
            standardize_with("X.mean(axis=1, keepdims=True)",
                             "X.std(axis=1, keepdims=True)"),
            fails={STD}, says=r"per row"),
    Variant("statistics of the whole array",
            standardize_with("X.mean()", "X.std()"),
            fails={STD}, says=r"per column"),
    Variant("nan on a constant column",
            standardize_with(out="(X - mean) / std"),
            fails={STD}, passes={GIVEN}, says=r"constant column"),
    Variant("divides by the variance",
            standardize_with(out="(X - mean) / np.where(std > 0, std, 1)**2"),
            fails={STD}, says=r"square root"),
    Variant("mean not subtracted",
            standardize_with(out="X / np.where(std > 0, std, 1.0)"),
            fails={STD}, says=r"mean subtracted"),
    Variant("given statistics ignored", std_fn(
        "    mean, std = X.mean(axis=0), X.std(axis=0)\n"
        "    return (X - mean) / np.where(std > 0, std, 1.0), mean, std"),
            fails={GIVEN}, passes={STD}, says=r"given mean and std"),
    Variant("given mean ignored", std_fn(
        "    mean = X.mean(axis=0)\n"
        "    if std is None:\n        std = X.std(axis=0)\n"
        "    return (X - mean) / np.where(std > 0, std, 1.0), mean, std"),
            fails={GIVEN}, passes={STD}, says=r"use the given mean"),
    Variant("modifies X in place", std_fn(
        "    if mean is None:\n        mean = X.mean(axis=0)\n"
        "    if std is None:\n        std = X.std(axis=0)\n"
        "    X -= mean\n    X /= np.where(std > 0, std, 1.0)\n"
        "    return X, mean, std"),
            fails={STD, GIVEN}, says=r"in place"),
    Variant("returns X_std only", std_fn(
        "    mean = X.mean(axis=0) if mean is None else mean\n"
        "    std = X.std(axis=0) if std is None else std\n"
        "    return (X - mean) / np.where(std > 0, std, 1.0)"),
            fails={STD, GIVEN}, says=r"tuple of three"),
    Variant("returns (X_std, std, mean)", std_fn(
        "    mean = X.mean(axis=0) if mean is None else mean\n"
        "    std = X.std(axis=0) if std is None else std\n"
        "    return (X - mean) / np.where(std > 0, std, 1.0), std, mean"),
            fails={STD, GIVEN}, says=r"swapped"),
]

RIGHT = [
    Variant("solution as written"),
    # relu
    Variant("relu as z * (z > 0)", relu("    return z * (z > 0)")),
    Variant("relu with np.where",
            relu("    return np.where(np.asarray(z) > 0, z, 0.0)[()]")),
    Variant("relu with np.clip", relu("    return np.clip(z, 0, None)")),
    Variant("relu as (z + |z|) / 2", relu("    return (z + np.abs(z)) / 2")),
    Variant("relu on a copy, in place", relu(
        "    out = np.array(z, dtype=float)\n"
        "    out[out < 0] = 0.0\n    return out[()]")),
    Variant("relu with a loop", relu(
        "    if np.ndim(z) == 0:\n        return max(float(z), 0.0)\n"
        "    z = np.asarray(z, dtype=float)\n    out = np.empty(z.shape)\n"
        "    for idx in np.ndindex(z.shape):\n"
        "        out[idx] = z[idx] if z[idx] > 0 else 0.0\n"
        "    return out")),
    # relu_grad
    Variant("relu_grad as a boolean mask", grad("    return z > 0")),
    Variant("relu_grad with integers",
            grad("    return np.where(np.asarray(z) > 0, 1, 0)")),
    Variant("relu_grad is 1 at 0", grad(
        "    return (np.asarray(z) >= 0).astype(float)[()]")),
    Variant("relu_grad is 1/2 at 0", grad("    return np.heaviside(z, 0.5)")),
    Variant("relu_grad with a loop", grad(
        "    if np.ndim(z) == 0:\n        return 1.0 if z > 0 else 0.0\n"
        "    out = np.zeros(np.shape(z))\n"
        "    for idx in np.ndindex(out.shape):\n"
        "        if z[idx] > 0:\n            out[idx] = 1.0\n"
        "    return out")),
    # init_params
    Variant("standard_normal times std", init_loop(
        "rng.standard_normal((fan_in, fan_out)) * std")),
    Variant("drawn as (fan_out, fan_in), then transposed", init_loop(
        "rng.normal(0.0, std, size=(fan_out, fan_in)).T")),
    Variant("a generator per layer from the seed", init_loop(
        "np.random.default_rng([seed, layer]).normal(0.0, std, "
        "(fan_in, fan_out))", rng="None")),
    Variant("the same seed for every layer", init_loop(
        "np.random.default_rng(seed).standard_normal((fan_in, fan_out)) "
        "* std", rng="None")),
    Variant("Generator(PCG64(seed)) and sqrt(2) / sqrt(fan_in)", init(
        "    rng = np.random.Generator(np.random.PCG64(seed))\n"
        "    params = {}\n"
        "    for i in range(len(layer_sizes) - 1):\n"
        "        n_in, n_out = layer_sizes[i], layer_sizes[i + 1]\n"
        "        if method == 'xavier':\n"
        "            s = np.sqrt(2.0) / np.sqrt(n_in + n_out)\n"
        "        else:\n"
        "            s = np.sqrt(2.0) / np.sqrt(n_in)\n"
        "        W = s * rng.normal(size=(n_in, n_out))\n"
        "        params['W' + str(i + 1)] = W\n"
        "        params['b' + str(i + 1)] = np.zeros((n_out,))\n"
        "    return params")),
    # standardize
    Variant("std replaced by 1 and returned so", std_fn(
        "    if mean is None:\n        mean = np.mean(X, axis=0)\n"
        "    if std is None:\n        std = np.std(X, axis=0, ddof=0)\n"
        "        std = np.where(std == 0, 1.0, std)\n"
        "    return (X - mean) / std, mean, std")),
    Variant("manual population std", standardize_with(
        "X.sum(axis=0) / len(X)",
        "np.sqrt(np.mean((X - mean) ** 2, axis=0))")),
    Variant("a guard eps in the division", standardize_with(
        out="(X - mean) / (std + 1e-8)")),
    Variant("keepdims statistics", standardize_with(
        "X.mean(axis=0, keepdims=True)", "X.std(axis=0, keepdims=True)")),
    Variant("np.where around a division that warns", standardize_with(
        out="np.where(std == 0, 0.0, (X - mean) / std)")),
    Variant("column by column", std_fn(
        "    X = np.asarray(X, dtype=float)\n"
        "    n, d = X.shape\n"
        "    mean = [sum(X[:, j]) / n for j in range(d)] "
        "if mean is None else mean\n"
        "    mean = np.array(mean, dtype=float)\n"
        "    if std is None:\n"
        "        std = np.array([np.sqrt(sum((X[:, j] - mean[j]) ** 2) / n)\n"
        "                        for j in range(d)])\n"
        "    out = np.zeros((n, d))\n"
        "    for j in range(d):\n"
        "        if std[j] > 0:\n"
        "            out[:, j] = (X[:, j] - mean[j]) / std[j]\n"
        "    return out, mean, std")),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)
