"""The feedback HTML of ``nbgrader generate_feedback``, made to read.

:class:`FeedbackExporter` (set as ``GenerateFeedback.exporter_class`` by
:mod:`autograder.nbgrader_config`) is nbgrader's feedback page with:

* a style sheet (``templates/feedback.css``) under which no text is wider
  than the page: long lines of failure messages and printed output wrap,
  figures shrink to the page width;
* the lessons' math as MathML, rendered at feedback time with
  ``latex2mathml``: the browser shows it offline, with no MathJax from a
  CDN (the template's MathJax loader is empty).
"""

from pathlib import Path

import nbgrader
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import (
    IPythonRenderer,
    MarkdownWithMath,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "backprop_feedback"
#: nbgrader's own templates (``feedback``, which ours extends).
NBGRADER_TEMPLATES = (Path(nbgrader.__file__).resolve().parent /
                      "server_extensions" / "formgrader" / "templates")


def to_mathml(tex, display=False):
    """MathML for the TeX ``tex``; the TeX itself, escaped, if it does not
    convert."""
    import html

    from latex2mathml.converter import convert

    try:
        return convert(tex.strip(), display="block" if display else
                       "inline")
    except Exception:  # latex2mathml raises many kinds; show the source
        delim = "$$" if display else "$"
        return f"<code>{html.escape(delim + tex + delim)}</code>"


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with math rendered to MathML."""

    def block_math(self, body):
        return to_mathml(body, display=True)

    def inline_math(self, body):
        return to_mathml(body)

    def latex_environment(self, name, body):
        return to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}",
                         display=True)


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback page with the course's style sheet and math."""

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        path = context.get("resources", {}).get("metadata", {}).get(
            "path", "")
        renderer = MathMLRenderer(
            escape=False, attachments=cell.get("attachments", {}),
            embed_images=self.embed_images, path=path,
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        css = (TEMPLATES / "feedback.css").read_text()
        resources["backprop_css"] = f'<style type="text/css">\n{css}</style>\n'
        return super().from_notebook_node(nb, resources, **kw)


def configure(c):
    """Make ``nbgrader generate_feedback`` use :class:`FeedbackExporter`
    (its own template, which extends nbgrader's ``feedback``), and leave
    the hidden tests out of the feedback: the autograded copy formgrader
    shows has them back (nbgrader's way), but a learner's feedback would
    then show the instructor's private cases (see ``course``)."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades

    c.GenerateFeedback.preprocessors = [
        GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
    c.GenerateFeedback.exporter_class = FeedbackExporter
    c.FeedbackExporter.template_name = TEMPLATE_NAME
    c.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES),
                                                  str(NBGRADER_TEMPLATES)]
    # where ours finds 'feedback/index.html.j2', and nbgrader's page its
    # bootstrap.min.css (GenerateFeedback sets only the latter)
    c.FeedbackExporter.extra_template_paths = [
        str(NBGRADER_TEMPLATES.parent / "static" / "node_modules" /
            "bootstrap" / "dist" / "css"), str(NBGRADER_TEMPLATES)]
