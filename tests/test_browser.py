"""Lesson widgets in a real browser: JupyterLab, Debian's chromium,
Playwright.

A learner's path: open a completed lesson, run all cells, move a control
of its widget (lesson 01: "w"; lesson 04: "learning rate"; lesson 05:
"hidden units"; lesson 06: "hidden layers"), see the figure redrawn in
place: a new image, and a widget whose height never changed, not even for
a frame.  Screenshots before and after go to tests/artifacts/ (not
committed).  How fast the widgets redraw is measured by
benchmarks/widget_latency.py, not here.
"""

import re

import labdriver
import pytest
from conftest import ROOT, SOLUTIONS

#: (lesson, description of the slider the test moves)
SLIDERS = [
    ("01-sigmoid-neuron", "w"),
    ("04-gradient-descent", "learning rate"),
    ("05-multilayer-backprop", "hidden units"),
    ("06-training-in-practice", "hidden layers"),
]
ARTIFACTS = ROOT / "tests" / "artifacts"
STEP_TIMEOUT_MS = 120_000

pytestmark = pytest.mark.timeout(600)

# Records the widget's lowest height at every frame and every change of
# the page while it is redrawn.
WATCH_HEIGHT = """
box => {
  const heights = window.__heights = [box.getBoundingClientRect().height];
  const read = () => heights.push(box.getBoundingClientRect().height);
  new ResizeObserver(read).observe(box);
  new MutationObserver(read).observe(box, {subtree: true, childList: true,
                                           attributes: true});
  const frame = () => {
    read();
    if (window.__watching) requestAnimationFrame(frame);
  };
  window.__watching = true;
  requestAnimationFrame(frame);
}
"""


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
def test_widget_redraws_in_place_when_a_slider_moves(jupyterlab, label,
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
                "xpath=ancestor::*[contains(@class,'course-explorer')][1]")
            image = widget.locator("img")
            expect(image).to_have_count(1)
            # The whole notebook has run: every code cell has a number.
            labdriver.expect_all_run(page)
            widget.scroll_into_view_if_needed()
            expect(image).to_have_attribute("src", re.compile(".+"))
            before = image.get_attribute("src")
            readout = slider.locator(".widget-readout")
            value_before = readout.inner_text()
            widget.screenshot(path=ARTIFACTS / f"{shots}-before.png")
            height_before = widget.bounding_box()["height"]
            widget.evaluate(WATCH_HEIGHT)

            # Move the slider as a keyboard user would: focus the handle,
            # press PageUp once (one bigger step, so exactly one redraw).
            handle = slider.locator(".noUi-handle")
            handle.focus()
            handle.press("PageUp")
            expect(readout).not_to_have_text(value_before)
            value_after = readout.inner_text()
            expect(image).not_to_have_attribute("src", before)
            expect(labdriver.kernel_idle(page)).to_have_count(1)
            page.wait_for_timeout(300)  # the new image decoded and painted
            page.evaluate("() => { window.__watching = false; }")
            heights = page.evaluate("() => window.__heights")
            after = image.get_attribute("src")
            height_after = widget.bounding_box()["height"]
            widget.screenshot(path=ARTIFACTS / f"{shots}-after.png")
            page.screenshot(path=ARTIFACTS / f"{shots}-page.png")
        except Exception:
            page.screenshot(path=ARTIFACTS / f"{shots}-failure.png")
            raise
    assert after != before, f"the figure did not change when {label} moved"
    assert float(value_after) > float(value_before), (
        f"{label} went from {value_before} to {value_after}, expected it to "
        "grow")
    assert height_after == height_before, (
        f"the widget was {height_before} px high before the move and "
        f"{height_after} px after")
    assert min(heights) == max(heights) == height_before, (
        f"the widget's height went from {height_before} px through "
        f"{min(heights)}–{max(heights)} px while it was redrawn: a flicker")


# --- the learner's JupyterLab and the instructor's ---------------------------

LESSON = "01-sigmoid-neuron"


def grade_in_browser(page, url):
    """Open the notebook at ``url``, click its Grade button, and return the
    report dialog's title and text."""
    from playwright.sync_api import expect

    labdriver.open_notebook(page, url + "&reset")  # only this notebook
    name = url.split("/lab/tree/")[1].split("?")[0].rsplit("/", 1)[-1]
    expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current"
                        " .lm-TabBar-tabLabel")).to_have_text(name)
    page.locator(".bpc-grade-button:visible").click()
    report = page.locator(".jp-Dialog .bpc-report")
    expect(report).to_be_visible()
    title = page.locator(".jp-Dialog-header").inner_text().strip()
    text = report.inner_text()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    expect(report).to_have_count(0)
    return title, text


def command_report(path):
    """The first line of ``python -m autograder grade``'s report."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "autograder", "grade",
                           str(path)], capture_output=True, text=True,
                          timeout=300, check=True)
    return proc.stdout.splitlines()[0].split("  (")[0]


def test_learner_lab_grades_in_one_click(tmp_path, chromium_executable):
    """The learner's JupyterLab has no instructor screens, and its Grade
    button gives the grade command's score, solved and unsolved."""
    from playwright.sync_api import expect

    blank = tmp_path / "blank" / f"{LESSON}.ipynb"
    blank.parent.mkdir()
    blank.write_bytes((ROOT / "lessons" / f"{LESSON}.ipynb").read_bytes())
    solved = tmp_path / "mine.ipynb"
    solved.write_bytes((SOLUTIONS / f"{LESSON}.ipynb").read_bytes())
    ARTIFACTS.mkdir(exist_ok=True)
    with labdriver.jupyterlab([solved, blank], tmp_path / "lab") as lab, \
            labdriver.chromium(chromium_executable) as page:
        page.set_default_timeout(STEP_TIMEOUT_MS)
        expect.set_options(timeout=STEP_TIMEOUT_MS)
        title, text = grade_in_browser(page, lab.url(solved.name))
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "Nbgrader" not in menus, menus
        expect(page.locator(".validate-button")).to_have_count(0)
        expect(page.get_by_title("Create Assignment")).to_have_count(0)
        page.screenshot(path=ARTIFACTS / "learner-lab.png")
        assert title == command_report(solved), (title, text)
        assert title.startswith(f"{LESSON}: ") and "points" in title
        score, total = title.split(": ")[1].split(" points")[0].split(" / ")
        assert score == total, text
        title, text = grade_in_browser(page, lab.url(blank.name))
        assert title == command_report(blank) == f"{LESSON}: 0 / {total} " \
            "points", (title, text)
        assert "not written yet" in text


def test_instructor_lab_opens_formgrader(tmp_path, chromium_executable):
    """`python -m autograder lab DIR` gives the instructor nbgrader's full
    interface on the course directory."""
    import subprocess
    import sys

    from playwright.sync_api import expect

    course = tmp_path / "course"
    subprocess.run([sys.executable, "-m", "autograder", "course",
                    str(course)], check=True, capture_output=True)
    with labdriver.instructor_lab(course, tmp_path / "lab") as lab, \
            labdriver.chromium(chromium_executable) as page:
        page.set_default_timeout(STEP_TIMEOUT_MS)
        expect.set_options(timeout=STEP_TIMEOUT_MS)
        page.goto(f"{lab.base}/lab?token={lab.token}")
        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        page.get_by_text("Formgrader", exact=True).click()
        formgrader = page.frame_locator("iframe").first
        expect(formgrader.get_by_text("Manage Assignments").first
               ).to_be_visible()
        expect(formgrader.get_by_text(LESSON).first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "instructor-formgrader.png")
