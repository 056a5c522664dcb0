"""The register rules (selection/registers/rules.py): worked examples, properties and the rule parameters."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selection.errors import DataError
from selection.registers.model import Actor, Initiative
from selection.registers.rules import (
    NO_RECORDS,
    ActorCommitment,
    InitiativeBreadth,
    InitiativeTrust,
    RuleResult,
    committed_sectors,
    evaluate,
    evaluate_area,
    explain,
    months_running,
    parse_rule,
    provenance,
    rule_to_json,
    what_if,
)
from selection.registers.vocabulary import load_vocabulary

PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = date(2025, 6, 1)
AREA = "bispeparken"
VOCABULARY = load_vocabulary()
SECTORS = (*VOCABULARY.budget_sectors, "club")
TRUST, BREADTH, ACTORS = InitiativeTrust(), InitiativeBreadth(), ActorCommitment()


def initiative(
    record_id: str = "i1",
    *,
    name: str = "Bydelsmødre i Bispeparken",
    evidence: str = "attendance",
    relevance: str = "direct",
    start: date | None = date(2022, 3, 1),
    end: date | None = None,
    status: str = "aktiv",
    groups: tuple[str, ...] = ("kvinder", "foraeldre"),
    areas: tuple[str, ...] = (AREA,),
    verification: str = "verified",
) -> Initiative:
    return Initiative(
        id=record_id,
        area_ids=areas,
        name=name,
        type="bydelsmoedre",
        operator="civilsamfund",
        target_groups=groups,
        start=start,
        end=end,
        status=status,
        relevance=relevance,
        trust_evidence=evidence,
        evidence_text="fremmødelister",
        source="årsrapport",
        verification=verification,
    )


def actor(
    record_id: str = "a1",
    *,
    sector: str = "school",
    motivation: str = "committed",
    competence: bool = False,
    areas: tuple[str, ...] = (AREA,),
    verification: str = "unverified",
) -> Actor:
    return Actor(
        id=record_id,
        sector=sector,
        name=f"Aktør {record_id}",
        lon=None,
        lat=None,
        area_ids=areas,
        relation="",
        motivation=motivation,
        motivation_reason="møde",
        learned_via="meeting",
        nsk_competence=competence,
        competence_text="",
        source="referat",
        verification=verification,
    )


def trust(records, area: str = AREA, rule: InitiativeTrust = TRUST) -> RuleResult:
    return evaluate_area(rule, records, area, VOCABULARY, today=TODAY)


def breadth(records, area: str = AREA) -> RuleResult:
    return evaluate_area(BREADTH, records, area, VOCABULARY, today=TODAY)


def commitment(records, area: str = AREA, rule: ActorCommitment = ACTORS) -> RuleResult:
    return evaluate_area(rule, records, area, VOCABULARY, today=TODAY)


# ---------------------------------------------------------------------------------- strategies

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def initiatives_st(draw, record_id: str = "", *, weak: bool = False) -> Initiative:
    start = draw(st.none() | dates)
    end = (
        draw(st.none() | dates)
        if start is None
        else draw(st.none() | st.integers(0, 4000).map(lambda n: start + timedelta(n)))
    )
    return initiative(
        record_id or draw(st.uuids()).hex,
        name=draw(st.sampled_from(["Bydelsmødre", "Lektiecafé", "Klub", "Forældrecafé"])),
        evidence=draw(
            st.sampled_from(["none", "statement"] if weak else ["none", "statement", "attendance", "independent"])
        ),
        relevance=draw(st.sampled_from(["none", "indirect"] if weak else ["none", "indirect", "direct"])),
        start=start,
        end=end,
        status=draw(st.sampled_from(["aktiv", "aktiv", "planlagt", "afsluttet"])),
        groups=tuple(
            draw(st.lists(st.sampled_from(list(VOCABULARY["target_groups"].labels)), max_size=3, unique=True))
        ),
        areas=tuple(draw(st.lists(st.sampled_from([AREA, "mjolnerparken"]), min_size=1, max_size=2, unique=True))),
        verification=draw(st.sampled_from(["verified", "unverified", "illustrative"])),
    )


@st.composite
def actors_st(draw) -> Actor:
    return actor(
        draw(st.uuids()).hex,
        sector=draw(st.sampled_from(SECTORS)),
        motivation=draw(st.sampled_from(["unknown", "not_motivated", "interested", "committed"])),
        competence=draw(st.booleans()),
        areas=tuple(draw(st.lists(st.sampled_from([AREA, "mjolnerparken"]), min_size=1, max_size=2, unique=True))),
    )


initiative_lists = st.lists(initiatives_st(), max_size=12, unique_by=lambda i: i.id)
actor_lists = st.lists(actors_st(), max_size=14, unique_by=lambda a: a.id)
bonuses = st.sampled_from([0.0, 0.25, 1.0])


def stronger(item: Initiative, draw_evidence: str, draw_relevance: str, earlier: date | None) -> Initiative:
    """The same initiative with at least as good evidence and relevance, active, and running at least as long."""
    ev = ["none", "statement", "attendance", "independent"]
    rel = ["none", "indirect", "direct"]
    start = item.start if earlier is None or (item.start is not None and item.start <= earlier) else earlier
    return replace(
        item,
        trust_evidence=max(item.trust_evidence, draw_evidence, key=ev.index),
        relevance=max(item.relevance, draw_relevance, key=rel.index),
        start=start,
        end=None,
        status="aktiv",
    )


# ---------------------------------------------------------------------------------- initiative_trust


def test_the_worked_example_of_the_issue():
    records = [
        initiative("i1", start=date(2022, 3, 1)),  # attendance 2 + 3 years 2 + direct 2 = 6
        initiative("i2", name="Lektiecafé", evidence="statement", relevance="indirect", start=date(2024, 9, 1)),  # 2
        initiative("i3", name="Forældrecafé", status="planlagt", verification="unverified"),
        initiative("i4", name="Klub", status="afsluttet", end=date(2023, 12, 31), verification="unverified"),
        initiative("i5", name="SSP", evidence="independent", start=date(2023, 6, 1), verification="illustrative"),  # 7
    ]
    result = trust(records)
    assert result.value == pytest.approx(1 + 4 * (7 + 6 + 2) / 21)
    texts = [c.text for c in result.contributions]
    assert texts[1] == (
        "Bydelsmødre i Bispeparken: 6 point (belæg: dokumenteret fremmøde 2, kontinuitet 3 år 2, direkte relevans 2)"
    )
    assert texts[0].startswith("SSP: 7 point (belæg: uafhængig evaluering 3, kontinuitet 2 år 2")
    assert "Lektiecafé: 2 point (belæg: operatørens udsagn 1, kontinuitet 9 mdr. 0, indirekte relevans 1)" in texts
    assert "Forældrecafé: tæller ikke: planlagt" in texts
    assert "Klub: tæller ikke: afsluttet 2023-12-31" in texts
    assert [c.counted for c in result.contributions] == [True, True, True, False, False]
    assert result.provenance == "beregnet fra 5 registreringer (2 kildebelagte, 1 illustrativ)"
    assert result.summary == "de 3 stærkeste aktive indsatser: 15 af 21 point"
    assert result.value_text() == "3,9"


def test_provenance_counts_records_and_sourced_ones():
    records = [initiative(f"i{k}", verification="verified" if k < 3 else "unverified") for k in range(5)]
    assert provenance(records) == "beregnet fra 5 registreringer (3 kildebelagte)"
    assert provenance(records[:1]) == "beregnet fra 1 registrering (1 kildebelagt)"
    assert provenance([]) == NO_RECORDS


def test_only_the_best_three_count():
    strong = [initiative(f"s{k}", evidence="independent", start=date(2015, 1, 1)) for k in range(4)]
    result = trust(strong)
    assert result.value == 5.0
    assert [c.counted for c in result.contributions] == [True, True, True, False]
    assert result.contributions[3].text.endswith("; tæller ikke: ikke blandt de 3 stærkeste")


def test_no_records_is_missing_not_zero():
    for result in (trust([]), breadth([]), commitment([])):
        assert result.value is None
        assert result.missing
        assert result.contributions == ()
        assert result.provenance == NO_RECORDS
        assert result.value_text() == "ingen registreringer"
    other = [initiative(areas=("mjolnerparken",))]
    assert trust(other).value is None
    assert breadth(other).value is None
    assert commitment([actor(areas=("mjolnerparken",))]).value is None


def test_only_inactive_initiatives_give_the_bottom_of_the_scale():
    result = trust([initiative(status="planlagt"), initiative("i2", status="afsluttet", end=date(2020, 1, 1))])
    assert result.value == 1.0
    assert result.summary == "ingen aktive indsatser"
    assert breadth([initiative(status="planlagt")]).value == 0.0


def test_an_initiative_serving_several_areas_counts_in_each():
    shared = initiative(areas=(AREA, "mjolnerparken"))
    results = evaluate(TRUST, [AREA, "mjolnerparken", "tingbjerg"], VOCABULARY, today=TODAY, initiatives=[shared])
    assert results[AREA].value == results["mjolnerparken"].value == pytest.approx(1 + 4 * 6 / 21)
    assert results["tingbjerg"].value is None
    assert list(results) == [AREA, "mjolnerparken", "tingbjerg"]


@pytest.mark.parametrize(
    ("start", "end", "months", "points"),
    [
        (date(2023, 6, 1), None, 24, 2),  # two years to the day
        (date(2023, 6, 2), None, 23, 1),  # a day short
        (date(2024, 6, 1), None, 12, 1),
        (date(2024, 6, 2), None, 11, 0),
        (date(2010, 1, 1), date(2011, 1, 1), 12, 1),  # counted until its end (and only if still active)
        (date(2026, 1, 1), None, 0, 0),  # not started yet
        (None, None, None, 0),
    ],
)
def test_continuity_in_whole_months_until_today_or_the_end(start, end, months, points):
    assert months_running(start, end, TODAY) == months
    item = initiative(evidence="none", relevance="none", start=start, end=end)
    assert trust([item]).contributions[0].points == points


def test_continuity_without_a_start_says_so():
    assert "kontinuitet startdato ukendt 0" in trust([initiative(start=None)]).contributions[0].text


def test_today_is_a_parameter():
    item = initiative(evidence="none", relevance="none", start=date(2024, 1, 1))
    early = evaluate_area(TRUST, [item], AREA, VOCABULARY, today=date(2024, 6, 1)).value
    later = evaluate_area(TRUST, [item], AREA, VOCABULARY, today=date(2026, 6, 1)).value
    assert early == 1.0
    assert later == pytest.approx(1 + 4 * 2 / 21)


@PROPS
@given(weak=st.lists(initiatives_st(weak=True), min_size=10, max_size=10, unique_by=lambda i: i.id))
def test_ten_weak_entries_score_below_two_strong_ones(weak):
    weak = [replace(i, status="aktiv", area_ids=(AREA,), end=None) for i in weak]
    strong = [initiative(f"s{k}", evidence="independent", relevance="direct", start=date(2020, 1, 1)) for k in (1, 2)]
    assert trust(weak).value < trust(strong).value


@PROPS
@given(records=initiative_lists, extra=initiatives_st())
def test_adding_a_record_never_lowers_the_value(records, extra):
    for score in (trust, breadth):
        before, after = score(records).value, score([*records, extra]).value
        if before is not None:
            assert after is not None
            assert after >= before


@PROPS
@given(
    records=st.lists(initiatives_st(), min_size=1, max_size=10, unique_by=lambda i: i.id),
    pick=st.integers(min_value=0),
    evidence=st.sampled_from(["none", "statement", "attendance", "independent"]),
    relevance=st.sampled_from(["none", "indirect", "direct"]),
    earlier=st.none() | dates,
)
def test_a_stronger_record_never_lowers_the_value(records, pick, evidence, relevance, earlier):
    k = pick % len(records)
    better = [*records[:k], stronger(records[k], evidence, relevance, earlier), *records[k + 1 :]]
    for score in (trust, breadth):
        before, after = score(records).value, score(better).value
        if before is not None:
            assert after >= before


@PROPS
@given(records=initiative_lists, extra=initiatives_st(), position=st.integers(min_value=0))
def test_removing_a_record_restores_the_previous_result_exactly(records, extra, position):
    k = position % (len(records) + 1)
    added = [*records[:k], extra, *records[k:]]
    for score in (trust, breadth):
        before = score(records)
        score(added)
        assert score([r for r in added if r.id != extra.id]) == before


@PROPS
@given(records=initiative_lists, data=st.data())
def test_the_order_of_the_records_does_not_matter(records, data):
    shuffled = data.draw(st.permutations(records))
    assert trust(shuffled) == trust(records)
    assert breadth(shuffled) == breadth(records)
    area_ids = [AREA, "mjolnerparken"]
    assert evaluate(TRUST, area_ids, VOCABULARY, today=TODAY, initiatives=shuffled) == evaluate(
        TRUST, area_ids, VOCABULARY, today=TODAY, initiatives=records
    )


@PROPS
@given(records=initiative_lists)
def test_values_lie_within_the_scales_and_every_record_is_explained(records):
    mine = [r for r in records if AREA in r.area_ids]
    for score, (lo, hi) in ((trust, (1.0, 5.0)), (breadth, (0.0, 100.0))):
        result = score(records)
        assert (result.value is None) == (not mine)
        if result.value is not None:
            assert lo <= result.value <= hi
            assert math.isfinite(result.value)
        assert sorted(c.record_id for c in result.contributions) == sorted(r.id for r in mine)
        assert all(c.text.startswith(f"{c.name}: ") for c in result.contributions)


# ---------------------------------------------------------------------------------- initiative_breadth


def test_breadth_counts_target_groups_reached_with_some_relevance():
    records = [
        initiative("i1", groups=("kvinder", "foraeldre")),
        initiative("i2", name="Klub", relevance="indirect", groups=("unge", "kvinder")),
        initiative("i3", name="Fodbold", relevance="none", groups=("boern",)),
        initiative("i4", name="Lektiecafé", status="planlagt", groups=("voksne",)),
    ]
    result = breadth(records)
    assert result.value == pytest.approx(100 * 3 / 6)
    assert result.summary == "3 af 6 målgrupper nået (mangler: børn, voksne, fagpersoner)"
    texts = [c.text for c in result.contributions]
    assert "Klub: når unge, kvinder" in texts
    assert "Fodbold: tæller ikke: ingen relevans for negativ social kontrol" in texts
    assert "Lektiecafé: tæller ikke: planlagt" in texts
    direct_only = replace(BREADTH, min_relevance="direct")
    assert evaluate_area(direct_only, records, AREA, VOCABULARY, today=TODAY).value == pytest.approx(100 * 2 / 6)


# ---------------------------------------------------------------------------------- actor_commitment


def test_each_budget_sector_counts_its_most_motivated_actor():
    records = [
        actor("a1", sector="school"),
        actor("a2", sector="school", motivation="interested"),
        actor("a3", sector="daycare", motivation="interested"),
        actor("a4", sector="club"),  # not one of the budget text's seven
        actor("a5", sector="employment", motivation="unknown"),
        actor("a6", sector="civil_society", verification="verified"),
        actor("a7", sector="housing_org", motivation="not_motivated"),
    ]
    result = commitment(records)
    assert result.value == pytest.approx(1 + 4 * (1 + 1 + 0.5) / 7)
    texts = {c.record_id: c.text for c in result.contributions}
    assert texts["a1"] == "Aktør a1 (school): forpligtet 1; sektorens mest motiverede"
    assert texts["a2"].endswith("tæller ikke: sektoren har en mere motiveret aktør")
    assert texts["a4"] == "Aktør a4 (club): tæller ikke: sektoren er ikke blandt budgettekstens 7"
    assert texts["a5"] == "Aktør a5 (employment): tæller ikke: motivation ikke kendt"
    assert texts["a7"] == "Aktør a7 (housing_org): tæller ikke: ikke motiveret"
    assert result.provenance == "beregnet fra 7 registreringer (1 kildebelagt)"
    labelled = evaluate_area(ACTORS, records, AREA, VOCABULARY, today=TODAY, sector_labels={"school": "Skole"})
    assert {c.record_id: c.text for c in labelled.contributions}["a1"].startswith("Aktør a1 (Skole): forpligtet 1")
    counted = committed_sectors(records, AREA, VOCABULARY)
    assert counted is not None
    assert (counted.count, counted.total, counted.sectors) == (2, 7, ("civil_society", "school"))
    assert counted.text == "sektorer med en forpligtet aktør: 2 af 7"


def test_ten_actors_in_one_sector_count_as_one():
    many = [actor(f"a{k}", sector="school") for k in range(10)]
    assert commitment(many).value == pytest.approx(1 + 4 / 7)
    spread = [actor(f"a{k}", sector=s) for k, s in enumerate(VOCABULARY.budget_sectors)]
    assert commitment(spread).value == 5.0
    assert committed_sectors(spread, AREA, VOCABULARY).text == "sektorer med en forpligtet aktør: 7 af 7"
    assert committed_sectors([], AREA, VOCABULARY) is None


def test_unknown_motivation_only_is_missing_data():
    result = commitment([actor(motivation="unknown"), actor("a2", sector="club", motivation="committed")])
    assert result.value is None
    assert result.provenance.endswith("ingen med kendt motivation i budgettekstens sektorer")
    assert len(result.contributions) == 2
    assert commitment([actor(motivation="not_motivated")]).value == 1.0


def test_the_competence_bonus_goes_to_motivated_actors_only():
    rule = replace(ACTORS, competence_bonus=0.5)  # M = 1.5
    assert commitment([actor(competence=True)], rule=rule).value == pytest.approx(1 + 4 * (1.5 / 1.5) / 7)
    assert commitment([actor(competence=False)], rule=rule).value == pytest.approx(1 + 4 * (1 / 1.5) / 7)
    assert commitment([actor(motivation="not_motivated", competence=True)], rule=rule).value == 1.0
    interested = commitment([actor(motivation="interested", competence=True)], rule=rule)
    assert "inkl. kompetence i negativ social kontrol" in interested.contributions[0].text


@PROPS
@given(records=actor_lists, extra=actors_st(), bonus=bonuses)
def test_actors_adding_never_lowers_and_removing_restores(records, extra, bonus):
    rule = replace(ACTORS, competence_bonus=bonus)
    before = commitment(records, rule=rule)
    after = commitment([*records, extra], rule=rule)
    if before.value is not None:
        assert after.value is not None
        assert after.value >= before.value
    assert commitment([r for r in [*records, extra] if r.id != extra.id], rule=rule) == before


@PROPS
@given(records=actor_lists, data=st.data(), bonus=bonuses)
def test_actors_order_does_not_matter_and_values_lie_within_the_scale(records, data, bonus):
    rule = replace(ACTORS, competence_bonus=bonus)
    result = commitment(records, rule=rule)
    assert commitment(data.draw(st.permutations(records)), rule=rule) == result
    if result.value is not None:
        assert 1.0 <= result.value <= 5.0
    mine = [r for r in records if AREA in r.area_ids]
    assert sorted(c.record_id for c in result.contributions) == sorted(r.id for r in mine)


# ---------------------------------------------------------------------------------- what would change it


def test_what_if_one_more_strong_initiative():
    records = [initiative("i1"), initiative("i2", evidence="statement", relevance="indirect", start=date(2025, 1, 1))]
    change = what_if(TRUST, records, AREA, VOCABULARY, today=TODAY)
    assert change.now == pytest.approx(1 + 4 * (6 + 2) / 21)
    assert change.after == pytest.approx(1 + 4 * (7 + 6 + 2) / 21)
    assert change.text == (
        "Én aktiv indsats mere med direkte relevans, uafhængig evaluering og mindst 2 års kontinuitet "
        "ville give 3,86 (nu 2,52)."
    )
    none = what_if(TRUST, [], AREA, VOCABULARY, today=TODAY)
    assert (none.now, none.after) == (None, pytest.approx(1 + 4 * 7 / 21))
    assert none.text.endswith("(nu ingen registreringer).")
    full = [initiative(f"s{k}", evidence="independent", start=date(2015, 1, 1)) for k in range(3)]
    assert what_if(TRUST, full, AREA, VOCABULARY, today=TODAY).text.endswith("ville ikke ændre værdien (5).")


def test_what_if_one_more_committed_actor():
    records = [actor("a1", sector="civil_society"), actor("a2", sector="school")]
    change = what_if(ACTORS, records, AREA, VOCABULARY, today=TODAY, sector_labels={"housing_org": "Boligorganisation"})
    assert change.after == pytest.approx(1 + 4 * 3 / 7)
    assert change.text.startswith("Én forpligtet aktør mere i sektoren Boligorganisation ville give")


@PROPS
@given(records=initiative_lists)
def test_what_if_never_lowers(records):
    change = what_if(TRUST, records, AREA, VOCABULARY, today=TODAY)
    assert change.now is None or change.after >= change.now
    assert change.after <= 5.0


# ---------------------------------------------------------------------------------- explanations and parameters


@pytest.mark.parametrize("rule", [TRUST, BREADTH, ACTORS])
def test_each_rule_explains_itself_in_two_danish_sentences(rule):
    assert explain(rule, VOCABULARY) == rule.EXPLANATION
    assert explain(rule) == rule.EXPLANATION
    sentences = [s for s in rule.EXPLANATION.split(". ") if s]
    assert len(sentences) == 2
    assert rule.EXPLANATION.endswith(".")


def test_the_explanation_follows_the_parameters():
    rule = parse_rule(
        {
            "method": "initiative_trust",
            "params": {"top_k": 2, "continuity_points": [{"years": 4, "points": 3}], "counted_statuses": ["aktiv"]},
        }
    )
    text = explain(rule, VOCABULARY)
    assert "mindst 4 år 3" in text
    assert "de 2 stærkeste" in text
    assert "(2 × 8 = 16)" in text
    bonus = explain(replace(ACTORS, competence_bonus=0.25), VOCABULARY)
    assert "plus 0,25 for en motiveret aktør med kompetence" in bonus


trust_params = st.fixed_dictionaries(
    {},
    optional={
        "top_k": st.integers(min_value=1, max_value=100),
        "evidence_points": st.dictionaries(
            st.sampled_from(["none", "statement", "attendance", "independent"]), st.integers(1, 10)
        ),
        "relevance_points": st.dictionaries(st.sampled_from(["none", "indirect", "direct"]), st.floats(0, 10)),
        "continuity_points": st.lists(
            st.fixed_dictionaries({"years": st.floats(0, 100), "points": st.floats(0, 10)}),
            max_size=3,
            unique_by=lambda s: s["years"],
        ),
        "counted_statuses": st.lists(st.sampled_from(["aktiv", "planlagt", "afsluttet"]), min_size=1, unique=True),
    },
)
raw_rules = st.one_of(
    st.fixed_dictionaries({"method": st.just("initiative_trust"), "params": trust_params}),
    st.fixed_dictionaries(
        {"method": st.just("initiative_breadth")},
        optional={"params": st.fixed_dictionaries({}, optional={"min_relevance": st.sampled_from(["none", "direct"])})},
    ),
    st.fixed_dictionaries(
        {"method": st.just("actor_commitment")},
        optional={
            "params": st.fixed_dictionaries(
                {},
                optional={
                    "motivation_points": st.dictionaries(st.sampled_from(["interested", "committed"]), st.floats(1, 5)),
                    "competence_bonus": st.floats(0, 2),
                },
            )
        },
    ),
)


@PROPS
@given(raw=raw_rules)
def test_parse_rule_round_trip(raw):
    rule = parse_rule(raw, vocabulary=VOCABULARY)
    written = json.loads(json.dumps(rule_to_json(rule)))
    assert parse_rule(written) == rule
    assert rule_to_json(parse_rule(written)) == written


def test_defaults_and_partial_tables():
    assert parse_rule({"method": "initiative_trust"}) == TRUST
    assert parse_rule({"method": "initiative_trust", "params": {}}) == TRUST
    assert parse_rule({"method": "initiative_breadth"}) == BREADTH
    assert parse_rule({"method": "actor_commitment"}) == ACTORS
    rule = parse_rule({"method": "initiative_trust", "params": {"evidence_points": {"independent": 5}}})
    assert isinstance(rule, InitiativeTrust)
    assert dict(rule.evidence_points) == {"none": 0, "statement": 1, "attendance": 2, "independent": 5}
    assert rule.max_points == 9


def refused(raw: object, *, vocabulary=None) -> str:
    with pytest.raises(DataError) as caught:
        parse_rule(raw, vocabulary=vocabulary, where="indikator 'trust_initiatives'")
    message = str(caught.value)
    assert "Traceback" not in message
    assert "Error" not in message
    assert message.startswith("criteria.json · indikator 'trust_initiatives': ")
    return message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("initiative_trust", "'register_rule' skal være et objekt"),
        ({"method": "initiativ_trust"}, "Ukendt registerregel 'initiativ_trust'. Mente du 'initiative_trust'?"),
        ({"method": None}, "Ukendt registerregel"),
        ({"method": "initiative_trust", "params": {"top_kk": 3}}, "ukendt parameter 'top_kk'. Mente du 'top_k'?"),
        ({"method": "initiative_trust", "parms": {}}, "ukendt felt 'parms'"),
        ({"method": "initiative_trust", "params": []}, "'params' skal være et objekt."),
        ({"method": "initiative_trust", "params": {"top_k": 0}}, "'top_k' skal være et helt tal fra 1 til 100"),
        ({"method": "initiative_trust", "params": {"top_k": 2.5}}, "'top_k' skal være et helt tal"),
        ({"method": "initiative_trust", "params": {"top_k": True}}, "'top_k' skal være et helt tal"),
        ({"method": "initiative_trust", "params": {"top_k": 101}}, "'top_k' skal være et helt tal fra 1 til 100"),
        (
            {"method": "initiative_trust", "params": {"evidence_points": {"independent": -1}}},
            "'evidence_points' for 'independent' må ikke være negativ (fik -1).",
        ),
        (
            {"method": "initiative_trust", "params": {"evidence_points": {"independent": float("nan")}}},
            "'evidence_points' for 'independent' skal være et tal",
        ),
        (
            {"method": "initiative_trust", "params": {"evidence_points": {"independent": "3"}}},
            "skal være et tal",
        ),
        (
            {"method": "initiative_trust", "params": {"evidence_points": {"independant": 3}}},
            "ukendte niveau 'independant'. Mente du 'independent'?",
        ),
        ({"method": "initiative_trust", "params": {"relevance_points": [2]}}, "'relevance_points' skal være et objekt"),
        (
            {"method": "initiative_trust", "params": {"relevance_points": {"direct": 1e9}}},
            "er for stor (fik 1.000.000.000); højst 1.000",
        ),
        (
            {"method": "initiative_trust", "params": {"continuity_points": [{"years": -1, "points": 2}]}},
            "'continuity_points' nr. 1: 'years' må ikke være negativ",
        ),
        (
            {"method": "initiative_trust", "params": {"continuity_points": [{"years": 1}]}},
            "'continuity_points' nr. 1 skal have præcis felterne 'years' og 'points'.",
        ),
        (
            {
                "method": "initiative_trust",
                "params": {"continuity_points": [{"years": 1, "points": 1}, {"years": 1, "points": 2}]},
            },
            "nævner det samme antal år flere gange",
        ),
        (
            {"method": "initiative_trust", "params": {"counted_statuses": ["aktive"]}},
            "'counted_statuses' har ukendt status 'aktive'",
        ),
        (
            {"method": "initiative_trust", "params": {"counted_statuses": []}},
            "'counted_statuses' skal være en ikke-tom",
        ),
        (
            {
                "method": "initiative_trust",
                "params": {
                    "evidence_points": dict.fromkeys(("none", "statement", "attendance", "independent"), 0),
                    "relevance_points": {"indirect": 0, "direct": 0},
                    "continuity_points": [],
                },
            },
            "mindst ét niveau skal give flere end 0 point",
        ),
        ({"method": "initiative_breadth", "params": {"min_relevance": "high"}}, "'min_relevance' skal være en af"),
        ({"method": "actor_commitment", "params": {"competence_bonus": -0.5}}, "må ikke være negativ (fik -0,5)"),
        (
            {"method": "actor_commitment", "params": {"motivation_points": {"committed": 0, "interested": 0}}},
            "mindst ét motivationsniveau skal give flere end 0 point",
        ),
        (
            {"method": "actor_commitment", "params": {"motivation_points": {"comitted": 1}}},
            "Mente du 'committed'?",
        ),
    ],
)
def test_bad_parameters_are_refused_in_danish(raw, expected):
    assert expected in refused(raw)


def test_every_problem_is_named_at_once():
    message = refused({"method": "initiative_trust", "params": {"top_k": 0, "evidence_points": {"none": -1}, "x": 1}})
    assert "'top_k'" in message
    assert "'evidence_points' for 'none'" in message
    assert "ukendt parameter 'x'" in message


def test_a_level_added_to_the_vocabulary_may_get_points():
    extended = replace(
        VOCABULARY,
        lists={
            **VOCABULARY.lists,
            "trust_evidence": replace(
                VOCABULARY["trust_evidence"],
                labels={**VOCABULARY["trust_evidence"].labels, "survey": "Beboerundersøgelse"},
            ),
        },
    )
    raw = {"method": "initiative_trust", "params": {"evidence_points": {"survey": 3}}}
    assert "ukendte niveau 'survey'" in refused(raw)
    rule = parse_rule(raw, vocabulary=extended)
    assert isinstance(rule, InitiativeTrust)
    assert dict(rule.evidence_points)["survey"] == 3
    assert "beboerundersøgelse 3" in explain(rule, extended)
