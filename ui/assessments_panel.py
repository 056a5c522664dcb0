"""Vurderinger: local assessors give a value, a reason and evidence per area and assessed indicator.

Every save is a new row in the assessment store (``selection.assessments``). A form remembers the
value version it was opened on, so a save on top of someone else's newer assessment is refused with
the core's Danish message and nothing is overwritten. User text is shown as plain text (dataframes)
or through ``ui.text.md``; never as raw Markdown or HTML.

The area being assessed is one value, ``state.SELECTED`` (shared with the map and the detail panel): the
picker here is a mirror of it, set from it on every run, so the picker, the forms, the map and a save
never name different areas. The form fields are plain widgets (not an ``st.form``), so typed text reaches
the session at once and is kept as a draft per area x indicator while another area or view is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from selection.access import ASSESS, AccessDenied
from selection.assessments import (
    AssessmentConflict,
    AssessmentError,
    NewAssessment,
    assessment_indicators,
    history,
    record_assessment,
    value_version,
)
from selection.assessments.history import entry_key
from selection.assessments.wording import assessors_text, time_text
from selection.data.criteria import Indicator
from selection.data.dataset import KIND_LABELS, Dataset
from selection.output.basemaps import Basemap
from selection.ranking.scoring import ScoreResult
from selection.storage.database import StoreError
from selection.text.formatting import local_today
from selection.text.number_parser import NumberError, parse_number
from ui import access, assessment_messages, assessment_sheet, data, map_panel, state
from ui.assessment_format import cached_date, cached_number
from ui.text import md

SAVE_LABEL = "Gem vurdering"
NAMED_ASSESSORS = 8  # assessors named beside the current value; the rest are counted
WITHDRAW_LABEL = "Træk min vurdering tilbage"


class Cells:
    """The assessors' current entries grouped per area x indicator (grouped once per page run)."""

    def __init__(self, latest: pd.DataFrame):
        self._empty = latest.iloc[0:0]
        # iter(): a GroupBy has a ``keys`` attribute, so dict() would take it for a mapping.
        self._groups = dict(iter(latest.groupby(["area_id", "indicator_id"], sort=False)))

    def get(self, area_id: str, indicator_id: str) -> pd.DataFrame:
        return self._groups.get((area_id, indicator_id), self._empty)


def render(dataset: Dataset, result: ScoreResult, background: Basemap) -> None:
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
    area_id = assessed_area(dataset)
    show_messages("", elsewhere=area_id)
    writer = access.can(ASSESS)
    if writer:
        who_left, who_right = st.columns(2)
        who = str(state.ASSESSOR_NAME.get("")).strip()
        who_left.caption(md(f"Du vurderer som: {who}") if who else "Skriv dit navn i sidepanelet, før du vurderer.")
        who_right.text_input(
            "Rolle / organisation",
            key=state.ASSESSOR_ROLE.name,
            max_chars=160,
            placeholder="fx SSP-konsulent, Københavns Kommune",
        )
    else:
        st.info("Du kan se vurderingerne og deres historik, men din rolle giver ikke adgang til at gemme vurderinger.")
    try:
        latest = Cells(data.latest_assessments())
    except StoreError as exc:
        st.error(md(f"Vurderingsdatabasen kan ikke læses: {exc}"))
        return
    area_tab, overview_tab, sheet_tab = st.tabs(["Vurder et område", "Overblik", "Vurderingsark (offline)"])
    with area_tab:
        forms_col, map_col = st.columns([3, 2], gap="large")
        with forms_col:
            area_forms(dataset, indicators, latest, area_id)
        with map_col:
            st.markdown("**Rangering nu**")
            map_panel.render(dataset, result, area_id, background)
            rank_line(dataset, result, area_id)
    with overview_tab:
        overview(dataset, indicators, latest)
    with sheet_tab:
        assessment_sheet.render(data.package_dataset(), data.latest_assessments(), writer)


def rank_line(dataset: Dataset, result: ScoreResult, area_id: str) -> None:
    """The chosen area's rank and total under the map."""
    table = result.table.set_index("area_id")
    rank = table.at[area_id, "rank"]
    name = dataset.areas.at[area_id, "name"]
    place = "ikke rangeret" if pd.isna(rank) else f"nr. {int(rank)} af {len(result.ranked)}"
    st.caption(md(f"{name}: {place}, samlet score {cached_number(round(float(table.at[area_id, 'total']), 1))}."))


