"""Lesson 08's graders, proven both ways with the grading harness.

Wrong variants are the mistakes of a first autodiff engine; right variants
are other correct engines (recursive or iterative sorts, closures or bound
methods, any order among independent tensors, np.einsum, other ways to
unbroadcast and to accumulate). The operations' backward functions are
graded with a correct unbroadcast standing in, and backward with fixed
linear backward functions and a correct order standing in, so a mistake
costs only the points of its own exercise (``loses=``).

Finite differences, timed on this machine (2 cores, load 10 to 12 from
other sessions) against the hidden tests' first, large cases: central
differences of one input take 300 s (a sum of 600 x 500) to 20,000 s (a
sigmoid of 400 x 500), 1,300 s for a 250 x 250 matrix product, against the
10 s per call of the sandbox; the backward functions themselves take 0.2
to 12 ms, and one written with a Python loop over the elements 1.2 s.
"""

import numpy as np
import pytest
from grading_harness import Variant, lesson_tests

from autograder.hidden import lesson08 as hidden
from coursetools import lesson08 as helpers

LESSON = "08-autodiff-engine"
ADDED, SIZE_ONE = ("test_unbroadcast_added_axes",
                   "test_unbroadcast_size_one_axes")
ADD, MUL, MATMUL = ("test_add_sub_neg_backward", "test_mul_backward",
                    "test_matmul_backward")
SIGMOID, RELU, EXP_LOG = ("test_sigmoid_backward", "test_relu_backward",
                          "test_exp_log_backward")
SUM, MEAN, UNCHANGED = ("test_sum_backward", "test_mean_backward",
                        "test_ops_unchanged")
COMPLETE, SORTED = ("test_topological_order_complete",
                    "test_topological_order_sorted")
TREE, SHARED, TWICE = ("test_backward_tree", "test_backward_shared",
                       "test_backward_twice")
UNBROADCAST = {ADDED, SIZE_ONE}
OPS = {ADD, MUL, MATMUL, SIGMOID, RELU, EXP_LOG, SUM, MEAN}
ORDER = {COMPLETE, SORTED}
BACKWARD = {TREE, SHARED, TWICE}

#: The solution's cells, with one backward function changed: ``op`` is
#: the method's name, ``body`` the new lines of its backward function.
CELLS = {"__add__": "arithmetic", "__sub__": "arithmetic",
         "__neg__": "arithmetic", "__mul__": "product",
         "__matmul__": "matrix_product", "sigmoid": "activations",
         "relu": "activations", "exp": "exp_log", "log": "exp_log",
         "sum": "reductions", "mean": "reductions"}


def changed(op, body):
    """``{grade_id: code}``: the solution cell of ``op`` with the body of
    its backward function replaced by ``body`` (one line)."""
    from grading_harness import solution_cells

    source = solution_cells(LESSON)[CELLS[op]]
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.strip().startswith(f"def {op}("))
    begin = next(i for i in range(start, len(lines))
                 if "### BEGIN SOLUTION" in lines[i])
    end = next(i for i in range(begin, len(lines))
               if "### END SOLUTION" in lines[i])
    indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
    lines[begin:end + 1] = [indent + body]
    return {CELLS[op]: "\n".join(lines)}


def backward_pass(body):
    """The backward_pass cell with ``body`` (indented for a method)."""
    return {"backward_pass": '''
        @extend(Tensor)
        class BackwardPass:
            def backward(self):
''' + body}


