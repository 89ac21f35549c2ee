"""Hidden tests of lesson 08-autodiff-engine (see :mod:`autograder.hidden`).

The learner's ``Tensor`` cannot cross the sandbox, so every test reaches it
through the plain-data doors of the lesson's locked helper cell
(:func:`coursetools.lesson08.plain_data_helpers`): ``run_op`` for an
operation's backward function, ``run_order`` for ``topological_order``,
``run_backward`` for ``backward``. Inputs come from
:func:`coursetools.checks.grading_rng`; expected values from the oracles
below, written independently of the lesson's solution.

One mistake is counted once:

* the operations are graded with the oracle :func:`unbroadcast` standing
  in for the learner's (``STAND_INS``);
* ``backward`` is graded on graphs of fixed linear maps, not of the
  lesson's operations, with a correct order standing in for the learner's
  ``topological_order`` (``run_backward``'s ``order``);
* the second-call test compares the second call with the first, not with
  the right gradients.

The first case of every backward test is large: finite differences would
take minutes there (see ``tests/test_grader_08.py`` for the timings).
"""

import numpy as np

from coursetools.checks import grading_rng
from coursetools.lesson08 import (
    EVERY,
    LARGE_ELEMENTWISE,
    LARGE_MATMUL,
    LARGE_REDUCTION,
    backward_check,
    op_check,
    order_complete_check,
    order_sorted_check,
    random_array,
    twice_check,
    unbroadcast_check,
    unchanged_check,
)

# -- oracles ----------------------------------------------------------------


def unbroadcast(grad, shape):
    """``grad`` summed to ``shape``: over the leading axes broadcasting
    added and, keeping them, over the axes where ``shape`` has a 1."""
    grad = np.asarray(grad, dtype=float)
    shape = tuple(int(n) for n in shape)
    lead = grad.ndim - len(shape)
    stretched = tuple(lead + k for k, n in enumerate(shape)
                      if n == 1 and grad.shape[lead + k] != 1)
    return np.sum(grad, axis=tuple(range(lead)) + stretched).reshape(shape)


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def forward(op, inputs):
    """The value of ``op`` applied to ``inputs`` (numbers as 0-d)."""
    a = [np.asarray(x, dtype=float) for x in inputs]
    return {"add": lambda: a[0] + a[1], "sub": lambda: a[0] - a[1],
            "neg": lambda: -a[0], "mul": lambda: a[0] * a[1],
            "matmul": lambda: np.einsum("ij,jk->ik", a[0], a[1]),
            "sigmoid": lambda: _sigmoid(a[0]),
            "relu": lambda: np.where(a[0] > 0, a[0], 0.0),
            "exp": lambda: np.exp(a[0]), "log": lambda: np.log(a[0]),
            "sum": lambda: np.sum(a[0]),
            "mean": lambda: np.sum(a[0]) / a[0].size}[op]()


def vjp(op, inputs, grad):
    """``(value, [∂L/∂ each input])`` for ``op`` on ``inputs``, given
    ``grad`` = ∂L/∂value; a number's gradient is a float."""
    a = [np.asarray(x, dtype=float) for x in inputs]
    g = np.asarray(grad, dtype=float)
    value = forward(op, inputs)
    if op in ("add", "sub", "mul"):
        sign = -1.0 if op == "sub" else 1.0
        local = ([a[1], a[0]] if op == "mul"
                 else [np.ones_like(a[0]), sign * np.ones_like(a[1])])
        grads = [unbroadcast(g * local[k], a[k].shape) for k in (0, 1)]
    elif op == "neg":
        grads = [-g]
    elif op == "matmul":
        grads = [np.einsum("ik,jk->ij", g, a[1]),
                 np.einsum("ji,jk->ik", a[0], g)]
    elif op in ("sum", "mean"):
        scale = 1.0 if op == "sum" else 1.0 / a[0].size
        grads = [np.full(a[0].shape, float(g) * scale)]
    else:
        slope = {"sigmoid": lambda: value * (1.0 - value),
                 "relu": lambda: (a[0] > 0).astype(float),
                 "exp": lambda: value, "log": lambda: 1.0 / a[0]}[op]()
        grads = [g * slope]
    return value, [float(x) if np.ndim(x) == 0 and not isinstance(
        inputs[k], np.ndarray) else x for k, x in enumerate(grads)]


