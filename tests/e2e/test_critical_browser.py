"""End-to-end in Debian's Chromium: the values that decide the choice, as a planner sees and downloads them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from selection.analysis.critical.priorities import priority_list
from selection.analysis.critical.values import critical_values
from selection.ranking.evaluate import evaluate
from tests.e2e.test_browser import open_app, open_section, wait_idle
from tests.support.factory import bundled_in_use
from tests.support.folds import SHORTLIST
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e


def expected_priorities(top_n: int = 3):
    dataset = bundled_in_use()
    perf, result = evaluate(dataset)
    table = critical_values(perf.matrix, dataset.model, result, perf.provenance, top_n)
    return priority_list(table, dataset.model, dataset.areas["name"].to_dict(), top_n)


def read_csv(path: str) -> list[dict[str, str]]:
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Danish Excel CSV starts with a BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_shortlist_offers_the_priority_csv(app_server: StreamlitServer, page: Page) -> None:
    open_app(page, app_server.url, 13)
    expect(page.get_by_text("Kritiske værdier", exact=False).first).to_be_visible()
    open_section(page, SHORTLIST)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download vurderingsprioriteter (CSV)").click()
    assert download.value.suggested_filename == "vurderingsprioriteter_top3.csv"
    rows = read_csv(download.value.path())
    plist = expected_priorities()
    assert [r["Område"] for r in rows] == list(plist["area"])
    assert [r["Sætning"] for r in rows] == list(plist["sentence"])
    assert all("," in r["Kritisk værdi"] for r in rows if r["Kritisk værdi"] not in ("0", "1"))
    # The shortlist download next to it still works (two downloads in one panel).
    with page.expect_download() as shortlist:
        page.get_by_role("button", name="Download kortliste (CSV)").click()
    assert shortlist.value.suggested_filename == "kortliste_top3.csv"


def test_robustness_view_lists_the_deciding_values(app_server: StreamlitServer, page: Page) -> None:
    open_app(page, app_server.url, 13)
    page.locator("[data-testid='stButtonGroup']").get_by_text("Robusthed", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Hvilke værdier afgør valget?")).to_be_visible()
    plist = expected_priorities()
    expect(page.get_by_text(plist["sentence"].iloc[0])).to_be_visible()
    expect(page.get_by_text("Mindste samlede ændring", exact=False)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download listen (CSV)").click()
    assert [r["Indikator-id"] for r in read_csv(download.value.path())] == list(plist["indicator_id"])
    page.get_by_role("button", name="Vis området i detaljepanelet").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=plist["area"].iloc[0], exact=True)).to_be_visible()
