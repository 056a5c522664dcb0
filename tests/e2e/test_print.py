"""Printing the page (issue #11): the map stays with its heading, no table is cut off on A4; the page says the
weights and the scenario it was made with (issue 29, class 17)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.test_browser import SCREENS, default_top, open_app, set_slider
from tests.support.factory import bundled_in_use
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e

# Every data grid still shown on paper: its columns must fit (a grid scrolls sideways when they do not).
OVERFLOW = """() => Array.from(document.querySelectorAll("[data-testid='stDataFrame']"))
  .filter(g => g.offsetParent !== null)
  .map(g => { const s = g.querySelector('.dvn-scroller'); return [s.scrollWidth, s.clientWidth]; })"""


def test_the_printed_page_keeps_the_map_with_its_heading_and_cuts_no_table(
    app_server: StreamlitServer, page: Page
) -> None:
    open_app(page, app_server.url, 13)
    page.wait_for_timeout(800)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4 minus the margins, in CSS pixels
    page.wait_for_timeout(800)
    grids = page.evaluate(OVERFLOW)
    assert grids, "the ranking is printed"
    assert all(scroll <= client + 1 for scroll, client in grids), grids
    assert page.locator("[data-testid='stSidebar']").evaluate("e => getComputedStyle(e).display") == "none"
    notes = page.locator("[class*='st-key-wide_']").evaluate_all(
        "es => es.map(e => getComputedStyle(e, '::after').content)"
    )
    assert notes
    assert all("for bred til papir" in n for n in notes), notes

    pdf = page.pdf(format="A4", print_background=True)
    SCREENS.mkdir(parents=True, exist_ok=True)
    (SCREENS / "udskrift.pdf").write_bytes(pdf)
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]
    assert 2 <= len(pages) <= 10, len(pages)
    with_heading = [i for i, text in enumerate(pages) if "Kort over rangerede områder" in text]
    assert len(with_heading) == 1
    map_page = pages[with_heading[0]]
    assert "Leaflet" in map_page, "the map prints with the heading"
    assert "Samlet score" in map_page, "the map's legend prints with the heading"
    _, top_name = default_top()
    assert any("Rangering" in text and top_name.split("/")[0] in text for text in pages)


def test_the_printed_ranking_says_which_weights_and_scenario_it_was_made_with(
    app_server: StreamlitServer, page: Page
) -> None:
    """Issue 29 (17): the sidebar is not printed, so paper left out the weights and the scenario. A block only
    paper shows names them (and follows a weight move)."""
    model = bundled_in_use().model
    labels = [c.label for c in model.criteria]
    open_app(page, app_server.url + "?scenarie=behov-foerst", 13)  # a starting point: weights 1 : 1 : 2
    block = page.locator(".st-key-print_settings")
    expect(block).to_be_attached()
    expect(block).to_be_hidden()  # on screen the sidebar says it
    expect(page.locator("[data-testid=stLayoutWrapper]:has(> .st-key-print_settings)")).to_be_hidden()  # no gap
    page.emulate_media(media="print")
    expect(block).to_be_visible()
    text = block.inner_text()
    assert "Behov først (udgangspunkt)" in text, text
    for label, share in zip(labels, (25, 25, 50), strict=True):
        assert f"{label} {share} %" in text, text
    assert "Udelukkelsesregler: ingen" in text, text
    expect(page.get_by_role("button", name="Vejledning")).to_be_hidden()  # a control, useless on paper
    first = (PdfReader(io.BytesIO(page.pdf(format="A4"))).pages[0].extract_text() or "").replace("\n", " ")
    assert "Behov først (udgangspunkt)" in first, first
    assert f"{labels[2]} 50 %" in first, first

    page.emulate_media(media="screen")
    set_slider(page, labels[0], "ArrowRight", "26")  # the printed block follows the screen
    page.emulate_media(media="print")
    expect(block).to_contain_text("ændret på skærmen, ikke gemt")
    expect(block).to_contain_text(f"{labels[0]} 26 %")
