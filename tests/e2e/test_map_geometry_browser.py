"""The map's geometry as Chromium decodes it from the display file: with many areas the first view draws the
coarse copy, and zooming in past its zoom switches every area to the full display geometry."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import Page, expect

from selection.data.dataset import load_dataset
from selection.output.map_geometry import COARSE_STEPS, coarse_geometry, coarse_zoom, display_geometry
from selection.output.map_layers import MAP_HEIGHT_PX
from tests.support.factory import REPO
from tests.support.server import StreamlitServer

sys.path.insert(0, str(REPO / "bench"))
from make_package import generate

pytestmark = pytest.mark.e2e

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
N_AREAS = 150  # 200 vertices each: enough coordinates for a coarse copy, few enough for SVG paths
# Every area's outer ring as drawn now ([lng, lat] per point) and the map's zoom.
DRAWN_JS = """() => ({
    zoom: window.map.getZoom(),
    rings: window.__rankedAreas.layers.map(l => l.getLatLngs()[0].map(p => [p.lng, p.lat])),
})"""


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StreamlitServer, Path]]:
    folder = generate(tmp_path_factory.mktemp("coarse") / "pkg", N_AREAS, 200, actors_per_area=1)
    server = StreamlitServer(folder)
    yield server, folder
    server.stop()


def outer_rings(geoms) -> list[list[tuple[float, float]]]:
    return [[tuple(xy) for xy in shapely.get_coordinates(g.exterior)[:-1]] for g in geoms]


def assert_same_rings(drawn: list, expected: list) -> None:
    assert len(drawn) == len(expected) == N_AREAS
    for got, want in zip(drawn, expected, strict=True):
        assert len(got) == len(want)
        assert all(abs(a - c) < 1e-9 and abs(b - d) < 1e-9 for (a, b), (c, d) in zip(got, want, strict=True))


def test_many_areas_open_coarse_and_turn_detailed_when_zoomed_in(page: Page, many) -> None:
    server, folder = many
    areas = load_dataset(folder).areas
    zoom = coarse_zoom(areas, MAP_HEIGHT_PX)
    assert zoom is not None
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(server.url)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.leaflet-interactive")).to_have_count(N_AREAS, timeout=60000)
    body = frame.locator("body")
    first = body.evaluate(DRAWN_JS)
    assert first["zoom"] <= zoom - COARSE_STEPS, "the first view is no deeper than the coarse copy assumes"
    assert_same_rings(first["rings"], outer_rings(coarse_geometry(areas, zoom)))
    body.evaluate(f"() => window.map.setZoom({zoom + 1}, {{animate: false}})")
    page.wait_for_timeout(300)
    deeper = body.evaluate(DRAWN_JS)
    assert deeper["zoom"] == zoom + 1
    assert_same_rings(deeper["rings"], outer_rings(display_geometry(areas)))
