"""The steering group's decision record: append-only decisions, each with a frozen snapshot of the data.

API (pure core, no Streamlit)::

    # raises AccessDenied / DecisionError / StoreError:
    saved = record_decision(engine, NewDecision(...), snapshot, actor=actor)
    rows = list_decisions(engine)            # newest first, without snapshots
    one = get_decision(engine, decision_id)  # with .snapshot; DecisionError if unknown
    lines = changes_since(one, dataset, engine)  # Danish lines: "3 vurderinger er ændret siden beslutningen"
"""

from selection.decisions.changes import changes_since
from selection.decisions.model import Decision, DecisionError, NewDecision, Participant
from selection.decisions.record import get_decision, list_decisions, record_decision

__all__ = [
    "Decision",
    "DecisionError",
    "NewDecision",
    "Participant",
    "changes_since",
    "get_decision",
    "list_decisions",
    "record_decision",
]
