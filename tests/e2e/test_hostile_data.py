"""Issue 7, class 8 in the browser: a data package whose names, notes, sources, labels and imported
file names hold Markdown images, links and HTML makes no request outside localhost and shows no
link or image from the data."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.app.test_escaping import EVIL, HOSTILE, hostile_package
from tests.e2e.test_browser import LOCAL_HOSTS, open_app, wait_idle
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def markup_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    server = StreamlitServer(hostile_package(tmp_path_factory.mktemp("markup") / "pkg"))
    yield server
    server.stop()


def test_markup_in_data_is_shown_as_text_and_fetches_nothing(markup_server: StreamlitServer, page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_app(page, markup_server.url, 3)
    expect(page.get_by_role("heading", name=f"Alfa {HOSTILE}", exact=True)).to_be_visible()
    expect(page.get_by_text(f"fil {HOSTILE}.csv", exact=False).first).to_be_visible()
    page.locator("[data-testid='stButtonGroup']").get_by_text("Robusthed", exact=True).click()
    wait_idle(page)
    page.wait_for_timeout(500)
    for selector in (f"a[href*='{EVIL}']", f"img[src*='{EVIL}']", "[data-testid='stMarkdownContainer'] img"):
        assert page.locator(selector).count() == 0, selector
    external = [
        u
        for u in requests
        if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname not in LOCAL_HOSTS
    ]
    assert external == [], f"requests left localhost: {external[:5]}"