FINITE_DIFFERENCES = '''
    def finite_differences(forward, arrays, grad, eps=1e-6):
        """∂L/∂ each array by central differences of ⟨grad, forward⟩."""
        grads = []
        for k, x in enumerate(arrays):
            g = np.zeros_like(x)
            for idx in np.ndindex(x.shape):
                up = [a.copy() for a in arrays]
                up[k][idx] += eps
                down = [a.copy() for a in arrays]
                down[k][idx] -= eps
                g[idx] = np.sum(grad * (forward(*up) - forward(*down)))
                g[idx] /= 2 * eps
            grads.append(g)
        return tuple(grads)


    def numerical(self, forward, *others):
        arrays = [self.data] + [o.data for o in others]
        out = Tensor(forward(*arrays), (self, *others))
        out._backward = lambda grad: finite_differences(forward, arrays,
                                                        grad)
        return out


    @extend(Tensor)
    class Arithmetic:
        def __add__(self, other):
            return numerical(self, np.add, as_tensor(other))

        def __sub__(self, other):
            return numerical(self, np.subtract, as_tensor(other))

        def __neg__(self):
            return numerical(self, np.negative)

        def __mul__(self, other):
            return numerical(self, np.multiply, as_tensor(other))

        def __matmul__(self, other):
            return numerical(self, np.matmul, as_tensor(other))

        def sigmoid(self):
            return numerical(self, sigmoid)

        def relu(self):
            return numerical(self, lambda a: np.maximum(a, 0.0))

        def exp(self):
            return numerical(self, np.exp)

        def log(self):
            return numerical(self, np.log)

        def sum(self):
            return numerical(self, np.sum)

        def mean(self):
            return numerical(self, np.mean)
'''
NOTHING = "pass"

