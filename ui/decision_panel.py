"""The "Beslutning" view (meeting form and Beslutningslog) and the report downloads of the ranking view.

Thin: the decision record is ``selection.decisions``, the snapshot and the report ``selection.report``.
User text is shown with ``st.text`` or through ``ui.text.md`` (never as Markdown/HTML).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, overload

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from selection.access import RECORD_DECISION, AccessDenied
from selection.access.model import stored_by_text
from selection.data.criteria import CriteriaModel
from selection.data.dataset import Dataset
from selection.decisions import (
    Decision,
    DecisionError,
    NewDecision,
    Participant,
    changes_since,
    get_decision,
    list_decisions,
    record_decision,
)
from selection.errors import WeightError
from selection.ranking.scoring import ScoreResult
from selection.report import render_html, render_pdf
from selection.report.render import TIMEZONE, local_date, local_time
from selection.report.snapshot import snapshot_from_store
from selection.report.weighting import reportable_rounds, round_choice_text
from selection.rounds.model import Round, RoundError
from selection.scenarios import describe
from selection.scenarios.resolve import scenario_record
from selection.storage.database import StoreError, store_exists
from selection.text.formatting import MISSING, local_today, number, text_table
from ui import access, data, scenarios, state
from ui.sidebar import whole_shares
from ui.text import md
from ui.values import Settings

VIEW = "Beslutning"
MAX_LOG = 20  # newest decisions shown in full (each loads its snapshot)


@overload
def store_engine(create: Literal[True]) -> Engine: ...
@overload
def store_engine(create: Literal[False]) -> Engine | None: ...
def store_engine(create: bool) -> Engine | None:
    """The assessment/decision store (the app's one engine, ``data.engine``); None if the SQLite file does
    not exist and ``create`` is False."""
    if not create and not store_exists():
        return None
    return data.engine()


def scenario_args(model: CriteriaModel, settings: Settings) -> dict:
    """The on-screen exclusion rules and the scenario they belong to (None when the screen differs from the
    opened scenario or none is open: the report then says 'ikke gemt')."""
    on_screen = scenarios.current(model, settings)
    opened = state.OPENED.get()
    record = None
    if opened is not None and opened.key == on_screen.key():
        stored = opened.version is not None
        record = scenario_record(
            opened.name, int(opened.ref) if stored else None, opened.version, None if stored else opened.ref
        )
    return {"rules": tuple(on_screen.rules), "scenario": record}


def _snapshot(
    dataset: Dataset, settings: Settings, top_n: int, engine: Engine | None, weighting_round: Round | None = None
) -> dict:
    return snapshot_from_store(
        dataset,
        engine,
        settings.weights,
        top_n,
        sub_weights=settings.sub_weights,
        distance_m=settings.distance_m,
        weighting_round=weighting_round,
        **scenario_args(dataset.model, settings),
    )


def remember_ranking(result: ScoreResult, settings: Settings, model: CriteriaModel) -> None:
    """Called by the ranked fragment on each run: keep the settings of the ranking on screen (weights of the last
    valid one, rules, open scenario) where the report buttons read them at click time. A dict update, no element:
    weight changes stay fast."""
    holder = state.REPORT_ARGS.setdefault({})
    holder.update(
        weights=dict(result.weights),
        sub_weights=dict(result.sub_weights),
        distance_m=settings.distance_m,
        **scenario_args(model, settings),
    )


def round_chooser(label: str, key: state.Key[int | None], rounds: list[Round], default: int | None) -> Round | None:
    """A selectbox of weighting rounds whose result has been shown ('Ingen' first); the chosen round or None.
    A remembered choice that is no longer offered falls back to ``default``."""
    ids = [r.id for r in rounds]
    if key.get() not in (None, *ids):
        key.set(default)
    key.setdefault(default)
    by_id = {r.id: r for r in rounds}
    pick = st.selectbox(
        label,
        [None, *ids],
        key=key.name,
        format_func=lambda i: "Ingen" if i is None else round_choice_text(by_id[i]),
        placeholder="Ingen",  # shown for None instead of format_func
    )
    return by_id.get(pick) if pick is not None else None


def report_downloads(dataset: Dataset, top_n: int) -> None:
    """'Hent rapport (PDF)' and '(HTML)' below the shortlist: the report at the weights on screen, built on click.

    Drawn by the page, not by the ranked fragment; the callables read the weights that ``remember_ranking``
    stored last, so the file matches the ranking shown when the button is clicked. When weighting rounds have
    been revealed, a chooser above the buttons picks the one the report shows (the newest by default; 'Ingen'
    leaves the section out).
    """
    holder = state.REPORT_ARGS.setdefault({})
    stamp = datetime.now(TIMEZONE).strftime("%Y-%m-%d")
    try:
        engine = store_engine(create=False)  # resolved here: the callables run outside the script run
        rounds = reportable_rounds(engine, dataset.model)
    except StoreError as exc:
        st.error(md(exc))
        return
    chosen = round_chooser("Vægtningsrunde i rapporten", state.REPORT_ROUND, rounds, rounds[0].id) if rounds else None

    def snapshot() -> dict:
        return snapshot_from_store(
            dataset,
            engine,
            holder.get("weights"),
            top_n,
            sub_weights=holder.get("sub_weights"),
            distance_m=holder.get("distance_m"),
            rules=holder.get("rules", ()),
            scenario=holder.get("scenario"),
            weighting_round=chosen,
        )

    row = st.container(horizontal=True)  # one row, like the shortlist's downloads above it
    row.download_button(
        "Hent rapport (PDF)",
        data=lambda: render_pdf(snapshot()),
        file_name=f"rapport_{stamp}.pdf",
        mime="application/pdf",
        key=state.DOWNLOAD_REPORT_PDF.name,
        on_click="ignore",
    )
    row.download_button(
        "Hent rapport (HTML)",
        data=lambda: render_html(snapshot()).encode("utf-8"),
        file_name=f"rapport_{stamp}.html",
        mime="text/html",
        key=state.DOWNLOAD_REPORT_HTML.name,
        on_click="ignore",
    )


def parse_participants(text: str) -> tuple[Participant, ...]:
    """One participant per line: 'Navn, rolle' (the role is optional)."""
    people = []
    for line in text.splitlines():
        name, _, role = line.partition(",")
        if name.strip() or role.strip():
            people.append(Participant(name.strip(), role.strip()))
    return tuple(people)


def render(dataset: Dataset, settings: Settings, result: ScoreResult, top_n: int) -> None:
    """The meeting form, then the log of every decision with its snapshot and what changed since."""
    if message := state.DECISION_SAVED.pop():
        st.success(message)
    try:
        engine = store_engine(create=False)
        decisions = list_decisions(engine) if engine is not None else []
        rounds = reportable_rounds(engine, dataset.model)
    except StoreError as exc:
        st.error(md(exc))
        return
    ranked = result.ranked
    if not access.can(RECORD_DECISION):
        st.info("Du kan se beslutningsloggen; kun en administrator kan registrere beslutninger.")
    elif len(ranked) == 0:
        st.info("Ingen områder kan rangeres med de nuværende vægte, så der kan ikke registreres en beslutning.")
    else:
        _form(dataset, settings, ranked, top_n, decisions, rounds)
    st.subheader("Beslutningslog", anchor=False)
    if not decisions or engine is None:  # no store yet: nothing recorded
        st.info("Der er endnu ingen registrerede beslutninger.")
        return
    for decision in decisions[:MAX_LOG]:
        try:
            _log_entry(dataset, decision, engine)
        except (StoreError, DecisionError) as exc:
            st.error(md(exc))
    if len(decisions) > MAX_LOG:
        st.caption(
            f"Viser de {MAX_LOG} nyeste af {len(decisions)} beslutninger; "
            "'python -m selection report --decision N' giver rapporten for enhver af dem."
        )


# the texts a saved decision form forgets, with the decision it corrects and the round it builds on (the date,
# area, scenario text and name stay: the next decision is often made at the same meeting by the same person)
FORM_TEXTS = (
    state.DECISION_PEOPLE,
    state.DECISION_REASONS,
    state.DECISION_DISSENT,
    state.DECISION_CONDITIONS,
)


def _form(
    dataset: Dataset,
    settings: Settings,
    ranked: pd.DataFrame,
    top_n: int,
    decisions: list[Decision],
    rounds: list[Round],
) -> None:
    st.caption(
        "Registrér styregruppens beslutning. Ved gem fastfryses et øjebliksbillede af data, vurderinger, "
        "vægte, rangering og robusthed. En beslutning kan ikke ændres bagefter; en rettelse gemmes som en "
        "ny beslutning, der henviser til den gamle."
    )
    labels = {c.id: c.label for c in dataset.model.criteria}
    shares = whole_shares({c: float(settings.weights.get(c, 0.0)) for c in labels})  # as the sliders show them
    weights_text = "Vægte: " + ", ".join(f"{labels[c]} {shares[c]} %" for c in labels)
    shown = scenario_args(dataset.model, settings)
    if shown["scenario"]:
        weights_text = f"Scenarie: {shown['scenario']['name']}. {weights_text}"
    if shown["rules"]:
        weights_text += ". Udelukkelsesregler: " + "; ".join(describe(r, dataset.model) for r in shown["rules"])
    options = dict(
        zip(
            ranked["area_id"],
            [f"{int(r)}. {n}" for r, n in zip(ranked["rank"], ranked["name"], strict=True)],
            strict=True,
        )
    )
    if not state.DECISION_TOKEN.is_set():  # a new form: after a save, or the first one of the session
        _empty_form()
    token = state.DECISION_TOKEN.setdefault(uuid.uuid4().hex)  # kept until this form's decision is saved
    with st.form(state.DECISION_FORM.name):
        c1, c2 = st.columns(2)
        decided_on = c1.date_input("Mødedato", value=local_today(), format="DD.MM.YYYY", key=state.DECISION_DATE.name)
        chosen = c2.selectbox(
            "Valgt område", list(options), format_func=options.__getitem__, key=state.DECISION_AREA.name
        )
        participants = st.text_area(
            "Deltagere (én pr. linje: navn, rolle)",
            key=state.DECISION_PEOPLE.name,
            placeholder="Bo Jensen, formand\nEva Lund, SSP-koordinator",
        )
        scenario = st.text_area(
            "Scenarie og vægte, der blev vist", value=weights_text, key=state.DECISION_SCENARIO.name
        )
        reasons = st.text_area("Begrundelse", key=state.DECISION_REASONS.name)
        dissent = st.text_area("Afvigende synspunkter", key=state.DECISION_DISSENT.name)
        conditions = st.text_area("Betingelser og næste skridt", key=state.DECISION_CONDITIONS.name)
        c3, c4 = st.columns(2)
        recorded_by = c3.text_input(
            "Registreret af", key=state.DECISION_BY.name, value=str(state.ASSESSOR_NAME.get(""))
        )
        corrects = c4.selectbox(
            "Retter beslutning",
            [None, *[d.id for d in decisions]],
            key=state.DECISION_CORRECTS.name,
            format_func=lambda i: "Ingen (ny beslutning)" if i is None else f"Nr. {i}",
            placeholder="Ingen (ny beslutning)",
        )  # shown for None instead of format_func
        cited = (
            round_chooser("Bygger på vægtningsrunde", state.DECISION_ROUND, rounds, None) if rounds else None
        )  # its group result, participants' ranks and weights go into the snapshot
        submitted = st.form_submit_button("Gem beslutning", type="primary")
    if not submitted:
        return
    new = NewDecision(
        decided_on,
        parse_participants(participants),
        scenario,
        chosen,
        reasons,
        dissent,
        conditions,
        recorded_by,
        corrects,
        cited.id if cited is not None else None,
    )
    try:
        with st.spinner("Gemmer beslutningen med et øjebliksbillede af data …"):
            engine = store_engine(create=True)
            saved = record_decision(
                engine,
                new,
                _snapshot(dataset, settings, top_n, engine, cited),
                actor=access.current_actor(),
                submission=token,
            )
    except (DecisionError, RoundError, StoreError, AccessDenied) as exc:
        st.error(md(exc))
        return
    except WeightError as exc:  # the weights on screen cannot rank (the page shows the last valid ranking)
        st.error(md(f"{exc} Intet er gemt."))
        return
    if saved.repeated:
        state.DECISION_SAVED.set(f"Beslutning nr. {saved.id} var allerede gemt; den er ikke gemt igen.")
    else:
        state.DECISION_SAVED.set(f"Beslutning nr. {saved.id} er gemt.")
    state.DECISION_TOKEN.pop()  # the next run draws a new, empty form: the next submission is a new decision
    st.rerun()


def _empty_form() -> None:
    """Empty the fields a saved decision forgets, before the form is drawn. Set, not removed: a removed key
    leaves the text the browser shows in place, and a further press would send it again."""
    for text in FORM_TEXTS:
        text.set("")
    state.DECISION_CORRECTS.set(None)
    state.DECISION_ROUND.pop()  # round_chooser sets its default before the selectbox is drawn


def _log_entry(dataset: Dataset, decision: Decision, engine: Engine) -> None:
    full = get_decision(engine, decision.id)
    snapshot = full.snapshot or {}
    names = {a["id"]: a["name"] for a in snapshot.get("areas", [])}
    chosen = names.get(decision.chosen_area_id, decision.chosen_area_id)
    title = f"Nr. {decision.id} · {local_date(decision.decided_on.isoformat())} · {chosen}"
    if decision.corrects_id:
        title += f" · retter nr. {decision.corrects_id}"
    if decision.corrected_by:
        title += " · rettet af " + ", ".join(f"nr. {i}" for i in decision.corrected_by)
    with st.expander(md(title)):
        changes = changes_since(full, dataset, engine)
        if changes:
            st.warning("Ændret siden beslutningen:\n\n" + "\n".join(f"- {md(line)}" for line in changes))
        else:
            st.caption("Intet er ændret i data eller vurderinger siden beslutningen.")
        rows = [
            ("Deltagere", "; ".join(f"{p.name} ({p.role})" if p.role else p.name for p in full.participants)),
            ("Scenarie og vægte", full.scenario),
            *([("Bygger på vægtningsrunde", full.round_text())] if full.cited_round else []),
            ("Begrundelse", full.reasons),
            ("Afvigende synspunkter", full.dissent or "Ingen noteret."),
            ("Betingelser og næste skridt", full.conditions or "Ingen noteret."),
            (
                "Registreret af",
                f"{full.recorded_by}, {local_time(full.recorded_at.isoformat())}"
                + (
                    f" · gemt af {stored_by_text(full.actor_subject, full.actor_email, full.actor_method)}"
                    if full.actor_method
                    else ""
                ),
            ),
            ("Data", f"version {full.data_version} (indholds-hash {full.content_hash[:12]})"),
        ]
        for label, value in rows:
            st.markdown(f"**{md(label)}**")
            st.text(value)
        st.markdown("**Rangering, som den var ved beslutningen**")
        past = snapshot.get("ranking", [])
        st.dataframe(
            text_table(
                {  # as text: Danish decimal comma, "–" for an area that was not ranked
                    "Rang": [MISSING if r["rank"] is None else str(int(r["rank"])) for r in past],
                    "Område": [str(r["name"]) for r in past],
                    "Samlet score": [MISSING if r["total"] is None else number(float(r["total"])) for r in past],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        fields = full.report_fields()
        left, right = st.columns(2)
        left.download_button(
            "Hent beslutningsrapport (PDF)",
            data=lambda: render_pdf(snapshot, fields, changes),
            file_name=f"beslutning_{decision.id}.pdf",
            mime="application/pdf",
            key=state.decision_pdf_key(decision.id).name,
            on_click="ignore",
        )
        right.download_button(
            "Hent beslutningsrapport (HTML)",
            data=lambda: render_html(snapshot, fields, changes).encode("utf-8"),
            file_name=f"beslutning_{decision.id}.html",
            mime="text/html",
            key=state.decision_html_key(decision.id).name,
            on_click="ignore",
        )
