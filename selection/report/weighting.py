"""A weighting round's result as plain JSON for the report ("Styregruppens vægtning") and a decision's snapshot.

Only revealed (or closed) rounds go into a report: before the facilitator shows the result, the others' answers
are for the facilitator only. Participants appear by the round's labels (``store.labels``): 'Deltager 3' in an
anonymous round, where no name is stored at all. Answers' reasons and who stored them are left out: a reason
may name its writer.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from selection.data.criteria import CriteriaModel
from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.rounds import store
from selection.rounds.model import STATE_TEXT, Round, RoundError
from selection.rounds.result import group_result
from selection.scenarios.evaluate import evaluate_settings

ROUND_FORMAT = 1
MAX_ROUND_AREAS = 15  # rows of the areas × participants table (the group's top)
MAX_ROUND_COLUMNS = 12  # participant columns of that table; every participant still counts in "nr. 1 for k af n"


def _share(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _rank(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


MAX_CHOICES = 10  # rounds offered in the app's report and decision choosers, newest first


def revealed_rounds(engine: Engine | None) -> list[Round]:
    """The rounds whose result has been shown (revealed or closed), newest first: what a report may cite."""
    if engine is None:
        return []
    return [r for r in reversed(store.list_rounds(engine)) if r.revealed]


def reportable_rounds(engine: Engine | None, model: CriteriaModel, limit: int = MAX_CHOICES) -> list[Round]:
    """The newest ``limit`` revealed rounds that a report or decision can show today: at least one answer, and
    settings that fit the criteria in use (cheap: no ranking is computed)."""
    out: list[Round] = []
    for item in revealed_rounds(engine):
        if len(out) >= limit:
            break
        try:
            store.round_settings(item, model)
        except RoundError:
            continue
        if engine is not None and store.progress(engine, item.id).answered > 0:
            out.append(item)
    return out


def round_choice_text(item: Round) -> str:
    """How a round is named in a chooser: 'Nr. 2: Runde maj (lukket)'."""
    return f"Nr. {item.id}: {item.name} ({STATE_TEXT.get(item.state, item.state)})"


def round_part(
    engine: Engine, item: Round, dataset: Dataset, perf: Performance | None = None, *, top: int = MAX_ROUND_AREAS
) -> dict[str, Any]:
    """The round's summary as JSON-safe data (RoundError, in Danish, when it cannot be shown).

    ``dataset`` is the data set as ranked today (assessments applied); the round's own frozen settings rank it
    (``perf``, when given, must be built at the round's actor distance; None builds it).
    """
    if not item.revealed:
        raise RoundError(
            f"Resultatet af runde nr. {item.id} ('{item.name}') er ikke vist endnu; "
            "en rapport eller beslutning kan kun bygge på en runde, hvis resultat er vist."
        )
    settings = store.round_settings(item, dataset.model)
    if perf is None:
        perf, _ = evaluate_settings(dataset, settings)
    answers = store.submissions(engine, item.id)
    invited = len(store.participants(engine, item.id))
    labels = store.labels(engine, item)
    result = group_result(dataset, perf, settings, answers, labels)
    criteria = dataset.model.criterion_ids
    criterion_labels = {c.id: c.label for c in dataset.model.criteria}
    table = result.table()
    ranked = table[table["rank"].notna()]
    shown_rows = ranked.head(max(1, int(top)))
    shown_labels = result.labels[:MAX_ROUND_COLUMNS]
    spread = result.spread()
    return {
        "format": ROUND_FORMAT,
        "id": item.id,
        "name": item.name,
        "state": item.state,
        "state_text": STATE_TEXT.get(item.state, item.state),
        "anonymous": item.anonymous,
        "scenario_name": item.scenario_name,
        "data_version": item.data_version,
        "data_version_used": dataset.version,
        "created_at": item.created_at.isoformat(timespec="seconds"),
        "revealed_at": item.revealed_at.isoformat(timespec="seconds") if item.revealed_at else None,
        "closed_at": item.closed_at.isoformat(timespec="seconds") if item.closed_at else None,
        "method": result.method,
        "method_text": result.method_text,
        "criteria": [{"id": c, "label": criterion_labels[c]} for c in criteria],
        "weights": {c: _share(result.weights[c]) for c in criteria},
        "answered": result.size,
        "invited": invited,
        "sentence": result.sentence,
        "participants": [
            {"label": label, "weights": {c: _share(result.participant_weights.at[label, c]) for c in criteria}}
            for label in result.labels
        ],
        "spread": [
            {
                "criterion": c,
                "group": _share(spread.at[c, "group"]),
                "min": _share(spread.at[c, "min"]),
                "median": _share(spread.at[c, "median"]),
                "max": _share(spread.at[c, "max"]),
            }
            for c in criteria
        ],
        "ranks": {
            "labels": shown_labels,
            "n_participants": result.size,
            "n_ranked": len(ranked),
            "rows": [
                {
                    "area_id": str(rec["area_id"]),
                    "name": str(rec["name"]),
                    "rank": _rank(rec["rank"]),
                    "total": _share(rec["total"]),
                    "ranks": [_rank(rec[label]) for label in shown_labels],
                    "first_count": int(rec["first_count"]),
                }
                for rec in shown_rows.to_dict("records")
            ],
        },
    }


def cited_round(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    """The round a snapshot (a report's or a decision's) carries, or None."""
    part = (snapshot or {}).get("round")
    return part if isinstance(part, dict) and part.get("id") is not None else None


def find_revealed(engine: Engine | None, ref: object) -> Round:
    """A round by number or name (``store.find_round``) that a report may show: its result has been revealed."""
    if engine is None:
        raise RoundError(f"Der er ingen vægtningsrunde '{str(ref)[:120]}' (der er ingen database endnu).")
    item = store.find_round(engine, ref)
    if not item.revealed:
        raise RoundError(
            f"Resultatet af runde nr. {item.id} ('{item.name}') er ikke vist endnu; "
            "rapporten kan kun vise en runde, hvis resultat er vist."
        )
    return item