def assessed_area(dataset: Dataset) -> str:
    """The one area being assessed: the selected area of the map and the detail panel (``state.SELECTED``)."""
    area_id = map_panel.selected_area(dataset)
    state.SELECTED.keep()  # also the detail panel's widget key: kept while that panel is not drawn
    return area_id


def area_forms(dataset: Dataset, indicators: list[Indicator], latest: Cells, area_id: str) -> None:
    """The area picker (a mirror of ``state.SELECTED``) and one bordered form per assessed indicator."""
    names = dataset.areas["name"].to_dict()
    state.ASSESSMENT_AREA.set(area_id)  # set on every run: the browser's picker never shows another area
    st.selectbox(
        "Område",
        dataset.area_ids,
        key=state.ASSESSMENT_AREA.name,
        format_func=lambda a: str(names[a]),
        on_change=_on_pick,
        args=(dataset,),
        help="Du kan også klikke på et område på kortet. Tekst, du har skrevet, men ikke gemt, bliver stående.",
    )
    unsaved = [
        f"{names.get(a, a)} ({label})"
        for (a, i), label in ((key, _label(indicators, key[1])) for key in drafts())
        if a != area_id and a in names
    ]
    if unsaved:
        st.warning(md("Ikke gemt endnu: din tekst for " + "; ".join(unsaved) + ". Vælg området for at gemme den."))
    for ind in indicators:
        with st.container(border=True, key=state.assessment_box_key(ind.id).name):
            indicator_form(dataset, area_id, ind, latest)


def _label(indicators: list[Indicator], indicator_id: str) -> str:
    return next((ind.label for ind in indicators if ind.id == indicator_id), indicator_id)


def _on_pick(dataset: Dataset) -> None:
    """The picker changed: that area is now the one being assessed (and the one the map and details show)."""
    area_id = state.ASSESSMENT_AREA.get()
    if area_id in dataset.areas.index:
        state.SELECTED.set(str(area_id))


DRAFT_FIELDS = ("value", "date", "reason", "evidence")


def drafts() -> dict[tuple[str, str], dict]:
    """Unsaved typed text per (area_id, indicator_id)."""
    return state.ASSESSMENT_DRAFTS.setdefault({})


def _field(field: str, area_id: str, indicator_id: str) -> str:
    """A form field's widget key, its value written on every run (from the draft, else as it stands): the browser
    forgets a field that was not drawn while another area or view was shown, and is sent the value again."""
    key = state.form_key(field, area_id, indicator_id)
    draft = drafts().get((area_id, indicator_id), {})
    if field in draft:
        key.set(draft[field])
    elif key.is_set():
        key.keep()
    elif field == "date":
        key.set(local_today())
    return key.name


def _remember(field: str, area_id: str, indicator_id: str) -> None:
    """A field changed: keep what it holds as the draft of this area x indicator (an empty form has none)."""
    draft = drafts().setdefault((area_id, indicator_id), {})
    draft[field] = state.form_key(field, area_id, indicator_id).get()
    if not any(draft.get(f) for f in ("value", "reason", "evidence")):
        drafts().pop((area_id, indicator_id), None)


