"""The view 'Styregruppe': weighting rounds for planners (open, invite, meeting screen, result) and, for anyone
invited, the way to their own answer page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import streamlit as st

from selection.access import RUN_ROUNDS, AccessDenied
from selection.assessments.wording import time_text
from selection.data.criteria import CriteriaModel
from selection.data.dataset import Dataset
from selection.rounds import store
from selection.rounds.model import STATE_TEXT, Round, RoundError
from selection.scenarios import ScenarioError, ScenarioSettings
from selection.scenarios.saved import list_scenarios
from selection.storage.database import StoreError
from ui import access, data, round_answer, round_meeting, state
from ui.text import md

VIEW = "Styregruppe"
ON_SCREEN = "Vægtene på skærmen nu"


def page_url(**query: str) -> str:
    """This app's address with ``query`` (the invitation and meeting links)."""
    try:
        base = st.context.url or ""
    except Exception:  # no browser context (e.g. AppTest)
        base = ""
    parts = urlsplit(base or "http://localhost:8501/")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def render(dataset: Dataset, on_screen: ScenarioSettings) -> None:
    """The rounds (planners: all of them, with the tools; others: the rounds they are invited to)."""
    if message := state.ROUNDS_MESSAGE.pop():
        (st.success if message[0] else st.error)(md(message[1]))
    try:
        engine = data.engine()
        rounds = store.list_rounds(engine)
        actor = access.current_actor()
        seats = store.seats_for(engine, actor.identity)
    except (StoreError, AccessDenied) as exc:
        st.error(md(str(exc)))
        return
    for seat in seats:
        st.info(md(f"Du er inviteret til vægtningsrunden '{seat.round.name}'."))
        st.link_button("Gå til dit svar", page_url(**{round_answer.ROUND_PARAM: str(seat.round.id)}))
    if not access.can(RUN_ROUNDS):
        if not seats:
            st.info("Vægtningsrunder ledes af en planlægger. Du ser her de runder, du er inviteret til.")
        return
    st.markdown(
        "Hvert medlem af styregruppen vægter kriterierne for sig selv; derefter ser gruppen den fælles rangering, "
        "og hvor de er uenige. Åbn en runde, invitér deltagerne, og vis resultatet på mødeskærmen."
    )
    _new_round(dataset.model, dataset.version, on_screen)
    if not rounds:
        return
    st.subheader("Runder", anchor=False)
    st.dataframe(_rounds_table(engine, rounds), hide_index=True, width="stretch")
    ids = [r.id for r in reversed(rounds)]
    picked = st.selectbox(
        "Vælg runde",
        ids,
        format_func=lambda rid: next(f"{r.id}. {r.name}" for r in rounds if r.id == rid),
        key=state.ROUNDS_PICK.name,
    )
    item = next((r for r in rounds if r.id == picked), None)
    if item is not None:
        _round(item)


def _rounds_table(engine: object, rounds: list[Round]) -> pd.DataFrame:
    rows = []
    for r in rounds:
        p = store.progress(engine, r.id)  # type: ignore[arg-type]
        rows.append(
            {
                "Nr.": r.id,
                "Navn": r.name,
                "Tilstand": STATE_TEXT[r.state],
                "Svar": f"{p.answered} af {p.invited}",
                "Anonym": "ja" if r.anonymous else "nej",
                "Åbnet": time_text(r.created_at),
                "Af": r.created_by,
            }
        )
    return pd.DataFrame(rows)


def _new_round(model: CriteriaModel, data_version: str, on_screen: ScenarioSettings) -> None:
    with st.expander("Åbn en ny vægtningsrunde"):
        try:
            saved = [s for s in list_scenarios(data.engine()) if not s.archived]
        except StoreError:
            saved = []
        choices = [ON_SCREEN, *(f"{s.id}. {s.name}" for s in saved)]
        _typed_again()
        with st.form(state.ROUND_NEW_FORM.name, border=False, clear_on_submit=True):  # no name left to resend
            name = st.text_input("Rundens navn", key=state.ROUND_NEW_NAME.name, max_chars=store.MAX_NAME)
            basis = st.selectbox(
                "Bygger på (kriterier, delvægte, afstand og udelukkelsesregler)",
                choices,
                key=state.ROUND_NEW_BASIS.name,
            )
            anonymous = st.checkbox(
                "Anonym: deltagerne vises som 'Deltager 1', 'Deltager 2' … overalt, og navne gemmes ikke",
                key=state.ROUND_NEW_ANONYMOUS.name,
            )
            subs = st.checkbox("Deltagerne må også vægte delindikatorerne", key=state.ROUND_NEW_SUBS.name)
            if not st.form_submit_button("Åbn runden", type="primary"):
                return
        settings, scenario = on_screen, None
        if basis != ON_SCREEN:
            scenario = saved[choices.index(basis) - 1]
            try:
                settings = scenario.settings(model)
            except ScenarioError as exc:
                state.ROUNDS_MESSAGE.set((False, str(exc)))
                _keep_typed(
                    {state.ROUND_NEW_NAME: name, state.ROUND_NEW_ANONYMOUS: anonymous, state.ROUND_NEW_SUBS: subs}
                )
                st.rerun()
        try:
            made = store.open_round(
                data.engine(),
                access.current_actor(),
                model,
                name=name,
                settings=settings,
                data_version=data_version,
                anonymous=anonymous,
                scenario_id=scenario.id if scenario else None,
                scenario_version=scenario.version if scenario else None,
                scenario_name=scenario.name if scenario else "",
                sub_indicators=subs,
            )
        except (AccessDenied, RoundError, ScenarioError, StoreError) as exc:
            state.ROUNDS_MESSAGE.set((False, str(exc)))
            _keep_typed(
                {
                    state.ROUND_NEW_NAME: name,
                    state.ROUND_NEW_BASIS: basis,
                    state.ROUND_NEW_ANONYMOUS: anonymous,
                    state.ROUND_NEW_SUBS: subs,
                }
            )
        else:
            state.ROUNDS_PICK.set(made.id)
            state.ROUNDS_MESSAGE.set((True, f"Runden '{made.name}' er åbnet (nr. {made.id}). Invitér deltagerne nu."))
        st.rerun()


