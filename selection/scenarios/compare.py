"""Compare 2–5 scenarios: each area's rank and score per scenario, top-N counts and one Danish sentence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from selection.ranking.scoring import STATUS_EXCLUDED, ScoreResult
from selection.scenarios.chart import (  # the chart's rules, shared with the report's figure
    CHART_TOP,
    MAX_CHART_LINES,
    MAX_SCENARIOS,
    LineStyle,
    axis_label,
    drawn_areas,
    line_styles,
)
from selection.text.formatting import integer, number

__all__ = [
    "CHART_TOP",
    "MAX_CHART_LINES",
    "MAX_SCENARIOS",
    "MIN_SCENARIOS",
    "Comparison",
    "RankChart",
    "chart_ranks",
    "compare",
    "rank_chart_spec",
    "sentence",
]

MIN_SCENARIOS = 2
CHART_HEIGHT_PX = 320  # the plot; the legend below it grows with the lines
AXIS_HEIGHT_PX = 60  # the scenarios' names under the plot (up to three lines)
LEGEND_ROW_PX = 22
LEGEND_COLUMNS = 3
NARROW_PX = 480  # a chart narrower than this (a phone) shows the scenarios' numbers only and two legend columns
END_ROOM = " "  # the x axis's last place, left empty: the names at the lines' ends stand there


@dataclass(frozen=True)
class Comparison:
    """``table``: one row per area (best average rank first); ``ranks``: long form for the rank-change chart."""

    table: pd.DataFrame
    ranks: pd.DataFrame  # scenario, position (0..k-1), area, rank (NaN when not ranked)
    top_counts: dict[str, int]  # area_id -> number of scenarios that put it in the top N
    sentence: str


@dataclass(frozen=True)
class RankChart:
    """What the rank-change chart draws: ``lines`` (``Comparison.ranks`` of the drawn areas, with ``Akse``: the
    scenario's name as the x axis shows it, lines joined by a line break, and ``Ende``: the point that carries the
    area's name), the drawn ``areas`` (legend order) with their ``styles`` (no two alike), a sentence saying which
    areas were left out (empty when none) and the lowest rank the axis must reach."""

    lines: pd.DataFrame
    areas: list[str]
    styles: list[LineStyle]
    cut: str
    worst: int


def chart_ranks(ranks: pd.DataFrame) -> RankChart:
    """The rank-change chart of ``Comparison.ranks`` (see ``chart.drawn_areas`` for which areas get a line).

    Up to MAX_CHART_LINES areas the axis reaches the number of areas; with more, the drawn areas' lowest rank."""
    per_area: dict[str, list[float | None]] = {}
    k = int(ranks["orden"].max()) + 1 if len(ranks) else 0
    for area, position, rank in zip(ranks["Område"], ranks["orden"], ranks["Rang"], strict=True):
        per_area.setdefault(str(area), [None] * k)[int(position)] = None if pd.isna(rank) else float(rank)
    areas = drawn_areas(per_area)
    lines = ranks[ranks["Område"].isin(areas)].copy()
    lines["Akse"] = [
        "\n".join(axis_label(int(position), str(label)))
        for position, label in zip(lines["orden"], lines["Scenarie"], strict=True)
    ]
    last = {a: max((j for j, x in enumerate(r) if x is not None), default=None) for a, r in per_area.items()}
    lines["Ende"] = [last[str(a)] == int(j) for a, j in zip(lines["Område"], lines["orden"], strict=True)]
    if len(areas) == len(per_area):
        return RankChart(lines, areas, line_styles(len(areas)), "", max(len(areas), 2))
    shown = lines["Rang"].dropna()
    return RankChart(
        lines,
        areas,
        line_styles(len(areas)),
        f"Med {integer(len(per_area))} områder har kun de {integer(len(areas))}, der er blandt de {CHART_TOP} "
        "øverste i mindst ét scenarie, en linje; tabellen ovenfor har alle.",
        max(int(shown.max()) if len(shown) else 1, 2),
    )


def rank_chart_spec(chart: RankChart) -> dict:
    """The Vega-Lite spec of the rank-change chart (data: ``chart.lines``): one line per area in its own look
    (``chart.styles``: colour, dash and marker by explicit scales, so no look repeats), the area's name at its
    line's last point, a legend with every drawn line, every scenario's name under the axis (numbered, wrapped;
    the full name in the tooltip). Drawn as SVG."""
    domain = list(chart.areas)
    legend = {
        "orient": "bottom",
        "title": None,
        "columns": {"expr": f"width < {NARROW_PX} ? 2 : {LEGEND_COLUMNS}"},
        "symbolLimit": 0,
        "labelLimit": {"expr": f"width < {NARROW_PX} ? width / 2 - 40 : 220"},
    }
    rows = -(-len(domain) // LEGEND_COLUMNS)
    axis = list(dict.fromkeys(chart.lines.sort_values("orden", kind="stable")["Akse"]))
    x = {
        "field": "Akse",
        "type": "ordinal",
        # One more place after the last scenario, unlabelled: the room for the names at the lines' ends, which grows
        # and shrinks with the chart's width.
        "scale": {"domain": [*axis, END_ROOM]},
        "title": None,
        # The axis text holds line breaks: one label line each. No label is dropped for overlap (the names are
        # wrapped to fit) and none is cut by a width limit; on a narrow screen only the numbers show (the caption
        # below the chart names them).
        "axis": {
            "values": axis,
            "labelAngle": 0,
            "labelLimit": 0,
            "labelOverlap": False,
            "labelExpr": f"width < {NARROW_PX} ? slice(datum.label, 0, indexof(datum.label, '.') + 1) "
            ": split(datum.label, '\\n')",
        },
    }
    y = {
        "field": "Rang",
        "type": "quantitative",
        # Half a rank of room above rank 1 and below the last: their points and names are not cut at the edge.
        "scale": {"reverse": True, "domain": [0.5, chart.worst + 0.5], "nice": False, "zero": False},
        "axis": {"tickMinStep": 1, "format": "d"},
        "title": "Rang (1 = bedst)",
    }
    return {
        # Streamlit fits the whole chart (plot, axis names, legend) into this height: room for each legend row.
        "height": CHART_HEIGHT_PX + AXIS_HEIGHT_PX + LEGEND_ROW_PX * rows,
        "usermeta": {"embedOptions": {"renderer": "svg"}},
        "encoding": {"x": x, "y": y},
        "layer": [
            {
                "mark": {"type": "line", "point": {"size": 45, "filled": True}, "strokeWidth": 1.8},
                "encoding": {
                    "color": {
                        "field": "Område",
                        "type": "nominal",
                        "scale": {"domain": domain, "range": [s.colour for s in chart.styles]},
                        "legend": legend,
                    },
                    "strokeDash": {
                        "field": "Område",
                        "type": "nominal",
                        "scale": {"domain": domain, "range": [s.vega_dash for s in chart.styles]},
                        "legend": legend,
                    },
                    "shape": {
                        "field": "Område",
                        "type": "nominal",
                        "scale": {"domain": domain, "range": [s.shape for s in chart.styles]},
                        "legend": legend,
                    },
                    "tooltip": [
                        {"field": "Område", "type": "nominal"},
                        {"field": "Scenarie", "type": "nominal"},
                        {"field": "Rang", "type": "quantitative", "format": "d"},
                    ],
                },
            },
            {
                "transform": [{"filter": "datum.Ende"}],
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 8,
                    "fontSize": 11,
                    "limit": {"expr": f"width / {len(axis) + 1} - 12"},
                },
                "encoding": {"text": {"field": "Område", "type": "nominal"}, "color": {"value": "#111111"}},
            },
        ],
    }


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
