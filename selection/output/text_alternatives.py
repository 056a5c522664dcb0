"""Short Danish text alternatives for the ranking, the map and the charts (read beside them or aloud).

Each function returns one or two plain sentences (no Markdown); the UI shows them through its one
escaping path. Numbers go through ``selection.text.formatting``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from selection.text.formatting import number, percent


def ranking_sentence(table: pd.DataFrame, n: int = 3) -> str:
    """'Rangeringen nu: nr. 1 Urbanplanen (90,3 point), nr. 2 …' for the first ``n`` ranked areas.

    ``table`` is a ranking table (``rank``, ``name``, ``total``; unranked rows have no rank).
    """
    rows = _first_ranked(table, n)
    if not rows:
        return "Ingen områder kan rangeres med de nuværende vægte og data."
    ranks, names, totals = (_cells(table, column, rows) for column in ("rank", "name", "total"))
    parts = [f"nr. {int(r)} {name} ({number(t)} point)" for r, name, t in zip(ranks, names, totals, strict=True)]
    return f"Rangeringen nu: {', '.join(parts)}."


def _first_ranked(table: pd.DataFrame, n: int) -> list[int]:
    """Positions of the first ``n`` rows that have a rank (plain positions: no frame is copied)."""
    return np.flatnonzero(table["rank"].notna().to_numpy())[: max(int(n), 0)].tolist()


def _cells(table: pd.DataFrame, column: str, rows: list[int]) -> list:
    values = table[column].tolist()
    return [values[k] for k in rows]


def contribution_summary(table: pd.DataFrame, labels: Mapping[str, str], n: int = 3) -> str:
    """What the stacked contribution chart shows, for the first ``n`` ranked areas: each area's total and
    the criterion that gives it the most points ('nr. 1 Urbanplanen: 90,3 point, mest fra Vurderet behov (40,0)')."""
    rows = _first_ranked(table, n)
    if not rows:
        return "Diagrammet er tomt: ingen områder kan rangeres."
    ranks, names, totals = (_cells(table, column, rows) for column in ("rank", "name", "total"))
    by_criterion = {cid: _cells(table, f"{cid}_contribution", rows) for cid in labels}
    parts = []
    for k, (rank, name, total) in enumerate(zip(ranks, names, totals, strict=True)):
        contributions = {cid: float(values[k]) for cid, values in by_criterion.items()}
        best = max(contributions, key=lambda c: contributions[c])
        parts.append(
            f"nr. {int(rank)} {name}: {number(total)} point, mest fra {labels[best]} ({number(contributions[best])})"
        )
    return (
        "Diagrammet viser hvert områdes samlede score delt op på kriterierne. "
        + "; ".join(parts)
        + ". Alle tal står i tabellen Rangering."
    )


def acceptability_summary(acceptability: pd.DataFrame, names: Mapping[str, str], n: int = 3) -> str:
    """What the rank heat map shows: how often the most frequent winners are nr. 1.

    ``acceptability`` has one row per area id and one column per rank (shares 0–1).
    """
    if acceptability.empty or 1 not in acceptability.columns:
        return "Varmekortet er tomt: ingen områder kan rangeres."
    first = acceptability[1].sort_values(ascending=False, kind="stable")
    first = first[first > 0].head(max(int(n), 1))
    parts = [f"{names.get(a, a)} i {percent(float(s))}" for a, s in first.items()]
    return (
        "Varmekortet viser, hvor ofte hvert område får hver rang. Oftest nr. 1: "
        + ", ".join(parts)
        + " af de afprøvede vægtninger."
    )


def sweep_summary(sweep: pd.DataFrame, names: Mapping[str, str], label: str, area_ids: Sequence[str]) -> str:
    """What a one-way sweep chart shows: which of ``area_ids`` is nr. 1 over which range of the weight.

    ``sweep`` has the columns ``weight_share`` (0–1), ``area_id`` and ``rank`` (``robustness.weight_sweep``).
    """
    rows = sweep[sweep["area_id"].isin(list(area_ids))]
    if rows.empty:
        return f"Diagrammet for {label} er tomt."
    shares = sorted(rows["weight_share"].unique())
    leaders: list[tuple[str, float, float]] = []  # (leader, from, to) over consecutive shares
    for share in shares:
        at = rows[rows["weight_share"] == share]
        best = at[at["rank"] == 1]["area_id"].tolist()
        leader = names.get(best[0], best[0]) if len(best) == 1 else ("delt nr. 1" if best else "et andet område")
        if leaders and leaders[-1][0] == leader:
            leaders[-1] = (leader, leaders[-1][1], float(share))
        else:
            leaders.append((leader, float(share), float(share)))
    spans = [f"{who} ({percent(lo)}–{percent(hi)})" for who, lo, hi in leaders]
    return f"Nr. 1, når vægten af {label} går fra 0 til 100 %: " + ", ".join(spans) + "."


UNVERIFIED_WORDS = {"inferred": "udledt", "estimate": "kandidat"}


def unverified_leaders(table: pd.DataFrame, list_confidence: Mapping[str, str], n: int = 3) -> str | None:
    """'Nr. 1 Urbanplanen (kandidat) og nr. 3 Tingbjerg (udledt) er ikke verificeret som forebyggelsesområde …'
    for the first ``n`` ranked areas whose place on the state's list is not verified; None when all are."""
    rows = _first_ranked(table, n)
    ranks, ids, names = (_cells(table, column, rows) for column in ("rank", "area_id", "name"))
    found = [
        f"nr. {int(r)} {name} ({UNVERIFIED_WORDS.get(str(list_confidence.get(a)), 'ukendt listestatus')})"
        for r, a, name in zip(ranks, ids, names, strict=True)
        if list_confidence.get(a) != "verified"
    ]
    if not found:
        return None
    who = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " og " + found[-1]
    verb = (
        "er ikke verificeret som forebyggelsesområde"
        if len(found) == 1
        else "er ikke verificeret som forebyggelsesområder"
    )
    return (
        f"{who[0].upper()}{who[1:]} {verb} på statens liste; bekræft listen, før "
        + ("området" if len(found) == 1 else "et af dem")
        + " vælges."
    )
