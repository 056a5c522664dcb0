"""The criteria model: main criteria, their sub-indicators and fixed reference scales.

The model is data (``criteria.json``), never code, so another municipality can define
its own criteria. This module parses and validates that file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selection.errors import DataError, Report, os_reason
from selection.limits import MAX_WEIGHT
from selection.text import json_input
from selection.text.formatting import compact

DIRECTIONS = ("benefit", "cost")
COMPUTED_METHODS = ("sector_coverage",)
VALUE_KINDS = ("decimal", "whole", "yes_no")  # an indicator's "values": any number, whole numbers, 0 = nej / 1 = ja


@dataclass(frozen=True)
class Indicator:
    """A measurable sub-indicator on a fixed reference scale."""

    id: str
    criterion_id: str
    label: str
    description: str
    unit: str
    direction: str  # "benefit": higher is better; "cost": lower is better
    scale_min: float
    scale_max: float
    default_weight: float
    computed: str | None = None  # e.g. "sector_coverage": derived from the actor layer
    assessment: bool = False  # values are local judgements entered by assessors
    anchors: tuple[tuple[float, str], ...] = ()  # (scale point, Danish meaning), ascending
    values: str = "decimal"  # "decimal", "whole" (counts, steps) or "yes_no" (0 = nej, 1 = ja); see VALUE_KINDS
    # computed from the initiative and actor registers by this rule (its JSON as declared; parsed and checked by
    # ``selection.registers.rules.parse_rule``): values come from the registers, never from values.csv
    register_rule: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def from_registers(self) -> bool:
        """The values are computed from the registers (by ``register_rule``)."""
        return self.register_rule is not None

    @property
    def from_file(self) -> bool:
        """The values are stored in the package's values.csv (not computed from the actor layer or registers)."""
        return self.computed is None and self.register_rule is None

    @property
    def whole(self) -> bool:
        """Only whole values are meaningful (counts, steps, yes/no): a critical value is a whole number."""
        return self.values != "decimal"

    def normalise(self, value: float) -> float:
        """Map a raw value onto 0..1 against the fixed scale (1 is always best)."""
        share = (value - self.scale_min) / (self.scale_max - self.scale_min)
        return 1.0 - share if self.direction == "cost" else share

    @property
    def scale_text(self) -> str:
        return f"{_num(self.scale_min)}–{_num(self.scale_max)} {self.unit}".strip()


@dataclass(frozen=True)
class Criterion:
    """A main criterion (e.g. trusted initiatives) made of weighted indicators."""

    id: str
    label: str
    description: str
    default_weight: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Sector:
    """An actor sector counted by the actor-presence indicator."""

    id: str
    label: str


@dataclass(frozen=True)
class CriteriaModel:
    """All criteria, the actor sectors and the default actor distance."""

    criteria: tuple[Criterion, ...]
    sectors: tuple[Sector, ...]
    actor_distance_m: float

    @property
    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    @property
    def indicators(self) -> list[Indicator]:
        return [i for c in self.criteria for i in c.indicators]

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def criterion(self, criterion_id: str) -> Criterion:
        for crit in self.criteria:
            if crit.id == criterion_id:
                return crit
        raise KeyError(criterion_id)

    @property
    def default_weights(self) -> dict[str, float]:
        return {c.id: c.default_weight for c in self.criteria}

    @property
    def default_sub_weights(self) -> dict[str, float]:
        return {i.id: i.default_weight for i in self.indicators}

    @property
    def sector_labels(self) -> dict[str, str]:
        return {s.id: s.label for s in self.sectors}


def _num(x: float) -> str:
    return compact(x, 3)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def load_criteria(path: Path) -> CriteriaModel:
    """Read and validate a criteria file; raise DataError with every problem found."""
    name = path.name
    try:
        raw = json_input.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError("Filen findes ikke.", name) from None
    except UnicodeDecodeError:
        raise DataError("Filen er ikke gemt som UTF-8-tekst.", name) from None
    except json_input.JsonError as exc:
        raise DataError(f"Filen kan ikke bruges: {exc}.", name) from None
    except OSError as exc:
        raise DataError(f"Filen kan ikke læses ({os_reason(exc)}).", name) from None
    return parse_criteria(raw, name)