WRONG = [
    # -- unbroadcast ----------------------------------------------------------
    Variant("unbroadcast sums the trailing axes: a slip of 2 points",
            {"unbroadcast": """
        def unbroadcast(grad, shape):
            grad = np.asarray(grad, dtype=float)
            while grad.ndim > len(shape):
                grad = grad.sum(axis=-1)
            for axis, size in enumerate(shape):
                if size == 1 and grad.shape[axis] != 1:
                    grad = grad.sum(axis=axis, keepdims=True)
            return grad
    """}, fails={ADDED}, passes={SIZE_ONE} | OPS | ORDER | BACKWARD,
            says=r"front|last axis|expected shape", loses=2),
    Variant("unbroadcast forgets keepdims: a slip of 2 points",
            {"unbroadcast": """
        def unbroadcast(grad, shape):
            grad = np.asarray(grad, dtype=float)
            while grad.ndim > len(shape):
                grad = grad.sum(axis=0)
            for axis, size in reversed(list(enumerate(shape))):
                if size == 1 and grad.shape[axis] != 1:
                    grad = grad.sum(axis=axis)
            return grad
    """}, fails={SIZE_ONE}, passes={ADDED} | OPS, says=r"keepdims",
            loses=2),
    Variant("unbroadcast returns grad as it is", {"unbroadcast": """
        def unbroadcast(grad, shape):
            return grad
    """}, fails=UNBROADCAST, passes=OPS, says=r"shape"),
    Variant("unbroadcast sums everything", {"unbroadcast": """
        def unbroadcast(grad, shape):
            return np.full(shape, np.sum(grad))
    """}, fails=UNBROADCAST, passes=OPS),
    # -- the operations' backward functions -----------------------------------
    Variant("a + b without unbroadcast",
            changed("__add__", "return grad, grad"),
            fails={ADD}, passes=UNBROADCAST | OPS - {ADD},
            says=r"shape"),
    Variant("a - b with the wrong sign for b",
            changed("__sub__", "return (unbroadcast(grad, self.shape), "
                               "unbroadcast(grad, other.shape))"),
            fails={ADD}, passes=OPS - {ADD}, says=r"sign"),
    Variant("-a returns an array, not a tuple",
            changed("__neg__", "return -grad"),
            fails={ADD}, says=r"tuple"),
    Variant("a * b: each operand times itself",
            changed("__mul__", "return (unbroadcast(grad * self.data, "
                               "self.shape), unbroadcast(grad * other.data,"
                               " other.shape))"),
            fails={MUL}, passes=OPS - {MUL}, says=r"other"),
    Variant("a * b without unbroadcast",
            changed("__mul__", "return grad * other.data, grad * self.data"),
            fails={MUL}, says=r"shape"),
    Variant("a @ b without the transposes",
            changed("__matmul__", "return grad @ other.data, "
                                  "self.data @ grad"),
            fails={MATMUL}, passes=OPS - {MATMUL}, says=r"transpose"),
    Variant("a @ b with the factors in the wrong order",
            changed("__matmul__", "return other.data.T @ grad, "
                                  "grad @ self.data.T"),
            fails={MATMUL}, says=r"transpose|shape|order"),
    Variant("sigmoid's backward from the input: a slip of 1 point",
            changed("sigmoid", "return (grad * self.data * (1 - self.data),)"),
            fails={SIGMOID}, passes=OPS - {SIGMOID} | BACKWARD | ORDER,
            says=r"input", loses=1),
    Variant("sigmoid's backward without grad",
            changed("sigmoid", "return (s * (1 - s),)"),
            fails={SIGMOID}, says=r"without G|grad"),
    Variant("relu's backward multiplies by the input",
            changed("relu", "return (grad * self.data,)"),
            fails={RELU}, says=r"slope"),
    Variant("exp's backward multiplies by the input",
            changed("exp", "return (grad * self.data,)"),
            fails={EXP_LOG}, says=r"exp\(a\)"),
    Variant("log's backward multiplies by log",
            changed("log", "return (grad * np.log(self.data),)"),
            fails={EXP_LOG}, says=r"1/a"),
    Variant("sum's backward returns grad itself",
            changed("sum", "return (grad,)"),
            fails={SUM}, passes=OPS - {SUM}, says=r"shape"),
    Variant("mean without its 1/n: a slip of 1 point",
            changed("mean", "return (grad * np.ones_like(self.data),)"),
            fails={MEAN}, passes=OPS - {MEAN} | BACKWARD, says=r"1/n",
            loses=1),
    Variant("relu changes its input in place: a slip of 1 point",
            {"activations": """
        @extend(Tensor)
        class Activations:
            def sigmoid(self):
                s = sigmoid(self.data)

                def backward(grad):
                    return (grad * s * (1 - s),)

                return Tensor(s, (self,), backward)

            def relu(self):
                def backward(grad):
                    return (grad * (self.data > 0),)

                self.data[self.data < 0] = 0.0  # in place
                return Tensor(self.data, (self,), backward)
    """}, fails={UNCHANGED}, passes=OPS, says=r"in place", loses=1),
    Variant("-a's backward negates grad in place: a slip of 1 point",
            changed("__neg__", "grad *= -1; return (grad,)"),
            fails={UNCHANGED}, passes=OPS, says=r"grad it was handed",
            loses=1),
    Variant("backward functions by finite differences score 0 on them",
            {"arithmetic": FINITE_DIFFERENCES, "product": NOTHING,
             "matrix_product": NOTHING, "activations": NOTHING,
             "exp_log": NOTHING, "reductions": NOTHING},
            fails=OPS, passes=UNBROADCAST | ORDER | BACKWARD,
            says=r"finite differences", loses=12),
    # -- topological_order ----------------------------------------------------
    Variant("topological order without a visited set: a slip of 2 points",
            {"topological_order": """
        def topological_order(root):
            order = []

            def visit(tensor):
                for parent in tensor.parents:
                    visit(parent)
                order.append(tensor)

            visit(root)
            return order
    """}, fails={COMPLETE}, passes={SORTED} | BACKWARD | OPS,
            says=r"twice", loses=2),
    Variant("topological order appends before the parents: a slip of 2",
            {"topological_order": """
        def topological_order(root):
            order, visited = [], set()

            def visit(tensor):
                if tensor in visited:
                    return
                visited.add(tensor)
                order.append(tensor)
                for parent in tensor.parents:
                    visit(parent)

            visit(root)
            return order
    """}, fails={SORTED}, passes={COMPLETE} | BACKWARD,
            says=r"before its parent", loses=2),
    Variant("topological order by breadth from the root, reversed",
            {"topological_order": """
        def topological_order(root):
            order, seen, queue = [], {root}, [root]
            while queue:
                tensor = queue.pop(0)
                order.append(tensor)
                for parent in tensor.parents:
                    if parent not in seen:
                        seen.add(parent)
                        queue.append(parent)
            return order[::-1]
    """}, fails={SORTED}, passes={COMPLETE} | BACKWARD,
            says=r"before its parent"),
    Variant("topological order without the root", {"topological_order": """
        def topological_order(root):
            order, visited = [], set()

            def visit(tensor):
                for parent in tensor.parents:
                    if parent not in visited:
                        visited.add(parent)
                        visit(parent)
                        order.append(parent)

            visit(root)
            return order
    """}, fails=ORDER, says=r"root"),
    Variant("topological order of the leaves only", {"topological_order": """
        def topological_order(root):
            leaves, stack, seen = [], [root], set()
            while stack:
                tensor = stack.pop()
                if tensor in seen:
                    continue
                seen.add(tensor)
                if not tensor.parents:
                    leaves.append(tensor)
                stack.extend(tensor.parents)
            return leaves
    """}, fails=ORDER, says=r"leaves out"),
    # -- backward -------------------------------------------------------------
    Variant("backward assigns instead of adding: a slip of 2 points",
            backward_pass("""
                order = topological_order(self)
                for tensor in order:
                    tensor.grad = np.zeros_like(tensor.data)
                self.grad = np.ones_like(self.data)
                for tensor in reversed(order):
                    if tensor._backward is not None:
                        grads = tensor._backward(tensor.grad)
                        for parent, grad in zip(tensor.parents, grads):
                            parent.grad = grad
            """), fails={SHARED}, passes={TREE, TWICE} | OPS | ORDER,
            says=r"assigns .grad where it should add", loses=2),
    Variant("gradients grow on a second call: a slip of 1 point",
            backward_pass("""
                order = topological_order(self)
                for tensor in order:
                    if tensor.grad is None:
                        tensor.grad = np.zeros_like(tensor.data)
                self.grad = np.ones_like(self.data)
                for tensor in reversed(order):
                    if tensor._backward is not None:
                        grads = tensor._backward(tensor.grad)
                        for parent, grad in zip(tensor.parents, grads):
                            parent.grad = parent.grad + grad
            """), fails={TWICE}, passes={TREE, SHARED} | OPS | ORDER,
            says=r"reset", loses=1),
    Variant("backward adds in place into an array it was handed",
            backward_pass("""
                for tensor in topological_order(self):
                    tensor.grad = None
                self.grad = np.ones_like(self.data)
                for tensor in reversed(topological_order(self)):
                    if tensor._backward is not None:
                        grads = tensor._backward(tensor.grad)
                        for parent, grad in zip(tensor.parents, grads):
                            if parent.grad is None:
                                parent.grad = grad
                            else:
                                parent.grad += grad
            """), fails={SHARED}, passes={TREE, TWICE},
            says=r"in place"),
    Variant("backward in the topological order, not reversed",
            backward_pass("""
                order = topological_order(self)
                for tensor in order:
                    tensor.grad = np.zeros_like(tensor.data)
                self.grad = np.ones_like(self.data)
                for tensor in order:
                    if tensor._backward is not None:
                        grads = tensor._backward(tensor.grad)
                        for parent, grad in zip(tensor.parents, grads):
                            parent.grad = parent.grad + grad
            """), fails={TREE, SHARED}, passes=OPS | ORDER,
            says=r"ran before its gradient was complete|is wrong"),
    Variant("backward without seeding the root", backward_pass("""
                order = topological_order(self)
                for tensor in order:
                    tensor.grad = np.zeros_like(tensor.data)
                for tensor in reversed(order):
                    if tensor._backward is not None:
                        grads = tensor._backward(tensor.grad)
                        for parent, grad in zip(tensor.parents, grads):
                            parent.grad = parent.grad + grad
            """), fails={TREE, SHARED}, says=r"root's gradient is 1"),
    Variant("backward that pushes every share down at once, path by path",
            backward_pass("""
                for tensor in topological_order(self):
                    tensor.grad = np.zeros_like(tensor.data)

                def push(tensor, grad):
                    tensor.grad = tensor.grad + grad
                    if tensor._backward is not None:
                        shares = tensor._backward(grad)
                        for parent, share in zip(tensor.parents, shares):
                            push(parent, share)

                push(self, np.ones_like(self.data))
            """), fails={SHARED}, passes={TREE, TWICE},
            says=r"ran the backward function of .* times"),
]

