"""Danish formatting of values, dates and times for messages, sheets and the CLI (Babel)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

from selection.text.formatting import moment_text

LOCALE = "da_DK"
LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")


def number_text(value: float | None) -> str:
    """'3', '3,5'; 'trukket tilbage' for a withdrawal (None)."""
    if value is None:
        return "trukket tilbage"
    return format_decimal(value, format="#,##0.##", locale=LOCALE)


def exact_number_text(value: float) -> str:
    """Like ``number_text`` but with every significant decimal (up to 12), for a value refused at a
    scale's edge: '5,0000001', not '5'."""
    return format_decimal(value, format="#,##0.############", locale=LOCALE)


def time_text(moment: datetime) -> str:
    """A UTC time shown in Copenhagen time: '29. november 2026 kl. 14:05'."""
    return moment_text(moment)


def date_text(day: date) -> str:
    """'29. november 2026'."""
    return format_date(day, "d. MMMM y", locale=LOCALE)


def assessors_text(n: int) -> str:
    """'1 vurderer', '3 vurderere'."""
    return f"{n} vurderer" if n == 1 else f"{n} vurderere"