def indicator_form(dataset: Dataset, area_id: str, ind: Indicator, latest: Cells) -> None:
    """The form for one area x indicator: value, date, reason, evidence; withdraw and history below."""
    crit = dataset.model.criterion(ind.criterion_id)
    st.markdown(f"**{md(ind.label)}** · {md(crit.label)} · skala {md(ind.scale_text)}")
    rows = latest.get(area_id, ind.id)
    st.caption(md(current_text(dataset, area_id, ind, rows)))
    if ind.anchors:
        st.caption("  \n".join(f"**{md(cached_number(point))}** = {md(text)}" for point, text in ind.anchors))
    if not access.can(ASSESS):
        history_view(dataset, area_id, ind, rows)
        return
    try:
        opened_version(area_id, ind.id, lambda: value_version(data.engine(), area_id, ind.id))
    except StoreError as exc:
        st.error(md(str(exc)))
        return
    where = (area_id, ind.id)
    left, right = st.columns(2)
    left.text_input(  # text, read by the strict parser: "3,5" and "3.5" are 3.5 (a number field drops the comma)
        f"Værdi ({ind.scale_text})",
        max_chars=40,
        placeholder=f"{cached_number(ind.scale_min)}–{cached_number(ind.scale_max)}, fx {_example(ind)}",
        key=_field("value", *where),
        on_change=_remember,
        args=("value", *where),
    )
    right.date_input(
        "Dato for vurderingen",
        format="DD.MM.YYYY",
        key=_field("date", *where),
        on_change=_remember,
        args=("date", *where),
    )
    st.text_area(
        "Begrundelse (skal udfyldes)",
        max_chars=4000,
        height=80,
        key=_field("reason", *where),
        on_change=_remember,
        args=("reason", *where),
    )
    st.text_input(
        "Dokumentation: link eller dokumenthenvisning (valgfrit)",
        max_chars=1000,
        key=_field("evidence", *where),
        on_change=_remember,
        args=("evidence", *where),
    )
    # Saved in the callback, before the page runs: this run already shows the new ranking.
    save = state.form_key("save", *where)
    st.button(SAVE_LABEL, type="primary", key=save.name, on_click=_on_save, args=(dataset, area_id, ind))
    show_messages(_place(area_id, ind))
    history_view(dataset, area_id, ind, rows)


def _place(area_id: str, ind: Indicator) -> str:
    return f"{area_id}/{ind.id}"


def show_messages(where: str, elsewhere: str | None = None) -> None:
    """Messages from the last save, escaped (they repeat names and reasons people typed). With ``elsewhere`` (the
    area shown), the messages of other areas' forms are shown here too: no save goes unanswered."""
    for message in assessment_messages.pop(where, elsewhere):
        (st.success if message.ok else st.error)(md(message.text))


def _on_save(dataset: Dataset, area_id: str, ind: Indicator) -> None:
    """'Gem vurdering': read the form's fields and record them (an empty value is refused, not a withdrawal)."""
    typed = state.form_key("value", area_id, ind.id).get()
    try:
        value = parse_number(typed, "auto")
    except NumberError as exc:
        assessment_messages.push(
            False, f"Værdien for '{ind.label}': {exc} Skriv fx {_example(ind)}. Intet er gemt.", _place(area_id, ind)
        )
        return
    if value is None:
        assessment_messages.push(
            False, f"Angiv en værdi på skalaen {ind.scale_text} for '{ind.label}'. Intet er gemt.", _place(area_id, ind)
        )
        return
    _save(
        dataset,
        area_id,
        ind,
        value,
        state.form_key("reason", area_id, ind.id).get(""),
        state.form_key("evidence", area_id, ind.id).get(""),
        state.form_key("date", area_id, ind.id).get() or local_today(),
    )


def _on_withdraw(dataset: Dataset, area_id: str, ind: Indicator) -> None:
    """'Bekræft tilbagetrækning': a new entry without a value, with its reason."""
    _save(
        dataset,
        area_id,
        ind,
        None,
        state.form_key("withdraw_reason", area_id, ind.id).get(""),
        "",
        local_today(),
    )


def _example(ind: Indicator) -> str:
    """A value of the indicator's scale in Danish notation, for the field's hint ("3,5"; whole scales: "3")."""
    middle = round((ind.scale_min + ind.scale_max) / 2)
    if ind.whole or ind.values == "yes_no" or middle + 0.5 > ind.scale_max:
        return cached_number(middle)
    return cached_number(middle + 0.5)


def current_text(dataset: Dataset, area_id: str, ind: Indicator, rows: pd.DataFrame) -> str:
    """The value the ranking uses now and where it comes from."""
    if len(rows):
        values = rows["value"].astype(float)
        spread = f", spænd {cached_number(values.min())}–{cached_number(values.max())}" if len(values) > 1 else ""
        named = [
            f"{r.assessor_shown}: {cached_number(r.value)}" for r in rows.head(NAMED_ASSESSORS).itertuples(index=False)
        ]
        more = len(rows) - len(named)
        who = "; ".join(named) + (f" og {more} flere (se historikken)" if more > 0 else "")
        return (
            f"Nu: {cached_number(float(values.median()))} – {KIND_LABELS['assessed'].lower()} "
            f"({assessors_text(len(values))}{spread}). {who}."
        )
    base = dataset.values[(dataset.values["area_id"] == area_id) & (dataset.values["indicator_id"] == ind.id)]
    if len(base) and not pd.isna(base["value"].iloc[0]):
        kind = str(base["kind"].iloc[0])
        label = {"illustrative": "illustrativ pladsholder, ikke en vurdering"}.get(kind, KIND_LABELS.get(kind, kind))
        return f"Nu: {cached_number(float(base['value'].iloc[0]))} ({label.lower()}). Ingen lokale vurderinger endnu."
    return "Ingen værdi og ingen lokale vurderinger endnu."


