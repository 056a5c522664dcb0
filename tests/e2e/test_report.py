"""End-to-end in Debian's Chromium: download the report, look at its first page; record a decision and see
the log keep the old ranking after an assessment changes."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from selection.assessments import NewAssessment, record_assessment, value_version
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from selection.storage.database import open_store
from tests.e2e.test_browser import expect_table, open_app, open_section, set_slider, table_names, wait_idle
from tests.support.factory import ADMIN, REPO
from tests.support.folds import SHORTLIST
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e
ARTEFACTS = REPO / "test-results"


@pytest.fixture(scope="module")
def report_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StreamlitServer, Path]]:
    import_dir = tmp_path_factory.mktemp("report") / "data"
    server = StreamlitServer(import_dir=import_dir)
    yield server, import_dir
    server.stop()


def test_the_report_button_downloads_a_pdf_whose_first_page_is_kept_as_png(
    report_server, page: Page, tmp_path: Path
) -> None:
    open_app(page, report_server[0].url, 13)
    # A weight change reruns only the ranked part of the page; the report must follow the ranking on screen.
    set_slider(page, "Tillidsfulde indsatser", "Home", "0")
    set_slider(page, "Motiverede aktører", "Home", "0")
    _, expected = evaluate(load_dataset(), {"trust": 0, "actors": 0, "need": 1})
    expect_table(page, list(expected.table["name"]))
    names = table_names(page)
    open_section(page, SHORTLIST)
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Hent rapport (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = tmp_path / "rapport.pdf"
    download.value.save_as(pdf)
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    first_page = " ".join((reader.pages[0].extract_text() or "").split())
    for name in names[:3]:
        assert name in first_page
    assert "Tillidsfulde indsatser 0 %, Motiverede aktører 0 %, Vurderet behov 100 %" in first_page
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "side1")],
        check=True,
        timeout=60,
    )
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "side1.png", ARTEFACTS / "rapport-side1.png")
    assert (ARTEFACTS / "rapport-side1.png").read_bytes().startswith(b"\x89PNG")


def test_a_decision_is_saved_and_the_log_keeps_the_old_ranking(report_server, page: Page) -> None:
    server, import_dir = report_server
    open_app(page, server.url, 13)
    top = table_names(page)
    page.locator("[data-testid='stButtonGroup']").get_by_text("Beslutning", exact=True).click()
    wait_idle(page)
    page.get_by_label("Deltagere (én pr. linje: navn, rolle)").fill("Bo Jensen, formand\nEva Lund, SSP")
    page.get_by_label("Begrundelse", exact=True).fill("Stærkest på tillid og behov")
    page.get_by_label("Registreret af").fill("Bo Jensen")
    page.get_by_role("button", name="Gem beslutning").click()
    wait_idle(page)
    expect(page.get_by_text("Beslutning nr. 1 er gemt.")).to_be_visible(timeout=30000)
    expect(page.get_by_text("Nr. 1 ·", exact=False).first).to_be_visible()

    # Another planner lowers the top area's assessed trust in the shared store.
    dataset = load_dataset()
    top_id = next(a for a, n in dataset.areas["name"].items() if n == top[0])
    indicator = next(i for i in dataset.model.indicators if i.assessment)
    engine = open_store(f"sqlite:///{import_dir}.sqlite")
    record_assessment(
        engine,
        NewAssessment(
            top_id, indicator.id, indicator.scale_min, "Indsatsen er lukket", "", "Anna Hansen", "SSP", date.today()
        ),
        dataset.model,
        dataset.area_ids,
        value_version(engine, top_id, indicator.id),
        actor=ADMIN,
    )
    engine.dispose()

    page.reload()
    wait_idle(page)
    page.locator("[data-testid='stButtonGroup']").get_by_text("Beslutning", exact=True).click()
    wait_idle(page)
    page.get_by_text("Nr. 1 ·", exact=False).first.click()
    expect(page.get_by_text("1 vurdering er ændret siden beslutningen", exact=False)).to_be_visible(timeout=30000)
    expect(page.get_by_text("Stærkest på tillid og behov")).to_be_visible()
