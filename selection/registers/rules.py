"""The rules that turn the registers into criterion values, each explainable in two sentences (issue 28).

Pure: records in, values and their explanations out; no database, no Streamlit, no clock (``today`` is a
parameter). Every rule returns per area a ``RuleResult``: the value (None when the area has no records: shown as
"ingen registreringer" and counted as missing data, never as 0), every record considered with what it contributed
and why (Danish), and a provenance line ("beregnet fra 5 registreringer (3 kildebelagte)").

The rules, with the default parameters:

* ``initiative_trust`` (``trust_initiatives``, 1–5). An initiative counts if its status is "aktiv"; its points are
  evidence of residents' trust (none 0, the operator's statement 1, documented attendance 2, independent evaluation
  3) + continuity (whole months from its start until ``today`` or its end: ≥ 2 years 2, ≥ 1 year 1, else 0) +
  relevance to negative social control (none 0, indirect 1, direct 2); at most P = 3 + 2 + 2 = 7. An area's value
  is ``1 + 4 × S / (k × P)`` with S the sum of its best k = 3 initiatives' points: ten weak entries cannot outweigh
  two strong ones, and adding a record never lowers the value. An initiative serving several areas counts in each.
* ``initiative_breadth`` (a sub-indicator, 0–100 %): ``100 × R / G``, R the register's target groups reached by at
  least one counting initiative with relevance ≥ indirect, G the number of target groups in the vocabulary.
* ``actor_commitment`` (``actors_motivation``, 1–5): each of the budget text's sectors (``Vocabulary.
  budget_sectors``, seven) counts its most motivated actor related to the area, ``m`` (committed 1, interested 0.5,
  not motivated or not known 0, plus an optional bonus for competence on negative social control, default 0, given
  only to a motivated actor); the value is ``1 + 4 × mean_s(m_s / M)`` with M = 1 + bonus the most a sector can
  get. An actor relates to an area when the area is among its ``area_ids``; a relation by distance (the actor
  layer's ``actor_distance_m``) can come later. An area none of whose related actors in those sectors has a known
  motivation has no value (unknown motivation is missing data, not "not motivated").

``committed_sectors`` gives the sub-indicator "sektorer med en forpligtet aktør: 4 af 7"; ``what_if`` the value an
area would get with one more record of the strongest kind (for the critical values, in register terms).

The JSON shape, inside an indicator's entry of ``criteria.json`` (``params`` and each of its keys are optional;
a points table given in part keeps the defaults for the levels it leaves out)::

    "register_rule": {
      "method": "initiative_trust",
      "params": {
        "top_k": 3,
        "evidence_points": {"none": 0, "statement": 1, "attendance": 2, "independent": 3},
        "relevance_points": {"none": 0, "indirect": 1, "direct": 2},
        "continuity_points": [{"years": 2, "points": 2}, {"years": 1, "points": 1}],
        "counted_statuses": ["aktiv"]
      }
    }
    "register_rule": {"method": "initiative_breadth", "params": {"min_relevance": "indirect",
                                                                 "counted_statuses": ["aktiv"]}}
    "register_rule": {"method": "actor_commitment", "params": {"motivation_points": {"committed": 1,
                      "interested": 0.5, "not_motivated": 0, "unknown": 0}, "competence_bonus": 0}}

``parse_rule`` checks it (DataError with every problem in Danish: an unknown method or parameter, with the
nearest one suggested, a negative or non-numeric point, ``top_k`` < 1, …); ``rule_to_json`` writes it back.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any, ClassVar

from selection.errors import DataError, Report
from selection.registers.model import Actor, Initiative
from selection.registers.vocabulary import Vocabulary, suggest
from selection.text.formatting import compact, count

NO_RECORDS = "ingen registreringer"
MAX_POINTS = 1000.0  # per level: larger numbers are typing errors, and keep sums far from overflow
MAX_TOP_K = 100
MAX_YEARS = 100.0

STATUSES = ("aktiv", "planlagt", "afsluttet")
EVIDENCE_LEVELS = ("none", "statement", "attendance", "independent")
RELEVANCE_LEVELS = ("none", "indirect", "direct")
MOTIVATION_LEVELS = ("unknown", "not_motivated", "interested", "committed")

# Short lower-case forms for contribution texts; a level added to the vocabulary later shows its label.
EVIDENCE_TEXT = {
    "none": "intet belæg",
    "statement": "operatørens udsagn",
    "attendance": "dokumenteret fremmøde",
    "independent": "uafhængig evaluering",
}
RELEVANCE_TEXT = {"none": "ingen relevans", "indirect": "indirekte relevans", "direct": "direkte relevans"}
MOTIVATION_TEXT = {
    "unknown": "motivation ikke kendt",
    "not_motivated": "ikke motiveret",
    "interested": "interesseret",
    "committed": "forpligtet",
}


# ----------------------------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class InitiativeTrust:
    """Points per counting initiative = evidence + continuity + relevance; value = lo + (hi - lo) × S / (k × P)."""

    method: ClassVar[str] = "initiative_trust"
    scale: ClassVar[tuple[float, float]] = (1.0, 5.0)
    EXPLANATION: ClassVar[str] = (
        "Hver aktiv indsats får point for belæg for beboernes tillid (intet belæg 0, operatørens udsagn 1, "
        "dokumenteret fremmøde 2, uafhængig evaluering 3), for hvor længe den har kørt (mindst 2 år 2, mindst 1 år 1) "
        "og for relevans for negativ social kontrol (indirekte 1, direkte 2); planlagte og afsluttede indsatser "
        "tæller ikke. Områdets værdi er 1 + 4 × summen af de 3 stærkeste indsatsers point delt med det højst mulige "
        "(3 × 7 = 21), så mange svage registreringer ikke kan veje op for få stærke, og en langvarig indsats vinder."
    )

    top_k: int = 3
    evidence_points: tuple[tuple[str, float], ...] = (
        ("none", 0.0),
        ("statement", 1.0),
        ("attendance", 2.0),
        ("independent", 3.0),
    )
    relevance_points: tuple[tuple[str, float], ...] = (("none", 0.0), ("indirect", 1.0), ("direct", 2.0))
    continuity_points: tuple[tuple[float, float], ...] = ((2.0, 2.0), (1.0, 1.0))  # (at least years, points)
    counted_statuses: tuple[str, ...] = ("aktiv",)

    @property
    def max_points(self) -> float:
        """P: the most one initiative can get."""
        return (
            max(p for _, p in self.evidence_points)
            + max((p for _, p in self.continuity_points), default=0.0)
            + max(p for _, p in self.relevance_points)
        )


@dataclass(frozen=True)
class InitiativeBreadth:
    """Value = 100 × (target groups reached by a counting initiative with relevance ≥ min_relevance) / all groups."""

    method: ClassVar[str] = "initiative_breadth"
    scale: ClassVar[tuple[float, float]] = (0.0, 100.0)
    EXPLANATION: ClassVar[str] = (
        "Andelen af registrets målgrupper, som mindst én aktiv indsats med indirekte eller direkte relevans for "
        "negativ social kontrol når ud til. Planlagte og afsluttede indsatser og indsatser uden den relevans tæller "
        "ikke, og et område uden registreringer har ingen værdi (ikke 0 %)."
    )

    min_relevance: str = "indirect"
    counted_statuses: tuple[str, ...] = ("aktiv",)


@dataclass(frozen=True)
class ActorCommitment:
    """m_s = the best motivation points of sector s's actors (+ bonus); value = lo + (hi - lo) × mean_s(m_s / M)."""

    method: ClassVar[str] = "actor_commitment"
    scale: ClassVar[tuple[float, float]] = (1.0, 5.0)
    EXPLANATION: ClassVar[str] = (
        "Hver af budgettekstens 7 sektorer tæller med sin mest motiverede aktør i området: forpligtet giver 1, "
        "interesseret 0,5, og ikke motiveret eller ikke kendt 0. Værdien er 1 + 4 × gennemsnittet over de 7 "
        "sektorer, så en sektor uden motiveret aktør trækker ned, og ti aktører i samme sektor tæller som én."
    )

    motivation_points: tuple[tuple[str, float], ...] = (
        ("unknown", 0.0),
        ("not_motivated", 0.0),
        ("interested", 0.5),
        ("committed", 1.0),
    )
    competence_bonus: float = 0.0

    @property
    def max_points(self) -> float:
        """M: the most one sector can get."""
        return max(p for _, p in self.motivation_points) + self.competence_bonus


