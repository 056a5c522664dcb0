"""Values derived from one loaded frame that the weights never change, computed once per frame object.

A weight move reruns the ranking panels with the same data set, matrix and provenance objects; what
they derive from those objects alone (arrays, look-up dicts) is kept here instead of being rebuilt on
every move. An entry belongs to one frame *object*: it is used only while that object is alive and is
the one it was built from, so new data (a loaded package, another actor distance, a saved assessment:
each gives new frames) is never served an old value. Frames are not changed in place once built.
Values are shared: callers treat them as read-only. Memory is bounded (``MAX_ENTRIES``).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from functools import partial
from typing import TypeVar, cast

T = TypeVar("T")
MAX_ENTRIES = 32  # a few derived values for the few data sets alive at once

# (kind, id(frame)) -> (weak reference to the frame, key, value)
_ENTRIES: dict[tuple[str, int], tuple[weakref.ref, Hashable, object]] = {}
_LOCK = threading.RLock()  # re-entrant: a weak-reference callback may run (GC) while it is held


def per_frame(kind: str, frame: object, build: Callable[[], T], key: Hashable = None) -> T:
    """``build()``, computed once per ``frame`` object, ``kind`` and ``key`` (e.g. the settings it depends on).

    ``kind`` names what is derived (one entry per kind and frame; a different ``key`` replaces it).
    """
    slot = (kind, id(frame))
    with _LOCK:
        hit = _ENTRIES.get(slot)
    if hit is not None and hit[0]() is frame and _same(hit[1], key):
        return cast(T, hit[2])
    value = build()
    with _LOCK:
        if len(_ENTRIES) >= MAX_ENTRIES:
            _ENTRIES.clear()
        _ENTRIES[slot] = (weakref.ref(frame, partial(_drop, slot)), key, value)
    return value


def _same(a: Hashable, b: Hashable) -> bool:
    return a is b or a == b


def _drop(slot: tuple[str, int], ref: weakref.ref) -> None:
    """The frame is gone: forget its value (unless the slot already holds a newer frame's)."""
    with _LOCK:
        if (hit := _ENTRIES.get(slot)) is not None and hit[0] is ref:
            del _ENTRIES[slot]


def entries() -> int:
    """How many derived values are kept (for tests and benchmarks)."""
    with _LOCK:
        return len(_ENTRIES)
