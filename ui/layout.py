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


# Streamlit 1.67 writes the file drop zone's own texts in English ("Upload", "50MB per file • CSV")
# and offers no setting to translate them: the English text is hidden and a Danish one drawn in its
# place (CSS generated content is part of the button's accessible name). The file types are in
# each uploader's label.
_UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "Vælg filer"; }
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "%(hint)s"; font-size: 0.875rem; }
</style>
"""


def upload_hint(max_mb: int) -> str:
    """The Danish text under the file button (the size limit comes from Streamlit's configuration)."""
    return f"eller træk filerne hertil · højst {int(max_mb)} MB pr. fil"


def compact_page() -> None:
    """Tighter spacing at the top of the page and Danish file-uploader texts (no content, layout only)."""
    hint = upload_hint(int(st.get_option("server.maxUploadSize")))
    st.html(_COMPACT_CSS + _UPLOADER_CSS % {"hint": hint})


def guide() -> None:
    """A five-line guide for first-time users, folded away."""
    with st.expander("Sådan bruger du værktøjet"):
        st.markdown("\n".join(GUIDE))
