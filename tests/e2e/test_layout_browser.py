"""The page's layout as a person sees it at 1280x720 and on a phone (issue 29, class 17): the guide moves
nothing when opened, no button's label is cut, a rule's remove button has a word (a '✕' showed as an empty box)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import MAP_FRAME, SCREENS, open_app, wait_idle
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 720}
GUIDE = "Vejledning"  # the popover beside the view switch
VIEWS = ("Rangering og kort", "Vurderinger", "Robusthed", "Indlæs data", "Beslutning", "Styregruppe", "Registre")

# Every button a person can see whose text does not fit: a label cut with '…' (text-overflow) or running out
# of its box. Elements off screen (a closed sidebar) are left out.
CUT_LABELS = """() => {
    const seen = (e) => { const r = e.getBoundingClientRect();
        return e.offsetParent !== null && r.width > 0 && r.right > 0 && r.left < window.innerWidth; };
    return Array.from(document.querySelectorAll('button, [role=button]')).filter(seen).flatMap(b => {
        const cut = [b, ...b.querySelectorAll('*')].filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth);
        return cut.length ? [{text: b.innerText.trim().replace(/\\s+/g, ' ').slice(0, 60),
            box: b.clientWidth, need: Math.max(...cut.map(e => e.scrollWidth))}] : [];
    });
}"""


@pytest.fixture(scope="module")
def layout_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on the bundled data with its own store: the button test saves a scenario."""
    server = StreamlitServer(import_dir=tmp_path_factory.mktemp("layout") / "data")
    yield server
    server.stop()


def map_top(page: Page) -> float:
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    return box["y"]


def test_the_guide_opens_over_the_page_and_names_every_view(layout_server: StreamlitServer, page: Page) -> None:
    """Opened, the guide used to push the map about 500 px down (an expander beside the view switch); it named
    only the ranking and Robusthed."""
    page.set_viewport_size(LAPTOP)
    open_app(page, layout_server.url, 13)
    closed = map_top(page)
    assert closed < 400, f"the map starts {closed:.0f} px down at 1280x720"
    page.get_by_role("button", name=GUIDE).click()
    wait_idle(page)
    guide = page.locator("ol").filter(has_text="Læs datastatus")
    expect(guide).to_be_visible()
    assert map_top(page) == pytest.approx(closed, abs=2), "opening the guide moved the map"
    text = guide.inner_text()
    missing = [v for v in VIEWS if v not in text]
    assert not missing, f"the guide does not name the views {missing}"
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "guide-1280.png"))


def open_sidebar(page: Page) -> None:
    sidebar = page.locator("[data-testid=stSidebar]")
    if sidebar.get_attribute("data-collapsed") == "true":  # on a phone the sidebar starts closed
        page.locator("[data-testid=stExpandSidebarButton]").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        page.wait_for_timeout(500)  # the sidebar slides in


def open_scenarios_with_a_saved_one_and_a_rule(page: Page, name: str) -> None:
    """The scenario part with every button it can show: a saved scenario opened (Omdøb, Kopiér, Arkivér) and a
    rule (its remove button)."""
    open_sidebar(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Scenarier og udelukkelse").click()
    wait_idle(page)
    sidebar.get_by_role("textbox", name="Dit navn").fill("Lise Layout")
    sidebar.get_by_role("textbox", name="Dit navn").press("Enter")
    wait_idle(page)
    sidebar.get_by_role("textbox", name="Scenariets navn").fill(name)
    sidebar.get_by_role("textbox", name="Begrundelse (skal udfyldes)").fill("Afprøver knapperne.")
    sidebar.get_by_role("button", name="Gem som scenarie").click()
    wait_idle(page)
    expect(sidebar.get_by_text("Gemt som scenarie nr.")).to_be_visible()
    sidebar.get_by_role("button", name="Tilføj regel").click()  # the first kind: 'Krævet listestatus'
    wait_idle(page)


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1280x720", "390x844"])
def test_no_button_label_is_cut(layout_server: StreamlitServer, page: Page, size: dict[str, int]) -> None:
    """At 1280x720 the scenario buttons were cut to 'O…' and 'Ko…' (three columns in the sidebar), and the rule's
    '✕' showed as an empty box where the font lacks it."""
    page.set_viewport_size(size)
    open_app(page, layout_server.url, 13)
    assert not page.evaluate(CUT_LABELS), "a button on the page has a cut label"
    open_scenarios_with_a_saved_one_and_a_rule(page, f"Knapper {size['width']}")
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar.get_by_role("button", name="Tilføj regel", exact=True)).to_be_visible()
    SCREENS.mkdir(parents=True, exist_ok=True)
    sidebar.screenshot(path=str(SCREENS / f"scenario-buttons-{size['width']}.png"))
    cut = page.evaluate(CUT_LABELS)
    assert not cut, f"buttons whose label does not fit at {size['width']} px: {cut}"
    for label in ("Omdøb", "Kopiér", "Arkivér", "Fjern regel 1", "Gem ændring som ny version"):
        expect(sidebar.get_by_role("button", name=label, exact=True)).to_be_visible()
    remove = sidebar.get_by_role("button", name="Fjern regel 1", exact=True)
    assert "✕" not in remove.inner_text()
    remove.click()
    wait_idle(page)
    expect(sidebar.get_by_text("Ingen regler: alle områder rangeres.")).to_be_visible()