Rule = InitiativeTrust | InitiativeBreadth | ActorCommitment
RULES: dict[str, type[InitiativeTrust] | type[InitiativeBreadth] | type[ActorCommitment]] = {
    r.method: r for r in (InitiativeTrust, InitiativeBreadth, ActorCommitment)
}


def explain(rule: Rule, vocabulary: Vocabulary | None = None) -> str:
    """The rule's two Danish sentences with its actual parameters (``EXPLANATION`` for the defaults)."""
    if isinstance(rule, InitiativeTrust):
        levels = dict(rule.evidence_points)
        ev = ", ".join(f"{_level(EVIDENCE_TEXT, k, vocabulary, 'trust_evidence')} {_n(levels[k])}" for k in levels)
        cont = ", ".join(f"mindst {_n(y)} år {_n(p)}" for y, p in rule.continuity_points)
        rel = ", ".join(
            f"{_level(RELEVANCE_TEXT, k, vocabulary, 'relevance').removesuffix(' relevans')} {_n(p)}"
            for k, p in rule.relevance_points
            if p > 0
        )
        return (
            f"Hver {_statuses(rule.counted_statuses, vocabulary, 'og')} indsats får point for belæg for beboernes "
            f"tillid ({ev}), for hvor længe den har kørt ({cont}) og for relevans for negativ social kontrol ({rel}); "
            f"{_others(rule.counted_statuses, vocabulary)} indsatser tæller ikke. Områdets værdi er 1 + 4 × summen "
            f"af de {rule.top_k} stærkeste indsatsers point delt med det højst mulige ({rule.top_k} × "
            f"{_n(rule.max_points)} = {_n(rule.top_k * rule.max_points)}), så mange svage registreringer ikke kan "
            "veje op for få stærke, og en langvarig indsats vinder."
        )
    if isinstance(rule, InitiativeBreadth):
        order = _relevance_order(vocabulary)
        at_least = order[order.index(rule.min_relevance) :] if rule.min_relevance in order else (rule.min_relevance,)
        rel = " eller ".join(_level(RELEVANCE_TEXT, k, vocabulary, "relevance").split(" ")[0] for k in at_least)
        return (
            f"Andelen af registrets målgrupper, som mindst én {_statuses(rule.counted_statuses, vocabulary, 'eller')} "
            f"indsats med {rel} relevans for negativ social kontrol når ud til. "
            f"{_others(rule.counted_statuses, vocabulary).capitalize()} indsatser og indsatser uden den relevans "
            "tæller ikke, og et område uden registreringer har ingen værdi (ikke 0 %)."
        )
    n = len(vocabulary.budget_sectors) if vocabulary is not None else 7
    levels = dict(rule.motivation_points)
    scored = sorted(((p, k) for k, p in levels.items() if p > 0), reverse=True)
    words = {**MOTIVATION_TEXT, "unknown": "ikke kendt"}
    parts = [
        f"{_level(words, k, vocabulary, 'motivation')}{' giver' if pos == 0 else ''} {_n(p)}"
        for pos, (p, k) in enumerate(scored)
    ]
    zero = [k for k in reversed(MOTIVATION_LEVELS) if levels.get(k, 0.0) == 0] + [
        k for k, p in levels.items() if p == 0 and k not in MOTIVATION_LEVELS
    ]
    zero_text = " eller ".join(_level(words, k, vocabulary, "motivation") for k in zero)
    scored_text = ", ".join(parts) + (f", og {zero_text} 0" if zero_text else "")
    bonus = (
        f" (plus {_n(rule.competence_bonus)} for en motiveret aktør med kompetence i negativ social kontrol)"
        if rule.competence_bonus
        else ""
    )
    return (
        f"Hver af budgettekstens {n} sektorer tæller med sin mest motiverede aktør i området: {scored_text}{bonus}. "
        f"Værdien er 1 + 4 × gennemsnittet over de {n} sektorer, så en sektor uden motiveret "
        "aktør trækker ned, og ti aktører i samme sektor tæller som én."
    )


