"""The ranking table, the stacked contribution chart that shows why areas score as they do, and the
criterion scores of every area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.data.status import LIST_CONFIDENCE_LABELS, value_status
from selection.errors import WeightError
from selection.memo import per_frame
from selection.output.text_alternatives import contribution_summary
from selection.ranking.scoring import STATUS_EXCLUDED, STATUS_LABELS, STATUS_UNRANKED, ScoreResult, criterion_scores
from selection.text.formatting import MISSING, number, text_table, with_locale
from ui import layout
from ui.text import md

LIST_SHORT = {k: v.split(" ")[0] for k, v in LIST_CONFIDENCE_LABELS.items()}  # Verificeret / Udledt / Kandidat
# Okabe–Ito colours (and a brown): distinguishable with the common colour-vision deficiencies, each ≥ 3:1
# against the white background (WCAG 1.4.11; tests/app/test_contrast.py); white lines part the stacked bars.
CRITERION_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#8C510A")


def ranking_frame(result: ScoreResult, dataset: Dataset, kinds: dict[str, dict[str, int]]) -> pa.Table:
    """The ranking as shown beside the map: rank, name, total and how well the values are sourced."""
    t = result.table
    ids = t["area_id"].tolist()
    counts = [kinds.get(a, {}) for a in ids]
    short = list_short(dataset)
    return text_table(
        {
            "Rang": [MISSING if pd.isna(r) else str(int(r)) for r in t["rank"]],
            "Område": t["name"].tolist(),
            "Samlet score": [number(v) for v in t["total"]],
            "Kildebelagte værdier": [f"{c.get('sourced', 0)} af {sum(c.values())}" for c in counts],
            "Liste": [short.get(a, "nan") for a in ids],  # (an id without an area row: as reindex gave it)
            "Datastatus": [
                STATUS_LABELS[s]
                if s == STATUS_UNRANKED
                else f"Udelukket: {why}"
                if s == STATUS_EXCLUDED
                else value_status(c, s != "ok", short=True)
                for s, c, why in zip(t["status"], counts, excluded_texts(t), strict=True)
            ],
            "Lokale vurderinger": assessed_per_area(dataset, ids),
        }
    )


def excluded_texts(table: pd.DataFrame) -> list[str]:
    """Each row's exclusion reason ('' where none; the column exists only when rules exclude areas)."""
    return table["excluded"].tolist() if "excluded" in table else [""] * len(table)


def scores_frame(dataset: Dataset, scores: pd.DataFrame) -> pd.DataFrame:
    """Each area's criterion scores (0–100), by name: they do not depend on the main weights."""
    names = dataset.areas["name"].reindex(scores.index)
    columns: dict[str, object] = {"Område": names.to_numpy()}
    for crit in dataset.model.criteria:
        columns[f"{crit.label} (score)"] = [number(v) for v in scores[crit.id]]
    columns["Bydel"] = dataset.areas["bydel"].reindex(scores.index).fillna("").to_numpy()
    return pd.DataFrame(columns).sort_values("Område", key=lambda c: c.str.lower(), kind="stable")


def list_short(dataset: Dataset) -> dict[str, str]:
    """Area id -> its short list status (Verificeret / Udledt / Kandidat); built once per loaded areas frame."""
    areas = dataset.areas
    return per_frame(
        "ranking.list_short",
        areas,
        lambda: {
            a: LIST_SHORT.get(c, str(c)) for a, c in zip(areas.index, areas["list_confidence"].tolist(), strict=True)
        },
    )


def _assessor_counts(dataset: Dataset) -> dict[str, list[int]]:
    """Area id -> the number of assessors of each of its assessed values; built once per values frame."""
    values = dataset.values

    def build() -> dict[str, list[int]]:
        # assessments only: a value computed from register records recorded by planners is 'assessed' too, but has
        # no assessors (n_assessors empty)
        assessed = values[(values["kind"].to_numpy() == "assessed") & values["n_assessors"].notna().to_numpy()]
        counts: dict[str, list[int]] = {}
        for aid, n in zip(assessed["area_id"], assessed["n_assessors"], strict=True):
            counts.setdefault(aid, []).append(int(n))
        return counts

    return per_frame("ranking.assessor_counts", values, build)


def assessed_per_area(dataset: Dataset, area_ids: list[str]) -> list[str]:
    """Per area: how many assessment values are local assessments and by how many assessors.

    For example '2 af 3 (1–3 vurderere)'.
    """
    n_assessable = sum(1 for i in dataset.model.indicators if i.assessment)
    if not n_assessable or "n_assessors" not in dataset.values.columns:
        return ["–"] * len(area_ids)
    counts = _assessor_counts(dataset)
    out = []
    for aid in area_ids:
        if aid not in counts:
            out.append(f"0 af {n_assessable}")
            continue
        lo, hi = min(counts[aid]), max(counts[aid])
        who = f"{lo} vurderer" if lo == hi == 1 else f"{lo if lo == hi else f'{lo}–{hi}'} vurderere"
        out.append(f"{len(counts[aid])} af {n_assessable} ({who})")
    return out


