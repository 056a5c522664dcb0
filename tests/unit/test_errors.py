"""Errors of the libraries that read a user's file (GDAL/pyogrio, GEOS/shapely, PROJ, zipfile, openpyxl) reach
the user as Danish sentences: the English library text never, or only as a quoted technical detail."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from selection.data.dataset import load_dataset
from selection.errors import DataError, library_reason
from selection.importing import validate_import
from tests.support.factory import area_features, make_package

ENGLISH = re.compile(
    r"Failed|Unrecognized|Invalid|IllegalArgument|[Ee]rror|file is not|not a zip|crs not found|There is no item"
    r"|Points of|LinearRing|sqlite3|Errno|No such file|Permission denied"
)
RING = [[12.5, 55.66], [12.516, 55.66], [12.516, 55.67], [12.5, 55.67], [12.5, 55.66]]


def areas_with_first(geometry_json: str) -> bytes:
    collection = area_features()
    text = json.dumps(collection)
    return text.replace(json.dumps(collection["features"][0]["geometry"]), geometry_json, 1).encode()


def polygon(ring_text: str) -> str:
    return '{"type": "Polygon", "coordinates": [' + ring_text + "]}"


def not_an_xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "ikke et regneark")
    return buf.getvalue()


def actors_geojson(x: str) -> bytes:
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 55.6]}, "properties": {}}
    feature["properties"] = {"actor_id": "a1", "name": "A", "sector": "school"}
    return (
        json.dumps({"type": "FeatureCollection", "features": [feature]}).replace("[0, 55.6]", f"[{x}, 55.6]").encode()
    )


CASES = {
    "infinite coordinate": ("omr.geojson", areas_with_first(polygon(json.dumps(RING).replace("12.5,", "1e400,", 1)))),
    "minus infinite coordinate": (
        "omr.geojson",
        areas_with_first(polygon(json.dumps(RING).replace("12.5,", "-1e999,"))),
    ),
    "open two-point ring": ("omr.geojson", areas_with_first(polygon("[[12.5, 55.66], [12.516, 55.67]]"))),
    "unknown crs": (
        "omr.geojson",
        json.dumps({**area_features(), "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}}).encode(),
    ),
    "broken zip": ("omr.zip", b"PK\x03\x04 beskadiget"),
    "not a geopackage": ("omr.gpkg", b"SQLite format 3\x00" + b"x" * 200),
    "xlsx that is no zip": ("vaerdier.xlsx", b"PK\x03\x04" + b"x" * 100),
    "zip that is no xlsx": ("vaerdier.xlsx", not_an_xlsx()),
    "actor at infinity": ("aktoerer.geojson", actors_geojson("1e400")),
}


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    return load_dataset(make_package(tmp_path_factory.mktemp("lib") / "p"))


@pytest.mark.parametrize("case", list(CASES))
def test_import_errors_are_danish(current, case):
    name, data = CASES[case]
    plan = validate_import([(name, data)], current, kinds="actors" if "actor" in case else None)
    assert not plan.ok
    messages = [str(p) for p in plan.errors]
    assert messages
    assert not [m for m in messages if ENGLISH.search(m) and "teknisk detalje" not in m], messages


def test_an_infinite_coordinate_says_so_and_where(current):
    plan = validate_import([CASES["infinite coordinate"]], current)
    text = " ".join(str(p) for p in plan.errors)
    assert "ikke et endeligt tal" in text
    assert "linje 1" in text


def test_an_unknown_library_text_is_only_a_quoted_detail():
    text = library_reason(RuntimeError("GDAL whatever went wrong in /srv/secret/folder/file.gpkg"))
    assert text.startswith("programbiblioteket, der læser filen, kunne ikke bruge den")
    assert "teknisk detalje på engelsk: 'GDAL whatever went wrong in file.gpkg'" in text
    assert "/srv/secret" not in text


def test_a_broken_package_file_is_told_in_danish(tmp_path: Path):
    folder = make_package(tmp_path / "p")
    (folder / "areas.geojson").write_bytes(CASES["infinite coordinate"][1])
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    text = str(caught.value)
    assert "ikke et endeligt tal" in text
    assert not ENGLISH.search(text)


# Invalid polygons near Alfa (12.50–12.516, 55.66–55.67): GEOS names each fault in English.
INVALID_RINGS = {
    "bow tie": "[[[12.5, 55.66], [12.516, 55.67], [12.516, 55.66], [12.5, 55.67], [12.5, 55.66]]]",
    "hole outside the shell": "[" + json.dumps(RING) + ", [[12.6, 55.7], [12.61, 55.7], [12.61, 55.71], [12.6, 55.7]]]",
    "ring touching itself": "[[[12.5, 55.66], [12.52, 55.66], [12.51, 55.665], [12.52, 55.67], [12.5, 55.67],"
    " [12.51, 55.665], [12.5, 55.66]]]",
    "hole cutting the area in two": "["
    + json.dumps(RING)
    + ", [[12.5, 55.665], [12.508, 55.66], [12.516, 55.665], [12.508, 55.67], [12.5, 55.665]]]",
}
GEOS_WORDS = re.compile(r"Self-intersection|Hole|Holes|Interior|Nested|Ring|Too few|Duplicate|Invalid|Repeated")


@pytest.mark.parametrize("case", list(INVALID_RINGS))
def test_an_invalid_polygon_is_described_in_danish_with_its_place(current, case):
    data = areas_with_first('{"type": "Polygon", "coordinates": ' + INVALID_RINGS[case] + "}")
    plan = validate_import([("omr.geojson", data)], current)
    found = [p for p in plan.report.problems if "geometri" in p.message.lower()]
    assert found, [str(p) for p in plan.report.problems]
    for problem in found:
        assert not GEOS_WORDS.search(problem.message), problem.message
        assert re.search(r"ved længde 12,\d{5}, bredde 55,\d{5}", problem.message)  # the place, Danish decimals
