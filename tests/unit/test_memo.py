"""The per-frame memo behind the weight-move caches: reused for the same frame, rebuilt for new data."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd

from selection import memo as frame_memo
from selection.analysis.critical.values import critical_values
from selection.data.dataset import load_dataset
from selection.data.performance import build_performance
from selection.memo import per_frame
from selection.ranking.evaluate import evaluate


def counting_build(calls: list[int], value: object):
    def build() -> object:
        calls.append(1)
        return value

    return build


def test_the_same_frame_and_key_are_built_once() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    calls: list[int] = []
    first = per_frame("test.same", frame, counting_build(calls, object()), key="k")
    again = per_frame("test.same", frame, counting_build(calls, object()), key="k")
    assert again is first
    assert len(calls) == 1


def test_a_new_frame_with_equal_content_is_built_again() -> None:
    calls: list[int] = []
    a = pd.DataFrame({"a": [1.0]})
    b = pd.DataFrame({"a": [1.0]})
    per_frame("test.new", a, counting_build(calls, "a"))
    assert per_frame("test.new", b, counting_build(calls, "b")) == "b"
    assert len(calls) == 2


def test_another_key_rebuilds() -> None:
    frame = pd.DataFrame({"a": [1.0]})
    calls: list[int] = []
    per_frame("test.key", frame, counting_build(calls, 1), key=("distance", 500.0))
    assert per_frame("test.key", frame, counting_build(calls, 2), key=("distance", 750.0)) == 2
    assert per_frame("test.key", frame, counting_build(calls, 3), key=("distance", 750.0)) == 2
    assert len(calls) == 2


def test_an_entry_goes_with_its_frame() -> None:
    frame = pd.DataFrame({"a": [1.0]})
    per_frame("test.gone", frame, lambda: np.zeros(1000))
    before = frame_memo.entries()
    del frame
    gc.collect()
    assert frame_memo.entries() == before - 1


def test_memory_stays_bounded() -> None:
    frames = [pd.DataFrame({"a": [float(i)]}) for i in range(3 * frame_memo.MAX_ENTRIES)]
    for i, frame in enumerate(frames):
        per_frame("test.bounded", frame, lambda i=i: i)
    assert frame_memo.entries() <= frame_memo.MAX_ENTRIES


def test_critical_values_follow_a_changed_matrix() -> None:
    """A new matrix (e.g. a saved assessment) is never answered from the cache of the old one."""
    dataset = load_dataset()
    perf = build_performance(dataset)
    _, result = evaluate(dataset, dataset.model.default_weights, None, performance=perf)
    before = critical_values(perf.matrix, dataset.model, result, perf.provenance, 3)
    changed = perf.matrix.copy()
    area, indicator = before.iloc[0]["area_id"], before.iloc[0]["indicator_id"]
    ind = dataset.model.indicator(indicator)
    new_value = ind.scale_max if before.iloc[0]["value"] != ind.scale_max else ind.scale_min
    changed.loc[area, indicator] = new_value
    after = critical_values(changed, dataset.model, result, perf.provenance, 3)
    cell = after[(after["area_id"] == area) & (after["indicator_id"] == indicator)].iloc[0]
    assert cell["value"] == new_value
    assert critical_values(perf.matrix, dataset.model, result, perf.provenance, 3).equals(before)
