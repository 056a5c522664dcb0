"""Accessibility in one place: Danish names for Streamlit's own controls, quiet notices, a polite status line.

Streamlit 1.67 names some of its built-in controls in English ("Help for …", "Search", "Fullscreen",
"Skip to main content") and marks every st.warning/st.info as ``role="alert"``, so a screen reader
would re-read the long data notices at every weight move. ``enhance_page`` adds one small fixed
script (no data in it) that, whenever the page changes: gives those controls Danish names, turns
warnings and notes into ``role="note"`` (errors and confirmations stay alerts), names the map frame,
makes the status line a polite live region and, as a fallback when the app is not started through
``serve.py``, sets ``<html lang="da">``. ``status_line`` writes the short sentence that is announced.
"""

from __future__ import annotations

import json

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import state

RANKING_ANCHOR = "rangering"  # the ranking table's heading: the map's text alternative links to it
GRID_NAME = "Tabel: piletasterne flytter mellem cellerne"
MAP_FRAME_NAME = "Kort over rangerede områder (samme områder, rang og score som tabellen Rangering)"

# Streamlit's English accessible names and their Danish equivalents (exact text, or a prefix ending in a space).
DANISH_NAMES = {
    "Skip to main content": "Gå til hovedindholdet",
    "Link to heading": "Link til overskriften",
    "Show/hide columns": "Vis eller skjul kolonner",
    "Search": "Søg i tabellen",
    "Fullscreen": "Vis i fuld skærm",
    "Close fullscreen": "Luk fuld skærm",
    "Exit fullscreen": "Luk fuld skærm",
    "Show data": "Vis data",
    "Download as PNG": "Hent som PNG",
    "Download as SVG": "Hent som SVG",
    "Copy Vega-Lite spec": "Kopiér diagrammets Vega-Lite-specifikation",
    "Open": "Åbn listen",
    "Close": "Luk",
    "Clear": "Ryd",
    "Clear all": "Ryd alle",
    "Clear value": "Ryd værdien",
    "Increment": "Én mere",
    "Decrement": "Én mindre",
    "Help for ": "Hjælp til ",
    "Delete": "Slet",
    "Remove": "Fjern",
    "Remove ": "Fjern ",  # a multiselect's chip: "Remove <option>"
    "Browse files": "Vælg filer",
    "Upload": "Vælg filer",
    "Open popover": "Åbn",
    "Copy to clipboard": "Kopiér",
    "Show password text": "Vis adgangskoden",
    "Hide password text": "Skjul adgangskoden",
    "Choose date": "Vælg dato",
    "year, ": "år, ",
    "month, ": "måned, ",
    "day, ": "dag, ",
}

# Streamlit's English sentences with a variable part ($1), as (regular expression, Danish).
DANISH_PATTERNS = (
    (r"^\s*Limit (.+) per file", "Højst $1 pr. fil"),
    (r"^\s*Drag and drop files? here\s*$", "Træk filer hertil"),
)

_SCRIPT = """
<script>
(function () {
  if (window.__danishA11y) { return; }
  window.__danishA11y = true;
  var NAMES = %(names)s;
  var STATUS = %(status)s;
  var MAP_NAME = %(map_name)s;
  var PATTERNS = %(patterns)s;
  var GRID_NAME = %(grid_name)s;
  function danish(text) {
    if (!text) { return null; }
    text = text.trim();
    if (Object.prototype.hasOwnProperty.call(NAMES, text)) { return NAMES[text]; }
    for (var key in NAMES) {
      if (key.slice(-1) === " " && text.indexOf(key) === 0) { return NAMES[key] + text.slice(key.length); }
    }
    return null;
  }
  function translateText(el) {  // the visible words inside a control, e.g. the file uploader's button
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    var changed = false;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var value = danish(node.nodeValue);
      if (value === null) {
        for (var i = 0; i < PATTERNS.length; i++) {
          var m = node.nodeValue.match(new RegExp(PATTERNS[i][0]));
          if (m) { value = PATTERNS[i][1].replace("$1", m[1] || ""); break; }
        }
      }
      if (value !== null) { node.nodeValue = value; changed = true; }
    }
    return changed;
  }
  function apply() {
    scheduled = false;
    var root = document.documentElement;
    if (root.getAttribute("lang") !== "da") { root.setAttribute("lang", "da"); }
    document.querySelectorAll("button, a, [role=button], input, summary, [title], [aria-label]").forEach(function (el) {
      ["aria-label", "title"].forEach(function (attr) {
        var value = danish(el.getAttribute(attr));
        if (value) { el.setAttribute(attr, value); }
      });
      if (el.matches("button, a, [role=button], summary")) { translateText(el); }
    });
    document.querySelectorAll("[data-testid=stFileUploaderDropzoneInstructions]").forEach(translateText);
    // Icon names ("keyboard_arrow_right", "upload") are drawn as words: not part of any name.
    document.querySelectorAll("[data-testid=stIconMaterial]:not([aria-hidden])").forEach(function (el) {
      el.setAttribute("aria-hidden", "true");
    });
    // A table's grid and its scroll area are focus stops (the arrow keys move between cells): say so.
    document.querySelectorAll("[data-testid=stDataFrame] canvas:not([aria-label]), "
                              + "[data-testid=stDataFrame] .dvn-scroller:not([aria-label])").forEach(function (el) {
      el.setAttribute("role", "group");
      el.setAttribute("aria-label", GRID_NAME);
    });
    // Notices (st.info/st.warning, e.g. the data status or the local-mode banner) are notes, not live
    // regions that are re-read on every change; errors and successes stay alerts.
    document.querySelectorAll("[data-testid=stAlertContainer][role=alert], "
                              + "[data-testid=stAlertContainer][role=status]").forEach(function (el) {
      if (!el.querySelector("[data-testid=stAlertContentError], [data-testid=stAlertContentSuccess]")) {
        el.setAttribute("role", "note");
      }
    });
    document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]:not([aria-label])').forEach(function (el) {
      el.setAttribute("aria-label", MAP_NAME);
    });
    document.querySelectorAll("." + STATUS + ":not([role=status])").forEach(function (el) {
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
      el.setAttribute("aria-atomic", "true");
    });
  }
  var scheduled = false;
  new MutationObserver(function () {
    if (!scheduled) { scheduled = true; window.requestAnimationFrame(apply); }
  }).observe(document.body, {childList: true, subtree: true, attributes: true,
                             attributeFilter: ["aria-label", "title", "role"]});
  apply();
})();
</script>
"""


def enhance_page() -> None:
    """Add the fixed script that keeps the page's language, names and live regions accessible."""
    st.html(
        _SCRIPT
        % {
            "names": json.dumps(DANISH_NAMES, ensure_ascii=False),
            "patterns": json.dumps(DANISH_PATTERNS, ensure_ascii=False),
            "grid_name": json.dumps(GRID_NAME, ensure_ascii=False),
            "status": json.dumps(f"st-key-{state.A11Y_STATUS.name}"),
            "map_name": json.dumps(MAP_FRAME_NAME, ensure_ascii=False),
        },
        unsafe_allow_javascript=True,
    )


def status_slot() -> DeltaGenerator:
    """The place of the polite status line (a keyed container: it stays in the page between reruns)."""
    return st.container(key=state.A11Y_STATUS.name)