# ------------------------------------------------------------------------------------------ the results


@dataclass(frozen=True)
class Contribution:
    """One record considered for an area: its points (what the rule gave it), whether they entered the value, why."""

    record_id: str
    name: str
    points: float
    counted: bool
    text: str  # Danish, e.g. "Bydelsmødre: 6 point (belæg: dokumenteret fremmøde 2, …)" or "… tæller ikke: planlagt"


@dataclass(frozen=True)
class RuleResult:
    """An area's value (None: no records, missing data), every record considered, and where the value comes from."""

    value: float | None
    contributions: tuple[Contribution, ...] = ()
    provenance: str = NO_RECORDS  # "beregnet fra 5 registreringer (3 kildebelagte)"
    summary: str = ""  # the rule's arithmetic for this area, e.g. "de 3 stærkeste: 14 af 21 point"

    @property
    def missing(self) -> bool:
        return self.value is None

    def value_text(self, digits: int = 1) -> str:
        """The value in Danish, or "ingen registreringer"."""
        return NO_RECORDS if self.value is None else compact(self.value, digits)


@dataclass(frozen=True)
class SectorCount:
    """Sectors with a committed actor: ``count`` of ``total`` (the sub-indicator "4 af 7")."""

    count: int
    total: int
    sectors: tuple[str, ...]  # the committed sectors' ids, in the vocabulary's order

    @property
    def text(self) -> str:
        return f"sektorer med en forpligtet aktør: {self.count} af {self.total}"


@dataclass(frozen=True)
class WhatIf:
    """The value now and with one more record of the strongest kind, and that sentence in Danish."""

    now: float | None
    after: float
    text: str
    record: str = ""  # the record added, in words: "én aktiv indsats mere med direkte relevans, …"


# -------------------------------------------------------------------------------------- evaluating


def evaluate(
    rule: Rule,
    area_ids: Iterable[str],
    vocabulary: Vocabulary,
    *,
    today: date,
    initiatives: Iterable[Initiative] = (),
    actors: Iterable[Actor] = (),
    sector_labels: Mapping[str, str] | None = None,
) -> dict[str, RuleResult]:
    """Every area's result, the records grouped by area once (linear in records × their areas)."""
    records: Iterable[Initiative | Actor] = actors if isinstance(rule, ActorCommitment) else initiatives
    wanted = list(dict.fromkeys(area_ids))
    by_area: dict[str, list[Initiative | Actor]] = defaultdict(list)
    for record in records:
        for area in dict.fromkeys(record.area_ids):
            by_area[area].append(record)
    return {
        a: evaluate_area(rule, by_area.get(a, []), a, vocabulary, today=today, sector_labels=sector_labels)
        for a in wanted
    }


