"""Text alternatives of the ranking, the contribution chart, the rank heat map and the sweep charts."""

from __future__ import annotations

import pandas as pd

from selection.analysis.robustness.sensitivity import weight_sweep
from selection.data.dataset import load_dataset
from selection.output.text_alternatives import (
    acceptability_summary,
    contribution_summary,
    ranking_sentence,
    sweep_summary,
)
from selection.ranking.evaluate import evaluate
from selection.text.formatting import number


def table(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area_id", "name", "rank", "total", "a_contribution", "b_contribution"])


def test_ranking_sentence_names_the_first_places_with_danish_numbers() -> None:
    t = table([("x", "Xby", 1, 62.26, 40.0, 22.26), ("y", "Yby", 2, 50.0, 10.0, 40.0), ("z", "Zby", None, None, 0, 0)])
    assert ranking_sentence(t) == "Rangeringen nu: nr. 1 Xby (62,3 point), nr. 2 Yby (50,0 point)."
    assert ranking_sentence(t, n=1) == "Rangeringen nu: nr. 1 Xby (62,3 point)."
    assert ranking_sentence(t[t["rank"].isna()]).startswith("Ingen områder kan rangeres")


def test_ranking_sentence_follows_the_real_ranking() -> None:
    result = evaluate(load_dataset(), {"trust": 0, "actors": 0, "need": 1})[1]
    first = result.ranked.iloc[0]
    assert ranking_sentence(result.table).startswith(f"Rangeringen nu: nr. 1 {first['name']} ({number(first['total'])}")


def test_contribution_summary_says_where_each_leading_area_gets_its_points() -> None:
    t = table([("x", "Xby", 1, 62.0, 40.0, 22.0), ("y", "Yby", 2, 50.0, 10.0, 40.0)])
    text = contribution_summary(t, {"a": "Tillid", "b": "Behov"})
    assert "nr. 1 Xby: 62,0 point, mest fra Tillid (40,0)" in text
    assert "nr. 2 Yby: 50,0 point, mest fra Behov (40,0)" in text
    assert text.endswith("Alle tal står i tabellen Rangering.")


def test_acceptability_summary_lists_the_most_frequent_winners() -> None:
    acc = pd.DataFrame({1: [0.7, 0.3, 0.0], 2: [0.3, 0.7, 0.0], 3: [0.0, 0.0, 1.0]}, index=["x", "y", "z"])
    text = acceptability_summary(acc, {"x": "Xby", "y": "Yby", "z": "Zby"})
    assert "Oftest nr. 1: Xby i 70 %, Yby i 30 % af de afprøvede vægtninger." in text
    assert "Zby" not in text  # never nr. 1


def test_sweep_summary_gives_the_leader_over_each_range_of_the_weight() -> None:
    scores = pd.DataFrame({"a": [100.0, 0.0], "b": [0.0, 100.0]}, index=["x", "y"])
    sweep = weight_sweep(scores, {"a": 0.5, "b": 0.5}, "a", steps=11)
    text = sweep_summary(sweep, {"x": "Xby", "y": "Yby"}, "Tillid", ["x", "y"])
    # x leads once a's share passes 50 %; at exactly 50 % they tie.
    assert text == (
        "Nr. 1, når vægten af Tillid går fra 0 til 100 %: Yby (0 %–40 %), delt nr. 1 (50 %–50 %), Xby (60 %–100 %)."
    )


def test_unverified_leaders_names_the_ranked_areas_not_verified_on_the_list():
    """Issue 29 (14): the areas at the top that are not verified on the state's list, by rank and name."""
    from selection.output.text_alternatives import unverified_leaders

    table = pd.DataFrame(
        {
            "rank": [1, 2, 3, None],
            "area_id": ["u", "v", "w", "x"],
            "name": ["Urbanplanen", "Hørgården", "Tingbjerg", "Uden rang"],
        }
    )
    confidence = {"u": "estimate", "v": "verified", "w": "inferred", "x": "estimate"}
    text = unverified_leaders(table, confidence, 3)
    assert text == (
        "Nr. 1 Urbanplanen (kandidat) og nr. 3 Tingbjerg (udledt) er ikke verificeret som forebyggelsesområder på "
        "statens liste; bekræft listen, før et af dem vælges."
    )
    assert unverified_leaders(table, confidence, 1) == (
        "Nr. 1 Urbanplanen (kandidat) er ikke verificeret som forebyggelsesområde på statens liste; bekræft listen, "
        "før området vælges."
    )
    assert unverified_leaders(table, {"u": "verified", "v": "verified", "w": "verified"}, 3) is None
    assert "Uden rang" not in (unverified_leaders(table, confidence, 10) or "")  # unranked areas are not leaders
