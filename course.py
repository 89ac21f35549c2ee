#!/usr/bin/env python3
"""Set up the course and start it: the README's two commands.

    python3 course.py lab     # open lesson 01 in JupyterLab
    python3 course.py test    # run the test suite (extra args go to pytest)

Both create a virtual environment in ``.venv/`` with the standard library's
``venv`` when it is missing and install ``environment.yml``'s packages into
it with pip (so only Python 3.11 or newer is needed, no conda).
Nothing outside this folder is touched.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
ENV_FILE = ROOT / "environment.yml"
SETTINGS_FILE = ROOT / "lab-settings" / "overrides.json"
# the learner's JupyterLab: no instructor screens, a Grade button
LEARNER_CONFIG = ROOT / "lab-settings" / "learner"
LAB_EXTENSION = ROOT / "labextension" / "backprop-course"
STAMP = VENV / "course-installed.json"
FIRST_LESSON = "lessons/01-sigmoid-neuron.ipynb"
WORK = ROOT / "work"  # the learner's own copies of the lessons

# conda-forge names that PyPI spells differently
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "dask-core": "dask"}
# conda packages that are not pip packages
NOT_FROM_PIP = {"python", "pip"}


def read_environment(path=ENV_FILE):
    """Read the ``dependencies`` of a conda environment.yml.

    Returns ``(conda, pip)``: the conda entries (as written) and the entries
    of the ``- pip:`` subsection.  A tiny parser for the subset of YAML that
    environment files use, because a fresh machine has no PyYAML.
    """
    conda, pip = [], []
    in_deps = False
    pip_indent = None  # indentation of "- pip:" while inside its list
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw).rstrip()
        if not line:
            continue
        indent = len(line) - len(line.lstrip())
        text = line.strip()
        if indent == 0:
            in_deps = text == "dependencies:"
            pip_indent = None
            continue
        if not in_deps or not text.startswith("- "):
            continue
        item = text[2:].strip().strip("'\"")
        if pip_indent is not None and indent > pip_indent:
            pip.append(item)
        elif item == "pip:":
            pip_indent = indent
        else:
            pip_indent = None
            conda.append(item)
    return conda, pip


def conda_to_pip(spec):
    """``numpy=2.4`` -> ``numpy==2.4.*``; None for python and pip."""
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", spec)
    if not match:
        raise ValueError(f"cannot read the dependency {spec!r}")
    name, version = match.groups()
    if name in NOT_FROM_PIP:
        return None
    name = CONDA_TO_PYPI.get(name, name)
    if not version:
        return name
    if version.startswith("=") and not version.startswith("=="):
        version = version[1:]
        return f"{name}=={version}" + ("" if "*" in version else ".*")
    return name + version


def requirements(path=ENV_FILE):
    """The pip requirements that environment.yml stands for."""
    conda, pip = read_environment(path)
    return [r for r in map(conda_to_pip, conda) if r] + pip


def venv_python():
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(cmd, **kwargs):
    result = subprocess.run([str(c) for c in cmd], check=False, **kwargs)
    if result.returncode:
        sys.exit(f"course.py: failed ({result.returncode}): "
                 + " ".join(map(str, cmd)))


def fingerprint():
    """What the installation depends on: a change means reinstall."""
    digest = hashlib.sha256()
    for path in (ENV_FILE, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv():
    """Create .venv and install the course into it unless already done."""
    # course.py runs under whatever python3 the machine has
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit("course.py needs Python 3.11 or newer; this is "
                 + sys.version.split()[0])
    python = venv_python()
    if not python.exists():
        print("creating .venv", flush=True)
        try:
            venv.create(VENV, with_pip=True)
        except subprocess.CalledProcessError:
            shutil.rmtree(VENV, ignore_errors=True)  # no half-made .venv
            sys.exit("course.py: could not create .venv with pip. On Debian "
                     "or Ubuntu, install python3-venv first.")
    stamp = fingerprint()
    try:
        installed = json.loads(STAMP.read_text())["fingerprint"]
    except (OSError, ValueError, KeyError):
        installed = None
    if installed != stamp:
        reqs = requirements()
        # quiet: no pip upgrade notice, no setuptools notes on "-e ."
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1",
                   PYTHONWARNINGS="ignore")
        print(f"installing {len(reqs)} packages from environment.yml",
              flush=True)
        run([python, "-m", "pip", "install", "--quiet", *reqs], env=env)
        print("installing the course package (coursetools, autograder)",
              flush=True)
        run([python, "-m", "pip", "install", "--quiet", "--no-deps",
             "-e", ROOT], env=env)
        STAMP.write_text(json.dumps({"fingerprint": stamp,
                                     "requirements": reqs}, indent=1))
    else:
        print(".venv is up to date", flush=True)
    write_lab_settings()
    return python


def write_lab_settings():
    """JupyterLab settings overrides for this course (also used by Binder's
    postBuild): every cell rendered, no news or update pop-ups; and the
    course's JupyterLab extension (the Grade button), built into
    ``labextension/backprop-course``."""
    target = VENV / "share" / "jupyter" / "lab" / "settings"
    target.mkdir(parents=True, exist_ok=True)
    text = SETTINGS_FILE.read_text(encoding="utf-8")
    json.loads(text)  # fail here, not silently in JupyterLab
    out = target / "overrides.json"
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    installed = VENV / "share" / "jupyter" / "labextensions" / \
        LAB_EXTENSION.name
    if _tree(installed) != _tree(LAB_EXTENSION):
        shutil.rmtree(installed, ignore_errors=True)
        shutil.copytree(LAB_EXTENSION, installed)


def _tree(folder):
    """``{relative path: bytes}`` of the files under ``folder``."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def learner_env():
    """The environment of the learner's JupyterLab: the course's learner
    configuration first (nbgrader's instructor screens off, the Grade
    button's server side on)."""
    paths = [str(LEARNER_CONFIG)]
    if os.environ.get("JUPYTER_CONFIG_PATH"):
        paths.append(os.environ["JUPYTER_CONFIG_PATH"])
    return dict(os.environ, JUPYTER_CONFIG_PATH=os.pathsep.join(paths))


def prepare_work():
    """Copy each lesson the learner has not started into ``work/``.

    Learners edit their own copies: ``lessons/`` stays as generated, a
    ``git pull`` of new lessons never conflicts with their work, and a
    lesson already in ``work/`` is never overwritten.
    """
    WORK.mkdir(exist_ok=True)
    for lesson in sorted((ROOT / "lessons").glob("*.ipynb")):
        mine = WORK / lesson.name
        if not mine.exists():
            shutil.copyfile(lesson, mine)
            print(f"new lesson: work/{lesson.name}", flush=True)


def lab(args):
    python = ensure_venv()
    prepare_work()
    first = WORK / Path(FIRST_LESSON).name
    target = first.relative_to(ROOT) if first.exists() else "work"
    cmd = [python, "-m", "jupyter", "lab", target, *args]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    print("starting JupyterLab (stop it with Ctrl-C)", flush=True)
    try:
        return subprocess.call([str(c) for c in cmd], cwd=ROOT,
                               env=learner_env())
    except KeyboardInterrupt:
        return 0


def test(args):
    python = ensure_venv()
    print("running the test suite", flush=True)
    return subprocess.call([str(python), "-m", "pytest", *args], cwd=ROOT)


COMMANDS = {"lab": lab, "test": test}


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        print("usage:\n" + __doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