def evaluate_area(
    rule: Rule,
    records: Iterable[Initiative | Actor],
    area_id: str,
    vocabulary: Vocabulary,
    *,
    today: date,
    sector_labels: Mapping[str, str] | None = None,
) -> RuleResult:
    """One area's result from the records that relate to it (others are ignored)."""
    if isinstance(rule, ActorCommitment):
        actors = [r for r in records if isinstance(r, Actor) and area_id in r.area_ids]
        return _actor_commitment(rule, actors, vocabulary, sector_labels or {})
    initiatives = [r for r in records if isinstance(r, Initiative) and area_id in r.area_ids]
    if isinstance(rule, InitiativeTrust):
        return _initiative_trust(rule, initiatives, vocabulary, today)
    return _initiative_breadth(rule, initiatives, vocabulary)


def provenance(records: Sequence[Initiative | Actor]) -> str:
    """ "beregnet fra 5 registreringer (3 kildebelagte)"; illustrative placeholders are named when there are any."""
    if not records:
        return NO_RECORDS
    verified = sum(r.verification == "verified" for r in records)
    illustrative = sum(r.verification == "illustrative" for r in records)
    parts = [f"{verified} kildebelagt" + ("" if verified == 1 else "e")]
    if illustrative:
        parts.append(f"{illustrative} illustrativ" + ("" if illustrative == 1 else "e"))
    return f"beregnet fra {count(len(records), 'registrering', 'registreringer')} ({', '.join(parts)})"


def months_running(start: date | None, end: date | None, today: date) -> int | None:
    """Whole months from ``start`` until ``today`` or the end, whichever comes first (None without a start)."""
    if start is None:
        return None
    until = min(today, end) if end is not None else today
    months = (until.year - start.year) * 12 + until.month - start.month - (until.day < start.day)
    return max(months, 0)


def initiative_points(rule: InitiativeTrust, item: Initiative, today: date) -> tuple[float, str]:
    """An initiative's points (evidence + continuity + relevance) and their reasons: "belæg: … 2, kontinuitet …"."""
    evidence = dict(rule.evidence_points).get(item.trust_evidence, 0.0)
    relevance = dict(rule.relevance_points).get(item.relevance, 0.0)
    months = months_running(item.start, item.end, today)
    continuity = 0.0
    if months is not None:
        continuity = max((p for years, p in rule.continuity_points if months >= years * 12), default=0.0)
    if months is None:
        running = "startdato ukendt"
    elif months < 12:
        running = f"{months} mdr."
    else:
        running = f"{months // 12} år"
    ev_text = EVIDENCE_TEXT.get(item.trust_evidence, item.trust_evidence)
    rel_text = RELEVANCE_TEXT.get(item.relevance, f"relevans {item.relevance}")
    why = f"belæg: {ev_text} {_n(evidence)}, kontinuitet {running} {_n(continuity)}, {rel_text} {_n(relevance)}"
    return evidence + continuity + relevance, why


def _sort_key(points: float, record: Initiative | Actor) -> tuple[float, str, str]:
    return (-points, record.name.casefold(), record.id)


def _not_counted(item: Initiative, counted_statuses: tuple[str, ...], vocabulary: Vocabulary) -> str | None:
    """Why a record does not count (its status), or None if it does."""
    if item.status in counted_statuses:
        return None
    why = vocabulary["statuses"].label(item.status).lower() if item.status else "ingen status"
    if item.status == "afsluttet" and item.end is not None:
        why += f" {item.end.isoformat()}"
    return why


def _initiative_trust(
    rule: InitiativeTrust, initiatives: list[Initiative], vocabulary: Vocabulary, today: date
) -> RuleResult:
    """value = lo + (hi - lo) × (sum of the best k points) / (k × P)."""
    if not initiatives:
        return RuleResult(None)
    scored: list[tuple[float, Initiative, str]] = []
    skipped: list[Contribution] = []
    for item in initiatives:
        why_not = _not_counted(item, rule.counted_statuses, vocabulary)
        if why_not is not None:
            skipped.append(Contribution(item.id, item.name, 0.0, False, f"{item.name}: tæller ikke: {why_not}"))
            continue
        points, why = initiative_points(rule, item, today)
        scored.append((points, item, why))
    scored.sort(key=lambda s: _sort_key(s[0], s[1]))
    contributions = [
        Contribution(
            item.id,
            item.name,
            points,
            rank < rule.top_k,
            f"{item.name}: {_n(points)} point ({why})"
            + ("" if rank < rule.top_k else f"; tæller ikke: ikke blandt de {rule.top_k} stærkeste"),
        )
        for rank, (points, item, why) in enumerate(scored)
    ]
    best = math.fsum(points for points, _, _ in scored[: rule.top_k])
    most = rule.top_k * rule.max_points
    lo, hi = rule.scale
    value = lo + (hi - lo) * best / most
    skipped.sort(key=lambda c: (c.name.casefold(), c.record_id))
    summary = (
        f"de {rule.top_k} stærkeste aktive indsatser: {_n(best)} af {_n(most)} point"
        if scored
        else "ingen aktive indsatser"
    )
    return RuleResult(_clamp(value, lo, hi), tuple(contributions + skipped), provenance(initiatives), summary)


