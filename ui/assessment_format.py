"""Danish numbers and dates for long assessment lists: Babel's formatting remembered per value."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from selection.assessments.wording import date_text, number_text


@lru_cache(maxsize=4096)
def cached_number(value: float | None) -> str:
    """``number_text`` remembered per value (lists repeat the same few scale points)."""
    return number_text(value)


@lru_cache(maxsize=4096)
def cached_date(day: date) -> str:
    """``date_text`` remembered per day."""
    return date_text(day)
