"""Critical values and robustness with nothing (or one area) to rank: empty results and a Danish reason,
never an IndexError (selection/analysis/critical/values.py, ui/robustness_panel.py, ui/details.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from selection.analysis.critical.combined import combined_flip
from selection.analysis.critical.priorities import assessment_priorities, out_of_reach, priority_list
from selection.analysis.critical.values import EFFECTS, critical_values
from selection.analysis.critical.wording import empty_reason
from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import ScoreResult
from selection.scenarios import apply_exclusions
from tests.support.markup import shown

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def bundled():
    dataset = load_dataset(BUNDLED_DATA_DIR)
    perf, result = evaluate(dataset)
    return dataset, perf, result


def no_rows(result: ScoreResult) -> ScoreResult:
    return ScoreResult(result.table.iloc[0:0], result.weights, result.sub_weights, result.criterion_scores.iloc[0:0])


def critical_columns(_table: pd.DataFrame) -> list[str]:
    return [f"{e}_{d}" for e in EFFECTS for d in ("down", "up")]


@pytest.mark.parametrize("top_n", [1, 3, 20])
@pytest.mark.parametrize("empty_matrix", [True, False])
def test_an_empty_ranking_gives_empty_results(bundled, top_n, empty_matrix):
    dataset, perf, result = bundled
    matrix = perf.matrix.iloc[0:0] if empty_matrix else perf.matrix
    empty = no_rows(result)
    table = critical_values(matrix, dataset.model, empty, perf.provenance, top_n)
    assert table[critical_columns(table)].isna().all().all()
    plist = priority_list(table, dataset.model, {}, top_n)
    assert plist.empty
    assert assessment_priorities(matrix, dataset.model, empty, perf.provenance, {}, top_n).empty
    assert combined_flip(matrix, dataset.model, empty, perf.provenance, table) is None
    assert "ingen områder" in empty_reason(empty)


def test_all_areas_excluded_by_rules(bundled):
    dataset, perf, result = bundled
    out = apply_exclusions(result, dict.fromkeys(result.table["area_id"], "regel"))
    table = critical_values(perf.matrix, dataset.model, out, perf.provenance, 3)
    assert len(table) == len(dataset.areas) * len(dataset.model.indicators)
    assert table[critical_columns(table)].isna().all().all()
    assert not table["enters"].any()
    assert table["note"].str.contains("udelukket|vægter ikke").all()
    assert priority_list(table, dataset.model, {}, 3).empty
    why = empty_reason(out)
    assert f"Alle {len(dataset.areas)} områder er udelukket" in why


def test_some_excluded_and_the_rest_unranked_says_both(bundled):
    result = bundled[2]
    first = result.table["area_id"].iloc[0]
    out = apply_exclusions(result, {first: "regel"})
    unranked = out.table.assign(rank=pd.NA, status=out.table["status"].where(out.table["area_id"] == first, "unranked"))
    why = empty_reason(ScoreResult(unranked, out.weights, out.sub_weights, out.criterion_scores))
    assert "1 er udelukket" in why
    assert "mangler data" in why


def test_one_area_left_is_named(bundled):
    dataset, perf, result = bundled
    keep = result.table["area_id"].iloc[0]
    out = apply_exclusions(result, {a: "regel" for a in result.table["area_id"] if a != keep})
    assert result.table["name"].iloc[0] in empty_reason(out)
    table = critical_values(perf.matrix, dataset.model, out, perf.provenance, 3)
    assert set(out_of_reach(table, 3)) == set(result.table["area_id"]) - {keep}
    assert empty_reason(result) == ""


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("SELECTION_DB_URL", url)
    monkeypatch.delenv("SELECTION_DATA", raising=False)
    return url


def test_robustness_view_with_one_area_left_says_why(db, bundled):
    _, _, result = bundled
    best = result.criterion_scores["actors"].max()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["regel"] = f"minscore:actors:{best - 0.1:.1f}"
    at.run()
    at.segmented_control(key="view").set_value("Robusthed").run()
    assert not at.exception, at.exception
    infos = [shown(i.value) for i in at.info]
    assert any("Kun ét område er rangeret" in text for text in infos), infos


def test_an_excluded_area_is_no_competitor(bundled):
    dataset, perf, result = bundled
    first, name = result.table["area_id"].iloc[0], str(result.table["name"].iloc[0])
    out = apply_exclusions(result, {first: "regel"})
    table = critical_values(perf.matrix, dataset.model, out, perf.provenance, 3)
    texts = table[[f"{e}_{d}_what" for e in EFFECTS for d in ("down", "up")]].to_numpy().ravel()
    assert any(texts)
    assert not [t for t in texts if name in t]
