"""Page-level layout helpers: a compact page top (map and ranking above the fold), readable text colours,
the print layout and the short guide."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.lib.mutable_expander_container import ExpanderContainer
from streamlit.elements.lib.mutable_tab_container import TabContainer

from ui import state
from ui.state import Key

# The tabs below the map and ranking (app.py, ``sections``, key state.SECTION); a map click opens the first.
SECTIONS = ("Detaljer for et område", "Hvorfor scorer områderne som de gør?", "Kortliste til styregruppen")

# Captions and other muted text: Streamlit's default grey (#828180, 3.9:1 on white) is below WCAG's 4.5:1.
# This one gives 7:1 on white and 6.2:1 on the sidebar's #f0f2f6 (tests/app/test_contrast.py checks both).
MUTED_TEXT = "#595959"
PAGE_BACKGROUNDS = ("#ffffff", "#f0f2f6")  # the main area and the sidebar (Streamlit's light theme)
FOCUS_RING = "#b0283a"  # = theme.primaryColor in .streamlit/config.toml, Streamlit's own focus colour

# The CSS classes Streamlit gives the keyed view switch and tabs, and the block shown only on paper.
_VIEW_CLASS, _SECTION_CLASS = f"st-key-{state.VIEW.name}", f"st-key-{state.SECTION.name}"
_PRINT_ONLY_CLASS = f"st-key-{state.PRINT_SETTINGS.name}"

# Layout only (spacing, heading sizes, text colour), no text: the map and the top of the ranking must fit
# on a 1280×720 screen under the title, the data-status notice and the view choice. Section headings are
# h2 (the title is h1) drawn at the size the h3 subheaders had, so the outline has no skipped level.
_COMPACT_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 2.2rem; padding-bottom: 3rem; }}
@media (min-width: 1000px) {{  /* narrower side margins: the ranking's columns fit beside the map at 1280 px */
  [data-testid="stMainBlockContainer"] {{ padding-left: 2.5rem; padding-right: 2.5rem; }}
}}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 1.9rem; padding-top: 0; padding-bottom: 0.2rem; }}
[data-testid="stMainBlockContainer"] h2 {{ font-size: 1.3rem; padding-top: 0.3rem; padding-bottom: 0.2rem; }}
[data-testid="stMainBlockContainer"] h3 {{ font-size: 1.15rem; padding-top: 0.3rem; padding-bottom: 0.2rem; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: {MUTED_TEXT}; opacity: 1; }}
.{_VIEW_CLASS} [data-testid="stButtonGroup"] > div {{ flex-wrap: wrap; }}  /* reflow: no hidden views at 320 px */
/* seven views on one line beside the guide at 1280 px: a little less space around each label */
.{_VIEW_CLASS} [data-testid="stButtonGroup"] button {{ padding-left: 0.6rem; padding-right: 0.6rem; }}
.{_SECTION_CLASS} [role="tablist"] {{ flex-wrap: wrap; }}  /* and for the tabs below the map */
/* hide the container of ui/a11y.py's script */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script) {{ display: none; }}
[data-testid="stDataFrame"] canvas:focus-visible, [data-testid="stDataFrame"] .dvn-scroller:focus-visible
  {{ outline: 2px solid {FOCUS_RING}; outline-offset: 1px; }}  /* a table's grid shows that it has the focus */
/* the settings on paper (print_only): the sidebar says them on screen; its wrapper too (no gap left) */
.{_PRINT_ONLY_CLASS}, [data-testid="stLayoutWrapper"]:has(> .{_PRINT_ONLY_CLASS}) {{ display: none; }}
</style>
"""

# Printing the page (Ctrl+P): only the content, one column, headings kept with what follows them,
# no element split across pages. Controls that cannot be used on paper are left out; the full
# shortlist and every detail are in the report (PDF/HTML) and the files. The sidebar is left out too,
# so the weights and the scenario in use are printed from a block that only paper shows (print_only).
_PRINT_CSS = (
    f"""
<style>
@media print {{
  [data-testid="stLayoutWrapper"]:has(> .{_PRINT_ONLY_CLASS}) {{ display: block !important; }}
  .{_PRINT_ONLY_CLASS} {{ display: block !important; border: 1px solid {MUTED_TEXT}; padding: 0.4rem 0.6rem;
    margin-bottom: 0.6rem; break-inside: avoid; page-break-inside: avoid; }}
}}
</style>
"""
    + """
<style>
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stButtonGroup"], [data-testid="stExpander"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stNumberInput"],
  [data-testid="stRadio"], [data-testid="stCheckbox"], [data-testid="stSelectbox"], [data-testid="stPopover"],
  .no-print {
    display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    position: static !important; overflow: visible !important; height: auto !important; }
  [data-testid="stMainBlockContainer"] { max-width: none !important; padding: 0 !important; }
  [data-testid="stVerticalBlock"] { display: block !important; }
  [data-testid="stHorizontalBlock"] { display: block !important; }
  [data-testid="stColumn"] { width: 100% !important; max-width: 100% !important; display: block !important; }
  [data-testid="stElementContainer"], [data-testid="stColumn"] > div { margin-bottom: 0.5rem; }
  [data-testid="stElementContainer"]:has(h1, h2, h3, h4) { break-after: avoid; page-break-after: avoid; }
  [data-testid="stElementContainer"], [data-testid="stAlert"] { break-inside: avoid; page-break-inside: avoid; }
  [class*="st-key-wide_"] [data-testid="stDataFrame"] { display: none !important; }
  [class*="st-key-wide_"]::after {
    content: "Tabellen er for bred til papir: den står i rapporten (PDF/HTML), i filerne og i appen.";
    display: block; font-style: italic; font-size: 0.8rem; }
}
</style>
"""
)

