"""Property test: any sequence of saves, withdrawals and stale saves matches a plain Python model of the rules."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selection.assessments import (
    AssessmentConflict,
    AssessmentError,
    NewAssessment,
    aggregate,
    current_assessments,
    history,
    record_assessment,
    value_version,
)
from selection.storage.database import open_store
from tests.support.databases import AREA_IDS, MODEL
from tests.support.factory import ADMIN

CELLS = [("a", "t1"), ("b", "n1")]
NAMES = ["Anna", "ANNA", "Bo", "Carl"]  # "Anna" and "ANNA" are one assessor

operation = st.tuples(
    st.sampled_from(CELLS),
    st.sampled_from(NAMES),
    st.one_of(st.none(), st.sampled_from([1.0, 2.0, 2.5, 3.0, 4.0, 5.0])),
    st.booleans(),  # True: the form was opened before the last save (stale)
)


@settings(max_examples=25)
@given(st.lists(operation, max_size=14))
def test_the_store_follows_the_rules(operations):
    folder = Path(tempfile.mkdtemp(prefix="selection-prop-"))
    engine = open_store(f"sqlite:///{folder / 's.sqlite'}")
    try:
        current: dict[tuple[str, str], dict[str, float]] = {cell: {} for cell in CELLS}
        versions = dict.fromkeys(CELLS, 0)
        for (area, indicator), name, value, stale in operations:
            cell, key = (area, indicator), name.casefold()
            expected = versions[cell] - 1 if stale and versions[cell] else versions[cell]
            new = NewAssessment(area, indicator, value, "Begrundelse", "", name, "", date(2026, 11, 2))
            if expected != versions[cell]:
                with pytest.raises(AssessmentConflict):
                    record_assessment(engine, new, MODEL, AREA_IDS, expected, actor=ADMIN)
            elif value is None and key not in current[cell]:
                with pytest.raises(AssessmentError, match="ingen gældende vurdering"):
                    record_assessment(engine, new, MODEL, AREA_IDS, expected, actor=ADMIN)
            else:
                saved = record_assessment(engine, new, MODEL, AREA_IDS, expected, actor=ADMIN)
                assert saved.previous_value == current[cell].get(key)
                versions[cell] += 1
                if value is None:
                    del current[cell][key]
                else:
                    current[cell][key] = value
            assert value_version(engine, area, indicator) == versions[cell]
        assert len(history(engine)) == sum(versions.values())
        agg = aggregate(current_assessments(engine)).set_index(["area_id", "indicator_id"])
        for cell, by_assessor in current.items():
            if not by_assessor:
                assert cell not in agg.index
                continue
            values = sorted(by_assessor.values())
            mid = len(values) // 2
            median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
            assert agg.loc[cell, "value"] == median
            assert (agg.loc[cell, "n_assessors"], agg.loc[cell, "min"], agg.loc[cell, "max"]) == (
                len(values),
                values[0],
                values[-1],
            )
    finally:
        engine.dispose()
        shutil.rmtree(folder)
