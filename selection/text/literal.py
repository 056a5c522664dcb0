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


# C0 and C1 control characters except the line feed: a terminal acts on them (ESC starts a command that can
# recolour, move the cursor or retitle the window), so text from data never reaches one raw. The tab (\x09) is
# one of them unless the caller keeps it (``printable(..., keep_tab=True)``: a terminal's own column separator).
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
CONTROLS_BUT_TAB = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def printable(text: object, *, keep_tab: bool = False) -> str:
    """``text`` safe to print on a terminal: every C0/C1 control character except the line feed (and, with
    ``keep_tab``, the tab), and every bidirectional control, replaced by U+FFFD (so the reader sees that
    something was there). The one neutraliser of the command line: ``selection.cli.terminal`` filters everything
    it prints through this function."""
    controls = CONTROLS_BUT_TAB if keep_tab else CONTROLS
    return DIRECTION_MARKS.sub(REPLACEMENT, controls.sub(REPLACEMENT, str(text)))
