"""The group result of a round (selection/rounds/result.py): every participant's ranking is the app's ranking
with their weights; the group's ranking is the app's ranking with the group's weights; nr. 1 for k of n."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selection.data.dataset import load_dataset
from selection.data.performance import Performance, build_performance
from selection.ranking.scoring import NOT_RANKED
from selection.rounds.model import MEAN, MEDIAN, RoundError, Submission, participant_label
from selection.rounds.result import group_result, participant_ranks
from selection.rounds.weights import group_weights
from selection.scenarios.evaluate import evaluate_settings
from selection.scenarios.settings import ScenarioSettings, default_settings, parse_settings
from selection.workspace import workspace_of
from tests.support.factory import VALUES, make_package

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MOMENT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

BUNDLED = workspace_of(load_dataset(), None).dataset  # with its registers applied, as the app ranks it
MODEL = BUNDLED.model
IDS = MODEL.criterion_ids
DEFAULT = default_settings(MODEL)
PERF = build_performance(BUNDLED, DEFAULT.distance_m)
# Exclusions: only verified or inferred areas, and a minimum need score (which depends on the sub-weights).
RULES = parse_settings(
    {
        **DEFAULT.to_dict(),
        "rules": [
            {"kind": "list_status", "allowed": ["verified", "inferred", "estimate"]},
            {"kind": "min_score", "criterion": "need", "min": 35},
        ],
    },
    MODEL,
)


def with_gaps(perf: Performance) -> Performance:
    """The bundled matrix with holes: one area without trust data, one without need data, one without any."""
    matrix = perf.matrix.copy()
    areas = list(matrix.index)
    trust = [i.id for i in MODEL.criteria[IDS.index("trust")].indicators]
    need = [i.id for i in MODEL.criteria[IDS.index("need")].indicators]
    matrix.loc[areas[0], trust] = np.nan
    matrix.loc[areas[1], need] = np.nan
    matrix.loc[areas[2], :] = np.nan
    return replace(perf, matrix=matrix)


GAPS = with_gaps(PERF)
CASES = {"plain": (DEFAULT, PERF), "rules": (RULES, PERF), "gaps": (DEFAULT, GAPS), "rules+gaps": (RULES, GAPS)}


def submission(number: int, weights: dict[str, float], version: int = 1, sub_weights=None, sid=None) -> Submission:
    total = sum(weights.values())
    return Submission(
        id=sid if sid is not None else number * 100 + version,
        round_id=1,
        number=number,
        version=version,
        method="shares",
        weights={k: v / total for k, v in weights.items()},
        sub_weights=sub_weights,
        inputs={},
        reason="",
        recorded_at=MOMENT,
        stored_by="test",
    )


def labels_for(subs) -> dict[int, str]:
    return {s.number: participant_label(s.number) for s in subs}


# Small whole numbers make ties (at nr. 1 too) common; any positive total is a valid answer.
weights_st = st.fixed_dictionaries({cid: st.integers(min_value=0, max_value=6) for cid in IDS}).filter(
    lambda w: sum(w.values()) > 0
)
float_weights_st = st.fixed_dictionaries(
    {cid: st.floats(min_value=0, max_value=1, allow_nan=False, allow_subnormal=False) for cid in IDS}
).filter(lambda w: sum(w.values()) > 1e-6)
answers_st = st.lists(st.one_of(weights_st, float_weights_st), min_size=1, max_size=8)


def app_ranking(settings_: ScenarioSettings, perf: Performance, weights, sub_weights=None) -> pd.DataFrame:
    """What the app shows for ``settings_`` with these weights: rank by area (<NA>: no rank), in its order."""
    own = ScenarioSettings(
        dict(weights), dict(sub_weights or settings_.sub_weights), settings_.distance_m, settings_.rules
    )
    _, result = evaluate_settings(BUNDLED, own, perf)
    return result.table


def ranks_by_area(table: pd.DataFrame) -> dict[str, object]:
    return {a: (None if pd.isna(r) else int(r)) for a, r in zip(table["area_id"], table["rank"], strict=True)}


# ---------------------------------------------------------------- the group equals the app


@PROPS
@given(st.one_of(weights_st, float_weights_st), st.integers(min_value=1, max_value=6), st.sampled_from(sorted(CASES)))
def test_unanimous_weights_give_exactly_the_apps_ranking_with_those_weights(weights, n, case):
    settings_, perf = CASES[case]
    subs = [submission(k, weights) for k in range(1, n + 1)]
    result = group_result(BUNDLED, perf, settings_, subs, labels_for(subs), MEAN)
    expected = app_ranking(settings_, perf, weights)
    assert result.group.table["area_id"].tolist() == expected["area_id"].tolist()
    assert ranks_by_area(result.group.table) == ranks_by_area(expected)
    assert result.group.table["status"].tolist() == expected["status"].tolist()
    for label in result.labels:
        assert {a: (None if pd.isna(r) else int(r)) for a, r in result.ranks[label].items()} == ranks_by_area(expected)
    assert result.weights == pytest.approx({k: v / sum(weights.values()) for k, v in weights.items()}, abs=1e-15)


@PROPS
@given(answers_st, st.sampled_from(sorted(CASES)), st.sampled_from([MEAN, MEDIAN]))
def test_every_participants_ranks_are_the_apps_ranks_with_their_weights(answers, case, method):
    settings_, perf = CASES[case]
    subs = [submission(k, w) for k, w in enumerate(answers, start=1)]
    result = group_result(BUNDLED, perf, settings_, subs, labels_for(subs), method)
    for sub, label in zip(subs, result.labels, strict=True):
        expected = ranks_by_area(app_ranking(settings_, perf, sub.weights))
        got = {a: (None if pd.isna(r) else int(r)) for a, r in result.ranks[label].items()}
        assert got == expected, label
    # and the group's ranking is the app's with the group's weights
    group_expected = app_ranking(settings_, perf, result.weights)
    assert ranks_by_area(result.group.table) == ranks_by_area(group_expected)
    assert result.ranks.index.tolist() == result.group.table["area_id"].tolist()


@FEW
@given(
    st.lists(
        st.tuples(
            weights_st,
            st.fixed_dictionaries(
                {i.id: st.integers(min_value=1, max_value=5) for c in MODEL.criteria for i in c.indicators}
            ),
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(sorted(CASES)),
)
def test_a_participant_with_own_sub_weights_gets_the_apps_ranking_with_those_sub_weights(answers, case):
    settings_, perf = CASES[case]
    subs = [submission(k, w, sub_weights=sw) for k, (w, sw) in enumerate(answers, start=1)]
    result = group_result(BUNDLED, perf, settings_, subs, labels_for(subs), MEAN)
    for sub, label in zip(subs, result.labels, strict=True):
        expected = ranks_by_area(app_ranking(settings_, perf, sub.weights, sub.sub_weights))
        got = {a: (None if pd.isna(r) else int(r)) for a, r in result.ranks[label].items()}
        assert got == expected, label


def test_excluded_and_data_less_areas_have_no_rank_for_anyone():
    subs = [submission(1, {"trust": 1}), submission(2, {"need": 1}), submission(3, {"actors": 1, "need": 1})]
    result = group_result(BUNDLED, GAPS, RULES, subs, labels_for(subs), MEAN)
    table = result.table()
    no_data = GAPS.matrix.index[2]
    assert table.set_index("area_id").loc[no_data, result.labels].isna().all()
    excluded = result.group.table[result.group.table["status"] == "excluded"]["area_id"].tolist()
    assert excluded  # the rules exclude something in the bundled data
    assert table.set_index("area_id").loc[excluded, result.labels].isna().all().all()
    # the area without trust data is ranked for the participant who gives trust no weight, not for the one who does
    no_trust = GAPS.matrix.index[0]
    row = table.set_index("area_id").loc[no_trust]
    if no_trust not in excluded:
        assert pd.isna(row["Deltager 1"])
        assert not pd.isna(row["Deltager 2"])


# ---------------------------------------------------------------- order, versions, counts, sentence


@PROPS
@given(answers_st, st.sampled_from(sorted(CASES)), st.sampled_from([MEAN, MEDIAN]), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_submissions(answers, case, method, rnd):
    settings_, perf = CASES[case]
    subs = [submission(k, w) for k, w in enumerate(answers, start=1)]
    shuffled = list(subs)
    rnd.shuffle(shuffled)
    first = group_result(BUNDLED, perf, settings_, subs, labels_for(subs), method)
    second = group_result(BUNDLED, perf, settings_, shuffled, labels_for(subs), method)
    assert first.weights == second.weights
    assert first.method == second.method
    assert first.labels == second.labels
    pd.testing.assert_frame_equal(first.ranks, second.ranks)
    pd.testing.assert_frame_equal(first.table(), second.table())
    pd.testing.assert_series_equal(first.first_counts, second.first_counts)
    assert first.sentence == second.sentence


@PROPS
@given(answers_st, st.sampled_from(sorted(CASES)))
def test_first_counts_count_every_participant_once_or_more_at_a_tie(answers, case):
    settings_, perf = CASES[case]
    subs = [submission(k, w) for k, w in enumerate(answers, start=1)]
    result = group_result(BUNDLED, perf, settings_, subs, labels_for(subs), MEAN)
    n = len(subs)
    firsts_per_participant = [(result.ranks[label] == 1).sum() for label in result.labels]
    assert int(result.first_counts.sum()) == sum(firsts_per_participant)
    assert all(k >= 1 for k in firsts_per_participant)  # every participant ranks something in these cases
    if any(k > 1 for k in firsts_per_participant):
        assert result.first_counts.sum() > n
    else:
        assert result.first_counts.sum() == n
    assert (result.first_counts >= 0).all()
    assert (result.first_counts <= n).all()


@PROPS
@given(answers_st, st.sampled_from(sorted(CASES)), st.sampled_from([MEAN, MEDIAN]))
def test_the_sentence_names_the_groups_nr_1_and_k_of_n(answers, case, method):
    settings_, perf = CASES[case]
    subs = [submission(k, w) for k, w in enumerate(answers, start=1)]
    result = group_result(BUNDLED, perf, settings_, subs, labels_for(subs), method)
    table = result.group.table
    tops = table[(table["rank"] == 1) & ~table["status"].isin(NOT_RANKED)]
    n = len(subs)
    text = result.sentence
    assert not tops.empty
    if len(tops) == 1:
        (area,) = tops["area_id"]
        name = tops["name"].iloc[0]
        k = int(result.first_counts[area])
        people = "deltager" if n == 1 else "deltagere"
        assert text.startswith(f"{name} er nr. 1 med gruppens vægte og for {k} af {n} {people}.")
    else:
        assert "deler 1. pladsen med gruppens vægte" in text
        for area, name in zip(tops["area_id"][:3], tops["name"][:3], strict=True):
            assert f"{name}: {int(result.first_counts[area])}" in text
        assert f"af {n})." in text
    best = int(result.first_counts.max())
    if best > max(int(result.first_counts[a]) for a in tops["area_id"]):
        assert f"nr. 1 for flest deltagere ({best} af {n})." in text


def test_the_sentence_in_words():
    subs = [submission(1, {"trust": 1}), submission(2, {"trust": 1}), submission(3, {"need": 1})]
    result = group_result(BUNDLED, PERF, DEFAULT, subs, {1: "Anna", 2: "Bo", 3: "Carl"}, MEAN)
    top = result.group.table.iloc[0]
    assert result.sentence.startswith(f"{top['name']} er nr. 1 med gruppens vægte og for ")
    assert result.sentence.endswith(" af 3 deltagere.") or "nr. 1 for flest deltagere" in result.sentence
    assert result.labels == ["Anna", "Bo", "Carl"]
    one = group_result(BUNDLED, PERF, DEFAULT, subs[:1], {1: "Anna"}, MEAN)
    assert one.sentence.endswith("for 1 af 1 deltager.")


@PROPS
@given(weights_st, weights_st, st.booleans())
def test_a_participants_newest_version_counts(old, new, reverse):
    older = submission(1, old, version=1)
    newer = submission(1, new, version=2)
    other = submission(2, {"need": 1})
    subs = [newer, other, older] if reverse else [older, other, newer]
    result = group_result(BUNDLED, PERF, DEFAULT, subs, {1: "Anna", 2: "Bo"}, MEAN)
    only_new = group_result(BUNDLED, PERF, DEFAULT, [other, newer], {1: "Anna", 2: "Bo"}, MEAN)
    assert result.weights == only_new.weights
    pd.testing.assert_frame_equal(result.ranks, only_new.ranks)
    assert result.participant_weights.loc["Anna"].to_dict() == pytest.approx(newer.weights)
    assert result.size == 2


def test_the_group_weights_and_spread():
    subs = [submission(1, {"trust": 1}), submission(2, {"trust": 1, "need": 1}), submission(3, {"actors": 1})]
    result = group_result(BUNDLED, PERF, DEFAULT, subs, labels_for(subs), MEDIAN)
    expected, used = group_weights(result.participant_weights.to_numpy(), IDS, MEDIAN)
    assert (result.weights, result.method) == (expected, used)
    assert sum(result.weights.values()) == pytest.approx(1.0)
    spread = result.spread()
    assert spread.loc["trust", "min"] == 0.0
    assert spread.loc["trust", "max"] == 1.0
    assert spread.loc["trust", "median"] == 0.5


def test_the_median_falls_back_to_the_mean_and_says_so():
    subs = [submission(k, {cid: 1}) for k, cid in enumerate(IDS, start=1)]
    result = group_result(BUNDLED, PERF, DEFAULT, subs, labels_for(subs), MEDIAN)
    assert result.method == MEAN
    assert result.method_text == "gennemsnittet af deltagernes vægte"
    assert result.weights == pytest.approx(dict.fromkeys(IDS, 1 / 3))


def test_no_submissions_is_a_danish_error():
    with pytest.raises(RoundError, match="Ingen deltagere har svaret endnu"):
        group_result(BUNDLED, PERF, DEFAULT, [], {}, MEAN)


# ---------------------------------------------------------------- a small package with missing data


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("round-package")
    values = [row for row in VALUES if not (row[0] == "a" and row[1] == "t1")]  # Alfa has no trust data
    dataset = load_dataset(make_package(folder / "pkg", values=values))
    settings_ = default_settings(dataset.model)
    return dataset, settings_, build_performance(dataset, settings_.distance_m)


@pytest.mark.parametrize(
    "answers",
    [
        [{"trust": 1}, {"need": 1}, {"actors": 1}],
        [{"trust": 0, "actors": 1, "need": 1}, {"trust": 2, "actors": 1, "need": 1}],
        [{"need": 1}] * 3,
    ],
)
def test_a_small_package_with_a_missing_value_ranks_like_the_app(small, answers):
    dataset, settings_, perf = small
    subs = [submission(k, w) for k, w in enumerate(answers, start=1)]
    result = group_result(dataset, perf, settings_, subs, labels_for(subs), MEAN)
    for sub, label in zip(subs, result.labels, strict=True):
        own = ScenarioSettings(sub.weights, settings_.sub_weights, settings_.distance_m, settings_.rules)
        _, expected = evaluate_settings(dataset, own, perf)
        got = {a: (None if pd.isna(r) else int(r)) for a, r in result.ranks[label].items()}
        assert got == ranks_by_area(expected.table)
        assert (got["a"] is None) == (sub.weights.get("trust", 0) > 0)


# ---------------------------------------------------------------- size


def many_areas(n_areas: int, seed: int = 27) -> tuple:
    """The bundled model on ``n_areas`` synthetic areas (random values on each indicator's scale, a few gaps)."""
    rng = np.random.default_rng(seed)
    ids = [f"omr-{k:05d}" for k in range(n_areas)]
    columns = {}
    for ind in MODEL.indicators:
        values = rng.uniform(ind.scale_min, ind.scale_max, n_areas).round(1)
        values[rng.random(n_areas) < 0.02] = np.nan
        columns[ind.id] = values
    matrix = pd.DataFrame(columns, index=pd.Index(ids, name="area_id"))
    areas = BUNDLED.areas.iloc[:0].reindex(ids)
    areas["name"] = [f"Område {k}" for k in range(n_areas)]
    dataset = replace(BUNDLED, areas=areas)
    empty = pd.DataFrame()
    return dataset, Performance(matrix, empty, empty, empty)


def test_thirty_participants_and_two_thousand_areas():
    dataset, perf = many_areas(2000)
    rnd = random.Random(30)
    subs = [submission(k, {cid: rnd.random() for cid in IDS}) for k in range(1, 31)]
    subs += [submission(k, {cid: rnd.random() for cid in IDS}, version=2) for k in range(1, 31, 3)]
    result = group_result(dataset, perf, DEFAULT, subs, labels_for(subs), MEDIAN)
    assert result.size == 30
    assert result.ranks.shape == (2000, 30)
    table = result.table()
    assert len(table) == 2000
    assert table["area_id"].tolist() == result.group.table["area_id"].tolist()
    assert int(result.first_counts.sum()) >= 30
    for k in (0, 14, 29):  # a few participants against the app
        sub = max((s for s in subs if s.number == k + 1), key=lambda s: s.version)
        own = ScenarioSettings(sub.weights, DEFAULT.sub_weights, DEFAULT.distance_m)
        _, expected = evaluate_settings(dataset, own, perf)
        got = {a: (None if pd.isna(r) else int(r)) for a, r in result.ranks[result.labels[k]].items()}
        assert got == ranks_by_area(expected.table)


@pytest.mark.parametrize("name", ["rank", "name", "total", "area_id", "first_count"])
def test_a_participant_named_like_a_column_of_the_table_does_not_overwrite_it(name):
    subs = [submission(1, {"trust": 1}), submission(2, {"need": 1})]
    result = group_result(BUNDLED, PERF, DEFAULT, subs, {1: name, 2: "Bo"}, MEAN)
    table = result.table()
    group = result.group.table
    assert table["rank"].tolist() == group["rank"].tolist()
    assert table["name"].tolist() == group["name"].tolist()
    assert table["area_id"].tolist() == group["area_id"].tolist()
    assert len(table.columns) == len(set(table.columns)) == 5 + 2
    (own,) = [c for c in table.columns if c not in ("area_id", "name", "rank", "total", "first_count", "Bo")]
    assert name in own
    assert table[own].tolist() == result.ranks[own].tolist()


def test_two_participants_with_the_same_label_keep_a_column_each():
    subs = [submission(1, {"trust": 1}), submission(2, {"need": 1})]
    result = group_result(BUNDLED, PERF, DEFAULT, subs, {1: "Anna", 2: "Anna"}, MEAN)
    assert len(set(result.labels)) == 2
    assert result.ranks.shape[1] == 2
    assert result.participant_weights.index.is_unique
    tricky = group_result(
        BUNDLED, PERF, DEFAULT, [*subs, submission(3, {"actors": 1})], {1: "X (Deltager 3)", 2: "X", 3: "X"}, MEAN
    )
    assert len(set(tricky.labels)) == 3


def test_a_criterion_without_any_value_is_a_danish_error_naming_it():
    matrix = PERF.matrix.copy()
    trust = [i.id for i in MODEL.criteria[IDS.index("trust")].indicators]
    matrix[trust] = np.nan
    perf = replace(PERF, matrix=matrix)
    subs = [submission(1, {"trust": 1, "need": 1}), submission(2, {"need": 1})]
    with pytest.raises(RoundError, match=r"Delvægtene giver ingen værdi for Tillidsfulde indsatser i noget område\."):
        participant_ranks(BUNDLED, perf, DEFAULT, np.array([[0.5, 0.0, 0.5]]))
    result = group_result(BUNDLED, perf, DEFAULT, subs[1:], {2: "Bo"}, MEAN)  # without trust it ranks
    assert result.size == 1