def _relevance_order(vocabulary: Vocabulary | None) -> tuple[str, ...]:
    return tuple(vocabulary["relevance"].labels) if vocabulary is not None else RELEVANCE_LEVELS


def _initiative_breadth(rule: InitiativeBreadth, initiatives: list[Initiative], vocabulary: Vocabulary) -> RuleResult:
    """value = 100 × |groups reached by counting initiatives with relevance ≥ min| / |groups|."""
    if not initiatives:
        return RuleResult(None)
    groups = vocabulary["target_groups"]
    order = _relevance_order(vocabulary)
    lowest = order.index(rule.min_relevance) if rule.min_relevance in order else len(order)
    reached: set[str] = set()
    contributions: list[Contribution] = []
    for item in sorted(initiatives, key=lambda i: (i.name.casefold(), i.id)):
        why_not = _not_counted(item, rule.counted_statuses, vocabulary)
        if why_not is None and (item.relevance not in order or order.index(item.relevance) < lowest):
            why_not = RELEVANCE_TEXT.get(item.relevance, item.relevance) + " for negativ social kontrol"
        if why_not is not None:
            contributions.append(Contribution(item.id, item.name, 0.0, False, f"{item.name}: tæller ikke: {why_not}"))
            continue
        mine = [g for g in item.target_groups if g in groups.labels]
        new = [g for g in mine if g not in reached]
        reached.update(mine)
        names = ", ".join(groups.label(g).lower() for g in mine) or "ingen målgrupper angivet"
        contributions.append(Contribution(item.id, item.name, float(len(new)), True, f"{item.name}: når {names}"))
    total = len(groups.labels)
    hit = [g for g in groups.labels if g in reached]
    missing = [groups.label(g).lower() for g in groups.labels if g not in reached]
    summary = f"{len(hit)} af {total} målgrupper nået" + (f" (mangler: {', '.join(missing)})" if missing else "")
    return RuleResult(100.0 * len(hit) / total, tuple(contributions), provenance(initiatives), summary)


def _actor_points(rule: ActorCommitment, actor: Actor) -> float:
    base = dict(rule.motivation_points).get(actor.motivation, 0.0)
    return base + (rule.competence_bonus if actor.nsk_competence and base > 0 else 0.0)


def _actor_commitment(
    rule: ActorCommitment, actors: list[Actor], vocabulary: Vocabulary, labels: Mapping[str, str]
) -> RuleResult:
    """value = lo + (hi - lo) × mean over the budget sectors of (best actor's points / M); None without known
    motivation in those sectors."""
    if not actors:
        return RuleResult(None)
    sectors = vocabulary.budget_sectors
    best: dict[str, tuple[float, Actor]] = {}
    contributions: list[tuple[tuple[Any, ...], Contribution]] = []
    known = 0
    ordered = sorted(actors, key=lambda a: _sort_key(_actor_points(rule, a), a))
    for actor in ordered:
        sector = labels.get(actor.sector, actor.sector)
        head = f"{actor.name} ({sector})"
        key = (sectors.index(actor.sector) if actor.sector in sectors else len(sectors), actor.sector)
        if actor.sector not in sectors:
            text = f"{head}: tæller ikke: sektoren er ikke blandt budgettekstens {len(sectors)}"
            contributions.append((key, Contribution(actor.id, actor.name, 0.0, False, text)))
            continue
        points = _actor_points(rule, actor)
        motivation = MOTIVATION_TEXT.get(actor.motivation, actor.motivation)
        if actor.motivation != "unknown":
            known += 1
        if actor.motivation == "unknown" or points <= 0:
            text = f"{head}: tæller ikke: {motivation}"
            contributions.append((key, Contribution(actor.id, actor.name, 0.0, False, text)))
            continue
        bonus = " inkl. kompetence i negativ social kontrol" if actor.nsk_competence and rule.competence_bonus else ""
        if actor.sector not in best:
            best[actor.sector] = (points, actor)
            text = f"{head}: {motivation} {_n(points)}{bonus}; sektorens mest motiverede"
            contributions.append((key, Contribution(actor.id, actor.name, points, True, text)))
        else:
            text = f"{head}: {motivation} {_n(points)}{bonus}; tæller ikke: sektoren har en mere motiveret aktør"
            contributions.append((key, Contribution(actor.id, actor.name, points, False, text)))
    contributions.sort(key=lambda kc: kc[0])  # stable: within a sector, the most motivated first
    if known == 0:
        return RuleResult(
            None,
            tuple(c for _, c in contributions),
            provenance(actors) + "; ingen med kendt motivation i budgettekstens sektorer",
            "motivation ikke kendt",
        )
    most = rule.max_points
    share = math.fsum(best[s][0] / most if s in best else 0.0 for s in sectors) / len(sectors)
    lo, hi = rule.scale
    empty = [labels.get(s, s) for s in sectors if s not in best]
    summary = f"{len(best)} af {len(sectors)} sektorer med en motiveret aktør" + (
        f" (ingen i: {', '.join(empty)})" if empty else ""
    )
    return RuleResult(
        _clamp(lo + (hi - lo) * share, lo, hi), tuple(c for _, c in contributions), provenance(actors), summary
    )


