"""Formatting helpers for Danish display, and ``md``: the one escaping path for text from data or users."""

from __future__ import annotations

import re

from selection.text import formatting
from selection.text.form_fields import BIDI_CONTROLS

# Every ASCII punctuation character (CommonMark lets each be backslash-escaped): no emphasis, link,
# image, HTML, autolink (www. / http://), LaTeX ($), Streamlit directive (:red[...]) or table can form.
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


# Streamlit's GFM autolinks bare URLs and e-mail addresses after escapes are resolved, so those
# patterns are broken with an invisible zero-width space instead ("http​://", "www​.", "a@​b.dk").
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto|xmpp)(?=[:.])|(@)")
ZERO_WIDTH_SPACE = "\u200b"
# Bidi overrides/isolates would make the text display in another order than it holds: dropped.
_NO_BIDI = {ord(c): None for c in BIDI_CONTROLS}


def md(text: object) -> str:
    """Text from data or users (names, file names, notes, sources, reasons) made safe for any Streamlit
    element that renders Markdown: markdown, caption, info/warning/error, subheader, widget labels and
    help. Shown literally, on one line, in its own order; nothing in it is interpreted or linked."""
    line = _LINE_BREAKS.sub(" ", str(text).translate(_NO_BIDI))
    plain = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + ZERO_WIDTH_SPACE, line)
    return _MD_PUNCTUATION.sub(r"\\\1", plain)


def num(value: float | None, digits: int = 1) -> str:
    """Danish number: decimal comma; en dash for missing (``selection.text.formatting.number``)."""
    return formatting.number(value, digits)


def pct(share: float) -> str:
    """A share 0–1 as Danish percent (``selection.text.formatting.percent``)."""
    return formatting.percent(share)
