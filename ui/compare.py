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
from selection.scenarios.compare import MAX_SCENARIOS, chart_ranks, compare, rank_chart_spec
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
    chart = chart_ranks(result.ranks)
    st.markdown(
        "**Rangændringer** (én linje pr. område, hver med sin egen farve, streg og markør; navnet står ved linjens "
        "sidste punkt; et hul betyder udelukket eller ikke rangeret)"
    )
    if chart.cut:
        st.caption(md(chart.cut))
    st.vega_lite_chart(chart.lines, with_locale(rank_chart_spec(chart)), width="stretch")
    st.caption(md("Scenarierne under aksen: " + "; ".join(f"{k}. {label}" for k, label in enumerate(rankings, 1))))
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
