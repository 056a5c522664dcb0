"""Accessibility in Chromium (WCAG 2.1 AA): axe-core scans of every view, the page language, Danish names
for every control, reflow at 320 px. The keyboard-only flow is in test_keyboard.py.

The views are read from the page's view switch at test time, so a view added later is scanned too.
In each view every expander is opened, every tab and popover shown and every dialog opened (a button
that opens a dialog has a key starting with ``open_dialog_``), and the page is scanned in each state.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import open_app, wait_idle
from tests.support.server import StreamlitServer
from ui.layout import SECTIONS

pytestmark = pytest.mark.e2e

AXE = Axe()
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "axe"
FAILING_IMPACTS = {"serious", "critical"}
# Moderate or minor findings that the app cannot fix (inside Streamlit's own widgets), each with the reason
# (the README's accessibility statement lists the same). Matched on the rule and the element's markup.
ACCEPTED = {
    (
        "presentation-role-conflict",
        'data-testid="stFileUploaderDropzone"',
    ): "Streamlit's file uploader gives its drop zone role=presentation and a label; the button inside it is "
    "the control, it is focusable and has the Danish label.",
}
VIEW_SWITCH = ".st-key-view [data-testid='stButtonGroup']"
DIALOG_OPENERS = "[class*='st-key-open_dialog_'] button"
# Accessible names that Streamlit writes in English (ui/a11y.py gives them Danish names).
ENGLISH_NAME = re.compile(
    r"\b(Help for|Search|Fullscreen|Show|Hide|Download as|Copy|Open|Close|Clear|Increment|"
    r"Decrement|Skip to|Link to|Browse|Upload|Delete|Remove|Toggle|Select|Zoom in|Zoom out|Choose|year|"
    r"month|day|keyboard_arrow\w*)\b"
)


@pytest.fixture(scope="module")
def a11y_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on the bundled data with its own (empty) import folder and assessment store."""
    server = StreamlitServer(import_dir=tmp_path_factory.mktemp("a11y") / "data")
    yield server
    server.stop()


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page, iframes included (axe is put into every frame first)."""
    for frame in page.frames:
        try:
            frame.evaluate(AXE.axe_script)
        except Exception:  # a frame that went away while we injected: the next state is scanned anyway
            continue
    return page.evaluate("axe.run(document, {resultTypes: ['violations'], iframes: true}).then(r => r.violations)")


def accepted(rule: str, html: str) -> bool:
    return any(rule == r and marker in html for r, marker in ACCEPTED)


def findings(violations: list[dict]) -> list[str]:
    """Every violation that must be fixed: serious/critical ones, and moderate/minor ones not accepted."""
    out = []
    for v in violations:
        for node in v["nodes"]:
            if v["impact"] in FAILING_IMPACTS or not accepted(v["id"], node["html"]):
                checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
                message = checks[0]["message"] if checks else v["help"]
                out.append(f"{v['id']} ({v['impact']}): {node['html'][:160]} — {message[:200]}")
    return out


def settle(page: Page) -> None:
    wait_idle(page)
    page.wait_for_timeout(400)  # charts and the map draw after the script run
    wait_idle(page)


def view_names(page: Page) -> list[str]:
    names = page.locator(VIEW_SWITCH).get_by_role("radio").all_inner_texts()
    assert len(names) >= 5, f"the view switch lists too few views: {names}"
    return [n.strip() for n in names]


def choose(page: Page, view: str) -> None:
    """Switch to ``view`` (a click on the chosen one would unselect it)."""
    button = page.locator(VIEW_SWITCH).get_by_role("radio", name=view, exact=True)
    if button.get_attribute("aria-checked") != "true":
        button.click()
    settle(page)
    expect(button).to_have_attribute("aria-checked", "true")


def open_expanders(page: Page) -> None:
    """Open every closed expander (main area and sidebar), including ones that appear when another opens."""
    for _ in range(30):
        closed = page.locator("details:not([open]) > summary").filter(visible=True)
        if closed.count() == 0:
            return
        closed.first.click()
        wait_idle(page)


def test_every_view_passes_axe_with_expanders_tabs_popovers_and_dialogs_open(
    a11y_server: StreamlitServer, page: Page
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    open_app(page, a11y_server.url, 13)
    problems: dict[str, list[str]] = {}
    scanned: list[str] = []
    RESULTS.mkdir(parents=True, exist_ok=True)

    def scan(state: str) -> None:
        violations = axe_violations(page)
        scanned.append(state)
        (RESULTS / f"{re.sub(r'[^a-z0-9]+', '-', state.lower())}.json").write_text(
            json.dumps(violations, ensure_ascii=False, indent=1)
        )
        if found := findings(violations):
            problems[state] = found

    for view in view_names(page):
        choose(page, view)
        scan(view)
        open_expanders(page)
        settle(page)
        scan(f"{view}, udvidede felter åbne")
        tabs = page.locator("[data-testid='stMain'] [role=tab]")
        for i in range(1, tabs.count()):  # the first tab was scanned above
            tabs.nth(i).click()
            settle(page)
            open_expanders(page)
            scan(f"{view}, fanen {tabs.nth(i).inner_text().strip()}")
        if tabs.count():
            tabs.first.click()
            settle(page)
        for i in range(page.locator("[data-testid='stPopover'] button").count()):
            page.locator("[data-testid='stPopover'] button").nth(i).click()
            settle(page)
            scan(f"{view}, popover {i + 1}")
            page.keyboard.press("Escape")
            settle(page)
        for i in range(page.locator(DIALOG_OPENERS).count()):
            page.locator(DIALOG_OPENERS).nth(i).click()
            expect(page.get_by_role("dialog")).to_be_visible()
            settle(page)
            scan(f"{view}, dialog {i + 1}")
            page.keyboard.press("Escape")
            settle(page)

    assert len(scanned) >= 10, scanned
    report = "\n".join(f"[{state}]\n  " + "\n  ".join(found) for state, found in problems.items())
    assert not problems, f"axe-core found accessibility problems (results in {RESULTS}):\n{report}"


def test_page_is_served_and_rendered_as_danish(a11y_server: StreamlitServer, page: Page) -> None:
    with urllib.request.urlopen(a11y_server.url, timeout=10) as response:
        served = response.read().decode("utf-8")
    assert re.search(r"<html[^>]*\blang=\"da\"", served), "the served page must declare Danish"
    assert 'lang="en"' not in served
    open_app(page, a11y_server.url, 13)
    assert page.evaluate("document.documentElement.lang") == "da"


def test_notices_are_not_alerts_the_status_is_polite_and_the_map_points_to_its_text(
    a11y_server: StreamlitServer, page: Page
) -> None:
    """Screen readers: the long data notices are notes (not re-read as alerts at every weight move), the short
    status line is a polite live region, and the map frame and the link under it lead to the ranking table."""
    open_app(page, a11y_server.url, 13)
    settle(page)
    # The data status, the shortlist caveat and any banner (e.g. local mode) are notes: none is a live region.
    expect(page.locator("[data-testid=stAlertContainer]:not([role=note])")).to_have_count(0)
    assert page.locator("[data-testid=stAlertContainer][role=note]").count() >= 2
    expect(page.locator("[role=alert]")).to_have_count(0)
    status = page.locator("[role=status]")
    expect(status).to_have_count(1)
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_attribute("aria-atomic", "true")
    expect(status).to_contain_text("Rangeringen nu: nr. 1 ")
    frame = page.locator('iframe[title="streamlit_folium.st_folium"]')
    expect(frame).to_have_attribute("aria-label", re.compile("tabellen Rangering"))
    link = page.get_by_role("link", name="tabellen Rangering")
    target = link.get_attribute("href")
    assert target
    assert target.startswith("#")
    expect(page.locator(target)).to_have_text("Rangering")
    expect(page.locator(target)).to_have_js_property("tagName", "H2")


# Every control in the page and in its frames (the map): its accessible name, as the browser would compute it
# for these cases (aria-label, aria-labelledby, the label, then the visible text without hidden parts).
CONTROLS = """() => {
    const selector = 'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button], '
        + '[role=link], [role=tab], [role=slider], [role=spinbutton], [role=combobox], [role=checkbox], [role=radio], '
        + '[role=switch], [role=option], [role=menuitem], [role=searchbox], [tabindex="0"]';
    const docs = [document, ...Array.from(document.querySelectorAll('iframe'))
        .map(f => { try { return f.contentDocument; } catch (e) { return null; } }).filter(d => d)];
    const out = [];
    for (const doc of docs) {
        for (const el of doc.querySelectorAll(selector)) {
            if (el.closest('[aria-hidden=true]') || !el.getClientRects().length) { continue; }
            let name = el.getAttribute('aria-label') || '';
            if (!name && el.getAttribute('aria-labelledby')) {
                name = el.getAttribute('aria-labelledby').split(/\\s+/)
                    .map(i => (doc.getElementById(i) || {}).textContent || '').join(' ');
            }
            if (!name && el.labels && el.labels.length) { name = el.labels[0].textContent; }
            if (!name) {
                const copy = el.cloneNode(true);
                copy.querySelectorAll('[aria-hidden=true], script, style').forEach(h => h.remove());
                name = copy.textContent || el.getAttribute('title') || el.getAttribute('placeholder') || '';
            }
            out.push({name: name.trim().replace(/\\s+/g, ' '), html: el.outerHTML.slice(0, 140), tag: el.tagName});
        }
    }
    return out;
}"""


def test_every_control_has_a_danish_accessible_name(a11y_server: StreamlitServer, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    open_app(page, a11y_server.url, 13)
    english: list[str] = []
    unnamed: list[str] = []
    counted = 0
    for view in view_names(page):
        choose(page, view)
        open_expanders(page)
        settle(page)
        for control in page.evaluate(CONTROLS):
            counted += 1
            if not control["name"]:
                unnamed.append(f"{view}: {control['html']}")
            elif ENGLISH_NAME.search(control["name"]):
                english.append(f"{view}: '{control['name']}' {control['html']}")
    assert counted > 100, counted
    assert not english, "controls named in English:\n" + "\n".join(sorted(set(english)))
    assert not unnamed, "controls without a name:\n" + "\n".join(sorted(set(unnamed)))


@pytest.mark.parametrize("width", [320, 640])
def test_reflow_keeps_the_content_without_horizontal_scrolling(
    a11y_server: StreamlitServer, page: Page, width: int
) -> None:
    """WCAG 1.4.10 and 1.4.4: at 320 CSS px (a 1280 px screen at 400 % zoom) and 640 px (200 %) the main content
    needs no horizontal scrolling and nothing is lost."""
    page.set_viewport_size({"width": width, "height": 640})
    open_app(page, a11y_server.url, 13)
    settle(page)
    widths = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return {page: document.documentElement.scrollWidth, main: main.scrollWidth, view: window.innerWidth};
    }""")
    assert widths["page"] <= widths["view"] + 1, widths
    assert widths["main"] <= widths["view"] + 1, widths
    # Nothing is lost: the headings, the tabs below them, the ranking and the view switch are all there.
    for heading in ("Kort over rangerede områder", "Rangering"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_attached()
    for tab in SECTIONS:
        expect(page.get_by_role("tab", name=tab, exact=True)).to_be_attached()
    expect(page.locator(VIEW_SWITCH)).to_be_visible()
    overflowing = page.evaluate("""() => Array.from(document.querySelectorAll(
            '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p, [data-testid="stMain"] h1, '
            + '[data-testid="stMain"] h2, [data-testid="stMain"] h3'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.offsetParent !== null)
        .map(e => e.innerText.slice(0, 60))""")
    assert not overflowing, f"text runs off the screen at {width} px: {overflowing[:5]}"
