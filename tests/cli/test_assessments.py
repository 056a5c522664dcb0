"""``python -m selection assessments export|import|history`` and ``rank`` reading the same store."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from selection.data.dataset import load_dataset
from selection.output.shortlist import shortlist_csv
from selection.ranking.evaluate import evaluate
from selection.workspace import open_workspace
from tests.support.databases import assessment_criteria
from tests.support.factory import REPO, make_package

STAMP = "2026-11-20T10:00:00+01:00"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return make_package(tmp_path_factory.mktemp("cli-store") / "p", criteria=assessment_criteria())


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SELECTION_DB_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "selection", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def fill(path: Path, out: Path, fills: dict[int, dict[str, str]]) -> None:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    for n, values in fills.items():
        for column, value in values.items():
            rows[n - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows(rows)
    out.write_bytes(buf.getvalue().encode("utf-8-sig"))


def test_export_fill_import_history_and_rank_agree_with_the_library(db_url, package, tmp_path):
    sheet = tmp_path / "ark.csv"
    proc = run(db_url, "assessments", "export", "--data", str(package), "--out", str(sheet))
    assert proc.returncode == 0, proc.stderr
    fill(
        sheet,
        tmp_path / "udfyldt.csv",
        {
            6: {"Ny værdi": "5", "Begrundelse": "Stærk <b>tillid</b>"},
            7: {"Ny værdi": "5", "Begrundelse": "Stort behov"},
        },
    )
    proc = run(
        db_url,
        "assessments",
        "import",
        str(tmp_path / "udfyldt.csv"),
        "--data",
        str(package),
        "--assessor",
        "Anna Hansen",
        "--role",
        "SSP",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Indlæste 2 vurderinger fra udfyldt.csv" in proc.stdout

    proc = run(db_url, "assessments", "history", "--data", str(package), "--area", "c")
    assert proc.returncode == 0, proc.stderr
    # --assessor names someone other than the one running the command: recorded on her behalf, both named
    assert re.search(r"Anna Hansen \(registreret af [^)]+\) \(SSP\): – → 5", proc.stdout), proc.stdout
    assert "Begrundelse: Stærk <b>tillid</b>" in proc.stdout
    assert "Dokumentation: Vurderingsark: udfyldt.csv" in proc.stdout
    assert "Charlie · T1 (version 1)" in proc.stdout
    assert run(db_url, "assessments", "history", "--data", str(package), "--area", "a").stdout.startswith(
        "Ingen vurderinger gemt"
    )

    out = tmp_path / "kortliste.csv"
    proc = run(db_url, "rank", "--data", str(package), "--top", "3", "--timestamp", STAMP, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    shown = open_workspace(package, db_url).dataset
    _, result = evaluate(shown)
    assert out.read_bytes() == shortlist_csv(result, shown, 3, "excel-da", datetime.fromisoformat(STAMP))
    _, plain = evaluate(load_dataset(package))
    assert list(result.ranked["area_id"]) != list(plain.ranked["area_id"])  # the assessments changed the ranking


def test_a_sheet_with_a_row_without_reason_exits_2_naming_the_row(tmp_path, package):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    sheet = tmp_path / "ark.csv"
    assert run(url, "assessments", "export", "--data", str(package), "--out", str(sheet)).returncode == 0
    fill(sheet, tmp_path / "udfyldt.csv", {2: {"Ny værdi": "3", "Begrundelse": "ok"}, 3: {"Ny værdi": "4"}})
    proc = run(
        url, "assessments", "import", str(tmp_path / "udfyldt.csv"), "--data", str(package), "--assessor", "Anna"
    )
    assert proc.returncode == 2
    assert "udfyldt.csv · række 3: Rækken kan ikke bruges: mangler en begrundelse" in proc.stderr
    assert "intet er gemt" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert run(url, "assessments", "history", "--data", str(package)).stdout.startswith("Ingen vurderinger gemt")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["assessments", "import", "findes-ikke.csv", "--assessor", "Anna"],
            "Filen kan ikke læses (filen eller mappen findes ikke)",
        ),
        (["assessments", "history", "--area", "zz"], "Ukendt område-id 'zz'; kendte: a, b, c"),
        (["assessments", "history", "--indicator", "zz"], "Ukendt indikator-id 'zz'"),
        (["assessments", "export", "--out", "/findes/ikke/ark.csv"], "Mappen til --out findes ikke"),
    ],
)
def test_bad_command_line_input_exits_2_with_a_danish_message(tmp_path, package, args, message):
    proc = run(f"sqlite:///{tmp_path / 's.sqlite'}", *args, "--data", str(package))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_corrupt_store_makes_rank_exit_2_and_stays_as_it_was(tmp_path, package):
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"ikke en database" * 100)
    proc = run(f"sqlite:///{path}", "rank", "--data", str(package))
    assert proc.returncode == 2
    assert "beskadiget" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == b"ikke en database" * 100


def test_rank_without_a_store_creates_no_database(tmp_path, package):
    path = tmp_path / "s.sqlite"
    proc = run(f"sqlite:///{path}", "rank", "--data", str(package))
    assert proc.returncode == 0, proc.stderr
    assert not path.exists()
