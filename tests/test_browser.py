"""Lesson widgets in a real browser: JupyterLab, Debian's chromium,
Playwright.

A learner's path: open a completed lesson, run all cells, move a slider of
its widget (lesson 01: "w"; lesson 04: "learning rate"; lesson 05:
"hidden units"), see the plot
redrawn.  Screenshots before and after go to tests/artifacts/ (not
committed).
"""

import labdriver
import pytest
from conftest import ROOT, SOLUTIONS

#: (lesson, description of the slider the test moves)
SLIDERS = [
    ("01-sigmoid-neuron", "w"),
    ("04-gradient-descent", "learning rate"),
    ("05-multilayer-backprop", "hidden units"),
]
ARTIFACTS = ROOT / "tests" / "artifacts"
STEP_TIMEOUT_MS = 120_000

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def jupyterlab(tmp_path, request):
    """A JupyterLab server on a free port serving a copy of a completed
    lesson (the instructor's notebook)."""
    lesson = request.param + ".ipynb"
    source = SOLUTIONS / lesson
    if not source.exists():
        pytest.fail(f"solutions/{lesson} is missing", pytrace=False)
    try:
        with labdriver.jupyterlab([source], tmp_path) as lab:
            yield lab.url(lesson)
    except labdriver.LabError as exc:
        pytest.fail(str(exc))


@pytest.mark.parametrize(("jupyterlab", "label"), SLIDERS,
                         indirect=["jupyterlab"],
                         ids=[lesson for lesson, _ in SLIDERS])
def test_widget_redraws_when_a_slider_moves(jupyterlab, label,
                                            chromium_executable):
    from playwright.sync_api import expect

    name = jupyterlab.split("/lab/tree/")[1].split("-")[0]  # "01"
    shots = f"lesson{name}"
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{shots}-*.png"):
        old.unlink()
    with labdriver.chromium(chromium_executable) as page:
        try:
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            # The notebook is open and its kernel is connected and idle.
            labdriver.open_notebook(page, jupyterlab)
            labdriver.run_all_cells(page)  # Run > Run All Cells

            slider = page.locator(".widget-slider").filter(
                has=page.locator(f".widget-label:text-is('{label}')"))
            expect(slider).to_have_count(1)
            widget = slider.locator(
                "xpath=ancestor::*[contains(@class,'widget-interact')][1]")
            image = widget.locator(".widget-output img")
            expect(image).to_have_count(1)
            # The whole notebook has run: every code cell has a number.
            labdriver.expect_all_run(page)
            widget.scroll_into_view_if_needed()
            before = image.get_attribute("src")
            readout = slider.locator(".widget-readout")
            value_before = readout.inner_text()
            widget.screenshot(path=ARTIFACTS / f"{shots}-before.png")

            # Move the slider as a keyboard user would: focus the handle,
            # press PageUp once (one bigger step, so exactly one redraw).
            handle = slider.locator(".noUi-handle")
            handle.focus()
            handle.press("PageUp")
            expect(readout).not_to_have_text(value_before)
            value_after = readout.inner_text()
            expect(image).not_to_have_attribute("src", before)
            expect(labdriver.kernel_idle(page)).to_have_count(1)
            after = image.get_attribute("src")
            widget.screenshot(path=ARTIFACTS / f"{shots}-after.png")
            page.screenshot(path=ARTIFACTS / f"{shots}-page.png")
        except Exception:
            page.screenshot(path=ARTIFACTS / f"{shots}-failure.png")
            raise
    assert after != before, f"the plot did not change when {label} moved"
    assert float(value_after) > float(value_before), (
        f"{label} went from {value_before} to {value_after}, expected it to "
        "grow")
