"""The one strict parser for numbers typed by people: files, spreadsheets and the command line.

Danish (decimal comma, ``.`` between thousands) and standard (decimal point, ``,`` between
thousands) conventions are both understood; what cannot be read without guessing is refused
with a Danish reason (``NumberError``):

* ``1.234`` in a Danish file could be one thousand two hundred and thirty-four (Danish Excel) or
  1,234 typed with a decimal point; ``1,234`` in a standard file likewise. Both are refused.
* only ASCII digits ``0-9`` (no Arabic-Indic or full-width digits), no ``_`` (``0_3``), no
  ``inf``/``nan``, no hexadecimal, at most ``MAX_DIGITS`` digits.
"""

from __future__ import annotations

import math
import re
from numbers import Real
from typing import Literal

Convention = Literal["danish", "standard", "auto"]

MAX_DIGITS = 30  # more significant digits than anyone types by hand: a pasted mistake

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")  # spaces people and Excel put between thousands
_SHAPE = re.compile(r"([+-]?)([0-9.,]+)(?:[eE]([+-]?[0-9]{1,3}))?", re.ASCII)


class NumberError(ValueError):
    """A text that is not a number we can read without guessing; ``str()`` is the Danish reason."""


def parse_number(text: object, convention: Convention = "auto") -> float | None:
    """Parse ``text`` strictly; '' (or None) → None; raise NumberError with a Danish reason otherwise.

    ``convention``: "danish" (a ``;`` file from Danish Excel: decimal comma), "standard" (decimal
    point) or "auto" (either, refusing what is ambiguous between them).
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise NumberError(f"'{text}' er ikke et tal.")
    if isinstance(text, Real):
        return finite(float(text), str(text))
    raw = str(text)
    t = raw.strip().translate(_SPACES).replace("\u2212", "-")
    if not t:
        return None
    if len(t) > 4 * MAX_DIGITS:
        raise NumberError(f"'{_clip(raw)}' har for mange tegn til at være et tal.")
    match = _SHAPE.fullmatch(t)
    if match is None:
        raise NumberError(_not_a_number(raw, t))
    sign, body, exponent = match.groups()
    digits = sum(ch.isdigit() for ch in body)
    if digits == 0:
        raise NumberError(f"'{_clip(raw)}' er ikke et tal.")
    if digits > MAX_DIGITS:
        raise NumberError(f"'{_clip(raw)}' har {digits} cifre; højst {MAX_DIGITS} kan bruges.")
    plain = _plain_digits(body, raw, convention)
    value = float(f"{sign}{plain}" + (f"e{exponent}" if exponent else ""))
    return finite(value, raw)


def finite(value: float, raw: str) -> float:
    """``value`` if it is a finite number, else NumberError (also for results too large for a float)."""
    if not math.isfinite(value):
        raise NumberError(f"'{_clip(raw)}' er ikke et endeligt tal.")
    return value


def _plain_digits(body: str, raw: str, convention: Convention) -> str:
    """The digits with '.' as the only decimal separator, or NumberError."""
    commas, points = body.count(","), body.count(".")
    if not commas and not points:
        return body
    if commas and points:  # both: the last one is the decimal separator, the other groups thousands
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, frac = body.rpartition(decimal)
        if decimal in whole or not frac or not _grouped(whole, group):
            raise NumberError(f"'{_clip(raw)}' blander komma og punktum på en måde, der ikke kan læses entydigt.")
        return whole.replace(group, "") + "." + frac
    sep = "," if commas else "."
    if body.count(sep) > 1:  # only thousands separators
        if not _grouped(body, sep):
            raise NumberError(f"'{_clip(raw)}' har flere '{sep}', men ikke som tusindtalsseparator.")
        return body.replace(sep, "")
    whole, _, frac = body.partition(sep)
    if not whole or not frac:
        raise NumberError(f"'{_clip(raw)}' er ikke et tal (tegnet '{sep}' står i starten eller slutningen).")
    looks_grouped = len(frac) == 3 and whole != "0" and len(whole) <= 3 and not whole.startswith("0")
    decimal_sep = {"danish": ",", "standard": "."}.get(convention)
    if looks_grouped and sep != decimal_sep:
        where = {"danish": " i en fil med decimalkomma (dansk Excel)", "standard": " i en fil med decimalpunktum"}.get(
            convention, ""
        )
        raise NumberError(
            f"'{_clip(raw)}' er tvetydigt{where}: det kan være {whole}{frac} (med '{sep}' mellem tusinder) "
            f"eller decimaltallet {whole} komma {frac}. Skriv tallet uden tusindtalsseparator "
            f"({whole}{frac}) eller med {'komma' if decimal_sep == ',' else 'punktum'} som decimaltegn."
        )
    return whole + "." + frac


def _grouped(body: str, sep: str) -> bool:
    return re.fullmatch(r"[0-9]{1,3}(?:" + re.escape(sep) + r"[0-9]{3})+", body, re.ASCII) is not None


def _not_a_number(raw: str, t: str) -> str:
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in t):
        return f"'{_clip(raw)}' indeholder cifre, der ikke er 0–9; skriv tallet med almindelige cifre."
    if "_" in t:
        return f"'{_clip(raw)}' indeholder '_'; skriv tallet uden understreger."
    if t.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        return f"'{_clip(raw)}' er ikke et endeligt tal."
    return f"'{_clip(raw)}' er ikke et tal."


def _clip(text: str, width: int = 40) -> str:
    text = str(text).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def parse_count(text: object, convention: Convention = "auto") -> int | None:
    """A count such as residents: a whole number ≥ 0 (None for empty), else NumberError."""
    value = parse_number(text, convention)
    if value is None:
        return None
    if value < 0:
        raise NumberError(f"'{_clip(str(text))}' er negativt; et antal skal være 0 eller større.")
    if not float(value).is_integer():
        raise NumberError(f"'{_clip(str(text))}' er ikke et helt tal; et antal skal være et helt tal.")
    return int(value)
