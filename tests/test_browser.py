"""Lesson widgets in a real browser: JupyterLab, Debian's chromium,
Playwright.

A learner's path: open a completed lesson, run all cells, move a slider of
its widget (lesson 01: "w"; lesson 04: "learning rate"; lesson 05:
"hidden units"), see the plot
redrawn.  Screenshots before and after go to tests/artifacts/ (not
committed).
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT, SOLUTIONS

#: (lesson, description of the slider the test moves)
SLIDERS = [
    ("01-sigmoid-neuron", "w"),
    ("04-gradient-descent", "learning rate"),
    ("05-multilayer-backprop", "hidden units"),
]
ARTIFACTS = ROOT / "tests" / "artifacts"
LAB_SETTINGS = ROOT / "lab-settings" / "overrides.json"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# Generous for 2 busy cores: a kernel start, matplotlib's first import.
SERVER_TIMEOUT = 90
STEP_TIMEOUT_MS = 120_000

pytestmark = pytest.mark.timeout(600)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_user_settings(folder):
    """The course's lab settings (lab-settings/overrides.json) as user
    settings, one file per plugin, as JupyterLab stores them."""
    for plugin, values in json.loads(LAB_SETTINGS.read_text()).items():
        package, name = plugin.rsplit(":", 1)
        path = folder / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture
def jupyterlab(tmp_path, request):
    """A JupyterLab server on a free port serving a copy of a completed
    lesson (the instructor's notebook)."""
    lesson = request.param + ".ipynb"
    source = SOLUTIONS / lesson
    if not source.exists():
        pytest.fail(f"solutions/{lesson} is missing", pytrace=False)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(source, work / lesson)
    settings = tmp_path / "user-settings"
    write_user_settings(settings)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ,
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               PYTHONHASHSEED="0")
    log_path = tmp_path / "jupyterlab.log"
    print(f"JupyterLab's log: {log_path}")  # shown if the test fails
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser",
         "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         f"--LabApp.user_settings_dir={settings}",
         f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(
                        f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n"
                                + log_path.read_text())
                time.sleep(0.5)
        yield f"{base}/lab/tree/{lesson}?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.mark.parametrize(("jupyterlab", "label"), SLIDERS,
                         indirect=["jupyterlab"],
                         ids=[lesson for lesson, _ in SLIDERS])
def test_widget_redraws_when_a_slider_moves(jupyterlab, label,
                                            chromium_executable):
    from playwright.sync_api import expect, sync_playwright

    name = jupyterlab.split("/lab/tree/")[1].split("-")[0]  # "01"
    shots = f"lesson{name}"
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{shots}-*.png"):
        old.unlink()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_executable,
                                    args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.goto(jupyterlab)

            # The notebook is open and its kernel is connected and idle
            # (the status bar says so; the toolbar's indicator says "idle"
            # already before there is a kernel).
            expect(page.locator(".jp-NotebookPanel .jp-Cell").first
                   ).to_be_visible()
            idle = page.locator(".jp-StatusBar-TextItem",
                                has_text=re.compile(r"\(ipykernel\) \| Idle$"))
            expect(idle).to_have_count(1)

            # Run > Run All Cells, as a learner would.
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.locator(".lm-Menu-itemLabel",
                         has_text=re.compile(r"^Run All Cells$")).click()

            slider = page.locator(".widget-slider").filter(
                has=page.locator(f".widget-label:text-is('{label}')"))
            expect(slider).to_have_count(1)
            widget = slider.locator(
                "xpath=ancestor::*[contains(@class,'widget-interact')][1]")
            image = widget.locator(".widget-output img")
            expect(image).to_have_count(1)
            # The whole notebook has run: every code cell has a number.
            expect(page.locator(".jp-CodeCell .jp-InputPrompt").filter(
                has_text=re.compile(r"\[[ *]\]"))).to_have_count(0)
            expect(idle).to_have_count(1)
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
            expect(idle).to_have_count(1)
            after = image.get_attribute("src")
            widget.screenshot(path=ARTIFACTS / f"{shots}-after.png")
            page.screenshot(path=ARTIFACTS / f"{shots}-page.png")
        except Exception:
            page.screenshot(path=ARTIFACTS / f"{shots}-failure.png")
            raise
        finally:
            browser.close()
    assert after != before, f"the plot did not change when {label} moved"
    assert float(value_after) > float(value_before), (
        f"{label} went from {value_before} to {value_after}, expected it to "
        "grow")
