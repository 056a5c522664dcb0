"""Keyboard only (WCAG 2.1.1, 2.4.3, 2.4.7): the main flow in Chromium with key presses and typing, no mouse.

Change each weight, reset, choose an area (in the map and with the labelled choice), download the
shortlist, open the Robusthed view and enter an assessment. Every stop on the way has a visible focus
indicator and a name, and the stops come in the page's reading order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from selection.ranking.evaluate import evaluate
from tests.e2e.test_accessibility import ENGLISH_NAME
from tests.e2e.test_browser import open_app, wait_idle
from tests.support.factory import bundled_in_use
from tests.support.folds import SHORTLIST
from tests.support.server import StreamlitServer
from ui.layout import SECTIONS

pytestmark = pytest.mark.e2e

PRIMARY_RGB = "176, 40, 58"  # the theme's primaryColor (#b0283a in .streamlit/config.toml): Streamlit's focus colour
SKIP_LINK = "Gå til hovedindholdet"  # the first stop of the page: passing it again means the focus wrapped around

# The element that has the focus (inside the map's frame when the focus is there): role, name, focus ring.
FOCUSED = """(PRIMARY) => {
    let doc = document, el = document.activeElement, frame = null;
    while (el && el.tagName === 'IFRAME' && el.contentDocument) {
        frame = el; doc = el.contentDocument; el = doc.activeElement;
    }
    if (!el || el === doc.body) { return {role: '', name: '', ring: false, frame: !!frame, tag: ''}; }
    const name = (() => {
        if (el.getAttribute('aria-label')) { return el.getAttribute('aria-label'); }
        const ids = el.getAttribute('aria-labelledby');
        if (ids) { return ids.split(/\\s+/).map(i => (doc.getElementById(i) || {}).innerText || '').join(' '); }
        if (el.labels && el.labels.length) { return el.labels[0].innerText; }
        const copy = el.cloneNode(true);  // the text without hidden parts (icons drawn as words)
        copy.querySelectorAll('[aria-hidden=true]').forEach(h => h.remove());
        return (el.innerText !== undefined && copy.textContent) || el.getAttribute('title') || '';
    })().trim().replace(/\\s+/g, ' ');
    const role = el.getAttribute('role') || ({INPUT: el.type === 'range' ? 'slider' : 'textbox',
        BUTTON: 'button', A: 'link', SUMMARY: 'summary', TEXTAREA: 'textbox'})[el.tagName] || el.tagName.toLowerCase();
    // A visible focus indicator on the element or on what draws it: an outline or shadow, a field's frame
    // in the theme's primary colour, a slider's thumb with a ring, a map area's thick outline.
    let ring = false;
    for (let e = el, i = 0; e && i < 5 && !ring; e = e.parentElement, i++) {
        const s = doc.defaultView.getComputedStyle(e);
        ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'
            || s.borderTopColor.includes(PRIMARY) || s.borderBottomColor.includes(PRIMARY)
            || (i === 0 && s.backgroundColor.includes(PRIMARY));  // a date part is highlighted
    }
    if (!ring && el.tagName === 'path') { ring = parseFloat(el.getAttribute('stroke-width')) >= 4; }
    // A table cell reached with the keyboard: the grid draws the selected cell's frame on its canvas.
    if (!ring && el.getAttribute('role') === 'gridcell') {
        ring = el.getAttribute('aria-selected') === 'true' && !!el.closest('[data-testid=stDataFrame]');
    }
    if (!ring && el.type === 'range') {
        const box = el.closest('[data-testid=stSlider]');
        ring = !!box && Array.from(box.querySelectorAll('*')).some(d => doc.defaultView.getComputedStyle(d).boxShadow
            .includes(PRIMARY));
    }
    return {role, name, ring, frame: !!frame, tag: el.tagName, html: el.outerHTML.slice(0, 160)};
}"""


@pytest.fixture(scope="module")
def keyboard_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on the bundled data with its own (empty) assessment store: the flow saves an assessment."""
    server = StreamlitServer(import_dir=tmp_path_factory.mktemp("keyboard") / "data")
    yield server
    server.stop()


