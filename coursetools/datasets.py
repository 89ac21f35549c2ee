"""Data sets that ship with the course: nothing is downloaded at run time.

Used in lesson 06-training-in-practice.
"""

from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"


def load_digits():
    """The 8×8 handwritten digits: ``(images, labels)``.

    ``images``: float64 array of shape (1797, 8, 8), pixel values 0–16;
    ``labels``: int64 array of shape (1797,), digits 0–9.
    See ``coursetools/data/README.md`` for the source and licence (CC BY 4.0).
    Used in lesson 06-training-in-practice.
    """
    with np.load(DATA / "digits.npz") as f:
        return f["images"].astype(np.float64), f["labels"].astype(np.int64)
