"""Command line: ``python -m autograder grade NOTEBOOK [--json]`` and the
maintainer's and instructor's helpers (``generate``, ``course``)."""

import argparse
import json
import sys


def _grade(args):
    from autograder import grading

    try:
        report = grading.grade_file(args.notebook)
    except grading.GradeRefused as exc:
        print(f"cannot grade {args.notebook}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for a learner
        print(f"cannot grade {args.notebook}: internal error: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(grading.format_report(report, args.notebook))
    return 0


def _generate(args):
    from autograder import generate

    return generate.main(check=args.check)


def _course(args):
    from autograder import course

    return course.init(args.directory)


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
    p = sub.add_parser("course", help="create an nbgrader course directory")
    p.add_argument("directory")
    p.set_defaults(run=_course)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