def numeric_vjp(op, inputs, grad, index, h=1e-6):
    """Central differences of ⟨grad, op(inputs)⟩ in one element ``index``
    of every array input: checks the oracle, case by case."""
    out = []
    for k, x in enumerate(inputs):
        if not isinstance(x, np.ndarray):
            out.append(None)
            continue
        idx = tuple(int(i) % n for i, n in zip(index, x.shape))
        moved = []
        for step in (h, -h):
            y = x.copy()
            y[idx] += step
            args = [y if j == k else v for j, v in enumerate(inputs)]
            moved.append(float(np.sum(grad * forward(op, args))))
        out.append((idx, (moved[0] - moved[1]) / (2 * h)))
    return out


def _verified(op, inputs, grad, rng):
    """The oracle's answer, once a sample of it agrees with central
    differences (a grader fault raises, never a learner's score)."""
    value, grads = vjp(op, inputs, grad)
    index = rng.integers(0, 10**6, size=3)
    for k, checked in enumerate(numeric_vjp(op, inputs, grad, index)):
        if checked is not None:
            idx, numeric = checked
            if not np.isclose(grads[k][idx], numeric, rtol=1e-5,
                              atol=1e-7):
                raise RuntimeError(f"grader fault: the oracle of {op} "
                                   "disagrees with central differences")
    return value, grads


# -- the operations ---------------------------------------------------------

OP_TESTS = ("test_add_sub_neg_backward", "test_mul_backward",
            "test_matmul_backward", "test_sigmoid_backward",
            "test_relu_backward", "test_exp_log_backward",
            "test_sum_backward", "test_mean_backward", "test_ops_unchanged")
#: The operations are graded with a correct unbroadcast in place of the
#: learner's: a mistake there costs only unbroadcast's points.
STAND_INS = {test: {"unbroadcast": unbroadcast} for test in OP_TESTS}


def _mistakes(op, inputs, grad):
    """``{diagnosis: [what the mistake gives for each input]}``."""
    a = [np.asarray(x, dtype=float) for x in inputs]
    g = np.asarray(grad, dtype=float)
    value = forward(op, inputs)
    if op == "sub":
        return {"the gradient with the wrong sign: ∂(a − b)/∂b is −1.":
                [None, unbroadcast(g, a[1].shape)]}
    if op == "mul":
        return {"G times its own input: ∂(a·b)/∂a is b, the *other* "
                "operand.": [unbroadcast(g * a[0], a[0].shape),
                             unbroadcast(g * a[1], a[1].shape)]}
    if op == "matmul" and a[0].shape[0] == a[0].shape[1] == a[1].shape[1]:
        return {"the gradient without its transposes (G @ B or A @ G): "
                "∂L/∂A = G @ Bᵀ, ∂L/∂B = Aᵀ @ G.": [g @ a[1], a[0] @ g]}
    if op == "sigmoid":
        return {"G · a(1 − a) with a the *input*: σ(1 − σ) needs the "
                "output s = σ(a), which the forward pass kept.":
                [g * a[0] * (1 - a[0])],
                "σ′ without G: multiply by grad, the gradient arriving "
                "from above.": [value * (1 - value)]}
    if op == "relu":
        return {"G · a: the slope of relu is 1 where a > 0 and 0 "
                "elsewhere, not a itself.": [g * a[0]]}
    if op == "exp":
        return {"G · a: the slope of exp is exp(a), the output.":
                [g * a[0]]}
    if op == "log":
        return {"G · log(a): the slope of log is 1/a.": [g * value],
                "G · a: the slope of log is 1/a.": [g * a[0]]}
    if op == "mean":
        return {"the gradient of the sum: the mean's 1/n is missing, n = "
                "a.size, the number of elements.":
                [np.full(a[0].shape, float(g))]}
    return None


