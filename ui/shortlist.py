"""Shortlist: choose N and download the CSV (the same bytes as ``python -m selection rank``)."""

from __future__ import annotations

import streamlit as st

from selection.dataset import Dataset
from selection.export import STYLES, priority_csv, shortlist_table, table_to_csv
from selection.indicators import Performance
from selection.robustness_report import robustness_extras
from selection.scoring import ScoreResult

TOP_N = "top_n"
STYLE = "csv_style"
WITH_ROBUSTNESS = "csv_robustness"


def render_choices(n_areas: int) -> None:
    """Length, CSV style and robustness columns (they do not depend on the weights)."""
    left, right = st.columns([1, 2])
    left.number_input("Antal områder på kortlisten", 1, max(n_areas, 1), min(3, max(n_areas, 1)), key=TOP_N)
    right.radio("CSV-format", list(STYLES), format_func=lambda s: STYLES[s].label, key=STYLE, horizontal=True)
    st.checkbox(
        "Medtag robusthed (andel som nr. 1 og stabilitetsintervaller, SMAA med 10.000 vægtninger, seed 1)",
        value=True, key=WITH_ROBUSTNESS,
    )


def render(result: ScoreResult, dataset: Dataset, perf: Performance | None = None) -> None:
    """The shortlist at the current weights and its download (choices from ``render_choices``)."""
    n_ranked = len(result.ranked)
    if n_ranked == 0:
        st.info("Ingen områder kan rangeres, så der er ingen kortliste.")
        return
    top_n = min(int(st.session_state.get(TOP_N, 3)), n_ranked)
    style = st.session_state.get(STYLE, next(iter(STYLES)))
    with_robustness = bool(st.session_state.get(WITH_ROBUSTNESS, True))
    if top_n < int(st.session_state.get(TOP_N, 3)):
        st.caption(f"Kun {n_ranked} områder kan rangeres med de nuværende vægte og data.")
    table = shortlist_table(result, dataset, top_n)
    st.dataframe(table.round(1), hide_index=True, width="stretch")

    def csv_bytes() -> bytes:  # built on click, so weight changes stay fast
        extra = robustness_extras(result, dataset) if with_robustness else None
        return table_to_csv(shortlist_table(result, dataset, top_n, extra=extra), style)

    st.download_button(
        "Download kortliste (CSV)",
        data=csv_bytes,
        file_name=f"kortliste_top{top_n}.csv",
        mime="text/csv",
        key="download_shortlist",
    )
    if perf is not None:  # the values that can change this shortlist (selection.critical), built on click
        # Its own container: two deferred downloads drawn by a fragment into one outside container get
        # the same coordinates in Streamlit 1.67, and the first one's file is then dropped.
        st.container().download_button(
            "Download vurderingsprioriteter (CSV)",
            data=lambda: priority_csv(result, dataset, perf, top_n, style),
            file_name=f"vurderingsprioriteter_top{top_n}.csv",
            mime="text/csv",
            key="download_priorities_shortlist",
            help="Værdier, der kan ændre nr. 1 eller kortlisten inden for deres plausible spænd (se Robusthed).",
        )
