"""Browser checks of user input that only shows in a real browser: uploads the page must tell apart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import open_app, set_slider, wait_idle
from tests.e2e.test_import import choose_view
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    server = StreamlitServer(import_dir=tmp_path_factory.mktemp("store") / "data")
    yield server
    server.stop()


def test_two_uploads_with_the_same_file_name_get_a_danish_message(
    server: StreamlitServer, page: Page, tmp_path
) -> None:
    """Two files called the same (dragged from two folders) must not break the page (a widget per file name)."""
    files = []
    for folder, value in (("a", 5), ("b", 1)):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "vaerdier.csv"
        path.write_text(f"Område;need_assessed\r\nAkacieparken;{value}\r\n", encoding="utf-8")
        files.append(str(path))
    open_app(page, server.url, 13)
    choose_view(page, "Indlæs data")
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(files)
    wait_idle(page)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.get_by_text("vaerdier.csv", exact=False).first).to_be_visible()
    expect(page.get_by_text("Flere af filerne hedder det samme (vaerdier.csv)", exact=False).first).to_be_visible()


def test_the_copied_link_with_a_list_status_rule_opens_the_same_rule(server: StreamlitServer, page: Page) -> None:
    """'Kopiér link' writes 'listestatus:verified+inferred'; a '+' in an address is read as a space, and that
    link must still open the rule (and so must one typed by hand as in the README)."""
    open_app(page, server.url + "?regel=listestatus:verified%2Binferred", 13)
    expect(page.get_by_text("Udelukket: listestatus er Kandidat").first).to_be_attached()
    page.get_by_role("button", name="Kopiér link").click()
    code = page.locator("[data-testid='stCode']").first
    expect(code).to_contain_text("regel=listestatus:")
    link = code.inner_text().strip()
    page.goto("about:blank")
    open_app(page, link, 13)
    expect(page.get_by_text("Udelukket: listestatus er Kandidat").first).to_be_attached()
    expect(page.get_by_text("Linket kunne ikke bruges")).to_have_count(0)


def test_an_import_preview_ranks_with_the_ranking_shown_when_the_sub_weights_on_screen_cannot(
    server: StreamlitServer, page: Page, tmp_path
) -> None:
    """Every sub-weight of a weighted criterion at 0: the page keeps the last valid ranking, and the import's
    'before and after' uses its weights (it said 'Filerne kan ikke læses' and offered no import)."""
    values = tmp_path / "vaerdier.csv"
    values.write_text("Område;need_assessed\r\nAkacieparken;5\r\n", encoding="utf-8")
    open_app(page, server.url, 13)
    page.get_by_text("Delvægte for indikatorer").click()
    for label in ("Lokalt vurderet behov", "Social kontrol nævnt i lokale planer"):
        set_slider(page, label, "Home", "0")
    expect(page.get_by_text("Alle delvægte for", exact=False).first).to_be_visible()
    choose_view(page, "Indlæs data")
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files([str(values)])
    wait_idle(page)
    expect(page.get_by_text("Rangering før og efter (nuværende vægte)")).to_be_visible(timeout=20000)
    expect(page.get_by_text("Filerne kan ikke læses", exact=False)).to_have_count(0)
    expect(page.get_by_role("button", name="Anvend import")).to_be_visible()
