"""What a round is made of: the round, its participants and their submissions (as read from the store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# A round's state: participants answer while it is open; the facilitator reveals the result; closing ends it.
OPEN, REVEALED, CLOSED = "open", "revealed", "closed"
STATE_TEXT = {OPEN: "åben", REVEALED: "resultat vist", CLOSED: "lukket"}

# How a participant gave their weights.
SHARES, SWING, IMPORTED = "shares", "swing", "import"
METHOD_TEXT = {SHARES: "andele (%)", SWING: "swing-vægtning", IMPORTED: "indlæst fra fil"}

# How the group's weights are formed from the participants'.
MEAN, MEDIAN = "mean", "median"
AGGREGATION_TEXT = {
    MEAN: "gennemsnittet af deltagernes vægte",
    MEDIAN: "medianen af deltagernes vægte (omregnet, så de summer til 100 %)",
}


class RoundError(ValueError):
    """A round, invitation or answer that cannot be used (Danish message; nothing was written)."""


def participant_label(number: int) -> str:
    """How a participant of an anonymous round is shown everywhere: 'Deltager 3'."""
    return f"Deltager {number}"


@dataclass(frozen=True)
class Round:
    """A weighting round as it stands: its frozen scenario settings and where it is in its life."""

    id: int
    name: str
    anonymous: bool
    settings_data: dict[str, Any]  # the scenario's settings (JSON form) frozen when the round opened
    scenario_id: int | None
    scenario_version: int | None
    scenario_name: str
    data_version: str  # the data package's version when the round opened
    sub_indicators: bool  # participants may also weigh the sub-indicators
    created_at: datetime  # aware UTC
    created_by: str  # who opened it, in words
    state: str = OPEN
    revealed_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Participants may answer (open or revealed, not closed)."""
        return self.state != CLOSED

    @property
    def revealed(self) -> bool:
        return self.state in (REVEALED, CLOSED) and self.revealed_at is not None


@dataclass(frozen=True)
class Participant:
    """One invited participant; ``name`` is '' in an anonymous round (only the number is kept)."""

    round_id: int
    number: int  # 1, 2, ... within the round
    name: str
    signed_in: bool  # invited as a signed-in user (by e-mail or subject)
    invited_at: datetime  # aware UTC

    def label(self, anonymous: bool) -> str:
        """'Deltager 3' in an anonymous round, the name otherwise."""
        return participant_label(self.number) if anonymous or not self.name else self.name


@dataclass(frozen=True)
class Submission:
    """One stored answer of a participant (the newest version per participant counts)."""

    id: int
    round_id: int
    number: int  # the participant's number
    version: int  # 1, 2, ... per participant
    method: str  # SHARES, SWING or IMPORTED
    weights: dict[str, float]  # normalised: shares of 1 per criterion id
    sub_weights: dict[str, float] | None  # the participant's own sub-weights (None: the round's)
    inputs: dict[str, Any]  # what the participant entered (percentages, or the swing order and ratings)
    reason: str
    recorded_at: datetime  # aware UTC, with microseconds
    stored_by: str  # how the answer reached the store, in words (never a name in an anonymous round)
