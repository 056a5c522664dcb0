"""'Sammenlign scenarier': 2–5 scenarios side by side (ranks, scores, rank-change chart, top N, a sentence, a map)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from selection.data.dataset import Dataset
from selection.errors import WeightError
from selection.output.map_layers import ranked_base_map, ranked_layer
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import ScoreResult
from selection.scenarios import ScenarioError, ScenarioSettings, apply_exclusions
from selection.scenarios.compare import MAX_SCENARIOS, chart_ranks, compare
from selection.storage.database import StoreError
from selection.text.formatting import with_locale
from ui import data, scenarios, sidebar, state
from ui.text import md

NOW = "__now__"  # the choice 'Nuværende indstillinger' (app.py draws this part in a lazy expander)


def _ranking(dataset: Dataset, settings: ScenarioSettings) -> ScoreResult:
    perf = data.performance(settings.distance_m)
    _, result = evaluate(dataset, settings.weights, settings.sub_weights, performance=perf)
    return apply_exclusions(result, data.excluded_areas(settings.distance_m, settings.sub_weights, settings.rules))


@st.fragment
def render(dataset: Dataset) -> None:
    """Compare the chosen scenarios (the current settings as they stand when this part reruns)."""
    model = dataset.model
    settings = sidebar.current_settings(model)
    options, problem = scenarios.scenario_options(model)
    if problem:
        st.error(md(f"Gemte scenarier kan ikke læses: {problem}"))
    labels = {NOW: "Nuværende indstillinger", **options}
    chosen = st.multiselect(
        "Scenarier (2–5)",
        list(labels),
        format_func=lambda r: labels.get(r, r),
        key=state.COMPARE_PICK.name,
        max_selections=MAX_SCENARIOS,
    )
    if len(chosen) < 2:
        st.info("Vælg mindst to scenarier at sammenligne.")
        return
    rankings: dict[str, ScoreResult] = {}
    for ref in chosen:
        try:
            wanted = scenarios.current(model, settings) if ref == NOW else scenarios._lookup(model, ref)[2]
            rankings[labels[ref]] = _ranking(dataset, wanted)
        except (ScenarioError, StoreError, WeightError) as exc:
            st.error(md(f"{labels[ref]} kan ikke rangeres: {exc}"))
    if len(rankings) < 2:
        return
    top_n = int(state.TOP_N.get(3))
    result = compare(rankings, top_n)
    st.markdown(md(result.sentence))
    st.dataframe(result.table, hide_index=True, width="stretch")
    st.caption(
        "Rang pr. scenarie ('udelukket': en regel i scenariet udelukker området; '–': kan ikke rangeres). "
        f"Kortlistens længde N = {top_n} (vælges under kortlisten)."
    )
    lines, cut, worst = chart_ranks(result.ranks)
    spec = {
        "mark": {"type": "line", "point": True},
        "height": 320,
        "encoding": {
            "x": {
                "field": "Scenarie",
                "type": "ordinal",
                "sort": {"field": "orden"},
                "title": None,
                "axis": {"labelAngle": 0, "labelLimit": 200},
            },
            "y": {
                "field": "Rang",
                "type": "quantitative",
                "scale": {"reverse": True, "domain": [1, worst]},
                "axis": {"tickMinStep": 1, "format": "d"},
                "title": "Rang (1 = bedst)",
            },
            "color": {"field": "Område", "type": "nominal", "legend": {"orient": "right", "title": None}},
            "tooltip": [
                {"field": "Område", "type": "nominal"},
                {"field": "Scenarie", "type": "nominal"},
                {"field": "Rang", "type": "quantitative", "format": "d"},
            ],
        },
    }
    st.markdown("**Rangændringer** (én linje pr. område; et hul betyder udelukket eller ikke rangeret)")
    if cut:
        st.caption(md(cut))
    st.vega_lite_chart(lines, with_locale(spec), width="stretch")
    shown = st.selectbox("Vis kort for", list(rankings), key=state.COMPARE_MAP_PICK.name)
    st_folium(
        ranked_base_map(dataset.areas, settings.background),
        key=state.COMPARE_MAP.name,
        height=370,
        use_container_width=True,
        feature_group_to_add=ranked_layer(dataset.areas, rankings[shown].table),
        returned_objects=[],
        render=False,
    )
