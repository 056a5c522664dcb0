"""Map layers as pure functions: colours, escaping, local assets, click lookup."""

from __future__ import annotations

from pathlib import Path

import branca.colormap
import folium
import pytest
from jinja2.utils import htmlsafe_json_dumps

from selection.data.dataset import load_dataset
from selection.output.map_elements import DistrictFrames
from selection.output.map_layers import (
    DISTRICTS_ATTRIBUTION,
    PALETTE,
    TOP_NAMES,
    UNRANKED_COLOUR,
    area_at,
    base_map,
    escape_text,
    legend_entries,
    ranked_base_map,
    ranked_layer,
    score_colour,
)
from selection.output.offline_assets import LEAFLET_JS, install_static_assets
from selection.ranking.evaluate import evaluate
from tests.support.factory import area_features, make_package
from tests.support.map_checks import external_links


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    areas = area_features()
    areas["features"][1]["properties"]["name"] = "<b>x</b>`${alert(1)}`"
    dataset = load_dataset(make_package(tmp_path_factory.mktemp("map") / "p", areas=areas))
    return dataset, evaluate(dataset)[1]


@pytest.mark.parametrize(
    ("total", "colour"),
    [
        (0, PALETTE[0]),
        (19.99, PALETTE[0]),
        (20, PALETTE[1]),
        (79.9, PALETTE[3]),
        (80, PALETTE[4]),
        (100, PALETTE[4]),
        (float("nan"), UNRANKED_COLOUR),
        (None, UNRANKED_COLOUR),
    ],
)
def test_score_colour_uses_fixed_bins(total, colour):
    assert score_colour(total) == colour


def test_legend_covers_palette_and_unranked():
    assert [c for c, _ in legend_entries()] == [*PALETTE, UNRANKED_COLOUR]


def test_escape_text_neutralises_html_and_template_literals():
    assert escape_text("<img src=x>`${a}`\\") == "&lt;img src=x&gt;&#96;&#36;&#123;a&#125;&#96;&#92;"


@pytest.mark.parametrize(
    "name",
    [
        '{{ "jinja" ~ "ran" }}',
        "Område {{",
        "{% if 1 %}x{% endif %}",
        "{# c #}",
        "{{ cycler.__init__.__globals__.os.getcwd() }}",
    ],
)
def test_jinja_in_a_name_is_never_evaluated_nor_breaks_the_map(tmp_path, name):
    """branca compiles rendered macro output as a new template; data must never reach that pass."""
    areas = area_features()
    areas["features"][0]["properties"]["name"] = name
    dataset = load_dataset(make_package(tmp_path / "p", areas=areas))
    _, result = evaluate(dataset)
    m = base_map(dataset.areas)
    group = ranked_layer(dataset.areas, result.table)
    group.add_to(m)
    group.render()  # what st_folium does with feature_group_to_add
    page = m.get_root().render()
    assert "jinjaran" not in page
    assert str(Path.cwd()) not in page
    assert htmlsafe_json_dumps(escape_text(name))[1:-1] in page  # shown as text in the tooltip


def test_layer_data_is_rendered_once_not_recompiled(scored, monkeypatch):
    """The GeoJSON of the ranked layer must not be parsed as a Jinja template (slow and unsafe)."""
    import jinja2

    dataset, result = scored
    m = base_map(dataset.areas)
    group = ranked_layer(dataset.areas, result.table)
    group.add_to(m)
    compiled: list[str] = []
    original = jinja2.Environment.from_string
    monkeypatch.setattr(
        jinja2.Environment,
        "from_string",
        lambda self, source, *a, **k: (compiled.append(str(source)), original(self, source, *a, **k))[1],
    )
    group.render()
    assert not [src for src in compiled if "FeatureCollection" in src]


def test_ranked_layer_colours_and_escapes(scored):
    dataset, result = scored
    m = base_map(dataset.areas)
    group = ranked_layer(dataset.areas, result.table, selected="a")
    group.add_to(m)
    js = m.get_root().render()
    for total in result.table["total"]:
        assert f'"fillColor": "{score_colour(total)}"' in js
    assert "<b>x</b>" not in js
    assert "${alert" not in js
    assert "&lt;b&gt;x&lt;/b&gt;" in js.replace("\\u0026", "&")  # tojson writes & as \u0026
    assert js.count('"rank": ') == 3
    assert '"rank": null' not in js
    for name in dataset.areas["name"]:  # every area is named on the map, escaped
        assert htmlsafe_json_dumps(escape_text(name))[1:-1] in js


def test_selected_area_has_a_distinct_outline_and_small_areas_a_marker(scored):
    from selection.output.map_layers import SELECTED_OUTLINE, SMALL_AREA_M, extents_m

    dataset, result = scored
    m = base_map(dataset.areas)
    ranked_layer(dataset.areas, result.table, selected="b").add_to(m)
    js = m.get_root().render()
    assert js.count('"weight": 3.5') == 1
    assert f'"color": "{SELECTED_OUTLINE}"' in js
    small = [a for a, e in extents_m(dataset.areas).items() if e < SMALL_AREA_M]
    assert js.count('"small": true') == len(small)


def test_scale_bar_is_metric_only(scored):
    dataset, _ = scored
    js = base_map(dataset.areas).get_root().render()
    assert "imperial: false" in js
    assert "metric: true" in js
    assert "L.control.scale(" in js
    assert js.count("L.control.scale(") == 1