GUIDE_LABEL = "Vejledning"  # short: the column beside the view switch cut "Sådan bruger du værktøjet"
# The guide names every view of the switch (app.py) by its label; tests/app/test_guide.py checks it.
GUIDE = (
    "1. **Læs datastatus** øverst: mange værdier er endnu illustrative pladsholdere.",
    "2. **Vægt kriterierne** i sidepanelet: hver skyder er kriteriets andel af den samlede score (piletasterne "
    "flytter et trin). Delvægte, afstand til aktører og baggrundskort ligger under skyderne.",
    "3. **Rangering og kort**: farven er den samlede score, tallet er rangen. Klik på et område for detaljer. "
    "Fanerne under kortet forklarer scorerne og giver kortlisten til styregruppen (CSV, Excel, rapport som PDF).",
    "4. **Scenarier og udelukkelse** i sidepanelet: åbn et udgangspunkt, gem vægte og regler som et scenarie, "
    "og del skærmen med *Kopiér link*. *Sammenlign scenarier* ligger nederst på siden.",
    "5. **Robusthed**: holder nr. 1, hvis vægtene eller de usikre værdier ændres, og hvilke værdier afgør valget?",
    "6. **Vurderinger**: lokale vurderinger af et område, i formularen eller i et regneark. **Registre**: "
    "indsatser og aktører.",
    "7. **Styregruppe**: en vægtningsrunde, hvor hvert medlem vægter, og gruppens resultat. **Beslutning**: "
    "registrér beslutningen og hent rapporten.",
    "8. **Indlæs data**: officielle områdegrænser, indikatorværdier og aktørregistre.",
    "",
    "Udskriver du siden, står vægtene, scenariet og reglerne øverst på papiret.",
)


# Streamlit 1.67 writes the file drop zone's size text in English ("50MB per file • CSV") and offers
# no setting to translate it: it is hidden and a Danish one drawn in its place (CSS generated content
# is read by screen readers). The button's word ("Upload") is translated in the page by ui.a11y; the
# file types are in each uploader's label.
_UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "%(hint)s"; font-size: 0.875rem; }
</style>
"""


def wide_table(name: str) -> DeltaGenerator:
    """A place for a table too wide for A4: on paper a note replaces it (see _PRINT_CSS)."""
    return st.container(key=state.wide_table_key(name).name)


def upload_hint(max_mb: int) -> str:
    """The Danish text under the file button (the size limit comes from Streamlit's configuration)."""
    return f"eller træk filerne hertil · højst {int(max_mb)} MB pr. fil"


def compact_page() -> None:
    """Tighter spacing at the top of the page and Danish file-uploader texts (no content, layout only)."""
    hint = upload_hint(int(st.get_option("server.maxUploadSize")))
    st.html(_COMPACT_CSS + _UPLOADER_CSS % {"hint": hint} + _PRINT_CSS)


def print_only() -> DeltaGenerator:
    """A place shown only on paper (hidden on screen): the settings the printed page was made with."""
    return st.container(key=state.PRINT_SETTINGS.name)


def folded(
    label: str,
    key: Key[bool],
    keep: Iterable[Key[Any]] = (),
    *,
    parent: DeltaGenerator | None = None,
    expanded: bool = False,
) -> ExpanderContainer:
    """An expander whose content is drawn only while it is open (``with folded(...) as box: if box.open: ...``).

    Opening it reruns the page (Streamlit's lazy expander), so a closed one costs neither the server nor the
    browser anything on a weight move or on the first paint. Streamlit forgets the value of a widget that is
    not drawn; the widgets named in ``keep`` are carried over while the expander is closed (their value is
    written back to the session before anything is drawn), so closing it loses nothing the user set.
    """
    state.keep(keep)
    return (parent or st).expander(label, expanded=expanded, key=key.name, on_change="rerun")


def sections(labels: Sequence[str], key: Key[str], keep: Iterable[Key[Any]] = ()) -> list[TabContainer]:
    """Tabs whose content is drawn only while selected (``if tab.open: with tab: ...``).

    Choosing a tab reruns the page (Streamlit's lazy tabs), so the content of the other tabs costs neither
    the server nor the browser anything on a weight move or on the first paint; ``keep`` works as in
    ``folded`` for the widgets of the tabs that are not drawn.
    """
    state.keep(keep)
    return list(st.tabs(labels, key=key.name, on_change="rerun"))


def guide() -> None:
    """A short guide for first-time users in a popover: opened, it lies over the page and moves nothing (an
    expander here pushed the map 500 px down). Drawn only while open."""
    with st.popover(
        GUIDE_LABEL, icon=":material/help:", width="stretch", key=state.GUIDE_FOLD.name, on_change="rerun"
    ) as pop:
        if pop.open:
            st.markdown("\n".join(GUIDE))
