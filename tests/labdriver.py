"""JupyterLab in headless chromium, as a learner sees it: the one copy of
the server and browser plumbing that the browser test
(tests/test_browser.py) and the browser benchmarks (benchmarks/) share.

    with jupyterlab([notebook], tmp) as lab, chromium() as page:
        open_notebook(page, lab.url(notebook.name))
        run_all_cells(page)

JupyterLab runs on a free port of 127.0.0.1 with a random token and the
course's lab settings (lab-settings/overrides.json, written as user
settings), from any course folder's Python (``python=``), so the same
code measures another checkout.  Chromium is Debian's (/usr/bin/chromium)
through Playwright for Python; nothing here imports the course's package.
"""

import contextlib
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAB_SETTINGS = ROOT / "lab-settings" / "overrides.json"
#: The learner's JupyterLab configuration (what course.py lab and Binder
#: give JupyterLab): no nbgrader instructor screens, the Grade button.
LEARNER_CONFIG = ROOT / "lab-settings" / "learner"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
# Generous for 2 busy cores: a kernel start, matplotlib's first import.
SERVER_TIMEOUT = 90
#: The status bar once the notebook's kernel is connected and idle (the
#: toolbar's indicator says "idle" already before there is a kernel).
IDLE_STATUS = re.compile(r"\(ipykernel\) \| Idle$")
#: The input prompt of a code cell that has not run ("[ ]:") or is running
#: or queued ("[*]:").
NOT_RUN_PROMPT = re.compile(r"\[[ *]\]")


class LabError(RuntimeError):
    """JupyterLab did not start; the message holds its log."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_user_settings(folder, overrides=LAB_SETTINGS):
    """The course's lab settings (an overrides.json) as user settings, one
    file per plugin, as JupyterLab stores them."""
    for plugin, values in json.loads(Path(overrides).read_text()).items():
        package, name = plugin.rsplit(":", 1)
        path = Path(folder) / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@dataclass
class Lab:
    """A running JupyterLab: its address, token and log file."""

    base: str
    token: str
    log_path: Path

    def url(self, name):
        """The address that opens notebook ``name`` (relative to the
        server's root folder) in JupyterLab."""
        return f"{self.base}/lab/tree/{name}?token={self.token}"


@contextlib.contextmanager
def jupyterlab(notebooks, state, *, python=sys.executable,
               settings=LAB_SETTINGS, timeout=SERVER_TIMEOUT,
               config_path=LEARNER_CONFIG):
    """A JupyterLab server on a free port serving copies of ``notebooks``
    (paths) in ``state``/work, run by ``python`` (its kernels run there
    too), with the lab settings ``settings`` and the configuration folder
    ``config_path`` (the learner's, by default; ``None`` for plain
    JupyterLab, as the checkout ``python`` belongs to has it); ``state`` (a
    folder) also holds its runtime, config, settings, workspaces and log.
    Yields a :class:`Lab`; raises :class:`LabError` when the server does
    not answer within ``timeout`` seconds."""
    state = Path(state)
    work = state / "work"
    work.mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        shutil.copy(notebook, work / Path(notebook).name)
    user_settings = state / "user-settings"
    write_user_settings(user_settings, settings)
    env = dict(os.environ,
               JUPYTER_RUNTIME_DIR=str(state / "runtime"),
               JUPYTER_CONFIG_DIR=str(state / "config"),
               PYTHONHASHSEED="0")
    if config_path is not None and Path(config_path).is_dir():
        env["JUPYTER_CONFIG_PATH"] = str(config_path)
    cmd = [str(python), "-m", "jupyter", "lab", "--no-browser",
           "--allow-root", f"--ServerApp.root_dir={work}",
           f"--LabApp.user_settings_dir={user_settings}",
           f"--LabApp.workspaces_dir={state / 'workspaces'}"]
    with _serve(cmd, env, work, state / "jupyterlab.log", timeout) as lab:
        yield lab


@contextlib.contextmanager
def instructor_lab(course_dir, state, *, python=sys.executable,
                   timeout=SERVER_TIMEOUT):
    """The instructor's JupyterLab, started as the README says
    (``python -m autograder lab COURSE_DIR``), on a free port; yields a
    :class:`Lab` whose root is the course directory."""
    state = Path(state)
    env = dict(os.environ,
               JUPYTER_RUNTIME_DIR=str(state / "runtime"),
               JUPYTER_CONFIG_DIR=str(state / "config"))
    cmd = [str(python), "-m", "autograder", "lab", str(course_dir),
           "--no-browser",
           f"--LabApp.workspaces_dir={state / 'workspaces'}"]
    with _serve(cmd, env, course_dir, state / "instructor-lab.log",
                timeout) as lab:
        yield lab


@contextlib.contextmanager
def _serve(cmd, env, cwd, log_path, timeout):
    """Run the JupyterLab command ``cmd`` on a free port with a random
    token until the block ends; yield its :class:`Lab` once it answers."""
    port, token = free_port(), secrets.token_hex(16)
    cmd = [*cmd, f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}"]
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"JupyterLab's log: {log_path}", file=sys.stderr)  # in reports
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                  env=env, cwd=cwd)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(
                            f"{base}/api/status?token={token}", timeout=5):
                        break
                except OSError:
                    if (server.poll() is not None
                            or time.monotonic() > deadline):
                        log.flush()
                        raise LabError("JupyterLab did not start:\n"
                                       + log_path.read_text()) from None
                    time.sleep(0.5)
            yield Lab(base, token, log_path)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextlib.contextmanager
