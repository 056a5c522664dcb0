"""The ranking table and the stacked contribution chart that shows why areas score as they do."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from selection.dataset import Dataset
from selection.scoring import STATUS_LABELS, ScoreResult

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
CRITERION_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00")


def ranking_frame(result: ScoreResult, dataset: Dataset, sourced: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """The table shown to the user, with Danish headers."""
    t = result.table
    ids = t["area_id"].tolist()
    bydel = dataset.areas["bydel"]
    columns: dict[str, object] = {
        "Rang": t["rank"].array,
        "Område": t["name"].to_numpy(),
        "Bydel": bydel.reindex(ids).to_numpy(),
        "Samlet score": t["total"].to_numpy().round(1),
    }
    for crit in dataset.model.criteria:
        columns[f"{crit.label} (score)"] = t[f"{crit.id}_score"].to_numpy().round(1)
        columns[f"{crit.label} (bidrag)"] = t[f"{crit.id}_contribution"].to_numpy().round(1)
    columns["Kildebelagte værdier"] = [f"{sourced.get(a, (0, 0))[0]} af {sourced.get(a, (0, 0))[1]}" for a in ids]
    columns["Lokale vurderinger"] = assessed_per_area(dataset, ids)
    columns["Datastatus"] = [STATUS_LABELS[s] for s in t["status"]]
    return pd.DataFrame(columns)


def assessed_per_area(dataset: Dataset, area_ids: list[str]) -> list[str]:
    """Per area: how many assessment values are local assessments and by how many assessors ('2 af 3 (1–3 vurderere)')."""
    n_assessable = sum(1 for i in dataset.model.indicators if i.assessment)
    values = dataset.values
    if not n_assessable or "n_assessors" not in values.columns:
        return ["–"] * len(area_ids)
    assessed = values[values["kind"].to_numpy() == "assessed"]
    counts: dict[str, list[int]] = {}
    for aid, n in zip(assessed["area_id"], assessed["n_assessors"], strict=True):
        counts.setdefault(aid, []).append(int(n))
    out = []
    for aid in area_ids:
        if aid not in counts:
            out.append(f"0 af {n_assessable}")
            continue
        lo, hi = min(counts[aid]), max(counts[aid])
        who = f"{lo} vurderer" if lo == hi == 1 else f"{lo if lo == hi else f'{lo}–{hi}'} vurderere"
        out.append(f"{len(counts[aid])} af {n_assessable} ({who})")
    return out


def render_table(result: ScoreResult, dataset: Dataset, sourced: dict[str, tuple[int, int]]) -> None:
    """The ranking with per-criterion scores and contributions."""
    frame = ranking_frame(result, dataset, sourced)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=35 * (len(frame) + 1) + 3,  # every row rendered: no scrolling, nothing virtualised away
        column_config={
            "Samlet score": st.column_config.ProgressColumn("Samlet score", min_value=0, max_value=100, format="%.1f"),
        },
    )


def explain_table() -> None:
    """How to read the ranking table (scores, contributions, ties, missing values)."""
    st.caption(
        "Score 0–100 pr. kriterium; bidrag = score × normaliseret vægt, og bidragene summerer til den samlede score. "
        "Lige scorer deler rang (fx 1, 2, 2, 4) og vises alfabetisk. Manglende værdier regnes aldrig som kendte: "
        "en manglende indikator udelades, og dens delvægt fordeles på kriteriets øvrige indikatorer (markeret "
        "'Ufuldstændige data'); mangler et helt vægtet kriterium, får området ingen samlet score ('Ikke rangeret')."
    )


def render_chart(result: ScoreResult, dataset: Dataset) -> None:
    """Horizontal stacked bars of each criterion's contribution, in rank order."""
    ranked = result.ranked
    labels = {c.id: c.label for c in dataset.model.criteria}
    long = pd.DataFrame([
        {"Område": f"{int(r['rank'])}. {r['name']}", "Kriterium": labels[cid], "Bidrag": r[f"{cid}_contribution"],
         "orden": i}
        for i, r in enumerate(ranked.to_dict("records")) for cid in labels
    ])
    if long.empty:
        st.info("Ingen områder kan rangeres med de nuværende vægte og data.")
        return
    spec = {
        "mark": {"type": "bar"},
        "height": max(30 * len(ranked), 120),
        "encoding": {
            "x": {"aggregate": "sum", "field": "Bidrag", "type": "quantitative",
                  "title": "Bidrag til samlet score (point)", "scale": {"domain": [0, 100]}},
            "y": {"field": "Område", "type": "nominal", "title": None, "sort": {"field": "orden", "op": "min"},
                  "axis": {"labelOverlap": False, "labelLimit": 220}},
            "color": {"field": "Kriterium", "type": "nominal",
                      "scale": {"domain": list(labels.values()), "range": list(CRITERION_COLOURS[: len(labels)])},
                      "legend": {"orient": "bottom", "title": None}},
            "order": {"field": "Kriterium", "type": "nominal"},
            "tooltip": [{"field": "Område", "type": "nominal"}, {"field": "Kriterium", "type": "nominal"},
                        {"field": "Bidrag", "type": "quantitative", "format": ".1f"}],
        },
    }
    # A plain Vega-Lite spec: Altair's schema validation on every rerun costs more than the chart itself.
    st.vega_lite_chart(long, spec, width="stretch")
