"""Valg af forebyggelsesområde: rank the prevention areas with adjustable weights.

Run with ``streamlit run app.py``. This file only lays out the page; the logic lives in
``selection/`` (pure core) and the panels in ``ui/``. In the ranking view, everything that
depends on the weights (the weight sliders included) is drawn by ``ui.ranked_view`` and reruns
on its own when a weight moves.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from selection.errors import DataError
from ui import (
    a11y,
    access,
    assessments_panel,
    compare,
    data,
    decision_panel,
    details,
    import_panel,
    layout,
    map_panel,
    ranked_view,
    ranking,
    registers_panel,
    robustness_panel,
    round_answer,
    round_meeting,
    rounds_panel,
    scenarios,
    shortlist,
    sidebar,
    state,
)
from ui.text import md

# A participant's page and the meeting screen are pages of their own (no sidebar to start with).
round_page = any(p in st.query_params for p in (round_answer.CODE_PARAM, round_answer.ROUND_PARAM, round_meeting.PARAM))
st.set_page_config(
    page_title="Valg af forebyggelsesområde",
    page_icon="🗺️",
    layout="wide",
    initial_sidebar_state="collapsed" if round_page else "auto",
)
data.static_assets()
data.freeze_heap("imports")  # once per process: see the function
layout.compact_page()
a11y.enhance_page()
if round_answer.route_invitation():  # ?deltag=<code>: the participant's page only, without sign-in
    st.stop()

TITLE = "Valg af område til indsats mod negativ social kontrol"
actor = access.gate(TITLE)  # sign-in (st.login) or local mode; stops the page (under the title) for no access
if round_answer.route_signed_in(actor) or round_meeting.route():  # ?svar=<round>, a Deltager, or ?moede=<round>
    st.stop()
st.title(TITLE)
try:
    dataset = data.active_dataset()
except DataError as exc:
    st.error("Datasættet kan ikke indlæses:\n\n" + "\n".join(f"- {md(p)}" for p in exc.report.errors))
    st.stop()
except Exception as exc:  # never a traceback: a package we failed to anticipate gets a Danish message
    st.error(f"Datasættet kan ikke indlæses ({md(type(exc).__name__)}). Kontrollér datamappen.")
    st.stop()
data.freeze_heap("first data set")  # once per process, after the first load

st.caption(md(dataset.meta.get("purpose") or dataset.meta.get("name") or ""))
scenarios.restore_link(dataset.model)  # a shared link (or back/forward) sets the sliders before they are drawn
sliders = sidebar.render(dataset.model)
settings = sidebar.current_settings(dataset.model)
scenarios.render(dataset.model, settings)
link_slot = st.sidebar.container()  # 'Kopiér link', filled with the settings on screen
scenarios.show_link_notice()
access.roles_admin()
notice = st.container()
if message := state.IMPORT_MESSAGE.pop():
    st.success(message)
view_col, guide_col = st.columns([3, 1], vertical_alignment="bottom")
# The view starts in session state (other panels switch it there), so the control itself takes no default.
state.VIEW.setdefault(ranked_view.RANKING_VIEW)
view = view_col.segmented_control(
    "Visning",
    [
        ranked_view.RANKING_VIEW,
        "Vurderinger",
        "Robusthed",
        "Indlæs data",
        decision_panel.VIEW,
        rounds_panel.VIEW,
        registers_panel.VIEW,
    ],
    key=state.VIEW.name,
    label_visibility="collapsed",
)
with guide_col:
    layout.guide()
state.keep(state.ROBUSTNESS_SETTINGS)  # the analysis settings stay while another view is shown

VIEWS = ("Vurderinger", "Robusthed", "Indlæs data", decision_panel.VIEW, rounds_panel.VIEW, registers_panel.VIEW)
if view in VIEWS:
    settings = sidebar.weight_controls(dataset.model, sliders)
    scored = ranked_view.score_with_notice(dataset, settings, notice, link_slot)
    result, perf = scored.result, scored.perf
    if view == "Vurderinger":
        st.header("Lokale vurderinger", anchor=False)
        assessments_panel.render(dataset, result, settings.background)
    elif view == "Robusthed":
        st.header("Robusthed", anchor=False)
        if scored.screened:  # the rules exclude every area: the ranking kept on screen is not theirs
            st.info("Reglerne udelukker alle områder, så der er intet at afprøve. Fjern eller lemp en regel.")
        else:
            scenarios.robustness_note(result)
            robustness_panel.render(dataset, perf, result, state.TOP_N.get(3))
    elif view == rounds_panel.VIEW:
        st.header("Styregruppens vægtning", anchor=False)
        rounds_panel.render(dataset, scenarios.current(dataset.model, settings))
    elif view == registers_panel.VIEW:
        st.header("Registre over indsatser og aktører", anchor=False)
        registers_panel.render(dataset)
    elif view == decision_panel.VIEW:
        st.header("Beslutning", anchor=False)
        decision_panel.render(data.package_dataset(), settings, result, state.TOP_N.get(3))
    else:
        st.header("Indlæs officielle data", anchor=False)
        import_panel.render(data.package_dataset(), result, result.weights, result.sub_weights)  # as ranked
    st.stop()

map_panel.selected_area(dataset, lambda: data.top_area(dataset, settings))
map_col, rank_col = st.columns([17, 20], gap="medium")  # the ranking's columns fit at 1280 px
with map_col:
    st.header("Kort over rangerede områder", anchor=False)
    map_slot = st.container()
    map_panel.legend(len(dataset.areas), bool(scenarios.exclusions(settings)))
with rank_col:
    st.header("Rangering", anchor=a11y.RANKING_ANCHOR)
    status_slot = a11y.status_slot()  # the polite status line: the first places, said again after each weight move
    table_slot = st.container(key=state.RANKING_TABLE.name)
    ranking.explain_table()
details_tab, why_tab, shortlist_tab = layout.sections(
    layout.SECTIONS,
    key=state.SECTION,
    keep=(state.SELECTED, state.TOP_N, state.CSV_STYLE, state.WITH_ROBUSTNESS),
)  # only the chosen tab is drawn, so a weight move redraws only what can be seen
slots = ranked_view.Slots(
    sliders=sliders, notice=notice, map=map_slot, table=table_slot, link=link_slot, status=status_slot
)
if details_tab.open:
    with details_tab:
        slots = replace(slots, rank=details.header(dataset), critical=st.empty())
        details_slot = st.container()
if why_tab.open:
    with why_tab:
        slots = replace(slots, chart=st.container())
        scores_slot = st.container()
if shortlist_tab.open:
    with shortlist_tab:
        shortlist.render_choices(len(dataset.areas))
        slots = replace(slots, shortlist=st.container())
        decision_panel.report_downloads(data.package_dataset(), state.TOP_N.get(3))
ranked_view.render(dataset, slots)
if details_tab.open:
    with details_slot:  # after the map and ranking: the detail tables do not hold up the first screen
        details.body(dataset, data.performance(settings.distance_m), settings.distance_m)
if why_tab.open:
    with scores_slot:
        ranking.render_scores(dataset, data.performance(settings.distance_m), settings.sub_weights)
with layout.folded("Sammenlign scenarier (2–5)", key=state.COMPARE_FOLD, keep=[state.COMPARE_PICK]) as compare_box:
    if compare_box.open:  # drawn only while open; its own fragment: choosing scenarios reruns only it
        compare.render(dataset)
