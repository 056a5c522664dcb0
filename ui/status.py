"""The data-status notice: always visible, never collapsed."""

from __future__ import annotations

import streamlit as st

from selection.data.dataset import Dataset
from selection.data.status import DataStatus
from selection.text.formatting import timestamp_text
from ui.text import md


def render(status: DataStatus, dataset: Dataset) -> None:
    st.warning(status.summary(), icon="⚠️")
    imports = dataset.meta.get("imports") or []
    if imports:
        listed = "; ".join(
            f"{md(i.get('file', ''))} ({md(timestamp_text(i.get('imported_at', '')))})"
            for i in imports[-5:]
            if isinstance(i, dict)
        )
        st.info(
            f"Importerede data i brug (dataversion {md(dataset.version)}): {listed}. "
            "Importerede værdier står som kildebelagte med filnavn og tidspunkt som kilde."
        )
    for problem in dataset.warnings:
        st.caption(f"Advarsel fra indlæsning: {md(problem)}")