def _new(area_id: str, ind: Indicator, value: float | None, reason: str, evidence: str, day: dt.date) -> NewAssessment:
    return NewAssessment(
        area_id=area_id,
        indicator_id=ind.id,
        value=value,
        reason=reason,
        evidence=evidence,
        assessor_name=state.ASSESSOR_NAME.get(""),
        assessor_role=state.ASSESSOR_ROLE.get(""),
        assessed_on=day,
    )


def _save(
    dataset: Dataset, area_id: str, ind: Indicator, value: float | None, reason: str, evidence: str, day: dt.date
) -> None:
    """Record one entry (a value, or a withdrawal when ``value`` is None) on the version the form was opened on;
    every refusal is a Danish message and saves nothing."""
    try:
        opened = opened_version(area_id, ind.id, lambda: value_version(data.engine(), area_id, ind.id))
        saved = record_assessment(
            data.engine(),
            _new(area_id, ind, value, reason, evidence, day),
            dataset.model,
            dataset.area_ids,
            expected_version=opened,
            actor=access.current_actor(),
        )
    except AssessmentConflict as exc:
        try:  # the form now stands on the newer version (the user sees it): the next save works in one click
            newer = exc.version if exc.version >= 0 else value_version(data.engine(), area_id, ind.id)
            remember_version(area_id, ind.id, newer)
        except StoreError:
            forget_version(area_id, ind.id)  # read again from the store when the form is drawn
        assessment_messages.push(False, f"{exc} Din tekst står stadig i formularen.", _place(area_id, ind))
    except AccessDenied as exc:
        assessment_messages.push(False, str(exc), _place(area_id, ind))
    except (AssessmentError, StoreError) as exc:
        assessment_messages.push(False, f"{exc} Intet er gemt.", _place(area_id, ind))
    else:
        remember_version(area_id, ind.id, saved.version)
        clear_form(area_id, ind.id)
        drafts().pop((area_id, ind.id), None)
        name = dataset.areas.at[area_id, "name"]
        what = "trukket tilbage" if saved.value is None else f"gemt: {cached_number(saved.value)}"
        assessment_messages.push(
            True, f"{saved.assessor_name}s vurdering af '{ind.label}' for {name} er {what}.", _place(area_id, ind)
        )


def opened_version(area_id: str, indicator_id: str, current: Callable[[], int]) -> int:
    """The value version this session's form was opened on (read from the store the first time only)."""
    versions = state.OPENED_VERSIONS.setdefault({})
    if (area_id, indicator_id) not in versions:
        versions[(area_id, indicator_id)] = int(current())
    return versions[(area_id, indicator_id)]


def remember_version(area_id: str, indicator_id: str, version: int) -> None:
    """After a save (or a refused stale save the user has now seen), the form stands on this version."""
    state.OPENED_VERSIONS.setdefault({})[(area_id, indicator_id)] = int(version)


def forget_version(area_id: str, indicator_id: str) -> None:
    """The form's version is read from the store again the next time the form is drawn."""
    state.OPENED_VERSIONS.setdefault({}).pop((area_id, indicator_id), None)


def clear_form(area_id: str, indicator_id: str) -> None:
    """Empty a saved form's fields (value, reason, evidence) for the next assessment."""
    for field, empty in (("value", None), ("reason", ""), ("evidence", ""), ("withdraw_reason", "")):
        state.form_key(field, area_id, indicator_id).set(empty)  # set, not deleted: the browser keeps deleted


HISTORY_SHOWN = 200  # newest entries shown per value; the command line lists them all


@st.cache_data(show_spinner=False, max_entries=64)
def _history(store_key: str, area_id: str, indicator_id: str) -> tuple[pd.DataFrame, int]:
    """The newest HISTORY_SHOWN entries of one value as a frame, and the number of entries (cached per revision)."""
    entries = history(data.engine(), area_id=area_id, indicator_id=indicator_id)
    return history_frame(entries[-HISTORY_SHOWN:]), len(entries)


