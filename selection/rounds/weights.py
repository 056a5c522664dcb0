"""A participant's answer as normalised weights, and the group's weights from everyone's.

shares:  w_c = s_c / Σ s                  s_c ≥ 0 in per cent, Σ s = 100 (± 0.5 for rounding)
swing:   the criteria ordered by how much their swing from the worst to the best area matters;
         the first is rated 100, every other r_c ∈ [0, 100] and never above the one before it;
         w_c = r_c / Σ r
file:    any non-negative numbers per criterion, w_c = x_c / Σ x
group:   mean    ḡ_c = (1/n) Σ_p w_pc                      (sums to 1 by itself)
         median  m_c = median_p w_pc,  g_c = m_c / Σ m       (a median per criterion need not sum to 1)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np

from selection.limits import MAX_WEIGHT
from selection.rounds.model import MEAN, MEDIAN, RoundError
from selection.text.number_parser import NumberError, parse_number

TOTAL_TOLERANCE_PP = 0.5  # shares typed in whole per cent may add up to 99.5–100.5
ALL_ZERO = "Alle vægte er 0. Giv mindst ét kriterium en vægt over 0."
LARGEST = f"{MAX_WEIGHT:,.0f}".replace(",", ".")  # 1.000.000, as a Danish reader writes it


def _number(raw: object, label: str) -> float:
    """A finite number ≥ 0 (Danish or standard notation); RoundError naming the criterion otherwise.

    Only text and real numbers are read: a yes/no cell (``True``) is not a weight of 1."""
    if raw is None:
        return 0.0
    if isinstance(raw, bool) or not isinstance(raw, (str, Real)):
        raise RoundError(f"Vægten for {label} skal være et tal.")
    try:
        value = parse_number(raw)
    except NumberError as exc:
        raise RoundError(f"Vægten for {label}: {exc}") from None
    except OverflowError:  # an int too large for a float (10**400)
        raise RoundError(f"Vægten for {label} er urimeligt stor; højst {LARGEST}.") from None
    if value is None:
        return 0.0
    if not math.isfinite(value):
        raise RoundError(f"Vægten for {label} skal være et endeligt tal.")
    if value < 0:
        raise RoundError(f"Vægten for {label} må ikke være negativ (fik {value:g}).")
    if value > MAX_WEIGHT:
        raise RoundError(f"Vægten for {label} er urimeligt stor ({value:g}); højst {LARGEST}.")
    return value


def _labelled(ids: Sequence[str], labels: Mapping[str, str] | None) -> dict[str, str]:
    return {cid: f"'{(labels or {}).get(cid, cid)}'" for cid in ids}


def _check_known(raw: Mapping[str, Any], ids: Sequence[str]) -> None:
    unknown = sorted(str(k) for k in raw if k not in ids)
    if unknown:
        raise RoundError(f"Ukendt kriterium: {', '.join(unknown)[:200]}. Kendte kriterier: {', '.join(ids)}.")


def _checked(raw: Mapping[str, Any], ids: Sequence[str], labels: Mapping[str, str] | None) -> dict[str, float]:
    """Every criterion's number (a missing one counts 0), known criteria only, not all 0."""
    _check_known(raw, ids)
    names = _labelled(ids, labels)
    values = {cid: _number(raw.get(cid), names[cid]) for cid in ids}
    if sum(values.values()) <= 0:
        raise RoundError(ALL_ZERO)
    return values


def normalise(raw: Mapping[str, Any], ids: Sequence[str], labels: Mapping[str, str] | None = None) -> dict[str, float]:
    """Any non-negative numbers per criterion (a missing one counts 0) as shares summing to 1."""
    values = _checked(raw, ids, labels)
    total = sum(values.values())
    return {cid: v / total for cid, v in values.items()}


