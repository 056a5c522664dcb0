"""End-to-end in Debian's Chromium: a planner records an initiative in the Registre view, and the map page's ranking,
the area's score and its explanation (the detail panel's table of what each record contributed) follow at once."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from selection import workspace
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from selection.registers.model import Initiative, package_entry
from selection.registers.vocabulary import Vocabulary
from selection.text.formatting import local_today
from tests.e2e.test_browser import open_app, wait_idle
from tests.e2e.test_import import choose_view
from tests.support.server import StreamlitServer
from ui.ranked_view import RANKING_VIEW

pytestmark = pytest.mark.e2e

NAME = "Bydelsmødre med fremmødelister"
PREFERRED = "tingbjerg-utterslevhuse"  # nr. 3 with the bundled data and default weights; one strong record: nr. 2


@dataclasses.dataclass(frozen=True)
class Target:
    area_id: str
    name: str
    rank_before: int
    rank_after: int
    vocabulary: Vocabulary


def three_years_ago() -> date:
    today = local_today()
    return today.replace(year=today.year - 3, day=min(today.day, 28))


def strong_record(area_id: str, vocabulary: Vocabulary) -> Initiative:
    """What the test records: active, direct relevance, documented attendance, running for three years."""
    return Initiative(
        id="new",
        area_ids=(area_id,),
        name=NAME,
        type="bydelsmoedre",
        operator=next(iter(vocabulary["operators"].labels)),
        target_groups=(),
        start=three_years_ago(),
        end=None,
        status="aktiv",
        relevance="direct",
        trust_evidence="attendance",
        evidence_text="Fremmødelister",
        source="Helhedsplanens årsrapport",
        verification="verified",
    )


def target() -> Target:
    """An area whose rank at the default weights one such record moves up, computed with the core (the preferred
    one if it still qualifies after a change of the bundled data)."""
    package = load_dataset()
    registers = workspace.register_state(package, None)
    ranks = {}
    for area in [PREFERRED, *package.area_ids]:
        more = dataclasses.replace(
            registers, initiatives=(*registers.initiatives, package_entry(strong_record(area, registers.vocabulary)))
        )
        before = evaluate(workspace.with_registers(package, registers)[0])[1].table.set_index("area_id")["rank"]
        after = evaluate(workspace.with_registers(package, more)[0])[1].table.set_index("area_id")["rank"]
        ranks[area] = (int(before[area]), int(after[area]))
        if ranks[area][1] < ranks[area][0]:
            name = str(package.areas.at[area, "name"])
            return Target(area, name, *ranks[area], registers.vocabulary)
    pytest.fail(f"no area's rank changes with one strong record: {ranks}")


@pytest.fixture(scope="module")
def registers_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on the bundled data with its own empty register store."""
    server = StreamlitServer(import_dir=tmp_path_factory.mktemp("registers") / "data")
    yield server
    server.stop()


def choose(page: Page, where: Locator | Page, label: str, option: str) -> None:
    """Pick ``option`` in the select box or multiselect labelled ``label`` (typed, as a keyboard user would; a
    list that a rerun closed is opened again)."""
    box = where.get_by_label(label, exact=True)
    item = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        wait_idle(page)
        box.click()
        page.keyboard.type(option)
        try:
            item.wait_for(state="visible", timeout=5000)
        except PlaywrightError:
            page.keyboard.press("Escape")
            continue
        item.click()
        break
    else:
        pytest.fail(f"'{option}' cannot be chosen in '{label}'")
    if page.get_by_role("listbox").count():  # a multiselect stays open after a choice
        page.keyboard.press("Escape")


def fill(where: Locator, label: str, text: str) -> None:
    field = where.get_by_label(label, exact=True)
    field.fill(text)


def rank_line(page: Page) -> Locator:
    return page.get_by_text(re.compile(r"Rang: (nr\. \d+ af \d+|Ikke rangeret) · Samlet score")).first


def score(page: Page) -> float:
    """The area's total score in the detail panel's rank line ('Samlet score: 63,0')."""
    found = re.search(r"Samlet score: (\d+(?:,\d+)?)", rank_line(page).inner_text())
    assert found, rank_line(page).inner_text()
    return float(found.group(1).replace(",", "."))


def show_details(page: Page, name: str) -> None:
    choose(page, page, "Vis detaljer for område", name)
    wait_idle(page)
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def test_a_recorded_initiative_moves_the_area_up_with_its_explanation(
    registers_server: StreamlitServer, page: Page
) -> None:
    t = target()
    vocabulary = t.vocabulary
    page.set_viewport_size({"width": 1280, "height": 900})
    open_app(page, registers_server.url, 13)
    show_details(page, t.name)
    expect(rank_line(page)).to_contain_text(f"nr. {t.rank_before} af 13")
    score_before = score(page)
    register_tables = page.locator("[class*='st-key-wide_register-trust_initiatives']")
    expect(register_tables.filter(has_text=NAME)).to_have_count(0)  # no table, or one without the record

    choose_view(page, "Registre")
    choose(page, page, "Område", t.name)
    wait_idle(page)
    values = page.get_by_text("Beregnet for", exact=False).first
    expect(values).to_be_visible()
    page.get_by_text("Registrér en ny indsats", exact=True).click()
    form = page.locator("[data-testid='stForm']").first
    fill(form, "Navn", NAME)
    choose(page, form, "Områder", t.name)
    choose(page, form, "Type", vocabulary["initiative_types"].label("bydelsmoedre"))
    choose(page, form, "Operatør", vocabulary["operators"].label(next(iter(vocabulary["operators"].labels))))
    choose(page, form, "Status", vocabulary["statuses"].label("aktiv"))
    choose(page, form, "Relevans for negativ social kontrol", vocabulary["relevance"].label("direct"))
    choose(page, form, "Belæg for beboernes tillid", vocabulary["trust_evidence"].label("attendance"))
    choose(page, form, "Verifikation", vocabulary["verification"].label("verified"))
    day = form.get_by_label("Start (valgfri)", exact=True).get_by_role("spinbutton").first
    day.click()  # the day, month and year fields take digits in turn (format DD-MM-YYYY)
    page.keyboard.type(three_years_ago().strftime("%d%m%Y"))
    page.keyboard.press("Escape")
    fill(form, "Belæg (tekst eller link)", "Fremmødelister 2023-2025")
    fill(form, "Kilde", "Helhedsplanens årsrapport")
    form.get_by_role("button", name="Registrér indsatsen").click()
    wait_idle(page)
    expect(page.get_by_text(f"Indsatsen '{NAME}' er registreret", exact=False)).to_be_visible()
    expect(page.locator("[data-testid='stAlertContentError']")).to_have_count(0)
    empty = page.locator("[data-testid='stForm']").first  # the form for the next new record starts empty
    if not empty.get_by_label("Navn", exact=True).is_visible():
        page.get_by_text("Registrér en ny indsats", exact=True).click()
    expect(empty.get_by_label("Navn", exact=True)).to_have_value("")
    expect(empty.get_by_label("Kilde", exact=True)).to_have_value("")

    choose_view(page, RANKING_VIEW)
    if not page.get_by_role("heading", name=t.name, exact=True).is_visible():
        show_details(page, t.name)
    expect(rank_line(page)).to_contain_text(f"nr. {t.rank_after} af 13")
    assert score(page) > score_before
    expect(register_tables).to_contain_text(NAME)  # the explanation: the record and what it contributed
    expect(register_tables).to_contain_text("6 point")  # attendance 2 + continuity 2 + direct relevance 2
