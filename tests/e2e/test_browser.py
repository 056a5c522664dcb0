"""End-to-end tests in Debian's Chromium: what a planner sees, with no internet needed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from tests.support.factory import area_features, bundled_in_use, make_package
from tests.support.folds import SHORTLIST
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e

HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}` {{ 7*7 }} {% raw %}"
SCREENS = Path(__file__).resolve().parents[2] / "test-results" / "screens"
# English that leaked into the Danish page before (data texts and widget texts).
ENGLISH = (
    "verified-from-source",
    "verified",
    "memory",
    "administered",
    "not found",
    "No area-specific",
    "unknown",
    "Drag and drop",
    "per file",
    "Browse files",
    "Choose an option",
    "inferred",
    "from-memory",
    " the ",
    " and ",
)
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current script run, and no new run starts within 200 ms.

    On a busy machine (the suite runs in parallel workers) a key press can take longer than the first 150 ms to
    start its run; the second look keeps the next step from acting on the state before that run."""
    app = page.locator('[data-testid="stApp"]')
    page.wait_for_timeout(150)
    for _ in range(5):
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=20000)
        page.wait_for_timeout(200)
        if app.get_attribute("data-test-script-state") == "notRunning":
            return


def open_app(page: Page, url: str, n_areas: int) -> FrameLocator:
    page.goto(url)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.leaflet-interactive")).to_have_count(n_areas, timeout=30000)
    wait_idle(page)
    return frame


