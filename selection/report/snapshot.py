"""Freeze one ranking as plain JSON: the data behind it, the assessments, weights, ranking, robustness.

The snapshot is all a report needs (``selection.report.render`` reads nothing else), and it is what
a decision record stores, so a report on a decision shows the data of the day it was taken.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from selection.analysis.critical.priorities import assessment_priorities
from selection.analysis.robustness.report import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    RobustnessReport,
    analyse,
    summaries,
    value_ranges,
)
from selection.analysis.robustness.smaa import ranks_and_rest
from selection.assessments.history import CURRENT_COLUMNS
from selection.data.content_hash import content_hash
from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.data.status import data_status
from selection.ranking.scoring import ScoreResult
from selection.rounds.model import Round, RoundError
from selection.scenarios import Rule, ScenarioSettings, describe, evaluate_settings, excluded_reasons
from selection.scenarios.resolve import scenario_record
from selection.workspace import workspace_of

if TYPE_CHECKING:
    from sqlalchemy import Engine

SNAPSHOT_FORMAT = 1
NOISE_STEP = 1.0  # assessed/illustrative values vary by ± this many scale steps

# Rank acceptability kept per area: ranks 1..8 and, when there are more, the rest summed in a ninth share (what
# the report's table shows). The whole matrix is areas × areas: 52 MB of JSON per decision at 2,000 areas.
ACCEPTABILITY_RANKS_KEPT = 8


def _plain(value: Any) -> Any:
    """A JSON-safe scalar: NaN/NA -> None, numpy numbers -> Python numbers, dates -> ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def noisy_indicators(provenance: pd.DataFrame, dataset: Dataset) -> list[str]:
    """Stored indicators with any assessed or illustrative value: those vary in the uncertainty run."""
    out = []
    for ind in dataset.model.indicators:
        prov = provenance[provenance["indicator_id"] == ind.id]
        if not ind.computed and len(prov) and bool((prov["kind"] != "sourced").any()):
            out.append(ind.id)
    return out