RIGHT = [
    Variant("solution as written"),
    Variant("unbroadcast with one sum over a tuple of axes",
            {"unbroadcast": """
        def unbroadcast(grad, shape):
            grad = np.asarray(grad, dtype=float)
            lead = grad.ndim - len(shape)
            axes = tuple(range(lead)) + tuple(
                lead + k for k, n in enumerate(shape) if n == 1)
            return grad.sum(axis=axes, keepdims=True).reshape(shape)
    """}),
    Variant("unbroadcast with a loop until the shapes agree",
            {"unbroadcast": """
        def unbroadcast(grad, shape):
            out = np.array(grad, dtype=float)
            while out.shape != tuple(shape):
                if out.ndim > len(shape):
                    out = out.sum(axis=0)
                    continue
                for axis in range(out.ndim):
                    if shape[axis] == 1 and out.shape[axis] > 1:
                        out = out.sum(axis=axis, keepdims=True)
                        break
            return out
    """}),
    Variant("backward functions as bound methods of small objects",
            {"product": """
        class MulBackward:
            def __init__(self, a, b):
                self.a, self.b = a, b

            def backward(self, grad):
                return (unbroadcast(grad * self.b.data, self.a.shape),
                        unbroadcast(grad * self.a.data, self.b.shape))


        @extend(Tensor)
        class Product:
            def __mul__(self, other):
                other = as_tensor(other)
                return Tensor(self.data * other.data, (self, other),
                              MulBackward(self, other).backward)
    """, "matrix_product": """
        class MatMulBackward:
            def __init__(self, a, b):
                self.a, self.b = a.data, b.data

            def __call__(self, grad):
                return grad @ self.b.T, self.a.T @ grad


        @extend(Tensor)
        class MatrixProduct:
            def __matmul__(self, other):
                other = as_tensor(other)
                return Tensor(self.data @ other.data, (self, other),
                              MatMulBackward(self, other))
    """}),
    Variant("matmul's backward with np.einsum",
            changed("__matmul__", "return (np.einsum('ik,jk->ij', grad, "
                                  "other.data), np.einsum('ji,jk->ik', "
                                  "self.data, grad))")),
    Variant("sigmoid's backward from out.data, bound late",
            {"activations": """
        @extend(Tensor)
        class Activations:
            def sigmoid(self):
                def backward(grad):
                    return (grad * out.data * (1.0 - out.data),)

                out = Tensor(sigmoid(self.data), (self,), backward)
                return out

            def relu(self):
                def backward(grad):
                    return (np.where(self.data > 0, grad, 0.0),)

                return Tensor(np.maximum(self.data, 0.0), (self,), backward)
    """}),
    Variant("sum and mean with np.full and np.broadcast_to",
            {"reductions": """
        @extend(Tensor)
        class Reductions:
            def sum(self):
                def backward(grad):
                    return (np.broadcast_to(grad, self.shape),)

                return Tensor(np.sum(self.data), (self,), backward)

            def mean(self):
                def backward(grad):
                    return (np.full(self.shape, grad / self.data.size),)

                return Tensor(np.mean(self.data), (self,), backward)
    """}),
    Variant("elementwise backward functions with Python loops",
            {"exp_log": """
        @extend(Tensor)
        class ExpLog:
            def exp(self):
                e = np.exp(self.data)

                def backward(grad):
                    out = np.empty_like(e)
                    for i in range(e.size):
                        out.flat[i] = grad.flat[i] * e.flat[i]
                    return (out,)

                return Tensor(e, (self,), backward)

            def log(self):
                def backward(grad):
                    return (grad / self.data,)

                return Tensor(np.log(self.data), (self,), backward)
    """}),
    Variant("topological order with an explicit stack", {
        "topological_order": """
        def topological_order(root):
            order, done, stack = [], set(), [(root, False)]
            while stack:
                tensor, expanded = stack.pop()
                if tensor in done:
                    continue
                if expanded:
                    done.add(tensor)
                    order.append(tensor)
                else:
                    stack.append((tensor, True))
                    stack.extend((p, False) for p in tensor.parents
                                 if p not in done)
            return order
    """}),
    Variant("topological order by Kahn's algorithm", {"topological_order": """
        def topological_order(root):
            found, stack = {}, [root]
            while stack:
                tensor = stack.pop()
                if id(tensor) not in found:
                    found[id(tensor)] = tensor
                    stack.extend(tensor.parents)
            waiting = {key: len(set(map(id, t.parents)))
                       for key, t in found.items()}
            users = {key: [] for key in found}
            for key, tensor in found.items():
                for parent in set(map(id, tensor.parents)):
                    users[parent].append(key)
            ready = [key for key, n in waiting.items() if n == 0]
            order = []
            while ready:
                key = ready.pop()
                order.append(found[key])
                for user in users[key]:
                    waiting[user] -= 1
                    if waiting[user] == 0:
                        ready.append(user)
            return order
    """}),
    Variant("topological order visiting the parents last to first",
            {"topological_order": """
        def topological_order(root):
            order, visited = [], []

            def visit(tensor):
                if any(tensor is v for v in visited):
                    return
                visited.append(tensor)
                for parent in reversed(tensor.parents):
                    visit(parent)
                order.append(tensor)

            visit(root)
            return tuple(order)
    """}),
    Variant("backward with += into fresh zeros", backward_pass("""
                order = topological_order(self)
                for tensor in order:
                    tensor.grad = np.zeros(tensor.data.shape)
                self.grad += 1.0
                for tensor in order[::-1]:
                    if tensor.parents:
                        grads = tensor._backward(tensor.grad)
                        for parent, grad in zip(tensor.parents, grads):
                            parent.grad += grad
            """)),
    Variant("backward with a dict of gradients, assigned at the end",
            backward_pass("""
                order = topological_order(self)
                grads = {id(t): 0.0 for t in order}
                grads[id(self)] = np.ones(self.data.shape)
                for tensor in reversed(order):
                    if tensor._backward is None:
                        continue
                    shares = tensor._backward(
                        np.broadcast_to(grads[id(tensor)], tensor.shape))
                    for parent, share in zip(tensor.parents, shares):
                        grads[id(parent)] = grads[id(parent)] + share
                for tensor in order:
                    tensor.grad = np.broadcast_to(
                        grads[id(tensor)], tensor.shape).astype(float)
            """)),
    Variant("backward that starts from None and adds new arrays",
            backward_pass("""
                order = topological_order(self)
                for tensor in order:
                    tensor.grad = None
                self.grad = np.ones_like(self.data)
                for tensor in reversed(order):
                    if tensor._backward is None:
                        continue
                    for parent, grad in zip(tensor.parents,
                                            tensor._backward(tensor.grad)):
                        parent.grad = (grad if parent.grad is None
                                       else parent.grad + grad)
            """)),
]


