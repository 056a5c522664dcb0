"""End-to-end assessments in Chromium: saved with a reason, kept over a reload, shared, stale saves refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.test_browser import open_app, wait_idle
from tests.e2e.test_import import choose_view
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e

INDICATOR = "need_assessed"
FORM = f".st-key-assess_{INDICATOR}"


@pytest.fixture(scope="module")
def assessment_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app with its own import folder and hence its own empty assessment database beside it."""
    server = StreamlitServer(import_dir=tmp_path_factory.mktemp("assessments") / "data")
    yield server
    server.stop()


def open_assessments(page: Page, url: str, name: str, role: str) -> Locator:
    """Open the app, switch to Vurderinger, say who is assessing; return the need indicator's form."""
    open_app(page, url, 13)
    choose_view(page, "Vurderinger")
    for label, text in (("Dit navn", name), ("Rolle / organisation", role)):
        field = page.get_by_label(label, exact=True)
        field.fill(text)
        field.press("Tab")
        wait_idle(page)
    form = page.locator(FORM)
    expect(form).to_be_visible()
    return form


def save(page: Page, form: Locator, value: str, reason: str) -> None:
    form.get_by_label("Værdi (1–5 point)").fill(value)
    form.get_by_label("Begrundelse (skal udfyldes)").fill(reason)
    form.get_by_role("button", name="Gem vurdering").click()
    wait_idle(page)


def test_assessment_survives_reload_is_shared_and_stale_save_is_refused(
    assessment_server: StreamlitServer, browser: Browser
) -> None:
    first_ctx, second_ctx = browser.new_context(viewport={"width": 1280, "height": 900}), browser.new_context()
    try:
        first = first_ctx.new_page()
        form = open_assessments(first, assessment_server.url, "Anna Andersen", "SSP-konsulent")
        save(first, form, "5", "Mange bekymringer fra skole og klub <b>i år</b>.")
        expect(first.get_by_text("Anna Andersens vurdering", exact=False)).to_be_visible()
        expect(form.get_by_text("Anna Andersen: 5", exact=False)).to_be_visible()
        expect(form.get_by_label("Begrundelse (skal udfyldes)")).to_have_value("")  # emptied for the next one
        expect(form.get_by_label("Værdi (1–5 point)")).to_have_value("")

        first.reload()
        form = open_assessments(first, assessment_server.url, "Anna Andersen", "SSP-konsulent")
        expect(form.get_by_text("Anna Andersen: 5", exact=False)).to_be_visible()
        form.get_by_text("Historik (1)").click()
        expect(form.get_by_text("Historik (1)")).to_be_visible()

        second = second_ctx.new_page()
        other = open_assessments(second, assessment_server.url, "Bo Berg", "Skoleleder")
        expect(other.get_by_text("Anna Andersen: 5", exact=False)).to_be_visible()
        save(second, other, "3", "Skolen ser færre sager end sidste år.")
        expect(other.get_by_text("Bo Berg: 3", exact=False)).to_be_visible()

        save(first, form, "4", "Min gamle formular")  # opened before Bo Berg saved
        refusal = first.locator("[data-testid='stAlertContentError']").filter(has_text="ændret, siden formularen")
        expect(refusal).to_be_visible()
        expect(refusal).to_contain_text("Bo Berg")
        expect(refusal).to_contain_text("ikke gemt")
        expect(form.get_by_text("Historik (2)")).to_be_visible()  # Anna's and Bo's entries; the stale one is not there
        expect(form.get_by_text("Anna Andersen: 5", exact=False)).to_be_visible()
    finally:
        first_ctx.close()
        second_ctx.close()
