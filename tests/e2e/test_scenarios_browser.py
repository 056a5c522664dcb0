"""Scenarios and links in Debian's Chromium.

Save, copy the link, open it in a fresh browser; back/forward; bad links.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from selection.scenarios import evaluate_settings, parse_settings
from tests.e2e.test_browser import fills, open_app, set_slider, table_names, wait_idle
from tests.support.factory import bundled_in_use
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e

N_AREAS = 13


def open_scenarios(page: Page) -> None:
    expander = page.get_by_text("Scenarier og udelukkelse")
    expander.click()
    expect(page.get_by_label("Scenariets navn")).to_be_visible()


def test_saved_scenario_link_opens_the_same_table_and_map_in_a_fresh_browser(
    app_server: StreamlitServer, page: Page, browser: Browser
) -> None:
    frame = open_app(page, app_server.url, N_AREAS)
    set_slider(page, "Vurderet behov", "ArrowRight", "34")
    first_link = page.url
    assert "vaegte=" in first_link
    set_slider(page, "Vurderet behov", "ArrowRight", "35")
    assert page.url != first_link
    page.go_back()  # the browser's back button steps to the previous weights
    wait_idle(page)
    expect(page.get_by_role("slider", name="Vurderet behov")).to_have_value("34")
    assert page.url == first_link

    open_scenarios(page)
    name = page.get_by_label("Dit navn", exact=True)  # local mode: the name typed once in the sidebar
    name.fill("Anna Hansen")
    name.press("Tab")
    wait_idle(page)
    expect(page.get_by_text("Du gemmer som: Anna Hansen")).to_be_visible()
    page.get_by_label("Scenariets navn").fill("Lidt mere behov")
    page.get_by_label("Begrundelse (skal udfyldes)").fill("Behov lidt over de andre kriterier.")
    page.get_by_role("button", name="Gem som scenarie").click()
    wait_idle(page)
    expect(page.get_by_text("Gemt som scenarie nr.")).to_be_visible()
    scenario = parse_qs(urlparse(page.url).query)["scenarie"][0]
    assert scenario.isdigit()

    page.get_by_role("button", name="Kopiér link").click()
    link = page.locator('[data-testid="stPopoverBody"] code').inner_text().strip()
    assert link == page.url
    assert link.endswith(f"?scenarie={scenario}")
    names, colours = table_names(page), fills(frame)

    fresh_context = browser.new_context()
    try:
        fresh = fresh_context.new_page()
        fresh_frame = open_app(fresh, link, N_AREAS)
        expect(fresh.get_by_role("slider", name="Vurderet behov")).to_have_value("34")
        assert table_names(fresh) == names
        assert fills(fresh_frame) == colours
    finally:
        fresh_context.close()


def test_a_readable_link_with_a_rule_matches_the_command_line(app_server: StreamlitServer, page: Page) -> None:
    dataset = bundled_in_use()
    settings = parse_settings(
        {
            "weights": {"trust": 1, "actors": 1, "need": 2},
            "rules": [{"kind": "list_status", "allowed": ["verified", "inferred"]}],
        },
        dataset.model,
    )
    _, result = evaluate_settings(dataset, settings)
    frame = open_app(
        page, app_server.url + "?vaegte=trust:1,actors:1,need:2&regel=listestatus:verified%2Binferred", N_AREAS
    )
    assert table_names(page) == list(result.table["name"])
    expect(page.get_by_text("Udelukket: listestatus er Kandidat").first).to_be_attached()
    excluded = frame.locator('path.leaflet-interactive[fill="#ffffff"]')  # outlined, not coloured by score
    expect(excluded).to_have_count(int((result.table["status"] == "excluded").sum()))


def test_a_hostile_link_gives_a_notice_and_the_defaults(app_server: StreamlitServer, page: Page) -> None:
    default_names = [
        str(n) for n in evaluate_settings(bundled_in_use(), parse_settings({}, bundled_in_use().model))[1].table["name"]
    ]
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError("a dialog opened")))
    open_app(page, app_server.url + "?vaegte=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&afstand=-1", N_AREAS)
    expect(page.get_by_text("Linket kunne ikke bruges")).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    assert table_names(page) == default_names


def test_the_compare_map_draws_every_area_coloured_by_the_chosen_scenario(
    app_server: StreamlitServer, page: Page
) -> None:
    """The comparison's own map loads the areas' shapes too (its layer only styles them), beside the main map."""
    open_app(page, app_server.url, N_AREAS)
    page.get_by_text("Sammenlign scenarier (2–5)").click()
    box = page.get_by_role("combobox", name="Scenarier (2–5)")
    for text in ("Nuværende", "Behov først"):
        box.click()
        box.type(text)
        page.keyboard.press("Enter")
        wait_idle(page)
    page.keyboard.press("Escape")
    frames = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    expect(frames.nth(1).locator("path.leaflet-interactive")).to_have_count(N_AREAS, timeout=30000)
    assert sorted(fills(frames.nth(1))) == sorted(fills(frames.nth(0))), "'Nuværende indstillinger' is on screen"
