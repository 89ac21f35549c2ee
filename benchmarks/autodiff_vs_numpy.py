"""Hand-written NumPy backpropagation against autograd, on demand.

    .venv/bin/python benchmarks/autodiff_vs_numpy.py [--repeat 5]

Times one forward + backward step (the gradient of the loss for every
parameter) written by hand in NumPy against the gradient autograd derives
from the same loss, on the same data:

* a 64-64-10 sigmoid network on the 8×8 digits (1,797 images), with the
  course's mean BCE, the reference written out below;
* lesson 07's 6-2-1 mirror-symmetry network on its 64 patterns, for one
  seed and for 100 seeds stacked on a leading axis, with the lesson's own
  solution functions (``sweep_gradients``, ``error_sum``), taken from the
  code cells of ``solutions/07-rumelhart-1986.ipynb``;
* lesson 07's whole reproduction: 100 seeds, 4,000 sweeps with momentum,
  with either gradient inside the lesson's ``train``, and the NumPy
  version once more with one seed at a time instead of stacked.

Prints the median of ``--repeat`` runs of each (the 100-seed reproduction:
at most 3, the seed-by-seed loop: 1) and the ratio autograd / NumPy.
BLAS runs on one thread unless OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS)
says otherwise: on a busy machine, BLAS threads competing for the cores
make the 64-64-10 step many times slower, for NumPy and autograd alike.
Not part of the test suite: timings depend on the machine and its load.
"""

import os

# before NumPy is imported, or BLAS has already started its threads
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import autograd.numpy as anp  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from autograd import grad  # noqa: E402

from coursetools.datasets import load_digits  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "solutions" / "07-rumelhart-1986.ipynb"
# the cells of lesson 07 that define functions (no training, no plots)
DEFINITIONS = ["setup", "earlier-sigmoid", "momentum-step", "stack-init",
               "stack-forward", "sweep-gradients", "autograd-error",
               "train-code", "task-data"]


def lesson07():
    """The namespace of lesson 07's solution functions and data."""
    nb = nbformat.read(LESSON, as_version=4)
    cells = {cell.id: cell.source for cell in nb.cells}
    namespace = {}
    for cell_id in DEFINITIONS:
        exec(compile(cells[cell_id], f"{LESSON.name}:{cell_id}", "exec"),
             namespace)
    return namespace


# -- the 64-64-10 reference, written out --------------------------------
def mlp_init(sizes, seed=0):
    """Weights N(0, 1/fan_in), zero biases."""
    rng = np.random.default_rng(seed)
    params = {}
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.normal(0.0, 1.0 / np.sqrt(m), size=(m, n))
        params[f"b{i}"] = np.zeros(n)
    return params


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def mlp_grads_numpy(params, X, Y):
    """Forward and backward by hand: sigmoid after every layer, mean BCE
    over all elements (so the output's δ is (ŷ − y) / Y.size)."""
    n_layers = len(params) // 2
    acts = [X]
    for i in range(1, n_layers + 1):
        acts.append(_sigmoid(acts[-1] @ params[f"W{i}"] + params[f"b{i}"]))
    delta = (acts[-1] - Y) / Y.size
    grads = {}
    for i in range(n_layers, 0, -1):
        grads[f"W{i}"] = acts[i - 1].T @ delta
        grads[f"b{i}"] = delta.sum(axis=0)
        if i > 1:
            a = acts[i - 1]
            delta = (delta @ params[f"W{i}"].T) * a * (1 - a)
    return grads


def mlp_loss_autograd(params, X, Y):
    """The same mean BCE, in autograd.numpy, from the logits (stable)."""
    n_layers = len(params) // 2
    a = X
    for i in range(1, n_layers):
        a = 0.5 * (1.0 + anp.tanh(0.5 * (anp.dot(a, params[f"W{i}"])
                                         + params[f"b{i}"])))
    z = anp.dot(a, params[f"W{n_layers}"]) + params[f"b{n_layers}"]
    return anp.mean(anp.logaddexp(0.0, z) - Y * z)


# -- timing --------------------------------------------------------------
CLOCK = time.perf_counter  # --clock cpu: time.process_time


def median_seconds(fn, repeat, number=1):
    """Median over ``repeat`` runs of the seconds one call of fn takes."""
    times = []
    for _ in range(repeat):
        start = CLOCK()
        for _ in range(number):
            fn()
        times.append((CLOCK() - start) / number)
    return statistics.median(times)


def calls_per_run(fn, target=0.2):
    """How many calls of fn take about ``target`` seconds."""
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, int(target / once))


