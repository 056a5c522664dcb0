"""``python -m selection report``: today's data or a decision's snapshot, as HTML or PDF; Danish errors, exit 2."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from selection.assessments import NewAssessment, record_assessment, value_version
from selection.data.dataset import load_dataset
from selection.decisions import NewDecision, Participant, record_decision
from selection.report.snapshot import snapshot_from_store
from selection.storage.database import open_store
from tests.support.databases import assessment_criteria
from tests.support.factory import ADMIN, REPO, make_package
from tests.support.rounds import make_round

DAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return make_package(tmp_path_factory.mktemp("cli-report") / "p", criteria=assessment_criteria())


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SELECTION_DB_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "selection", "report", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def assess(engine, dataset, value: float, reason: str) -> None:
    record_assessment(
        engine,
        NewAssessment("c", "n1", value, reason, "", "Anna Hansen", "SSP", DAY),
        dataset.model,
        dataset.area_ids,
        value_version(engine, "c", "n1"),
        actor=ADMIN,
    )


def test_the_report_of_today_is_written_as_pdf_and_html(package, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    pdf, html = tmp_path / "rapport.pdf", tmp_path / "rapport.html"
    done = run(url, "--data", str(package), "--format", "pdf", "--out", str(pdf), "--smaa", "500", "--top", "2")
    assert done.returncode == 0, done.stderr
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Alfa" in text
    assert "Bravo" in text
    done = run(
        url,
        "--data",
        str(package),
        "--format",
        "html",
        "--out",
        str(html),
        "--smaa",
        "500",
        "--weights",
        "trust=0,actors=0,need=1",
    )
    assert done.returncode == 0, done.stderr
    assert "Behov 100 %" in html.read_text(encoding="utf-8")


def test_the_report_of_a_decision_shows_its_snapshot_and_what_changed(package, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    dataset = load_dataset(package)
    engine = open_store(url)
    assess(engine, dataset, 1, "Lavt behov ifølge SSP-møde")
    saved = record_decision(
        engine,
        NewDecision(
            DAY,
            (Participant("Bo Jensen", "Formand"),),
            "Standardvægte",
            "a",
            "Alfa har de stærkeste indsatser",
            "Eva: Charlie burde vælges",
            "",
            "Bo Jensen",
        ),
        snapshot_from_store(dataset, engine, n_samples=300),
        actor=ADMIN,
    )
    assess(engine, dataset, 5, "Nyt: meget højt behov")
    engine.dispose()
    out = tmp_path / "beslutning.html"
    done = run(url, "--data", str(package), "--format", "html", "--out", str(out), "--decision", str(saved.id))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "Alfa har de stærkeste indsatser" in html
    assert "Eva: Charlie burde vælges" in html
    assert "Lavt behov ifølge SSP-møde" in html
    assert "Nyt: meget højt behov" not in html
    assert "1 vurdering er ændret siden beslutningen" in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--decision", "42"], "Der er ingen beslutning nr. 42"),
        (["--top", "0"], "--top skal være et helt tal mellem 1"),
        (["--weights", "nope=2"], "Ukendt kriterium 'nope'"),
        (["--decision", "1", "--top", "2"], "kan ikke bruges med --decision"),
        (["--decision", "1", "--round", "1"], "--round kan ikke bruges med --decision"),
        (["--round", "Runde maj"], "Der er ingen vægtningsrunde 'Runde maj'"),
    ],
)
def test_bad_arguments_give_a_danish_message_and_exit_2(package, tmp_path, extra, message):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    out = tmp_path / "r.html"
    done = run(url, "--data", str(package), "--format", "html", "--out", str(out), *extra)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_the_report_with_a_round_has_the_section_and_refuses_a_round_not_yet_shown(package, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = open_store(url)
    dataset = load_dataset(package)
    answers = [("Zebulon Quistgaard", {"trust": 60, "actors": 20, "need": 20}), ("Xenia Pjuskebusk", {"need": 100})]
    make_round(engine, dataset, answers, name="Maj", anonymous=True)
    make_round(engine, dataset, answers[:1], name="Ikke vist", reveal=False)
    engine.dispose()
    out = tmp_path / "r.html"
    done = run(url, "--data", str(package), "--format", "html", "--out", str(out), "--smaa", "200", "--round", "maj")
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert 'id="vaegtning"' in html
    assert "Runde nr. 1: Maj" in html
    assert "Deltager 2" in html
    assert "Quistgaard" not in html
    assert "Pjuskebusk" not in html
    done = run(url, "--data", str(package), "--format", "html", "--out", str(tmp_path / "x.html"), "--round", "2")
    assert done.returncode == 2
    assert "er ikke vist endnu" in done.stderr
    assert "Traceback" not in done.stderr
    done = run(url, "--data", str(package), "--format", "html", "--out", str(tmp_path / "y.html"), "--round", "7")
    assert done.returncode == 2
    assert "Der er ingen vægtningsrunde nr. 7" in done.stderr


def test_an_existing_file_is_never_overwritten_without_asking(package, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    out = tmp_path / "r.html"
    out.write_text("mine", encoding="utf-8")
    done = run(url, "--data", str(package), "--format", "html", "--out", str(out), "--smaa", "200")
    assert done.returncode == 2
    assert "findes allerede" in done.stderr
    assert out.read_text(encoding="utf-8") == "mine"
    done = run(url, "--data", str(package), "--format", "html", "--out", str(out), "--smaa", "200", "--overwrite")
    assert done.returncode == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".rapport-")] == []


def test_the_report_with_scenarios_names_them_applies_their_rules_and_compares(tmp_path):
    """A saved scenario (by number) and two starting points (by key and by name) from the bundled data."""
    from selection.config import BUNDLED_DATA_DIR
    from selection.scenarios import parse_settings
    from selection.scenarios import saved as scenarios

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    bundled = load_dataset(BUNDLED_DATA_DIR)
    engine = open_store(url)
    rules = [{"kind": "list_status", "allowed": ["verified", "inferred"]}]
    saved = scenarios.save_new(
        engine,
        bundled.model,
        "Mødets <b>vægtning</b>",
        "Til {{ mødet }}.",
        parse_settings({"weights": {"trust": 1, "actors": 2, "need": 3}, "rules": rules}, bundled.model),
        "Anna",
        actor=ADMIN,
    )
    engine.dispose()
    pdf = tmp_path / "r.pdf"
    done = run(
        url,
        "--data",
        str(BUNDLED_DATA_DIR),
        "--format",
        "pdf",
        "--out",
        str(pdf),
        "--smaa",
        "300",
        "--scenario",
        str(saved.id),
        "--scenario",
        "behov-foerst",
        "--scenario",
        "byg videre på det, der virker",
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages).split())
    assert f"Mødets <b>vægtning</b> (nr. {saved.id}, version 1)" in text
    assert "Til {{ mødet }}." in text
    assert "Kun områder med listestatus Verificeret eller Udledt" in text
    assert "Udelukket: listestatus er Kandidat" in text
    assert "Sammenligning af scenarier" in text
    assert "af 3 scenarier" in text
    html = tmp_path / "r.html"
    done = run(
        url,
        "--data",
        str(BUNDLED_DATA_DIR),
        "--format",
        "html",
        "--out",
        str(html),
        "--smaa",
        "300",
        "--scenario",
        "behov-foerst",
    )
    assert done.returncode == 0, done.stderr
    page = html.read_text(encoding="utf-8")
    assert "Behov først (udgangspunkt fra datapakken)" in page
    assert "Sammenligning af scenarier" not in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scenario", "findes-ikke"], "Der er intet scenarie 'findes-ikke'"),
        (["--scenario", "999"], "Der er intet scenarie nr. 999"),
        (["--scenario", "standard"] * 6, "Højst 5 scenarier"),
        (["--scenario", "standard", "--weights", "need=1"], "--scenario kan ikke bruges sammen med --weights"),
        (["--scenario", "standard", "--decision", "1"], "kan ikke bruges med --decision"),
        (["--scenario"], "mangler en værdi"),
    ],
)
def test_bad_scenario_arguments_give_a_danish_message_and_exit_2(tmp_path, extra, message):
    from selection.config import BUNDLED_DATA_DIR

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    if "999" in extra:
        open_store(url).dispose()  # a store exists, without that scenario
    out = tmp_path / "r.html"
    done = run(url, "--data", str(BUNDLED_DATA_DIR), "--format", "html", "--out", str(out), "--smaa", "200", *extra)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
