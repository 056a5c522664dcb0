"""Formatting helpers for Danish display and safe Markdown."""

from __future__ import annotations

import re

from selection import formatting

# Not "." or "-": they only matter at the start of a line, and escaping them breaks URLs.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~$])")


def md(text: object) -> str:
    """Escape text for st.markdown so names cannot inject links, images or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def num(value: float | None, digits: int = 1) -> str:
    """Danish number: decimal comma; en dash for missing (``selection.formatting.number``)."""
    return formatting.number(value, digits)


def pct(share: float) -> str:
    """A share 0–1 as Danish percent (``selection.formatting.percent``)."""
    return formatting.percent(share)
