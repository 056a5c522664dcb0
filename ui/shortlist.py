"""Shortlist: choose N, see exactly what the files will contain, download CSV or XLSX.

One table (``selection.output.shortlist.shortlist_table``) feeds the screen, the CSV (the same bytes as
``python -m selection rank``) and the XLSX.
"""

from __future__ import annotations

import streamlit as st

from selection.analysis.robustness.report import DEFAULT_SAMPLES, DEFAULT_SEED, robustness_extras, uncertain_indicators
from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.output.shortlist import (
    STYLES,
    about_sheet,
    caveat,
    priority_csv,
    priority_export_table,
    shortlist_table,
    table_to_csv,
    table_to_xlsx,
)
from selection.ranking.scoring import ScoreResult
from selection.text.formatting import count, frame_text, integer, timestamp
from ui import layout, state
from ui.text import md

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_choices(n_areas: int) -> None:
    """Length, CSV style and robustness columns (they do not depend on the weights)."""
    left, right = st.columns([1, 2])
    state.TOP_N.setdefault(min(3, max(n_areas, 1)))  # kept while its tab is closed: no value= here
    if state.TOP_N.value() > max(n_areas, 1):  # fewer areas now (an import): all of them, not Streamlit's 1
        state.TOP_N.set(max(n_areas, 1))
    left.number_input("Antal områder på kortlisten", 1, max(n_areas, 1), key=state.TOP_N.name)
    right.radio(
        "CSV-format", list(STYLES), format_func=lambda s: STYLES[s].label, key=state.CSV_STYLE.name, horizontal=True
    )
    st.checkbox(
        "Medtag robusthed: hvor ofte området er nr. 1, når vægtene (og de usikre værdier) varieres, "
        "og hvor meget hver vægt kan ændres, før rangen skifter",
        value=False,
        key=state.WITH_ROBUSTNESS.name,
        help=f"{integer(DEFAULT_SAMPLES)} tilfældige vægtninger (startværdi {DEFAULT_SEED}). "
        "Gør skærmen lidt langsommere, når vægtene ændres.",
    )


def render(
    result: ScoreResult,
    dataset: Dataset,
    perf: Performance,
    kinds: dict[str, dict[str, int]] | None = None,
    facts: dict[str, dict[str, str]] | None = None,
) -> None:
    """The shortlist at the current weights, as the files will hold it, and its downloads."""
    n_ranked = len(result.ranked)
    if n_ranked == 0:
        st.info("Ingen områder kan rangeres, så der er ingen kortliste.")
        return
    top_n = min(int(state.TOP_N.get(3)), n_ranked)
    style = state.CSV_STYLE.get(next(iter(STYLES)))
    with_robustness = bool(state.WITH_ROBUSTNESS.get(False))
    if top_n < int(state.TOP_N.get(3)):
        st.caption(f"Kun {count(n_ranked, 'område', 'områder')} kan rangeres med de nuværende vægte og data.")
    extra = (
        robustness_extras(
            result, dataset, matrix=perf.matrix, noisy_indicators=uncertain_indicators(dataset.model, perf.provenance)
        )
        if with_robustness
        else None
    )
    table = shortlist_table(result, dataset, top_n, extra=extra, provenance=perf.provenance, kinds=kinds, facts=facts)
    note = caveat(table, dataset)
    st.warning(md(note), icon="⚠️")
    layout.wide_table("shortlist").dataframe(frame_text(table), hide_index=True, width="stretch")
    st.caption("Første linje i filerne er forbeholdet ovenfor. Tal vises med én decimal her og med flere i filerne.")
    settings = [
        ("Datasæt", str(dataset.meta.get("name", ""))),
        ("Dataversion", dataset.version),
        ("Tidspunkt", timestamp()),
    ]
    if with_robustness:
        settings.append(("Robusthed", f"{integer(DEFAULT_SAMPLES)} tilfældige vægtninger, startværdi {DEFAULT_SEED}"))
    row = st.container(horizontal=True)  # one row (wrapping on narrow screens), one block per weight move
    row.download_button(
        "Download kortliste (CSV)",
        data=lambda: table_to_csv(table, style, note),  # encoded on click, so weight changes stay fast
        file_name=f"kortliste_top{top_n}.csv",
        mime="text/csv",
        key=state.DOWNLOAD_SHORTLIST.name,
        on_click="ignore",  # no rerun: the other downloads keep their files
    )
    row.download_button(
        "Download kortliste (Excel, XLSX)",
        data=lambda: table_to_xlsx(
            table, note, about_sheet(result, dataset, settings), priority_export_table(result, dataset, perf, top_n)
        ),
        file_name=f"kortliste_top{top_n}.xlsx",
        mime=XLSX_MIME,
        key=state.DOWNLOAD_SHORTLIST_XLSX.name,
        on_click="ignore",  # no rerun: the other downloads keep their files
    )
    # The values that can change this shortlist (selection.analysis.critical), built on click.
    row.download_button(
        "Download vurderingsprioriteter (CSV)",
        data=lambda: priority_csv(result, dataset, perf, top_n, style),
        file_name=f"vurderingsprioriteter_top{top_n}.csv",
        mime="text/csv",
        key=state.DOWNLOAD_PRIORITIES_SHORTLIST.name,
        help="Værdier, der kan ændre nr. 1 eller kortlisten inden for deres plausible spænd (se Robusthed).",
        on_click="ignore",  # no rerun: the other downloads keep their files
    )
