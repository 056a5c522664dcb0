"""The data-status notice: always visible, never collapsed."""

from __future__ import annotations

import streamlit as st

from selection.data_status import DataStatus
from selection.dataset import Dataset


def render(status: DataStatus, dataset: Dataset) -> None:
    st.warning(status.summary(), icon="⚠️")
    for problem in dataset.warnings:
        st.caption(f"Advarsel fra indlæsning: {problem}")
