"""Background maps: which tile URLs and tokens may be placed in the map page."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "url",
    ["https://kort.kk.dk/{z}/{x}/{y}.png", "https://{s}.tiles.example.dk/wmts?TileMatrix={z}&TileCol={x}&TileRow={y}"],
)
def test_tile_url_accepts_xyz_and_wmts_with_placeholders(url):
    from selection.output.basemaps import CUSTOM_KEY, available_basemaps, tile_url_problem

    assert tile_url_problem(url) is None
    assert available_basemaps(custom_url=url)[CUSTOM_KEY].url == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://x/{z}/{x}/{y}",
        "https://x/{z}/{x}",
        "https://x/{{7*7}}/{z}/{x}/{y}",
        "https://x/{z}/{x}/{y}?a=<script>",
        "https://x/{z}/{x}/{y} ",
        'https://x/{z}/{x}/{y}"',
        "https://x/{z}/{x}/{y}/{% if %}",
        "https://" + "a" * 600 + "/{z}/{x}/{y}",
    ],
)
def test_tile_url_refuses_what_could_break_the_page(url):
    from selection.output.basemaps import CUSTOM_KEY, available_basemaps, tile_url_problem

    problem = tile_url_problem(url + ("x" if url.endswith(" ") else ""))
    assert problem
    assert problem.endswith(".")
    assert CUSTOM_KEY not in available_basemaps(custom_url=url + ("x" if url.endswith(" ") else ""))
