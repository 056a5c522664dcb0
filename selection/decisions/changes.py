"""What has changed since a decision: the data package, the assessments, the ranking with the same weights."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from selection.data.content_hash import content_hash
from selection.data.dataset import Dataset
from selection.decisions.model import Decision
from selection.errors import WeightError
from selection.registers.in_force import register_fingerprint
from selection.text.formatting import compact
from selection.workspace import Workspace, workspace_of

MAX_NAMED = 5


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _register_changes(snapshot: dict, in_use: Workspace) -> list[str]:
    """Lines on the registers: changed records, and the computed values that differ (the first MAX_NAMED)."""
    then = snapshot.get("registers") or {}
    if in_use.registers is None:
        return ["Kriterierne bruger ikke længere registrene."] if then else []
    if then and then.get("fingerprint") == register_fingerprint(in_use.registers):
        return []
    lines = ["Registrene over indsatser og aktører er ændret siden beslutningen." if then else ""]
    computed = set(in_use.computed)
    before = {
        (v["area_id"], v["indicator_id"]): v["value"]
        for v in snapshot.get("values", [])
        if v["indicator_id"] in computed
    }
    now = {(a, iid): r.value for iid, c in in_use.computed.items() for a, r in c.results.items() if r.value is not None}
    moved = sorted(k for k in set(before) | set(now) if _differs(before.get(k), now.get(k)))
    if moved:
        names = {a["id"]: a["name"] for a in snapshot.get("areas", [])}
        labels = {i["id"]: i["label"] for c in snapshot.get("criteria", []) for i in c["indicators"]}
        named = ", ".join(
            f"{names.get(a, a)}: {labels.get(i, i)} {_value(before.get((a, i)))} → {_value(now.get((a, i)))}"
            for a, i in moved[:MAX_NAMED]
        )
        more = " m.fl." if len(moved) > MAX_NAMED else ""
        lines.append(f"{_count(len(moved), 'værdi', 'værdier')} beregnet fra registrene er ændret ({named}{more}).")
    return [line for line in lines if line]


def _differs(a: object, b: object) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(float(a) - float(b)) > 1e-9  # type: ignore[arg-type]


def _value(v: object) -> str:
    return "ingen registreringer" if v is None else compact(float(v), 2)  # type: ignore[arg-type]


def changes_since(decision: Decision, dataset: Dataset, engine: Engine | None) -> list[str]:
    """Danish lines on what differs today from the decision's snapshot (empty: nothing changed).

    ``dataset`` is today's package as loaded (without assessments); ``engine`` the assessment store.
    """
    from selection.scenarios import ScenarioSettings, evaluate_settings
    from selection.scenarios.rules import RuleError, parse_rules

    snapshot = decision.snapshot or {}
    lines: list[str] = []
    then = snapshot.get("dataset", {})
    if content_hash(dataset) != then.get("content_hash"):
        if dataset.version != then.get("version"):
            lines.append(f"Datapakken er skiftet fra version {then.get('version')} til {dataset.version}.")
        else:
            lines.append(f"Datapakkens indhold er ændret (stadig version {dataset.version}).")
    in_use = workspace_of(dataset, engine)
    shown = in_use.dataset
    if engine is not None:
        before = {tuple(k.split("\t", 1)): v for k, v in snapshot.get("assessment_versions", {}).items()}
        now = in_use.versions
        changed = sorted(k for k in set(before) | set(now) if before.get(k, 0) != now.get(k, 0))
        if changed:
            names = {a["id"]: a["name"] for a in snapshot.get("areas", [])}
            labels = {i["id"]: i["label"] for c in snapshot.get("criteria", []) for i in c["indicators"]}
            named = ", ".join(f"{names.get(a, a)}: {labels.get(i, i)}" for a, i in changed[:MAX_NAMED])
            more = " m.fl." if len(changed) > MAX_NAMED else ""
            lines.append(
                f"{_count(len(changed), 'vurdering', 'vurderinger')} er ændret siden beslutningen ({named}{more})."
            )
    lines += _register_changes(snapshot, in_use)
    weights = {c["id"]: c["weight"] for c in snapshot.get("criteria", [])}
    subs = {i["id"]: i["sub_weight"] for c in snapshot.get("criteria", []) for i in c["indicators"]}
    distance = snapshot.get("actor_distance_m")
    try:  # the decision's own settings: its weights AND its exclusion rules, ranked as the snapshot was
        rules = parse_rules([r["rule"] for r in snapshot.get("rules", [])], shown.model)
        settings = ScenarioSettings(
            weights, subs, float(shown.model.actor_distance_m if distance is None else distance), rules
        )
        _, result = evaluate_settings(shown, settings)
    except (WeightError, KeyError, RuleError):
        lines.append("Kriterierne er ændret, så rangeringen kan ikke genberegnes med de samme vægte og regler.")
        return lines
    then_rank = {r["area_id"]: r["rank"] for r in snapshot.get("ranking", [])}
    today = dict(zip(result.table["area_id"], result.table["rank"], strict=True))
    chosen = decision.chosen_area_id
    old, new = then_rank.get(chosen), today.get(chosen)
    new = None if new is None or pd.isna(new) else int(new)
    name = next((a["name"] for a in snapshot.get("areas", []) if a["id"] == chosen), chosen)
    if old != new:
        now_text = f"nr. {new}" if new is not None else "ikke rangeret"
        was_text = f"nr. {old}" if old is not None else "ikke rangeret"
        same = "vægte og regler" if snapshot.get("rules") else "vægte"
        lines.append(f"Med de samme {same} er {name} i dag {now_text} (var {was_text}).")
    return lines
