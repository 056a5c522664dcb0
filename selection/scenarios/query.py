"""Links: what is on screen as readable query parameters, and back.

``?scenarie=<id or key>`` names a saved scenario (a number) or a starting point from the data (a key).
Unsaved settings are spelled out::

    ?vaegte=trust:1,actors:1,need:2&delvaegte=need_assessed:3&afstand=750
     &regel=listestatus:verified+inferred&regel=minscore:need:40&regel=aktoer:language_school:500

Sub-weights and the distance appear only where they differ from the data package. ``parse_query``
never raises: a link it cannot use fully gives a short Danish notice and the defaults (nothing from
the link is ever shown as markup; callers show the notice through the one escaping path).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from selection.data.criteria import CriteriaModel
from selection.data.dataset import LIST_CONFIDENCES
from selection.scenarios.rules import (
    ACTOR_SECTOR,
    LIST_STATUS,
    MAX_VALUE,
    MIN_SCORE,
    MIN_VALUE,
    Rule,
    RuleError,
    parse_rule,
)
from selection.scenarios.settings import ScenarioError, ScenarioSettings, parse_settings

SCENARIO = "scenarie"
WEIGHTS = "vaegte"
SUB_WEIGHTS = "delvaegte"
DISTANCE = "afstand"
RULE = "regel"
KNOWN = (SCENARIO, WEIGHTS, SUB_WEIGHTS, DISTANCE, RULE)
MAX_PARAMS = 40  # values in one link (the rules are capped at 20 anyway)
MAX_VALUE_CHARS = 2000
RULE_WORDS = {
    LIST_STATUS: "listestatus",
    MIN_SCORE: "minscore",
    MIN_VALUE: "minvaerdi",
    MAX_VALUE: "maxvaerdi",
    ACTOR_SECTOR: "aktoer",
}
WORD_RULES = {w: k for k, w in RULE_WORDS.items()}
NUMBER = re.compile(r"[0-9]{1,16}(\.[0-9]{1,20})?(e[+-]?[0-9]{1,3})?")
SIGNED = re.compile(r"-?" + NUMBER.pattern)  # an indicator's scale, and so a threshold on it, may be negative
SCENARIO_REF = re.compile(r"[0-9]{1,9}|[a-z][a-z0-9-]{0,59}")
BAD_LINK = "Linket kunne ikke bruges"


@dataclass(frozen=True)
class LinkRequest:
    """What a link asks for: a scenario reference, settings, or nothing (no parameters); plus a notice."""

    scenario: str | None = None
    settings: ScenarioSettings | None = None
    notice: str | None = None


def number_text(value: float) -> str:
    """A number as a link shows it: whole numbers without decimals, others exactly (repr)."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _number(text: str, what: str, *, signed: bool = False) -> float:
    if not (SIGNED if signed else NUMBER).fullmatch(text):
        sign = "" if signed else " ≥ 0"
        raise ScenarioError(f"{what} skal være et tal{sign} skrevet med punktum (fik {text[:30]!r}).")
    return float(text)


