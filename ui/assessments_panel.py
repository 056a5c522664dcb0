"""Vurderinger: local assessors give a value, a reason and evidence per area and assessed indicator.

Every save is a new row in the assessment store (``selection.assessments``). A form remembers the
value version it was opened on, so a save on top of someone else's newer assessment is refused with
the core's Danish message and nothing is overwritten. User text is shown as plain text (dataframes)
or through ``ui.text.md``; never as raw Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from selection.assessments import (
    AssessmentConflict,
    AssessmentError,
    NewAssessment,
    assessment_indicators,
    history,
    record_assessment,
    value_version,
)
from selection.assessments.texts import assessors_text, date_text, number_text, time_text
from selection.criteria import Indicator
from selection.dataset import KIND_LABELS, Dataset
from selection.scoring import ScoreResult
from selection.store import StoreError

from . import assessment_sheet, map_panel, state
from .text import md

SAVE_LABEL = "Gem vurdering"
WITHDRAW_LABEL = "Træk min vurdering tilbage"


def render(dataset: Dataset, result: ScoreResult, basemap: str) -> None:
    """The Vurderinger view: who assesses, then one area's forms beside the map, the overview, the sheet."""
    indicators = assessment_indicators(dataset.model)
    if not indicators:
        st.info("Kriteriefilen markerer ingen indikatorer som lokale vurderinger ('assessment': true).")
        return
    st.caption(
        "Giv din vurdering af et område: en værdi på indikatorens skala, en skriftlig begrundelse og gerne "
        "dokumentation. Hver vurdering gemmes som en ny række med navn og tidspunkt; intet overskrives eller "
        "slettes. Rangeringen bruger medianen af hver vurderers seneste vurdering."
    )
    for message in state.pop_assessment_messages():
        (st.success if message.ok else st.error)(md(message.text))
    who_left, who_right = st.columns(2)
    who_left.text_input("Dit navn", key=state.ASSESSOR_NAME, max_chars=120)
    who_right.text_input("Rolle / organisation", key=state.ASSESSOR_ROLE, max_chars=160,
                         placeholder="fx SSP-konsulent, Københavns Kommune")
    try:
        latest = state.latest_assessments()
    except StoreError as exc:
        st.error(md(f"Vurderingsdatabasen kan ikke læses: {exc}"))
        return
    area_tab, overview_tab, sheet_tab = st.tabs(["Vurder et område", "Overblik", "Vurderingsark (offline)"])
    with area_tab:
        forms_col, map_col = st.columns([3, 2], gap="large")
        with forms_col:
            area_id = area_forms(dataset, indicators, latest)
        with map_col:
            st.markdown("**Rangering nu**")
            map_panel.render(dataset, result, area_id, basemap)
            rank_line(dataset, result, area_id)
    with overview_tab:
        overview(dataset, indicators, latest)
    with sheet_tab:
        assessment_sheet.render(state.package_dataset(), latest)


def rank_line(dataset: Dataset, result: ScoreResult, area_id: str) -> None:
    """The chosen area's rank and total under the map."""
    table = result.table.set_index("area_id")
    rank = table.at[area_id, "rank"]
    name = dataset.areas.at[area_id, "name"]
    place = "ikke rangeret" if pd.isna(rank) else f"nr. {int(rank)} af {len(result.ranked)}"
    st.caption(md(f"{name}: {place}, samlet score {number_text(round(float(table.at[area_id, 'total']), 1))}."))


def area_forms(dataset: Dataset, indicators: list[Indicator], latest: pd.DataFrame) -> str:
    """Pick an area; one bordered form per assessed indicator. Returns the chosen area."""
    names = dataset.areas["name"].to_dict()
    state.selected_area(dataset)  # the same area as the detail panel and the map's selection
    area_id = st.selectbox("Område", dataset.area_ids, key=state.SELECTED, format_func=lambda a: str(names[a]),
                           help="Du kan også klikke på et område på kortet.")
    for ind in indicators:
        with st.container(border=True, key=f"assess_{ind.id}"):
            indicator_form(dataset, area_id, ind, latest)
    return area_id


