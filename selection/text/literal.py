"""Text from data as the reader sees it in a file or a report: without invisible direction marks.

Unicode's bidirectional controls (embeddings, overrides, isolates and the direction marks) are not
shown, yet they reorder what follows: '\u202e@SUM(1+1)' reads backwards, and a mark in front of '='
hides a formula from a spreadsheet guard. The exports and the report drop them, so what is printed
is what is stored, in its stored order.
"""

from __future__ import annotations

import re

DIRECTION_MARKS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_direction_marks(text: str) -> str:
    """``text`` without bidirectional control characters (all other characters are kept)."""
    return DIRECTION_MARKS.sub("", text)
