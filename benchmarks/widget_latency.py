"""How long the lessons' widgets take to redraw in the browser, on demand.

    .venv/bin/python benchmarks/widget_latency.py [--course DIR]
        [--folder DIR] [--moves 5] [--json FILE] [--screenshots DIR] [NN ...]

For each widget lesson (01, 04, 05 and 06 unless lesson numbers are
given): open its solution notebook in JupyterLab in headless chromium
(viewport 1400x1000, the course's lab settings), run all cells, wait until
the kernel is idle, then move every control of every widget ``--moves``
times as a learner would and time each move in the page, from the input
event (its ``timeStamp``) to the moment the widget's image has been
replaced and decoded, ready to paint:

* a slider: ``--moves`` presses of an arrow key on its focused handle (one
  step each, towards settings not shown yet), then ``--moves`` mouse drags
  of the handle; a slider that updates while dragging (it sends the value
  before the release) is timed from each mouse move during one drag, the
  others from the release;
* toggle buttons, a dropdown or a checkbox: ``--moves`` clicks or choices.

A widget is any element that holds controls (ipywidgets sliders, toggle
buttons, dropdowns, checkboxes) and an image: the controls' nearest
ancestor that holds an ``img``, inside their cell.  So an
``ipywidgets.interactive`` with matplotlib inline or IPython Image output,
an ``Output`` widget, or an ``ipywidgets.Image`` whose value is replaced
are all seen (a canvas is not).  A move is over once the kernel has
answered the widget's last update and no new image came for 0.5 s; its
time is to the last new image.

Flicker: the widget's height, read at every frame (requestAnimationFrame,
ResizeObserver), fell during the move more than 10 px below both its
height before and after: a painted frame with the old image gone and the
new one not there.  "laid out": the same fall read at a change of the
DOM (MutationObserver), e.g. a new ``img`` not decoded yet; a frame shows
it only if one comes before the image is decoded.

Prints per control and kind of input: n, median, min and max ms over the
moves to settings not shown before, then the moves back to a setting
already shown ("revisits": a widget that caches answers those at once),
and how many moves flickered or collapsed in layout (the deepest fall).
``--json FILE`` saves every move; ``--screenshots DIR`` saves each widget
before and after its first move.  ``--course DIR`` measures another
checkout with its own .venv.  Not part of the test suite: timings depend
on the machine and its load.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import labdriver  # noqa: E402

WIDGET_LESSONS = ("01", "04", "05", "06")
CONTROLS = (".widget-slider, .widget-toggle-buttons, .widget-dropdown, "
            ".widget-checkbox")
# ms: a move counts as failed when no new image comes within this
REDRAW_TIMEOUT_MS = 60_000
# ms without a new image, the kernel idle, before a move is over
QUIET_MS = 500
# ms to see whether a slider sends its value while the mouse is held
CONTINUOUS_PROBE_MS = 400

# Runs in every page before JupyterLab: time-stamps the widget updates
# that leave for the kernel (a comm message with method "update"; its
# msg_id is the first in it) and the kernel's "idle" statuses (it has
# handled the message named in their parent header; JupyterLab's status
# bar shows only those of executed cells, and control messages such as
# the debugger's have their own).
INIT_SCRIPT = """
(() => {
  const sent = window.__widgetUpdatesSent = [];
  const idle = window.__kernelIdle = [];
  const decoder = new TextDecoder();
  const text = data => typeof data === 'string' ? data
    : data instanceof Blob ? '' : decoder.decode(data);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const message = text(data);
    if (message.includes('comm_msg') && message.includes('"update"')) {
      const id = /"msg_id":\\s*"([^"]+)"/.exec(message);
      sent.push({t: performance.now(), id: id ? id[1] : ''});
    }
    return send.call(this, data);
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        const message = text(event.data);
        if (/"execution_state":\\s*"idle"/.test(message))
          idle.push({t: performance.now(), message});
      });
    }
  };
})();
"""


# Installed once the notebook has run: finds widgets, watches a move.
HARNESS = """
() => {
  const CONTROLS = %s;
  const images = root => [...root.querySelectorAll('img')];
  const srcs = root => images(root).map(i => i.src).join(' ');
  window.__bench = {
    // Mark every widget (data-bench-widget=k) and its controls
    // (data-bench-control=k.j); return [{controls: [{kind, label}]}].
    find() {
      const widgets = [];
      const controls = [...document.querySelectorAll(CONTROLS)];
      const containers = new Map();
      for (const control of controls) {
        const cell = control.closest('.jp-Cell');
        let box = control.parentElement;
        while (box && box !== cell && images(box).length === 0)
          box = box.parentElement;
        if (!box || images(box).length === 0) continue;
        if (!containers.has(box)) containers.set(box, []);
        containers.get(box).push(control);
      }
      for (const [box, list] of containers) {
        const k = widgets.length;
        box.dataset.benchWidget = k;
        const described = list.map((control, j) => {
          control.dataset.benchControl = `${k}.${j}`;
          const label = control.querySelector('.widget-label');
          const kind = control.matches('.widget-slider') ? 'slider'
            : control.matches('.widget-toggle-buttons') ? 'toggle'
            : control.matches('.widget-dropdown') ? 'dropdown'
            : 'checkbox';
          return {kind, label: label ? label.textContent.trim() : `#${j}`};
        });
        widgets.push({controls: described});
      }
      return widgets;
    },
    // The settings a widget shows: readouts, chosen buttons, values.
    state(k) {
      const box = document.querySelector(`[data-bench-widget="${k}"]`);
      return [...box.querySelectorAll('[data-bench-control]')].map(c => {
        const readout = c.querySelector('.widget-readout');
        if (readout) return readout.textContent.trim();
        const active = c.querySelector('button.mod-active');
        if (active) return active.textContent;
        const select = c.querySelector('select');
        if (select) return select.value;
        const box = c.querySelector('input[type=checkbox]');
        return box ? String(box.checked) : '';
      }).join(' | ');
    },
    arm(k) {
      const box = document.querySelector(`[data-bench-widget="${k}"]`);
      const m = this.move = {
        events: [], changes: [], shown: [],
        before: box.getBoundingClientRect().height,
        sentFrom: window.__widgetUpdatesSent.length,
      };
      let last = srcs(box);
      m.onInput = e => {
        if (box.contains(e.target) || e.type === 'pointermove'
            || e.type === 'pointerup')
          m.events.push([e.type, e.timeStamp, performance.now()]);
      };
      for (const type of ['keydown', 'pointermove', 'pointerup', 'click',
                          'change'])
        document.addEventListener(type, m.onInput, true);
      // heights: at every frame (what is painted), and at every change of
      // the DOM (laid out, painted only if a frame comes before the next)
      m.frames = [];
      m.layouts = [];
      const frame = () => {
        if (m.done) return;
        m.frames.push(box.getBoundingClientRect().height);
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      m.mutations = new MutationObserver(() => {
        m.layouts.push(box.getBoundingClientRect().height);
        const now = srcs(box);
        if (now === last || images(box).length === 0) return;
        last = now;
        const t = performance.now();
        m.changes.push(t);
        Promise.all(images(box).map(i => i.decode().catch(() => null)))
          .then(() => requestAnimationFrame(() =>
            m.shown.push([t, performance.now()])));
      });
      m.mutations.observe(box, {subtree: true, childList: true,
                                attributes: true, attributeFilter: ['src']});
      m.resizes = new ResizeObserver(entries => {
        for (const e of entries)
          m.frames.push(e.target.getBoundingClientRect().height);
      });
      m.resizes.observe(box);
    },
    sent() {
      return window.__widgetUpdatesSent.slice(this.move.sentFrom)
        .map(s => s.t);
    },
    // The kernel has handled the last update sent since arm() (or, when
    // none was sent, a new image is there).
    handled() {
      const sent = window.__widgetUpdatesSent.slice(this.move.sentFrom);
      if (!sent.length) return this.move.shown.length > 0;
      const last = sent[sent.length - 1];
      return window.__kernelIdle.some(
        i => i.t > last.t && i.message.includes(last.id));
    },
    disarm(k) {
      const box = document.querySelector(`[data-bench-widget="${k}"]`);
      const m = this.move;
      for (const type of ['keydown', 'pointermove', 'pointerup', 'click',
                          'change'])
        document.removeEventListener(type, m.onInput, true);
      m.mutations.disconnect();
      m.done = true;
      m.resizes.disconnect();
      return {events: m.events, changes: m.changes, shown: m.shown,
              frames: m.frames, layouts: m.layouts, before: m.before,
              sent: this.sent(),
              after: box.getBoundingClientRect().height};
    },
  };
}
""" % json.dumps(CONTROLS)


class Widget:
    """Widget ``k`` of the page, as marked by the harness."""

    def __init__(self, page, k, controls):
        self.page, self.k, self.controls = page, k, controls
        self.box = page.locator(f'[data-bench-widget="{k}"]')
        self.seen = {self.state()}
        self.shot_after = None  # a path: screenshot after the next move

    def control(self, j):
        return self.box.locator(f'[data-bench-control="{self.k}.{j}"]')

    def state(self):
        return self.page.evaluate("k => window.__bench.state(k)", self.k)

    def begin(self):
        """Arm the page before an input; the settings shown before it."""
        before = self.state()
        self.page.evaluate("k => window.__bench.arm(k)", self.k)
        return before

    def finish(self, before, t0_event, continuous=False):
        """Time the move since :meth:`begin`: a dict, or None when the
        input changed no setting."""
        page = self.page
        page.wait_for_timeout(100)
        if self.state() == before:
            page.evaluate("k => window.__bench.disarm(k)", self.k)
            return None
        self.settle()
        data = page.evaluate("k => window.__bench.disarm(k)", self.k)
        if not data["shown"]:
            print(f"    no new image: {before} -> {self.state()}, "
                  f"{len(data['sent'])} update(s) sent", file=sys.stderr)
        if self.shot_after:
            self.box.screenshot(path=self.shot_after)
            self.shot_after = None
        return self.figures(data, t0_event, before, continuous)

    def time_move(self, act, t0_event):
        """Time ``act()``, an input whose event is ``t0_event``."""
        before = self.begin()
        act()
        return self.finish(before, t0_event)

    def settle(self):
        """Wait until the kernel has handled the last update the widget
        sent (or a new image came, when it sent none) and neither a new
        image nor a new update came for QUIET_MS."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        counts = ("() => [window.__bench.move.changes.length, "
                  "window.__widgetUpdatesSent.length]")
        while True:
            before = page.evaluate(counts)
            try:
                page.wait_for_function("() => window.__bench.handled()",
                                       timeout=REDRAW_TIMEOUT_MS)
            except PlaywrightTimeout:
                print(f"    nothing after {REDRAW_TIMEOUT_MS} ms",
                      file=sys.stderr)
            page.wait_for_timeout(QUIET_MS)
            if page.evaluate(counts) == before:
                return

    def figures(self, data, t0_event, before, continuous):
        state = self.state()
        events = [(t, handled) for kind, t, handled in data["events"]
                  if kind == t0_event]
        if continuous and data["sent"]:  # the move that sent the value
            events = [e for e in events if e[0] <= data["sent"][0]] or events
        t0, handled = events[-1] if events else (None, None)
        ends = [data["before"], data["after"]]
        move = {"from": before, "to": state, "revisit": state in self.seen,
                "t0_event": t0_event, "ms": None, "first_ms": None,
                "send_ms": None, "images": len(data["changes"]),
                "height_before": data["before"],
                "height_after": data["after"],
                # lowest height painted, and laid out at a DOM change
                "height_painted": min(data["frames"] + ends),
                "height_laid_out": min(data["layouts"] + ends)}
        self.seen.add(state)
        if t0 is not None:
            move["input_lag_ms"] = handled - t0  # event queued, main thread
            if data["sent"]:
                move["send_ms"] = data["sent"][0] - t0
            if data["shown"]:
                move["ms"] = data["shown"][-1][1] - t0
                move["first_ms"] = data["shown"][0][1] - t0
        floor = min(ends) - 10
        move["flicker"] = move["height_painted"] < floor
        move["collapse"] = move["height_laid_out"] < floor
        return move


def slider_moves(widget, j, n):
    """``n`` arrow-key moves then ``n`` mouse drags of slider ``j``."""
    page = widget.page
    handle = widget.control(j).locator(".noUi-handle")
    track = widget.control(j).locator(".noUi-target").bounding_box()

    def where():  # the handle's centre, px
        box = handle.bounding_box()
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    start = where()[0]
    middle = track["x"] + track["width"] / 2
    key = "ArrowRight" if start <= middle else "ArrowLeft"
    moves, steps = [], []
    for _ in range(n):
        handle.focus()
        x = where()[0]
        move = widget.time_move(lambda: handle.press(key), "keydown")
        if move is None:  # at the end of the slider: turn round
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            handle.focus()
            move = widget.time_move(lambda: handle.press(key), "keydown")
        if move:
            moves.append({**move, "input": "key"})
            steps.append(abs(where()[0] - x))
    step = min(steps) if steps else track["width"] / 10
    # drags: on past the start, the other way, to settings not shown yet
    left, right = track["x"], track["x"] + track["width"]
    back = -1 if key == "ArrowRight" else 1
    targets = [start + back * step * i for i in range(1, n + 1)]
    targets = [t for t in targets if left <= t <= right]
    forward = where()[0]
    while len(targets) < n:
        forward -= back * step
        if not left <= forward <= right:
            forward, back = start, -back
        targets.append(forward)

    def grab():  # press the mouse on the handle; its height, px
        x, y = where()
        page.mouse.move(x, y)
        page.mouse.down()
        return y

    # The first drag tells whether the slider sends its value while the
    # mouse is held: then it is timed from each mouse move of one drag,
    # else from each release.
    y = grab()
    before = widget.begin()
    page.mouse.move(targets[0], y, steps=5)
    page.wait_for_timeout(CONTINUOUS_PROBE_MS)
    continuous = bool(page.evaluate("() => window.__bench.sent().length"))
    if continuous:
        kind, event = "drag (continuous)", "pointermove"
    else:
        kind, event = "drag (on release)", "pointerup"
        page.mouse.up()
    drags = [widget.finish(before, event, continuous)]
    for target in targets[1:]:
        if continuous:
            drags.append(widget.time_move(
                lambda t=target: page.mouse.move(t, y), event))
        else:
            def drag(t=target):
                page.mouse.move(t, grab(), steps=5)
                page.mouse.up()
            drags.append(widget.time_move(drag, event))
    if continuous:
        page.mouse.up()
        widget.settle()
    moves += [{**move, "input": kind} for move in drags if move]
    return moves, continuous


def choice_moves(widget, j, kind, n):
    """``n`` clicks of the other buttons of toggle buttons ``j`` (or
    choices of a dropdown, clicks of a checkbox)."""
    control = widget.control(j)
    moves = []
    for i in range(n):
        if kind == "toggle":
            buttons = control.locator("button")
            others = [b for b in range(buttons.count()) if "mod-active"
                      not in (buttons.nth(b).get_attribute("class") or "")]
            button = buttons.nth(others[i % len(others)])
            move = widget.time_move(button.click, "click")
        elif kind == "dropdown":
            select = control.locator("select")
            options = select.locator("option").all_inner_texts()
            value = options[(options.index(select.input_value()) + 1)
                            % len(options)] if options else None
            move = widget.time_move(
                lambda v=value: select.select_option(label=v), "change")
        else:
            move = widget.time_move(
                control.locator("input").click, "click")
        if move:
            moves.append({**move, "input": "choice" if kind == "dropdown"
                          else "click"})
    return moves


def measure(notebook, state, course, n, screenshots=None):
    """Run one notebook and move every control of its widgets."""
    start = time.perf_counter()
    rows = []
    with labdriver.notebook_page(notebook, state, python=course.python,
                                 settings=course.settings,
                                 init_script=INIT_SCRIPT) as page:
        labdriver.run_every_cell(page, notebook)
        page.wait_for_timeout(1000)
        page.evaluate(HARNESS)
        found = page.evaluate("() => window.__bench.find()")
        for k, described in enumerate(found):
            widget = Widget(page, k, described["controls"])
            widget.box.scroll_into_view_if_needed()
            for j, control in enumerate(described["controls"]):
                if screenshots and j == 0:
                    name = f"{notebook.stem}-widget{k}"
                    widget.box.screenshot(
                        path=screenshots / f"{name}-before.png")
                    widget.shot_after = screenshots / f"{name}-after.png"
                continuous = None
                if control["kind"] == "slider":
                    moves, continuous = slider_moves(widget, j, n)
                else:
                    moves = choice_moves(widget, j, control["kind"], n)
                rows.append({"lesson": notebook.stem, "widget": k,
                             "control": control["label"],
                             "kind": control["kind"],
                             "continuous": continuous, "moves": moves})
    return rows, time.perf_counter() - start


def print_rows(rows):
    for row in rows:
        by_input = {}
        for move in row["moves"]:
            by_input.setdefault(move["input"], []).append(move)
        for kind, moves in by_input.items():
            new = [m["ms"] for m in moves
                   if m["ms"] is not None and not m["revisit"]]
            again = [m["ms"] for m in moves
                     if m["ms"] is not None and m["revisit"]]
            failed = sum(m["ms"] is None for m in moves)
            text = f"  {row['control']:<14} {kind:<18} n {len(new):>2}"
            if new:
                text += (f"  median {statistics.median(new):5.0f}"
                         f"  min {min(new):5.0f}  max {max(new):5.0f} ms")
            if again:
                text += (f"  revisits {len(again)}: median "
                         f"{statistics.median(again):.0f} ms")
            if failed:
                text += f"  no redraw {failed}"
            text += dips("flicker", moves, "flicker", "height_painted")
            text += dips("laid out", moves, "collapse", "height_laid_out")
            print(text, flush=True)


def dips(label, moves, flag, height):
    """"label 4/5 (442 → 83 px)": how many moves the widget's height
    fell, the deepest fall; "label 0/5"."""
    fell = [m for m in moves if m[flag]]
    if not fell:
        return f"  {label} 0/{len(moves)}"
    worst = min(fell, key=lambda m: m[height])
    return (f"  {label} {len(fell)}/{len(moves)} "
            f"({worst['height_before']:.0f} → {worst[height]:.0f} px)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=Path, default=ROOT,
                        help="course folder (default: this one)")
    parser.add_argument("--folder", type=Path,
                        help="open the notebooks of this folder "
                        "(default: the course's solutions/)")
    parser.add_argument("--moves", type=int, default=5,
                        help="moves per control and kind of input")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="save every move here")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="save each widget before and after a move")
    parser.add_argument("lessons", nargs="*", default=WIDGET_LESSONS,
                        help="lesson numbers (default: "
                        f"{' '.join(WIDGET_LESSONS)})")
    args = parser.parse_args(argv)
    folder = args.folder or args.course / "solutions"
    course = labdriver.course(args.course, folder, args.lessons)
    if not course.notebooks:
        parser.error(f"no matching notebook in {folder}")
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    print(f"{folder} in JupyterLab, run by {course.python}; ms from the "
          "input to the redrawn image")
    everything = []
    for notebook in course.notebooks:
        with tempfile.TemporaryDirectory(prefix="widget-latency-") as state:
            rows, seconds = measure(notebook, Path(state), course,
                                    args.moves, args.screenshots)
        load = os.getloadavg()[0]
        print(f"{notebook.stem} ({seconds:.0f} s; load average {load:.1f} "
              f"on {os.cpu_count()} cores)"
              + ("" if rows else ": no widget found"))
        print_rows(rows)
        everything += rows
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()