def cell_rows(latest: pd.DataFrame, area_id: str, indicator_id: str) -> pd.DataFrame:
    """The assessors' current entries for one area x indicator."""
    return latest[(latest["area_id"] == area_id) & (latest["indicator_id"] == indicator_id)]


def indicator_form(dataset: Dataset, area_id: str, ind: Indicator, latest: pd.DataFrame) -> None:
    """The form for one area x indicator: value, date, reason, evidence; withdraw and history below."""
    crit = dataset.model.criterion(ind.criterion_id)
    st.markdown(f"**{md(ind.label)}** · {md(crit.label)} · skala {md(ind.scale_text)}")
    rows = cell_rows(latest, area_id, ind.id)
    st.caption(md(current_text(dataset, area_id, ind, rows)))
    if ind.anchors:
        st.caption("  \n".join(f"**{md(number_text(point))}** = {md(text)}" for point, text in ind.anchors))
    try:
        opened = state.opened_version(area_id, ind.id, lambda: value_version(state.engine(), area_id, ind.id))
    except StoreError as exc:
        st.error(md(str(exc)))
        return
    with st.form(key=f"assessment_form_{area_id}_{ind.id}", border=False):
        left, right = st.columns(2)
        value = left.number_input(
            f"Værdi ({ind.scale_text})", value=None, step=_step(ind), format="%g",
            placeholder=f"{number_text(ind.scale_min)}–{number_text(ind.scale_max)}",
            key=state.form_key("value", area_id, ind.id))
        day = right.date_input("Dato for vurderingen", value=dt.date.today(), format="DD.MM.YYYY",
                               key=state.form_key("date", area_id, ind.id))
        reason = st.text_area("Begrundelse (skal udfyldes)", max_chars=4000, height=80,
                              key=state.form_key("reason", area_id, ind.id))
        evidence = st.text_input("Dokumentation: link eller dokumenthenvisning (valgfrit)", max_chars=1000,
                                 key=state.form_key("evidence", area_id, ind.id))
        if st.form_submit_button(SAVE_LABEL, type="primary"):
            if value is None:
                state.push_assessment_message(False, f"Angiv en værdi på skalaen {ind.scale_text} for "
                                                     f"'{ind.label}'. Intet er gemt.")
                st.rerun()
            _save(dataset, area_id, ind, opened, value, reason, evidence, day)
    history_view(dataset, area_id, ind, rows)


def _step(ind: Indicator) -> float:
    """Half a point on short scales (e.g. 1–5), otherwise one unit."""
    return 0.5 if ind.scale_max - ind.scale_min <= 10 else 1.0


def current_text(dataset: Dataset, area_id: str, ind: Indicator, rows: pd.DataFrame) -> str:
    """The value the ranking uses now and where it comes from."""
    if len(rows):
        values = rows["value"].astype(float)
        spread = f", spænd {number_text(values.min())}–{number_text(values.max())}" if len(values) > 1 else ""
        who = "; ".join(f"{r.assessor_name}: {number_text(r.value)}" for r in rows.itertuples(index=False))
        return (f"Nu: {number_text(float(values.median()))} – {KIND_LABELS['assessed'].lower()} "
                f"({assessors_text(len(values))}{spread}). {who}.")
    base = dataset.values[(dataset.values["area_id"] == area_id) & (dataset.values["indicator_id"] == ind.id)]
    if len(base) and not pd.isna(base["value"].iloc[0]):
        kind = str(base["kind"].iloc[0])
        label = {"illustrative": "illustrativ pladsholder, ikke en vurdering"}.get(kind, KIND_LABELS.get(kind, kind))
        return f"Nu: {number_text(float(base['value'].iloc[0]))} ({label.lower()}). Ingen lokale vurderinger endnu."
    return "Ingen værdi og ingen lokale vurderinger endnu."


def _new(area_id: str, ind: Indicator, value: float | None, reason: str, evidence: str,
         day: dt.date) -> NewAssessment:
    return NewAssessment(
        area_id=area_id, indicator_id=ind.id, value=value, reason=reason, evidence=evidence,
        assessor_name=st.session_state.get(state.ASSESSOR_NAME, ""),
        assessor_role=st.session_state.get(state.ASSESSOR_ROLE, ""), assessed_on=day,
    )


