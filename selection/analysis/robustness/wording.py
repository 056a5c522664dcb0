"""Plain Danish sentences on how robust an area's place in the ranking is.

``summary_sentence`` words an area's rank, its SMAA-2 share of samples at nr. 1
(``selection.analysis.robustness.smaa``) and its stability interval (the range of one criterion's
weight share within which it keeps its rank, ``selection.analysis.robustness.sensitivity``);
``describe_area`` picks the criterion the rank hinges on (the narrowest interval relative to the
current share) and words it. Shares are percentages with a Danish decimal comma; a share strictly
between 0 and 0.5 % reads "under 1 %", one strictly between 99.5 % and 100 % "over 99 %".
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from selection.analysis.robustness.sensitivity import hinge_criterion, stability_table
from selection.analysis.robustness.smaa import SmaaResult
from selection.text.formatting import percent


def _pct(x: float, decimals: int = 0) -> str:
    return percent(x, decimals)


def share_text(p: float) -> str:
    """A share of samples as a Danish percentage ("71 %"); never "0 %" or "100 %" for a share strictly between."""
    if 0 < p < 0.005:
        return "under 1 %"
    if 0.995 < p < 1:
        return "over 99 %"
    return _pct(p)


def _range_text(label: str, lo: float, hi: float) -> str:
    decimals = 0 if round(100 * hi) - round(100 * lo) >= 2 else 1
    if lo <= 1e-12 and hi >= 1 - 1e-12:
        return f"uanset hvordan '{label}' vægtes"
    if lo <= 1e-12:
        return f"så længe '{label}' vægtes højst {_pct(hi, decimals)}"
    if hi >= 1 - 1e-12:
        return f"så længe '{label}' vægtes mindst {_pct(lo, decimals)}"
    return f"så længe '{label}' vægtes mellem {_pct(lo, decimals)} og {_pct(hi, decimals)}"


def summary_sentence(
    area_name: str,
    first_rank_share: float | None,
    criterion_label: str,
    lo: float,
    hi: float,
    rank: int = 1,
) -> str:
    """One Danish sentence (two for areas below nr. 1) on how robust an area's place is.

    E.g. "Urbanplanen er nr. 1 i 71 % af alle vægtninger og forbliver nr. 1, så længe
    'Vurderet behov' vægtes mellem 25 % og 60 %."
    """
    rank = int(rank)
    stay = _range_text(criterion_label, float(lo), float(hi))
    if rank == 1:
        share = "" if first_rank_share is None else f" i {share_text(float(first_rank_share))} af alle vægtninger"
        sep = ", " if stay.startswith("så") else " "
        return f"{area_name} er nr. 1{share} og forbliver nr. 1{sep}{stay}."
    sep = ", " if stay.startswith("så") else " "
    sentence = f"{area_name} er nr. {rank} og forbliver nr. {rank}{sep}{stay}."
    if first_rank_share is None:
        return sentence
    if float(first_rank_share) <= 0:
        return sentence + " Området bliver ikke nr. 1 i nogen af de afprøvede vægtninger."
    return sentence + f" Området er nr. 1 i {share_text(float(first_rank_share))} af alle vægtninger."


def describe_area(
    scores: pd.DataFrame,
    weights: Mapping[str, float],
    area_id: object,
    area_name: str,
    labels: Mapping[str, str],
    result: SmaaResult | None = None,
    table: pd.DataFrame | None = None,
) -> str:
    """``summary_sentence`` for one area, using the criterion its rank hinges on."""
    table = stability_table(scores, weights, [area_id]) if table is None else table
    cid = hinge_criterion(table, area_id)
    row = table[(table["area_id"] == area_id) & (table["criterion"] == cid)].iloc[0]
    share = None if result is None else float(result.first_rank.loc[area_id])
    return summary_sentence(
        area_name, share, str(labels.get(cid, cid)), float(row["lo"]), float(row["hi"]), int(row["rank"])
    )