def _pairs(text: str, what: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in text.split(","):
        key, sep, raw = part.partition(":")
        if not sep or not key:
            raise ScenarioError(f"{what} skal skrives som id:tal adskilt af komma.")
        if key in out:
            raise ScenarioError(f"{what}: '{key[:40]}' står to gange.")
        out[key] = _number(raw, f"{what} for '{key[:40]}'")
    return out


def rule_text(rule: Rule) -> str:
    """One rule as a link parameter value."""
    word = RULE_WORDS[rule.kind]
    if rule.kind == LIST_STATUS:
        return f"{word}:{'+'.join(rule.allowed)}"
    return f"{word}:{rule.target}:{number_text(rule.value)}"


def parse_rule_text(text: str, model: CriteriaModel) -> Rule:
    """The inverse of ``rule_text`` (checked against the model)."""
    word, _, rest = text.partition(":")
    kind = WORD_RULES.get(word)
    if kind is None:
        raise ScenarioError(f"Ukendt regel i linket; kendte: {', '.join(WORD_RULES)}.")
    if kind == LIST_STATUS:
        allowed = re.split(r"[+ ]", rest)  # a '+' typed or copied into an address arrives as a space
        if any(a not in LIST_CONFIDENCES for a in allowed):
            raise ScenarioError(f"Listestatus i linket skal være {' / '.join(LIST_CONFIDENCES)}.")
        raw: dict[str, object] = {"kind": kind, "allowed": allowed}
    else:
        target, sep, value = rest.partition(":")
        if not sep:
            raise ScenarioError("En regel i linket skal skrives som type:id:tal.")
        field = {MIN_SCORE: "criterion", ACTOR_SECTOR: "sector"}.get(kind, "indicator")
        limit = {MIN_SCORE: "min", MIN_VALUE: "min", MAX_VALUE: "max", ACTOR_SECTOR: "distance_m"}[kind]
        signed = kind in (MIN_VALUE, MAX_VALUE)
        raw = {"kind": kind, field: target, limit: _number(value, "Reglens tal", signed=signed)}
    try:
        return parse_rule(raw, model)
    except RuleError as exc:
        raise ScenarioError(str(exc)) from None


def settings_query(settings: ScenarioSettings, model: CriteriaModel) -> dict[str, list[str]]:
    """Link parameters for unsaved settings (sub-weights and distance only where not the package's)."""
    query = {WEIGHTS: [",".join(f"{cid}:{number_text(settings.weights[cid])}" for cid in model.criterion_ids)]}
    defaults = model.default_sub_weights
    subs = [f"{iid}:{number_text(v)}" for iid, v in settings.sub_weights.items() if float(v) != float(defaults[iid])]
    if subs:
        query[SUB_WEIGHTS] = [",".join(subs)]
    if float(settings.distance_m) != float(model.actor_distance_m):
        query[DISTANCE] = [number_text(settings.distance_m)]
    if settings.rules:
        query[RULE] = [rule_text(r) for r in settings.rules]
    return query


def scenario_query(reference: str) -> dict[str, list[str]]:
    return {SCENARIO: [str(reference)]}


def query_string(query: Mapping[str, Sequence[str]]) -> str:
    """The parameters as written into a shared link ('Kopiér link'): readable, ':', ',' and '+' left as they are."""
    return urlencode({k: list(v) for k, v in query.items()}, doseq=True, safe=":,+")


def query_text(query: Mapping[str, Sequence[str]]) -> str:
    """A canonical text of link parameters (equal links, equal text), to notice when the URL changed."""
    return "&".join(f"{k}={v}" for k in sorted(query) for v in query[k])


def parse_query(query: Mapping[str, Sequence[str]], model: CriteriaModel) -> LinkRequest:
    """What the link asks for; on any problem the defaults (empty request) and a short Danish notice."""
    if not query:
        return LinkRequest()
    n_values = sum(len(v) for v in query.values())
    if len(query) > MAX_PARAMS or n_values > MAX_PARAMS:
        return LinkRequest(notice=f"{BAD_LINK}: det har for mange parametre. Standardindstillingerne vises.")
    if any(len(str(v)) > MAX_VALUE_CHARS for values in query.values() for v in values):
        return LinkRequest(notice=f"{BAD_LINK}: en parameter er for lang. Standardindstillingerne vises.")
    unknown = [k for k in query if k not in KNOWN]
    if unknown:
        return LinkRequest(notice=f"{BAD_LINK}: det har ukendte parametre. Standardindstillingerne vises.")
    try:
        if any(len(query.get(k, ())) > 1 for k in (SCENARIO, WEIGHTS, SUB_WEIGHTS, DISTANCE)):
            raise ScenarioError("En parameter står flere gange.")
        if SCENARIO in query:
            if len(query) > 1:
                raise ScenarioError("'scenarie' kan ikke kombineres med andre parametre.")
            reference = query[SCENARIO][0]
            if not SCENARIO_REF.fullmatch(reference):
                raise ScenarioError("Scenariet skal angives med sit nummer eller sin nøgle.")
            return LinkRequest(scenario=reference)
        raw: dict[str, object] = {}
        if WEIGHTS in query:
            raw["weights"] = _pairs(query[WEIGHTS][0], "Vægtene")
        if SUB_WEIGHTS in query:
            raw["sub_weights"] = _pairs(query[SUB_WEIGHTS][0], "Delvægtene")
        if DISTANCE in query:
            raw["distance_m"] = _number(query[DISTANCE][0], "Afstanden")
        rules = [parse_rule_text(t, model).to_dict() for t in query.get(RULE, ())]
        raw["rules"] = rules
        return LinkRequest(settings=parse_settings(raw, model))
    except ScenarioError as exc:
        return LinkRequest(notice=f"{BAD_LINK}: {exc} Standardindstillingerne vises.")
