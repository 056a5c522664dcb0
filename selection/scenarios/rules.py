"""Exclusion rules (screening before scoring): what they are, how they read in Danish, which areas they exclude.

A rule is data (``Rule``); ``parse_rule`` checks one against the criteria model, ``describe`` says it
in Danish, ``screen`` returns the excluded areas with the reason for each. An area fails a rule when
the value it is screened on is missing: a rule can only be passed on known data. A value equal to
the threshold passes (``min`` and ``max`` are inclusive).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from selection.data.criteria import CriteriaModel
from selection.data.dataset import LIST_CONFIDENCES, Dataset
from selection.data.status import LIST_CONFIDENCE_LABELS
from selection.geo.actor_presence import actor_distances
from selection.limits import MAX_DISTANCE_M
from selection.text.formatting import compact

LIST_STATUS = "list_status"
MIN_SCORE = "min_score"
MIN_VALUE = "min_value"
MAX_VALUE = "max_value"
ACTOR_SECTOR = "actor_sector"
RULE_KINDS = (LIST_STATUS, MIN_SCORE, MIN_VALUE, MAX_VALUE, ACTOR_SECTOR)
KIND_LABELS = {
    LIST_STATUS: "Krævet listestatus",
    MIN_SCORE: "Mindste kriteriescore",
    MIN_VALUE: "Mindste indikatorværdi",
    MAX_VALUE: "Største indikatorværdi",
    ACTOR_SECTOR: "Krævet aktørsektor inden for en afstand",
}
MAX_RULES = 20
MAX_NUMBER = 1e9


class RuleError(ValueError):
    """A rule that cannot be used (Danish message)."""


@dataclass(frozen=True)
class Rule:
    """One exclusion rule. ``target``: criterion, indicator or sector id; ``value``: threshold or metres."""

    kind: str
    target: str = ""
    value: float = 0.0
    allowed: tuple[str, ...] = ()  # list statuses an area may have (LIST_STATUS only)

    def to_dict(self) -> dict[str, Any]:
        """The rule as plain JSON data (the form ``parse_rule`` reads)."""
        if self.kind == LIST_STATUS:
            return {"kind": self.kind, "allowed": list(self.allowed)}
        if self.kind == MIN_SCORE:
            return {"kind": self.kind, "criterion": self.target, "min": self.value}
        if self.kind == ACTOR_SECTOR:
            return {"kind": self.kind, "sector": self.target, "distance_m": self.value}
        return {"kind": self.kind, "indicator": self.target, ("min" if self.kind == MIN_VALUE else "max"): self.value}


def _number(raw: object, what: str, low: float = -MAX_NUMBER, high: float = MAX_NUMBER) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise RuleError(f"{what} skal være et tal.")
    value = float(raw)
    if not math.isfinite(value) or not low <= value <= high:
        raise RuleError(f"{what} skal være et tal mellem {compact(low)} og {compact(high)}.")
    return value


def parse_rule(raw: object, model: CriteriaModel) -> Rule:
    """A rule from its JSON form, checked against the model; RuleError (Danish) if it cannot be used."""
    if not isinstance(raw, Mapping):
        raise RuleError("En regel skal være et JSON-objekt med 'kind'.")
    kind = raw.get("kind")
    if kind not in RULE_KINDS:
        raise RuleError(f"Ukendt regeltype {str(kind)[:40]!r}; kendte typer: {', '.join(RULE_KINDS)}.")
    expected = set(Rule(kind).to_dict())
    if unknown := sorted(set(map(str, raw)) - expected):
        raise RuleError(f"Reglen '{KIND_LABELS[kind]}' har ukendte felter: {', '.join(u[:40] for u in unknown)}.")
    if missing := sorted(expected - set(raw)):
        raise RuleError(f"Reglen '{KIND_LABELS[kind]}' mangler: {', '.join(missing)}.")
    if kind == LIST_STATUS:
        allowed = raw["allowed"]
        if not isinstance(allowed, list) or not allowed or any(a not in LIST_CONFIDENCES for a in allowed):
            raise RuleError(f"Krævet listestatus skal være en ikke-tom liste af: {', '.join(LIST_CONFIDENCES)}.")
        return Rule(kind, allowed=tuple(c for c in LIST_CONFIDENCES if c in allowed))
    if kind == MIN_SCORE:
        cid = raw["criterion"]
        if cid not in model.criterion_ids:
            raise RuleError(f"Ukendt kriterium {str(cid)[:40]!r} i reglen om mindste score.")
        return Rule(kind, cid, _number(raw["min"], "Mindste score", 0, 100))
    if kind == ACTOR_SECTOR:
        sid = raw["sector"]
        if sid not in model.sector_labels:
            raise RuleError(f"Ukendt aktørsektor {str(sid)[:40]!r} i reglen om aktører.")
        return Rule(kind, sid, _number(raw["distance_m"], "Afstanden til aktører (m)", 0, MAX_DISTANCE_M))
    iid = raw["indicator"]
    if iid not in {i.id for i in model.indicators}:
        raise RuleError(f"Ukendt indikator {str(iid)[:40]!r} i reglen om indikatorværdi.")
    return Rule(kind, iid, _number(raw["min" if kind == MIN_VALUE else "max"], "Grænsen for indikatorværdien"))


def parse_rules(raw: object, model: CriteriaModel) -> tuple[Rule, ...]:
    """A list of rules (at most MAX_RULES; duplicates dropped, order kept)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleError("Reglerne skal være en liste.")
    if len(raw) > MAX_RULES:
        raise RuleError(f"Højst {MAX_RULES} udelukkelsesregler (fik {len(raw)}).")
    rules: list[Rule] = []
    for k, item in enumerate(raw, start=1):
        try:
            rule = parse_rule(item, model)
        except RuleError as exc:
            raise RuleError(f"Regel {k}: {exc}") from None
        if rule not in rules:
            rules.append(rule)
    return tuple(rules)