def committed_sectors(actors: Iterable[Actor], area_id: str, vocabulary: Vocabulary) -> SectorCount | None:
    """How many budget sectors have a committed actor related to the area ("4 af 7"); None without records."""
    related = [a for a in actors if area_id in a.area_ids]
    if not related:
        return None
    sectors = vocabulary.budget_sectors
    committed = {a.sector for a in related if a.motivation == "committed"}
    return SectorCount(sum(s in committed for s in sectors), len(sectors), tuple(s for s in sectors if s in committed))


# -------------------------------------------------------------------------------------- what would change it


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for d in range(day.day, 27, -1):  # the same day of the month, or the month's last day
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    return date(year, month + 1, min(day.day, 28))


def strongest_initiative(rule: InitiativeTrust, area_id: str, today: date) -> Initiative:
    """A hypothetical initiative of the strongest kind: counted, best evidence and relevance, longest continuity."""
    years = max((y for y, _ in rule.continuity_points), default=0.0)
    evidence = max(rule.evidence_points, key=lambda kp: kp[1])[0]
    relevance = max(rule.relevance_points, key=lambda kp: kp[1])[0]
    return Initiative(
        id="?what-if",
        area_ids=(area_id,),
        name="Ny indsats (hypotetisk)",
        type="andet",
        operator="",
        target_groups=(),
        start=_months_before(today, math.ceil(years * 12)),
        end=None,
        status=rule.counted_statuses[0],
        relevance=relevance,
        trust_evidence=evidence,
        evidence_text="",
        source="",
        verification="illustrative",
    )


def what_if(
    rule: InitiativeTrust | ActorCommitment,
    records: Sequence[Initiative | Actor],
    area_id: str,
    vocabulary: Vocabulary,
    *,
    today: date,
    sector_labels: Mapping[str, str] | None = None,
) -> WhatIf:
    """The area's value with one more record of the strongest kind: for trust an active initiative with the best
    evidence and relevance and the longest continuity; for actors an actor of the best-scored motivation (committed
    by default), with competence, in the first budget sector that has no committed actor."""
    now = evaluate_area(rule, records, area_id, vocabulary, today=today, sector_labels=sector_labels).value
    extra: Initiative | Actor
    if isinstance(rule, InitiativeTrust):
        extra = strongest_initiative(rule, area_id, today)
        years = max((y for y, _ in rule.continuity_points), default=0.0)
        kind = (
            f"én {_statuses(rule.counted_statuses[:1], vocabulary, 'og')} indsats mere med "
            f"{RELEVANCE_TEXT.get(extra.relevance, extra.relevance)}, "
            f"{EVIDENCE_TEXT.get(extra.trust_evidence, extra.trust_evidence)} og mindst {_n(years)} års kontinuitet"
        )
    else:
        mine = [a for a in records if isinstance(a, Actor) and area_id in a.area_ids]
        count_now = committed_sectors(mine, area_id, vocabulary)
        taken = set(count_now.sectors) if count_now else set()
        open_sectors = [s for s in vocabulary.budget_sectors if s not in taken] or list(vocabulary.budget_sectors[:1])
        sector = open_sectors[0]
        extra = Actor(
            id="?what-if",
            sector=sector,
            name="Ny aktør (hypotetisk)",
            lon=None,
            lat=None,
            area_ids=(area_id,),
            relation="",
            motivation=max(rule.motivation_points, key=lambda kp: kp[1])[0],
            motivation_reason="",
            learned_via="",
            nsk_competence=True,
            competence_text="",
            source="",
            verification="illustrative",
        )
        motivation = MOTIVATION_TEXT.get(extra.motivation, extra.motivation)
        kind = f"én {motivation} aktør mere i sektoren {(sector_labels or {}).get(sector, sector)}"
    after = evaluate_area(rule, [*records, extra], area_id, vocabulary, today=today, sector_labels=sector_labels).value
    assert after is not None  # the extra record relates to the area and counts
    if now is not None and after <= now:
        text = f"{kind[:1].upper()}{kind[1:]} ville ikke ændre værdien ({compact(now, 2)})."
    else:
        was = compact(now, 2) if now is not None else NO_RECORDS
        text = f"{kind[:1].upper()}{kind[1:]} ville give {compact(after, 2)} (nu {was})."
    return WhatIf(now, after, text, kind)


# -------------------------------------------------------------------------------------- parsing


