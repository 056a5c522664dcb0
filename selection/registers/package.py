"""The data package's own register records: ``initiatives.csv`` rows and the actor layer's points.

A package carries the records it was made with (the bundled one: the 40 known initiatives and the actor layer,
each with its verification status); they are the registers' version 0. What planners store is a newer version of
one of them or a new record (``in_force``). A row is a record when it has an ``initiative_id`` (initiatives) or
when the actor layer has register fields; a row that does not pass the record checks is left out and named in
``problems`` (Danish), so one bad row never hides the others.

Initiative columns: ``initiative_id, area_id`` (ids separated by ';'), ``name, type, operator, target_groups``
(';'), ``start, end`` (ISO dates), ``status, relevance, trust_evidence, evidence, verification, source,
recorded_by, reason``; vocabulary ids or labels. Actor properties: the layer's ``actor_id, area_id, name,
sector, source`` and point, plus ``relation, motivation, motivation_reason, learned_via, nsk_competence,
competence_text, verification, recorded_by, reason``; a point without ``verification`` takes it from ``kind``
(sourced: verified, else illustrative).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from selection.data.dataset import Dataset
from selection.registers.model import Actor, Initiative, RegisterError, check_actor, check_initiative
from selection.registers.vocabulary import Vocabulary

PACKAGE_AUTHOR = "datapakken"
MAX_PROBLEMS = 20  # problems named; the rest are counted


@dataclass(frozen=True)
class PackageRecords:
    """The package's records, and the rows that could not be read as records (Danish, one line each)."""

    initiatives: tuple[Initiative, ...]
    actors: tuple[Actor, ...]
    problems: tuple[str, ...] = ()


def _cell(row: Mapping[str, object], key: str) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split()) if key not in ("reason", "evidence") else str(value).strip()


def _ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in text.split(";") if p.strip()))


def _date(text: str, label: str) -> date | str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return f"{label}: '{text[:20]}' er ikke en dato (ÅÅÅÅ-MM-DD)."


def _initiative(
    row: Mapping[str, object], vocabulary: Vocabulary, area_ids: Collection[str], today: date
) -> Initiative:
    start, end = _date(_cell(row, "start"), "Start"), _date(_cell(row, "end"), "Slut")
    for parsed in (start, end):
        if isinstance(parsed, str):
            raise RegisterError(parsed)
    raw = {
        "area_ids": _ids(_cell(row, "area_id")),
        "name": _cell(row, "name"),
        "type": _cell(row, "type"),
        "operator": _cell(row, "operator"),
        "target_groups": _ids(_cell(row, "target_groups")),
        "start": start,
        "end": end,
        "status": _cell(row, "status"),
        "relevance": _cell(row, "relevance"),
        "trust_evidence": _cell(row, "trust_evidence"),
        "evidence_text": _cell(row, "evidence"),
        "source": _cell(row, "source"),
        "verification": _cell(row, "verification"),
        "recorded_by": _cell(row, "recorded_by") or PACKAGE_AUTHOR,
        "reason": _cell(row, "reason"),
    }
    return check_initiative(raw, vocabulary, area_ids, record_id=_cell(row, "initiative_id"), today=today)


def _actor(
    row: Mapping[str, object],
    point: object,
    vocabulary: Vocabulary,
    sectors: Collection[str],
    area_ids: Collection[str],
) -> Actor:
    verification = _cell(row, "verification") or ("verified" if _cell(row, "kind") == "sourced" else "illustrative")
    raw = {
        "sector": _cell(row, "sector"),
        "name": _cell(row, "name"),
        "lon": getattr(point, "x", None),
        "lat": getattr(point, "y", None),
        "area_ids": _ids(_cell(row, "area_id")),
        "relation": _cell(row, "relation"),
        "motivation": _cell(row, "motivation") or "unknown",
        "motivation_reason": _cell(row, "motivation_reason"),
        "learned_via": _cell(row, "learned_via"),
        "nsk_competence": _cell(row, "nsk_competence").casefold() in ("true", "1", "ja", "yes"),
        "competence_text": _cell(row, "competence_text"),
        "source": _cell(row, "source") or "Ingen kilde (illustrativ pladsholder)",
        "verification": verification,
        "recorded_by": _cell(row, "recorded_by") or PACKAGE_AUTHOR,
        "reason": _cell(row, "reason"),
    }
    return check_actor(raw, vocabulary, sectors, area_ids, record_id=_cell(row, "actor_id"))


def _problem(what: str, where: str, exc: RegisterError) -> str:
    return f"{what} {where}: {str(exc).removesuffix(' Intet er gemt.')}"


def package_records(dataset: Dataset, vocabulary: Vocabulary, today: date) -> PackageRecords:
    """The package's initiatives (rows with an ``initiative_id``) and actors (every point with an id) as records."""
    areas = set(dataset.area_ids)
    problems: list[str] = []
    initiatives: dict[str, Initiative] = {}
    frame: pd.DataFrame = dataset.initiatives
    if "initiative_id" in frame.columns:
        for pos, row in enumerate(frame.to_dict("records"), start=2):
            record_id = _cell(row, "initiative_id")
            if not record_id:
                continue
            if record_id in initiatives:
                problems.append(f"initiatives.csv række {pos}: id '{record_id[:40]}' står også tidligere i filen.")
                continue
            try:
                initiatives[record_id] = _initiative(row, vocabulary, areas, today)
            except RegisterError as exc:
                problems.append(_problem("initiatives.csv", f"række {pos}", exc))
    actors: dict[str, Actor] = {}
    layer = dataset.actors
    sectors = [s.id for s in dataset.model.sectors]
    if len(layer):
        columns = [c for c in layer.columns if c != "geometry"]
        for pos, (row, point) in enumerate(
            zip(layer[columns].to_dict("records"), layer.geometry, strict=True), start=1
        ):
            record_id = _cell(row, "actor_id")
            if not record_id or record_id in actors:
                continue
            try:
                actors[record_id] = _actor(row, point, vocabulary, sectors, areas)
            except RegisterError as exc:
                problems.append(_problem("actors.geojson", f"objekt {pos}", exc))
    if len(problems) > MAX_PROBLEMS:
        problems = [*problems[:MAX_PROBLEMS], f"… og {len(problems) - MAX_PROBLEMS} rækker mere."]
    return PackageRecords(tuple(initiatives.values()), tuple(actors.values()), tuple(problems))
