"""An initiative or an actor as recorded in a register, checked against the vocabulary (Danish messages).

Each record carries where it comes from (``source``), how far it is verified (``verification``: verified in a
source, not verified, or an illustrative placeholder), who recorded it and why. Nothing here reads or writes a
database; ``check_initiative`` / ``check_actor`` turn what a person typed or a file held into a record or raise
RegisterError naming every problem.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from selection.access.model import stored_by_text
from selection.registers.vocabulary import Vocabulary
from selection.text.form_fields import clean_text
from selection.text.formatting import local_today

MAX_NAME = 200
MAX_TEXT = 4000
MAX_SOURCE = 1000


class RegisterError(ValueError):
    """A record that cannot be stored (Danish message naming each problem; nothing was written)."""


@dataclass(frozen=True)
class Initiative:
    """One initiative: the areas it is in or serves, what it is, since when, and why residents trust it."""

    id: str
    area_ids: tuple[str, ...]
    name: str
    type: str  # vocabulary 'initiative_types'
    operator: str  # 'operators'
    target_groups: tuple[str, ...]  # 'target_groups'
    start: date | None
    end: date | None
    status: str  # 'statuses': aktiv / planlagt / afsluttet
    relevance: str  # 'relevance': none / indirect / direct (to negative social control)
    trust_evidence: str  # 'trust_evidence': none / statement / attendance / independent
    evidence_text: str  # the evidence in words, or a link
    source: str
    verification: str  # 'verification'
    recorded_by: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Actor:
    """One actor: its sector, where it is, how it relates to the area, and how motivated it is (and how we know)."""

    id: str
    sector: str  # a sector id of criteria.json
    name: str
    lon: float | None
    lat: float | None
    area_ids: tuple[str, ...]  # the areas it relates to ('' relation: by distance only)
    relation: str
    motivation: str  # 'motivation': unknown / not_motivated / interested / committed
    motivation_reason: str
    learned_via: str  # 'learned_via' ('' when motivation is unknown)
    nsk_competence: bool  # e.g. took part in the theme days on negative social control for housing-social staff
    competence_text: str
    source: str
    verification: str
    recorded_by: str = ""
    reason: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


R = TypeVar("R", Initiative, Actor)


@dataclass(frozen=True)
class Entry(Generic[R]):
    """One stored version of a record (the newest version is the record as it stands)."""

    record: R
    version: int
    withdrawn: bool
    change_reason: str
    recorded_at: datetime | None  # timezone-aware, UTC; None: version 0, from the data package
    actor_subject: str = ""
    actor_email: str = ""
    actor_method: str = ""

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def stored_by(self) -> str:
        """The identity that stored this version, in words."""
        if self.version == 0:
            return "datapakken"
        return stored_by_text(self.actor_subject, self.actor_email, self.actor_method)

    @property
    def from_package(self) -> bool:
        """This is the data package's own version of the record (nobody has changed it in the app)."""
        return self.version == 0


def package_entry(item: R) -> Entry[R]:
    """A package record as its version 0."""
    return Entry(record=item, version=0, withdrawn=False, change_reason="", recorded_at=None)


def _text(raw: object, label: str, limit: int, problems: list[str], *, required: bool, multiline: bool = False) -> str:
    try:
        return clean_text(raw, label, limit, required=required, multiline=multiline)
    except ValueError as exc:
        problems.append(str(exc))
        return ""


def _choice(vocabulary: Vocabulary, name: str, raw: object, label: str, problems: list[str]) -> str:
    try:
        return vocabulary[name].find(raw, label)
    except ValueError as exc:
        problems.append(str(exc))
        return ""


def _areas(raw: Collection[str], known: Collection[str], problems: list[str], *, required: bool) -> tuple[str, ...]:
    areas = tuple(dict.fromkeys(str(a).strip() for a in raw if str(a).strip()))
    unknown = [a for a in areas if a not in known]
    if unknown:
        problems.append(f"Område: {', '.join(unknown)[:200]} findes ikke i datasættet.")
    if required and not areas:
        problems.append("Område: angiv mindst ét område.")
    return areas


def _raise(problems: list[str], what: str) -> None:
    if problems:
        raise RegisterError(f"{what} kan ikke gemmes: " + " ".join(problems) + " Intet er gemt.")


