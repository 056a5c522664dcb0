"""Valg af forebyggelsesområde: rank the prevention areas with adjustable weights.

Run with ``streamlit run app.py``. This file only lays out the page; the logic lives in
``selection/`` (pure core) and the panels in ``ui/``. In the ranking view, everything that
depends on the weights (the weight sliders included) is drawn by ``ui.ranked_view`` and reruns
on its own when a weight moves.
"""

from __future__ import annotations

import streamlit as st

from selection.errors import DataError
from ui import decision_panel, details, import_panel, ranked_view, ranking, robustness_panel, shortlist, sidebar, state

st.set_page_config(page_title="Valg af forebyggelsesområde", page_icon="🗺️", layout="wide")
state.static_assets()

st.title("Valg af område til indsats mod negativ social kontrol")
try:
    dataset = state.active_dataset()
except DataError as exc:
    st.error("Datasættet kan ikke indlæses:\n\n" + "\n".join(f"- {p}" for p in exc.report.errors))
    st.stop()

st.caption(str(dataset.meta.get("purpose") or dataset.meta.get("name") or ""))
sliders = sidebar.render(dataset.model)
settings = sidebar.current_settings(dataset.model)
notice = st.container()
if message := st.session_state.pop("_import_message", None):
    st.success(message)
view = st.segmented_control("Visning", [ranked_view.RANKING_VIEW, "Robusthed", "Indlæs data", decision_panel.VIEW],
                            default=ranked_view.RANKING_VIEW, key=ranked_view.VIEW_KEY)

if view in ("Robusthed", "Indlæs data", decision_panel.VIEW):
    settings = sidebar.weight_controls(dataset.model, sliders)
    result, perf, _ = ranked_view.score_with_notice(dataset, settings, notice)
    if view == "Robusthed":
        st.subheader("Robusthed", anchor=False)
        robustness_panel.render(dataset, perf, result, st.session_state.get(shortlist.TOP_N, 3))
    elif view == decision_panel.VIEW:
        st.subheader("Beslutning", anchor=False)
        decision_panel.render(dataset, settings, result, st.session_state.get(shortlist.TOP_N, 3))
    else:
        st.subheader("Indlæs officielle data", anchor=False)
        import_panel.render(dataset, result, settings.weights, settings.sub_weights)
    st.stop()

state.selected_area(dataset)
map_col, detail_col = st.columns([3, 2], gap="large")
with map_col:
    st.subheader("Kort over rangerede områder", anchor=False)
    map_slot = st.container()
with detail_col:
    st.subheader("Detaljer", anchor=False)
    rank_slot = details.render(dataset, state.performance(settings.distance_m), settings.distance_m)
st.subheader("Rangering", anchor=False)
table_slot = st.container(key="ranking")
ranking.explain_table()
st.subheader("Hvorfor scorer områderne som de gør?", anchor=False)
chart_slot = st.container()
st.subheader("Kortliste til styregruppen", anchor=False)
shortlist.render_choices(len(dataset.areas))
shortlist_slot = st.container()
decision_panel.report_downloads(dataset, st.session_state.get(shortlist.TOP_N, 3))
ranked_view.render(dataset, ranked_view.Slots(sliders=sliders, notice=notice, map=map_slot, rank=rank_slot,
                                              table=table_slot, chart=chart_slot, shortlist=shortlist_slot))
