"""The rank heat map's data (selection/analysis/robustness/heatmap.py): every cell with a few areas, a readable
cut with many."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from selection.analysis.robustness.heatmap import HEATMAP_MAX_AREAS, MAX_EXTRA_WINNERS, heatmap_data


def acceptability(n: int, seed: int = 0) -> pd.DataFrame:
    """n areas x n ranks, each row a distribution (as SMAA's rank acceptability), a-1 best now."""
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet(np.full(n, 0.3), size=n)
    return pd.DataFrame(shares, index=[f"a-{i}" for i in range(1, n + 1)], columns=list(range(1, n + 1)))


def labels(acc: pd.DataFrame) -> dict[str, str]:
    return {a: f"{i}. <b>{a}</b>" for i, a in enumerate(acc.index, 1)}


def test_a_few_areas_show_every_area_and_rank_unchanged() -> None:
    acc = acceptability(13)
    data = heatmap_data(acc, list(acc.index), labels(acc))
    assert not data.cut
    assert data.cut_text() == ""
    assert data.rows == list(labels(acc).values())
    assert data.columns == [str(k) for k in range(1, 14)]
    assert len(data.long) == 13 * 13
    wide = data.long.pivot(index="Område", columns="Rang", values="Andel")
    for area, label in labels(acc).items():
        for k in acc.columns:
            assert wide.at[label, str(k)] == acc.at[area, k] * 100


def test_many_areas_show_the_best_ranked_the_other_winners_and_the_rest_of_each_row() -> None:
    acc = acceptability(2000, seed=3)
    ranked = list(acc.index)
    data = heatmap_data(acc, ranked, labels(acc))
    best = [labels(acc)[a] for a in ranked[:HEATMAP_MAX_AREAS]]
    assert data.rows[:HEATMAP_MAX_AREAS] == best
    assert data.extra_winners == MAX_EXTRA_WINNERS  # at 2,000 areas many others are nr. 1 sometimes
    others = acc.loc[ranked[HEATMAP_MAX_AREAS:], 1].sort_values(ascending=False, kind="stable")
    assert data.rows[HEATMAP_MAX_AREAS:] == [labels(acc)[a] for a in others.index[:MAX_EXTRA_WINNERS]]
    assert data.columns == [*map(str, range(1, HEATMAP_MAX_AREAS + 1)), f"{HEATMAP_MAX_AREAS + 1}+"]
    assert len(data.long) == len(data.rows) * len(data.columns)  # 630 cells, not 4 million
    sums = data.long.groupby("Område")["Andel"].sum()
    assert np.allclose(sums.to_numpy(), 100.0)
    assert data.cut_text() == (
        "Viser de 20 bedst rangerede af 2.000 områder og 10 andre områder, der bliver nr. 1 i nogle vægtninger, "
        "og rang 1–20; kolonnen 21+ er resten af hver række. Alle områder står i rangeringen."
    )


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 45), seed=st.integers(0, 2**16), cut_to=st.integers(1, 25))
def test_every_row_shown_adds_up_to_the_whole(n: int, seed: int, cut_to: int) -> None:
    acc = acceptability(n, seed)
    data = heatmap_data(acc, list(acc.index), labels(acc), max_areas=cut_to)
    assert len(data.rows) <= min(n, cut_to) + MAX_EXTRA_WINNERS
    assert len(set(data.rows)) == len(data.rows)
    sums = data.long.groupby("Område")["Andel"].sum()
    assert np.allclose(sums.to_numpy(), 100.0)
    assert data.cut == (n > cut_to)
