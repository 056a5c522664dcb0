"""The group result of a round: the ranking with the group's weights, every participant's own ranking,
"nr. 1 for k of n participants", the spread of each criterion's weight, and one plain sentence.

Each participant's ranking is the ranking the app shows for the round's settings with that participant's
weights (same scores, same exclusions, same tie rule: ``selection.ranking.scoring``). The criterion scores
are computed once per set of sub-weights, so n participants cost n weighted sums and n sorts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.ranking.scoring import NOT_RANKED, ScoreResult, _competition_rank, criterion_arrays, raw_array
from selection.rounds.model import AGGREGATION_TEXT, MEAN, RoundError, Submission, participant_label
from selection.rounds.weights import group_weights
from selection.scenarios.evaluate import evaluate_settings
from selection.scenarios.screening import exclusions
from selection.scenarios.settings import ScenarioSettings

MAX_NAMES_IN_SENTENCE = 3
TABLE_COLUMNS = ("area_id", "name", "rank", "total", "first_count")  # GroupResult.table's own columns


@dataclass(frozen=True)
class GroupResult:
    """Everything the facilitator screen, the files and the report show about a round's answers."""

    method: str  # MEAN or MEDIAN: how the group's weights were formed (as used)
    weights: dict[str, float]  # the group's weights, summing to 1
    labels: list[str]  # the participants as shown ('Deltager 3' in an anonymous round), in number order
    participant_weights: pd.DataFrame  # labels × criterion ids, each row summing to 1
    group: ScoreResult  # the ranking with the group's weights (exclusions applied)
    ranks: pd.DataFrame  # index area_id in the group's order; one Int64 rank column per label (<NA>: no rank)
    first_counts: pd.Series  # area_id -> how many participants rank it first (ties count for each tied area)
    sentence: str

    @property
    def method_text(self) -> str:
        return AGGREGATION_TEXT[self.method]

    @property
    def size(self) -> int:
        return len(self.labels)

    def spread(self) -> pd.DataFrame:
        """Per criterion: the group's weight and the lowest, median and highest participant weight (shares)."""
        w = self.participant_weights
        return pd.DataFrame(
            {
                "group": pd.Series(self.weights),
                "min": w.min(axis=0),
                "median": w.median(axis=0),
                "max": w.max(axis=0),
            }
        )

    def table(self) -> pd.DataFrame:
        """One row per area in the group's order: area_id, name, group rank and score, each participant's
        rank (one column per label) and first_count."""
        group = self.group.table.set_index("area_id")
        out = pd.DataFrame(
            {
                "area_id": self.ranks.index,
                "name": group.loc[self.ranks.index, "name"].to_numpy(),
                "rank": group.loc[self.ranks.index, "rank"].to_numpy(),
                "total": group.loc[self.ranks.index, "total"].to_numpy(dtype=float),
            }
        )
        for label in self.labels:
            out[label] = self.ranks[label].to_numpy()
        out["first_count"] = self.first_counts.loc[self.ranks.index].to_numpy()
        return out


def _mask(areas: Sequence[str], excluded: Mapping[str, str]) -> np.ndarray:
    return np.array([a in excluded for a in areas], dtype=bool)


