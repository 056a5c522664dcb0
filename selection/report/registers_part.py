"""The report's part on the values computed from the registers: each rule with its parameters and two sentences,
and for the best-ranked areas every record that counted and what it contributed (bounded: a report never lists
more than ``MAX_AREAS`` areas × ``MAX_RECORDS`` records; the rest are counted)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from selection.registers.in_force import register_fingerprint
from selection.registers.rules import explain, rule_to_json
from selection.workspace import Workspace

MAX_AREAS = 10
MAX_RECORDS = 10


def register_part(workspace: Workspace, ranked_area_ids: Sequence[str], top_n: int) -> dict[str, Any] | None:
    """JSON-safe: the rules, the records in force counted, and per area of the first ``max(top_n, 5)`` (at most
    MAX_AREAS) every register value with its provenance and counted records. None: no register rule."""
    registers = workspace.registers
    if registers is None or not workspace.computed:
        return None
    model = workspace.dataset.model
    names = workspace.dataset.areas["name"].to_dict()
    areas = list(ranked_area_ids)[: min(max(int(top_n), 5), MAX_AREAS)]
    stored = sum(not e.from_package for e in registers.initiatives) + sum(not e.from_package for e in registers.actors)
    rows = []
    for aid in areas:
        for iid, c in workspace.computed.items():
            result = c.results.get(aid)
            if result is None:
                continue
            counted = [x.text for x in result.contributions if x.counted]
            rows.append(
                {
                    "area_id": aid,
                    "area": str(names.get(aid, aid)),
                    "indicator_id": iid,
                    "indicator": model.indicator(iid).label,
                    "value": result.value,
                    "value_text": result.value_text(2),
                    "provenance": result.provenance,
                    "summary": result.summary,
                    "counted": counted[:MAX_RECORDS],
                    "n_counted": len(counted),
                    "n_considered": len(result.contributions),
                }
            )
    return {
        "rules": [
            {
                "indicator_id": iid,
                "indicator": model.indicator(iid).label,
                "text": explain(c.rule, registers.vocabulary),
                "rule": rule_to_json(c.rule),
            }
            for iid, c in workspace.computed.items()
        ],
        "n_initiatives": len(registers.initiatives),
        "n_actors": len(registers.actors),
        "n_changed_in_app": stored,
        "on": registers.today.isoformat(),
        "fingerprint": register_fingerprint(registers),
        "problems": list(registers.problems),
        "areas": rows,
        "n_areas_ranked": len(ranked_area_ids),
    }