def compare(name, numpy_fn, autograd_fn, repeat, rows):
    """Time both, check they agree, record a row."""
    g_np, g_ag = numpy_fn(), autograd_fn()
    err = max(float(np.max(np.abs(g_np[k] - g_ag[k])
                           / np.maximum(1e-12, np.abs(g_np[k])
                                        + np.abs(g_ag[k]))))
              for k in g_np)
    assert err < 1e-8, f"{name}: the two gradients differ ({err:.2g})"
    t_np = median_seconds(numpy_fn, repeat, calls_per_run(numpy_fn))
    t_ag = median_seconds(autograd_fn, repeat, calls_per_run(autograd_fn))
    rows.append((name, t_np, t_ag))
    print(f"{name:46s} {fmt(t_np):>10s} {fmt(t_ag):>10s} "
          f"{t_ag / t_np:8.1f}x   (max rel. diff {err:.1g})", flush=True)


def fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sweeps", type=int, default=4000,
                        help="sweeps of the 100-seed reproduction")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="cpu: this process's CPU time, steadier than "
                             "the wall clock on a busy machine")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"cores: {os.cpu_count()}, BLAS threads: "
          f"{os.environ['OPENBLAS_NUM_THREADS']}, load average: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{args.clock} clock, median of {args.repeat} runs")
    print(f"{'one forward + backward step':46s} {'NumPy':>10s} "
          f"{'autograd':>10s} {'ratio':>9s}")
    rows = []

    images, labels = load_digits()
    X = images.reshape(len(images), -1) / 16.0
    Y = np.eye(10)[labels]
    params = mlp_init([64, 64, 10])
    mlp_grad_ag = grad(mlp_loss_autograd)
    compare("64-64-10 sigmoid MLP, 1,797 digits, mean BCE",
            lambda: mlp_grads_numpy(params, X, Y),
            lambda: mlp_grad_ag(params, X, Y), args.repeat, rows)

    ns = lesson07()
    X6, y6 = ns["X"], ns["y"]
    for n_seeds in [1, 100]:
        stack = ns["init_stack"](range(n_seeds), ns["SHAPES"])
        compare(f"6-2-1 symmetry net, 64 patterns, {n_seeds} seed"
                + ("s" if n_seeds > 1 else ""),
                lambda s=stack: ns["sweep_gradients"](s, X6, y6),
                lambda s=stack: ns["autograd_gradients"](s, X6, y6),
                args.repeat, rows)

    print(f"\nlesson 07's reproduction: 100 seeds, {args.sweeps} sweeps, "
          "ε = 0.1, α = 0.9, stop at |ŷ − y| < 0.1")
    train, init = ns["train"], ns["init_stack"]
    seeds = range(100)
    results = {}

    def reproduce(gradients):
        ns["gradients"] = gradients  # what train calls
        return train(init(seeds, ns["SHAPES"]), X6, y6, 0.1, 0.9,
                     args.sweeps)

    numpy_gradients = ns["sweep_gradients"]
    for label, gradients in [("NumPy, seeds stacked", numpy_gradients),
                             ("autograd, seeds stacked",
                              ns["autograd_gradients"])]:
        results[label] = reproduce(gradients)
        results[label + " seconds"] = median_seconds(
            lambda g=gradients: reproduce(g), min(args.repeat, 3))
        print(f"  {label:40s} {fmt(results[label + ' seconds']):>10s}",
              flush=True)
    ns["gradients"] = numpy_gradients

    def one_at_a_time():
        return [train(init([seed], ns["SHAPES"]), X6, y6, 0.1, 0.9,
                      args.sweeps)[1][:, 0] for seed in seeds]

    start = CLOCK()
    worst_loop = one_at_a_time()
    t_loop = CLOCK() - start
    print(f"  {'NumPy, one seed at a time (1 run)':40s} {fmt(t_loop):>10s}")

    t_np = results["NumPy, seeds stacked seconds"]
    t_ag = results["autograd, seeds stacked seconds"]
    print(f"  autograd / NumPy: {t_ag / t_np:.1f}x; one at a time / "
          f"stacked: {t_loop / t_np:.1f}x")

    def solved_at(worst):
        ok = worst < 0.1
        return np.where(ok.any(axis=0), ok.argmax(axis=0), -1)

    a = solved_at(results["NumPy, seeds stacked"][1])
    b = solved_at(results["autograd, seeds stacked"][1])
    c = np.array([solved_at(w[:, None])[0] for w in worst_loop])
    print(f"  sweeps to solution identical for {np.sum(a == b)} of 100 "
          f"seeds (NumPy vs autograd) and {np.sum(a == c)} of 100 "
          "(stacked vs one at a time)")


if __name__ == "__main__":
    main()
