"""Every lesson has the form of docs/lesson-form.md.

A visible check cell is a call: a one-line docstring, an import from the
lesson's own module of the helper package, calls with the learner's
functions (each a ``@check`` that prints a ✓); at most 15 lines, and all
check cells together at most 30 % of the learner notebook's code lines.
The hidden part of a test
cell in solutions/ is as short: an import from the lesson's hidden-test
module and a call. Nothing in a check cell defines or rebinds a name of the
learner's notebook.
"""

import ast
import importlib
import re

import nbformat
import pytest
from conftest import LESSONS, ROOT, SOLUTIONS, notebooks

from autograder import grading

MAX_CHECK_LINES = 15
MAX_CHECK_SHARE = 0.30
MAX_HIDDEN_LINES = 8
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS\n?",
                    re.S)
LESSON_NOTEBOOKS = notebooks(LESSONS)


def number(path):
    return path.stem[:2]


def code_lines(source):
    return [line for line in source.splitlines() if line.strip()]


def check_cells(nb):
    return [c for c in nb.cells if grading.is_test_cell(c)]


def share(nb):
    """(check lines, all code lines) of a notebook, blank lines not
    counted."""
    check = total = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        n = len(code_lines(cell.source))
        total += n
        if grading.is_test_cell(cell):
            check += n
    return check, total


def _calls_only(tree, module, where):
    """The statements of a check cell (or hidden part): imports from
    ``module`` and calls of what they imported; no assignment, no def."""
    imported = set()
    problems = []
    body = list(tree.body)
    if (body and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        body = body[1:]
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.module == module:
            imported.update(a.asname or a.name for a in node.names)
        elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
              and isinstance(node.value.func, ast.Name)
              and node.value.func.id in imported | {"print"}):
            for sub in ast.walk(node.value):
                if isinstance(sub, (ast.Lambda, ast.NamedExpr)):
                    problems.append(f"{where}: a {type(sub).__name__} in "
                                    "a call")
        else:
            problems.append(f"{where}: line {node.lineno} is a "
                            f"{type(node).__name__}, not an import from "
                            f"{module} or a call of what it imports")
    return problems


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_check_cells_are_calls(path):
    nb = nbformat.read(str(path), 4)
    module = f"coursetools.lesson{number(path)}"
    problems = []
    for cell in check_cells(nb):
        gid = cell.metadata["nbgrader"]["grade_id"]
        lines = cell.source.splitlines()
        if len(lines) > MAX_CHECK_LINES:
            problems.append(f"{gid}: {len(lines)} lines (at most "
                            f"{MAX_CHECK_LINES})")
        tree = ast.parse(cell.source)
        doc = ast.get_docstring(tree)
        if not doc or "\n" in doc.strip():
            problems.append(f"{gid}: no one-line docstring")
        problems += _calls_only(tree, module, gid)
        helpers = importlib.import_module(module)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    fn = getattr(helpers, alias.name, None)
                    if not getattr(fn, "passed", ""):
                        problems.append(
                            f"{gid}: {module}.{alias.name} is not a visible "
                            "check (@check(...)): it prints no ✓")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_check_code_share(path):
    check, total = share(nbformat.read(str(path), 4))
    assert total and check / total <= MAX_CHECK_SHARE, (
        f"{path.name}: check cells are {check} of {total} code lines "
        f"({check / total:.0%}; at most {MAX_CHECK_SHARE:.0%})")


@pytest.mark.parametrize("path", notebooks(SOLUTIONS), ids=lambda p: p.stem)
def test_hidden_parts_are_calls(path):
    nb = nbformat.read(str(path), 4)
    module = f"autograder.hidden.lesson{number(path)}"
    problems = []
    for cell in check_cells(nb):
        gid = cell.metadata["nbgrader"]["grade_id"]
        parts = HIDDEN.findall(cell.source)
        if not parts:
            problems.append(f"{gid}: no hidden tests")
        for part in parts:
            if len(code_lines(part)) > MAX_HIDDEN_LINES:
                problems.append(f"{gid}: hidden part of "
                                f"{len(code_lines(part))} lines")
            problems += _calls_only(ast.parse(part), module,
                                    f"{gid} (hidden)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", notebooks(SOLUTIONS), ids=lambda p: p.stem)
def test_each_lesson_has_its_modules(path):
    """An instructor changing lesson NN opens its notebook, its helper
    module, its hidden-test module and its grader proof."""
    n = number(path)
    for part in (f"coursetools/lesson{n}.py", f"autograder/hidden/"
                 f"lesson{n}.py", f"tests/test_grader_{n}.py"):
        assert (ROOT / part).is_file(), f"{path.name}: {part} is missing"
    text = path.read_text()
    for old in ("coursetools.plots", "coursetools.widgets"):
        assert old not in text, (
            f"{path.name} imports {old}: a lesson's figures and widgets "
            f"live in coursetools/lesson{n}.py")
