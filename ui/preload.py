"""Import the pure core when the server starts (serve.py), not in the first visitor's page run.

Streamlit imports ``app.py``'s modules the first time a page runs, so after every (re)start the first
visitor waited for the ``selection`` core and what it loads (pandas, geopandas, shapely, folium, which
compiles its templates, SQLAlchemy): about a second on two cores. ``core_modules`` imports that part at
start-up. The ``ui`` modules are left to the first page run: one of them declares the map component
(streamlit-folium), and a component declared before Streamlit's runtime exists is never registered (its
frame would answer 404). The report (WeasyPrint, matplotlib) and the command-line modules stay lazy too:
the page needs them only when a report is made.
"""

from __future__ import annotations

import importlib
import pkgutil

import selection

LAZY = ("selection.report", "selection.cli", "selection.__main__")  # what the page loads only on demand


def is_lazy(name: str) -> bool:
    """Whether ``name`` is left to be imported when first used (reports, command line)."""
    return any(name == lazy or name.startswith(lazy + ".") for lazy in LAZY)


def core_modules() -> list[str]:
    """Import every module of the ``selection`` core the page uses; return their names."""
    names = sorted(m.name for m in pkgutil.walk_packages(selection.__path__, "selection.") if not is_lazy(m.name))
    for name in names:
        importlib.import_module(name)
    return names