def participant_ranks(
    dataset: Dataset,
    perf: Performance,
    settings: ScenarioSettings,
    weights: np.ndarray,
    sub_weights: Sequence[Mapping[str, float] | None] | None = None,
    excluded: Mapping[str, str] | None = None,
) -> np.ndarray:
    """Ranks (areas in ``perf.matrix`` order × participants; 0 = no rank) for each row of ``weights``
    (participants × criteria, the model's order), with the settings' exclusions (screened on each participant's
    own sub-weights where they have them)."""
    model = dataset.model
    raw = raw_array(perf.matrix, model)
    if excluded is None:
        excluded = exclusions(settings.rules, dataset, perf, settings.sub_weights)
    areas = list(perf.matrix.index)
    # Per set of sub-weights: the criterion scores and the areas the rules exclude (a minimum criterion score
    # depends on the sub-weights: a participant weighing their own is screened on their own scores, as the app
    # would screen them).
    cache: dict[str, np.ndarray] = {}
    out_masks: dict[str, np.ndarray] = {repr(sorted(settings.sub_weights.items())): _mask(areas, excluded)}
    ranks = np.zeros((len(perf.matrix), len(weights)), dtype=np.int64)
    for p, row in enumerate(weights):
        total_w = float(row.sum())
        if total_w <= 0:
            raise RoundError("Et svar har alle vægte 0.")
        w = row / total_w
        active = w > 0
        own = (sub_weights[p] if sub_weights is not None else None) or settings.sub_weights
        key = repr(sorted(own.items()))
        if key not in cache:
            cache[key], _ = criterion_arrays(raw, model, own, required=set())
        if key not in out_masks:
            out_masks[key] = _mask(areas, exclusions(settings.rules, dataset, perf, own))
        scores, out_mask = cache[key], out_masks[key]
        if np.isnan(scores[:, active]).all(axis=0).any():
            missing = [model.criteria[k].label for k in np.flatnonzero(active) if np.isnan(scores[:, k]).all()]
            raise RoundError(f"Delvægtene giver ingen værdi for {', '.join(missing)} i noget område.")
        contrib = scores * w  # the same arithmetic as score_areas, so ranks agree to the last digit
        unranked = np.isnan(scores[:, active]).any(axis=1) | out_mask
        total = np.where(unranked, np.nan, np.nansum(contrib[:, active], axis=1))
        ranks[:, p] = _competition_rank(total).to_numpy(dtype="int64", na_value=0)
    return ranks


def group_result(
    dataset: Dataset,
    perf: Performance,
    settings: ScenarioSettings,
    submissions: Sequence[Submission],
    labels: Mapping[int, str],
    method: str = MEAN,
) -> GroupResult:
    """The group result from each participant's newest submission (``labels``: participant number → label).

    The order of ``submissions`` does not matter: participants are taken in number order."""
    if not submissions:
        raise RoundError("Ingen deltagere har svaret endnu, så der er intet grupperesultat.")
    newest: dict[int, Submission] = {}
    for s in submissions:
        if s.number not in newest or (s.version, s.id) > (newest[s.number].version, newest[s.number].id):
            newest[s.number] = s
    chosen = [newest[n] for n in sorted(newest)]
    model = dataset.model
    ids = model.criterion_ids
    rows = np.array([[float(s.weights.get(cid, 0.0)) for cid in ids] for s in chosen], dtype=float)
    rows = rows / rows.sum(axis=1, keepdims=True)
    names = _unique_labels([(s.number, labels.get(s.number, participant_label(s.number))) for s in chosen])
    weights, used = group_weights(rows, ids, method)
    subs = group_sub_weights(dataset, settings, [s.sub_weights for s in chosen], method)
    group_settings = ScenarioSettings(weights, subs, settings.distance_m, settings.rules)
    _, group = evaluate_settings(dataset, group_settings, perf)
    excluded = exclusions(settings.rules, dataset, perf, settings.sub_weights)
    ranks = participant_ranks(dataset, perf, settings, rows, [s.sub_weights for s in chosen], excluded)
    frame = pd.DataFrame(ranks, index=perf.matrix.index, columns=names).replace(0, pd.NA).astype("Int64")
    frame = frame.loc[group.table["area_id"].tolist()]
    firsts = (frame == 1).sum(axis=1).astype(int)
    result = GroupResult(
        method=used,
        weights=weights,
        labels=names,
        participant_weights=pd.DataFrame(rows, index=names, columns=ids),
        group=group,
        ranks=frame,
        first_counts=firsts,
        sentence="",
    )
    return GroupResult(**{**result.__dict__, "sentence": sentence(result)})


