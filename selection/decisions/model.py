"""What a decision is: the meeting form, the stored record, and the refusal of bad input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from selection.access.model import stored_by_text

MAX_NAME = 120
MAX_ROLE = 160
MAX_TEXT = 8000
MAX_PARTICIPANTS = 60


class DecisionError(ValueError):
    """A decision that cannot be saved or found (Danish message; nothing was written)."""


@dataclass(frozen=True)
class Participant:
    name: str
    role: str = ""


@dataclass(frozen=True)
class NewDecision:
    """The form filled in at the meeting (``corrects_id``: the decision this one corrects)."""

    decided_on: date
    participants: tuple[Participant, ...]
    scenario: str
    chosen_area_id: str
    reasons: str
    dissent: str
    conditions: str
    recorded_by: str
    corrects_id: int | None = None
    round_id: int | None = None  # the weighting round it builds on; its summary is in the snapshot ("round")


@dataclass(frozen=True)
class Decision:
    """A stored decision; ``snapshot`` is None when listed, the frozen data when fetched one by one."""

    id: int
    decided_on: date
    participants: tuple[Participant, ...]
    scenario: str
    chosen_area_id: str
    reasons: str
    dissent: str
    conditions: str
    recorded_by: str
    recorded_at: datetime  # timezone-aware, UTC
    corrects_id: int | None
    data_version: str
    content_hash: str
    snapshot: dict[str, Any] | None = field(default=None, compare=False)
    corrected_by: tuple[int, ...] = ()  # ids of later decisions that correct this one
    # who stored it (revision 0005; empty for decisions stored before sign-in existed)
    actor_subject: str = ""
    actor_email: str = ""
    actor_method: str = ""
    repeated: bool = field(default=False, compare=False)  # returned for a submission already stored (not stored again)

    @property
    def cited_round(self) -> dict[str, Any] | None:
        """The summary of the weighting round the decision builds on (from its snapshot), or None."""
        part = (self.snapshot or {}).get("round")
        return part if isinstance(part, dict) and part.get("id") is not None else None

    def round_text(self) -> str:
        """'nr. 2 «Runde maj» (lukket): Alfa er nr. 1 …', or '' when the decision cites no round."""
        part = self.cited_round
        if part is None:
            return ""
        return f"nr. {part['id']} '{part.get('name', '')}' ({part.get('state_text', '')}): {part.get('sentence', '')}"

    def report_fields(self) -> dict[str, Any]:
        """The record as the report template shows it (plain data; the template escapes it)."""
        return {
            "id": self.id,
            "decided_on": self.decided_on.isoformat(),
            "participants": [{"name": p.name, "role": p.role} for p in self.participants],
            "scenario": self.scenario,
            "chosen_area_id": self.chosen_area_id,
            "reasons": self.reasons,
            "dissent": self.dissent,
            "conditions": self.conditions,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
            "corrects_id": self.corrects_id,
            "round": self.round_text(),
            "stored_by": stored_by_text(self.actor_subject, self.actor_email, self.actor_method),
        }