class Keyboard:
    """Moves the focus with Tab and records every stop (role and name) in order."""

    def __init__(self, page: Page):
        self.page = page
        self.stops: list[dict] = []

    def focused(self) -> dict:
        now = self.page.evaluate(FOCUSED, PRIMARY_RGB)
        if not now["ring"] or not now["name"] or ENGLISH_NAME.search(now["name"]):
            self.page.wait_for_timeout(300)  # focus styles fade in; names are set as the page settles
            now = self.page.evaluate(FOCUSED, PRIMARY_RGB)
        return now

    def tab_to(self, wanted: Callable[[dict], bool], what: str, limit: int = 250, key: str = "Tab") -> dict:
        """Press ``key`` until the focus is on what is wanted. Forward (Tab) the focus must get there before it
        wraps around the page: the page's order is the reading order (weights, view, map, table, downloads)."""
        for _ in range(limit):
            self.page.keyboard.press(key)
            now = self.focused()
            self.stops.append(now)
            if wanted(now):
                return now
            if key == "Tab" and now["name"] == SKIP_LINK and len(self.stops) > 1:
                raise AssertionError(f"{what} comes before the previous stop in the focus order")
        raise AssertionError(f"{what} cannot be reached with {key} (last stops: {self.stops[-8:]})")

    def tab_to_name(self, role: str, name: str, **kw) -> dict:
        return self.tab_to(lambda f: f["role"] == role and f["name"] == name, f"{role} '{name}'", **kw)


def slider_values(page: Page, labels: list[str]) -> list[int]:
    return [int(page.get_by_role("slider", name=label).input_value()) for label in labels]


def status_text(page: Page) -> str:
    region = page.locator("[role=status][aria-live=polite]").filter(has_text="Rangeringen nu")
    expect(region).to_have_count(1)
    return region.inner_text()


