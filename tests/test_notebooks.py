"""Notebook hygiene, the course's set-up files and the tools CI needs.

The notebooks themselves are executed by nbval: see ``conftest.py``, which
collects their cells next to this file's tests.
"""

import json
import re
import subprocess
import sys
from importlib import metadata

import pytest
from conftest import LESSONS, ROOT, SOLUTIONS, notebooks

NAME = re.compile(r"\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb")
# absolute paths of a machine: home folders, this workplace, temp files
MACHINE_PATH = re.compile(
    r"(?:/home/|/root/|/Users/|/work/|/tmp/|/private/var/|[A-Z]:\\\\Users)")
# JupyterLab's checkpoints are git-ignored: they never reach the repository
UNTRACKED = {".ipynb_checkpoints", ".gitkeep"}
ALL_NOTEBOOKS = notebooks(SOLUTIONS) + notebooks(LESSONS)


def rel(path):
    return path.relative_to(ROOT).as_posix()


def test_there_are_notebooks():
    assert notebooks(SOLUTIONS), "solutions/ holds no notebook"


@pytest.mark.parametrize("folder", [SOLUTIONS, LESSONS], ids=rel)
def test_notebook_names(folder):
    """NN-kebab-slug.ipynb only: no spaces, no Untitled, no checkpoints."""
    bad = [p.name for p in folder.iterdir()
           if p.name not in UNTRACKED and not NAME.fullmatch(p.name)]
    assert not bad, (
        f"{rel(folder)}/ holds {bad}: notebooks are named like "
        "01-sigmoid-neuron.ipynb and nothing else belongs there")


def test_lessons_match_solutions():
    """Every solution has its generated learner version, and only those."""
    sols = {p.name for p in notebooks(SOLUTIONS)}
    less = {p.name for p in notebooks(LESSONS)}
    assert sols == less, (
        f"only in solutions/: {sorted(sols - less)}; only in lessons/: "
        f"{sorted(less - sols)}. Regenerate lessons/ with "
        "`python -m autograder generate`.")


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=rel)
def test_notebook_is_clean(path):
    """No outputs, execution counts, widget state or machine paths."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    assert "widgets" not in nb["metadata"], (
        f"{rel(path)} saved the state of its widgets (an output): delete "
        "the notebook's metadata.widgets and turn off Settings > Save "
        "Widget State Automatically")
    dirty = [i for i, cell in enumerate(nb["cells"])
             if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count"))]
    assert not dirty, (
        f"{rel(path)}: code cells {dirty} have saved outputs or execution "
        "counts; clear them (Kernel > Restart Kernel and Clear Outputs, "
        "then save)")
    paths = sorted(set(MACHINE_PATH.findall(text)))
    assert not paths, f"{rel(path)} mentions machine paths: {paths}"


def test_ruff_clean():
    """The whole repository, notebooks included, passes `ruff check`."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- environment.yml, Binder and the local set-up ---------------------------

def test_binder_badge_opens_a_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(
        r"https://mybinder\.org/v2/gh/[^/\s)]+/[^/\s)]+/[^?\s)]+"
        r"\?urlpath=lab/tree/([^\s)&]+)", readme)
    assert links, "README.md has no Binder badge with a lab/tree urlpath"
    for target in links:
        assert target.startswith("lessons/") and (ROOT / target).is_file(), (
            f"the Binder badge opens {target}, which is not a notebook in "
            "lessons/")


def test_dependencies_pinned_to_minor_version(course):
    conda, pip = course.read_environment()
    assert conda and pip, "environment.yml lists no dependencies"
    loose = [d for d in conda
             if d != "pip" and not re.fullmatch(r"[\w.-]+=\d+\.\d+", d)]
    loose += [d for d in pip  # extras allowed: psycopg[binary]==3.3.*
              if not re.fullmatch(r"[\w.-]+(\[[\w,-]+\])?==\d+\.\d+\.\*", d)]
    assert not loose, (
        f"environment.yml: {loose} are not pinned to a minor version "
        "(write name=X.Y, or name==X.Y.* under pip:)")


