"""Page-level layout helpers: a compact page top (map and ranking above the fold), readable text colours
and the short guide."""

from __future__ import annotations

import streamlit as st

from .ranked_view import VIEW_KEY

# Captions and other muted text: Streamlit's default grey (#828180, 3.9:1 on white) is below WCAG's 4.5:1.
# This one gives 7:1 on white and 6.2:1 on the sidebar's #f0f2f6 (tests/test_contrast.py checks both).
MUTED_TEXT = "#595959"
PAGE_BACKGROUNDS = ("#ffffff", "#f0f2f6")  # the main area and the sidebar (Streamlit's light theme)
FOCUS_RING = "#b0283a"  # = theme.primaryColor in .streamlit/config.toml, Streamlit's own focus colour

# Layout only (spacing, heading sizes, text colour), no text: the map and the top of the ranking must fit
# on a 1280×720 screen under the title, the data-status notice and the view choice. Section headings are
# h2 (the title is h1) drawn at the size the h3 subheaders had, so the outline has no skipped level.
_COMPACT_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 2.2rem; padding-bottom: 3rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 1.9rem; padding-top: 0; padding-bottom: 0.2rem; }}
[data-testid="stMainBlockContainer"] h2 {{ font-size: 1.3rem; padding-top: 0.3rem; padding-bottom: 0.2rem; }}
[data-testid="stMainBlockContainer"] h3 {{ font-size: 1.15rem; padding-top: 0.3rem; padding-bottom: 0.2rem; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: {MUTED_TEXT}; opacity: 1; }}
.st-key-{VIEW_KEY} [data-testid="stButtonGroup"] > div {{ flex-wrap: wrap; }}  /* reflow: no hidden views at 320 px */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script) {{ display: none; }}  /* ui/a11y.py's script */
[data-testid="stDataFrame"] canvas:focus-visible, [data-testid="stDataFrame"] .dvn-scroller:focus-visible
  {{ outline: 2px solid {FOCUS_RING}; outline-offset: 1px; }}  /* a table's grid shows that it has the focus */
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
