"""AppTest helpers: open the page's lazy expanders (ui.layout.folded) and choose its lazy tabs (ui.layout.sections),
whose content is drawn only while open or chosen."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui import layout, state

FOLD_KEYS = (state.SUB_WEIGHTS_FOLD, state.ACTORS_MAP_FOLD, state.SCENARIO_FOLD, state.COMPARE_FOLD, state.GUIDE_FOLD)
FOLDS = tuple(key.name for key in FOLD_KEYS)


def open_folds(at: AppTest, *keys: str) -> AppTest:
    """Mark the expanders ``keys`` (all of them by default) open, as a click would; the next run draws them."""
    for key in keys or FOLDS:
        at.session_state[key] = True
    return at


DETAILS, WHY, SHORTLIST = layout.SECTIONS  # the tabs below the map and ranking (app.py)


def open_section(at: AppTest, label: str) -> AppTest:
    """Choose the tab ``label`` below the map and ranking, as a click would; the next run draws it."""
    at.session_state[state.SECTION.name] = label
    return at
