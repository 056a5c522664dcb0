"""Valg af forebyggelsesområde: rank the prevention areas with adjustable weights.

Run with ``streamlit run app.py``. This file only lays out the page; the logic lives in
``selection/`` (pure core) and the panels in ``ui/``.
"""

from __future__ import annotations

import streamlit as st

from selection.errors import DataError, WeightError
from selection.pipeline import evaluate
from ui import details, import_panel, map_panel, ranking, robustness_panel, shortlist, sidebar, state, status

st.set_page_config(page_title="Valg af forebyggelsesområde", page_icon="🗺️", layout="wide")
state.static_assets()

st.title("Valg af område til indsats mod negativ social kontrol")
try:
    dataset = state.active_dataset()
except DataError as exc:
    st.error("Datasættet kan ikke indlæses:\n\n" + "\n".join(f"- {p}" for p in exc.report.errors))
    st.stop()

st.caption(str(dataset.meta.get("purpose") or dataset.meta.get("name") or ""))
settings = sidebar.render(dataset.model)
perf = state.performance(settings.distance_m)
try:
    _, result = evaluate(dataset, settings.weights, settings.sub_weights, performance=perf)
    st.session_state[state.LAST_VALID_WEIGHTS] = (settings.weights, settings.sub_weights)
except WeightError as exc:
    st.error(f"{exc} Rangeringen nedenfor bruger de sidste gyldige vægte.")
    weights, subs = st.session_state.get(state.LAST_VALID_WEIGHTS, (dataset.model.default_weights, None))
    _, result = evaluate(dataset, weights, subs, performance=perf)

weighted = [i.id for c in dataset.model.criteria if result.weights[c.id] > 0 for i in c.indicators
            if result.sub_weights.get(i.id, 0) > 0]
data = state.status(settings.distance_m, weighted)
status.render(data, dataset)
selected = state.selected_area(dataset)

if message := st.session_state.pop("_import_message", None):
    st.success(message)
view = st.segmented_control("Visning", ["Rangering og kort", "Robusthed", "Indlæs data"], default="Rangering og kort",
                            key="view")
if view == "Indlæs data":
    st.subheader("Indlæs officielle data", anchor=False)
    import_panel.render(dataset, result, settings.weights, settings.sub_weights)
    st.stop()
if view == "Robusthed":
    st.subheader("Robusthed", anchor=False)
    robustness_panel.render(dataset, perf, result, st.session_state.get("top_n", 3))
    st.stop()

map_col, detail_col = st.columns([3, 2], gap="large")
with map_col:
    st.subheader("Kort over rangerede områder", anchor=False)
    map_panel.render(dataset, result, selected, settings.basemap)
with detail_col:
    st.subheader("Detaljer", anchor=False)
    details.render(dataset, perf, result, settings.distance_m)

st.subheader("Rangering", anchor=False)
ranking.render_table(result, dataset, data.sourced_per_area)
st.subheader("Hvorfor scorer områderne som de gør?", anchor=False)
ranking.render_chart(result, dataset)
st.subheader("Kortliste til styregruppen", anchor=False)
shortlist.render(result, dataset, perf)
