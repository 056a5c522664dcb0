"""The steering group's report (HTML and PDF from one template), built from a frozen snapshot.

``take_snapshot`` freezes everything a report needs (data version and hash, every value with its
provenance, the assessments, weights, ranking and robustness figures) as plain JSON; ``render_html``
and ``render_pdf`` draw the report from such a snapshot only, so a decision's report shows the data
of the day it was taken.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SNAPSHOT_FORMAT", "render_html", "render_pdf", "take_snapshot"]
_LAZY = {"render_html": "render", "render_pdf": "render", "SNAPSHOT_FORMAT": "snapshot", "take_snapshot": "snapshot"}


def __getattr__(name: str) -> Any:
    """Import the renderer (matplotlib, WeasyPrint) only when a report is made: every other
    command line call (``rank``, ``validate`` ...) starts without it."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