def take_snapshot(
    dataset: Dataset,
    weights: Mapping[str, float] | None = None,
    top_n: int = 3,
    *,
    sub_weights: Mapping[str, float] | None = None,
    distance_m: float | None = None,
    assessments: pd.DataFrame | None = None,
    versions: Mapping[tuple[str, str], int] | None = None,
    package_hash: str | None = None,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    taken_at: datetime | None = None,
    rules: Sequence[Rule] = (),
    scenario: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as JSON-safe data.

    ``dataset`` is the data set as ranked (assessments applied); ``assessments`` are the stored
    entries in force (``current_assessments``), ``versions`` each assessed value's version and
    ``package_hash`` the hash of the package before assessments were applied. ``rules`` exclude areas
    exactly as the app and ``rank --scenario`` do (``evaluate_settings``); ``scenario`` names the
    scenario the settings came from (``scenario_record``; None: unsaved settings).
    """
    if top_n < 1:
        raise ValueError("Antal områder i toppen skal være mindst 1.")
    model = dataset.model
    settings = as_settings(dataset, weights, sub_weights, distance_m, rules)
    perf, result = evaluate_settings(dataset, settings)
    excluded = excluded_reasons(result)
    weighted = [i.id for c in model.criteria if result.weights[c.id] > 0 for i in c.indicators]
    status = data_status(dataset, perf.provenance, weighted)
    labels = {c.id: c.label for c in model.criteria}
    indicator_labels = {i.id: i.label for i in model.indicators}
    areas = dataset.areas
    snapshot: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "taken_at": (taken_at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
        "dataset": {
            "name": str(dataset.meta.get("name", "")),
            "version": dataset.version,
            "purpose": str(dataset.meta.get("purpose") or dataset.meta.get("description") or ""),
            "municipality": str(dataset.meta.get("municipality", "")),
            "content_hash": package_hash or content_hash(dataset),
        },
        "top_n": int(top_n),
        "criteria": [
            {
                "id": c.id,
                "label": c.label,
                "weight": float(result.weights[c.id]),
                "description": c.description,
                "indicators": [
                    {
                        "id": i.id,
                        "label": i.label,
                        "unit": i.unit,
                        "values": i.values,  # "yes_no": the report prints 'ja'/'nej'
                        "direction": i.direction,
                        "scale": [i.scale_min, i.scale_max],
                        "assessment": i.assessment,
                        "computed": i.computed,
                        "register_rule": dict(i.register_rule) if i.register_rule is not None else None,
                        "sub_weight": float(result.sub_weights.get(i.id, 0.0)),
                    }
                    for i in c.indicators
                ],
            }
            for c in model.criteria
        ],
        "actor_distance_m": float(settings.distance_m),
        "scenario": {**scenario_record(None), **(scenario or {})},
        "rules": [{"rule": r.to_dict(), "text": describe(r, model)} for r in settings.rules],
        "n_excluded": len(excluded),
        "areas": [
            {
                "id": str(aid),
                "name": str(row["name"]),
                "bydel": _plain(row.get("bydel")),
                "list_confidence": _plain(row.get("list_confidence")),
                "geometry_quality": _plain(row.get("geometry_quality")),
                "geometry": row.geometry.__geo_interface__ if row.geometry is not None else None,
            }
            for aid, row in areas.iterrows()
        ],
        "values": [
            {
                "area_id": r["area_id"],
                "indicator_id": r["indicator_id"],
                "indicator": indicator_labels.get(r["indicator_id"], r["indicator_id"]),
                "value": _plain(r["value"]),
                "kind": _plain(r["kind"]),
                "source": _plain(r.get("source")) or "",
                "note": _plain(r.get("note")) or "",
            }
            for r in perf.provenance.to_dict("records")
        ],
        "assessments": _assessment_rows(assessments),
        "assessment_versions": {f"{a}\t{i}": int(v) for (a, i), v in (versions or {}).items()},
        "ranking": [
            {
                "rank": _plain(r["rank"]),
                "area_id": r["area_id"],
                "name": r["name"],
                "total": _plain(r["total"]),
                "status": r["status"],
                "missing": [indicator_labels.get(m, m) for m in r["missing"]],
                "excluded": excluded.get(r["area_id"], ""),
                "scores": {c: _plain(r[f"{c}_score"]) for c in labels},
                "contributions": {c: _plain(r[f"{c}_contribution"]) for c in labels},
            }
            for r in result.table.to_dict("records")
        ],
        "status": {
            "n_areas": status.n_areas,
            "list_confidence": {k: int(v) for k, v in status.list_confidence.items()},
            "geometry_quality": {k: int(v) for k, v in status.geometry_quality.items()},
            "value_kinds": status.value_kinds,
            "n_missing": status.n_missing,
        },
        "robustness": _robustness(result, dataset, perf, n_samples, seed, top_n),
        "priorities": _priorities(result, dataset, perf, top_n),
    }
    return json.loads(json.dumps(snapshot, ensure_ascii=False, allow_nan=False))  # exactly what a store returns


PRIORITY_COLUMNS = {
    "Prioritet": "priority",
    "Område": "area",
    "Indikator": "indicator",
    "Nuværende værdi": "value",
    "Enhed": "unit",
    "Værditype": "kind",
    "Ændrer": "effect",
    "Betingelse": "condition",
    "Hvad sker der": "what",
    "Sætning": "sentence",
}


def as_settings(
    dataset: Dataset,
    weights: Mapping[str, float] | None,
    sub_weights: Mapping[str, float] | None,
    distance_m: float | None,
    rules: Sequence[Rule] = (),
) -> ScenarioSettings:
    """The scenario settings a snapshot ranks with (the data package's defaults where None)."""
    model = dataset.model
    return ScenarioSettings(
        dict(model.default_weights if weights is None else weights),
        dict(model.default_sub_weights if sub_weights is None else sub_weights),
        float(model.actor_distance_m if distance_m is None else distance_m),
        tuple(rules),
    )


def _priorities(result: ScoreResult, dataset: Dataset, perf: Performance, top_n: int) -> list[dict[str, Any]]:
    """The assessment priority list (``selection.analysis.critical.priorities``): values whose plausible range
    can change nr. 1 or the top N, most decisive first."""
    table = assessment_priorities(
        perf.matrix, dataset.model, result, perf.provenance, dataset.areas["name"].to_dict(), top_n
    )
    return [{key: _plain(rec[col]) for col, key in PRIORITY_COLUMNS.items()} for rec in table.to_dict("records")]


def _assessment_rows(assessments: pd.DataFrame | None) -> list[dict[str, Any]]:
    if assessments is None or assessments.empty:
        return []
    rows = assessments[[c for c in CURRENT_COLUMNS if c in assessments.columns]].sort_values(
        ["area_id", "indicator_id", "id"]
    )
    return [{k: _plain(v) for k, v in rec.items()} for rec in rows.to_dict("records")]


def _robustness(
    result: ScoreResult, dataset: Dataset, perf: Performance, n_samples: int, seed: int, top_n: int
) -> dict[str, Any] | None:
    """SMAA with weights only and with weights plus value uncertainty; stability intervals; sentences."""
    model = dataset.model
    labels = {c.id: c.label for c in model.criteria}
    try:
        weights_only = analyse(result, model, perf.matrix, n_samples, seed)
    except ValueError:
        return None  # nothing ranked, or no weighted criterion with data
    noisy = noisy_indicators(perf.provenance, dataset)
    with_values = (
        analyse(
            result,
            model,
            perf.matrix,
            n_samples,
            seed,
            noisy_indicators=noisy,
            step=NOISE_STEP,
            value_ranges=value_ranges(dataset.values),
        )
        if noisy
        else None
    )
    names = dataset.areas["name"].to_dict()
    shortlisted = result.top(top_n)["area_id"].tolist()

    def smaa_part(report: RobustnessReport) -> dict[str, Any]:
        # later ranks summed, as the report shows them (not areas² numbers)
        acc = ranks_and_rest(report.smaa.acceptability.to_numpy(dtype=float), ACCEPTABILITY_RANKS_KEPT)
        return {
            "acceptability": {
                str(a): [float(x) for x in row] for a, row in zip(report.smaa.acceptability.index, acc, strict=True)
            },
            "first": {str(a): float(p) for a, p in report.smaa.first_rank.items()},
            "max_std_error": float(report.smaa.max_std_error),
        }

    return {
        "n_samples": int(n_samples),
        "seed": int(seed),
        "noise_step": NOISE_STEP,
        "left_out": [labels[c] for c in weights_only.left_out],
        "noisy_indicators": [model.indicator(i).label for i in noisy],
        "weights_only": smaa_part(weights_only),
        "with_values": smaa_part(with_values) if with_values is not None else None,
        "stability": [{k: _plain(v) for k, v in rec.items()} for rec in weights_only.stability.to_dict("records")],
        "sentences": summaries(weights_only, names, labels, shortlisted),
    }


def snapshot_from_store(
    dataset: Dataset,
    engine: Engine | None,
    weights: Mapping[str, float] | None = None,
    top_n: int = 3,
    method: str = "median",
    compare_with: Sequence[tuple[str, ScenarioSettings]] = (),
    weighting_round: Round | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Snapshot of ``dataset`` (as loaded, without assessments) with the store's assessments applied.

    ``compare_with`` (2–5 named settings, the snapshot's own first) adds the scenario comparison;
    ``weighting_round`` (a revealed round of ``engine``) adds the section "Styregruppens vægtning"
    (``selection.report.weighting.round_part``; RoundError if it cannot be shown).
    """
    workspace = workspace_of(dataset, engine, method)
    snapshot = take_snapshot(
        workspace.dataset,
        weights,
        top_n,
        assessments=workspace.assessments,
        versions=workspace.versions,
        package_hash=content_hash(workspace.package),
        **options,
    )
    from selection.report.registers_part import register_part

    ranked = [r["area_id"] for r in snapshot["ranking"] if r["rank"] is not None]
    part = register_part(workspace, ranked, top_n)
    if part is not None:
        snapshot["registers"] = json.loads(json.dumps(part, ensure_ascii=False, allow_nan=False))
    if compare_with:
        from selection.report.comparison import comparison_part

        snapshot["comparison"] = comparison_part(workspace.dataset, compare_with, top_n)
    if weighting_round is not None:
        from selection.report.weighting import round_part

        if engine is None:
            raise RoundError(f"Der er ingen vægtningsrunde nr. {weighting_round.id} (der er ingen database).")
        part = round_part(engine, weighting_round, workspace.dataset)
        snapshot["round"] = json.loads(json.dumps(part, ensure_ascii=False, allow_nan=False))
    return snapshot
