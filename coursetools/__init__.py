"""Helpers for the Backpropagation from Scratch notebooks.

One module per lesson, ``lessonNN`` (its visible checks, figures and
widgets), over a small shared core: ``checks`` (the generic checks and
their diagnoses, the display of a failed check), ``drawing`` (message
boxes, number formats, PNG encoding) and ``datasets`` (the 8x8 digits).
See docs/lesson-form.md.
"""
