"""The participant's page of a weighting round: their weighting and their own top 3, nothing else.

Reached by an invitation link (``?deltag=<code>``: no sign-in needed, and the code opens this page only), or
signed in from the steering-group view (``?svar=<round>``) or as a Deltager. The weighting and the top 3 are one
fragment, so moving a slider reruns only them. The others' answers are never shown here.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from selection.access import PARTICIPANT, AccessDenied, Actor, PolicyError
from selection.assessments.wording import time_text
from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.errors import DataError, WeightError
from selection.output.basemaps import available_basemaps
from selection.output.map_layers import MAP_HEIGHT_PX, ranked_base_map, ranked_layer
from selection.ranking.scoring import ScoreResult, weighted_indicators
from selection.rounds import store
from selection.rounds.model import SHARES, SWING, RoundError, Submission
from selection.rounds.weights import from_percent, from_swing, normalise
from selection.scenarios import ScenarioSettings
from selection.scenarios.evaluate import evaluate_settings
from selection.storage.database import StoreError
from ui import access, data, layout, state
from ui.sidebar import whole_shares
from ui.text import md, num, pct

CODE_PARAM = "deltag"  # ?deltag=<invitation code>
ROUND_PARAM = "svar"  # ?svar=<round number>: a signed-in participant's own page
METHODS = {"Andele (%)": SHARES, "Swing-vægtning": SWING}
SHARE_STEP = 5
TOP = 3
PHONE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.4rem; }  /* the title clear of the top bar on a phone */
.st-key-round_answer [data-testid="stSlider"] { padding-left: 0.4rem; padding-right: 0.6rem; }
.st-key-round_answer ol { margin-bottom: 0.3rem; }
.st-key-round_answer li { font-size: 1.1rem; }
</style>
"""


def route_invitation() -> bool:
    """If the page was opened by an invitation link: draw the participant's page (only it) and return True."""
    code = st.query_params.get(CODE_PARAM)
    if code is None:
        return False
    access.use_streamlit_secrets()
    try:
        policy = access.policy()
        engine = data.engine()
        seat = store.seat_for_code(engine, code)
    except (PolicyError, AccessDenied, StoreError, RoundError) as exc:
        st.title("Vægtningsrunde")
        st.error(md(str(exc)))
        return True
    render(seat, Actor(store.code_identity(seat), policy), code=str(code).strip())
    return True


def route_signed_in(actor: Actor) -> bool:
    """A signed-in participant's page: for a Deltager always (they may see nothing else), for others when the
    page was opened with ``?svar=<round>``. True when the page was drawn."""
    role = access.current_role()
    asked = st.query_params.get(ROUND_PARAM)
    if asked is None and not (role is not None and role.id == PARTICIPANT):
        return False
    try:
        seats = store.seats_for(data.engine(), actor.identity)
    except StoreError as exc:
        st.error(md(str(exc)))
        return True
    if asked is not None:
        seats = [s for s in seats if str(s.round.id) == str(asked).strip()]
    if not seats:
        st.info(
            "Du er ikke inviteret til en åben vægtningsrunde"
            + (" med det nummer." if asked is not None else ".")
            + " Bed mødelederen om en invitation."
        )
        return True
    if len(seats) > 1:
        chosen = st.selectbox(
            "Vægtningsrunde",
            [s.round.id for s in seats],
            format_func=lambda rid: next(s.round.name for s in seats if s.round.id == rid),
            key=state.ROUND_SEAT.name,
        )
        seats = [s for s in seats if s.round.id == chosen]
    render(seats[0], actor, code=None)
    return True