def group_sub_weights(
    dataset: Dataset, settings: ScenarioSettings, own: Sequence[Mapping[str, float] | None], method: str
) -> dict[str, float]:
    """The group's sub-weights: the round's, unless participants weighed the sub-indicators; then, per
    criterion, the mean (or median) of every participant's sub-weights as shares of that criterion (a participant
    who did not weigh them counts with the round's)."""
    if all(o is None for o in own):
        return dict(settings.sub_weights)
    out: dict[str, float] = {}
    for crit in dataset.model.criteria:
        ind = [i.id for i in crit.indicators]
        rows = []
        for o in own:
            values = np.array([float((o or settings.sub_weights).get(i, 0.0)) for i in ind])
            rows.append(values / values.sum() if values.sum() > 0 else np.full(len(ind), 1.0 / len(ind)))
        combined, _ = group_weights(np.array(rows), ind, method)
        out.update(combined)
    return out


def _unique_labels(numbered: Sequence[tuple[int, str]]) -> list[str]:
    """One column per participant: a label that is already taken, or is a column of ``GroupResult.table``
    (a participant named 'rank' or 'total'), gets the participant's number added."""
    taken = set(TABLE_COLUMNS)
    out = []
    for number, label in numbered:
        while label in taken:
            label = f"{label} ({participant_label(number)})"
        taken.add(label)
        out.append(label)
    return out


def _names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) > MAX_NAMES_IN_SENTENCE:
        return ", ".join(names[:MAX_NAMES_IN_SENTENCE]) + f" og {len(names) - MAX_NAMES_IN_SENTENCE} andre"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def sentence(result: GroupResult) -> str:
    """One plain Danish sentence: 'Urbanplanen er nr. 1 med gruppens vægte og for 5 af 7 deltagere.'"""
    table = result.group.table
    ranked = table[~table["status"].isin(NOT_RANKED)]
    n = result.size
    if ranked.empty:
        return "Ingen områder kan rangeres med gruppens vægte."
    tops = ranked[ranked["rank"] == 1]
    top_names = tops["name"].astype(str).tolist()
    counts = [int(result.first_counts.get(a, 0)) for a in tops["area_id"]]
    people = "deltager" if n == 1 else "deltagere"
    if len(top_names) == 1:
        text = f"{top_names[0]} er nr. 1 med gruppens vægte og for {counts[0]} af {n} {people}."
    else:
        each = ", ".join(f"{name}: {k}" for name, k in zip(top_names, counts, strict=True))
        text = f"{_names(top_names)} deler 1. pladsen med gruppens vægte (nr. 1 for deltagerne: {each} af {n})."
    best = int(result.first_counts.max()) if len(result.first_counts) else 0
    if best > max(counts):
        leaders = [str(table.set_index("area_id").at[a, "name"]) for a, k in result.first_counts.items() if k == best]
        verb = "er" if len(leaders) == 1 else "er hver"
        text += f" {_names(leaders)} {verb} nr. 1 for flest deltagere ({best} af {n})."
    return text


def weight_matrix(submissions: Sequence[Submission], ids: Sequence[str]) -> pd.DataFrame:
    """Each participant's newest answer as one row (index: participant number, in order) × criterion ``ids``
    (a criterion the answer lacks counts 0), each row summing to 1: the weightings a robustness run can try."""
    newest: dict[int, Submission] = {}
    for s in submissions:
        if s.number not in newest or (s.version, s.id) > (newest[s.number].version, newest[s.number].id):
            newest[s.number] = s
    numbers = sorted(newest)
    rows = np.array([[float(newest[n].weights.get(c, 0.0)) for c in ids] for n in numbers], dtype=float)
    rows = rows.reshape(len(numbers), len(ids))
    totals = rows.sum(axis=1, keepdims=True)
    rows = np.divide(rows, totals, out=np.zeros_like(rows), where=totals > 0)
    return pd.DataFrame(rows, index=pd.Index(numbers, name="number"), columns=list(ids))
