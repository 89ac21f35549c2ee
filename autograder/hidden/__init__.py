"""The hidden tests, one module per lesson, on the grader's side only.

``autograder/hidden/lessonNN.py`` holds the hidden cases and oracles of
lesson NN: functions ``grade_<requirement>(fn)`` that the hidden part of a
test cell in ``solutions/NN-....ipynb`` calls with the learner's function,
and ``STAND_INS``, ``{test id: {name: trusted function}}``, the earlier
exercises that :mod:`autograder.grading` replaces by correct versions while
that test calls the learner's code, so that one mistake is counted once.

The sandbox that runs learner code cannot see this package (only the three
runner files of :mod:`autograder` are bound into it), so nothing here can
be imported as an answer when a notebook is graded.
"""