@lru_cache(maxsize=4096)
def _n(x: float) -> str:
    """At most two decimals, Danish (cached: the same few points recur for every record)."""
    return compact(x, 2)


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def _level(texts: Mapping[str, str], key: str, vocabulary: Vocabulary | None, name: str) -> str:
    if key in texts:
        return texts[key]
    return vocabulary[name].label(key).lower() if vocabulary is not None else key


def _statuses(statuses: Sequence[str], vocabulary: Vocabulary | None, joiner: str) -> str:
    labels = vocabulary["statuses"] if vocabulary is not None else None
    return f" {joiner} ".join((labels.label(s) if labels else s).lower() for s in statuses)


def _others(statuses: Sequence[str], vocabulary: Vocabulary | None) -> str:
    known = tuple(vocabulary["statuses"].labels) if vocabulary is not None else STATUSES
    rest = [s for s in known if s not in statuses]
    if not rest:
        return "andre"
    plural = {"aktiv": "aktive", "planlagt": "planlagte", "afsluttet": "afsluttede"}
    words = [(vocabulary["statuses"].label(s) if vocabulary is not None else s).lower() for s in rest]
    words = [plural.get(w, w) for w in words]
    return " og ".join(words)


@dataclass
class _Parser:
    """Collects every problem of one rule's parameters (Danish), then raises DataError."""

    method: str
    name: str
    where: str | None
    report: Report = field(default_factory=Report)

    def error(self, message: str) -> None:
        self.report.error(f"Reglen '{self.method}': {message}", self.name, self.where)

    def number(self, value: object, label: str, *, low: float = 0.0, high: float = MAX_POINTS) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.error(f"{label} skal være et tal (fik {str(value)[:40]!r}).")
            return None
        if value < low:
            what = "negativ" if low == 0 else f"under {_n(low)}"
            self.error(f"{label} må ikke være {what} (fik {_n(value)}).")
            return None
        if value > high:
            self.error(f"{label} er for stor (fik {_n(value)}); højst {_n(high)}.")
            return None
        return float(value)

    def table(
        self, raw: object, label: str, default: tuple[tuple[str, float], ...], known: Sequence[str]
    ) -> tuple[tuple[str, float], ...]:
        """A points table {level: points}: given levels replace the defaults; unknown levels are refused."""
        if not isinstance(raw, dict):
            self.error(f"'{label}' skal være et objekt som {{\"{default[-1][0]}\": {_n(default[-1][1])}}}.")
            return default
        merged = dict(default)
        for key, value in raw.items():
            if key not in known:
                near = suggest(str(key), list(known))
                hint = f" Mente du '{near}'?" if near else ""
                self.error(f"'{label}' har det ukendte niveau '{str(key)[:40]}'.{hint} Mulige: {', '.join(known)}.")
                continue
            points = self.number(value, f"'{label}' for '{key}'")
            if points is not None:
                merged[key] = points
        return tuple(merged.items())

    def statuses(self, raw: object, known: Sequence[str]) -> tuple[str, ...]:
        if not isinstance(raw, list) or not raw or not all(isinstance(s, str) for s in raw):
            self.error("'counted_statuses' skal være en ikke-tom liste af status-id'er, fx [\"aktiv\"].")
            return ("aktiv",)
        bad = [s for s in raw if s not in known]
        if bad:
            self.error(f"'counted_statuses' har ukendt status '{bad[0][:40]}'; mulige: {', '.join(known)}.")
            return ("aktiv",)
        return tuple(dict.fromkeys(raw))


def _known(vocabulary: Vocabulary | None, name: str, default: Sequence[str]) -> tuple[str, ...]:
    """The levels a parameter may name: the rule's own ones, plus the vocabulary's when given."""
    return tuple(dict.fromkeys([*default, *(vocabulary[name].labels if vocabulary is not None else ())]))


PARAMS = {
    "initiative_trust": ("top_k", "evidence_points", "relevance_points", "continuity_points", "counted_statuses"),
    "initiative_breadth": ("min_relevance", "counted_statuses"),
    "actor_commitment": ("motivation_points", "competence_bonus"),
}