def _save(dataset: Dataset, area_id: str, ind: Indicator, opened: int, value: float | None, reason: str,
          evidence: str, day: dt.date) -> None:
    """Record one entry (a value, or a withdrawal when ``value`` is None); every refusal is a Danish message."""
    try:
        saved = record_assessment(state.engine(), _new(area_id, ind, value, reason, evidence, day), dataset.model,
                                  dataset.area_ids, expected_version=opened)
    except AssessmentConflict as exc:
        state.remember_version(area_id, ind.id, exc.version)  # the user now sees the newer value
        state.push_assessment_message(False, str(exc))
    except (AssessmentError, StoreError) as exc:
        state.push_assessment_message(False, f"{exc} Intet er gemt.")
    else:
        state.remember_version(area_id, ind.id, saved.version)
        state.clear_form(area_id, ind.id)
        name = dataset.areas.at[area_id, "name"]
        what = "trukket tilbage" if saved.value is None else f"gemt: {number_text(saved.value)}"
        state.push_assessment_message(True, f"{saved.assessor_name}s vurdering af '{ind.label}' for {name} er {what}.")
    st.rerun()


def history_view(dataset: Dataset, area_id: str, ind: Indicator, rows: pd.DataFrame) -> None:
    """Every entry for this value, newest first, one click away; withdraw one's own current assessment."""
    me = str(st.session_state.get(state.ASSESSOR_NAME, "")).strip()
    mine = rows[rows["assessor_name"].str.casefold() == me.casefold()] if me and len(rows) else rows.iloc[0:0]
    try:
        entries = history(state.engine(), area_id=area_id, indicator_id=ind.id)
    except StoreError as exc:
        st.error(md(str(exc)))
        return
    with st.expander(f"Historik ({len(entries)})"):
        if entries:
            st.dataframe(history_frame(entries), hide_index=True, width="stretch")
        else:
            st.caption("Ingen vurderinger endnu.")
    if len(mine):
        with st.popover(WITHDRAW_LABEL):
            reason = st.text_area("Hvorfor trækker du vurderingen tilbage? (skal udfyldes)", max_chars=4000,
                                  key=state.form_key("withdraw_reason", area_id, ind.id))
            if st.button("Bekræft tilbagetrækning", key=state.form_key("withdraw", area_id, ind.id)):
                opened = state.opened_version(area_id, ind.id, lambda: 0)
                _save(dataset, area_id, ind, opened, None, reason, "", dt.date.today())


def history_frame(entries: list) -> pd.DataFrame:
    """History entries, newest first, with Danish headers (the grid shows text as text)."""
    ordered = sorted(entries, key=lambda e: e.id, reverse=True)
    return pd.DataFrame({
        "Gemt": [time_text(e.recorded_at) for e in ordered],
        "Vurderer": [e.assessor_name for e in ordered],
        "Gammel → ny": [f"{_old(e.previous_value)} → {number_text(e.value)}" for e in ordered],
        "Begrundelse": [e.reason for e in ordered],
        "Rolle / organisation": [e.assessor_role for e in ordered],
        "Dokumentation": [e.evidence for e in ordered],
        "Vurderingsdato": [date_text(e.assessed_on) for e in ordered],
        "Version": [e.version for e in ordered],
    })


def _old(value: float | None) -> str:
    return "–" if value is None else number_text(value)


def overview(dataset: Dataset, indicators: list[Indicator], latest: pd.DataFrame) -> None:
    """Areas x assessed indicators: the value in use, the assessors' spread and their number."""
    rows = []
    for aid in dataset.area_ids:
        row: dict[str, object] = {"Område": dataset.areas.at[aid, "name"]}
        for ind in indicators:
            cells = cell_rows(latest, aid, ind.id)
            if len(cells):
                v = cells["value"].astype(float)
                spread = f" ({number_text(v.min())}–{number_text(v.max())})" if len(v) > 1 else ""
                row[ind.label] = f"{number_text(float(v.median()))}{spread} · {assessors_text(len(v))}"
            else:
                row[ind.label] = "ingen vurdering"
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3)
    st.caption("Hver celle: værdien i rangeringen (median af vurderernes seneste vurdering), spændet mellem "
               "vurdererne og antallet af vurderere. 'ingen vurdering' = rangeringen bruger datapakkens værdi.")