def from_percent(
    raw: Mapping[str, Any], ids: Sequence[str], labels: Mapping[str, str] | None = None
) -> dict[str, float]:
    """Shares typed in per cent that must add up to 100 (± 0.5); normalised to sum exactly 1."""
    values = _checked(raw, ids, labels)
    total = sum(values.values())
    if abs(total - 100.0) > TOTAL_TOLERANCE_PP:
        given = f"{total:.1f}".replace(".", ",")
        raise RoundError(f"Andelene skal give 100 % tilsammen; de giver {given} %.")
    return {cid: v / total for cid, v in values.items()}


def from_swing(
    order: Sequence[str], ratings: Mapping[str, Any], ids: Sequence[str], labels: Mapping[str, str] | None = None
) -> dict[str, float]:
    """Swing weighting: ``order`` lists every criterion once, the most valuable swing first; ``ratings`` rates
    each swing 0–100 against the first (which is 100). Returns the shares w_c = r_c / Σ r."""
    names = _labelled(ids, labels)
    order = [str(c) for c in order]
    if sorted(order) != sorted(ids) or len(set(order)) != len(order):
        missing = [names[c] for c in ids if c not in order]
        twice = sorted({names.get(c, c) for c in order if order.count(c) > 1})
        unknown = sorted({c for c in order if c not in ids})
        problems = []
        if missing:
            problems.append("mangler " + ", ".join(missing))
        if twice:
            problems.append("står flere gange: " + ", ".join(twice))
        if unknown:
            problems.append("ukendt: " + ", ".join(unknown)[:200])
        raise RoundError("Rækkefølgen skal nævne hvert kriterium én gang (" + "; ".join(problems) + ").")
    _check_known(ratings, ids)
    values = {cid: _number(ratings.get(cid), names[cid]) for cid in ids}
    first = order[0]
    if abs(values[first] - 100.0) > 1e-9:
        raise RoundError(f"Det vigtigste sving ({names[first]}) har 100 point; de andre vurderes i forhold til det.")
    for before, after in itertools.pairwise(order):
        if values[after] > 100.0:
            raise RoundError(f"Point for {names[after]} skal være mellem 0 og 100.")
        if values[after] > values[before]:
            raise RoundError(
                f"{names[after]} har flere point ({values[after]:g}) end {names[before]} ({values[before]:g}), "
                "som står før i rækkefølgen. Ret rækkefølgen eller pointene."
            )
    total = sum(values.values())
    return {cid: v / total for cid, v in values.items()}


def swing_order(ratings: Mapping[str, float], ids: Sequence[str]) -> list[str]:
    """The order that swing ratings imply (highest first; ties keep the criteria's own order)."""
    return sorted(ids, key=lambda cid: (-float(ratings.get(cid, 0.0)), ids.index(cid)))


def group_weights(rows: np.ndarray, ids: Sequence[str], method: str = MEAN) -> tuple[dict[str, float], str]:
    """The group's weights from the participants' normalised weights (rows: participants × criteria), and the
    method used: the median falls back to the mean when every criterion's median is 0."""
    if rows.ndim != 2 or rows.shape[0] == 0:
        raise RoundError("Ingen deltagere har svaret endnu, så der er intet grupperesultat.")
    used = method
    # Each criterion's column sorted: a float sum depends on the order of its terms, and the group's weights
    # (and so its ranking, ties included) must not depend on the order the participants are numbered in.
    rows = np.sort(rows, axis=0)
    if method == MEAN:
        combined = rows.mean(axis=0)
    elif method == MEDIAN:
        combined = np.median(rows, axis=0)
        if combined.sum() <= 0:  # every criterion's median is 0 (each put everything on another criterion)
            combined, used = rows.mean(axis=0), MEAN
    else:
        raise RoundError(f"Ukendt måde at samle vægtene på: '{str(method)[:40]}'; brug 'mean' eller 'median'.")
    return {cid: float(v) for cid, v in zip(ids, combined / combined.sum(), strict=True)}, used
