"""The area being assessed, as a person sees it (issue 29, class 1): the picker, the form, the map and the save
agree after a visit to another tab; typed text survives a change of area; a save names the area."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.test_browser import open_app, open_section, wait_idle
from tests.e2e.test_import import choose_view
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e

INDICATOR = "need_assessed"
FORM = f".st-key-assess_{INDICATOR}"
PICKER = "Område"
TINGBJERG = "Tingbjerg/Utterslevhuse"


@pytest.fixture(scope="module")
def area_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app with an empty assessment database of its own."""
    server = StreamlitServer(import_dir=tmp_path_factory.mktemp("assessment-area") / "data")
    yield server
    server.stop()


def picker(page: Page) -> Locator:
    return page.get_by_role("combobox", name=PICKER, exact=True)


def pick(page: Page, name: str) -> None:
    picker(page).click()
    page.get_by_role("option", name=name, exact=True).click()
    wait_idle(page)


def expect_area(page: Page, name: str) -> None:
    """The picker, the line under the map and the form's 'now' text all speak of ``name``."""
    expect(picker(page)).to_have_value(name)
    expect(page.get_by_text(f"{name}: nr.", exact=False)).to_be_visible()


def test_picker_form_and_map_agree_after_another_tab_and_typed_text_survives(
    area_server: StreamlitServer, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        open_app(page, area_server.url, 13)
        choose_view(page, "Vurderinger")
        name = page.get_by_label("Dit navn", exact=True)
        name.fill("Anna Andersen")
        name.press("Tab")
        wait_idle(page)
        pick(page, TINGBJERG)
        expect_area(page, TINGBJERG)

        choose_view(page, "Rangering og kort")
        open_section(page, "Kortliste til styregruppen")
        choose_view(page, "Vurderinger")
        expect_area(page, TINGBJERG)

        form = page.locator(FORM)
        form.get_by_label("Værdi (1–5 point)").fill("3,5")
        form.get_by_label("Begrundelse (skal udfyldes)").fill("Skolen og klubben ser flere sager.")
        form.get_by_label("Begrundelse (skal udfyldes)").press("Tab")
        wait_idle(page)
        pick(page, "Lundtoftegade")
        expect_area(page, "Lundtoftegade")
        expect(form.get_by_label("Værdi (1–5 point)")).to_have_value("")
        expect(page.get_by_text("Ikke gemt endnu", exact=False)).to_contain_text(TINGBJERG)
        pick(page, TINGBJERG)
        expect_area(page, TINGBJERG)
        expect(form.get_by_label("Værdi (1–5 point)")).to_have_value("3,5")
        expect(form.get_by_label("Begrundelse (skal udfyldes)")).to_have_value("Skolen og klubben ser flere sager.")

        form.get_by_role("button", name="Gem vurdering").click()
        wait_idle(page)
        expect(page.locator("[data-testid='stAlertContentSuccess']")).to_contain_text(f"for {TINGBJERG}")
        expect_area(page, TINGBJERG)
    finally:
        context.close()
