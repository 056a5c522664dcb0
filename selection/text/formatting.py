"""Danish display of numbers, shares and times: the one formatting path of app, exports and CLI.

Everything goes through Babel with the ``da_DK`` locale (decimal comma, ``.`` as thousands
separator, "33 %") and times are shown in Europe/Copenhagen. Charts get the same symbols as a
Vega-Lite number locale (``chart_locale``), so axes and tooltips match the tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa
from babel import Locale
from babel.dates import format_datetime
from babel.numbers import NumberPattern, format_decimal, get_decimal_symbol, get_group_symbol, parse_pattern

LOCALE = "da_DK"
TIMEZONE = ZoneInfo("Europe/Copenhagen")
MISSING = "–"
# The Danish way to write a clock time (Retskrivningsordbogen: 'kl. 14.05'); every moment shown uses it.
CLOCK = "'kl.' HH.mm"
_LOCALE = Locale.parse(LOCALE)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan")


@lru_cache(maxsize=32)
def _pattern(text: str) -> NumberPattern:
    return parse_pattern(text)


def number(value: float | int | None, digits: int = 1, *, grouping: bool = True) -> str:
    """A number with exactly ``digits`` decimals: ``1234.56`` -> ``"1.234,6"``; missing -> "–"."""
    if value is None or _missing(value):
        return MISSING
    return _number_text(float(value), digits, grouping)


@lru_cache(maxsize=1 << 16)
def _number_text(value: float, digits: int, grouping: bool) -> str:
    """Babel's text for one number (cached: the same scores and weights recur on every rerun)."""
    pattern = _pattern(("#,##0" if grouping else "0") + ("." + "0" * digits if digits > 0 else ""))
    text = pattern.apply(value, _LOCALE)  # = babel.numbers.format_decimal with a parsed pattern
    return text.lstrip("-") if _is_negative_zero(text) else text


def _is_negative_zero(text: str) -> bool:
    """'-0,0' after rounding a tiny negative number: shown as 0,0."""
    return text.startswith("-") and not any(ch in "123456789" for ch in text)


def compact(value: float | int | None, max_digits: int = 1) -> str:
    """At most ``max_digits`` decimals, trailing zeros dropped: 2.5 -> "2,5", 3.0 -> "3"."""
    if value is None or _missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "#" * max_digits if max_digits > 0 else "")
    text = format_decimal(float(value), format=pattern, locale=LOCALE)
    return text.lstrip("-") if _is_negative_zero(text) else text


def integer(value: float | int | None) -> str:
    """A whole number with thousands separator: 10000 -> "10.000"."""
    return number(value, 0)


def count(n: int, singular: str, plural: str) -> str:
    """A count with the Danish noun form it takes: 1 -> "1 værdi", 12000 -> "12.000 værdier" (0 is plural)."""
    return f"{integer(n)} {singular if n == 1 else plural}"


NAMES_LISTED = 20  # names a message lists before it says how many more there are


def listing(names: Sequence[str], limit: int = NAMES_LISTED) -> str:
    """Names for a message, at most ``limit`` of them: 'A, B, C og 1.980 andre' (a message about 2,000 areas
    stays readable and bounded)."""
    shown = ", ".join(str(n) for n in names[:limit])
    rest = len(names) - limit
    return shown if rest <= 0 else f"{shown} og {integer(rest)} {'anden' if rest == 1 else 'andre'}"


def percent(share: float | None, digits: int = 0) -> str:
    """A share 0–1 as Danish percent: 0.3333 -> "33 %"."""
    if share is None or _missing(share):
        return MISSING
    return f"{number(100.0 * float(share), digits)} %"


def points(value: float | None, digits: int = 1) -> str:
    """Percentage points (value already in points): 2.5 -> "2,5 procentpoint"."""
    return f"{number(value, digits)} procentpoint"


def timestamp(moment: datetime | None = None) -> str:
    """A moment as Danish local time in Copenhagen: "23. nov. 2026 kl. 10.00"."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(TIMEZONE)
    return format_datetime(local, f"d. MMM y {CLOCK}", locale=LOCALE)


def moment_text(moment: datetime | str) -> str:
    """The one way a moment is shown (screen, files, report, command line): Copenhagen time, whatever zone it
    was stored in (naive = UTC), e.g. '29. november 2026 kl. 14.05'. An ISO 8601 text is read first."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(TIMEZONE), f"d. MMMM y {CLOCK}", locale=LOCALE)


def local_today() -> date:
    """Today's date in Copenhagen (a meeting at 00:30 is on the Danish date, not the UTC one)."""
    return datetime.now(TIMEZONE).date()


def timestamp_text(iso: str) -> str:
    """An ISO 8601 text (as stored in import records) as Copenhagen time; unreadable text unchanged."""
    try:
        return timestamp(datetime.fromisoformat(str(iso)))
    except ValueError:
        return str(iso)


def iso_local(moment: datetime | None = None) -> str:
    """A moment in ISO 8601 with the Copenhagen offset (machine-readable, for files)."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TIMEZONE).isoformat(timespec="seconds")


def decimal_symbol() -> str:
    return get_decimal_symbol(LOCALE)


def group_symbol() -> str:
    return get_group_symbol(LOCALE)


def chart_locale() -> dict:
    """Vega-Lite ``config.locale`` with the Danish number symbols (d3-format locale)."""
    return {
        "number": {
            "decimal": decimal_symbol(),
            "thousands": group_symbol(),
            "grouping": [3],
            "currency": ["", " kr."],
            "percent": " %",
        }
    }


def with_locale(spec: dict) -> dict:
    """A Vega-Lite spec with the Danish number locale added to its config."""
    config = dict(spec.get("config") or {})
    config["locale"] = chart_locale()
    return {**spec, "config": config}


def frame_text(frame: pd.DataFrame, digits: int | dict[str, int] = 1) -> pa.Table:
    """A table for display: float columns as Danish number text (``digits`` per column), other cells as text.

    Returned as an Arrow table, which Streamlit sends as it is (a pandas frame would be converted on
    every rerun); the index is dropped.
    """
    columns = {}
    for column in frame.columns:
        values = frame[column].tolist()
        if any(isinstance(v, float) for v in values):
            d = digits.get(column, 1) if isinstance(digits, dict) else digits
            values = [
                number(v, d)
                if isinstance(v, (int, float)) and not isinstance(v, bool)
                else (MISSING if v is None else str(v))
                for v in values
            ]
        columns[str(column)] = values
    return text_table(columns)


def text_table(columns: dict[str, list]) -> pa.Table:
    """Columns of display values as an Arrow table (ints stay numbers; None stays empty; a column of
    mixed types becomes text)."""
    return pa.table({name: _arrow_column(list(values)) for name, values in columns.items()})


def _arrow_column(values: list) -> pa.Array:
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())
