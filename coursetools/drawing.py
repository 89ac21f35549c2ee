"""The shared core of the lessons' figures and widgets.

Each lesson's own figures, widgets and checks live in its module
(``coursetools.lesson01`` for 01-sigmoid-neuron, ...); what they have in
common is here: calling a learner's function for a figure without crashing
on it, the message box shown instead of a figure that cannot be drawn,
number formats for labels, and the widgets' machinery: a figure drawn
off screen (Agg) at a fixed size, encoded as PNG bytes and swapped into
an ``ipywidgets.Image`` of that size, so that a redraw neither clears the
output nor changes its height.
Nothing here computes a graded exercise.
"""

import struct
import textwrap
import zlib

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["DPI", "FAINT", "Backdrop", "axes", "canvas_png",
           "explain_failure", "explorer", "learner_values", "loss_history",
           "message_png", "num", "offscreen_figure", "show_message",
           "signed"]

#: Colour of reference lines and curves.
FAINT = "0.6"
#: Dots per inch of every figure: matplotlib's default, as the notebooks'
#: inline figures have it, so a widget's text is as large as theirs.
DPI = 100
#: How many redrawn images a widget keeps (a few MB), to show a setting
#: again at once.
CACHED_IMAGES = 256


def explain_failure(exc, what, advice="Run its tests above.", width=60):
    """The message a figure or widget shows when a learner's function
    raised ``exc``: what raised what, wrapped, and where to look.
    Used by every lesson's figures and widgets."""
    detail = textwrap.shorten(str(exc), 150, placeholder=" ...")
    return (f"{what} raised {type(exc).__name__}:\n"
            + textwrap.fill(detail, width) + f"\n\n{advice}")


def learner_values(fn, name, args, shape):
    """Call a learner's function for a figure; ``(values, None)`` or
    ``(None, message)`` when it is not written yet, fails, or returns
    the wrong shape. Used by every lesson's figures."""
    try:
        values = np.asarray(fn(*args), dtype=float)
    except NotImplementedError:
        return None, f"Write {name} above first,\nthen run this cell again."
    # A figure explains the learner's mistake rather than crash on it.
    except Exception as exc:
        return None, explain_failure(
            exc, name, "Run its tests above to find out what is wrong.")
    if values.shape != shape:
        return None, (f"{name} returned shape {values.shape}, expected "
                      f"{shape}.\n\nRun its tests above to find out what "
                      "is wrong.")
    return values, None


def loss_history(history):
    """A learner's loss history as a 1-d float array, ``(values, None)``,
    or ``(None, message)`` when it is no list of numbers or empty.
    Used by the loss curves of lessons 04 and 05."""
    try:
        values = np.asarray(history, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return None, ("The history is not a list of numbers.\n\n"
                      "Run the tests above to find out what is wrong.")
    if values.size == 0:
        return None, "The history is empty: record the loss at the start."
    return values, None


def show_message(ax, message):
    """Replace a figure that cannot be drawn by a friendly message.
    Used by every lesson's figures."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12,
            transform=ax.transAxes, linespacing=1.5,
            bbox={"boxstyle": "round,pad=1", "facecolor": "#fff4e0",
                  "edgecolor": "C1"})


def num(value, digits=1):
    """A number for a label, with a true minus sign as on the axes."""
    return f"{value:.{digits}f}".replace("-", "\N{MINUS SIGN}")


def signed(value):
    """``+ 1.5`` or ``− 1.5``, for a formula in a label."""
    return f"{'−' if value < 0 else '+'} {num(abs(value))}"


def axes(ax, figsize):
    """``ax``, or the axes of a new figure of ``figsize``."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def message_png(message, size=(8.0, 3.0), dpi=DPI):
    """A PNG of a friendly message, for a widget whose figure cannot be
    drawn. Used by the lessons' widgets."""
    fig = offscreen_figure(size, dpi)
    show_message(fig.add_subplot(), message)
    fig.canvas.draw()
    return canvas_png(fig.canvas)


def offscreen_figure(size, dpi=DPI):
    """A matplotlib figure of ``size`` inches with its own Agg canvas,
    outside pyplot (nothing shows it, nothing keeps it): what a widget
    draws on again and again. Used by the lessons' widgets."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def canvas_png(canvas):
    """What an Agg ``canvas`` shows since its last draw, as PNG bytes,
    encoded for speed: no PNG filter and zlib's fastest level, half the
    time of PIL's encoder (a widget's image is encoded on every redraw)
    and no larger for a figure's flat colours."""
    rgba = np.asarray(canvas.buffer_rgba())
    height, width, _ = rgba.shape
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # 0: no filter
    rows[:, 1:] = rgba[:, :, :3].reshape(height, 3 * width)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
            + chunk(b"IEND", b""))


