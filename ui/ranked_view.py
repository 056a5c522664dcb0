"""The weight-dependent part of the ranking view, rerun on its own when a weight moves.

Moving a weight changes the ranking, the map colours, the table, the chart, the shortlist, the
selected area's rank line, the weight shares and the data-status counts; it does not change the
area facts, indicator values, initiatives or actors. This module draws the first group as a
Streamlit fragment, including the main weight sliders themselves (into the sidebar), so moving
a weight reruns only this fragment and the rest of the page is not rebuilt. Slots created by the
page (the sidebar's place for the sliders, the notice area, the map, the rank line, the table, the chart
and the shortlist) are filled from here; headings, explanations and the shortlist choices stay
outside.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection.data.criteria import CriteriaModel
from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.data.status import DataStatus
from selection.output.text_alternatives import ranking_sentence, unverified_leaders
from selection.ranking.scoring import ScoreResult, weighted_indicators
from selection.scenarios import ScenarioSettings, describe
from selection.text.formatting import integer
from ui import data, decision_panel, details, layout, map_panel, ranking, scenarios, shortlist, sidebar, state, status
from ui.text import md, num
from ui.values import Opened, Settings

RANKING_VIEW = "Rangering og kort"  # the first value of the view switch (state.VIEW)


@dataclass(frozen=True)
class Slots:
    """Places outside the fragment that it draws into."""

    sliders: DeltaGenerator
    notice: DeltaGenerator
    map: DeltaGenerator
    table: DeltaGenerator
    # The places below are None while their tab is not shown (app.py's lazy tabs): nothing is drawn there.
    rank: DeltaGenerator | None = None  # the selected area's rank line (details.show_rank)
    critical: DeltaGenerator | None = None  # the selected area's critical values (details.show_critical)
    chart: DeltaGenerator | None = None
    shortlist: DeltaGenerator | None = None
    link: DeltaGenerator | None = None  # 'Kopiér link' (ui.scenarios.copy_link)
    status: DeltaGenerator | None = None  # the polite status line (ui.a11y.status_slot)


def score_with_notice(
    dataset: Dataset, settings: Settings, notice: DeltaGenerator, link: DeltaGenerator | None = None
) -> Scored:
    """Score at the settings; show any weight problem and the data-status notice (and in ``link`` the
    'Kopiér link' button for what is on screen)."""
    scored = score(dataset, settings)
    scenarios.sync_link(dataset.model, scored.on_screen)  # the URL follows the screen (cheap: only on a change)
    show_notice(dataset, scored, data_status(dataset, settings, scored.result), notice, link)
    return scored


@dataclass(frozen=True)
class Scored:
    """The ranking at the settings on screen and what the notice says about it."""

    result: ScoreResult
    perf: Performance
    problem: str | None  # the weights were invalid: the last valid ranking is shown
    screened: str | None  # the rules exclude every area: why (the ranking kept on screen is an earlier one)
    on_screen: ScenarioSettings  # the scenario on screen (for the link)


def score(dataset: Dataset, settings: Settings) -> Scored:
    """Score at the settings (nothing is drawn; the callers let the page's URL follow the screen)."""
    perf = data.performance(settings.distance_m)
    result, problem = data.score(dataset, settings.weights, settings.sub_weights, perf)
    result, screened = scenarios.screened(dataset.model, result, settings)
    on_screen = scenarios.current(dataset.model, settings)
    return Scored(result, perf, problem, screened, on_screen)


def data_status(dataset: Dataset, settings: Settings, result: ScoreResult) -> DataStatus:
    """The data-status counts for the indicators that carry weight in ``result`` (cached per set of
    weighted indicators; a new set costs about 10 ms at 13 areas, so the map is drawn before it)."""
    return data.status(settings.distance_m, weighted_indicators(result, dataset))


def show_notice(
    dataset: Dataset, scored: Scored, counts: DataStatus, notice: DeltaGenerator, link: DeltaGenerator | None = None
) -> None:
    """Any weight problem and the data-status notice (and in ``link`` the 'Kopiér link' button)."""
    with notice:
        if scored.problem:
            st.error(md(scored.problem))
        if scored.screened:
            st.error(md(scored.screened))
        status.render(counts, dataset)
        if since := scenarios.changed_since_saved(scored.on_screen):
            st.info(md(since))
        with layout.print_only():  # the sidebar is not printed: paper says what the ranking was made with
            st.markdown("  \n".join(print_lines(dataset.model, scored.on_screen, state.OPENED.get())))
    if link is not None:
        with link:
            scenarios.copy_link(dataset.model, scored.on_screen)


def print_lines(model: CriteriaModel, on_screen: ScenarioSettings, opened: Opened | None) -> list[str]:
    """The settings of the ranking on screen for the printed page (issue 29, class 17): the scenario, the
    weights as the sliders show them, the sub-weights that differ from the data package's, distance, rules."""
    if opened is None:
        scenario = "intet gemt scenarie (indstillingerne på skærmen)"
    else:
        kind = "udgangspunkt" if opened.version is None else f"nr. {opened.ref}, version {opened.version}"
        changed = "" if opened.key == on_screen.key() else "; ændret på skærmen, ikke gemt"
        scenario = f"{md(opened.name)} ({kind}{changed})"
    shares = sidebar.whole_shares(on_screen.weights)
    weights = ", ".join(f"{md(c.label)} {shares[c.id]} %" for c in model.criteria)
    package = sidebar.slider_sub_weights(model, model.default_sub_weights)[0]
    subs = [
        f"{md(i.label)} {num(on_screen.sub_weights[i.id])}"
        for i in model.indicators
        if abs(float(on_screen.sub_weights.get(i.id, package[i.id])) - package[i.id]) > 1e-9
    ]
    rules = "; ".join(md(describe(r, model)) for r in on_screen.rules)
    return [
        f"**Indstillinger bag rangeringen** · Scenarie: {scenario}",
        f"Vægte: {weights}",
        "Delvægte: " + ("; ".join(subs) if subs else "som i datapakken"),
        f"Afstand til aktører: {integer(on_screen.distance_m)} m · Udelukkelsesregler: {rules or 'ingen'}",
    ]


@st.fragment(key=state.RANKED_FRAGMENT.name)
def render(dataset: Dataset, slots: Slots) -> None:
    """Score at the session's current weights and fill the slots that depend on them.

    The map is drawn first (its message is the first the browser gets, so a weight move recolours the map
    as early as possible); the slots' places on the page do not depend on the order they are filled in.
    """
    settings = sidebar.settle_weights(dataset.model)
    scored = score(dataset, settings)
    result, perf = scored.result, scored.perf
    selected = map_panel.selected_area(dataset)
    with slots.map:
        map_panel.render(dataset, result, selected, settings.background)
    scenarios.sync_link(dataset.model, scored.on_screen)  # after the map: the browser handles the map first
    counts = data_status(dataset, settings, result)  # after the map: the map does not need it
    sidebar.draw_weight_controls(dataset.model, slots.sliders)
    show_notice(dataset, scored, counts, slots.notice, slots.link)
    if slots.rank is not None:
        details.show_rank(slots.rank, result, selected)
    if slots.critical is not None:
        details.show_critical(slots.critical, dataset, perf, result, selected, int(state.TOP_N.get(3)))
    if slots.status is not None:
        with slots.status:
            st.caption(md(ranking_sentence(result.table)))
            leaders = unverified_leaders(
                result.table, dataset.areas["list_confidence"].to_dict(), max(3, int(state.TOP_N.get(3)))
            )
            if leaders:  # issue 29 (14): in the sentence above the table, not only in a narrow column
                st.caption(md(f"⚠️ {leaders}"))
    with slots.table:
        ranking.render_table(result, dataset, counts.kinds_per_area or {})
    if slots.chart is not None:
        with slots.chart:
            ranking.render_chart(result, dataset)
    if slots.shortlist is not None:
        with slots.shortlist:
            if scored.screened:  # the rules exclude every area: the ranking kept on screen is not their shortlist
                st.info("Reglerne udelukker alle områder, så der er ingen kortliste. Fjern eller lemp en regel.")
            else:
                shortlist.render(result, dataset, perf, counts.kinds_per_area, data.area_facts())
    decision_panel.remember_ranking(result, settings, dataset.model)
