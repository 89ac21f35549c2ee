"""The learner's "Grade" button, server side, and formgrader's Autograde
button that never blocks the server: a Jupyter server extension.

The toolbar button (``labextension/``, built into
``labextension/backprop-course``) saves the notebook and posts its path to
``/backprop-course/grade``; this handler grades the saved file with
``python -m autograder grade`` in a separate process (the server never
waits on learner code) and answers with the same report and score the
command prints. Enabled by the learner's configuration
(``lab-settings/learner/``), which ``python3 course.py lab`` and Binder
use.

Formgrader's own Autograde button grades inside the Jupyter server's
process, where one endless-loop submission froze every API request for
minutes. Where formgrader is loaded, :class:`AutogradeHandler` takes its
route (``/formgrader/api/submission/<lesson>/<student>/autograde``) and
runs the same nbgrader autograde in a subprocess, with a time limit derived
from the course's per-submission budget; the server answers other requests
meanwhile, and the reply is nbgrader's own (``success``, ``log``,
``error``). The instructor's ``python -m autograder lab`` enables it.
"""

import asyncio
import contextlib
import json
import re
import sys
from pathlib import Path

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

#: Seconds a grading may take before the button gives up (the grader's own
#: per-submission budget is shorter).
GRADE_TIMEOUT = 600
SCORE = re.compile(r": (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?) points")


async def grade_file(path, cwd=None, timeout=GRADE_TIMEOUT):
    """Grade ``path`` (relative to ``cwd``) with the grading command; the
    reply the button shows: ``{"graded", "title", "report", "score",
    "max_score"}``."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "autograder", "grade", str(path), cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return {"graded": False, "title": "Cannot grade this notebook",
                "report": f"Grading took longer than {timeout} s."}
    text = out.decode(errors="replace").strip()
    if proc.returncode:
        reason = err.decode(errors="replace").strip() or text
        return {"graded": False, "title": "Cannot grade this notebook",
                "report": reason}
    match = SCORE.search(text.splitlines()[0] if text else "")
    reply = {"graded": True, "report": text,
             "title": text.splitlines()[0].split("  (")[0] if text
             else "Graded"}
    if match:
        reply["score"], reply["max_score"] = map(float, match.groups())
    return reply


class GradeHandler(APIHandler):
    """POST ``{"path": "work/01-sigmoid-neuron.ipynb"}``: grade it."""

    @web.authenticated
    async def post(self):
        body = self.get_json_body() or {}
        relative = str(body.get("path") or "")
        root = Path(self.settings["server_root_dir"]).expanduser().resolve()
        target = (root / relative).resolve()
        if not relative or not target.is_relative_to(root):
            raise web.HTTPError(403, "not a notebook of this server")
        if not target.is_file():
            raise web.HTTPError(404, f"no such notebook: {relative}")
        self.finish(json.dumps(await grade_file(
            target.relative_to(root), cwd=root)))


#: Seconds beyond the per-submission budget an autograde may take (the
#: sandbox's start, nbgrader's own work, cell and call limits).
AUTOGRADE_MARGIN = 180

AUTOGRADE_SCRIPT = """
import json, sys
from nbgrader.apps import NbGrader, NbGraderAPI
app = NbGrader()
app.load_config_file()
api = NbGraderAPI(config=app.config)
print(json.dumps(api.autograde(sys.argv[1], sys.argv[2])))
"""


def autograde_timeout(root):
    """Seconds one submission's autograde may take in course directory
    ``root``: its per-submission budget of learner code
    (``SandboxedGrade.total_timeout``) plus one cell's limit and
    :data:`AUTOGRADE_MARGIN`."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.nbgrader_plugin import SandboxedGrade

    config = Config()
    if (Path(root) / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader(
            "nbgrader_config.py", path=str(root)).load_config())
    limits = SandboxedGrade(config=config).limits()
    return (limits.total_timeout + limits.cell_timeout + AUTOGRADE_MARGIN)


async def autograde_submission(root, assignment, student, timeout):
    """nbgrader's autograde of one submission, in a subprocess run in the
    course directory ``root``; nbgrader's result dict."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", AUTOGRADE_SCRIPT, assignment, student,
        cwd=str(root), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, start_new_session=True)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        import os
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        return {"success": False, "log": "",
                "error": f"autograding {student}/{assignment} took longer "
                f"than {timeout:g} s and was stopped"}
    lines = out.decode(errors="replace").strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        return {"success": False, "log": err.decode(errors="replace"),
                "error": "autograde ended without a result (exit status "
                f"{proc.returncode})"}


def _autograde_handler():
    """formgrader's Autograde handler, in a subprocess (None without
    nbgrader's formgrader)."""
    try:
        from nbgrader.server_extensions.formgrader.base import (
            BaseApiHandler,
            check_notebook_dir,
            check_xsrf,
        )
    except ImportError:
        return None

    class AutogradeHandler(BaseApiHandler):
        @web.authenticated
        @check_xsrf
        @check_notebook_dir
        async def post(self, assignment_id, student_id):
            root = Path(self.coursedir.root)
            result = await autograde_submission(
                root, assignment_id, student_id, autograde_timeout(root))
            self.write(json.dumps(result))

    return AutogradeHandler


def _jupyter_server_extension_points():
    return [{"module": "autograder.jupyter_server"}]


def _load_jupyter_server_extension(serverapp):
    web_app = serverapp.web_app
    route = url_path_join(web_app.settings["base_url"], "backprop-course",
                          "grade")
    handlers = [(route, GradeHandler)]
    formgrader = serverapp.jpserver_extensions.get(
        "nbgrader.server_extensions.formgrader")
    autograde = _autograde_handler() if formgrader else None
    if autograde is not None:
        handlers.append((url_path_join(
            web_app.settings["base_url"], "formgrader", "api", "submission",
            "([^/]+)", "([^/]+)", "autograde"), autograde))
    web_app.add_handlers(".*$", handlers)
    # first of all rules, so formgrader's own (in-process) autograde route,
    # whichever extension loads first, is never the one matched
    rules = web_app.default_router.rules
    rules.insert(0, rules.pop(len(rules) - 2))
