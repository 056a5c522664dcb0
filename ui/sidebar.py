"""Sidebar: main weights with live normalised shares, sub-weights, actor distance, base map."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection.criteria import CriteriaModel
from selection.map_layers import BASEMAPS

from .state import sub_weight_key, weight_key
from .text import md, pct

SLIDER_MAX = 100
SUB_MAX = 10.0


@dataclass(frozen=True)
class Settings:
    """Everything the user set in the sidebar."""

    weights: dict[str, float]
    sub_weights: dict[str, float]
    distance_m: float
    basemap: str


def default_slider_values(model: CriteriaModel) -> dict[str, int]:
    """Default main weights as slider points 0–100 (same proportions as the criteria file)."""
    total = sum(c.default_weight for c in model.criteria) or 1.0
    return {c.id: round(SLIDER_MAX * c.default_weight / total) for c in model.criteria}


def _reset(model: CriteriaModel) -> None:
    for cid, value in default_slider_values(model).items():
        st.session_state[weight_key(cid)] = value
    for ind in model.indicators:
        st.session_state[sub_weight_key(ind.id)] = min(float(ind.default_weight), SUB_MAX)
    st.session_state["distance_m"] = int(model.actor_distance_m)


def _equal(model: CriteriaModel) -> None:
    for crit in model.criteria:
        st.session_state[weight_key(crit.id)] = 50


def render(model: CriteriaModel) -> DeltaGenerator:
    """Draw the sidebar: buttons, sub-weights, distance and base map; return the place for the main sliders.

    The main weight sliders are drawn by ``weight_controls``: in the ranking view from inside the
    weight-dependent fragment, so that moving a weight reruns only that fragment. Sub-weights,
    distance and base map change rarely; moving them reruns the whole page.
    """
    defaults = default_slider_values(model)
    for cid, value in defaults.items():
        st.session_state.setdefault(weight_key(cid), value)
    for ind in model.indicators:
        st.session_state.setdefault(sub_weight_key(ind.id), min(float(ind.default_weight), SUB_MAX))
    st.session_state.setdefault("distance_m", int(model.actor_distance_m))

    sb = st.sidebar
    sb.header("Vægtning af kriterier")
    sb.caption("Træk i skyderne. Vægtene omregnes altid, så de tilsammen giver 100 %.")
    weights = sb.container()
    b1, b2 = sb.columns(2)
    b1.button("Lige vægte", on_click=_equal, args=(model,), width="stretch")
    b2.button("Nulstil", on_click=_reset, args=(model,), width="stretch")
    with sb.expander("Delvægte for indikatorer"):
        st.caption("Delvægtene fordeles inden for hvert kriterium. 0 = indikatoren indgår ikke.")
        for crit in model.criteria:
            st.markdown(f"**{md(crit.label)}**")
            for ind in crit.indicators:
                st.slider(md(ind.label), 0.0, SUB_MAX, step=0.5, key=sub_weight_key(ind.id),
                          help=md(ind.description) if ind.description else None)
    with sb.expander("Aktører og kort"):
        st.slider(
            "Afstand til aktører (m)", 0, 2000, step=50, key="distance_m",
            help="Aktører tæller med, hvis de ligger i området eller inden for denne afstand (målt i EPSG:25832).",
        )
        st.radio("Baggrundskort", list(BASEMAPS), format_func=lambda k: BASEMAPS[k][0], key="basemap")
    return weights


def weight_controls(model: CriteriaModel, place: DeltaGenerator) -> Settings:
    """The main weight sliders with their normalised shares; return the current settings."""
    raw = {c.id: float(st.session_state[weight_key(c.id)]) for c in model.criteria}  # already the new values
    total = sum(raw.values())
    with place:
        for crit in model.criteria:
            left, right = st.columns([4, 1], vertical_alignment="bottom")
            left.slider(md(crit.label), 0, SLIDER_MAX, key=weight_key(crit.id),
                        help=md(crit.description) if crit.description else None)
            right.markdown(f"**{pct(raw[crit.id] / total if total > 0 else 0.0)}**")
    return current_settings(model)


def current_settings(model: CriteriaModel) -> Settings:
    """The settings as they stand in the session (also during a partial rerun)."""
    return Settings(
        weights={c.id: float(st.session_state[weight_key(c.id)]) for c in model.criteria},
        sub_weights={i.id: float(st.session_state[sub_weight_key(i.id)]) for i in model.indicators},
        distance_m=float(st.session_state["distance_m"]),
        basemap=str(st.session_state.get("basemap", "none")),
    )