def open_section(page: Page, label: str) -> None:
    """Choose one of the tabs below the map and ranking (only the chosen tab is drawn)."""
    tab = page.get_by_role("tab", name=label, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    wait_idle(page)


def fills(frame: FrameLocator) -> list[str]:
    return frame.locator("path.leaflet-interactive").evaluate_all("ps => ps.map(p => p.getAttribute('fill'))")


def table_names(page: Page) -> list[str]:
    cells = page.locator(".st-key-ranking [data-testid='stDataFrame'] table tbody tr")
    cells.first.wait_for(state="attached")
    rows = cells.evaluate_all("rs => rs.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText))")
    return [r[1] for r in rows if len(r) > 1]


def map_frame_obj(page: Page):
    handle = page.locator(MAP_FRAME).element_handle()
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None
    return frame


def set_slider(page: Page, label: str, key: str, expected: str) -> None:
    """Press a key on a slider and wait until it shows ``expected`` and the rerun has finished."""
    slider = page.get_by_role("slider", name=label)
    slider.focus()
    page.keyboard.press(key)
    expect(slider).to_have_value(expected)
    wait_idle(page)


def expect_table(page: Page, expected: list[str], timeout_ms: int = 10000) -> None:
    """Wait until the ranking table shows ``expected`` (the grid redraws after the run ends)."""
    shown: list[str] = []
    for _ in range(timeout_ms // 100):
        shown = table_names(page)
        if shown == expected:
            return
        page.wait_for_timeout(100)
    assert shown == expected, "the ranking table does not show the expected order"


def test_map_renders_13_areas_offline_with_no_external_requests(app_server: StreamlitServer, page: Page) -> None:
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    frame = open_app(page, app_server.url, 13)
    expect(frame.locator(".rank-label")).to_have_count(13)
    expect(frame.locator("img.leaflet-tile")).to_have_count(0)
    external = [
        u
        for u in requests
        if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname not in LOCAL_HOSTS
    ]
    assert external == [], f"requests left localhost: {external[:5]}"
    assert not [e for e in errors if "Failed to load" in e], errors
    # The data-status notice is visible, not hidden in an expander.
    expect(page.get_by_text("illustrative", exact=False).first).to_be_visible()


def shot(page: Page, name: str, full: bool = False) -> None:
    """Keep a screenshot of what a person sees as a test artefact (test-results/screens, git-ignored)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    if full:  # Streamlit scrolls inside its own container: make the window as tall as the page
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": 1280, "height": int(height) + 40})
        page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENS / f"{name}.png"))
    if full:
        page.set_viewport_size({"width": 1280, "height": 720})


def default_top() -> tuple[str, str]:
    """(id, name) of the area ranked nr. 1 at the default weights."""
    from selection.ranking.evaluate import evaluate

    dataset = bundled_in_use()
    top = evaluate(dataset)[1].table.iloc[0]
    return str(top["area_id"]), str(top["name"])


def test_slider_recolours_map_in_place_and_reorders_table(app_server: StreamlitServer, page: Page) -> None:
    frame = open_app(page, app_server.url, 13)
    leaflet = map_frame_obj(page)
    leaflet.evaluate("window.__probe = 'same map'")
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(400)
    view_before = leaflet.evaluate("[map_div.getZoom(), map_div.getCenter().lat, map_div.getCenter().lng]")
    fills_before, names_before = fills(frame), table_names(page)

    set_slider(page, "Tillidsfulde indsatser", "End", "100")  # the other shares drop to 0: they add up to 100

    from selection.ranking.evaluate import evaluate

    _, expected = evaluate(bundled_in_use(), {"trust": 100, "actors": 0, "need": 0})
    expected_names = list(expected.table["name"])
    assert expected_names != names_before, "the test weights must change the order"
    expect_table(page, expected_names)
    # Slots outside the partial rerun are updated too: the selected area's rank line; the shares add up.
    selected, _ = default_top()  # the detail panel opens on nr. 1
    first = expected.table.set_index("area_id").loc[selected]
    assert first["rank"] != 1, "the test weights must move the selected area"
    expect(page.get_by_text(f"nr. {int(first['rank'])} af 13", exact=False)).to_be_visible()
    expect(page.get_by_role("slider", name="Vurderet behov")).to_have_value("0")
    expect(page.get_by_role("slider", name="Motiverede aktører")).to_have_value("0")
    expect(frame.locator("path.leaflet-interactive")).to_have_count(13)
    for _ in range(50):  # the component applies new args after the script run has ended
        if fills(frame) != fills_before:
            break
        page.wait_for_timeout(100)
    assert fills(frame) != fills_before, "the areas must be recoloured"
    assert map_frame_obj(page).evaluate("window.__probe") == "same map", "the map was remounted"
    view_after = map_frame_obj(page).evaluate("[map_div.getZoom(), map_div.getCenter().lat, map_div.getCenter().lng]")
    assert view_after == pytest.approx(view_before), "zoom and centre must survive a weight change"


def test_clicking_an_area_opens_its_details(app_server: StreamlitServer, page: Page) -> None:
    from selection.ranking.evaluate import evaluate

    frame = open_app(page, app_server.url, 13)
    dataset = bundled_in_use()
    _, result = evaluate(dataset)
    _, first = default_top()
    expect(page.get_by_role("heading", name=first, exact=True)).to_be_visible()  # opens on nr. 1
    target_id = result.table["area_id"].iloc[1]  # the number 2
    target = dataset.areas.at[target_id, "name"]
    assert target != first
    polygon = frame.locator("path.leaflet-interactive").nth(dataset.area_ids.index(target_id))
    heading = page.get_by_role("heading", name=target, exact=True)
    for _ in range(3):  # Leaflet may swallow the first click while the overlay re-renders
        box = polygon.bounding_box()
        assert box is not None
        polygon.click(position={"x": box["width"] - 4, "y": box["height"] - 4})  # a corner, away from the controls
        wait_idle(page)
        if heading.count():
            break
    expect(heading).to_be_visible()
    expect(page.get_by_text("Indikatorværdier")).to_be_visible()


def test_downloaded_csv_and_xlsx_carry_list_status_and_the_caveat(app_server: StreamlitServer, page: Page) -> None:
    from openpyxl import load_workbook

    open_app(page, app_server.url, 13)
    names = table_names(page)
    open_section(page, SHORTLIST)
    page.get_by_text("Medtag robusthed", exact=False).click()  # the robustness columns, on screen and in the files
    wait_idle(page)
    shortlist = page.locator("[data-testid='stDataFrame']").last
    expect(shortlist).to_contain_text("Listestatus")  # (the grid renders only the columns in view)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download kortliste (CSV)").click()
    assert download.value.suggested_filename == "kortliste_top3.csv"
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Danish Excel CSV starts with a BOM"
    caveat, _, body = raw.decode("utf-8-sig").partition("\r\n")
    assert caveat.strip('"').startswith("FORBEHOLD: ")
    assert "illustrative" in caveat
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert [r["Område"] for r in rows] == names[:3]
    assert [r["Rang"] for r in rows] == ["1", "2", "3"]
    assert all("," in r["Samlet score (0-100)"] for r in rows)
    assert all(r["Listestatus"] for r in rows)
    assert all(r["Datastatus"].startswith("Illustrative værdier") for r in rows), "never 'Komplet' with placeholders"
    assert all(int(r["Illustrative værdier"]) > 0 for r in rows)
    weights_only = next(k for k in rows[0] if k.startswith("Andel som nr. 1 (%) når kun vægtene varieres"))
    with_values = next(k for k in rows[0] if k.startswith("Andel som nr. 1 (%) når vægtene og de vurderede"))
    assert float(rows[0][weights_only].replace(",", ".")) > 0
    assert rows[0][with_values]

    with page.expect_download() as download:
        page.get_by_role("button", name="Download kortliste (Excel, XLSX)").click()
    assert download.value.suggested_filename == "kortliste_top3.xlsx"
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["Kortliste"]
    assert sheet["A1"].value == caveat.strip('"')
    header = [c.value for c in sheet[2]]
    assert "Listestatus" in header
    assert sheet.freeze_panes == "C3"
    assert [sheet.cell(row=r, column=header.index("Område") + 1).value for r in (3, 4, 5)] == names[:3]
    about = [c.value for row in book["Om kortlisten"].iter_rows() for c in row if c.value]
    assert "Forbehold" in about
    assert "Metode" in about
    assert "Vægte" in about


def test_robustness_view_shows_summary_heatmap_and_sweeps(app_server: StreamlitServer, page: Page) -> None:
    open_app(page, app_server.url, 13)
    page.locator("[data-testid='stButtonGroup']").get_by_text("Robusthed", exact=True).click()
    wait_idle(page)
    dataset = bundled_in_use()
    from selection.ranking.evaluate import evaluate

    _, result = evaluate(dataset)
    top = result.table["name"].iloc[0]
    headline = page.get_by_text(f"{top} er nr. 1 og forbliver nr. 1", exact=False)
    expect(headline).to_be_visible()
    # The headline says what was varied and gives the figure with value uncertainty too.
    expect(headline).to_contain_text("når kun vægtene varieres")
    expect(headline).to_contain_text("når også de vurderede og illustrative værdier varierer ± ét skalatrin")
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(4)  # heat map + 3 sweeps
    expect(page.locator(MAP_FRAME)).to_have_count(0)
    page.wait_for_timeout(1500)  # charts draw after the run
    shot(page, "robusthed", full=True)
    text = page.locator("[data-testid='stMain']").inner_text()
    assert not [w for w in ENGLISH if w in text], "English words in the Robusthed view"
    for label in ("Rangaccept", "Nr. 1 i andel af vægtninger", "Startværdi (seed)"):
        assert label not in text


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on a package whose area name is an HTML/JS injection attempt."""
    areas = area_features()
    areas["features"][0]["properties"]["name"] = HOSTILE
    server = StreamlitServer(make_package(tmp_path_factory.mktemp("hostile") / "pkg", areas=areas))
    yield server
    server.stop()


def test_names_are_escaped_everywhere(hostile_server: StreamlitServer, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    frame = open_app(page, hostile_server.url, 3)
    frame.locator("path.leaflet-interactive").first.hover(position={"x": 4, "y": 4})
    tooltip = frame.locator(".leaflet-tooltip").first
    expect(tooltip).to_contain_text(HOSTILE)
    frame.locator(".rank-label").first.hover(force=True)
    expect(frame.locator(".leaflet-tooltip").last).to_contain_text(HOSTILE)
    assert frame.locator("img[src='x']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == [], "a name must never run as code"
    expect(page.get_by_text(HOSTILE).first).to_be_attached()


def test_first_screen_at_1280x720_shows_map_names_and_ranking(app_server: StreamlitServer, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    frame = open_app(page, app_server.url, 13)
    page.wait_for_timeout(800)
    shot(page, "forside_1280x720")
    box = page.locator(MAP_FRAME).bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 720, f"the whole map must be above the fold: {box}"
    rows = page.locator(".st-key-ranking [data-testid='stDataFrame']")
    table_box = rows.bounding_box()
    assert table_box is not None
    assert table_box["y"] + 4 * 35 <= 720, "the top of the ranking must be above the fold"
    # Area names are drawn on the map; the best-ranked name is never hidden by another label.
    names = frame.locator(".area-name")
    expect(names).to_have_count(13)
    _, top = default_top()
    expect(frame.locator(".area-label.selected .area-name")).to_have_text(top)
    expect(frame.locator(".area-label.selected")).to_be_visible()
    shown = names.evaluate_all("ns => ns.filter(n => n.offsetParent !== null).map(n => n.getBoundingClientRect())")
    assert len(shown) >= 7, "most names must be readable at the default zoom"
    overlaps = [
        (a, b)
        for i, a in enumerate(shown)
        for b in shown[i + 1 :]
        if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]
    ]
    assert overlaps == [], "names must not overlap"
    expect(frame.locator(".leaflet-control-scale-line")).to_have_count(1)  # metric only, no miles
    assert "mi" not in frame.locator(".leaflet-control-scale-line").inner_text()


def test_page_is_danish_with_decimal_commas(app_server: StreamlitServer, page: Page) -> None:
    open_app(page, app_server.url, 13)
    page.wait_for_timeout(800)
    shot(page, "rangering_fuld", full=True)
    text = page.locator("[data-testid='stMain']").inner_text() + page.locator("[data-testid='stSidebar']").inner_text()
    leaks = [w for w in ENGLISH if w in text]
    assert leaks == [], f"English in the Danish page: {leaks}"
    assert "fra hukommelsen" not in text
    cells = page.locator("[data-testid='stDataFrame'] table tbody td").evaluate_all("ts => ts.map(t => t.innerText)")
    numbers = [c for c in cells if re.fullmatch(r"-?[0-9][0-9.]*[,.][0-9]+( [a-zæøå%/]+)?", c)]
    assert numbers, "the tables show decimal numbers"
    assert all("," in c for c in numbers), [c for c in numbers if "," not in c][:5]
    scores = [
        r[2]
        for r in page.locator(".st-key-ranking [data-testid='stDataFrame'] table tbody tr").evaluate_all(
            "rs => rs.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText))"
        )
        if len(r) > 2
    ]
    assert scores
    assert all(re.fullmatch(r"[0-9]+,[0-9]", s) for s in scores), scores
