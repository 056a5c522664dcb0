"""The critical values in register terms: what one more record of the strongest kind would do to an area's rank.

after = the rule's value with one more record of the strongest kind (``rules.what_if``)
effect = the first of nr. 1, top n, a better rank whose critical value upward (``analysis.critical``) the
         new value reaches: at least x when the change already happens at x (closed), else over x
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from selection.registers.rules import WhatIf
from selection.text.formatting import compact


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def reaches(row: Mapping[str, object], effect: str, value: float) -> bool:
    """``value`` reaches the effect's upward critical value in ``row`` (one row of ``critical_rows``)."""
    x = _number(row.get(f"{effect}_up"))
    if math.isnan(x):
        return False
    return value >= x - 1e-9 if bool(row.get(f"{effect}_up_closed")) else value > x + 1e-9


def register_critical_sentence(row: Mapping[str, object], what: WhatIf, area_name: str, top_n: int) -> str:
    """E.g. "Én aktiv indsats mere med direkte relevans, uafhængig evaluering og mindst 2 års kontinuitet i
    Bispeparken ville give 3,67 (nu 2,52) og gøre området nr. 1." """
    if what.now is not None and what.after <= what.now:
        effect = "ville ikke ændre værdien"
    elif reaches(row, "first", what.after):
        effect = "og gøre området nr. 1"
    elif reaches(row, "top", what.after):
        effect = f"og bringe området i top {int(top_n)}"
    elif reaches(row, "rank", what.after):
        effect = "og forbedre områdets rang"
    else:
        effect = "men ikke alene ændre områdets rang"
    record = what.record or "én registrering mere"
    head = f"{record[:1].upper()}{record[1:]} i {area_name}"
    if effect.startswith("ville"):
        return f"{head} {effect} ({compact(what.now or 0.0, 2)})."
    now = compact(what.now, 2) if what.now is not None else "ingen registreringer"
    return f"{head} ville give {compact(what.after, 2)} (nu {now}) {effect}."