def _grade_op(run_op, rng, op, inputs, slow=False):
    shape = np.shape(forward(op, inputs))
    grad = rng.normal(size=shape)
    value, grads = _verified(op, inputs, grad, rng)
    op_check(run_op, op, inputs, grad, value, grads,
             hints=_mistakes(op, inputs, grad), slow=slow)


def _grade_large(run_op, rng, op, shapes, low=None, high=None):
    """The first case of a test: drawn in the sandbox from a seed (not
    sent across it), and sampled on its way back."""
    seeds = rng.integers(2**31, size=len(shapes) + 1)
    specs = [{"normal": list(s), "seed": int(k)} if low is None else
             {"uniform": [low, high], "shape": list(s), "seed": int(k)}
             for s, k in zip(shapes, seeds)]
    inputs = [random_array(spec) for spec in specs]
    grad_spec = {"normal": list(np.shape(forward(op, inputs))),
                 "seed": int(seeds[-1])}
    grad = random_array(grad_spec)
    value, grads = vjp(op, inputs, grad)
    op_check(run_op, op, specs, grad_spec, value, grads,
             hints=_mistakes(op, inputs, grad), slow=True, every=EVERY)


def _arrays(rng, *shapes, low=None, high=None):
    if low is None:
        return [rng.normal(size=s) for s in shapes]
    return [rng.uniform(low, high, size=s) for s in shapes]


#: Pairs of operand shapes, broadcasting in every way the lesson uses.
BROADCAST_PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((5, 2), (5, 1)),
                   ((4,), (3, 4)), ((2, 3, 4), (3, 1)), ((3, 1), (1, 4)),
                   ((1, 4), (3, 4)), ((6,), ())]


def grade_add_sub_neg_backward(run_op):
    """A large a − b first, then +, − and negation on random operands of
    every broadcasting kind, and with a number on either side."""
    rng = grading_rng()
    _grade_large(run_op, rng, "sub", [LARGE_ELEMENTWISE,
                                      LARGE_ELEMENTWISE[1:]])
    for k, (s1, s2) in enumerate(BROADCAST_PAIRS):
        _grade_op(run_op, rng, ("add", "sub")[k % 2], _arrays(rng, s1, s2))
        _grade_op(run_op, rng, ("sub", "add")[k % 2], _arrays(rng, s2, s1))
    for number, shape in [(0.5, (3, 2)), (-2.0, (4,))]:
        a = rng.normal(size=shape)
        _grade_op(run_op, rng, "add", [a, number])
        _grade_op(run_op, rng, "sub", [number, a])
        _grade_op(run_op, rng, "sub", [a, number])
    for shape in [(5,), (3, 4), (2, 1, 3)]:
        _grade_op(run_op, rng, "neg", _arrays(rng, shape))


def grade_mul_backward(run_op):
    """A large a * b first, then random operands of every broadcasting
    kind, and a number on either side."""
    rng = grading_rng()
    _grade_large(run_op, rng, "mul", [LARGE_ELEMENTWISE, LARGE_ELEMENTWISE])
    for s1, s2 in BROADCAST_PAIRS:
        _grade_op(run_op, rng, "mul", _arrays(rng, s1, s2))
    for number, shape in [(2.0, (3, 2)), (-0.5, (4,))]:
        a = rng.normal(size=shape)
        _grade_op(run_op, rng, "mul", [number, a])
        _grade_op(run_op, rng, "mul", [a, number])


def grade_matmul_backward(run_op):
    """A large a @ b first, then random products, square and not, a row
    times a column among them."""
    rng = grading_rng()
    _grade_large(run_op, rng, "matmul", list(LARGE_MATMUL))
    for n, k, m in [(2, 3, 4), (3, 3, 3), (1, 5, 1), (4, 1, 2), (5, 2, 3),
                    (2, 2, 2)]:
        _grade_op(run_op, rng, "matmul", _arrays(rng, (n, k), (k, m)))


