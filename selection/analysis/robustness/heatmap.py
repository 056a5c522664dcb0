"""The rank heat map's data: how often each area gets each rank, cut to what a person can read.

With a few areas every area and rank is shown. With many (a national set of 2,000) the heat map shows the
best-ranked areas now, plus any other area that is nr. 1 in some weightings, over the ranks 1 to
``max_areas``; each row's remaining share (the lower ranks) is one column, so every row still adds up
to 100 %. The frame is built with array operations (4 million cells at 2,000 areas).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from selection.analysis.robustness.smaa import ranks_and_rest
from selection.text.formatting import count, integer

HEATMAP_MAX_AREAS = 20  # rows and rank columns shown at most (a 28 px row each)
MAX_EXTRA_WINNERS = 10  # other areas that are nr. 1 in some weightings, shown below the best-ranked


@dataclass(frozen=True)
class HeatmapData:
    """The long frame for the chart (Område, Rang, Andel in %), the row order and what was left out."""

    long: pd.DataFrame
    rows: list[str]  # row labels, top to bottom
    columns: list[str]  # rank column labels, left to right
    n_areas: int  # areas in the analysis
    n_ranks: int  # ranks in the analysis
    extra_winners: int  # rows added below the best-ranked because they are nr. 1 in some weightings
    ranks_cut: bool  # the last column holds the rest of each row

    @property
    def cut(self) -> bool:
        return len(self.rows) < self.n_areas or self.ranks_cut

    def cut_text(self) -> str:
        """Which rows and ranks a cut heat map shows (empty when nothing is left out)."""
        if not self.cut:
            return ""
        best = len(self.rows) - self.extra_winners
        text = f"Viser de {integer(best)} bedst rangerede af {integer(self.n_areas)} områder"
        if self.extra_winners:
            text += (
                f" og {count(self.extra_winners, 'andet område', 'andre områder')}, der bliver nr. 1 i nogle vægtninger"
            )
        if self.ranks_cut:
            text += f", og rang 1–{len(self.columns) - 1}; kolonnen {self.columns[-1]} er resten af hver række"
        return text + ". Alle områder står i rangeringen."


def rest_label(max_rank: int) -> str:
    return f"{max_rank + 1}+"


def heatmap_data(
    acceptability: pd.DataFrame,
    ranked_ids: Sequence[str],
    labels: Mapping[str, str],
    max_areas: int = HEATMAP_MAX_AREAS,
) -> HeatmapData:
    """Rows: the ``max_areas`` first of ``ranked_ids`` (current rank order), then up to MAX_EXTRA_WINNERS other
    areas with a share of rank 1 (largest first); columns: ranks 1..max_areas and, when there are more ranks,
    one column with the rest. ``labels`` gives each area's row label."""
    ranks = [int(k) for k in acceptability.columns]
    present = [a for a in ranked_ids if a in acceptability.index]
    rows = present[:max_areas]
    extra: list[str] = []
    if len(present) > max_areas and 1 in ranks:
        first = acceptability.loc[present[max_areas:], 1]
        first = first[first > 0].sort_values(ascending=False, kind="stable")
        extra = [str(a) for a in first.index[:MAX_EXTRA_WINNERS]]
    shown_rows = rows + extra
    values = ranks_and_rest(acceptability.loc[shown_rows].to_numpy(dtype=float), max_areas)
    ranks_cut = len(ranks) > max_areas
    columns = [str(k) for k in ranks[:max_areas]] + ([rest_label(max_areas)] if ranks_cut else [])
    row_labels = [labels[a] for a in shown_rows]
    long = pd.DataFrame(
        {
            "Område": np.repeat(row_labels, len(columns)),
            "Rang": np.tile(columns, len(row_labels)),
            "Andel": (values * 100).ravel(),
        }
    )
    return HeatmapData(long, row_labels, columns, len(acceptability.index), len(ranks), len(extra), ranks_cut)