(test_wrong_answer_loses_points, test_right_answer_gets_full_marks,
 test_blank_lesson_scores_zero) = lesson_tests(LESSON, WRONG, RIGHT)


# -- the tabulated numbers and the oracles ----------------------------------

def test_tabulated_operations_match_the_oracle():
    """The visible checks' literal values are the oracle's."""
    cases = [(op, inputs, helpers.G, value, grads)
             for op, inputs, value, grads in (helpers.ADD_CASES
                                              + helpers.MUL_CASES)]
    cases += [("matmul", inputs, grad, value, [da, db])
              for inputs, grad, value, da, db, _ in helpers.MATMUL_CASES]
    cases += [("sigmoid", [helpers.Z], helpers.G, helpers.SIGMOID_VALUE,
               [helpers.SIGMOID_GRAD]),
              ("relu", [helpers.ZR], helpers.G, helpers.RELU_VALUE,
               [helpers.RELU_GRAD]),
              ("exp", [helpers.Z], helpers.G, helpers.EXP_VALUE,
               [helpers.EXP_GRAD]),
              ("log", [helpers.P], helpers.G, helpers.LOG_VALUE,
               [helpers.LOG_GRAD])]
    for op, inputs, grad, value, grads in cases:
        expected_value, expected = hidden.vjp(op, inputs, grad)
        np.testing.assert_allclose(value, expected_value, rtol=1e-15)
        for got, want in zip(grads, expected):
            np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-15)


