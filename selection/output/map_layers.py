"""For one commit only: the whole module moved to ``map_elements``, which is split by job next."""

from __future__ import annotations

from selection.output.map_elements import *  # noqa: F403