def _unary(run_op, op, shapes, low=None, high=None,
           large=LARGE_ELEMENTWISE):
    """A large case of ``op`` first, then one of each of ``shapes``."""
    rng = grading_rng()
    _grade_large(run_op, rng, op, [large], low, high)
    for shape in shapes:
        inputs = _arrays(rng, shape, low=low, high=high)
        if op == "relu":  # no element at the kink, where the slope is moot
            inputs[0][np.abs(inputs[0]) < 1e-3] += 0.01
        _grade_op(run_op, rng, op, inputs)


SHAPES = [(6,), (3, 4), (2, 3, 2), (1, 5), ()]


def grade_sigmoid_backward(run_op):
    """A large a.sigmoid() first, then random shapes, scores in [-8, 8]."""
    _unary(run_op, "sigmoid", SHAPES, -8.0, 8.0)


def grade_relu_backward(run_op):
    """A large a.relu() first, then random shapes."""
    _unary(run_op, "relu", SHAPES)


def grade_exp_log_backward(run_op):
    """Large a.exp() and a.log() first, then random shapes (log of
    positive numbers)."""
    _unary(run_op, "exp", SHAPES, -3.0, 3.0)
    _unary(run_op, "log", SHAPES, 0.2, 5.0)


def grade_sum_backward(run_op):
    """A large a.sum() first, then random shapes."""
    _unary(run_op, "sum", SHAPES, large=LARGE_REDUCTION)


def grade_mean_backward(run_op):
    """A large a.mean() first, then random shapes."""
    _unary(run_op, "mean", SHAPES, large=LARGE_REDUCTION)


def grade_ops_unchanged(run_op):
    """Every operation on random operands: inputs and the gradient it is
    handed left as they were."""
    rng = grading_rng()
    cases = []
    for op, shapes in [("add", [(3, 4), (4,)]), ("sub", [(3, 1), (3, 4)]),
                       ("neg", [(5,)]), ("mul", [(2, 3), (2, 3)]),
                       ("matmul", [(3, 2), (2, 4)]), ("sigmoid", [(4, 3)]),
                       ("relu", [(6,)]), ("exp", [(2, 5)]),
                       ("sum", [(3, 3)]), ("mean", [(2, 4)])]:
        inputs = _arrays(rng, *shapes)
        cases.append((op, inputs, rng.normal(size=np.shape(
            forward(op, inputs)))))
    p = rng.uniform(0.2, 3.0, size=(4, 2))
    cases.append(("log", [p], rng.normal(size=(4, 2))))
    unchanged_check(run_op, cases)


# -- unbroadcast ------------------------------------------------------------

def _unbroadcast_cases(rng, added):
    """``(grad, shape)``: leading axes added (``added``), or axes of size
    1 stretched, never both."""
    cases = []
    for _ in range(6):
        ndim = int(rng.integers(1, 4))
        shape = tuple(int(n) for n in rng.integers(2, 5, size=ndim))
        if added:
            lead = tuple(int(n) for n in rng.integers(
                1, 5, size=int(rng.integers(1, 3))))
            cases.append((rng.normal(size=lead + shape), shape))
        else:
            ones = rng.random(ndim) < 0.5
            ones[int(rng.integers(ndim))] = True
            small = tuple(1 if o else n for o, n in zip(ones, shape))
            cases.append((rng.normal(size=shape), small))
    if added:
        cases.append((rng.normal(size=(3, 4)), ()))
        cases.append((rng.normal(size=(4, 4)), (4,)))  # the axis matters
    else:
        cases.append((rng.normal(size=(3, 4)), (1, 1)))
    return cases


def grade_unbroadcast_added_axes(unbroadcast_fn):
    """Random gradients with one or two leading axes added."""
    rng = grading_rng()
    for grad, shape in _unbroadcast_cases(rng, added=True):
        lead = grad.ndim - len(shape)
        wrong = np.sum(grad, axis=tuple(range(grad.ndim - lead, grad.ndim)))
        unbroadcast_check(unbroadcast_fn, grad, shape,
                          unbroadcast(grad, shape),
                          hints={"the sum over the last axes: NumPy adds "
                                 "missing axes at the front (on the "
                                 "left).": wrong})