def parse_criteria(raw: Any, name: str = "criteria.json") -> CriteriaModel:
    """Validate the parsed JSON of a criteria file and build the model."""
    report = Report()
    if not isinstance(raw, dict) or not isinstance(raw.get("criteria"), list) or not raw["criteria"]:
        raise DataError("Filen skal indeholde en liste 'criteria' med mindst ét kriterium.", name)

    sectors = _parse_sectors(raw.get("sectors", []), name, report)
    distance = raw.get("actor_distance_m", 500)
    if not _is_number(distance) or distance < 0:
        report.error(f"'actor_distance_m' skal være et tal ≥ 0 (fik {distance!r}).", name)
        distance = 500

    criteria: list[Criterion] = []
    seen_ids: set[str] = set()
    for c_pos, c_raw in enumerate(raw["criteria"], start=1):
        where = f"kriterium nr. {c_pos}"
        if not isinstance(c_raw, dict):
            report.error("Kriteriet skal være et objekt.", name, where)
            continue
        cid = _text_id(c_raw.get("id"), name, where, seen_ids, report)
        where = f"kriterium '{cid}'"
        weight = _weight(c_raw.get("default_weight", 1), name, where, report)
        indicators: list[Indicator] = []
        ind_list = c_raw.get("indicators")
        if not isinstance(ind_list, list) or not ind_list:
            report.error("Kriteriet skal have mindst én indikator i 'indicators'.", name, where)
            ind_list = []
        for i_pos, i_raw in enumerate(ind_list, start=1):
            ind = _parse_indicator(i_raw, cid, name, f"{where}, indikator nr. {i_pos}", seen_ids, report)
            if ind is not None:
                indicators.append(ind)
        if indicators and sum(i.default_weight for i in indicators) <= 0:
            report.error("Alle indikatorernes standardvægte er 0; mindst én skal være over 0.", name, where)
        criteria.append(
            Criterion(
                id=cid,
                label=str(c_raw.get("label") or cid),
                description=str(c_raw.get("description") or ""),
                default_weight=weight,
                indicators=tuple(indicators),
            )
        )
    if criteria and sum(c.default_weight for c in criteria) <= 0:
        report.error("Alle kriteriernes standardvægte er 0; mindst én skal være over 0.", name)
    if any(i.computed == "sector_coverage" for c in criteria for i in c.indicators) and not sectors:
        report.error("Indikatoren 'sector_coverage' kræver en liste 'sectors'.", name)
    report.raise_if_errors()
    return CriteriaModel(tuple(criteria), tuple(sectors), float(distance))


def _parse_sectors(raw: Any, name: str, report: Report) -> list[Sector]:
    if not isinstance(raw, list):
        report.error("'sectors' skal være en liste.", name)
        return []
    sectors: list[Sector] = []
    seen: set[str] = set()
    for pos, s in enumerate(raw, start=1):
        if not isinstance(s, dict) or not isinstance(s.get("id"), str) or not s["id"].strip():
            report.error("Hver sektor skal have et 'id' (tekst).", name, f"sektor nr. {pos}")
            continue
        if s["id"] in seen:
            report.error(f"Sektor-id '{s['id']}' findes flere gange.", name, f"sektor nr. {pos}")
            continue
        seen.add(s["id"])
        sectors.append(Sector(s["id"], str(s.get("label") or s["id"])))
    return sectors


def _text_id(value: Any, name: str, where: str, seen: set[str], report: Report) -> str:
    if not isinstance(value, str) or not value.strip():
        report.error("Mangler 'id' (tekst).", name, where)
        return f"?{len(seen)}"
    if value in seen:
        report.error(f"Id '{value}' findes flere gange.", name, where)
    seen.add(value)
    return value


def _weight(value: Any, name: str, where: str, report: Report) -> float:
    if not _is_number(value):
        report.error(f"'default_weight' skal være et tal (fik {value!r}).", name, where)
        return 0.0
    if value < 0:
        report.error(f"'default_weight' må ikke være negativ (fik {value}).", name, where)
        return 0.0
    if value > MAX_WEIGHT:  # sums of such weights overflow to infinity and every weight becomes 0
        report.error(f"'default_weight' er for stor (fik {value}); højst {MAX_WEIGHT:g}.", name, where)
        return 0.0
    return float(value)


