"""Formatting helpers for Danish display and safe Markdown."""

from __future__ import annotations

import math
import re

# Not "." or "-": they only matter at the start of a line, and escaping them breaks URLs.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~$])")


def md(text: object) -> str:
    """Escape text for st.markdown so names cannot inject links, images or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def num(value: float | None, digits: int = 1) -> str:
    """Danish number: decimal comma; en dash for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}".replace(".", ",")


def pct(share: float) -> str:
    return f"{share * 100:.0f} %"