def _unit(model: CriteriaModel, indicator_id: str) -> str:
    unit = model.indicator(indicator_id).unit
    return f" {unit}" if unit else ""


def _digits(threshold: float) -> int:
    """Decimals that show a threshold as the planner set it (at least 1, at most 6): 40.25 -> 2."""
    for digits in range(1, 6):
        if round(threshold, digits) == threshold:
            return digits
    return 6


def _at(value: float, threshold: float) -> str:
    """A value or a threshold, with as many decimals as the threshold needs (so 40.2 < 40.25 reads so)."""
    return compact(value, _digits(threshold))


def _metres(distance_m: float) -> str:
    """A distance in whole metres, or with the decimals the planner gave (0.5 m is not '0 m')."""
    return compact(distance_m, 0) if float(distance_m).is_integer() else _at(distance_m, distance_m)


def describe(rule: Rule, model: CriteriaModel) -> str:
    """The rule in Danish words, e.g. 'Mindst én aktør fra Sprogskole inden for 500 m'."""
    if rule.kind == LIST_STATUS:
        labels = [LIST_CONFIDENCE_LABELS.get(a, a) for a in rule.allowed]
        return "Kun områder med listestatus " + " eller ".join(labels)
    if rule.kind == MIN_SCORE:
        return f"Score for {model.criterion(rule.target).label} mindst {_at(rule.value, rule.value)} (0–100)"
    if rule.kind == ACTOR_SECTOR:
        return f"Mindst én aktør fra {model.sector_labels[rule.target]} inden for {_metres(rule.value)} m"
    label = model.indicator(rule.target).label
    word = "mindst" if rule.kind == MIN_VALUE else "højst"
    return f"{label} {word} {_at(rule.value, rule.value)}{_unit(model, rule.target)}"


def _areas_with_sector(dataset: Dataset, sector: str, distance_m: float) -> set[str]:
    actors = dataset.actors[dataset.actors["sector"] == sector] if len(dataset.actors) else dataset.actors
    return set(actor_distances(dataset.areas, actors, distance_m)["area_id"]) if len(actors) else set()


def _failures(rule: Rule, dataset: Dataset, matrix: pd.DataFrame, scores: pd.DataFrame) -> dict[str, str]:
    """area_id -> why the area fails this one rule (areas that pass are left out)."""
    model = dataset.model
    out: dict[str, str] = {}
    if rule.kind == LIST_STATUS:
        for aid, conf in dataset.areas["list_confidence"].items():
            if conf not in rule.allowed:
                out[str(aid)] = f"listestatus er {LIST_CONFIDENCE_LABELS.get(str(conf), str(conf))}"
        return out
    if rule.kind == ACTOR_SECTOR:
        near = _areas_with_sector(dataset, rule.target, rule.value)
        label = model.sector_labels[rule.target]
        return {
            str(a): f"ingen aktør fra {label} inden for {_metres(rule.value)} m"
            for a in dataset.area_ids
            if a not in near
        }
    if rule.kind == MIN_SCORE:
        label = model.criterion(rule.target).label
        column = scores[rule.target] if rule.target in scores else pd.Series(float("nan"), index=dataset.area_ids)
        for aid, value in column.items():
            if pd.isna(value):
                out[str(aid)] = f"score for {label} kan ikke beregnes (mangler data)"
            elif round(float(value), 9) < rule.value:
                out[str(aid)] = f"score for {label} er {_at(value, rule.value)} (under {_at(rule.value, rule.value)})"
        return out
    label = model.indicator(rule.target).label
    unit = _unit(model, rule.target)
    column = matrix[rule.target] if rule.target in matrix else pd.Series(float("nan"), index=dataset.area_ids)
    for aid, value in column.items():
        if pd.isna(value):
            out[str(aid)] = f"{label} mangler en værdi"
        elif rule.kind == MIN_VALUE and float(value) < rule.value:
            out[str(aid)] = f"{label} er {_at(value, rule.value)}{unit} (under {_at(rule.value, rule.value)}{unit})"
        elif rule.kind == MAX_VALUE and float(value) > rule.value:
            out[str(aid)] = f"{label} er {_at(value, rule.value)}{unit} (over {_at(rule.value, rule.value)}{unit})"
    return out


def screen(rules: Sequence[Rule], dataset: Dataset, matrix: pd.DataFrame, scores: pd.DataFrame) -> dict[str, str]:
    """Excluded areas -> the reasons (every failed rule, '; '-joined), in the data set's area order.

    ``matrix`` holds the raw indicator values (area × indicator) and ``scores`` the criterion scores
    (area × criterion, 0–100, NaN without data) at the scenario's sub-weights and actor distance.
    """
    reasons: dict[str, list[str]] = {}
    for rule in rules:
        for aid, why in _failures(rule, dataset, matrix, scores).items():
            reasons.setdefault(aid, []).append(why)
    return {a: "; ".join(reasons[a]) for a in dataset.area_ids if a in reasons}