def grade_unbroadcast_size_one_axes(unbroadcast_fn):
    """Random gradients with axes of size 1 stretched, none added."""
    rng = grading_rng()
    for grad, shape in _unbroadcast_cases(rng, added=False):
        unbroadcast_check(unbroadcast_fn, grad, shape,
                          unbroadcast(grad, shape))


# -- graphs -----------------------------------------------------------------

def _leaf(rng, name, size):
    return ("leaf", name, [], rng.normal(size=size))


def _coefficient(rng):
    """A coefficient, 1 a third of the time (then a backward function
    hands on the very array it was given, as a + b does)."""
    return 1.0 if rng.random() < 1 / 3 else float(
        np.round(rng.uniform(-3.0, 3.0), 2) or 0.5)


def tree_graph(rng, leaves, size):
    """A graph in which every tensor is used once: leaves combined two or
    three at a time (sometimes one: a chain) up to one root."""
    nodes = [_leaf(rng, f"x{k}", size) for k in range(leaves)]
    free = list(range(leaves))
    while len(free) > 1 or rng.random() < 0.3:
        k = min(len(free), int(rng.integers(1, 4)))
        picks = [free.pop(int(rng.integers(len(free)))) for _ in range(k)]
        nodes.append(("lin", f"t{len(nodes)}", picks,
                      [_coefficient(rng) for _ in picks]))
        free.append(len(nodes) - 1)
    nodes.append(("dot", "L", [free[0]], rng.normal(size=size)))
    return nodes


def shared_graph(rng, leaves, ops, size, off=0):
    """A graph in which tensors are used more than once: each new tensor
    combines one to three earlier ones, recent ones more often, the same
    one twice at times (as in x · x); what nothing uses is summed into the
    last tensor before the root. ``off`` tensors that the root does not
    depend on come just before it."""
    while True:
        nodes = [_leaf(rng, f"x{k}", size) for k in range(leaves)]
        for _ in range(ops):
            n = len(nodes)
            k = int(rng.integers(1, 4))
            picks = [int(n - 1 - min(n - 1, rng.geometric(0.3) - 1))
                     for _ in range(k)]
            if rng.random() < 0.2:
                picks = [picks[0], picks[0]]
            nodes.append(("lin", f"t{n}", picks,
                          [_coefficient(rng) for _ in picks]))
        used = [j for node in nodes for j in node[2]]
        unused = [i for i in range(len(nodes)) if i not in used]
        nodes.append(("lin", "s", unused, [1.0] * len(unused)))
        uses = [j for node in nodes for j in node[2]]
        if any(uses.count(j) > 1 for j in set(uses)):
            break
    top = len(nodes) - 1
    for _ in range(off):
        picks = [int(rng.integers(len(nodes)))]
        nodes.append(("lin", f"off{len(nodes)}", picks, [2.0]))
    nodes.append(("dot", "L", [top], rng.normal(size=size)))
    return nodes


def ancestors(nodes):
    """The indices of every node the root (the last) depends on."""
    found, stack = set(), [len(nodes) - 1]
    while stack:
        i = stack.pop()
        if i not in found:
            found.add(i)
            stack.extend(nodes[i][2])
    return found


def random_order(rng, nodes):
    """A topological order of the root's ancestors, ties broken at
    random."""
    keep = ancestors(nodes)
    waiting = {i: len(set(nodes[i][2])) for i in keep}
    consumers = {i: set() for i in keep}
    for i in keep:
        for j in nodes[i][2]:
            consumers[j].add(i)
    ready = [i for i in keep if waiting[i] == 0]
    order = []
    while ready:
        i = ready.pop(int(rng.integers(len(ready))))
        order.append(i)
        for c in consumers[i]:
            waiting[c] -= 1
            if waiting[c] == 0:
                ready.append(c)
    return order


