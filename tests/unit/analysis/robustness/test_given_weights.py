"""Rank acceptability over given weightings (a weighting round's participants) instead of random weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from selection.analysis.robustness.report import analyse, analysis_key, given_weights
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from tests.support.factory import make_package

IDS = ["trust", "actors", "need"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(make_package(tmp_path_factory.mktemp("given") / "pkg"))


def one_hot(result) -> pd.DataFrame:
    ranked = result.ranked
    m = len(ranked)
    out = pd.DataFrame(0.0, index=ranked["area_id"].tolist(), columns=range(1, m + 1))
    for aid, rank in zip(ranked["area_id"], ranked["rank"], strict=True):
        out.loc[aid, int(rank)] = 1.0
    return out


@pytest.mark.parametrize("weights", [{"trust": 6, "actors": 2, "need": 2}, {"trust": 1, "actors": 1, "need": 8}])
def test_one_participant_gives_the_plain_ranking_with_their_weights(dataset, weights):
    _, own = evaluate(dataset, weights)
    _, shown = evaluate(dataset)  # the ranking on screen: its areas and scores, other weights
    report = analyse(shown, dataset.model, weight_samples=pd.DataFrame([weights]))
    assert report.smaa.n_samples == 1
    acc = report.smaa.acceptability
    expected = one_hot(own).loc[acc.index]
    assert np.array_equal(acc.to_numpy(), expected.to_numpy())


def test_identical_participants_give_certainty(dataset):
    w = {"trust": 0.2, "actors": 0.3, "need": 0.5}
    _, shown = evaluate(dataset)
    report = analyse(shown, dataset.model, weight_samples=pd.DataFrame([w] * 7, index=[f"D{k}" for k in range(7)]))
    acc = report.smaa.acceptability.to_numpy()
    assert report.smaa.n_samples == 7
    assert set(np.unique(acc)) == {0.0, 1.0}
    assert (acc.sum(axis=1) == 1).all()


def test_the_share_is_the_share_of_participants(dataset):
    _, shown = evaluate(dataset)
    trust_first = {"trust": 1, "actors": 0, "need": 0}
    _, by_trust = evaluate(dataset, trust_first)
    top = by_trust.ranked["area_id"].iloc[0]
    need_first = {"trust": 0, "actors": 0, "need": 1}
    _, by_need = evaluate(dataset, need_first)
    other = by_need.ranked["area_id"].iloc[0]
    assert top != other
    report = analyse(shown, dataset.model, weight_samples=pd.DataFrame([trust_first, trust_first, need_first]))
    assert report.smaa.first_rank[top] == pytest.approx(2 / 3)
    assert report.smaa.first_rank[other] == pytest.approx(1 / 3)


def test_with_uncertain_values_every_participant_gets_the_same_number_of_draws(dataset):
    perf, shown = evaluate(dataset)
    rows = pd.DataFrame([{"trust": 1, "actors": 0, "need": 0}, {"trust": 0, "actors": 0, "need": 1}])
    noisy = analyse(
        shown, dataset.model, perf.matrix, n_samples=1001, seed=4, noisy_indicators=["t1", "n1"], weight_samples=rows
    )
    assert noisy.smaa.n_samples == 1000  # 500 draws of the values per participant
    assert noisy.assessment_noise
    assert noisy.smaa.acceptability.sum(axis=1).round(9).eq(1).all()
    again = analyse(
        shown, dataset.model, perf.matrix, n_samples=1001, seed=4, noisy_indicators=["t1", "n1"], weight_samples=rows
    )
    assert noisy.smaa.acceptability.equals(again.smaa.acceptability)


def test_given_weights_are_cut_to_the_analysed_criteria_and_checked():
    frame = given_weights(pd.DataFrame([{"trust": 2, "need": 2, "gone": 5}]), IDS)
    assert frame.iloc[0].tolist() == [0.5, 0.0, 0.5]
    with pytest.raises(ValueError, match="ikke kan analyseres"):
        given_weights(pd.DataFrame([{"trust": 1}, {"gone": 1}]), IDS)
    with pytest.raises(ValueError, match="endelige tal"):
        given_weights(pd.DataFrame([{"trust": -1, "need": 2}]), IDS)
    with pytest.raises(ValueError, match="ingen vægte"):
        given_weights(pd.DataFrame(columns=IDS), IDS)


def test_given_weights_do_not_combine_with_an_order_or_a_margin_and_change_the_key(dataset):
    _, shown = evaluate(dataset)
    rows = pd.DataFrame([{"trust": 1, "actors": 1, "need": 1}])
    with pytest.raises(ValueError, match="rækkefølge eller en margen"):
        analyse(shown, dataset.model, margin=0.1, weight_samples=rows)
    plain = analysis_key(shown, 100, 1, None, None)
    given = analysis_key(shown, 100, 1, None, None, weight_samples=rows)
    other = analysis_key(shown, 100, 1, None, None, weight_samples=rows * 2 + pd.DataFrame([{"trust": 1}]))
    assert len({plain, given, other}) == 3
