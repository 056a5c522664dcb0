"""Compare 2–5 scenarios: each area's rank and score per scenario, top-N counts and one Danish sentence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from selection.ranking.scoring import STATUS_EXCLUDED, ScoreResult
from selection.text.formatting import integer, number

MIN_SCENARIOS = 2
MAX_SCENARIOS = 5
MAX_CHART_LINES = 25  # the rank-change chart: with more areas only those in the top CHART_TOP somewhere get a line
CHART_TOP = 10


@dataclass(frozen=True)
class Comparison:
    """``table``: one row per area (best average rank first); ``ranks``: long form for the rank-change chart."""

    table: pd.DataFrame
    ranks: pd.DataFrame  # scenario, position (0..k-1), area, rank (NaN when not ranked)
    top_counts: dict[str, int]  # area_id -> number of scenarios that put it in the top N
    sentence: str


def chart_ranks(ranks: pd.DataFrame) -> tuple[pd.DataFrame, str, int]:
    """The rank-change chart's rows (``Comparison.ranks``), a sentence saying which areas were left out (empty when
    none) and the lowest rank its axis must reach.

    Up to MAX_CHART_LINES areas every area gets a line and the axis reaches the number of areas; with more, only
    the areas ranked CHART_TOP or better in at least one scenario (2,000 lines and a 2,000-entry legend cannot be
    read) and the axis reaches their lowest rank."""
    areas = ranks["Område"].unique()
    if len(areas) <= MAX_CHART_LINES:
        return ranks, "", max(len(areas), 2)
    keep = ranks.loc[ranks["Rang"].le(CHART_TOP), "Område"].unique()
    lines = ranks[ranks["Område"].isin(keep)]
    shown = lines["Rang"].dropna()
    return (
        lines,
        f"Med {integer(len(areas))} områder har kun de {integer(len(keep))}, der er blandt de {CHART_TOP} øverste "
        "i mindst ét scenarie, en linje; tabellen ovenfor har alle.",
        max(int(shown.max()) if len(shown) else 1, 2),
    )


def _rank_text(rank: float, status: str) -> str:
    if status == STATUS_EXCLUDED:
        return "udelukket"
    return "–" if pd.isna(rank) else str(int(rank))


def compare(rankings: Mapping[str, ScoreResult], top_n: int = 3) -> Comparison:
    """Compare the rankings (label -> result, in the order given; labels must differ)."""
    if not MIN_SCENARIOS <= len(rankings) <= MAX_SCENARIOS:
        raise ValueError(f"Vælg mellem {MIN_SCENARIOS} og {MAX_SCENARIOS} scenarier at sammenligne.")
    labels = list(rankings)
    first = next(iter(rankings.values())).table
    names = dict(zip(first["area_id"], first["name"], strict=True))
    per = {label: r.table.set_index("area_id") for label, r in rankings.items()}
    counts = {
        a: sum(1 for t in per.values() if not pd.isna(t.at[a, "rank"]) and int(t.at[a, "rank"]) <= top_n) for a in names
    }
    mean_rank = {
        a: sum(float(t.at[a, "rank"]) if not pd.isna(t.at[a, "rank"]) else len(names) + 1 for t in per.values())
        / len(per)
        for a in names
    }
    order = sorted(names, key=lambda a: (mean_rank[a], names[a].casefold(), a))
    columns: dict[str, list] = {"Område": [names[a] for a in order]}
    for label, t in per.items():
        columns[f"{label}: rang"] = [_rank_text(t.at[a, "rank"], t.at[a, "status"]) for a in order]
        columns[f"{label}: score"] = [number(t.at[a, "total"]) for a in order]
    columns[f"I top {top_n}"] = [f"{counts[a]} af {len(labels)}" for a in order]
    ranks = pd.DataFrame(
        [
            {
                "Scenarie": label,
                "orden": k,
                "Område": names[a],
                "Rang": float(per[label].at[a, "rank"]) if not pd.isna(per[label].at[a, "rank"]) else None,
            }
            for k, label in enumerate(labels)
            for a in order
        ]
    )
    return Comparison(pd.DataFrame(columns), ranks, counts, sentence(per, names, len(labels), top_n, counts))


def sentence(
    per: Mapping[str, pd.DataFrame], names: Mapping[str, str], k: int, top_n: int, counts: Mapping[str, int]
) -> str:
    """'Hørgården er nr. 1 i 3 af 4 scenarier (Urbanplanen i 1). 2 områder er i top 3 i alle.'"""
    firsts: dict[str, int] = {}
    for t in per.values():
        for a in t.index[t["rank"].fillna(0).astype(int) == 1]:
            firsts[a] = firsts.get(a, 0) + 1
    if not firsts:
        return "Ingen af scenarierne kan rangere nogen områder."
    ranked = sorted(firsts, key=lambda a: (-firsts[a], names[a].casefold()))
    lead = ranked[0]
    text = f"{names[lead]} er nr. 1 i {firsts[lead]} af {k} scenarier"
    if len(ranked) > 1:
        text += " (" + ", ".join(f"{names[a]} i {firsts[a]}" for a in ranked[1:]) + ")"
    always = [a for a in names if counts[a] == k]
    text += f". {len(always)} {'område er' if len(always) == 1 else 'områder er'} i top {top_n} i alle {k}."
    empty = [label for label, t in per.items() if t["rank"].isna().all()]
    if empty:  # e.g. rules that exclude every area: said outright, not only through the counts above
        who = f"Scenariet {empty[0]}" if len(empty) == 1 else f"Scenarierne {', '.join(empty[:-1])} og {empty[-1]}"
        text += f" {who} rangerer ingen områder (reglerne udelukker dem alle, eller data mangler)."
    return text