def gradients(nodes):
    """d root / d node for every node, by the oracle's own reverse sweep
    over the description (parents come before their children in it)."""
    shapes = [np.shape(n[3]) if n[0] == "leaf" else None for n in nodes]
    for i, (kind, _, parents, _) in enumerate(nodes):
        if kind != "leaf":
            shapes[i] = () if kind == "dot" else shapes[parents[0]]
    grads = [np.zeros(s) for s in shapes]
    grads[-1] = np.ones(())
    for i in range(len(nodes) - 1, -1, -1):
        kind, _, parents, extra = nodes[i]
        if kind == "dot":
            grads[parents[0]] = (grads[parents[0]]
                                 + np.asarray(extra) * grads[i])
        elif kind == "lin":
            for c, j in zip(extra, parents):
                grads[j] = grads[j] + c * grads[i]
    return grads


def overwritten(nodes, order):
    """What a backward that assigns .grad where it should add gives, in
    ``order``: for the message that names that mistake."""
    grads = {i: None for i in order}
    grads[len(nodes) - 1] = np.ones(())
    for i in reversed(order):
        kind, _, parents, extra = nodes[i]
        if kind == "leaf" or grads[i] is None:
            continue
        if kind == "dot":
            grads[parents[0]] = np.asarray(extra) * grads[i]
        else:
            for c, j in zip(extra, parents):
                grads[j] = c * grads[i]
    return [grads.get(i) if grads.get(i) is not None else np.nan
            for i in range(len(nodes))]


def grade_topological_order_complete(run_order):
    """Random graphs with shared tensors and tensors off the root's path:
    every ancestor once, nothing else."""
    rng = grading_rng()
    for leaves, ops, off in [(2, 4, 1), (3, 8, 2), (1, 5, 0), (4, 12, 3),
                             (5, 30, 2), (8, 120, 4)]:
        nodes = shared_graph(rng, leaves, ops, 1, off)
        order_complete_check(run_order, nodes, ancestors(nodes))
    nodes = tree_graph(rng, 6, 1)
    order_complete_check(run_order, nodes, ancestors(nodes))


def grade_topological_order_sorted(run_order):
    """Random small graphs, shared tensors and uneven path lengths among
    them: every tensor after its parents."""
    rng = grading_rng()
    for leaves, ops in [(2, 4), (3, 7), (1, 6), (4, 9), (3, 12), (2, 14)]:
        order_sorted_check(run_order, shared_graph(rng, leaves, ops, 1))
    order_sorted_check(run_order, tree_graph(rng, 7, 1))


def grade_backward_tree(run_backward):
    """A large tree first (finite differences would take minutes), then
    random trees of several sizes and shapes."""
    rng = grading_rng()
    cases = [tree_graph(rng, 12, 5_000)]
    cases += [tree_graph(rng, leaves, size) for leaves, size in
              [(2, 3), (3, ()), (5, 2), (4, (2, 2)), (7, 1)]]
    for k, nodes in enumerate(cases):
        backward_check(run_backward, nodes, random_order(rng, nodes),
                       gradients(nodes), slow=k == 0,
                       every=EVERY if k == 0 else None)


def grade_backward_shared(run_backward):
    """A large graph with shared tensors first, then random ones (the same
    tensor twice in one operation among them, as in x · x)."""
    rng = grading_rng()
    cases = [shared_graph(rng, 8, 30, 5_000)]
    cases += [shared_graph(rng, leaves, ops, size) for leaves, ops, size in
              [(1, 3, 2), (2, 6, ()), (3, 10, 3), (2, 15, (2, 2)),
               (4, 25, 1)]]
    x_times_x = [_leaf(rng, "x", 3), ("lin", "x·x", [0, 0], [1.0, 1.0]),
                 ("dot", "L", [1], rng.normal(size=3))]
    for k, nodes in enumerate(cases + [x_times_x]):
        order = random_order(rng, nodes)
        backward_check(run_backward, nodes, order, gradients(nodes),
                       overwrite=overwritten(nodes, order), slow=k == 0,
                       every=EVERY if k == 0 else None)


def grade_backward_twice(run_backward):
    """Random graphs, with and without shared tensors: a second call
    gives the first call's gradients."""
    rng = grading_rng()
    for nodes in [tree_graph(rng, 4, 3), shared_graph(rng, 3, 8, 2),
                  shared_graph(rng, 2, 12, (2, 2))]:
        twice_check(run_backward, nodes, random_order(rng, nodes))