def _round(item: Round) -> None:
    st.subheader(md(f"{item.id}. {item.name}"), anchor=False)
    st.caption(
        md(
            f"{STATE_TEXT[item.state].capitalize()} · åbnet {time_text(item.created_at)} af {item.created_by}"
            + (f" · scenarie '{item.scenario_name}'" if item.scenario_name else " · vægtene på skærmen")
            + (" · anonym" if item.anonymous else "")
        )
    )
    st.link_button("Åbn mødeskærmen", page_url(**{round_meeting.PARAM: str(item.id)}), type="primary")
    try:
        people = store.participants(data.engine(), item.id)
        answered = {s.number for s in store.submissions(data.engine(), item.id)}
    except (RoundError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    if people:
        st.dataframe(
            pd.DataFrame(
                {
                    "Deltager": [p.label(item.anonymous) for p in people],
                    "Inviteret": ["log-ind" if p.signed_in else "link" for p in people],
                    "Har svaret": ["ja" if p.number in answered else "nej" for p in people],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if item.is_open:
        _invitation_news()
        _invite(item)
        if people:
            _new_link(item, {p.number: p.label(item.anonymous) for p in people})


def _invitation_news() -> None:
    """What the last invitation did, and the new link(s), right where the planner is looking (shown once)."""
    if message := state.ROUND_INVITE_MESSAGE.pop():
        (st.success if message[0] else st.error)(md(message[1]))
    if links := state.ROUND_LINKS.pop():
        st.info("Send hver deltager sit link. Linket vises kun nu; det giver kun adgang til at svare i denne runde.")
        for label, link in links:
            st.markdown(f"**{md(label)}**")
            st.code(link, language=None, wrap_lines=True)


def _new_link(item: Round, labels: dict[int, str]) -> None:
    """A new invitation link for a participant who lost theirs (the old link stops working)."""
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    number = left.selectbox(
        "Nyt link til (det gamle holder op med at virke)",
        list(labels),
        format_func=labels.__getitem__,
        key=state.ROUND_NEW_CODE_FOR.name,
    )
    if not right.button("Lav nyt link", key=state.ROUND_NEW_CODE.name):
        return
    try:
        code = store.new_code(data.engine(), access.current_actor(), item.id, int(number))
    except (AccessDenied, RoundError, StoreError) as exc:
        state.ROUND_INVITE_MESSAGE.set((False, str(exc)))
    else:
        state.ROUND_LINKS.set([(labels[number], page_url(**{round_answer.CODE_PARAM: code}))])
    st.rerun()


def _invite(item: Round) -> None:
    _typed_again()
    with st.form(state.ROUND_INVITE_FORM.name, border=True, clear_on_submit=True):  # empty for the next one
        st.markdown("**Invitér en deltager**")
        name = st.text_input(
            "Navn" + (" (valgfrit i en anonym runde; gemmes ikke)" if item.anonymous else ""),
            key=state.ROUND_INVITE_NAME.name,
            max_chars=store.MAX_NAME,
        )
        email = st.text_input(
            "E-mail til log-ind (valgfrit; uden e-mail får deltageren et link)",
            key=state.ROUND_INVITE_EMAIL.name,
            max_chars=320,
        )
        if not st.form_submit_button("Invitér"):
            return
    try:
        made = store.invite(
            data.engine(), access.current_actor(), item.id, name=name or None, principal=email.strip() or None
        )
    except (AccessDenied, RoundError, StoreError, ValueError) as exc:
        state.ROUND_INVITE_MESSAGE.set((False, str(exc)))
        _keep_typed({state.ROUND_INVITE_NAME: name, state.ROUND_INVITE_EMAIL: email})
    else:
        label = made.participant.label(item.anonymous)
        if made.code:
            state.ROUND_LINKS.set([(label, page_url(**{round_answer.CODE_PARAM: made.code}))])
        state.ROUND_INVITE_MESSAGE.set((True, f"{label} er inviteret."))
    st.rerun()


def _keep_typed(values: dict[state.Key[Any], Any]) -> None:
    """A refused form keeps what was typed: the form empties itself on submit (so a saved one cannot be sent
    twice), and these values are put back before it is drawn again, so only the problem needs correcting."""
    state.ROUND_FORM_RETRY.set(values)


def _typed_again() -> None:
    """Put a refused form's typed values back (before its widgets are drawn: Streamlit allows it only then)."""
    for key, value in state.ROUND_FORM_RETRY.pop({}).items():
        key.set(value)
