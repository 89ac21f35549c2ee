"""How much of each lesson's scroll height in JupyterLab its check cells
take, on demand.

    .venv/bin/python benchmarks/lesson_scroll.py [--course DIR]
        [--solutions | --folder DIR] [--screenshots DIR] [--cells] [NN ...]

For every notebook in the course's lessons/ (the learners' versions; or
solutions/, or any folder; or only the lessons whose numbers are given):
open it in JupyterLab in headless chromium (viewport 1400x1000, the
course's lab settings), run all cells, and again from every cell an error
stopped (exercises not written yet raise), wait until the kernel is idle,
scroll through it until the cells' heights are final (CodeMirror guesses
the height of lines far from the screen), then measure in the page: the
notebook's scroll height, and the check cells (nbgrader grade cells that
are not solution cells, as the notebook file says), their total height,
the tallest, and their share of the scroll height (``--cells``: each
check cell too).  ``--screenshots DIR``
saves the whole notebook (<lesson>.png) and its tallest check cell
(<lesson>-tallest-check.png) per lesson.  The scroll height includes
JupyterLab's room to scroll past the last cell (about 900 px here).

``--course DIR`` measures another checkout with its own .venv: its
lessons, its helper package, its lab settings.
Not part of the test suite: nothing here is asserted.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import labdriver  # noqa: E402


def check_cells(notebook):
    """The check cells of ``notebook`` (a path), nbgrader grade cells that
    are not solution cells: {index: first line of the source}."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    return {i: "".join(cell["source"]).strip().split("\n")[0]
            for i, cell in enumerate(cells)
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade")
            and not cell["metadata"]["nbgrader"].get("solution")}


def measure(notebook, state, course, screenshots=None):
    """Open, run and measure one notebook; a dict of figures."""
    start = time.perf_counter()
    with labdriver.notebook_page(notebook, state, python=course.python,
                                 settings=course.settings) as page:
        stops = labdriver.run_every_cell(page, notebook)
        # outputs laid out: every image decoded, two frames painted
        page.wait_for_function(
            "() => [...document.images].every(i => i.complete)")
        page.wait_for_timeout(1000)
        boxes, height = labdriver.scroll_through(page)
        checks = check_cells(notebook)
        n_cells = len(json.loads(Path(notebook).read_text())["cells"])
        if len(boxes) != n_cells:
            raise RuntimeError(f"{notebook.name}: {len(boxes)} cells in "
                               f"the page, {n_cells} in the file")
        tallest = max(checks, key=lambda i: boxes[i][1], default=None)
        if screenshots:
            whole = labdriver.notebook_screenshot(
                page, screenshots / f"{notebook.stem}.png")
            if labdriver.cell_boxes(page) != [boxes, height]:
                print(f"  {notebook.stem}: the cells moved while the "
                      "screenshot was taken", file=sys.stderr)
            if tallest is not None:
                top, tall = boxes[tallest]
                whole.crop((0, round(top), whole.width,
                            round(top + tall))).save(
                    screenshots / f"{notebook.stem}-tallest-check.png")
    check_px = sum(boxes[i][1] for i in checks)
    return {
        "lesson": notebook.stem, "height": height,
        "checks": len(checks),
        "check_px": check_px,
        "tallest": None if tallest is None else boxes[tallest][1],
        "where": f"cell {tallest}", "stops": stops,
        "each": [(i, boxes[i][1], first) for i, first in checks.items()],
        "seconds": time.perf_counter() - start,
    }


ROW = ("{lesson:<28} {height:>8,.0f} {checks:>6} {check_px:>9,.0f} "
       "{tallest:>16} {share:>6} {seconds:>5.0f}")


def print_row(figures, each=False):
    tallest = ("-" if figures["tallest"] is None else
               f"{figures['tallest']:,.0f} {figures['where']}")
    share = f"{100 * figures['check_px'] / figures['height']:.0f} %"
    print(ROW.format(**{**figures, "tallest": tallest, "share": share}),
          flush=True)
    for i, height, first in figures["each"] if each else ():
        print(f"    cell {i:>3} {height:>7,.0f} px  {first[:60]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=Path, default=ROOT,
                        help="course folder (default: this one)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--solutions", action="store_true",
                       help="open solutions/ instead of lessons/")
    group.add_argument("--folder", type=Path,
                       help="open the notebooks of this folder")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="save whole-notebook screenshots here")
    parser.add_argument("--cells", action="store_true",
                        help="print every check cell's height")
    parser.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 01")
    args = parser.parse_args(argv)
    folder = args.folder or args.course / (
        "solutions" if args.solutions else "lessons")
    course = labdriver.course(args.course, folder, args.lessons)
    if not course.notebooks:
        parser.error(f"no matching notebook in {folder}")
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    print(f"{folder} in JupyterLab, run by {course.python}")
    print(f"{'lesson':<28} {'height':>8} {'checks':>6} {'check px':>9} "
          f"{'tallest (where)':>16} {'share':>6} {'s':>5}")
    total = {"lesson": "all", "height": 0, "checks": 0, "check_px": 0,
             "seconds": 0.0}
    tallest = None
    for notebook in course.notebooks:
        with tempfile.TemporaryDirectory(prefix="lesson-scroll-") as state:
            figures = measure(notebook, Path(state), course,
                              args.screenshots)
        print_row(figures, args.cells)
        for key in ("height", "checks", "check_px", "seconds"):
            total[key] += figures[key]
        if figures["tallest"] and (tallest is None
                                   or figures["tallest"] > tallest[1]):
            tallest = (figures["lesson"], figures["tallest"])
    if len(course.notebooks) > 1:
        print_row({**total, "tallest": tallest and tallest[1],
                   "where": tallest and tallest[0][:2], "each": []})


if __name__ == "__main__":
    main()
