"""End-to-end import: upload a GeoPackage in EPSG:25832 and a Danish Excel CSV, preview, confirm, reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import Page, expect

from selection.data.dataset import load_dataset
from tests.e2e.test_browser import open_app, table_names, wait_idle
from tests.support.server import StreamlitServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def import_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    server = StreamlitServer(import_dir=tmp_path_factory.mktemp("store") / "data")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def official_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("official")
    areas = load_dataset().areas
    target = areas.loc[["akacieparken"]].to_crs("EPSG:25832")
    target["geometry"] = target.buffer(150)  # the "official" boundary is larger than the approximation
    gpkg = folder / "omraader_officiel.gpkg"
    gpd.GeoDataFrame(
        {"area_id": ["akacieparken"], "name": ["Akacieparken"]}, geometry=target.geometry.values, crs="EPSG:25832"
    ).to_file(gpkg, layer="forebyggelsesomraader", driver="GPKG")
    csv = folder / "vurderinger.csv"
    csv.write_bytes(
        "Område;need_assessed;need_documented\r\nAkacieparken;5;1\r\n".encode(
            "cp1252"
        )  # trust and motivation come from the registers
    )
    return [gpkg, csv]


def choose_view(page: Page, name: str) -> None:
    page.locator("[data-testid='stButtonGroup']").get_by_text(name, exact=True).click()
    wait_idle(page)


def test_the_file_drop_zone_speaks_danish(import_server: StreamlitServer, page: Page) -> None:
    """Streamlit's own drop-zone texts are English; the page hides them and draws Danish ones."""
    open_app(page, import_server.url, 13)
    choose_view(page, "Indlæs data")
    uploader = page.locator("[data-testid='stFileUploader']").first
    expect(uploader.get_by_role("button", name="Vælg filer")).to_be_visible()
    for word in ("Upload", "per file", "Browse", "Drag and drop"):
        expect(uploader).not_to_contain_text(word, use_inner_text=True)
    hint = uploader.locator("[data-testid='stFileUploaderDropzoneInstructions'] > div").evaluate(
        "e => getComputedStyle(e, '::after').content"
    )
    assert "træk filerne hertil" in hint, hint
    assert "50 MB pr. fil" in hint, hint
    page.screenshot(path=str(Path("test-results") / "indlaes_data.png"))


def test_upload_preview_confirm_and_reload(import_server: StreamlitServer, page: Page, official_files) -> None:
    open_app(page, import_server.url, 13)
    before = table_names(page)
    assert before[-1] == "Akacieparken"
    choose_view(page, "Indlæs data")
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files([str(p) for p in official_files])
    wait_idle(page)
    expect(page.get_by_text("Valideringsrapport")).to_be_visible(timeout=20000)
    expect(page.get_by_text("Områder med ny grænse: 1")).to_be_visible()
    expect(page.get_by_text("EPSG:25832", exact=False).first).to_be_visible()
    expect(page.get_by_text("Rangering før og efter (nuværende vægte)")).to_be_visible()
    preview_map = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    expect(preview_map.locator("path.leaflet-interactive")).to_have_count(2, timeout=20000)  # before + after
    page.get_by_role("button", name="Anvend import").click()
    wait_idle(page)
    expect(page.get_by_text("Importen er anvendt og gemt")).to_be_visible()

    choose_view(page, "Rangering og kort")
    expect(
        page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator("path.leaflet-interactive")
    ).to_have_count(13, timeout=30000)
    after = table_names(page)
    assert after.index("Akacieparken") < before.index("Akacieparken"), "the import must change the ranking"
    expect(page.get_by_text("Importerede data i brug", exact=False)).to_be_visible()

    page.reload()
    open_app(page, import_server.url, 13)
    assert table_names(page) == after, "the import must survive a reload"
    expect(page.get_by_text("vurderinger.csv", exact=False).first).to_be_visible()
