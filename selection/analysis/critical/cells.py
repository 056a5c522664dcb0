"""What the critical-value tables hold: the two directions a value or a total can move, and a cell as a number.

The solver (``values``), the priority list (``priorities``) and the wording (``wording``) all read them.
"""

from __future__ import annotations

import math

import numpy as np

DIRECTIONS = ("down", "up")


def as_float(value: object) -> float:
    """A record's number as a float; NaN when it is missing (None, <NA>) or not a number."""
    if not isinstance(value, (float, int, str, np.number)):
        return math.nan
    try:
        return float(value)
    except ValueError:
        return math.nan


def finite_or_none(value: object) -> float | None:
    """``value`` as a finite float; None when it is missing, not a number, NaN or infinite."""
    x = as_float(value)
    return x if math.isfinite(x) else None
