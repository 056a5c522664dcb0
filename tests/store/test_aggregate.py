"""Aggregating assessors' values (median/mean, ties, one assessor) and feeding them into the ranking."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.assessments import aggregate, apply_assessments
from selection.data.dataset import load_dataset
from selection.data.status import data_status
from selection.output.shortlist import area_facts, shortlist_table
from selection.ranking.evaluate import evaluate
from tests.support.databases import assessment_criteria
from tests.support.factory import make_package

STAMP = datetime(2024, 5, 17, 9, 30, 5, tzinfo=UTC)


def latest(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"area_id": a, "indicator_id": i, "assessor_name": n, "value": v} for a, i, n, v in rows])


def one(frame: pd.DataFrame, area: str, indicator: str) -> dict:
    [row] = frame[(frame["area_id"] == area) & (frame["indicator_id"] == indicator)].to_dict("records")
    return row


def test_median_mean_spread_and_count_per_value():
    frame = latest(("a", "t1", "Anna", 1), ("a", "t1", "Bo", 2), ("a", "t1", "Carl", 5), ("b", "t1", "Anna", 4))
    med, mean = aggregate(frame, "median"), aggregate(frame, "mean")
    assert one(med, "a", "t1") == {
        "area_id": "a",
        "indicator_id": "t1",
        "value": 2.0,
        "n_assessors": 3,
        "min": 1.0,
        "max": 5.0,
    }
    assert one(mean, "a", "t1")["value"] == pytest.approx(8 / 3)
    assert one(med, "b", "t1") == {
        "area_id": "b",
        "indicator_id": "t1",
        "value": 4.0,
        "n_assessors": 1,
        "min": 4.0,
        "max": 4.0,
    }


def test_an_even_number_of_assessors_takes_the_middle_of_the_two_central_values():
    frame = latest(("a", "t1", "Anna", 2), ("a", "t1", "Bo", 5), ("a", "t1", "Carl", 3), ("a", "t1", "Dan", 4))
    assert one(aggregate(frame), "a", "t1")["value"] == 3.5
    tie = latest(("a", "t1", "Anna", 3), ("a", "t1", "Bo", 3), ("a", "t1", "Carl", 1))
    assert one(aggregate(tie), "a", "t1")["value"] == 3.0


def test_no_assessments_give_an_empty_frame_and_an_unknown_method_is_refused():
    empty = aggregate(latest())
    assert list(empty.columns) == ["area_id", "indicator_id", "value", "n_assessors", "min", "max"]
    assert empty.empty
    with pytest.raises(ValueError, match="Ukendt metode"):
        aggregate(latest(("a", "t1", "Anna", 3)), "mode")


@given(
    st.lists(st.floats(min_value=1, max_value=5, allow_nan=False), min_size=1, max_size=12),
    st.sampled_from(["median", "mean"]),
)
def test_the_aggregate_lies_within_the_spread_of_the_assessors(values, method):
    frame = latest(*[("a", "t1", f"v{k}", v) for k, v in enumerate(values)])
    row = one(aggregate(frame, method), "a", "t1")
    expected = statistics.median(values) if method == "median" else statistics.fmean(values)
    assert math.isclose(row["value"], expected, rel_tol=1e-9, abs_tol=1e-9)
    assert row["min"] - 1e-9 <= row["value"] <= row["max"] + 1e-9
    assert (row["min"], row["max"], row["n_assessors"]) == (min(values), max(values), len(values))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(make_package(tmp_path_factory.mktemp("agg") / "p", criteria=assessment_criteria()))


def test_assessed_cells_become_local_assessments_and_other_cells_stay(dataset):
    agg = aggregate(
        latest(
            ("c", "t1", "Anna", 5),
            ("c", "t1", "Bo", 4),
            ("c", "t1", "Carl", 2),
            ("zz", "t1", "Anna", 5),
            ("a", "n2", "Anna", 5),
        )
    )  # unknown area / not assessable
    shown = apply_assessments(dataset, agg)
    cell = one(shown.values, "c", "t1")
    assert (cell["value"], cell["kind"], cell["n_assessors"], cell["min"], cell["max"]) == (4.0, "assessed", 3, 2, 5)
    assert cell["source"] == "Lokal vurdering (3 vurderere)"
    assert cell["note"] == "Median af 3 vurdereres seneste vurderinger; spænd 2–5."
    assert len(shown.values) == len(dataset.values)
    untouched = shown.values[shown.values["kind"] != "assessed"].drop(columns=["n_assessors", "min", "max"])
    expected = dataset.values[~((dataset.values["area_id"] == "c") & (dataset.values["indicator_id"] == "t1"))]
    pd.testing.assert_frame_equal(untouched.reset_index(drop=True), expected.reset_index(drop=True))
    assert (
        dataset.values.loc[(dataset.values["area_id"] == "c") & (dataset.values["indicator_id"] == "t1"), "kind"].item()
        == "illustrative"
    )  # the input data set is not changed


def test_one_assessor_is_named_in_singular(dataset):
    shown = apply_assessments(dataset, aggregate(latest(("b", "n1", "Anna", 2))))
    cell = one(shown.values, "b", "n1")
    assert cell["source"] == "Lokal vurdering (1 vurderer)"
    assert cell["note"] == "Én vurderers seneste vurdering; spænd 2."


def test_an_assessment_reorders_the_ranking_and_changes_the_notice_counts(dataset):
    _, before = evaluate(dataset)
    perf0, _ = evaluate(dataset)
    status0 = data_status(dataset, perf0.provenance, ["t1", "cov", "n1", "n2"])
    bottom = before.ranked.iloc[-1]["area_id"]
    agg = aggregate(latest((bottom, "t1", "Anna", 5), (bottom, "n1", "Anna", 5), (bottom, "n1", "Bo", 5)))
    shown = apply_assessments(dataset, agg)
    perf, after = evaluate(shown)
    order_before, order_after = list(before.ranked["area_id"]), list(after.ranked["area_id"])
    assert order_after.index(bottom) < order_before.index(bottom) == len(order_before) - 1
    status = data_status(shown, perf.provenance, ["t1", "cov", "n1", "n2"])
    assert status.value_kinds["assessed"] == status0.value_kinds["assessed"] + 2
    assert status.n_values == status0.n_values
    assert "2 lokale vurderinger" in status.summary()


def test_the_shortlist_names_each_local_assessment_with_its_spread(dataset):
    agg = aggregate(latest(("b", "n1", "Anna", 2), ("b", "n1", "Bo", 5), ("b", "t1", "Anna", 4)))
    shown = apply_assessments(dataset, agg)
    _, result = evaluate(shown)
    table = shortlist_table(result, shown, 3).set_index("Område-id")
    assert (
        table.at["b", "Lokale vurderinger"]
        == "T1: 4,0 (1 vurderer, spænd 4,0–4,0); N1: 3,5 (2 vurderere, spænd 2,0–5,0)"
    )
    assert table.at["a", "Lokale vurderinger"] == ""


def test_per_area_facts_computed_once_give_the_same_shortlist_as_computed_per_call(dataset):
    """The app caches ``area_facts`` per data set; the table must not depend on where they came from."""
    agg = aggregate(latest(("b", "n1", "Anna", 2), ("b", "n1", "Bo", 5), ("c", "t1", "Anna", 4)))
    shown = apply_assessments(dataset, agg)
    _, result = evaluate(shown)
    facts = area_facts(shown)
    assert set(facts) == set(shown.areas.index)
    assert facts["c"]["Lokale vurderinger"] == "T1: 4,0 (1 vurderer, spænd 4,0–4,0)"
    for top_n in (1, 3, len(facts)):
        pd.testing.assert_frame_equal(
            shortlist_table(result, shown, top_n, STAMP, facts=facts), shortlist_table(result, shown, top_n, STAMP)
        )