def check_initiative(
    raw: Mapping[str, object],
    vocabulary: Vocabulary,
    area_ids: Collection[str],
    *,
    record_id: str,
    today: date | None = None,
) -> Initiative:
    """An Initiative from plain values (ids or labels for the lists, dates as ``date``); RegisterError otherwise.

    Rules: at least one known area; a name; type, operator, status, relevance, evidence and verification from
    the vocabulary; target groups from theirs; the end not before the start; an active initiative has not ended
    by ``today`` (default: today in Copenhagen)."""
    problems: list[str] = []
    groups_raw = raw.get("target_groups") or ()
    groups = tuple(
        dict.fromkeys(
            _choice(vocabulary, "target_groups", g, "Målgruppe", problems)
            for g in (groups_raw if isinstance(groups_raw, (list, tuple)) else [groups_raw])
        )
    )
    start, end = raw.get("start"), raw.get("end")
    for value, label in ((start, "Start"), (end, "Slut")):
        if value is not None and not isinstance(value, date):
            problems.append(f"{label}: skal være en dato.")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        problems.append(f"Slut ({end.isoformat()}) ligger før start ({start.isoformat()}).")
    item = Initiative(
        id=record_id,
        area_ids=_areas(raw.get("area_ids") or (), area_ids, problems, required=True),  # type: ignore[arg-type]
        name=_text(raw.get("name"), "Navn", MAX_NAME, problems, required=True),
        type=_choice(vocabulary, "initiative_types", raw.get("type"), "Type", problems),
        operator=_choice(vocabulary, "operators", raw.get("operator"), "Operatør", problems),
        target_groups=tuple(g for g in groups if g),
        start=start if isinstance(start, date) else None,
        end=end if isinstance(end, date) else None,
        status=_choice(vocabulary, "statuses", raw.get("status"), "Status", problems),
        relevance=_choice(
            vocabulary, "relevance", raw.get("relevance"), "Relevans for negativ social kontrol", problems
        ),
        trust_evidence=_choice(vocabulary, "trust_evidence", raw.get("trust_evidence"), "Belæg for tillid", problems),
        evidence_text=_text(
            raw.get("evidence_text"), "Belæg (tekst eller link)", MAX_TEXT, problems, required=False, multiline=True
        ),
        source=_text(raw.get("source"), "Kilde", MAX_SOURCE, problems, required=True),
        verification=_choice(vocabulary, "verification", raw.get("verification"), "Verifikation", problems),
        recorded_by=_text(raw.get("recorded_by"), "Registreret af", MAX_NAME, problems, required=False),
        reason=_text(raw.get("reason"), "Begrundelse", MAX_TEXT, problems, required=False, multiline=True),
    )
    if item.status == "aktiv" and item.end is not None and item.end < (today or local_today()):
        problems.append(f"Status 'Aktiv', men indsatsen sluttede {item.end.isoformat()}; vælg 'Afsluttet'.")
    if item.trust_evidence not in ("", "none") and not item.evidence_text:
        problems.append("Belæg for tillid: beskriv belægget eller giv et link.")
    _raise(problems, f"Indsatsen '{item.name[:80]}'" if item.name else "Indsatsen")
    return item


def check_actor(
    raw: Mapping[str, object],
    vocabulary: Vocabulary,
    sectors: Collection[str],
    area_ids: Collection[str],
    *,
    record_id: str,
) -> Actor:
    """An Actor from plain values; RegisterError otherwise. A known motivation needs its reason and where it was
    learned (meeting, conversation, letter)."""
    problems: list[str] = []
    sector = " ".join(str(raw.get("sector") or "").split())
    if sector not in sectors:
        near = [s for s in sectors if s.casefold() == sector.casefold()]
        if near:
            sector = near[0]
        else:
            problems.append(f"Sektor: '{sector[:60]}' findes ikke; mulige: {', '.join(sectors)}.")
    lon, lat = raw.get("lon"), raw.get("lat")
    coords: list[float | None] = []
    for value, label, low, high in ((lon, "Længdegrad", -180, 180), (lat, "Breddegrad", -90, 90)):
        if value is None:
            coords.append(None)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and low <= float(value) <= high:
            coords.append(float(value))
        else:
            problems.append(f"{label}: skal være et tal mellem {low} og {high}.")
            coords.append(None)
    motivation = _choice(vocabulary, "motivation", raw.get("motivation") or "unknown", "Motivation", problems)
    reason = _text(
        raw.get("motivation_reason"), "Begrundelse for motivation", MAX_TEXT, problems, required=False, multiline=True
    )
    learned = raw.get("learned_via") or ""
    learned_id = _choice(vocabulary, "learned_via", learned, "Hvor det blev oplyst", problems) if learned else ""
    if motivation not in ("", "unknown") and (not reason or not learned_id):
        problems.append("Motivation: en kendt motivation skal have en begrundelse og hvor den blev oplyst.")
    item = Actor(
        id=record_id,
        sector=sector,
        name=_text(raw.get("name"), "Navn", MAX_NAME, problems, required=True),
        lon=coords[0],
        lat=coords[1],
        area_ids=_areas(raw.get("area_ids") or (), area_ids, problems, required=False),  # type: ignore[arg-type]
        relation=_text(raw.get("relation"), "Forhold til området", MAX_TEXT, problems, required=False),
        motivation=motivation,
        motivation_reason=reason,
        learned_via=learned_id,
        nsk_competence=bool(raw.get("nsk_competence")),
        competence_text=_text(
            raw.get("competence_text"), "Kompetence", MAX_TEXT, problems, required=False, multiline=True
        ),
        source=_text(raw.get("source"), "Kilde", MAX_SOURCE, problems, required=True),
        verification=_choice(vocabulary, "verification", raw.get("verification"), "Verifikation", problems),
        recorded_by=_text(raw.get("recorded_by"), "Registreret af", MAX_NAME, problems, required=False),
        reason=_text(raw.get("reason"), "Begrundelse", MAX_TEXT, problems, required=False, multiline=True),
    )
    if item.lon is None and not item.area_ids:
        problems.append("Placering: angiv koordinater eller mindst ét område, aktøren hører til.")
    _raise(problems, f"Aktøren '{item.name[:80]}'" if item.name else "Aktøren")
    return item
