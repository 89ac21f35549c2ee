"""Command line: ``python -m autograder grade NOTEBOOK [--json]`` and the
maintainer's and instructor's helpers (``generate``, ``course``).

``grade`` exits 0 when the notebook was graded, whatever the score; 2 when
it cannot be graded (not a notebook, unknown lesson); 3 when the grading
machine failed (a sandbox that does not start, a broken installation, an
internal error). Whenever it exits non-zero it prints one line on standard
error, ``cannot grade NOTEBOOK: reason``, and nothing on standard output,
with or without ``--json``: no score.
"""

import argparse
import json
import sys
from pathlib import Path

#: Jupyter configuration of the instructor's lab (``lab`` below).
INSTRUCTOR_CONFIG = (Path(__file__).resolve().parent.parent /
                     "lab-settings" / "instructor")


def _grade(args):
    from autograder import grading

    try:
        report = grading.grade_file(args.notebook)
    except grading.GradingFault as exc:  # the machine's fault: no score
        print(f"cannot grade {args.notebook}: {exc}", file=sys.stderr)
        return 3
    except grading.GradeRefused as exc:
        print(f"cannot grade {args.notebook}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for a learner
        print(f"cannot grade {args.notebook}: internal error: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    try:
        if args.json:
            print(json.dumps(report.to_json()))
        else:
            print(grading.format_report(report, args.notebook))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`... | head -1`)
        sys.stdout = None
    return 0


def _generate(args):
    from autograder import generate

    return generate.main(check=args.check)


def _course(args):
    from autograder import course

    return course.init(args.directory, force=args.force)


def _lab(args):
    """The instructor's JupyterLab: nbgrader's full interface (formgrader,
    create assignment, ...) in a course directory."""
    import os
    import subprocess
    from pathlib import Path

    course = Path(args.course).resolve()
    if not (course / "nbgrader_config.py").is_file():
        print(f"cannot start: {course} is not a course directory (no "
              "nbgrader_config.py); create one with `python -m autograder "
              "course DIR`", file=sys.stderr)
        return 2
    bindir = os.path.dirname(sys.executable)
    env = dict(os.environ)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    # not the learner's configuration (no instructor screens): the
    # instructor's, with formgrader's Autograde button in a subprocess
    env["JUPYTER_CONFIG_PATH"] = str(INSTRUCTOR_CONFIG)
    cmd = [sys.executable, "-m", "jupyter", "lab", *args.lab_args]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    print(f"starting the instructor's JupyterLab in {course}: formgrader is "
          "under Nbgrader > Formgrader (stop it with Ctrl-C)", flush=True)
    try:
        return subprocess.call(cmd, cwd=course, env=env)
    except KeyboardInterrupt:
        return 0


def _autograde(args):
    from autograder import cohort

    summary = cohort.run(args.course, lessons=args.lesson or None,
                         students=args.student or None,
                         workers=args.workers, scheduler=args.scheduler,
                         force=args.force, progress=not args.quiet)
    print(summary.text())
    return 1 if summary.failed or summary.not_graded else 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Grade notebooks of Backpropagation from Scratch.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("grade", help="grade one learner notebook")
    p.add_argument("notebook")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object instead of a report")
    p.set_defaults(run=_grade)
    p = sub.add_parser("generate",
                       help="regenerate lessons/ from solutions/")
    p.add_argument("--check", action="store_true",
                   help="only report whether lessons/ is up to date")
    p.set_defaults(run=_generate)
    p = sub.add_parser(
        "course", help="create an nbgrader course directory, or refresh "
        "its source/ from solutions/ (and its private/ hidden cases)")
    p.add_argument("directory")
    p.add_argument("--force", action="store_true",
                   help="overwrite changed notebooks of source/ without "
                   "asking")
    p.set_defaults(run=_course)
    p = sub.add_parser(
        "lab", help="open the instructor's JupyterLab (nbgrader's "
        "formgrader) in a course directory")
    p.add_argument("course", nargs="?", default=".",
                   help="the nbgrader course directory (default: here)")
    p.add_argument("lab_args", nargs=argparse.REMAINDER,
                   help="further arguments for `jupyter lab`")
    p.set_defaults(run=_lab)
    p = sub.add_parser(
        "autograde", help="grade every submission of a course directory, "
        "in parallel, with nbgrader's gradebook")
    p.add_argument("course", nargs="?", default=".",
                   help="the nbgrader course directory (default: here)")
    p.add_argument("--lesson", action="append",
                   help="only this lesson (repeatable)")
    p.add_argument("--student", action="append",
                   help="only this student (repeatable)")
    p.add_argument("--workers", type=int, default=None,
                   help="local worker processes (default: all cores)")
    p.add_argument("--scheduler", default=None,
                   help="address of a Dask scheduler, e.g. "
                   "tcp://10.0.0.5:8786, to grade on its workers")
    p.add_argument("--force", action="store_true",
                   help="grade again even what is already graded")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar")
    p.set_defaults(run=_autograde)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