def test_main_flow_with_the_keyboard_only(keyboard_server: StreamlitServer, page: Page, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app(page, keyboard_server.url, 13)
    keys = Keyboard(page)
    model = bundled_in_use().model
    labels = [c.label for c in model.criteria]
    defaults = slider_values(page, labels)
    before = status_text(page)

    # 1. Each weight: End on the first, one step up on the second, End on the third (the others follow).
    keys.tab_to_name("slider", labels[0])
    page.keyboard.press("End")
    expect(page.get_by_role("slider", name=labels[0])).to_have_value("100")
    wait_idle(page)
    keys.tab_to_name("slider", labels[1])
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("slider", name=labels[1])).to_have_value("1")
    wait_idle(page)
    keys.tab_to_name("slider", labels[2])
    page.keyboard.press("End")
    expect(page.get_by_role("slider", name=labels[2])).to_have_value("100")
    wait_idle(page)
    for label, value in zip(labels, ("0", "0", "100"), strict=True):  # the others follow after a rerun: poll
        expect(page.get_by_role("slider", name=label)).to_have_value(value)
    _, need_only = evaluate(bundled_in_use(), {c.id: (100 if i == 2 else 0) for i, c in enumerate(model.criteria)})
    leader = str(need_only.table.iloc[0]["name"])
    expect(page.locator("[role=status][aria-live=polite]")).to_contain_text(f"nr. 1 {leader}")
    assert status_text(page) != before, "the polite status line says the new order"

    # 2. Reset.
    keys.tab_to_name("button", "Nulstil")
    page.keyboard.press("Enter")
    wait_idle(page)
    for label, value in zip(labels, defaults, strict=True):
        expect(page.get_by_role("slider", name=label)).to_have_value(str(value))
    expect(page.locator("[role=status][aria-live=polite]").first).to_contain_text(before.splitlines()[0])
    assert status_text(page) == before

    # 3. Choose an area in the map: Tab into it, to a named area, Enter.
    names = list(bundled_in_use().areas["name"])
    area = keys.tab_to(
        lambda f: f["frame"] and f["role"] == "button" and any(f["name"].startswith(n + ",") for n in names),
        "an area in the map",
    )
    chosen = next(n for n in names if area["name"].startswith(n + ","))
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_role("heading", name=chosen, exact=True, level=3)).to_be_visible()

    # ... and with the labelled choice: type a name and press Enter.
    other = next(n for n in sorted(names) if n != chosen)
    keys.tab_to_name("combobox", "Vis detaljer for område")
    page.keyboard.type(other)
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_role("heading", name=other, exact=True, level=3)).to_be_visible()

    # 4. Download the shortlist: back up to the tabs above the details, the arrow keys to the shortlist's tab.
    keys.tab_to_name("tab", SECTIONS[0], key="Shift+Tab")
    for _ in range(SECTIONS.index(SHORTLIST)):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_role("tab", name=SHORTLIST, exact=True)).to_have_attribute("aria-selected", "true")
    keys.tab_to_name("button", "Download kortliste (CSV)", limit=400)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][0].startswith("FORBEHOLD"), "the downloaded shortlist starts with its caveat"

    # 5. Open the Robusthed view: back up to the view switch, then the arrow keys and Space.
    keys.tab_to(lambda f: f["role"] == "radio", "the view switch", key="Shift+Tab", limit=400)
    keys.tab_to_name("radio", "Robusthed", key="ArrowRight", limit=6)
    page.keyboard.press("Space")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Robusthed", exact=True, level=2)).to_be_visible()

    # 6. Enter an assessment in the Vurderinger view.
    page.keyboard.press("ArrowLeft")
    assert keys.focused()["name"] == "Vurderinger"
    page.keyboard.press("Space")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Lokale vurderinger", exact=True, level=2)).to_be_visible()
    # The name is asked once, in the sidebar (local mode): back up to it, then forward to the form.
    for label, text, key in (
        ("Dit navn", "Tove Tastatur", "Shift+Tab"),
        ("Rolle / organisation", "SSP-konsulent", "Tab"),
    ):
        keys.tab_to_name("textbox", label, key=key, limit=400)
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        wait_idle(page)
    keys.tab_to_name("textbox", "Værdi (1–5 point)")
    page.keyboard.type("4")
    keys.tab_to_name("textbox", "Begrundelse (skal udfyldes)")
    page.keyboard.type("Skolen og klubben ser flere bekymringer.")
    keys.tab_to_name("button", "Gem vurdering")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("Tove Tastaturs vurdering", exact=False)).to_be_visible()

    # Every stop was visible as focused and had a name; the order followed the page.
    assert keys.stops[0]["name"] == SKIP_LINK, "the first stop skips to the main content"
    # Every stop had a Danish name and a visible focus indicator. Left out: the moment the focus sits on a frame's
    # body, and <main>, which the skip link focuses (a target, not a control).
    stops = [s for s in keys.stops if s["tag"] not in ("", "MAIN")]
    unnamed = [s for s in stops if not s["name"]]
    assert not unnamed, f"focus stops without a name: {unnamed[:5]}"
    no_ring = [s for s in stops if not s["ring"]]
    assert not no_ring, f"focus stops without a visible focus indicator: {no_ring[:5]}"
    english = [s for s in stops if ENGLISH_NAME.search(s["name"])]
    assert not english, f"focus stops named in English: {english[:5]}"


def test_quick_key_presses_on_a_weight_slider_all_count(app_server: StreamlitServer, page: Page) -> None:
    """Issue 29 (17): ten quick ArrowRight presses moved a weight from 33 % to 40 %, not 43 %. The page sent the
    other sliders' earlier values with each press, the code read that as a move of all three and set the
    pressed slider back. Every press counts, the shares add up to 100 and the ranking is of the shares shown."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, app_server.url, 13)
    model = bundled_in_use().model
    labels = [c.label for c in model.criteria]
    slider = page.get_by_role("slider", name=labels[1])
    slider.focus()
    before = int(slider.input_value())
    for _ in range(10):
        page.keyboard.press("ArrowRight")  # no pause: the runs overlap the presses
    for _ in range(2):  # the runs the presses started, and any value that arrives after them
        wait_idle(page)
        page.wait_for_timeout(500)
    assert int(slider.input_value()) == before + 10, "every key press counts"
    shares = slider_values(page, labels)
    assert sum(shares) == 100, shares
    _, result = evaluate(bundled_in_use(), {c.id: float(v) for c, v in zip(model.criteria, shares, strict=True)})
    leader = str(result.table.iloc[0]["name"])
    expect(page.locator("[role=status][aria-live=polite]")).to_contain_text(f"nr. 1 {leader}")
