"""What a scenario fixes: main weights, sub-weights, actor distance, exclusion rules, robustness settings.

``parse_settings`` reads the plain JSON form (stored scenarios, ``scenarios.json``, ``scenario import``,
links) against the criteria model and refuses anything it cannot use with a Danish
``ScenarioError``; ``ScenarioSettings.to_dict`` writes the same form back (a round trip).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from selection.analysis.robustness.report import DEFAULT_SAMPLES, DEFAULT_SEED
from selection.data.criteria import CriteriaModel
from selection.limits import MAX_DISTANCE_M, MAX_SMAA_SAMPLES, MAX_WEIGHT
from selection.scenarios.rules import Rule, RuleError, parse_rules
from selection.text.formatting import compact

MIN_SAMPLES = 1000
MAX_SEED = 2**31 - 1
MAX_MARGIN_PP = 50
SETTINGS_FIELDS = ("weights", "sub_weights", "distance_m", "rules", "robustness")


class ScenarioError(ValueError):
    """A scenario (or its settings) that cannot be used or saved (Danish message; nothing was written)."""


@dataclass(frozen=True)
class Robustness:
    """The robustness view's settings (SMAA weightings, seed, margin, varying values, planners' order)."""

    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    margin_pp: int = 0  # 0 = no limit around the current weights
    vary_values: bool = True
    order: tuple[str, ...] | None = None  # criteria ids, most important first

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "seed": self.seed,
            "margin_pp": self.margin_pp,
            "vary_values": self.vary_values,
            "order": list(self.order) if self.order else None,
        }


@dataclass(frozen=True)
class ScenarioSettings:
    """A complete, validated weighting (weights as given: only their proportions matter)."""

    weights: dict[str, float]
    sub_weights: dict[str, float]
    distance_m: float
    rules: tuple[Rule, ...] = ()
    robustness: Robustness = field(default_factory=Robustness)

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights": dict(self.weights),
            "sub_weights": dict(self.sub_weights),
            "distance_m": self.distance_m,
            "rules": [r.to_dict() for r in self.rules],
            "robustness": self.robustness.to_dict(),
        }

    def key(self) -> str:
        """A canonical text of the settings (equal settings, equal key): for caches and comparisons."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)


def default_settings(model: CriteriaModel) -> ScenarioSettings:
    """The data package's own weights, sub-weights and actor distance, no rules."""
    return ScenarioSettings(model.default_weights, model.default_sub_weights, float(model.actor_distance_m))


def _number(raw: object, what: str, low: float, high: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise ScenarioError(f"{what} skal være et tal (fik {str(raw)[:40]!r}).")
    try:
        value = float(raw)
    except OverflowError:  # an integer with hundreds of digits
        value = math.inf
    if not math.isfinite(value) or not low <= value <= high:
        raise ScenarioError(f"{what} skal være mellem {compact(low)} og {compact(high, 0)} (fik {str(raw)[:40]}).")
    return value


def _weights(raw: object, known: Mapping[str, float], what: str, *, need_positive: bool) -> dict[str, float]:
    if raw is None:
        return dict(known)
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{what} skal være et JSON-objekt (id: vægt).")
    if unknown := sorted(set(map(str, raw)) - set(known)):
        raise ScenarioError(
            f"{what}: ukendt id {', '.join(repr(u[:40]) for u in unknown[:5])}. Kendte: {', '.join(known)}."
        )
    out = {k: _number(raw[k], f"{what} for '{k}'", 0, MAX_WEIGHT) if k in raw else float(v) for k, v in known.items()}
    if need_positive and sum(out.values()) <= 0:
        raise ScenarioError("Alle vægte er 0. Sæt mindst ét kriterium over 0.")
    return out


def _whole(raw: object, what: str, low: int, high: int) -> int:
    value = _number(raw, what, low, high)
    if not value.is_integer():
        raise ScenarioError(f"{what} skal være et helt tal (fik {str(raw)[:40]}).")
    return int(value)


def parse_robustness(raw: object, model: CriteriaModel) -> Robustness:
    if raw is None:
        return Robustness()
    if not isinstance(raw, Mapping):
        raise ScenarioError("Robusthedsindstillingerne skal være et JSON-objekt.")
    if unknown := sorted(set(map(str, raw)) - set(Robustness().to_dict())):
        raise ScenarioError(f"Robusthed: ukendte felter {', '.join(u[:40] for u in unknown[:5])}.")
    base = Robustness()
    order = raw.get("order")
    if order is not None:
        if (
            not isinstance(order, list)
            or len(set(map(str, order))) != len(order)
            or any(c not in model.criterion_ids for c in order)
            or len(order) < 2
        ):
            raise ScenarioError("Robusthed: rækkefølgen skal være mindst to forskellige kriterie-id'er.")
        order = tuple(order)
    vary = raw.get("vary_values", base.vary_values)
    if not isinstance(vary, bool):
        raise ScenarioError("Robusthed: 'vary_values' skal være true eller false.")
    return Robustness(
        samples=_whole(raw.get("samples", base.samples), "Antal vægtninger", MIN_SAMPLES, MAX_SMAA_SAMPLES),
        seed=_whole(raw.get("seed", base.seed), "Startværdien", 0, MAX_SEED),
        margin_pp=_whole(raw.get("margin_pp", base.margin_pp), "Grænsen om de nuværende vægte", 0, MAX_MARGIN_PP),
        vary_values=vary,
        order=order,
    )


def _check_weighted_criteria(
    weights: Mapping[str, float], sub_weights: Mapping[str, float], model: CriteriaModel
) -> None:
    """Refuse what the scoring would refuse: a weighted criterion whose sub-weights are all 0."""
    for crit in model.criteria:
        if weights[crit.id] > 0 and sum(sub_weights[i.id] for i in crit.indicators) <= 0:
            raise ScenarioError(
                f"Alle delvægte for '{crit.label}' er 0, men kriteriet vægter. "
                "Sæt mindst én af dets indikatorer over 0."
            )


def parse_settings(raw: object, model: CriteriaModel) -> ScenarioSettings:
    """Settings from their JSON form; anything left out takes the data package's default."""
    if not isinstance(raw, Mapping):
        raise ScenarioError("Scenariets indstillinger skal være et JSON-objekt.")
    if unknown := sorted(set(map(str, raw)) - set(SETTINGS_FIELDS)):
        raise ScenarioError(f"Ukendte felter i scenariet: {', '.join(u[:40] for u in unknown[:5])}.")
    distance = raw.get("distance_m", float(model.actor_distance_m))
    try:
        rules = parse_rules(raw.get("rules"), model)
    except RuleError as exc:
        raise ScenarioError(str(exc)) from None
    weights = _weights(raw.get("weights"), model.default_weights, "Vægtene", need_positive=True)
    sub_weights = _weights(raw.get("sub_weights"), model.default_sub_weights, "Delvægtene", need_positive=False)
    _check_weighted_criteria(weights, sub_weights, model)
    return ScenarioSettings(
        weights=weights,
        sub_weights=sub_weights,
        distance_m=_number(distance, "Afstanden til aktører (m)", 0, MAX_DISTANCE_M),
        rules=rules,
        robustness=parse_robustness(raw.get("robustness"), model),
    )
