"""Danish robustness sentences (selection/analysis/robustness/wording.py)."""

from __future__ import annotations

from selection.analysis.robustness.sensitivity import hinge_criterion, stability_table
from selection.analysis.robustness.smaa import smaa
from selection.analysis.robustness.wording import describe_area, summary_sentence
from selection.ranking.scoring import score_areas
from tests.unit.analysis.robustness.cases import MODEL, RAW


def test_summary_sentences():
    assert summary_sentence("Område X", 0.71, "Vurderet behov", 0.25, 0.60) == (
        "Område X er nr. 1 i 71 % af alle vægtninger og forbliver nr. 1, så længe 'Vurderet behov' vægtes "
        "mellem 25 % og 60 %."
    )
    assert summary_sentence("Område Y", 0.04, "Tillid", 0.1, 0.45, rank=3) == (
        "Område Y er nr. 3 og forbliver nr. 3, så længe 'Tillid' vægtes mellem 10 % og 45 %. "
        "Området er nr. 1 i 4 % af alle vægtninger."
    )
    assert summary_sentence("Z", 0.0, "Tillid", 0.0, 0.45, rank=2).endswith(
        "vægtes højst 45 %. Området bliver ikke nr. 1 i nogen af de afprøvede vægtninger."
    )
    assert summary_sentence("Z", 1.0, "Tillid", 0.0, 1.0) == (
        "Z er nr. 1 i 100 % af alle vægtninger og forbliver nr. 1 uanset hvordan 'Tillid' vægtes."
    )
    assert "mellem 33,3 % og 34,0 %" in summary_sentence("Z", 0.5, "T", 0.333, 0.34)


def test_hinge_and_describe_on_scored_model():
    ranked = RAW.loc[["a", "b", "c"]].fillna({"t2": 1})
    result = score_areas(ranked, MODEL, MODEL.default_weights)
    scores = result.criterion_scores
    table = stability_table(scores, result.weights)
    # The current ranks agree with the scoring table.
    ranks = dict(zip(result.table["area_id"], result.table["rank"], strict=True))
    for row in table.itertuples():
        assert row.rank == ranks[row.area_id]
        assert row.lo <= row.current <= row.hi
    top = result.table["area_id"].iloc[0]
    cid = hinge_criterion(table, top)
    rows = table[table["area_id"] == top].set_index("criterion")
    rel = (rows["hi"] - rows["lo"]) / rows["current"]
    assert rel[cid] == rel.min()
    res = smaa(scores, n_samples=2000)
    text = describe_area(
        scores, result.weights, top, "Alfa", {"trust": "Tillid", "need": "Vurderet behov", "size": "Størrelse"}, res
    )
    assert text.startswith("Alfa er nr. 1 i ")
