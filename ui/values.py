"""Plain values the panels pass around and the session keeps (``ui/state.py`` types its keys with them).

No Streamlit and no other ``ui`` module: every part of the app can import this one.
"""

from __future__ import annotations

from dataclasses import dataclass

from selection.output.basemaps import Basemap


@dataclass(frozen=True)
class Settings:
    """Everything the user set in the sidebar."""

    weights: dict[str, float]
    sub_weights: dict[str, float]
    distance_m: float
    basemap: str
    background: Basemap


@dataclass(frozen=True)
class Opened:
    """The scenario last opened or saved: its link reference, name, stored version and settings key."""

    ref: str  # stored id ('12') or starting-point key ('behov-foerst')
    name: str
    version: int | None  # None for a starting point from the data
    key: str  # ScenarioSettings.key() as opened: the screen still shows it while the key is equal


@dataclass(frozen=True)
class Message:
    """A message for the Vurderinger view, shown once, beside the form it concerns (``where``) or at the top."""

    ok: bool
    text: str
    where: str = ""
