"""The registers in force and the criterion values computed from them.

    records in force = the package's records (version 0) with every stored newer version over them,
                       withdrawn records left out
    value(area, indicator) = the indicator's ``register_rule`` (``rules``) over the area's records in force

``apply_registers`` puts the values into a data set's values table, as ``assessments.apply_assessments`` does
for the assessments, with the kind of the records behind the value as the actor layer's coverage does:
'illustrative' if any of them is an illustrative placeholder, 'sourced' if all are verified in a source, else
'assessed' (recorded by planners, not verified in a source); the provenance line as the source ("beregnet fra 5
registreringer (3 kildebelagte)") and the rule's arithmetic for the area as the note. An area without records gets
no row: missing data, "ingen registreringer".
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from selection.data.dataset import Dataset
from selection.errors import DataError, Report
from selection.registers.model import Actor, Entry, Initiative, package_entry
from selection.registers.package import PACKAGE_AUTHOR, PackageRecords, package_records
from selection.registers.rules import (
    ActorCommitment,
    InitiativeTrust,
    Rule,
    RuleResult,
    WhatIf,
    evaluate,
    parse_rule,
    what_if,
)
from selection.registers.vocabulary import Vocabulary

if TYPE_CHECKING:
    from sqlalchemy import Engine

R = TypeVar("R", Initiative, Actor)


@dataclass(frozen=True)
class Registers:
    """The records in force (each with its newest version), the vocabulary, the day the rules are applied on, and
    the package rows that could not be read as records."""

    vocabulary: Vocabulary
    initiatives: tuple[Entry[Initiative], ...]
    actors: tuple[Entry[Actor], ...]
    today: date
    package: PackageRecords
    seen: tuple[int, int] = (0, 0)  # the newest stored row ids read (initiatives, actors): where a refresh starts

    @property
    def problems(self) -> tuple[str, ...]:
        return self.package.problems

    def initiative_records(self) -> list[Initiative]:
        return [e.record for e in self.initiatives]

    def actor_records(self) -> list[Actor]:
        return [e.record for e in self.actors]

    def entry(self, record_id: str) -> Entry[Initiative] | Entry[Actor] | None:
        """The record in force with this id, initiative or actor (None: none)."""
        for entries in (self.initiatives, self.actors):
            for e in entries:
                if e.id == record_id:
                    return e
        return None


def registers_in_force(package: Dataset, vocabulary: Vocabulary, engine: Engine | None, today: date) -> Registers:
    """The registers of ``package`` with the versions stored in the database behind ``engine`` (None: the
    package's records only)."""
    records = package_records(package, vocabulary, today)
    if engine is None:  # no database layer needed
        initiatives = tuple(package_entry(i) for i in records.initiatives)
        actors = tuple(package_entry(a) for a in records.actors)
        return Registers(vocabulary, initiatives, actors, today, records)
    from selection.registers.store import current_actors, current_initiatives, last_row_ids

    seen = last_row_ids(engine)  # before the rows: a row stored in between is read again by the next refresh
    return Registers(
        vocabulary,
        tuple(current_initiatives(engine, base=records.initiatives)),
        tuple(current_actors(engine, base=records.actors)),
        today,
        records,
        seen,
    )


def _merged(entries: tuple[Entry[R], ...], changed: Iterable[Entry[R]], touched: set[str]) -> tuple[Entry[R], ...]:
    """``entries`` with each changed record's newest version (a withdrawn one leaves); the areas of both the old
    and the new version go into ``touched``."""
    by_id = {e.id: e for e in entries}
    for entry in changed:
        old = by_id.pop(entry.id, None)
        if old is not None:
            touched.update(old.record.area_ids)
        touched.update(entry.record.area_ids)
        if not entry.withdrawn:
            by_id[entry.id] = entry
    return tuple(by_id[k] for k in sorted(by_id))


def refresh(registers: Registers, engine: Engine) -> tuple[Registers, frozenset[str]]:
    """``registers`` brought up to date with what was stored since they were read, and the areas whose records
    changed (empty: nothing new). Equal to a full ``registers_in_force`` read, at the cost of the new rows."""
    from selection.registers.store import changes_since

    changes = changes_since(engine, registers.seen)
    if changes.seen == registers.seen and not changes.initiatives and not changes.actors:
        return registers, frozenset()
    touched: set[str] = set()
    initiatives = _merged(registers.initiatives, changes.initiatives, touched)
    actors = _merged(registers.actors, changes.actors, touched)
    updated = dataclasses.replace(registers, initiatives=initiatives, actors=actors, seen=changes.seen)
    return updated, frozenset(touched)


def recompute(
    dataset: Dataset, registers: Registers, computed: Mapping[str, Computed], areas: Collection[str]
) -> dict[str, Computed]:
    """``computed`` with the results of ``areas`` evaluated again on ``registers`` (the other areas' results are
    kept: a rule's result for an area depends only on that area's records)."""
    wanted = [a for a in dataset.area_ids if a in areas]
    if not wanted:
        return dict(computed)
    keep = set(wanted)
    labels = {s.id: s.label for s in dataset.model.sectors}
    initiatives = [e.record for e in registers.initiatives if not keep.isdisjoint(e.record.area_ids)]
    actors = [e.record for e in registers.actors if not keep.isdisjoint(e.record.area_ids)]
    out: dict[str, Computed] = {}
    for iid, c in computed.items():
        fresh = evaluate(
            c.rule,
            wanted,
            registers.vocabulary,
            today=registers.today,
            initiatives=initiatives,
            actors=actors,
            sector_labels=labels,
        )
        out[iid] = Computed(iid, c.rule, {**c.results, **fresh})
    return out


def register_rules(dataset: Dataset, vocabulary: Vocabulary) -> dict[str, Rule]:
    """indicator id -> its parsed rule, for every indicator computed from the registers; DataError (Danish,
    naming the indicator) for a rule that does not parse."""
    rules: dict[str, Rule] = {}
    report = Report()
    for ind in dataset.model.indicators:
        if ind.register_rule is None:
            continue
        try:
            rules[ind.id] = parse_rule(dict(ind.register_rule), vocabulary=vocabulary, where=f"indikator '{ind.id}'")
        except DataError as exc:
            report.problems.extend(exc.report.problems)
    report.raise_if_errors()
    return rules


@dataclass(frozen=True)
class Computed:
    """An indicator's rule and every area's result."""

    indicator_id: str
    rule: Rule
    results: Mapping[str, RuleResult]


def compute(dataset: Dataset, registers: Registers) -> dict[str, Computed]:
    """indicator id -> the rule's result for every area of ``dataset`` (DataError for a rule that does not parse)."""
    labels = {s.id: s.label for s in dataset.model.sectors}
    initiatives, actors = registers.initiative_records(), registers.actor_records()
    out: dict[str, Computed] = {}
    for iid, rule in register_rules(dataset, registers.vocabulary).items():
        results = evaluate(
            rule,
            dataset.area_ids,
            registers.vocabulary,
            today=registers.today,
            initiatives=initiatives,
            actors=actors,
            sector_labels=labels,
        )
        out[iid] = Computed(iid, rule, results)
    return out


def record_kind(entry: Entry[Initiative] | Entry[Actor]) -> str:
    """A record's kind: 'sourced' if verified in a source; 'illustrative' if an illustrative placeholder or an
    unverified record nobody is named for (the package's own, by "datapakken"); else 'assessed' (a person
    recorded it)."""
    mark = entry.record.verification
    if mark == "verified":
        return "sourced"
    anonymous = entry.from_package and (entry.record.recorded_by or PACKAGE_AUTHOR) == PACKAGE_AUTHOR
    if mark == "illustrative" or anonymous:
        return "illustrative"
    return "assessed"


def value_kind(result: RuleResult, kinds: Mapping[str, str]) -> str:
    """The kind of the value from the kinds of the records behind it (those that counted, else all considered):
    'illustrative' if any is, 'sourced' if all are, else 'assessed'."""
    behind = [c.record_id for c in result.contributions if c.counted] or [c.record_id for c in result.contributions]
    marks = {kinds[r] for r in behind if r in kinds}
    if not marks or "illustrative" in marks:
        return "illustrative"
    return "sourced" if marks == {"sourced"} else "assessed"


def apply_registers(dataset: Dataset, computed: Mapping[str, Computed], registers: Registers) -> Dataset:
    """``dataset`` with the computed values in the cells of the indicators computed from the registers (rows of
    those indicators from elsewhere are replaced; an area without records has no row)."""
    if not computed:
        return dataset
    kinds = {e.id: record_kind(e) for e in registers.initiatives}
    kinds.update({e.id: record_kind(e) for e in registers.actors})
    rows = [
        {
            "area_id": area,
            "indicator_id": iid,
            "value": float(result.value),
            "kind": value_kind(result, kinds),
            "source": result.provenance,
            "note": result.summary,
        }
        for iid, c in computed.items()
        for area, result in c.results.items()
        if result.value is not None
    ]
    values = dataset.values[~dataset.values["indicator_id"].isin(list(computed))]
    merged = pd.concat(
        [values, pd.DataFrame(rows, columns=["area_id", "indicator_id", "value", "kind", "source", "note"])],
        ignore_index=True,
    )
    missing = {
        (area, iid): f"{result.summary} ({result.provenance})"
        for iid, c in computed.items()
        for area, result in c.results.items()
        if result.value is None and result.contributions
    }
    return dataclasses.replace(dataset, values=merged, register_missing=missing)


def register_what_if(
    c: Computed, registers: Registers, area_id: str, sector_labels: Mapping[str, str] | None = None
) -> WhatIf | None:
    """The area's value with one more record of the strongest kind, and "one more … would give x (now y)" (None
    for a rule without a strongest record, e.g. breadth)."""
    if not isinstance(c.rule, (InitiativeTrust, ActorCommitment)):
        return None
    records: Sequence[Initiative | Actor] = (
        registers.actor_records() if isinstance(c.rule, ActorCommitment) else registers.initiative_records()
    )
    mine = [r for r in records if area_id in r.area_ids]
    return what_if(c.rule, mine, area_id, registers.vocabulary, today=registers.today, sector_labels=sector_labels)


def register_fingerprint(registers: Registers) -> str:
    """SHA-256 over every record in force's id and version (changes with every stored version)."""
    pairs = sorted(
        [("i", e.id, e.version) for e in registers.initiatives] + [("a", e.id, e.version) for e in registers.actors]
    )
    return hashlib.sha256(repr(pairs).encode("utf-8")).hexdigest()