class Backdrop:
    """What stays the same in a widget's figure, rendered once: every
    artist of ``fig`` but those marked animated
    (``artist.set_animated(True)``). :meth:`png` pastes it back, draws
    the given artists on it and encodes a PNG, so a redraw lays out and
    renders only the text and lines that change (text layout is most of
    matplotlib's drawing time). Used by the lessons' widgets."""

    def __init__(self, fig):
        self.fig = fig
        fig.canvas.draw()
        self.pixels = fig.canvas.copy_from_bbox(fig.bbox)

    def png(self, artists):
        """PNG bytes of the backdrop with ``artists`` drawn on it."""
        canvas = self.fig.canvas
        canvas.restore_region(self.pixels)
        renderer = canvas.get_renderer()
        for artist in artists:
            artist.draw(renderer)
        return canvas_png(canvas)


def _setting(values):
    """A cache key for the controls' values: floats to 10 digits, so that
    a value the browser computed (10 ** x in JavaScript) and the same one
    computed here are one setting."""
    return tuple(float(f"{v:.10g}") if isinstance(v, float) else v
                 for v in values)


def _neighbours(controls):
    """The settings one step away from the controls' values: each slider
    one step up or down, each choice changed; a list of value dicts."""
    values = {name: control.value for name, control in controls.items()}
    found = []
    for name, control in controls.items():
        if hasattr(control, "options"):
            options = [o[1] if isinstance(o, tuple) else o
                       for o in control.options]
            others = [o for o in options if o != control.value]
        elif hasattr(control, "base"):  # a FloatLogSlider: steps of x
            exponent = np.log(control.value) / np.log(control.base)
            others = [float(control.base ** (exponent + d * control.step))
                      for d in (1, -1)
                      if control.min <= exponent + d * control.step
                      <= control.max + 1e-9]
        elif hasattr(control, "step"):
            others = [control.value + d * control.step for d in (1, -1)
                      if control.min <= control.value + d * control.step
                      <= control.max]
        else:
            continue
        found += [{**values, name: other} for other in others]
    return found


def explorer(controls, render, size, busy=None, prefetch=True):
    """A lesson's widget: the ``controls`` (a dict, name → ipywidgets
    control) above an image of ``size`` = (width, height) px showing
    ``render(**values)``, PNG bytes, for the controls' values.

    Every change of a control redraws: the new PNG replaces the bytes of
    the same ``ipywidgets.Image``, whose size is fixed, so the output is
    never cleared and keeps its height (no flicker). The last
    ``CACHED_IMAGES`` images are kept: a setting shown before comes back
    at once. ``busy``, a text, is shown beside the controls while a
    setting not cached yet is drawn (a redraw that may take longer, such
    as training a network). With ``prefetch`` (the default), while the
    kernel is idle the settings one step away from the one shown are
    drawn ahead, one at a time, so that the next step of a slider or
    another choice of buttons is shown at once; a move that comes while
    one is drawn waits for that one drawing at most.
    Returns the ``ipywidgets.VBox``; its ``redraw_ms`` lists the kernel
    time of every redraw, in ms, and ``image`` is its image.
    Used by the widgets of lessons 01, 04, 05 and 06.
    """
    import asyncio
    import collections
    import time

    import ipywidgets as widgets

    width, height = size
    image = widgets.Image(format="png", layout=widgets.Layout(
        width=f"{width}px", height=f"{height}px", object_fit="contain"))
    status = widgets.HTML("", layout=widgets.Layout(height="24px"))
    cache = collections.OrderedDict()
    redraw_ms = []
    shown = [None]  # the setting on screen: a prefetch for another stops

    def draw(values):
        key = _setting(values.values())
        if key in cache:
            cache.move_to_end(key)
        else:
            cache[key] = render(**values)
            if len(cache) > CACHED_IMAGES:
                cache.popitem(last=False)
        return cache[key]

    def ahead(setting, loop):
        """Draw one neighbour not cached yet, then schedule the next."""
        if shown[0] != setting:
            return
        missing = [v for v in _neighbours(controls)
                   if _setting(v.values()) not in cache]
        if missing:
            draw(missing[0])
            loop.call_later(0.02, ahead, setting, loop)

    def redraw(change=None):
        start = time.perf_counter()
        values = {name: control.value for name, control in controls.items()}
        shown[0] = _setting(values.values())
        if busy and shown[0] not in cache:
            status.value = f"<i>{busy}</i>"
        image.value = draw(values)
        status.value = ""
        redraw_ms.append(1000.0 * (time.perf_counter() - start))
        if prefetch:
            try:  # in a kernel: its event loop runs between messages
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop (a grader, a script): no hurry
                return
            loop.call_later(0.05, ahead, shown[0], loop)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    children = [*controls.values(), *([status] if busy else []), image]
    box = widgets.VBox(children)
    box.add_class("course-explorer")
    box.redraw_ms, box.image = redraw_ms, image
    return box