def parse_rule(
    raw: object, *, vocabulary: Vocabulary | None = None, name: str = "criteria.json", where: str | None = None
) -> Rule:
    """A rule from its JSON object ``{"method": …, "params": {…}}`` (module docstring); DataError (Danish) naming
    every problem otherwise. With ``vocabulary``, levels the administrator added to ``registers.json`` may be given
    points too."""
    if not isinstance(raw, dict):
        raise DataError("'register_rule' skal være et objekt med 'method' og evt. 'params'.", name, where)
    method = raw.get("method")
    if method not in RULES:
        near = suggest(str(method), list(RULES)) if isinstance(method, str) else None
        hint = f" Mente du '{near}'?" if near else ""
        raise DataError(f"Ukendt registerregel {str(method)[:40]!r}.{hint} Kendte: {', '.join(RULES)}.", name, where)
    parser = _Parser(method, name, where)
    extra = sorted(set(raw) - {"method", "params"})
    if extra:
        parser.error(f"ukendt felt '{extra[0][:40]}' (kun 'method' og 'params').")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        parser.error("'params' skal være et objekt.")
        params = {}
    for key in params:
        if key not in PARAMS[method]:
            near = suggest(str(key), list(PARAMS[method]))
            hint = f" Mente du '{near}'?" if near else ""
            parser.error(f"ukendt parameter '{str(key)[:40]}'.{hint} Kendte: {', '.join(PARAMS[method])}.")
    rule: Rule
    statuses = _known(vocabulary, "statuses", STATUSES)
    if method == "initiative_trust":
        rule = _parse_trust(parser, params, vocabulary, statuses)
    elif method == "initiative_breadth":
        rule = InitiativeBreadth()
        relevances = _known(vocabulary, "relevance", RELEVANCE_LEVELS)
        if "min_relevance" in params:
            level = params["min_relevance"]
            if level not in relevances:
                parser.error(f"'min_relevance' skal være en af {', '.join(relevances)} (fik {str(level)[:40]!r}).")
            else:
                rule = replace(rule, min_relevance=level)
        if "counted_statuses" in params:
            rule = replace(rule, counted_statuses=parser.statuses(params["counted_statuses"], statuses))
    else:
        rule = ActorCommitment()
        if "motivation_points" in params:
            levels = _known(vocabulary, "motivation", MOTIVATION_LEVELS)
            table = parser.table(params["motivation_points"], "motivation_points", rule.motivation_points, levels)
            rule = replace(rule, motivation_points=table)
        if "competence_bonus" in params:
            bonus = parser.number(params["competence_bonus"], "'competence_bonus'")
            rule = replace(rule, competence_bonus=bonus if bonus is not None else 0.0)
        if rule.max_points <= 0:
            parser.error("mindst ét motivationsniveau skal give flere end 0 point.")
    parser.report.raise_if_errors()
    return rule


def _parse_trust(
    parser: _Parser, params: dict[str, Any], vocabulary: Vocabulary | None, statuses: tuple[str, ...]
) -> InitiativeTrust:
    rule = InitiativeTrust()
    if "top_k" in params:
        k = params["top_k"]
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_TOP_K:
            parser.error(f"'top_k' skal være et helt tal fra 1 til {MAX_TOP_K} (fik {str(k)[:40]!r}).")
        else:
            rule = replace(rule, top_k=k)
    if "evidence_points" in params:
        known = _known(vocabulary, "trust_evidence", EVIDENCE_LEVELS)
        rule = replace(
            rule,
            evidence_points=parser.table(params["evidence_points"], "evidence_points", rule.evidence_points, known),
        )
    if "relevance_points" in params:
        known = _known(vocabulary, "relevance", RELEVANCE_LEVELS)
        rule = replace(
            rule,
            relevance_points=parser.table(params["relevance_points"], "relevance_points", rule.relevance_points, known),
        )
    if "continuity_points" in params:
        raw = params["continuity_points"]
        steps: list[tuple[float, float]] = []
        if not isinstance(raw, list):
            parser.error('\'continuity_points\' skal være en liste som [{"years": 2, "points": 2}].')
            raw = []
        for pos, step in enumerate(raw, start=1):
            if not isinstance(step, dict) or set(step) != {"years", "points"}:
                parser.error(f"'continuity_points' nr. {pos} skal have præcis felterne 'years' og 'points'.")
                continue
            years = parser.number(step["years"], f"'continuity_points' nr. {pos}: 'years'", high=MAX_YEARS)
            points = parser.number(step["points"], f"'continuity_points' nr. {pos}: 'points'")
            if years is not None and points is not None:
                steps.append((years, points))
        if len({y for y, _ in steps}) < len(steps):
            parser.error("'continuity_points' nævner det samme antal år flere gange.")
        rule = replace(rule, continuity_points=tuple(sorted(steps, reverse=True)))
    if "counted_statuses" in params:
        rule = replace(rule, counted_statuses=parser.statuses(params["counted_statuses"], statuses))
    if rule.max_points <= 0:
        parser.error("mindst ét niveau skal give flere end 0 point.")
    return rule


def rule_to_json(rule: Rule) -> dict[str, Any]:
    """The rule as its ``register_rule`` object, every parameter written out (``parse_rule`` reads it back)."""
    params: dict[str, Any]
    if isinstance(rule, InitiativeTrust):
        params = {
            "top_k": rule.top_k,
            "evidence_points": dict(rule.evidence_points),
            "relevance_points": dict(rule.relevance_points),
            "continuity_points": [{"years": y, "points": p} for y, p in rule.continuity_points],
            "counted_statuses": list(rule.counted_statuses),
        }
    elif isinstance(rule, InitiativeBreadth):
        params = {"min_relevance": rule.min_relevance, "counted_statuses": list(rule.counted_statuses)}
    else:
        params = {"motivation_points": dict(rule.motivation_points), "competence_bonus": rule.competence_bonus}
    return {"method": rule.method, "params": params}