def chromium(executable=CHROMIUM, viewport=VIEWPORT, init_script=None):
    """A page of a headless chromium (``executable``) of ``viewport`` size;
    ``init_script`` (JavaScript) runs in every document before its own
    scripts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable,
                                    args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=viewport)
            if init_script:
                page.add_init_script(init_script)
            yield page
        finally:
            browser.close()


def kernel_idle(page):
    """The status bar's "<kernel> | Idle", once the notebook's kernel is
    connected and idle (a locator: count 1 when so)."""
    return page.locator(".jp-StatusBar-TextItem", has_text=IDLE_STATUS)


def code_prompts_not_run(page):
    """The input prompts of code cells that have not run or are running."""
    return page.locator(".jp-CodeCell .jp-InputPrompt").filter(
        has_text=NOT_RUN_PROMPT)


def open_notebook(page, url):
    """Go to ``url`` (a :meth:`Lab.url`) and wait until the notebook shows
    and its kernel is connected and idle."""
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible()
    expect(kernel_idle(page)).to_have_count(1)


def run_menu(page, item):
    """Run > ``item`` (an item's label, e.g. "Run All Cells")."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator(".lm-Menu-itemLabel",
                 has_text=re.compile(f"^{re.escape(item)}$")).click()


def run_all_cells(page):
    """Run > Run All Cells, as a learner would."""
    run_menu(page, "Run All Cells")


def expect_all_run(page):
    """Wait until every code cell has an execution number and the kernel is
    idle."""
    from playwright.sync_api import expect

    expect(code_prompts_not_run(page)).to_have_count(0)
    expect(kernel_idle(page)).to_have_count(1)


def cells(page):
    """The notebook's cells in the page, in the notebook's order."""
    return page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")


def run_every_cell(page, notebook):
    """Run all cells, and again from each cell that an error stopped
    (Run > Run Selected Cell and All Below), as a learner reading on past
    an exercise not yet written would, until every non-empty code cell of
    ``notebook`` (its file, to tell empty cells) has run; wait until the
    kernel is idle.  Returns how many times a run was stopped."""
    from playwright.sync_api import expect

    sources = [cell for cell in json.loads(Path(notebook).read_text())
               ["cells"]]
    to_run = [i for i, cell in enumerate(sources)
              if cell["cell_type"] == "code" and "".join(cell["source"])
              .strip()]
    run_all_cells(page)
    started = cells(page).nth(to_run[0]) if to_run else None
    stops, last = 0, None
    while True:
        if started is not None:  # the run has begun: no race with idle
            expect(started.locator(".jp-InputPrompt")).not_to_have_text(
                re.compile(r"\[ \]"))
        expect(page.locator(".jp-CodeCell .jp-InputPrompt").filter(
            has_text="[*]")).to_have_count(0)
        expect(kernel_idle(page)).to_have_count(1)
        prompts = cells(page).evaluate_all(
            "cells => cells.map(c => { const p = c.querySelector("
            "'.jp-InputPrompt'); return p ? p.textContent : null; })")
        waiting = [i for i in to_run if NOT_RUN_PROMPT.search(
            prompts[i] or "")]
        if not waiting:
            return stops
        if waiting[0] == last:
            raise RuntimeError(f"cell {last} does not run")
        stops, last = stops + 1, waiting[0]
        started = cells(page).nth(last)
        started.locator(".jp-InputPrompt").click()
        run_menu(page, "Run Selected Cell and All Below")


