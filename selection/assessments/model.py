"""What an assessment is: the form a person fills in, the stored entry, and the two refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from selection.access.model import stored_by_text

MAX_REASON = 4000
MAX_EVIDENCE = 1000
MAX_NAME = 120
MAX_ROLE = 160
EARLIEST_DATE = date(2000, 1, 1)


@dataclass(frozen=True)
class NewAssessment:
    """One assessor's judgement of one area x indicator (``value=None`` withdraws their earlier one)."""

    area_id: str
    indicator_id: str
    value: float | None
    reason: str
    evidence: str
    assessor_name: str
    assessor_role: str
    assessed_on: date
    # Recorded on behalf of ``assessor_name`` by the one saving (a sheet row naming someone else). The store
    # also marks an entry so when the name is not the saving identity's own (``record.on_behalf_of``).
    on_behalf: bool = False


@dataclass(frozen=True)
class Assessment:
    """A stored entry of the append-only history."""

    id: int
    area_id: str
    indicator_id: str
    value: float | None  # None: withdrawal
    previous_value: float | None  # this assessor's value for the cell before this entry
    reason: str
    evidence: str
    assessor_name: str
    assessor_role: str
    assessed_on: date
    recorded_at: datetime  # timezone-aware, UTC
    version: int  # the value's version after this entry (1 for the first entry of the cell)
    # who stored it (revision 0005; empty for entries stored before sign-in existed)
    actor_subject: str = ""
    actor_email: str = ""
    actor_method: str = ""
    # revision 0010: recorded on behalf of ``assessor_name`` by ``recorded_by``; the key grouping the assessor's
    # entries ('oidc:…' a signed-in person, 'for:<name>' entries recorded on behalf, else the name)
    on_behalf: bool = False
    recorded_by: str = ""
    assessor_key: str = ""

    @property
    def assessor_text(self) -> str:
        """Who assessed, and who recorded it when that was someone else: 'Bo Berg (registreret af Anna Holm)'."""
        return assessor_text(self.assessor_name, self.on_behalf, self.recorded_by)

    @property
    def stored_by(self) -> str:
        """The identity that stored the entry as Danish text ('' for entries from before sign-in)."""
        return stored_by_text(self.actor_subject, self.actor_email, self.actor_method)

    @property
    def is_withdrawal(self) -> bool:
        return self.value is None


def assessor_text(name: str, on_behalf: bool, recorded_by: str) -> str:
    """The assessor's name, with the recording person's when the entry was recorded on their behalf."""
    if on_behalf:
        return f"{name} (registreret af {recorded_by or 'en anden'})"
    return name


class AssessmentError(ValueError):
    """An assessment that cannot be saved (Danish message; nothing was written)."""


class AssessmentConflict(AssessmentError):
    """Someone saved on the same value after the form was opened; nothing was written."""

    def __init__(self, message: str, latest: Assessment | None, version: int):
        super().__init__(message)
        self.latest = latest
        self.version = version