def _parse_indicator(
    raw: Any, criterion_id: str, name: str, where: str, seen: set[str], report: Report
) -> Indicator | None:
    if not isinstance(raw, dict):
        report.error("Indikatoren skal være et objekt.", name, where)
        return None
    iid = _text_id(raw.get("id"), name, where, seen, report)
    where = f"indikator '{iid}'"
    direction = raw.get("direction", "benefit")
    if direction not in DIRECTIONS:
        report.error(f"'direction' skal være 'benefit' eller 'cost' (fik {direction!r}).", name, where)
    scale = raw.get("scale")
    lo = hi = None
    if not isinstance(scale, dict) or not _is_number(scale.get("min")) or not _is_number(scale.get("max")):
        report.error("'scale' skal have talværdierne 'min' og 'max'.", name, where)
    else:
        lo, hi = float(scale["min"]), float(scale["max"])
        if hi <= lo:
            report.error(f"Skalaens max ({hi}) skal være større end min ({lo}).", name, where)
    computed = raw.get("computed")
    if isinstance(computed, dict):
        computed = computed.get("method")
    if computed is not None and computed not in COMPUTED_METHODS:
        report.error(f"Ukendt beregningsmetode {computed!r}; kendte: {', '.join(COMPUTED_METHODS)}.", name, where)
    weight = _weight(raw.get("default_weight", 1), name, where, report)
    assessment = raw.get("assessment", False)
    if not isinstance(assessment, bool):
        report.error(f"'assessment' skal være true eller false (fik {assessment!r}).", name, where)
        assessment = False
    if assessment and computed is not None:
        report.error("En beregnet indikator kan ikke også være en lokal vurdering ('assessment').", name, where)
    register_rule = raw.get("register_rule")
    if register_rule is not None:
        if not isinstance(register_rule, dict) or not isinstance(register_rule.get("method"), str):
            report.error('\'register_rule\' skal være et objekt som {"method": "initiative_trust", ...}.', name, where)
            register_rule = None
        elif assessment or computed is not None:
            report.error(
                "En indikator, der beregnes fra registrene ('register_rule'), kan ikke også være en lokal vurdering "
                "eller beregnes fra aktørlaget.",
                name,
                where,
            )
    if lo is None or hi is None or hi <= lo or direction not in DIRECTIONS:
        return None
    anchors = _parse_anchors(raw.get("anchors"), lo, hi, name, where, report)
    unit = str(raw.get("unit") or "")
    values = raw.get("values", "yes_no" if (lo, hi) == (0.0, 1.0) and unit.casefold() == "ja/nej" else "decimal")
    if values not in VALUE_KINDS:
        report.error(f"'values' skal være en af {', '.join(VALUE_KINDS)} (fik {values!r}).", name, where)
        return None
    if values == "yes_no" and (lo, hi) != (0.0, 1.0):
        report.error("En ja/nej-indikator ('values': 'yes_no') skal have skalaen 0–1 (0 = nej, 1 = ja).", name, where)
        return None
    return Indicator(
        id=iid,
        criterion_id=criterion_id,
        label=str(raw.get("label") or iid),
        description=str(raw.get("description") or ""),
        unit=str(raw.get("unit") or ""),
        direction=direction,
        scale_min=lo,
        scale_max=hi,
        default_weight=weight,
        computed=computed,
        assessment=assessment,
        anchors=anchors,
        values=values,
        register_rule=register_rule,
    )


def _parse_anchors(
    raw: Any, lo: float, hi: float, name: str, where: str, report: Report
) -> tuple[tuple[float, str], ...]:
    """Read ``{"1": "meaning", ...}``: each key a scale point within [lo, hi], each meaning non-empty text."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        report.error('\'anchors\' skal være et objekt som {"1": "betydning", ...}.', name, where)
        return ()
    anchors: dict[float, str] = {}
    for key, meaning in raw.items():
        try:
            point = float(str(key).strip().replace(",", "."))
        except ValueError:
            report.error(f"Ankerpunktet '{key}' er ikke et tal.", name, where)
            continue
        if not math.isfinite(point) or not lo <= point <= hi:
            report.error(f"Ankerpunktet '{key}' ligger uden for skalaen {_num(lo)}–{_num(hi)}.", name, where)
            continue
        if not isinstance(meaning, str) or not meaning.strip():
            report.error(f"Ankerpunktet '{key}' mangler en betydning (tekst).", name, where)
            continue
        if point in anchors:
            report.error(f"Ankerpunktet '{key}' findes flere gange.", name, where)
            continue
        anchors[point] = meaning.strip()
    return tuple(sorted(anchors.items()))
