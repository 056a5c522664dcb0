"""Import the page's modules when the server starts (serve.py), not in the first visitor's page run.

Streamlit imports ``app.py``'s modules the first time a page runs, so after every (re)start the first
visitor waited for pandas, geopandas, folium (which compiles its templates), SQLAlchemy and the whole
``selection`` core to load, about a second on two cores. Importing every ``ui`` module at start-up
loads all of it once, before the server reports itself healthy.
"""

from __future__ import annotations

import importlib
import pkgutil

import ui


def page_modules() -> list[str]:
    """Import every module of the ``ui`` package (and so everything they import); return their names."""
    names = sorted(f"ui.{m.name}" for m in pkgutil.iter_modules(ui.__path__) if m.name != "preload")
    for name in names:
        importlib.import_module(name)
    return names