def test_unranked_area_is_grey_without_label(tmp_path):
    from tests.support.factory import VALUES

    dataset = load_dataset(make_package(tmp_path / "p", values=[v for v in VALUES if v[:2] != ("c", "t1")]))
    _, result = evaluate(dataset)
    m = base_map(dataset.areas)
    ranked_layer(dataset.areas, result.table).add_to(m)
    js = m.get_root().render()
    assert UNRANKED_COLOUR in js
    assert js.count('"rank": ') - js.count('"rank": null') == 2


def test_base_map_loads_only_local_assets(scored):
    dataset, result = scored
    m = base_map(dataset.areas)
    group = ranked_layer(dataset.areas, result.table)
    assert external_links(m, group) == []
    assert m.default_js[0][1] == LEAFLET_JS


def test_external_links_detects_cdn_and_branca():
    plain = folium.Map(tiles=None)
    assert any("cdn" in url for url in external_links(plain))
    m = base_map(load_dataset().areas)
    branca.colormap.LinearColormap(["red", "blue"]).add_to(m)
    assert external_links(m)


def test_base_map_is_deterministic_whatever_the_weights(scored):
    dataset, _ = scored
    strip = lambda s: __import__("re").sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731 folium's random ids
    assert strip(base_map(dataset.areas).get_root().render()) == strip(base_map(dataset.areas).get_root().render())


def test_area_at_finds_the_clicked_area(scored):
    dataset, _ = scored
    assert area_at(dataset.areas, 55.665, 12.508) == "a"
    assert area_at(dataset.areas, 55.665, 12.558) == "b"
    assert area_at(dataset.areas, 10.0, 10.0) is None


def test_static_assets_are_copied_from_packages(tmp_path):
    static = install_static_assets(tmp_path / "static")
    assert (static / "leaflet" / "leaflet.js").stat().st_size > 100_000
    assert (static / "jquery" / "jquery.min.js").exists()
    assert list((static / "leaflet" / "images").glob("*.png"))
    assert not list(Path(static).rglob("*.tmp"))


def test_change_layer_draws_before_and_after_escaped(scored):
    from selection.output.map_layers import change_layer

    dataset, _ = scored
    after = dataset.areas.copy()
    after.loc["b", "geometry"] = after.loc["b", "geometry"].buffer(0.001)
    m = base_map(after)
    change_layer(dataset.areas, after, ["b"]).add_to(m)
    js = m.get_root().render().replace("\\\\u0026", "&")
    assert "#636363" in js
    assert "#d95f02" in js
    assert "før)" in js or "f\\u00f8r)" in js
    assert "<b>x</b>" not in js
    assert external_links(m) == []


def test_skaermkort_only_with_a_token_and_none_stays_first(scored):
    from selection.output.basemaps import SKAERMKORT_KEY, available_basemaps

    assert next(iter(available_basemaps())) == "none"
    assert SKAERMKORT_KEY not in available_basemaps()
    assert SKAERMKORT_KEY not in available_basemaps("bad token {{x}}")
    maps = available_basemaps("abcdef123456")
    assert maps[SKAERMKORT_KEY].external
    assert not maps["none"].external
    dataset, _ = scored
    page = base_map(dataset.areas, maps[SKAERMKORT_KEY]).get_root().render()
    assert "api.dataforsyningen.dk/topo_skaermkort_DAF" in page
    assert '"token": "abcdef123456"' in page
    assert "dataforsyningen" not in base_map(dataset.areas).get_root().render()


def test_wms_basemap_without_url_draws_no_background(scored):
    """A WMS background map needs its service URL: without one the map has no background layer."""
    from selection.output.basemaps import Basemap

    dataset, _ = scored
    js = base_map(dataset.areas, Basemap("Uden adresse", None, wms_layer="lag")).get_root().render()
    assert "L.tileLayer.wms(" not in js
    assert "L.tileLayer(" not in js


def test_without_a_background_map_the_data_districts_orient_beneath_the_areas(tmp_path):
    """Issue 29, class 16: with no tiles the areas no longer float on grey: each district the data names is a light
    frame with its name (escaped, as every name), credited as made from the data; with tiles there is none."""
    areas = area_features()
    hostile = "<img src=x onerror=alert`1`>{{ 7*7 }}"
    for k, feature in enumerate(areas["features"]):
        feature["properties"]["bydel"] = hostile if k == 0 else "Valby (note)"
    dataset = load_dataset(make_package(tmp_path / "p", areas=areas))
    m = ranked_base_map(dataset.areas)
    frames = [c for c in m._children.values() if isinstance(c, DistrictFrames)]
    assert len(frames) == 1
    names = sorted(d["name"] for d in frames[0].districts)
    assert names == sorted([escape_text(hostile), "Valby"])
    page = m.get_root().render()
    assert "<img src=x" not in page
    assert htmlsafe_json_dumps(escape_text(hostile))[1:-1] in page  # as text; the template syntax not evaluated
    assert htmlsafe_json_dumps(escape_text(DISTRICTS_ATTRIBUTION)) in page
    assert "ikke grænser" in DISTRICTS_ATTRIBUTION
    scripts = [k for k in m._children if k.startswith(("district_frames", "area_shapes"))]
    assert scripts == sorted(scripts, key=lambda k: not k.startswith("district"))  # the frames lie beneath the areas
    tiles = ranked_base_map(dataset.areas, "osm")
    assert not [c for c in tiles._children.values() if isinstance(c, DistrictFrames)]


def test_the_map_always_names_the_top_three(scored):
    dataset, result = scored
    m = ranked_base_map(dataset.areas)
    ranked_layer(dataset.areas, result.table).add_to(m)
    page = m.get_root().render()
    assert TOP_NAMES == 3
    assert "x.l.rank <= 3" in page  # the labels' placement never hides these names (browser test: e2e)
