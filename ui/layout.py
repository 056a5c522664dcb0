"""Page-level layout helpers: a compact page top (map and ranking above the fold) and the short guide."""

from __future__ import annotations

import streamlit as st

# Layout only (spacing and the title's size), no text: the map and the top of the ranking must fit
# on a 1280×720 screen under the title, the data-status notice and the view choice.
_COMPACT_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; padding-bottom: 3rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.9rem; padding-top: 0; padding-bottom: 0.2rem; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.3rem; padding-top: 0.3rem; padding-bottom: 0.2rem; }
</style>
"""

GUIDE = (
    "1. **Læs datastatus** øverst: de fleste værdier er endnu illustrative pladsholdere.",
    "2. **Vægt kriterierne** i venstre side: hver skyder er kriteriets andel af den samlede score.",
    "3. **Se kort og rangering**: farven er den samlede score, tallet er rangen. Klik på et område for detaljer.",
    "4. **Tjek robustheden** under *Robusthed*: holder nr. 1, hvis vægtene eller de usikre værdier ændres?",
    "5. **Hent kortlisten** som CSV eller Excel nederst; filen bærer forbeholdet og datastatus med sig.",
)


def compact_page() -> None:
    """Tighter spacing at the top of the page (no content, layout only)."""
    st.html(_COMPACT_CSS)


def guide() -> None:
    """A five-line guide for first-time users, folded away."""
    with st.expander("Sådan bruger du værktøjet"):
        st.markdown("\n".join(GUIDE))
