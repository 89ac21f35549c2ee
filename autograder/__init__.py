"""Grading for Backpropagation from Scratch.

``python -m autograder grade NOTEBOOK`` grades one learner notebook; the
nbgrader plugin (:mod:`autograder.nbgrader_plugin`) grades a cohort the
same way.
Learner code runs only in :mod:`autograder.runner`, inside the sandbox of
:mod:`autograder.sandbox`; verdicts come from :mod:`autograder.grading`.
"""
