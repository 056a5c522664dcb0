"""Sidebar: main weights as shares that add up to 100 %, sub-weights, actor distance, base map.

Each main weight slider shows its criterion's share of the total score in percent. When one
slider moves, the others are adjusted in proportion so the shares always add up to 100 %
(``rebalance``); the adjustment happens before the sliders are drawn in the next run.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection import config
from selection.data.criteria import CriteriaModel
from selection.output.basemaps import SKAERMKORT_KEY, Basemap, available_basemaps, tile_url_problem, token_problem
from ui import layout, state
from ui.state import sub_weight_key, weight_key
from ui.text import md, num
from ui.values import Settings

SLIDER_MAX = 100  # the main sliders are shares in percent and always add up to this
SUB_MAX = 10.0
SUB_STEP = 0.5
SUB_GRID = tuple(i * SUB_STEP for i in range(int(SUB_MAX / SUB_STEP) + 1))  # 0, 0.5, …, 10


def whole_shares(weights: dict[str, float], total: int = SLIDER_MAX) -> dict[str, int]:
    """Whole-number shares in proportion to ``weights`` that add up to ``total`` (largest remainder).

    All-zero weights give equal shares. Ties in the remainder go to the criterion listed first.
    """
    keys = list(weights)
    if not keys:
        return {}
    mass = sum(max(float(w), 0.0) for w in weights.values())
    raw = {k: total * max(float(weights[k]), 0.0) / mass if mass > 0 else total / len(keys) for k in keys}
    shares = {k: int(raw[k]) for k in keys}
    for k in sorted(keys, key=lambda k: (-(raw[k] - shares[k]), keys.index(k)))[: total - sum(shares.values())]:
        shares[k] += 1
    return shares


def rebalance(previous: dict[str, int], current: dict[str, int], total: int = SLIDER_MAX) -> dict[str, int]:
    """Slider values that add up to ``total`` after the user moved one (or several) of them.

    With one slider moved, it keeps its new value and the others share the rest in their
    previous proportions (equally if they were all 0). Several moved at once (a button, a
    test) are kept as they are if they already add up, else scaled to the total.
    """
    current = {k: int(v) for k, v in current.items()}
    if sum(current.values()) == total:
        return current
    moved = [k for k in current if current[k] != previous.get(k)]
    if len(moved) == 1 and len(current) > 1:
        key = moved[0]
        value = min(max(current[key], 0), total)
        rest = whole_shares({k: float(previous.get(k, 0)) for k in current if k != key}, total - value)
        return {k: value if k == key else rest[k] for k in current}
    return whole_shares({k: float(v) for k, v in current.items()}, total)


MAX_PENDING = 8  # earlier values remembered per slider (the page is never more than a few runs behind)


def settle_shares(
    previous: dict[str, int],
    reported: dict[str, int],
    pending: dict[str, tuple[int, ...]],
    total: int = SLIDER_MAX,
) -> tuple[dict[str, int], dict[str, tuple[int, ...]]]:
    """The slider values after a run's report (``rebalance``), telling a person's move from a late page.

    The page sends every slider's value with each key press. After a move the code sets the other sliders,
    but a quick next press can be sent before those values reach the page: it reports the pressed slider
    one step on and the others at values they had before (kept in ``pending``). Read as a move of all of
    them, the sliders were scaled and the pressed one set back by the code, which lost presses (issue 29,
    class 17: ten presses moved 33 % to 40 %). When several sliders seem moved and all but one report such an
    earlier value, only that one moved: the others count at the values the code gave them.

    Returns the values and, per slider the code must set in this run, the earlier values the page may
    still report (a slider the page already shows right has none and is not set: setting a slider's value
    from code while the person presses it would undo the press).

    One slider alone differing is read as a person's move, even at an earlier value (dragged back): a run
    started by another control while the page is still behind can so take a late value for a move.
    """
    reported = {k: int(v) for k, v in reported.items()}
    moved = [k for k in reported if k in previous and reported[k] != previous[k]]
    fresh = [k for k in moved if reported[k] not in pending.get(k, ())]
    person = moved[0] if len(moved) == 1 else fresh[0] if len(fresh) == 1 else None  # the slider pressed
    seen = dict(reported)
    if len(moved) > 1 and len(fresh) <= 1:  # the others are late: the page has not yet shown the code's values
        seen.update({k: previous[k] for k in moved if k != person})
    balanced = rebalance(previous, seen, total)
    still: dict[str, tuple[int, ...]] = {}
    for k, value in balanced.items():
        if k == person and value == reported[k]:
            continue  # the page shows the person's value: never set it from code
        # The values the page may report for the slider, oldest first. Reported at the value the code gave it
        # last, it has shown that; reported at an earlier one, the values before that one cannot come any more
        # (the page gets the runs' values in order), those after it can.
        if reported[k] == previous.get(k, reported[k]):
            values = [reported[k]]
        else:
            earlier = list(pending.get(k, ()))
            since = earlier[earlier.index(reported[k]) :] if reported[k] in earlier else [*earlier, reported[k]]
            values = [*since, previous[k]]
        values = [v for i, v in enumerate(values) if v != value and v not in values[i + 1 :]]
        if values:
            still[k] = tuple(values[-MAX_PENDING:])
    return balanced, still


def slider_sub_weights(model: CriteriaModel, sub_weights: dict[str, float]) -> tuple[dict[str, float], list[str]]:
    """Sub-weights the sliders (0–SUB_MAX) can show, and the labels of the criteria that had to be scaled.

    Sub-weights count only in proportion within their criterion, so a criterion whose largest sub-weight is
    above SUB_MAX has all of them scaled down together: the ranking stays the same (cutting each would not).
    """
    shown, scaled = {}, []
    for crit in model.criteria:
        subs = {i.id: float(sub_weights[i.id]) for i in crit.indicators}
        factor = min(1.0, SUB_MAX / max(max(subs.values(), default=0.0), SUB_MAX))
        if factor < 1:
            scaled.append(crit.label)
        shown.update({iid: min(value * factor, SUB_MAX) for iid, value in subs.items()})
    return shown, scaled


def sub_weight_options(value: float) -> list[float]:
    """The sub-weight slider's steps: every half from 0 to SUB_MAX, and the value on screen if it lies between
    (a scenario's or a link's sub-weights are shown as they are, not moved to a step: a value missing from the
    steps would be set back to the first)."""
    return sorted({*SUB_GRID, float(value)})


def sub_weight_label(value: float) -> str:
    """A sub-weight in Danish on its slider: '1,0', '2,5', '1,3'; two decimals for a value with more ('3,33'),
    so no value between the steps is labelled as a step."""
    return num(value, 1 if float(value) == round(float(value), 1) else 2)


def _is_equal(values: dict[str, int]) -> bool:
    return max(values.values()) - min(values.values()) <= 1


def _set_exact(weights: dict[str, float]) -> None:
    """Show ``weights`` on the sliders as whole percents but score with the exact proportions.

    1 : 1 : 1 is shown as 34 / 33 / 33 %, yet ranks exactly as equal weights (as the command line
    does) until a planner moves a slider; from then on the slider values are the weights.
    """
    shown = whole_shares(weights)
    for cid, value in shown.items():
        weight_key(cid).set(value)
    state.EXACT.set((shown, dict(weights)))


def _equal(model: CriteriaModel) -> None:
    _set_exact({c.id: 1.0 for c in model.criteria})
    state.LAST_SHARES.pop()


def _reset(model: CriteriaModel) -> None:
    state.LAST_SHARES.pop()
    state.FULL_RERUN.set(True)
    _set_exact({c.id: float(c.default_weight) for c in model.criteria})
    for iid, value in slider_sub_weights(model, model.default_sub_weights)[0].items():
        sub_weight_key(iid).set(value)
    state.DISTANCE.set(int(model.actor_distance_m))


def render(model: CriteriaModel) -> DeltaGenerator:
    """Draw the sidebar: buttons, sub-weights, distance and base map; return the place for the main sliders.

    The main weight sliders are drawn by ``weight_controls``: in the ranking view from inside the
    weight-dependent fragment, so that moving a weight reruns only that fragment. Sub-weights,
    distance and base map change rarely; moving them reruns the whole page.
    """
    if not any(weight_key(c.id).is_set() for c in model.criteria):
        _set_exact({c.id: float(c.default_weight) for c in model.criteria})
    for iid, value in slider_sub_weights(model, model.default_sub_weights)[0].items():
        sub_weight_key(iid).setdefault(value)
    state.DISTANCE.setdefault(int(model.actor_distance_m))
    state.TILE_URL.setdefault(config.value("SELECTION_TILE_URL") or "")

    sb = st.sidebar
    sb.header("Vægtning af kriterier")
    sb.caption(
        "Hver skyder viser kriteriets andel af den samlede score. Flytter du én, tilpasses de andre, "
        "så andelene altid giver 100 %."
    )
    weights = sb.container()
    subs = [sub_weight_key(ind.id) for ind in model.indicators]
    with layout.folded("Delvægte for indikatorer", key=state.SUB_WEIGHTS_FOLD, keep=subs, parent=sb) as box:
        if box.open:
            st.caption("Delvægtene fordeles inden for hvert kriterium. 0 = indikatoren indgår ikke.")
            for crit in model.criteria:
                st.markdown(f"**{md(crit.label)}**")
                for ind in crit.indicators:
                    # Steps with Danish labels ('1,0', not '1.00': a slider's format has no decimal comma);
                    # the value is the sub-weight itself, as links and scenarios hold it.
                    st.select_slider(
                        md(ind.label),
                        sub_weight_options(sub_weight_key(ind.id).value()),
                        format_func=sub_weight_label,
                        key=sub_weight_key(ind.id).name,
                        help=md(ind.description) if ind.description else None,
                    )
    with layout.folded("Aktører og kort", key=state.ACTORS_MAP_FOLD, keep=state.MAP_SETTINGS, parent=sb) as box:
        if box.open:
            st.slider(
                "Afstand til aktører (m)",
                0,
                2000,
                step=50,
                key=state.DISTANCE.name,
                help="Aktører tæller med, hvis de ligger i området eller inden for denne afstand (målt i EPSG:25832).",
            )
            basemap_choice()
    return weights


def basemap_choice() -> None:
    """The background map; says which choices send requests out of the machine."""
    token = config.value("DATAFORSYNINGEN_TOKEN")
    custom = st.text_input(
        "Egen kortserver (valgfri)",
        key=state.TILE_URL.name,  # starts as SELECTION_TILE_URL (set in render)
        placeholder="https://kort.example.dk/{z}/{x}/{y}.png",
        help="En XYZ- eller WMTS-adresse med {z}, {x} og {y} (zoom, kolonne, række), fx kommunens egen kortserver.",
    ).strip()
    in_use = state.TILE_URL_IN_USE.get() if custom else None  # an emptied field removes the choice
    if custom and (problem := tile_url_problem(custom)):
        kept = " Kortet bruger fortsat den forrige adresse, til den nye kan bruges." if in_use else ""
        st.error(f"Egen kortserver kan ikke bruges: {problem}{kept}")
    elif custom:
        in_use = custom
    state.TILE_URL_IN_USE.set(in_use)  # a typo keeps the last valid address (and the choice of it)
    if token and (problem := token_problem(token)):
        st.error(problem)
    maps = available_basemaps(token, in_use)
    if state.BASEMAP.get() not in maps:
        state.BASEMAP.set("none")
    st.radio("Baggrundskort", list(maps), format_func=lambda k: maps[k].label, key=state.BASEMAP.name)
    if SKAERMKORT_KEY not in maps:
        st.caption(
            "Skærmkortet fra Dataforsyningen vises her, når der er sat en token: miljøvariablen "
            "DATAFORSYNINGEN_TOKEN eller DATAFORSYNINGEN_TOKEN i .streamlit/secrets.toml."
        )
    st.caption("Kun 'Ingen baggrundskort' holder alt på maskinen; de andre kort henter billeder fra en server.")


def weight_controls(model: CriteriaModel, place: DeltaGenerator) -> Settings:
    """The main weight sliders (shares in %, adding up to 100); return the current settings."""
    settings = settle_weights(model)
    draw_weight_controls(model, place)
    return settings


def settle_weights(model: CriteriaModel) -> Settings:
    """Rebalance the moved weight's partners in the session (before the sliders are drawn in this run; nothing is
    drawn here) and return the current settings. ``draw_weight_controls`` then draws the sliders."""
    if state.FULL_RERUN.pop(False):
        st.rerun()  # a reset changed sub-weights and distance, which lie outside the weight fragment
    current = {c.id: int(weight_key(c.id).value()) for c in model.criteria}  # already the new values
    balanced, pending = settle_shares(state.LAST_SHARES.get(current), current, state.PENDING_SHARES.get({}))
    for cid in pending:
        weight_key(cid).set(balanced[cid])  # before the slider is drawn in this run; never the one pressed
    state.LAST_SHARES.set(balanced)
    state.PENDING_SHARES.set(pending)
    return current_settings(model)


def draw_weight_controls(model: CriteriaModel, place: DeltaGenerator) -> None:
    """The weight sliders at the shares ``settle_weights`` left; below them 'Lige vægte' and 'Nulstil'."""
    equal = _is_equal(state.LAST_SHARES.value())
    with place:
        for crit in model.criteria:
            st.slider(
                md(crit.label),
                0,
                SLIDER_MAX,
                key=weight_key(crit.id).name,
                help=md(crit.description) if crit.description else None,
                format="%d %%",
            )
        with st.container(horizontal=True):  # one row, one block: a weight move resends few elements
            st.button(
                "Lige vægte",
                key=state.WEIGHTS_EQUAL.name,
                width="stretch",
                disabled=equal,
                on_click=_equal,
                args=(model,),
                help="Alle kriterier vægter allerede lige meget." if equal else "Giv alle kriterier samme andel.",
            )
            st.button(
                "Nulstil",
                key=state.WEIGHTS_RESET.name,
                width="stretch",
                on_click=_reset,
                args=(model,),
                help="Vægte, delvægte og afstand som i datapakken.",
            )


def current_basemap() -> Basemap:
    """The chosen background map (none if the choice is no longer available)."""
    maps = available_basemaps(config.value("DATAFORSYNINGEN_TOKEN"), state.TILE_URL_IN_USE.get())
    return maps.get(str(state.BASEMAP.get("none")), maps["none"])


def current_settings(model: CriteriaModel) -> Settings:
    """The settings as they stand in the session (also during a partial rerun)."""
    shown = {c.id: int(weight_key(c.id).value()) for c in model.criteria}
    exact_shown, exact = state.EXACT.get((None, None))
    return Settings(
        weights=(
            dict(exact) if exact is not None and exact_shown == shown else {cid: float(v) for cid, v in shown.items()}
        ),
        sub_weights={i.id: float(sub_weight_key(i.id).value()) for i in model.indicators},
        distance_m=float(state.DISTANCE.value()),
        basemap=str(state.BASEMAP.get("none")),
        background=current_basemap(),
    )
