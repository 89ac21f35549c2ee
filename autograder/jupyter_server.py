"""The learner's "Grade" button, server side: a Jupyter server extension.

The toolbar button (``labextension/``, built into
``labextension/backprop-course``) saves the notebook and posts its path to
``/backprop-course/grade``; this handler grades the saved file with
``python -m autograder grade`` in a separate process (the server never
waits on learner code) and answers with the same report and score the
command prints. Enabled by the learner's configuration
(``lab-settings/learner/``), which ``python3 course.py lab`` and Binder
use.
"""

import asyncio
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


def _jupyter_server_extension_points():
    return [{"module": "autograder.jupyter_server"}]


def _load_jupyter_server_extension(serverapp):
    web_app = serverapp.web_app
    route = url_path_join(web_app.settings["base_url"], "backprop-course",
                          "grade")
    web_app.add_handlers(".*$", [(route, GradeHandler)])
