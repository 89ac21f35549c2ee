"""Nothing given away: no callable a learner can import from the course's
helper package earns a graded function's points when submitted as the
answer, and no placeholder (``return None``, ``return 0.5``, the input
itself, zeros, an empty dict) earns any test's points.

For each lesson, one sandbox runs the instructor's notebook with every
callable of ``coursetools`` bound to a name of its own (the real grading
path: learner code in the sandbox, tests in this process). Then every test
of every graded function runs with that function replaced by each
candidate whose signature fits; each such test must fail. (No visible check
cell defines a function at all: ``test_lesson_form.py`` sees to that.)
"""

import importlib
import inspect
import pkgutil

import nbformat
import pytest
from grading_harness import PROOF_LIMITS, SOLUTIONS, solution_cells

import coursetools
from autograder import grading
from autograder import sandbox as sb

LESSONS = sorted(grading.lessons())
#: An exercise not written yet: the tests it fails are its tests; and
#: placeholders that answer nothing, which must earn no test's points.
BLANK = """
import numpy as _np


def _blank(*args, **kwargs):
    raise NotImplementedError()


def _none(*args, **kwargs):
    return None


def _zero(*args, **kwargs):
    return 0.0


def _half(*args, **kwargs):
    return 0.5


def _first(*args, **kwargs):
    return args[0]


def _zeros_like(*args, **kwargs):
    return _np.zeros_like(_np.asarray(args[0], dtype=float))


def _empty_dict(*args, **kwargs):
    return {}
"""
PLACEHOLDERS = ["_none", "_zero", "_half", "_first", "_zeros_like",
                "_empty_dict"]


def candidates():
    """``{"module.name": callable}`` of every function and class the helper
    package defines, private ones and static methods included."""
    found = {}
    for info in pkgutil.walk_packages(coursetools.__path__, "coursetools."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if not callable(value) or not getattr(
                    value, "__module__", "").startswith("coursetools"):
                continue
            found[f"{info.name}.{name}"] = value
            if inspect.isclass(value):
                for attr, member in vars(value).items():
                    if isinstance(member, (staticmethod, classmethod)):
                        found[f"{info.name}.{name}.{attr}"] = getattr(
                            value, attr)
    return found


def graded_functions(lesson):
    """``{name: signature}`` of the functions a lesson's learner writes."""
    out = {}
    namespace = {}
    for grade_id, code in solution_cells(lesson).items():
        try:
            exec(compile(code, grade_id, "exec"), {"np": None}, namespace)
        except Exception:  # a solution cell that needs more to run
            continue
    for name, value in namespace.items():
        if inspect.isfunction(value):
            out[name] = inspect.signature(value)
    return out


def fits(candidate, signature):
    """Whether ``candidate`` accepts the graded function's required
    positional arguments."""
    required = [p for p in signature.parameters.values()
                if p.default is inspect.Parameter.empty]
    try:
        inspect.signature(candidate).bind(*[None] * len(required))
    except (TypeError, ValueError):
        return False
    return True


@pytest.mark.parametrize("lesson", LESSONS)
def test_no_helper_earns_a_graded_functions_points(lesson, bwrap_executable):
    pool = candidates()
    names = {path: f"_candidate_{i}" for i, path in enumerate(pool)}
    source_nb = nbformat.read(str(SOLUTIONS / f"{lesson}.ipynb"), 4)
    cells = grading.learner_cells(source_nb, source_nb)
    imports = "\n".join(
        f"import {path.rsplit('.', 1)[0].split('.')[0]}" for path in pool)
    binding = "\n".join(
        f"{names[path]} = {path}" for path in pool)
    # bind every candidate through its own module path
    modules = sorted({".".join(p.split(".")[:2]) for p in pool})
    extra = ("\n".join(f"import {m}" for m in modules) + "\n"
             + imports + "\n" + binding + "\n\n\n" + BLANK)
    cells.append((len(source_nb.cells), extra))
    tests = grading.test_cells(source_nb)
    functions = graded_functions(lesson)
    assert functions, f"{lesson} has no graded functions"
    earned = []
    checked = 0
    box = sb.Sandbox(cells, limits=PROOF_LIMITS, isolation="bwrap")
    try:
        box.start()
        errors = grading._cell_errors(box)
        assert not errors, errors
        for test in tests:
            reads = set(grading.free_names(test.source))
            # the instructor's answers pass: the test can pass at all
            assert grading.run_test(test, box, lesson, "", []).passed, test.id
            for function in sorted(reads & set(functions)):
                blank = grading.run_test(test, box, lesson, "", [],
                                         bindings={function: "_blank"})
                if blank.passed:  # not a test of this function
                    continue
                tried = {p: names[p] for p, c in pool.items()
                         if fits(c, functions[function])}
                tried.update({p: p for p in PLACEHOLDERS})
                for path, name in tried.items():
                    checked += 1
                    result = grading.run_test(
                        test, box, lesson, "", [], bindings={function: name})
                    if result.passed:
                        earned.append(f"{path} as {function}: {test.id}")
    finally:
        box.close()
    assert checked, f"{lesson}: no candidate fits any graded function"
    assert not earned, ("callables of the helper package or placeholders "
                        "earn points as answers:\n" + "\n".join(earned))