def history_view(dataset: Dataset, area_id: str, ind: Indicator, rows: pd.DataFrame) -> None:
    """Every entry for this value, newest first, one click away; withdraw one's own current assessment."""
    mine = rows[rows["assessor_key"] == my_key()] if len(rows) else rows.iloc[0:0]
    try:
        frame, total = _history(data.store_key(), area_id, ind.id)
    except StoreError as exc:
        st.error(md(str(exc)))
        return
    with st.expander(f"Historik ({total})"):
        if total:
            st.dataframe(
                frame,
                hide_index=True,
                width="stretch",
                column_config={"Begrundelse": st.column_config.TextColumn(width="large")},
            )
            if total > HISTORY_SHOWN:
                st.caption(
                    f"Viser de seneste {HISTORY_SHOWN} af {total} ændringer. Hele historikken: "
                    "python -m selection assessments history --area OMRÅDE-ID."
                )
        else:
            st.caption("Ingen vurderinger endnu.")
    if len(mine) and access.can(ASSESS):
        with st.popover(WITHDRAW_LABEL):
            st.text_area(
                "Hvorfor trækker du vurderingen tilbage? (skal udfyldes)",
                max_chars=4000,
                key=state.form_key("withdraw_reason", area_id, ind.id).name,
            )
            st.button(
                "Bekræft tilbagetrækning",
                key=state.form_key("withdraw", area_id, ind.id).name,
                on_click=_on_withdraw,
                args=(dataset, area_id, ind),
            )


def my_key() -> str:
    """The assessor this session's own entries belong to (the store's rule: the sign-in, else the typed name)."""
    name = str(state.ASSESSOR_NAME.get("")).strip()
    try:
        identity = access.current_actor().identity
    except AccessDenied:
        return ""
    return entry_key(name, identity, on_behalf=False) if name else ""


def history_frame(entries: list) -> pd.DataFrame:
    """History entries, newest first, with Danish headers (the grid shows text as text)."""
    ordered = sorted(entries, key=lambda e: e.id, reverse=True)
    return pd.DataFrame(
        {
            "Vurderer": [e.assessor_text for e in ordered],
            "Gammel → ny": [f"{_old(e.previous_value)} → {cached_number(e.value)}" for e in ordered],
            "Begrundelse": [e.reason for e in ordered],
            "Gemt": [time_text(e.recorded_at) for e in ordered],
            "Rolle / organisation": [e.assessor_role for e in ordered],
            "Dokumentation": [e.evidence for e in ordered],
            "Vurderingsdato": [cached_date(e.assessed_on) for e in ordered],
            "Version": [e.version for e in ordered],
            "Gemt af (identitet)": [e.stored_by or "(før log-ind: navnet som skrevet)" for e in ordered],
        },
        columns=HISTORY_COLUMNS,
    )


HISTORY_COLUMNS = [
    "Vurderer",
    "Gemt af (identitet)",
    "Gammel → ny",
    "Begrundelse",
    "Gemt",
    "Rolle / organisation",
    "Dokumentation",
    "Vurderingsdato",
    "Version",
]


def _old(value: float | None) -> str:
    return "–" if value is None else cached_number(value)


def overview(dataset: Dataset, indicators: list[Indicator], latest: Cells) -> None:
    """Areas x assessed indicators: the value in use, the assessors' spread and their number."""
    rows = []
    for aid in dataset.area_ids:
        row: dict[str, object] = {"Område": dataset.areas.at[aid, "name"]}
        for ind in indicators:
            cells = latest.get(aid, ind.id)
            if len(cells):
                v = cells["value"].astype(float)
                spread = f" ({cached_number(v.min())}–{cached_number(v.max())})" if len(v) > 1 else ""
                row[ind.label] = f"{cached_number(float(v.median()))}{spread} · {assessors_text(len(v))}"
            else:
                row[ind.label] = "ingen vurdering"
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3)
    st.caption(
        "Hver celle: værdien i rangeringen (median af vurderernes seneste vurdering), spændet mellem "
        "vurdererne og antallet af vurderere. 'ingen vurdering' = rangeringen bruger datapakkens værdi."
    )