def test_tabulated_graphs_match_the_oracle():
    """The visible graphs' gradients, ancestors and orders are right."""
    for nodes, expected in [(helpers.TREE, helpers.TREE_GRADS),
                            (helpers.SHARED, helpers.SHARED_GRADS)]:
        for got, want in zip(expected, hidden.gradients(nodes)):
            np.testing.assert_allclose(got, want)
    overwrite = hidden.overwritten(helpers.SHARED, list(range(6)))
    for got, want in zip(helpers.SHARED_OVERWRITE, overwrite):
        np.testing.assert_allclose(got, want)
    for nodes, ancestors, order in zip(helpers.ORDER_GRAPHS,
                                       helpers.ANCESTORS, helpers.ORDERS):
        assert hidden.ancestors(nodes) == ancestors
        assert sorted(order) == sorted(ancestors)
        position = {i: k for k, i in enumerate(order)}
        assert all(position[p] < position[i] for i in order
                   for p in nodes[i][2])


@pytest.mark.parametrize("op", sorted(helpers.OPS))
def test_oracle_agrees_with_central_differences(op):
    rng = np.random.default_rng(1)
    shapes = {"matmul": [(3, 4), (4, 2)], "add": [(3, 4), (4,)],
              "sub": [(3, 1), (3, 4)], "mul": [(2, 3), (2, 1)]}.get(
                  op, [(3, 4)])
    inputs = [rng.uniform(0.5, 2.0, size=s) for s in shapes]
    grad = rng.normal(size=np.shape(hidden.forward(op, inputs)))
    _, grads = hidden.vjp(op, inputs, grad)
    for index in np.ndindex(3, 3):
        for k, (idx, numeric) in enumerate(
                hidden.numeric_vjp(op, inputs, grad, index)):
            assert np.isclose(grads[k][idx], numeric, rtol=1e-6, atol=1e-8)


def test_graph_gradients_agree_with_central_differences():
    """The oracle's gradients of a random linear graph, against central
    differences of the graph's value in its leaves."""
    rng = np.random.default_rng(2)
    nodes = hidden.shared_graph(rng, 3, 10, 2)

    def value(leaves):
        values = []
        for kind, _, parents, extra in nodes:
            if kind == "leaf":
                values.append(leaves[len(values)])
            elif kind == "dot":
                values.append(np.sum(extra * values[parents[0]]))
            else:
                values.append(sum(c * values[j]
                                  for c, j in zip(extra, parents)))
        return values[-1]

    leaves = [n[3] for n in nodes if n[0] == "leaf"]
    expected = hidden.gradients(nodes)
    for k, leaf in enumerate(leaves):
        for i in range(leaf.size):
            up = [x.copy() for x in leaves]
            down = [x.copy() for x in leaves]
            up[k][i] += 1e-6
            down[k][i] -= 1e-6
            numeric = (value(up) - value(down)) / 2e-6
            assert np.isclose(expected[k][i], numeric, rtol=1e-6)
