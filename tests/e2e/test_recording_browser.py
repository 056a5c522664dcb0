"""Recording in Debian's Chromium as a person does it (issue 29): one decision per submission however often
the button is pressed (class 5), the Danish decimal comma in typed numbers (class 11), and a saved scenario's
link that says what was stored since (class 13)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from selection.assessments import NewAssessment, record_assessment, value_version
from selection.assessments.history import history
from selection.data.dataset import load_dataset
from selection.decisions import list_decisions
from selection.storage.database import open_store
from tests.e2e.test_assessments import open_assessments
from tests.e2e.test_browser import open_app, wait_idle
from tests.e2e.test_import import choose_view
from tests.e2e.test_registers_browser import choose
from tests.e2e.test_scenarios_browser import open_scenarios
from tests.support.factory import ADMIN
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e

N_AREAS = 13


@pytest.fixture(scope="module")
def recording_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StreamlitServer, Path]]:
    """The app with its own import folder, and so its own database beside it."""
    import_dir = tmp_path_factory.mktemp("recording") / "data"
    server = StreamlitServer(import_dir=import_dir)
    yield server, import_dir
    server.stop()


def _store_url(import_dir: Path) -> str:
    return f"sqlite:///{import_dir}.sqlite"


def test_pressing_gem_beslutning_twice_records_one_decision_and_says_so(recording_server, page: Page) -> None:
    server, import_dir = recording_server
    open_app(page, server.url, N_AREAS)
    choose_view(page, "Beslutning")
    page.get_by_label("Deltagere (én pr. linje: navn, rolle)").fill("Bo Jensen, formand")
    reasons = page.get_by_label("Begrundelse", exact=True)
    reasons.fill("Stærkest på tillid")
    page.get_by_label("Registreret af").fill("Bo Jensen")
    button = page.get_by_role("button", name="Gem beslutning")
    button.dblclick()  # an impatient second press while the first one is being saved
    button.click()  # and a third, once more
    wait_idle(page)
    expect(page.get_by_text("Beslutning nr. 1", exact=False).first).to_be_visible(timeout=30000)
    engine = open_store(_store_url(import_dir))
    try:
        decisions = list_decisions(engine)
    finally:
        engine.dispose()
    assert [d.reasons for d in decisions] == ["Stærkest på tillid"], "one submission is one decision"
    expect(page.get_by_text("Beslutning nr. 2", exact=False)).to_have_count(0)
    expect(reasons).to_have_value("")  # a saved form starts empty: the next press is a new decision, on purpose


def test_a_decimal_comma_typed_as_an_assessment_value_is_three_and_a_half(recording_server, page: Page) -> None:
    server, import_dir = recording_server
    form = open_assessments(page, server.url, "Anna Hansen", "SSP")
    form.get_by_label("Værdi (1–5 point)").fill("3,5")
    form.get_by_label("Begrundelse (skal udfyldes)").fill("Mange henvendelser til SSP")
    form.get_by_role("button", name="Gem vurdering").click()
    wait_idle(page)
    expect(page.get_by_text("3,5", exact=False).first).to_be_visible(timeout=30000)
    engine = open_store(_store_url(import_dir))
    try:
        values = [e.value for e in history(engine) if e.reason == "Mange henvendelser til SSP"]
    finally:
        engine.dispose()
    assert values == [3.5]  # not 35 (the comma read as a thousands separator) and not refused


def test_a_decimal_comma_typed_as_a_rule_threshold_makes_the_rule(recording_server, page: Page) -> None:
    server, _ = recording_server
    open_app(page, server.url, N_AREAS)
    open_scenarios(page)
    choose(page, page, "Ny regel", "Mindste kriteriescore")  # reopens the list if a rerun closed it
    wait_idle(page)
    field = page.get_by_label("Grænse: mindst (0–100)")
    field.fill("12,5")
    field.press("Tab")
    page.get_by_role("button", name="Tilføj regel").click()
    wait_idle(page)
    rule = parse_qs(urlparse(page.url).query)["regel"][0]
    assert rule.endswith(":12.5"), rule
    expect(page.get_by_text("12,5", exact=False).first).to_be_attached()


def test_a_saved_scenarios_link_says_what_was_stored_since_it_was_saved(recording_server, page: Page) -> None:
    server, import_dir = recording_server
    open_app(page, server.url, N_AREAS)
    open_scenarios(page)
    name = page.get_by_label("Dit navn", exact=True)
    name.fill("Anna Hansen")
    name.press("Tab")
    wait_idle(page)
    page.get_by_label("Scenariets navn").fill("Til mødet")
    page.get_by_label("Begrundelse (skal udfyldes)").fill("Standardvægte.")
    page.get_by_role("button", name="Gem som scenarie").click()
    wait_idle(page)
    expect(page.get_by_text("Gemt som scenarie nr.")).to_be_visible()
    link = page.url
    assert "scenarie=" in link
    expect(page.get_by_text("Siden scenariet", exact=False)).to_have_count(0)

    time.sleep(1.1)  # the store keeps whole seconds
    dataset = load_dataset()
    indicator = next(i for i in dataset.model.indicators if i.assessment)
    area = dataset.area_ids[0]
    engine = open_store(_store_url(import_dir))
    try:
        record_assessment(
            engine,
            NewAssessment(area, indicator.id, indicator.scale_max, "Nyt fra SSP", "", "Bo Jensen", "SSP", date.today()),
            dataset.model,
            dataset.area_ids,
            value_version(engine, area, indicator.id),
            actor=ADMIN,
        )
    finally:
        engine.dispose()

    page.goto("about:blank")
    open_app(page, link, N_AREAS)
    said = page.get_by_text("Siden scenariet «Til mødet» blev gemt", exact=False)
    expect(said).to_be_visible(timeout=30000)
    expect(said).to_contain_text("1 vurdering")
