"""Scenario settings, exclusion rules (each kind, combined, all excluded, ties at the threshold), links."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.analysis.robustness.report import analyse
from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import STATUS_EXCLUDED
from selection.scenarios import (
    Rule,
    ScenarioError,
    all_excluded,
    default_settings,
    describe,
    evaluate_settings,
    excluded_reasons,
    parse_rule,
    parse_settings,
)
from selection.scenarios.defaults import load_defaults, parse_defaults
from selection.scenarios.query import parse_query, query_string, query_text, rule_text, settings_query
from selection.scenarios.rules import ACTOR_SECTOR, LIST_STATUS, MAX_VALUE, MIN_SCORE, MIN_VALUE
from tests.support.factory import area_features, make_package


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    areas = area_features()
    for feature, conf in zip(areas["features"], ("verified", "inferred", "estimate"), strict=True):
        feature["properties"]["list_confidence"] = conf
    return load_dataset(make_package(tmp_path_factory.mktemp("scen") / "p", areas=areas))


def ranked(dataset, raw):
    _, result = evaluate_settings(dataset, parse_settings(raw, dataset.model))
    return result


def test_without_rules_the_ranking_is_the_plain_one(dataset):
    _, plain = evaluate(dataset)
    result = ranked(dataset, {})
    assert result.table.equals(plain.table)
    assert excluded_reasons(result) == {}


def test_list_status_rule_excludes_the_other_statuses_and_ranks_the_rest_again(dataset):
    result = ranked(dataset, {"rules": [{"kind": LIST_STATUS, "allowed": ["verified", "inferred"]}]})
    assert excluded_reasons(result) == {"c": "listestatus er Kandidat (ikke verificeret)"}
    assert list(result.ranked["area_id"]) in (["a", "b"], ["b", "a"])
    assert sorted(int(r) for r in result.ranked["rank"]) == [1, 2]
    last = result.table.iloc[-1]
    assert last["area_id"] == "c"
    assert last["status"] == STATUS_EXCLUDED
    assert last["rank"] is pd.NA
    assert last["total"] == last["total"]  # the score is kept (not NaN), only the rank goes


def test_min_score_rule_and_a_tie_at_the_threshold_passes(dataset):
    _, plain = evaluate(dataset)
    trust = plain.criterion_scores["trust"]
    threshold = float(trust["b"])  # b sits exactly on it
    result = ranked(dataset, {"rules": [{"kind": MIN_SCORE, "criterion": "trust", "min": threshold}]})
    reasons = excluded_reasons(result)
    assert "b" not in reasons
    assert "a" not in reasons
    assert set(reasons) == {"c"}
    assert "score for Tillid er" in reasons["c"]


def test_indicator_minimum_and_maximum_with_equal_values_passing(dataset):
    assert set(excluded_reasons(ranked(dataset, {"rules": [{"kind": MIN_VALUE, "indicator": "n1", "min": 4}]}))) == {
        "a"
    }
    reasons = excluded_reasons(ranked(dataset, {"rules": [{"kind": MAX_VALUE, "indicator": "n2", "max": 40}]}))
    assert reasons == {"c": "N2 er 90 % (over 40 %)"}


def test_a_missing_value_fails_an_indicator_rule(tmp_path):
    values = [
        ("a", "t1", "5", "sourced", "x", ""),
        ("a", "n1", "2", "sourced", "x", ""),
        ("b", "t1", "3", "sourced", "x", ""),
        ("b", "n1", "4", "sourced", "x", ""),
        ("b", "n2", "20", "sourced", "x", ""),
    ]
    ds = load_dataset(make_package(tmp_path / "p", values=values))
    reasons = excluded_reasons(ranked(ds, {"rules": [{"kind": MAX_VALUE, "indicator": "n2", "max": 100}]}))
    assert set(reasons) == {"a", "c"}
    assert reasons["a"] == "N2 mangler en værdi"


def test_actor_sector_within_distance(dataset):
    # the club actor lies ~300 m east of Alfa: inside 500 m, outside 100 m; Bravo and Charlie have none.
    near = excluded_reasons(ranked(dataset, {"rules": [{"kind": ACTOR_SECTOR, "sector": "club", "distance_m": 500}]}))
    assert set(near) == {"b", "c"}
    assert near["b"] == "ingen aktør fra Klub inden for 500 m"
    far = excluded_reasons(ranked(dataset, {"rules": [{"kind": ACTOR_SECTOR, "sector": "club", "distance_m": 100}]}))
    assert set(far) == {"a", "b", "c"}


def test_combined_rules_join_every_reason(dataset):
    result = ranked(
        dataset,
        {"rules": [{"kind": LIST_STATUS, "allowed": ["verified"]}, {"kind": MIN_VALUE, "indicator": "t1", "min": 2}]},
    )
    reasons = excluded_reasons(result)
    assert set(reasons) == {"b", "c"}
    assert reasons["c"] == "listestatus er Kandidat (ikke verificeret); T1 er 1 point (under 2 point)"
    assert list(result.ranked["area_id"]) == ["a"]


def test_all_excluded_is_recognised_and_nothing_is_ranked(dataset):
    result = ranked(dataset, {"rules": [{"kind": MIN_SCORE, "criterion": "need", "min": 100}]})
    assert all_excluded(result)
    assert result.ranked.empty
    assert len(result.table) == 3


def test_robustness_runs_over_the_eligible_areas_only(dataset):
    result = ranked(dataset, {"rules": [{"kind": LIST_STATUS, "allowed": ["verified", "inferred"]}]})
    report = analyse(result, dataset.model, n_samples=200)
    assert set(report.smaa.acceptability.index) == {"a", "b"}
    assert set(report.stability["area_id"]) == {"a", "b"}


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"weights": {"trust": -1}}, "mellem 0"),
        ({"weights": {"trust": 1e12}}, "mellem 0"),
        ({"weights": {"nope": 1}}, "ukendt id"),
        ({"weights": {"trust": 0, "actors": 0, "need": 0}}, "Alle vægte er 0"),
        ({"distance_m": "500"}, "skal være et tal"),
        ({"rules": [{"kind": "min_score", "criterion": "need", "min": 120}]}, "mellem 0 og 100"),
        ({"rules": [{"kind": "list_status", "allowed": []}]}, "ikke-tom liste"),
        ({"rules": [{"kind": "actor_sector", "sector": "zoo", "distance_m": 5}]}, "Ukendt aktørsektor"),
        ({"rules": [{"kind": "boom"}]}, "Ukendt regeltype"),
        ({"rules": [{"kind": "min_value", "indicator": "n1"}]}, "mangler: min"),
        ({"extra": 1}, "Ukendte felter"),
        ({"robustness": {"samples": 5}}, "Antal vægtninger"),
        # a weighted criterion whose sub-weights are all 0 cannot be scored (the page would show an error)
        ({"sub_weights": {"n1": 0, "n2": 0}}, "Alle delvægte for 'Behov' er 0"),
        ({"weights": {"trust": 1, "need": 1}, "sub_weights": {"n1": 0, "n2": 0}}, "Alle delvægte for 'Behov'"),
    ],
)
def test_bad_settings_are_refused_in_danish(dataset, raw, words):
    with pytest.raises(ScenarioError, match=words):
        parse_settings(raw, dataset.model)


def test_every_rule_reads_in_danish(dataset):
    model = dataset.model
    texts = [
        describe(parse_settings({"rules": [r]}, model).rules[0], model)
        for r in (
            {"kind": LIST_STATUS, "allowed": ["verified", "inferred"]},
            {"kind": MIN_SCORE, "criterion": "need", "min": 40},
            {"kind": MIN_VALUE, "indicator": "n1", "min": 2.5},
            {"kind": MAX_VALUE, "indicator": "n2", "max": 50},
            {"kind": ACTOR_SECTOR, "sector": "school", "distance_m": 500},
        )
    ]
    assert texts == [
        "Kun områder med listestatus Verificeret eller Udledt (ikke set i kilde)",
        "Score for Behov mindst 40 (0–100)",
        "N1 mindst 2,5 point",
        "N2 højst 50 %",
        "Mindst én aktør fra Skole inden for 500 m",
    ]


def test_bundled_starting_points_load_and_bad_entries_are_reported(dataset):
    bundled = load_dataset(BUNDLED_DATA_DIR)
    found, problems = load_defaults(BUNDLED_DATA_DIR, bundled.model)
    assert problems == []
    assert len(found) >= 3
    assert len({d.key for d in found}) == len(found)
    raw = {
        "scenarios": [
            {"key": "ok", "name": "Fint", "rationale": "Fordi", "settings": {"weights": {"need": 2}}},
            {"key": "1bad", "name": "X", "rationale": "Y"},
            {"key": "ok", "name": "Igen", "rationale": "Y"},
            {"key": "nowhy", "name": "Z", "rationale": " "},
            {"key": "unknown", "name": "U", "rationale": "R", "settings": {"weights": {"zz": 1}}},
        ]
    }
    found, problems = parse_defaults(raw, dataset.model)
    assert [d.key for d in found] == ["ok"]
    assert found[0].settings.weights["need"] == 2
    assert len(problems) == 4
    assert all("scenarios.json, scenarie" in p for p in problems)


# --- links --------------------------------------------------------------------------------------------

weight = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def settings_strategy(draw, model):
    weights = {c: draw(weight) for c in model.criterion_ids}
    if sum(weights.values()) <= 0:
        weights[model.criterion_ids[0]] = 1.0
    subs = {i.id: draw(st.one_of(st.just(float(i.default_weight)), weight)) for i in model.indicators}
    for crit in model.criteria:  # a weighted criterion needs a sub-weight above 0 to be scored
        if weights[crit.id] > 0 and sum(subs[i.id] for i in crit.indicators) <= 0:
            subs[crit.indicators[0].id] = 1.0
    distance = draw(st.one_of(st.just(float(model.actor_distance_m)), st.floats(0, 100_000)))
    kinds = draw(st.lists(st.sampled_from([LIST_STATUS, MIN_SCORE, MIN_VALUE, MAX_VALUE, ACTOR_SECTOR]), max_size=5))
    rules = []
    for kind in kinds:
        if kind == LIST_STATUS:
            allowed = draw(st.lists(st.sampled_from(["verified", "inferred", "estimate"]), min_size=1, unique=True))
            rules.append({"kind": kind, "allowed": allowed})
        elif kind == MIN_SCORE:
            rules.append(
                {"kind": kind, "criterion": draw(st.sampled_from(model.criterion_ids)), "min": draw(st.floats(0, 100))}
            )
        elif kind == ACTOR_SECTOR:
            rules.append(
                {
                    "kind": kind,
                    "sector": draw(st.sampled_from([s.id for s in model.sectors])),
                    "distance_m": draw(st.floats(0, 100_000)),
                }
            )
        else:
            rules.append(
                {
                    "kind": kind,
                    "indicator": draw(st.sampled_from([i.id for i in model.indicators])),
                    # an indicator's scale (and so a threshold on it) may be negative
                    ("min" if kind == MIN_VALUE else "max"): draw(st.floats(-1e6, 1e6)),
                }
            )
    return parse_settings({"weights": weights, "sub_weights": subs, "distance_m": distance, "rules": rules}, model)


MODEL = load_dataset(BUNDLED_DATA_DIR).model


@given(settings_strategy(MODEL))
def test_any_valid_state_survives_the_link_round_trip(settings):
    query = settings_query(settings, MODEL)
    assert all(isinstance(v, str) and "<" not in v for values in query.values() for v in values)
    back = parse_query(query, MODEL)
    assert back.notice is None
    assert back.settings == settings
    # ... and through the address: the copied link's text, read back as the page gets it (parse_qs: '+' is a space)
    received = parse_qs(query_string(query), keep_blank_values=True)
    assert parse_query(received, MODEL).settings == settings


def test_a_link_is_readable():
    settings = parse_settings(
        {
            "weights": {"trust": 1, "actors": 1, "need": 2},
            "distance_m": 750,
            "rules": [
                {"kind": LIST_STATUS, "allowed": ["verified", "inferred"]},
                {"kind": ACTOR_SECTOR, "sector": "language_school", "distance_m": 500},
            ],
        },
        MODEL,
    )
    assert query_text(settings_query(settings, MODEL)) == (
        "afstand=750&regel=listestatus:verified+inferred&regel=aktoer:language_school:500"
        "&vaegte=trust:1,actors:1,need:2"
    )
    assert rule_text(Rule(MIN_SCORE, "need", 40.5)) == "minscore:need:40.5"


@pytest.mark.parametrize(
    "query",
    [
        {"vaegte": ["trust:-1,actors:1,need:1"]},
        {"vaegte": ["trust:1e400,actors:1,need:1"]},
        {"vaegte": ["trust:99999999,actors:1,need:1"]},
        {"vaegte": ["<script>alert(1)</script>"]},
        {"vaegte": ["trust:1,trust:2"]},
        {"scenarie": ["<b>x</b>"]},
        {"scenarie": ["1"], "vaegte": ["trust:1"]},
        {"regel": ["minscore:need:500"]},
        {"regel": ["slet:alt"]},
        {"afstand": ["-5"]},
        {"hvad": ["1"]},
        {f"p{i}": ["1"] for i in range(2000)},
        {"regel": ["listestatus:verified"] * 1000},
        {"vaegte": ["trust:" + "1" * 5000]},
        {"delvaegte": ["need_assessed:0,need_documented:0"]},  # need weighs, but none of its indicators
    ],
)
def test_bad_or_hostile_links_give_a_danish_notice_and_the_defaults(query):
    request = parse_query(query, MODEL)
    assert request.settings is None
    assert request.scenario is None
    assert request.notice
    assert request.notice.startswith("Linket kunne ikke bruges")
    assert "<script>" not in request.notice
    assert len(request.notice) < 400


def test_a_list_status_rule_whose_plus_arrived_as_a_space_is_read_as_written():
    """A literal '+' in an address (as 'Kopiér link' and the README write it) reaches the page as a space."""
    request = parse_query({"regel": ["listestatus:verified inferred"]}, MODEL)
    assert request.notice is None
    assert request.settings is not None
    assert request.settings.rules == (Rule(LIST_STATUS, allowed=("verified", "inferred")),)


def test_scenario_links_and_no_link():
    assert parse_query({"scenarie": ["12"]}, MODEL).scenario == "12"
    assert parse_query({"scenarie": ["behov-foerst"]}, MODEL).scenario == "behov-foerst"
    assert parse_query({}, MODEL) == parse_query({}, MODEL)
    assert parse_query({}, MODEL).notice is None


def test_default_settings_equal_the_package(dataset):
    s = default_settings(dataset.model)
    assert parse_query(settings_query(s, dataset.model), dataset.model).settings == s
    assert json.loads(s.key())["rules"] == []


# --- compare and map ------------------------------------------------------------------------------------


def test_compare_counts_top_n_and_says_who_is_first(dataset):
    from selection.scenarios.compare import compare

    runs = {
        "Lige": ranked(dataset, {}),
        "Tillid": ranked(dataset, {"weights": {"trust": 10}}),
        "Uden kandidater": ranked(dataset, {"rules": [{"kind": LIST_STATUS, "allowed": ["verified", "inferred"]}]}),
    }
    result = compare(runs, top_n=1)
    firsts = {label: r.ranked.iloc[0]["name"] for label, r in runs.items()}
    leader = max(set(firsts.values()), key=lambda n: (list(firsts.values()).count(n), n))
    n_first = list(firsts.values()).count(leader)
    assert result.sentence.startswith(f"{leader} er nr. 1 i {n_first} af 3 scenarier")
    row = result.table.set_index("Område").loc["Charlie"]
    assert row["Uden kandidater: rang"] == "udelukket"
    assert sum(result.top_counts.values()) == 3
    assert result.table.columns[-1] == "I top 1"
    chart = result.ranks
    assert len(chart) == 9
    assert chart[(chart["Område"] == "Charlie") & (chart["Scenarie"] == "Uden kandidater")]["Rang"].isna().all()
    with pytest.raises(ValueError, match="mellem 2 og 5"):
        compare({"Lige": runs["Lige"]})
    assert "rangerer ingen" not in result.sentence
    runs["Streng"] = ranked(dataset, {"rules": [{"kind": MIN_SCORE, "criterion": "need", "min": 100}]})
    with_empty = compare(runs, top_n=1).sentence
    assert with_empty.startswith(f"{leader} er nr. 1 i {n_first} af 4 scenarier")
    assert with_empty.endswith(
        "Scenariet Streng rangerer ingen områder (reglerne udelukker dem alle, eller data mangler)."
    )
    runs["Strengere"] = runs["Streng"]
    assert "Scenarierne Streng og Strengere rangerer ingen områder" in compare(runs, top_n=1).sentence


def test_the_rank_change_chart_keeps_every_line_for_few_areas_and_the_top_ones_for_many():
    from selection.scenarios.compare import CHART_TOP, MAX_CHART_LINES, chart_ranks

    def long(n_areas: int) -> pd.DataFrame:
        rows = []
        for k, label in enumerate(("A", "B")):
            for i in range(n_areas):
                rank = i + 1 if k == 0 else n_areas - i  # B reverses A
                rows.append({"Scenarie": label, "orden": k, "Område": f"O{i}", "Rang": float(rank)})
        rows.append({"Scenarie": "B", "orden": 1, "Område": "Udelukket", "Rang": None})
        return pd.DataFrame(rows)

    few = long(MAX_CHART_LINES - 1)
    chart = chart_ranks(few)
    assert chart.lines[["Scenarie", "orden", "Område", "Rang"]].equals(few)
    assert chart.cut == ""
    assert chart.worst == MAX_CHART_LINES  # every area (24 and the excluded one)
    chart = chart_ranks(long(2000))
    lines, cut, worst = chart.lines, chart.cut, chart.worst
    assert worst == 2000  # B ranks the first ten of A last
    kept = set(lines["Område"])
    assert chart.areas == [f"O{i}" for i in range(2000) if i < CHART_TOP or i >= 2000 - CHART_TOP]
    assert kept == {f"O{i}" for i in range(CHART_TOP)} | {f"O{i}" for i in range(2000 - CHART_TOP, 2000)}
    assert cut == (
        "Med 2.001 områder har kun de 20, der er blandt de 10 øverste i mindst ét scenarie, en linje; "
        "tabellen ovenfor har alle."
    )
    nothing = long(30).assign(Rang=None)  # no scenario ranks any area (e.g. rules that exclude them all)
    chart = chart_ranks(nothing)
    assert chart.lines.empty
    assert chart.worst == 2


def test_excluded_areas_are_outlined_on_the_map_with_the_reason_and_list_status(dataset):
    from selection.output.map_layers import EXCLUDED_FILL, area_rows_text, ranked_layer

    result = ranked(dataset, {"rules": [{"kind": LIST_STATUS, "allowed": ["verified", "inferred"]}]})
    layer = ranked_layer(dataset.areas, result.table, selected="a")
    [payload] = [c.payload for c in layer._children.values() if hasattr(c, "payload")]
    position = {a: i for i, a in enumerate(dataset.areas.index)}
    style = {a: payload["styles"][payload["style"][i]] for a, i in position.items()}
    assert style["c"]["fillColor"] == EXCLUDED_FILL
    assert style["c"]["dashArray"]
    assert style["a"]["fillColor"] != EXCLUDED_FILL
    tips = {a: dict(zip(payload["tipLabels"], payload["tips"][i], strict=True)) for a, i in position.items()}
    assert tips["c"]["Rang"].startswith("Udelukket")
    assert "listestatus er Kandidat" in tips["c"]["Rang"]
    assert not tips["a"]["Rang"].startswith("Udelukket")
    static = json.loads(area_rows_text(dataset.areas))["areas"]  # the list status is in the once-sent rows
    assert all("<th>Listestatus</th>" in row["head"] for row in static)


def test_files_list_excluded_areas_after_the_shortlist_with_their_reason(dataset):
    from selection.output.shortlist import about_sheet, caveat, shortlist_csv, shortlist_table

    result = ranked(dataset, {"rules": [{"kind": LIST_STATUS, "allowed": ["verified", "inferred"]}]})
    table = shortlist_table(result, dataset, 1)
    assert list(table["Område-id"]) == [result.ranked.iloc[0]["area_id"], "c"]
    assert table["Udelukket"].tolist() == ["", "Udelukket: listestatus er Kandidat (ikke verificeret)"]
    assert table["Rang"].iloc[1] is pd.NA
    assert int(table["Rang"].iloc[0]) == 1
    assert caveat(table, dataset) == caveat(table.iloc[:1].drop(columns="Udelukket"), dataset)
    text = shortlist_csv(result, dataset, 1, "excel-da").decode("utf-8-sig").splitlines()
    assert text[1].split(";")[:6] == [
        "Rang",
        "Område",
        "Samlet score (0-100)",
        "Datastatus",
        "Listestatus",
        "Udelukket",
    ]
    assert text[3].startswith(";Charlie;")
    assert (
        "Udelukkede områder",
        "1 område er udelukket af scenariets regler før rangeringen (se kolonnen 'Udelukket'); de har ingen rang.",
    ) in about_sheet(result, dataset).settings
    assert "Udelukket" not in shortlist_table(ranked(dataset, {}), dataset, 1)  # unchanged without rules


BUNDLED = load_dataset(BUNDLED_DATA_DIR)
BUNDLED_PLAIN = evaluate(BUNDLED, {"trust": 1, "actors": 2, "need": 3})


@given(st.sets(st.sampled_from(BUNDLED.area_ids)), st.sampled_from([{"trust": 1, "actors": 2, "need": 3}]))
def test_excluding_areas_ranks_the_rest_as_if_only_they_were_loaded(gone, weights):
    from selection.ranking.scoring import score_areas
    from selection.scenarios import apply_exclusions

    perf, plain = BUNDLED_PLAIN
    result = apply_exclusions(plain, dict.fromkeys(gone, "grund"))
    kept = [a for a in BUNDLED.area_ids if a not in gone]
    alone = score_areas(perf.matrix.loc[kept], BUNDLED.model, weights, None, BUNDLED.areas["name"].to_dict())
    n = len(kept)
    columns = ["area_id", "rank", "status"]
    assert (
        result.table.head(n)[columns].astype(object).values.tolist()
        == alone.table[columns].astype(object).values.tolist()
    )
    tail = result.table.iloc[n:]
    assert set(tail["area_id"]) == gone
    assert (tail["status"] == STATUS_EXCLUDED).all()
    assert tail["rank"].isna().all()


def test_a_criterion_weighted_0_may_have_all_sub_weights_0(dataset):
    settings = parse_settings({"weights": {"need": 0}, "sub_weights": {"n1": 0, "n2": 0}}, dataset.model)
    assert ranked(dataset, settings.to_dict()).ranked is not None


def test_a_threshold_is_shown_as_set_not_rounded_to_one_decimal(dataset):
    """A rule at 40.25 said 'under 40,2' (and 749.6 m said '750 m'): the reason contradicted the value shown."""
    model = dataset.model
    rule = parse_rule({"kind": MIN_VALUE, "indicator": "n2", "min": 40.25}, model)
    assert describe(rule, model) == "N2 mindst 40,25 %"
    result = ranked(dataset, {"rules": [rule.to_dict()]})
    assert result.table.set_index("area_id").at["a", "excluded"] == "N2 er 40 % (under 40,25 %)"
    near = parse_rule({"kind": ACTOR_SECTOR, "sector": "club", "distance_m": 749.6}, model)
    assert describe(near, model).endswith("inden for 749,6 m")
