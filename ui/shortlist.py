"""Shortlist: choose N and download the CSV (the same bytes as ``python -m selection rank``)."""

from __future__ import annotations

import streamlit as st

from selection.dataset import Dataset
from selection.export import STYLES, shortlist_table, table_to_csv
from selection.indicators import Performance
from selection.robustness_report import robustness_extras
from selection.scoring import ScoreResult


def render(result: ScoreResult, dataset: Dataset, perf: Performance) -> None:
    n_ranked = len(result.ranked)
    if n_ranked == 0:
        st.info("Ingen områder kan rangeres, så der er ingen kortliste.")
        return
    left, right = st.columns([1, 2])
    top_n = left.number_input("Antal områder på kortlisten", 1, n_ranked, min(3, n_ranked), key="top_n")
    style = right.radio("CSV-format", list(STYLES), format_func=lambda s: STYLES[s].label, key="csv_style",
                        horizontal=True)
    with_robustness = st.checkbox(
        "Medtag robusthed (andel som nr. 1 og stabilitetsintervaller, SMAA med 10.000 vægtninger, seed 1)",
        value=True, key="csv_robustness",
    )
    table = shortlist_table(result, dataset, int(top_n))
    st.dataframe(table.round(1), hide_index=True, width="stretch")

    def csv_bytes() -> bytes:  # built on click, so weight changes stay fast
        extra = robustness_extras(result, dataset) if with_robustness else None
        return table_to_csv(shortlist_table(result, dataset, int(top_n), extra=extra), style)

    st.download_button(
        "Download kortliste (CSV)",
        data=csv_bytes,
        file_name=f"kortliste_top{int(top_n)}.csv",
        mime="text/csv",
        key="download_shortlist",
    )
