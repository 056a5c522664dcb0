"""The server freezes its long-lived heap once per stage (ui.data.freeze_heap) without switching off the garbage
collector: objects made later, e.g. a weight move's garbage with reference cycles, are still collected."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui import data

APP = str(Path(__file__).resolve().parents[2] / "app.py")


class Node:
    """An object that can sit in a reference cycle and be watched with a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


def test_each_stage_is_frozen_once() -> None:
    first = data.freeze_heap("test stage")
    assert first > 0
    made_later = [Node() for _ in range(1000)]  # tracked objects created after the freeze
    assert data.freeze_heap("test stage") == first, "a stage must not freeze again (cached per process)"
    # Frozen objects may still be freed by reference counting, so the count can only have gone down.
    assert gc.get_freeze_count() <= first, "the second call froze the objects made in between"
    assert len(made_later) == 1000
    assert gc.isenabled(), "the collector must stay on"


def test_cycles_made_after_the_freeze_are_still_collected() -> None:
    data.freeze_heap("test stage")
    a, b = Node(), Node()
    a.other, b.other = b, a  # a reference cycle: only the cyclic collector can free it
    gone = weakref.ref(a)
    del a, b
    gc.collect()
    assert gone() is None


def tracked(obj: object) -> bool:
    """Whether the cyclic collector still looks at ``obj`` (frozen objects are left out of gc.get_objects)."""
    return any(o is obj for o in gc.get_objects())


def test_the_app_freezes_its_heap_on_the_first_run(monkeypatch) -> None:
    monkeypatch.delenv("SELECTION_DATA", raising=False)  # the bundled package
    data.freeze_heap.clear()
    long_lived = [Node()]  # alive before the app's first run, like an imported module's objects
    assert tracked(long_lived)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert not tracked(long_lived), "the app did not freeze the heap on its first run"
    assert gc.isenabled()
