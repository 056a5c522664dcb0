"""The robustness report that feeds the Robusthed view, the CSV and the CLI."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from selection.analysis.robustness.report import (
    analyse,
    robustness_extras,
    shortlist_extras,
    summaries,
    uncertain_indicators,
)
from selection.data.dataset import load_dataset
from selection.output.shortlist import shortlist_csv
from selection.ranking.evaluate import evaluate
from tests.support.factory import REPO, VALUES, make_package


@pytest.fixture
def dataset(tmp_path):
    return load_dataset(make_package(tmp_path / "pkg"))


def test_report_covers_ranked_areas_and_sums_to_one(dataset):
    _, result = evaluate(dataset)
    report = analyse(result, dataset.model, n_samples=2000, seed=3)
    assert list(report.smaa.acceptability.index) == list(result.ranked["area_id"])
    assert report.smaa.acceptability.sum(axis=1).round(9).eq(1).all()
    assert set(report.stability["area_id"]) == set(result.ranked["area_id"])


def test_unranked_area_is_left_out_and_gappy_criterion_reported(tmp_path):
    values = [v for v in VALUES if v[:2] != ("c", "t1")]
    ds = load_dataset(make_package(tmp_path / "pkg", values=values))
    _, result = evaluate(ds, {"trust": 1, "actors": 1, "need": 1})
    report = analyse(result, ds.model, n_samples=500)
    assert "c" not in report.smaa.acceptability.index
    _, result = evaluate(ds, {"trust": 0, "actors": 1, "need": 1})  # c is ranked now, but has no trust data
    report = analyse(result, ds.model, n_samples=500)
    assert report.left_out == ["trust"]
    assert "c" in report.scores.index


def test_summary_sentences_are_danish_and_name_the_area(dataset):
    _, result = evaluate(dataset)
    report = analyse(result, dataset.model, n_samples=2000)
    names = dataset.areas["name"].to_dict()
    labels = {c.id: c.label for c in dataset.model.criteria}
    text = summaries(report, names, labels, result.top(2)["area_id"])
    first = result.table["area_id"].iloc[0]
    assert text[first].startswith(f"{names[first]} er nr. 1 og forbliver nr. 1")
    assert "af de afprøvede vægtninger, når kun vægtene varieres." in text[first]


def test_headline_names_what_was_varied_and_gives_the_figure_with_value_uncertainty(dataset):
    perf, result = evaluate(dataset)
    plain = analyse(result, dataset.model, perf.matrix, n_samples=2000, seed=2)
    noisy = analyse(result, dataset.model, perf.matrix, n_samples=2000, seed=2, noisy_indicators=["t1", "n1"])
    names = dataset.areas["name"].to_dict()
    labels = {c.id: c.label for c in dataset.model.criteria}
    first = result.table["area_id"].iloc[0]
    text = summaries(plain, names, labels, [first], noisy)[first]
    share_plain = round(100 * float(plain.smaa.first_rank.loc[first]))
    share_noisy = round(100 * float(noisy.smaa.first_rank.loc[first]))
    assert f"Nr. 1 i {share_plain} % af de afprøvede vægtninger, når kun vægtene varieres" in text
    assert f"og i {share_noisy} %, når også de vurderede og illustrative værdier varierer ± ét skalatrin." in text


def test_uncertain_indicators_are_the_stored_ones_with_unsourced_values(dataset):
    from selection.analysis.robustness.report import uncertain_indicators

    perf, _ = evaluate(dataset)
    prov = perf.provenance
    expected = {
        i.id
        for i in dataset.model.indicators
        if not i.computed and (prov.loc[prov["indicator_id"] == i.id, "kind"] != "sourced").any()
    }
    assert set(uncertain_indicators(dataset.model, prov)) == expected
    sourced_only = prov.assign(kind="sourced")
    assert uncertain_indicators(dataset.model, sourced_only) == []


def test_assessment_noise_changes_acceptability_reproducibly(dataset):
    perf, result = evaluate(dataset)
    plain = analyse(result, dataset.model, perf.matrix, n_samples=3000, seed=5)
    noisy = analyse(result, dataset.model, perf.matrix, n_samples=3000, seed=5, noisy_indicators=["t1", "n1"])
    again = analyse(result, dataset.model, perf.matrix, n_samples=3000, seed=5, noisy_indicators=["t1", "n1"])
    assert noisy.assessment_noise
    assert not plain.assessment_noise
    assert not noisy.smaa.acceptability.equals(plain.smaa.acceptability)
    assert noisy.smaa.acceptability.equals(again.smaa.acceptability)
    assert noisy.assessor_ranges == 0


def test_assessor_ranges_count_and_change_the_analysis(dataset):
    perf, result = evaluate(dataset)
    ranges = {("a", "t1"): (1.0, 5.0), ("b", "n1"): (2.0, 2.0), ("c", "n2"): (0.0, 100.0)}
    step = analyse(result, dataset.model, perf.matrix, n_samples=3000, seed=5, noisy_indicators=["t1", "n1"])
    spread = analyse(
        result, dataset.model, perf.matrix, n_samples=3000, seed=5, noisy_indicators=["t1", "n1"], value_ranges=ranges
    )
    assert spread.assessor_ranges == 1, "only a real disagreement on a varied indicator counts"
    assert not spread.smaa.acceptability.equals(step.smaa.acceptability)
    plain = analyse(result, dataset.model, perf.matrix, n_samples=3000, seed=5, value_ranges=ranges)
    assert plain.assessor_ranges == 0
    assert not plain.assessment_noise


def test_extras_are_percentages(dataset):
    _, result = evaluate(dataset)
    labels = {c.id: c.label for c in dataset.model.criteria}
    extras = shortlist_extras(analyse(result, dataset.model, n_samples=1000), labels)
    row = extras[result.table["area_id"].iloc[0]]
    first = next(v for k, v in row.items() if k.startswith("Andel som nr. 1 (%) når kun vægtene varieres"))
    assert 0 <= first <= 100
    assert all(0 <= v <= 100 for k, v in row.items() if k.startswith("Samme rang så længe"))


def test_cli_smaa_writes_the_same_csv_as_the_app(tmp_path, dataset):
    folder = make_package(tmp_path / "cli")
    out = tmp_path / "k.csv"
    stamp = "2026-11-23T10:00:00+01:00"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "selection",
            "rank",
            "--data",
            str(folder),
            "--smaa",
            "2000",
            "--seed",
            "7",
            "--top",
            "2",
            "--timestamp",
            stamp,
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    from datetime import datetime

    ds = load_dataset(folder)
    perf, result = evaluate(ds)
    extras = robustness_extras(result, ds, 2000, 7, perf.matrix, uncertain_indicators(ds.model, perf.provenance))
    expected = shortlist_csv(result, ds, 2, "excel-da", datetime.fromisoformat(stamp), extras, perf.provenance)
    assert out.read_bytes() == expected
    header = list(csv.reader(io.StringIO(expected.decode("utf-8-sig")), delimiter=";"))[1]
    assert any(h.startswith("Andel som nr. 1 (%) når kun vægtene varieres") for h in header)
    assert any(h.startswith("Samme rang så længe") for h in header)
    assert any(h.startswith("Andel som nr. 1 (%) når vægtene og de vurderede og illustrative værdier") for h in header)


def test_cli_rejects_negative_smaa(tmp_path):
    folder = make_package(tmp_path / "cli")
    proc = subprocess.run(
        [sys.executable, "-m", "selection", "rank", "--data", str(folder), "--smaa", "-5"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "--smaa" in proc.stderr


def test_typical_weights_keep_the_areas_most_often_first_in_ranking_order():
    from selection.analysis.robustness.report import RobustnessReport, typical_weights
    from selection.analysis.robustness.smaa import SmaaResult

    ids = [f"a{i}" for i in range(30)]
    first = np.linspace(0.3, 0.0, 30)  # a0 most often nr. 1, a29 never
    acc = pd.DataFrame({1: first, 2: 1 - first}, index=ids)
    central = pd.DataFrame({"c1": 0.5, "c2": 0.5}, index=ids)
    central.loc[first == 0] = np.nan  # never nr. 1: no typical weights
    smaa = SmaaResult(acc, central, 100, 0, acc * 0, 0.0)
    report = RobustnessReport(pd.DataFrame(index=ids), {}, smaa, pd.DataFrame(), [], False, 0)
    shown, n_winners = typical_weights(report, max_areas=5)
    assert n_winners == 29
    assert list(shown.index) == ["a0", "a1", "a2", "a3", "a4"]
    shown, _ = typical_weights(report, max_areas=50)
    assert list(shown.index) == ids[:29]


def test_the_analysis_key_changes_with_everything_the_analysis_depends_on():
    from selection.analysis.robustness.report import analysis_key

    dataset = load_dataset()
    _, result = evaluate(dataset)
    base = analysis_key(result, 1000, 1, None, None, ("t1",), {("a", "t1"): (1.0, 3.0)})
    assert base == analysis_key(evaluate(dataset)[1], 1000, 1, None, None, ("t1",), {("a", "t1"): (1.0, 3.0)})
    ids = dataset.model.criterion_ids
    _, heavier = evaluate(dataset, {ids[0]: 3, ids[1]: 1, ids[2]: 1})
    others = [
        analysis_key(heavier, 1000, 1, None, None, ("t1",), {("a", "t1"): (1.0, 3.0)}),
        analysis_key(result, 2000, 1, None, None, ("t1",), {("a", "t1"): (1.0, 3.0)}),
        analysis_key(result, 1000, 2, None, None, ("t1",), {("a", "t1"): (1.0, 3.0)}),
        analysis_key(result, 1000, 1, tuple(ids), None, ("t1",), {("a", "t1"): (1.0, 3.0)}),
        analysis_key(result, 1000, 1, None, 0.1, ("t1",), {("a", "t1"): (1.0, 3.0)}),
        analysis_key(result, 1000, 1, None, None, (), {("a", "t1"): (1.0, 3.0)}),
        analysis_key(result, 1000, 1, None, None, ("t1",), {("a", "t1"): (1.0, 4.0)}),
    ]
    assert len({base, *others}) == len(others) + 1
