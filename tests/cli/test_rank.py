"""``python -m selection rank`` end to end, in a subprocess (selection/cli/rank.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from selection.data.dataset import load_dataset
from selection.output.shortlist import shortlist_csv
from selection.ranking.evaluate import evaluate
from tests.support.factory import REPO, VALUES, make_package

STAMP = "2024-05-17T09:30:05+02:00"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "selection", "rank", *args], cwd=REPO, capture_output=True, timeout=60)


def stderr(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.decode("utf-8")


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return make_package(tmp_path_factory.mktemp("cli") / "p")


@pytest.mark.parametrize("style", ["excel-da", "standard"])
def test_rank_writes_the_same_bytes_as_the_library(package, tmp_path, style):
    out = tmp_path / f"kortliste-{style}.csv"
    proc = run(
        "--data",
        str(package),
        "--weights",
        "trust=2, need=3",
        "--top",
        "2",
        "--out",
        str(out),
        "--timestamp",
        STAMP,
        "--format",
        style,
    )
    assert proc.returncode == 0, stderr(proc)
    assert proc.stdout == b""
    assert "Skrev 2 områder" in stderr(proc)

    ds = load_dataset(package)
    _, result = evaluate(ds, {"trust": 2.0, "actors": 1.0, "need": 3.0})
    expected = shortlist_csv(result, ds, 2, style, datetime.fromisoformat(STAMP))
    assert out.read_bytes() == expected
    # The weights really were applied: default weights would give different bytes.
    _, default = evaluate(ds)
    assert shortlist_csv(default, ds, 2, style, datetime.fromisoformat(STAMP)) != expected
    assert (b"2024-05-17T09:30:05+02:00") in expected


def test_rank_to_stdout_with_distance(package):
    proc = run("--data", str(package), "--top", "3", "--distance", "100", "--timestamp", STAMP)
    assert proc.returncode == 0, stderr(proc)
    ds = load_dataset(package)
    perf, result = evaluate(ds, distance_m=100)
    assert proc.stdout == shortlist_csv(
        result, ds, 3, "excel-da", datetime.fromisoformat(STAMP), provenance=perf.provenance
    )
    _, at_500 = evaluate(ds)
    assert proc.stdout != shortlist_csv(at_500, ds, 3, "excel-da", datetime.fromisoformat(STAMP))


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        ("bogus=1", "Ukendt kriterium 'bogus'"),
        ("trust=abc", "Vægten for 'trust' skal være et tal"),
        ("trust=-1", "må ikke være negativ"),
        ("trust=0,actors=0,need=0", "Alle vægte er 0"),
        ("trust", "skal skrives som kriterium=vægt"),
        ("trust=nan", "endeligt tal"),
        ("trust=1,need=2,trust=3", "'trust' står flere gange"),  # which one counts? say so, don't guess
        (" trust =1, trust=1", "'trust' står flere gange"),
    ],
)
def test_bad_weights(package, tmp_path, weights, fragment):
    out = tmp_path / "out.csv"
    proc = run("--data", str(package), "--weights", weights, "--out", str(out), "--timestamp", STAMP)
    assert proc.returncode == 2
    assert fragment in stderr(proc)
    assert "FEJL" in stderr(proc)
    assert "Traceback" not in stderr(proc)
    assert not out.exists()
    assert proc.stdout == b""


def test_bad_top_and_timestamp(package, tmp_path):
    out = tmp_path / "out.csv"
    proc = run("--data", str(package), "--top", "0", "--out", str(out))
    assert proc.returncode == 2
    assert "--top skal være et helt tal mellem 1" in stderr(proc)
    proc = run("--data", str(package), "--timestamp", "i går", "--out", str(out))
    assert proc.returncode == 2
    assert "FEJL" in stderr(proc)
    assert "Traceback" not in stderr(proc)
    assert not out.exists()


def test_missing_data_dir(tmp_path):
    out = tmp_path / "out.csv"
    proc = run("--data", str(tmp_path / "findes-ikke"), "--out", str(out))
    assert proc.returncode == 2
    assert "Data kan ikke bruges" in stderr(proc)
    assert "Datamappen findes ikke" in stderr(proc)
    assert "findes-ikke" in stderr(proc)
    assert not out.exists()


def test_broken_values_csv(tmp_path):
    rows = [list(r) for r in VALUES]
    rows[1][2] = "mange"  # a / n1, row 3 of the file
    folder = make_package(tmp_path / "p", values=[tuple(r) for r in rows])
    out = tmp_path / "out.csv"
    proc = run("--data", str(folder), "--out", str(out))
    assert proc.returncode == 2
    err = stderr(proc)
    assert "values.csv · række 3" in err
    assert "Værdien for 'n1' kan ikke bruges: 'mange' er ikke et tal" in err
    assert not out.exists()
    assert proc.stdout == b""


def test_rank_writes_xlsx_with_the_caveat(package, tmp_path):
    import io

    from openpyxl import load_workbook

    out = tmp_path / "kortliste.xlsx"
    proc = run("--data", str(package), "--top", "2", "--format", "xlsx", "--out", str(out), "--timestamp", STAMP)
    assert proc.returncode == 0, stderr(proc)
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert book["Kortliste"]["A1"].value.startswith("FORBEHOLD: ")
    assert [c.value for c in book["Kortliste"][3]][:2] == [
        1,
        load_dataset(package).areas.at[evaluate(load_dataset(package))[1].table["area_id"].iloc[0], "name"],
    ]
    assert "Om kortlisten" in book.sheetnames
    # The values that can change the shortlist travel with it (the same table as 'critical').
    from selection.output.shortlist import priority_export_table

    dataset = load_dataset(package)
    perf, result = evaluate(dataset)
    expected = priority_export_table(result, dataset, perf, 2)
    sheet = book["Vurderingsprioriteter"]
    assert [c.value for c in sheet[1]] == list(expected.columns)
    assert [r[list(expected.columns).index("Område")] for r in sheet.iter_rows(min_row=2, values_only=True)] == list(
        expected["Område"]
    )


def test_weights_by_danish_label_and_decimal_comma(package):
    """'--weights' takes a criterion's label as well as its id, and with ';' between criteria a decimal comma
    (issue 29, classes 11 and 18)."""
    by_id = run("--data", str(package), "--weights", "trust=2.5,need=3", "--timestamp", STAMP)
    by_label = run("--data", str(package), "--weights", "Tillid=2,5; need=3", "--timestamp", STAMP)
    assert by_id.returncode == 0, stderr(by_id)
    assert by_label.returncode == 0, stderr(by_label)
    assert by_label.stdout == by_id.stdout
    unknown = run("--data", str(package), "--weights", "tilid=2")
    assert unknown.returncode == 2
    assert "Ukendt kriterium 'tilid'. Kendte kriterier: trust (Tillid)" in stderr(unknown)