def render(seat: store.Seat, actor: Actor, code: str | None) -> None:
    """The participant's page for one seat (round and participant number)."""
    st.markdown(PHONE_CSS, unsafe_allow_html=True)
    item = seat.round
    st.title(md(f"Vægtningsrunde: {item.name}"), anchor=False)
    try:
        dataset = data.active_dataset()
        settings = store.round_settings(item, dataset.model)
        names = store.labels(data.engine(), item)
        own = store.own_submission(data.engine(), item.id, seat.number)
    except (DataError, RoundError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    label = names.get(seat.number, seat.label)
    st.caption(md(f"Du svarer som {label}. Dine svar ses kun af mødelederen, indtil resultatet vises."))
    if not item.is_open:
        st.info(md(f"Runden '{item.name}' er lukket. Tak for dit svar." if own else f"Runden '{item.name}' er lukket."))
        return
    _fill_from(seat, own, settings, dataset)
    if actor.policy.read_only:
        st.info("Appen kører skrivebeskyttet, så svar kan ikke gemmes her. Spørg mødelederen.")
    perf = data.performance(settings.distance_m)
    answer_fragment(seat, actor, code, dataset, settings, perf)
    with layout.folded("Se hele din rangering og kortet", key=state.ROUND_MORE_FOLD) as more:
        if more.open:
            weights, _ = current_weights(dataset, settings)
            result = own_ranking(dataset, settings, perf, weights or settings.weights)
            _full_ranking(dataset, result)


def _fill_from(seat: store.Seat, own: Submission | None, settings: ScenarioSettings, dataset: Dataset) -> None:
    """Put the participant's newest answer (or the round's starting weights) into the form, once per answer."""
    mark = (seat.round.id, seat.number, own.id if own else 0)
    if state.ROUND_FILLED_FROM.get() == mark:
        return
    state.ROUND_FILLED_FROM.set(mark)
    model = dataset.model
    ids = model.criterion_ids
    start = own.weights if own else normalise(settings.weights, ids)
    shares = whole_shares({cid: start.get(cid, 0.0) for cid in ids})
    for cid in ids:
        state.round_share_key(cid).set(shares[cid])
    inputs: dict[str, Any] = own.inputs if own else {}
    if own is not None and own.method == SWING and isinstance(inputs.get("order"), list):
        order = [str(c) for c in inputs["order"] if c in ids]
        ratings = {cid: round(float(inputs.get("ratings", {}).get(cid, 0))) for cid in ids}
    else:
        order = sorted(ids, key=lambda c: -start.get(c, 0.0))
        top = max(start.values()) or 1.0
        ratings = {cid: round(100 * start.get(cid, 0.0) / top) for cid in ids}
    for place, cid in enumerate(order, start=1):
        state.round_swing_place_key(place).set(model.criterion(cid).label)
    for cid in ids:
        state.round_swing_rating_key(cid).set(ratings[cid])
    state.ROUND_METHOD.set(next((k for k, v in METHODS.items() if own and v == own.method), "Andele (%)"))
    state.ROUND_REASON.set(own.reason if own else "")
    subs = (own.sub_weights if own else None) or settings.sub_weights
    for ind in model.indicators:
        state.round_sub_key(ind.id).set(round(float(subs.get(ind.id, 0.0))))


def _fill_to_100(ids: list[str]) -> None:
    """'Justér til 100 %': scale the shares in proportion (callback, before the sliders are drawn)."""
    values = {cid: float(state.round_share_key(cid).get(0)) for cid in ids}
    for cid, v in whole_shares(values).items():  # all at 0: equal shares
        state.round_share_key(cid).set(v)


def current_weights(dataset: Dataset, settings: ScenarioSettings) -> tuple[dict[str, float] | None, str | None]:
    """The weights in the form as shares of 1, and why they cannot be sent yet (Danish) or None."""
    model = dataset.model
    ids = model.criterion_ids
    labels = {c.id: c.label for c in model.criteria}
    if METHODS.get(state.ROUND_METHOD.get("Andele (%)"), SHARES) == SHARES:
        raw = {cid: state.round_share_key(cid).get(0) for cid in ids}
        try:
            return from_percent(raw, ids, labels), None
        except RoundError as exc:
            try:
                return normalise(raw, ids, labels), str(exc)
            except RoundError:
                return None, str(exc)
    order_labels = [state.round_swing_place_key(p).get("") for p in range(1, len(ids) + 1)]
    by_label = {c.label: c.id for c in model.criteria}
    order = [by_label.get(str(x), str(x)) for x in order_labels]
    ratings = {cid: state.round_swing_rating_key(cid).get(0) for cid in ids}
    if order:
        ratings[order[0]] = 100
    try:
        return from_swing(order, ratings, ids, labels), None
    except RoundError as exc:
        return None, str(exc)


def own_ranking(
    dataset: Dataset, settings: ScenarioSettings, perf: Performance, weights: dict[str, float]
) -> ScoreResult:
    """The round's ranking with the participant's weights (the round's sub-weights, distance and rules)."""
    own = ScenarioSettings(
        weights, _sub_weights(dataset, settings) or settings.sub_weights, settings.distance_m, settings.rules
    )
    _, result = evaluate_settings(dataset, own, perf)
    return result


def _sub_weights(dataset: Dataset, settings: ScenarioSettings) -> dict[str, float] | None:
    """The participant's own sub-weights when the round lets them weigh the sub-indicators and they changed any."""
    if not state.ROUND_FILLED_FROM.is_set():
        return None
    subs = {ind.id: float(state.round_sub_key(ind.id).get(0)) for ind in dataset.model.indicators}
    return None if all(abs(subs[k] - float(settings.sub_weights.get(k, 0))) < 1e-9 for k in subs) else subs


@st.fragment
def answer_fragment(
    seat: store.Seat,
    actor: Actor,
    code: str | None,
    dataset: Dataset,
    settings: ScenarioSettings,
    perf: Performance,
) -> None:
    """The weighting, the own top 3 and 'Send mit svar' (a Streamlit fragment)."""
    with st.container(key=state.ROUND_ANSWER_FRAGMENT.name):
        model = dataset.model
        ids = model.criterion_ids
        method = st.radio(
            "Sådan vil jeg vægte",
            list(METHODS),
            key=state.ROUND_METHOD.name,
            horizontal=True,
            help="Andele: fordel 100 % mellem kriterierne. Swing-vægtning: sæt kriterierne i rækkefølge efter, "
            "hvor meget det betyder at gå fra det dårligste til det bedste område, og giv point i forhold "
            "til det vigtigste.",
        )
        if METHODS[method] == SHARES:
            _shares_inputs(dataset)
        else:
            _swing_inputs(dataset, settings, perf)
        if seat.round.sub_indicators:
            _sub_inputs(dataset)
        weights, problem = current_weights(dataset, settings)
        if weights is not None:
            st.markdown(
                "**Dine vægte:** " + md(", ".join(f"{model.criterion(cid).label} {pct(weights[cid])}" for cid in ids))
            )
        if problem:
            st.warning(md(problem))
        _top(dataset, settings, perf, weights)
        st.text_area("Kort begrundelse (valgfri)", key=state.ROUND_REASON.name, max_chars=store.MAX_REASON, height=80)
        if st.button(
            "Send mit svar",
            type="primary",
            key=state.ROUND_SUBMIT.name,
            disabled=bool(problem) or weights is None or actor.policy.read_only,
        ):
            _submit(seat, actor, code, dataset, settings, weights or {})
        if message := state.ROUND_MESSAGE.pop():  # right under the button, where the participant looks
            (st.success if message[0] else st.error)(md(message[1]))


def _shares_inputs(dataset: Dataset) -> None:
    ids = dataset.model.criterion_ids
    for c in dataset.model.criteria:
        st.slider(md(c.label), 0, 100, step=SHARE_STEP, format="%d %%", key=state.round_share_key(c.id).name)
    total = sum(int(state.round_share_key(cid).get(0)) for cid in ids)
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(f"I alt: **{total} %**" + ("" if total == 100 else " (skal være 100 %)"))
    right.button(
        "Justér til 100 %", key=state.ROUND_FILL.name, on_click=_fill_to_100, args=(ids,), disabled=total == 100
    )


def _swing_inputs(dataset: Dataset, settings: ScenarioSettings, perf: Performance) -> None:
    model = dataset.model
    labels = [c.label for c in model.criteria]
    st.markdown(
        "**1. Rækkefølge.** Forestil dig, at alle kriterier står på niveau med det dårligste område. Hvilket "
        "kriterium ville du helst løfte op til det bedste områdes niveau? Det kommer først."
    )
    ranges = _swing_ranges(dataset, settings, perf)
    for place in range(1, len(labels) + 1):
        st.selectbox(
            f"{place}. plads" + (" (vigtigst)" if place == 1 else ""),
            labels,
            key=state.round_swing_place_key(place).name,
        )
    order_labels = [state.round_swing_place_key(p).get("") for p in range(1, len(labels) + 1)]
    st.markdown(
        "**2. Point.** Det vigtigste sving har 100 point. Hvor meget er hvert af de andre værd i forhold til det?"
    )
    by_label = {c.label: c for c in model.criteria}
    drawn: set[str] = set()  # a criterion chosen at two places gets one slider (the warning below names it)
    for place, label in enumerate(order_labels, start=1):
        crit = by_label.get(str(label))
        if crit is None or crit.id in drawn:
            continue
        drawn.add(crit.id)
        span = ranges.get(crit.id, "")
        if place == 1:
            st.markdown(md(f"{label}: 100 point") + (f"  \n{md(span)}" if span else ""))
            continue
        st.slider(
            md(label) + ": point (0–100)",  # only the data is escaped: the label is also the slider's aria-label
            0,
            100,
            step=5,
            key=state.round_swing_rating_key(crit.id).name,
            help=md(span) if span else None,
        )


def _swing_ranges(dataset: Dataset, settings: ScenarioSettings, perf: Performance) -> dict[str, str]:
    """Per criterion: 'fra 20 (Område A) til 85 (Område B)': the swing from the worst to the best area."""
    try:
        result = own_ranking(dataset, settings, perf, settings.weights)
    except (WeightError, RoundError):
        return {}
    names = dataset.areas["name"].to_dict()
    out = {}
    for cid in dataset.model.criterion_ids:
        scores = result.criterion_scores[cid].dropna()
        if scores.empty:
            continue
        low, high = scores.idxmin(), scores.idxmax()
        out[cid] = (
            f"Sving: fra {num(scores[low], 0)} ({names.get(low, low)}) til {num(scores[high], 0)} "
            f"({names.get(high, high)}) på skalaen 0–100."
        )
    return out


def _sub_inputs(dataset: Dataset) -> None:
    with st.expander("Delvægte (valgfrit)"):
        st.caption("Hvor meget hver indikator vejer inden for sit kriterium (kun forholdet mellem dem tæller).")
        for crit in dataset.model.criteria:
            for ind in crit.indicators:
                st.slider(md(crit.label) + ": " + md(ind.label), 0, 10, key=state.round_sub_key(ind.id).name)


def _top(dataset: Dataset, settings: ScenarioSettings, perf: Performance, weights: dict[str, float] | None) -> None:
    st.markdown(f"**Din top {TOP}**")
    if weights is None:
        st.caption("Vælg vægte for at se din rangering.")
        return
    try:
        result = own_ranking(dataset, settings, perf, weights)
    except (WeightError, RoundError) as exc:
        st.warning(md(str(exc)))
        return
    top = result.top(TOP)
    if top.empty:
        st.caption("Ingen områder kan rangeres med disse vægte.")
        return
    st.markdown("\n".join(f"{int(r['rank'])}. {md(r['name'])} ({num(r['total'])} point)" for _, r in top.iterrows()))
    st.caption(honesty(dataset, settings, result))


def honesty(dataset: Dataset, settings: ScenarioSettings, result: ScoreResult) -> str:
    """One line that says how much of what is ranked is illustrative, never hidden on a small screen."""
    counts = data.status(settings.distance_m, weighted_indicators(result, dataset)).value_kinds
    illustrative, total = counts.get("illustrative", 0), sum(counts.values())
    if not illustrative:
        return "Rangeringen bygger på kildebelagte værdier og lokale vurderinger i datasættet."
    return (
        f"Bemærk: {illustrative} af {total} værdier bag rangeringen er illustrative pladsholdere, ikke fakta; "
        "rangeringen viser metoden, ikke en anbefaling."
    )


def _submit(
    seat: store.Seat,
    actor: Actor,
    code: str | None,
    dataset: Dataset,
    settings: ScenarioSettings,
    weights: dict[str, float],
) -> None:
    model = dataset.model
    ids = model.criterion_ids
    method = METHODS[state.ROUND_METHOD.get("Andele (%)")]
    if method == SHARES:
        inputs: dict[str, Any] = {"percent": {cid: int(state.round_share_key(cid).get(0)) for cid in ids}}
    else:
        by_label = {c.label: c.id for c in model.criteria}
        order = [by_label.get(str(state.round_swing_place_key(p).get("")), "") for p in range(1, len(ids) + 1)]
        ratings = {cid: int(state.round_swing_rating_key(cid).get(0)) for cid in ids}
        ratings[order[0]] = 100
        inputs = {"order": order, "ratings": ratings}
    try:
        saved = store.submit(
            data.engine(),
            actor,
            model,
            seat,
            method=method,
            weights=weights,
            inputs=inputs,
            reason=state.ROUND_REASON.get(""),
            sub_weights=_sub_weights(dataset, settings) if seat.round.sub_indicators else None,
            code=code,
        )
    except (AccessDenied, RoundError, StoreError) as exc:
        state.ROUND_MESSAGE.set((False, str(exc)))
    else:
        state.ROUND_FILLED_FROM.set((seat.round.id, seat.number, saved.id))  # the form already shows this answer
        state.ROUND_MESSAGE.set(
            (
                True,
                f"Dit svar er gemt {time_text(saved.recorded_at)} (svar nr. {saved.version}). "
                "Du kan ændre det, indtil runden lukkes.",
            )
        )


def _full_ranking(dataset: Dataset, result: ScoreResult) -> None:
    ranked = result.table
    st.dataframe(
        {
            "Rang": [None if r != r else r for r in ranked["rank"]],  # <NA> stays empty
            "Område": ranked["name"].tolist(),
            "Score": [num(t) for t in ranked["total"]],
        },
        hide_index=True,
        width="stretch",
    )
    st_folium(
        ranked_base_map(dataset.areas, available_basemaps()["none"]),  # nothing leaves the machine
        key=state.ROUND_MAP.name,
        height=MAP_HEIGHT_PX,
        use_container_width=True,
        feature_group_to_add=ranked_layer(dataset.areas, result.table, ""),
        returned_objects=[],
        render=False,
    )