def test_running_environment_matches_environment_yml(course):
    """The suite runs with the versions that environment.yml names."""
    wrong = []
    for req in course.requirements():
        name, version = req.split("==")
        name = name.split("[")[0]  # psycopg[binary] is psycopg
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} is not installed")
            continue
        if not (installed + ".").startswith(version.rstrip("*")):
            wrong.append(f"{name} {installed} (wanted {version})")
    assert not wrong, (
        f"{wrong}; `python3 course.py test` reinstalls from environment.yml")


def test_lab_settings_are_valid_json():
    settings = json.loads(
        (ROOT / "lab-settings" / "overrides.json").read_text())
    tracker = settings["@jupyterlab/notebook-extension:tracker"]
    assert tracker["windowingMode"] == "none"


def test_ci_has_browser_and_sandbox(chromium_executable, bwrap_executable):
    """CI must run the browser and sandbox tests, not skip them."""
    assert chromium_executable and bwrap_executable


# --- an ungraded exercise does not stop Run All ------------------------------

def test_unwritten_ungraded_exercise_does_not_stop_the_lesson():
    """Lesson 07's learner notebook with its graded momentum_step written
    and the ungraded sweep_gradients not: the gradient check says what is
    missing instead of failing, and the cells below train with autograd's
    gradients."""
    import nbformat
    from headless import notebook_client

    path = LESSONS / "07-rumelhart-1986.ipynb"
    nb = nbformat.read(path, as_version=4)
    solution = nbformat.read(SOLUTIONS / path.name, as_version=4)
    ids = [cell.id for cell in nb.cells]
    nb.cells[ids.index("momentum-step")].source = next(
        c.source for c in solution.cells if c.id == "momentum-step")
    assert "NotImplementedError" in nb.cells[ids.index("sweep-gradients")
                                             ].source
    try_train = nbformat.v4.new_code_cell(
        "_, worst, _ = train(init_stack(range(3), SHAPES), X, y, lr=0.1, "
        "momentum=0.9, sweeps=30)\nprint(worst.shape)")
    nb.cells = nb.cells[:ids.index("train-code") + 1] + [try_train]
    client = notebook_client(nb, timeout=300, kernel_name="python3",
                             resources={"metadata": {"path": str(LESSONS)}})
    client.execute()  # raises CellExecutionError if any cell fails
    check = nb.cells[ids.index("autograd-check")]
    printed = "".join(o.get("text", "") for o in check.outputs)
    assert "sweep_gradients is not written yet" in printed, check.outputs
    assert "(31, 3)" in "".join(o.get("text", "")
                                for o in nb.cells[-1].outputs)


# --- the lessons' widgets, without a browser ---------------------------------

def test_explorer_shows_busy_while_drawing_a_new_setting_only():
    """coursetools.drawing.explorer: "busy" is shown while a setting not
    drawn before is rendered, and a setting shown before comes from its
    cache (the browser test checks the redraw in JupyterLab)."""
    import ipywidgets as widgets

    from coursetools.drawing import explorer, message_png

    drawn = []  # (n, the busy text while n was drawn)
    slider = widgets.IntSlider(value=1, min=0, max=3)

    def render(n):
        drawn.append((n, box.children[1].value if box else None))
        return message_png(f"n = {n}", size=(2.0, 1.0))

    box = None  # until explorer returns (it draws the first setting)
    box = explorer({"n": slider}, render, (200, 100), busy="working")
    for n in (2, 1, 2):
        slider.value = n
    assert [n for n, _ in drawn] == [1, 2], drawn  # revisits: from cache
    assert drawn[1] == (2, "<i>working</i>"), drawn
    assert box.children[1].value == ""  # busy no more
    assert box.image.value == render(2) and len(box.redraw_ms) == 4
