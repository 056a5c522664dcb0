"""Putting assessed values into a package's performance matrix gives what building it afresh gives."""

from __future__ import annotations

import pandas as pd

from selection.assessments import apply_assessments
from selection.data.dataset import load_dataset
from selection.data.performance import build_performance, with_stored_values
from tests.support.factory import make_package
from tests.app.test_assessments import assessment_criteria


def test_with_stored_values_equals_a_fresh_build(tmp_path) -> None:
    assessable = load_dataset(make_package(tmp_path / "pkg", criteria=assessment_criteria()))
    aggregates = pd.DataFrame(
        {
            "area_id": ["a", "c"],
            "indicator_id": ["t1", "n1"],
            "value": [2.5, 1.0],
            "n_assessors": [2, 1],
            "min": [2.0, 1.0],
            "max": [3.0, 1.0],
        }
    )
    assessed = apply_assessments(assessable, aggregates)
    for distance in (0.0, 500.0):
        fresh = build_performance(assessed, distance)
        reused = with_stored_values(build_performance(assessable, distance), assessed)
        pd.testing.assert_frame_equal(reused.matrix, fresh.matrix)
        key = ["indicator_id", "area_id"]
        pd.testing.assert_frame_equal(
            reused.provenance.sort_values(key).reset_index(drop=True),
            fresh.provenance.sort_values(key).reset_index(drop=True),
        )
        assert reused.matrix.at["a", "t1"] == 2.5
        assert reused.matrix.at["c", "n1"] == 1.0
        assert reused.matrix.at["b", "t1"] == 3.0, "values without an assessment stay as stored"