def render_table(result: ScoreResult, dataset: Dataset, kinds: dict[str, dict[str, int]]) -> None:
    """The ranking beside the map (every row rendered, no scrolling inside the table)."""
    frame = ranking_frame(result, dataset, kinds)
    if not any(frame.column("Lokale vurderinger").to_pylist()):  # no local assessments yet: no empty column
        frame = frame.drop_columns(["Lokale vurderinger"])
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=35 * (frame.num_rows + 1) + 3,  # every row rendered: no scrolling, nothing virtualised away
        column_config={
            "Rang": st.column_config.TextColumn(width=36),
            "Område": st.column_config.TextColumn(width=138),
            "Samlet score": st.column_config.TextColumn("Score", width=46, help="Samlet score 0–100"),
            "Kildebelagte værdier": st.column_config.TextColumn(
                "Kilder", width=48, help="Kildebelagte værdier af dem, der har vægt"
            ),
            "Liste": st.column_config.TextColumn(
                width=72,
                help="Listestatus: er området på listen over "
                "forebyggelsesområder (verificeret, udledt eller kandidat)?",
            ),
            "Datastatus": st.column_config.TextColumn(width=130),
            "Lokale vurderinger": st.column_config.TextColumn(
                "Vurderinger", width=90, help="Vurderingsindikatorer med lokale vurderinger (og antal vurderere)"
            ),
        },
    )


def render_scores(dataset: Dataset, perf: Performance, sub_weights: dict[str, float]) -> None:
    """The criterion scores of every area (drawn outside the weight fragment: main weights do not change them)."""
    try:
        scores, _ = criterion_scores(perf.matrix, dataset.model, sub_weights)
    except WeightError as exc:
        st.info(str(exc))
        return
    layout.wide_table("scores").dataframe(scores_frame(dataset, scores), hide_index=True, width="stretch")
    st.caption(
        "Score 0–100 pr. kriterium (afhænger af delvægtene, ikke af hovedvægtene). Bidraget til den samlede "
        "score er score × vægt; det ses i diagrammet ovenfor (hold musen over en søjle)."
    )


def explain_table() -> None:
    """How to read the ranking table (scores, contributions, ties, missing values)."""
    st.caption(
        "Samlet score 0–100. Lige scorer deler rang (fx 1, 2, 2, 4). En manglende værdi regnes aldrig som kendt: "
        "indikatoren udelades, og dens delvægt fordeles på kriteriets øvrige ('ufuldstændige data'); mangler et "
        "helt vægtet kriterium, rangeres området ikke."
    )


CHART_MAX_AREAS = 40  # more bars than this are unreadable (and slow to draw): the best-ranked are shown


def render_chart(result: ScoreResult, dataset: Dataset) -> None:
    """Horizontal stacked bars of each criterion's contribution, in rank order (at most ``CHART_MAX_AREAS``)."""
    ranked = result.ranked.head(CHART_MAX_AREAS)
    if len(result.ranked) > CHART_MAX_AREAS:
        st.caption(
            f"Viser de {CHART_MAX_AREAS} bedst rangerede af {len(result.ranked)} rangerede områder; "
            "alle står i rangeringen ovenfor."
        )
    labels = {c.id: c.label for c in dataset.model.criteria}
    short = list_short(dataset)
    n, k = len(ranked), len(labels)  # one row per area and criterion, built column-wise (fast for 2,000 areas)
    if not n or not k:
        st.info("Ingen områder kan rangeres med de nuværende vægte og data.")
        return
    bars = [
        f"{int(r)}. {name} ({short.get(a, '')})"
        for r, name, a in zip(ranked["rank"].tolist(), ranked["name"].tolist(), ranked["area_id"].tolist(), strict=True)
    ]
    contributions = np.column_stack([ranked[f"{cid}_contribution"].to_numpy(dtype=float) for cid in labels])
    long = pa.table(  # Arrow, which Streamlit sends as it is (a pandas frame is converted on every move)
        {
            "Område": [bar for bar in bars for _ in range(k)],
            "Kriterium": list(labels.values()) * n,
            "Bidrag": contributions.ravel(),
            "orden": np.repeat(np.arange(n), k),
            "stak": np.tile(np.arange(k), n),
        }
    )
    spec = {
        "mark": {"type": "bar", "stroke": "#ffffff", "strokeWidth": 1},
        "height": max(30 * len(ranked), 120),
        "encoding": {
            "x": {
                "aggregate": "sum",
                "field": "Bidrag",
                "type": "quantitative",
                "title": "Bidrag til samlet score (point)",
                "scale": {"domain": [0, 100]},
                "axis": {"format": "d"},
            },
            "y": {
                "field": "Område",
                "type": "nominal",
                "title": None,
                "sort": {"field": "orden", "op": "min"},
                "axis": {"labelOverlap": False, "labelLimit": 220},
            },
            "color": {
                "field": "Kriterium",
                "type": "nominal",
                "scale": {"domain": list(labels.values()), "range": list(CRITERION_COLOURS[: len(labels)])},
                "legend": {"orient": "bottom", "title": None},
            },
            "order": {"field": "stak", "type": "quantitative"},  # stacked in the legend's order
            "tooltip": [
                {"field": "Område", "type": "nominal"},
                {"field": "Kriterium", "type": "nominal"},
                {"field": "Bidrag", "type": "quantitative", "format": ".1f"},
            ],
        },
    }
    st.caption(md(contribution_summary(ranked, labels)))  # the chart's text alternative, read before it
    # A plain Vega-Lite spec: Altair's schema validation on every rerun costs more than the chart itself.
    st.vega_lite_chart(long, with_locale(spec), width="stretch")