@dataclass
class Course:
    """Notebooks of a course folder to open, and how: with its Python
    (its .venv's, else this one) and its lab settings (else this
    course's)."""

    notebooks: list
    python: Path
    settings: Path


def course(folder, notebooks, wanted=()):
    """The notebooks of folder ``notebooks`` (sorted; only those whose
    number, "01", or name is in ``wanted`` when it is not empty) in the
    course checkout ``folder``.  Like the test suite, its kernels get one
    BLAS thread each (a shared machine has few cores)."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    found = sorted(Path(notebooks).glob("*.ipynb"))
    if wanted:
        found = [p for p in found
                 if p.name[:2] in wanted or p.stem in wanted]
    python = Path(folder) / ".venv" / "bin" / "python"
    settings = Path(folder) / "lab-settings" / "overrides.json"
    return Course(found, python if python.exists() else Path(sys.executable),
                  settings if settings.exists() else LAB_SETTINGS)


@contextlib.contextmanager
def notebook_page(notebook, state, *, python=sys.executable,
                  settings=LAB_SETTINGS, timeout_ms=600_000,
                  init_script=None):
    """A JupyterLab serving a copy of ``notebook`` (see
    :func:`jupyterlab`) and a chromium page on which it is open, its
    kernel idle; every wait of Playwright on it gives up after
    ``timeout_ms``."""
    from playwright.sync_api import expect

    with jupyterlab([notebook], state, python=python,
                    settings=settings) as lab, \
            chromium(init_script=init_script) as page:
        page.set_default_timeout(timeout_ms)
        expect.set_options(timeout=timeout_ms)
        open_notebook(page, lab.url(Path(notebook).name))
        yield page


def cell_boxes(page):
    """``(top, height)`` in px of every cell, top from the top of the
    notebook's scrolled content, and the notebook's scroll height."""
    return page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer"
                        ).evaluate("""outer => {
        const top = outer.getBoundingClientRect().top - outer.scrollTop;
        const cells = [...outer.querySelectorAll('.jp-Cell')].map(c => {
            const r = c.getBoundingClientRect();
            return [r.top - top, r.height];
        });
        return [cells, outer.scrollHeight];
    }""")


def scroll_through(page, passes=5):
    """Scroll the notebook top to bottom, a screen at a time, until its
    cells' heights no longer change (at most ``passes`` times); back to
    the top.  CodeMirror lays out only the lines near the screen and
    guesses the height of the others (a long cell far below was 20 %
    short), so heights are right only once every cell has been seen."""
    outer = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer")
    seen = None
    for _ in range(passes):
        outer.evaluate("async e => { e.scrollTop = 0; while (true) {"
                       " await new Promise(r => setTimeout(r, 100));"
                       " if (e.scrollTop + e.clientHeight >= e.scrollHeight)"
                       " break; e.scrollTop += e.clientHeight; } }")
        page.wait_for_timeout(300)
        boxes = cell_boxes(page)
        if boxes == seen:
            break
        seen = boxes
    outer.evaluate("e => { e.scrollTop = 0; }")
    return seen


def notebook_screenshot(page, path):
    """A screenshot of the whole notebook, top to bottom, at ``path`` (PNG):
    screens of the scrolled notebook, stitched."""
    import io

    from PIL import Image

    outer = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer")
    page.mouse.move(0, 0)  # no hover effect on a cell
    # the toolbar's shadow falls on the top of every screen
    style = page.add_style_tag(content=".jp-Toolbar { box-shadow: none "
                                       "!important; }")
    box = outer.bounding_box()
    total, screen = outer.evaluate("e => [e.scrollHeight, e.clientHeight]")
    whole = Image.new("RGB", (round(box["width"]), total), "white")
    for top in range(0, total, screen):
        shown = outer.evaluate("(e, y) => { e.scrollTop = y; "
                               "return e.scrollTop; }", top)
        page.wait_for_timeout(150)  # the scrolled screen is painted
        png = page.screenshot(clip={**box, "height": screen})
        whole.paste(Image.open(io.BytesIO(png)), (0, round(shown)))
    outer.evaluate("e => { e.scrollTop = 0; }")
    style.evaluate("e => e.remove()")
    whole.save(path)
    return whole
