"""Critical values respect what an indicator's values can be: yes/no flips between nej and ja, counts and
steps move by whole numbers, the sector coverage by whole sectors (selection/analysis/critical/values.py,
combined.py)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selection.analysis.critical.combined import combined_flip, combined_sentence
from selection.analysis.critical.priorities import priority_list
from selection.analysis.critical.values import EFFECTS, critical_values
from selection.analysis.critical.wording import cell_summary
from selection.config import BUNDLED_DATA_DIR
from selection.data.criteria import parse_criteria
from selection.data.dataset import load_dataset
from selection.errors import DataError
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import score_areas
from selection.workspace import workspace_of
from tests.unit.analysis.critical.test_values import assert_matches_brute

CRITICAL = [f"{e}_{d}" for e in EFFECTS for d in ("down", "up")]
FRACTION_OF_YES_NO = re.compile(r"\d,\d+ ja/nej|\d+ ja/nej")


def indicator(iid: str, unit: str, lo: float, hi: float, **extra) -> dict:
    return {"id": iid, "label": iid.upper(), "unit": unit, "scale": {"min": lo, "max": hi}, **extra}


MODEL = parse_criteria(
    {
        "criteria": [
            {
                "id": "c1",
                "label": "K1",
                "indicators": [
                    indicator("flag", "ja/nej", 0, 1),  # yes/no by default (unit ja/nej on 0–1)
                    indicator("steps", "trin", 0, 4, values="whole"),
                    indicator("score", "point", 1, 5),
                ],
            },
            {"id": "c2", "label": "K2", "indicators": [indicator("share", "%", 0, 100)]},
        ]
    }
)


@pytest.fixture(scope="module")
def bundled():
    dataset = workspace_of(load_dataset(BUNDLED_DATA_DIR), None).dataset  # with its registers, as the app ranks it
    perf, result = evaluate(dataset)
    return dataset, perf, result, critical_values(perf.matrix, dataset.model, result, perf.provenance, 3)


def test_the_model_knows_the_kinds():
    assert [i.values for i in MODEL.indicators] == ["yes_no", "whole", "decimal", "decimal"]


def test_bundled_critical_values_are_values_the_indicator_can_take(bundled):
    dataset, _, _, table = bundled
    n_sectors = len(dataset.model.sectors)
    checked = 0
    for ind in dataset.model.indicators:
        found = table.loc[table["indicator_id"] == ind.id, CRITICAL].to_numpy(float).ravel()
        found = found[~np.isnan(found)]
        if ind.whole:
            assert (found == np.round(found)).all(), (ind.id, found)
            checked += len(found)
        if ind.values == "yes_no":
            assert set(found) <= {0.0, 1.0}
        if ind.computed == "sector_coverage":
            sectors = found / (100 / n_sectors)
            assert np.allclose(sectors, np.round(sectors)), found
            checked += len(found)
    assert checked > 0


def test_bundled_texts_show_yes_no_as_nej_and_ja(bundled):
    dataset, perf, result, table = bundled
    names = dataset.areas["name"].to_dict()
    plist = priority_list(table, dataset.model, names, 3)
    flags = plist[plist["indicator_id"] == "need_documented"]
    assert len(flags)
    assert set(flags["condition"]) <= {"nej → ja", "ja → nej"}
    assert all(re.search(r"var (ja|nej) i stedet for (nej|ja),", s) for s in flags["sentence"])
    summaries = [
        cell_summary(rec, "ja/nej", 3, "yes_no")
        for rec in table[table["indicator_id"] == "need_documented"].to_dict("records")
    ]
    texts = [*plist["sentence"], *plist["condition"], *summaries]
    flip = combined_flip(perf.matrix, dataset.model, result, perf.provenance, table)
    if flip is not None:
        texts.append(combined_sentence(flip, dataset.model, names))
    assert not [t for t in texts if FRACTION_OF_YES_NO.search(t)]
    assert any("nej → ja" in t or "ja → nej" in t for t in summaries)


def test_combined_change_moves_whole_indicators_by_whole_numbers(bundled):
    dataset, perf, result, table = bundled
    flip = combined_flip(perf.matrix, dataset.model, result, perf.provenance, table)
    assert flip is not None
    whole = flip.changes[[dataset.model.indicator(i).whole for i in flip.changes["indicator_id"]]]
    assert np.allclose(whole["new_value"], np.round(whole["new_value"]), atol=1e-6)


@settings(max_examples=15)  # each example re-scores every cell on a fine grid
@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 1.0]), st.integers(0, 4), st.floats(1, 5), st.floats(0, 100)),
        min_size=2,
        max_size=4,
    ),
    st.integers(1, 3),
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 3)),
)
def test_whole_and_yes_no_critical_values_match_brute_force(rows, top_n, subs):
    matrix = pd.DataFrame(
        [[f, float(s), round(p, 3), round(q, 3)] for f, s, p, q in rows],
        index=[f"a{k}" for k in range(len(rows))],
        columns=["flag", "steps", "score", "share"],
    )
    sub_weights = {"flag": float(subs[0]), "steps": float(subs[1]), "score": float(subs[2]), "share": 1.0}
    assert_matches_brute(matrix, MODEL, MODEL.default_weights, sub_weights, top_n)
    table = critical_values(matrix, MODEL, score_areas(matrix, MODEL, MODEL.default_weights, sub_weights), None, 1)
    for iid in ("flag", "steps"):
        found = table.loc[table["indicator_id"] == iid, CRITICAL].to_numpy(float).ravel()
        found = found[~np.isnan(found)]
        assert (found == np.round(found)).all()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"values": "heltal"}, "'values' skal være en af"),
        ({"values": "yes_no", "scale": {"min": 1, "max": 5}}, "skal have skalaen 0–1"),
    ],
)
def test_a_wrong_values_kind_is_a_danish_error(extra, message):
    raw = {"criteria": [{"id": "c", "label": "K", "indicators": [{**indicator("x", "trin", 0, 1), **extra}]}]}
    with pytest.raises(DataError) as caught:
        parse_criteria(raw)
    assert message in str(caught.value)
