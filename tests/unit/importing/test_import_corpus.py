"""A generated corpus of bad import files: each gives its specific Danish message naming the file,
and a stored import prepared beforehand stays byte-identical."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import LineString, Point, Polygon, box, mapping

from selection.data.dataset import load_dataset
from selection.errors import DataError
from selection.importing import Limits, validate_import
from selection.importing.apply import apply_import
from selection.storage.packages import active_data_dir
from tests.support.factory import ADMIN, AREAS, CRITERIA, area_features, make_package

DANISH_AREAS = [("a", "Hørgården", AREAS[0][2]), ("b", "Stærevej mv.", AREAS[1][2]), ("c", "Charlie", AREAS[2][2])]
SECTOR_CRITERIA = {**CRITERIA, "sectors": [{"id": "school", "label": "Skole"}, {"id": "club", "label": "Klub"}]}


@dataclass
class Case:
    id: str
    build: Callable[[Path], list[Any]]  # returns sources (paths or (name, bytes))
    fragment: str
    file: str
    severity: str = "error"
    options: dict[str, Any] = field(default_factory=dict)


def fc(features: list[dict], crs: str | None = None) -> bytes:
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


def feature(geom, **props) -> dict:
    return {"type": "Feature", "geometry": mapping(geom) if geom is not None else None, "properties": props}


def good_areas() -> bytes:
    return json.dumps(area_features(DANISH_AREAS)).encode()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def shapefile_members(tmp: Path, gdf: gpd.GeoDataFrame, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    folder = tmp / "shp"
    folder.mkdir(exist_ok=True)
    gdf.to_file(folder / "omr.shp", encoding="cp1252")
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix not in skip}


def utm_gdf() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_id": ["a", "b"], "name": ["Hørgården", "Stærevej mv."]},
        geometry=[AREAS[0][2], AREAS[1][2]],
        crs="EPSG:4326",
    ).to_crs("EPSG:25832")


def gpkg(tmp: Path, layers: dict[str, gpd.GeoDataFrame], name: str = "data.gpkg") -> Path:
    path = tmp / name
    for layer, gdf in layers.items():
        gdf.to_file(path, layer=layer, driver="GPKG")
    return path


def xlsx_merged_header() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["area_id", "Tillid", None, "n1"])
    ws.append(["", "t1", "n2", ""])
    ws.append(["a", 3, 40, 2])
    ws.merge_cells("B1:C1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BOWTIE = Polygon([(12.50, 55.66), (12.516, 55.67), (12.516, 55.66), (12.50, 55.67), (12.50, 55.66)])

CASES = [
    Case("truncated_json", lambda t: [("omr.geojson", good_areas()[:-40])], "ugyldig JSON i linje", "omr.geojson"),
    Case(
        "points_as_areas",
        lambda t: [("omr.geojson", fc([feature(Point(12.5, 55.66), area_id="a", name="x")]))],
        "skal være en polygon eller multipolygon",
        "omr.geojson",
        options={"kinds": "areas"},
    ),
    Case(
        "self_intersecting_repaired",
        lambda t: [("omr.geojson", fc([feature(BOWTIE, area_id="a", name="Hørgården")]))],
        "Ugyldig geometri repareret automatisk",
        "omr.geojson",
        "warning",
    ),
    Case(
        "duplicate_id",
        lambda t: [
            (
                "omr.geojson",
                fc([feature(AREAS[0][2], area_id="a", name="A"), feature(AREAS[1][2], area_id="a", name="B")]),
            )
        ],
        "id'er skal være unikke",
        "omr.geojson",
    ),
    Case(
        "shapefile_without_prj",
        lambda t: [("omr.zip", zip_bytes(shapefile_members(t, utm_gdf(), (".prj",))))],
        "angiver ikke et koordinatsystem",
        "omr.zip",
    ),
    Case(
        "unknown_epsg",
        lambda t: [("omr.geojson", fc([feature(AREAS[0][2], area_id="a", name="A")], "EPSG:999999"))],
        "Ukendt eller ugyldigt koordinatsystem 'EPSG:999999'",
        "omr.geojson",
    ),
    Case("empty_file", lambda t: [("vaerdier.csv", b"")], "Filen er tom", "vaerdier.csv"),
    Case("empty_feature_collection", lambda t: [("omr.geojson", fc([]))], "ingen objekter", "omr.geojson"),
    Case(
        "csv_text_value", lambda t: [("v.csv", "area_id;t1\na;høj\n".encode("cp1252"))], "'høj' er ikke et tal", "v.csv"
    ),
    Case("value_out_of_scale", lambda t: [("v.csv", b"area_id,n2\na,140\n")], "uden for skalaen 0–100 %", "v.csv"),
    Case(
        "unknown_indicator_wide",
        lambda t: [("v.csv", b"area_id,t1,zz9\na,3,1\n")],
        "Ukendt indikator 'zz9' i overskriften",
        "v.csv",
    ),
    Case(
        "unknown_indicator_long",
        lambda t: [("v.csv", b"area_id,indicator_id,value\na,foo,1\n")],
        "Ukendt indikator 'foo'",
        "v.csv",
    ),
    Case("computed_indicator", lambda t: [("v.csv", b"area_id,cov\na,50\n")], "beregnes automatisk", "v.csv"),
    Case(
        "separator_confusion",
        lambda t: [("v.csv", b"area_id;t1,n1\na;3,5;2\nb,4;1\n")],
        "Skilletegnet kan ikke afgøres",
        "v.csv",
    ),
    Case(
        "cp1252_unknown_area",
        lambda t: [("v.csv", "område;t1\nÆrøvej;3\nHørgården;2\n".encode("cp1252"))],
        "Området 'Ærøvej' findes ikke",
        "v.csv",
        "warning",
    ),
    Case(
        "bom_missing_area_column",
        lambda t: [("v.csv", "\ufeffindikator,værdi\nt1,3\n".encode("utf-8"))],
        "Mangler kolonne til området",
        "v.csv",
    ),
    Case("xlsx_merged_header", lambda t: [("v.xlsx", xlsx_merged_header())], "flettede celler (B1:C1)", "v.xlsx"),
    Case(
        "zip_path_traversal",
        lambda t: [("omr.zip", zip_bytes({"../../evil.shp": b"x", "ok.dbf": b"y"}))],
        "usikre stier",
        "omr.zip",
    ),
    Case("zip_absolute_path", lambda t: [("omr.zip", zip_bytes({"/etc/evil.shp": b"x"}))], "usikre stier", "omr.zip"),
    Case(
        "zip_bomb",
        lambda t: [("omr.zip", zip_bytes({"omr.shp": b"\0" * 3_000_000, "omr.dbf": b"\0" * 10}))],
        "udpakket; grænsen er 1.0 MB",
        "omr.zip",
        options={"limits": Limits(max_unzipped_bytes=1024 * 1024)},
    ),
    Case(
        "zip_too_many_members",
        lambda t: [("omr.zip", zip_bytes({f"f{i}.txt": b"x" for i in range(10)}))],
        "for mange filer (10); grænsen er 5",
        "omr.zip",
        options={"limits": Limits(max_zip_members=5)},
    ),
    Case(
        "oversize_file",
        lambda t: [("omr.geojson", good_areas())],
        "Filen er for stor",
        "omr.geojson",
        options={"limits": Limits(max_file_bytes=200)},
    ),
    Case(
        "oversize_path",
        lambda t: [_write(t / "stor.csv", b"area_id,t1\n" + b"a,3\n" * 100)],
        "Filen er for stor",
        "stor.csv",
        options={"limits": Limits(max_file_bytes=100)},
    ),
    Case(
        "missing_area_columns",
        lambda t: [("omr.geojson", fc([feature(AREAS[0][2], kode="x")]))],
        "Mangler kolonne til områdets id eller navn",
        "omr.geojson",
    ),
    Case(
        "non_polygon_gpkg",
        lambda t: [
            gpkg(
                t,
                {
                    "veje": gpd.GeoDataFrame(
                        {"area_id": ["a"], "name": ["A"]},
                        geometry=[LineString([(12.5, 55.66), (12.6, 55.67)])],
                        crs="EPSG:4326",
                    )
                },
            )
        ],
        "Geometrien er 'LineString'",
        "data.gpkg",
    ),
    Case("empty_gpkg_layer", lambda t: [gpkg(t, {"tom": utm_gdf().iloc[0:0]})], "ingen objekter", "data.gpkg"),
    Case(
        "gpkg_layer_not_chosen",
        lambda t: [gpkg(t, {"l1": utm_gdf(), "l2": utm_gdf()})],
        "vælg hvilket lag der skal bruges: l1, l2",
        "data.gpkg",
    ),
    Case(
        "actor_csv_without_crs",
        lambda t: [("akt.csv", b"navn;sektor;x;y\nSkole;skole;723000;6175000\n")],
        "ikke angivet og gættes ikke",
        "akt.csv",
    ),
    Case(
        "actor_csv_unknown_crs",
        lambda t: [("akt.csv", b"navn;sektor;x;y\nSkole;skole;723000;6175000\n")],
        "Ukendt eller ugyldigt koordinatsystem 'EPSG:999999'",
        "akt.csv",
        options={"crs": "EPSG:999999"},
    ),
    Case(
        "unknown_sector_only",
        lambda t: [("akt.csv", "navn;sektor;lon;lat\nMoské;Trossamfund;12,51;55,665\n".encode())],
        "Sektoren 'Trossamfund' kan ikke knyttes",
        "akt.csv",
        "warning",
        options={"crs": "EPSG:4326"},
    ),
    Case(
        "actor_missing_sector_column",
        lambda t: [("akt.geojson", fc([feature(Point(12.51, 55.665), name="X")]))],
        "Mangler kolonne(r): sector/sektor",
        "akt.geojson",
        options={"kinds": "actors"},
    ),
    Case(
        "too_many_features",
        lambda t: [("omr.geojson", good_areas())],
        "har 3 objekter; grænsen er 2",
        "omr.geojson",
        options={"limits": Limits(max_features=2)},
    ),
    Case(
        "too_many_rows",
        lambda t: [("v.csv", b"area_id,t1\na,1\nb,2\nc,3\n")],
        "flere end 2 datarækker",
        "v.csv",
        options={"limits": Limits(max_rows=2)},
    ),
    Case(
        "binary_garbage_geojson",
        lambda t: [("omr.geojson", bytes(range(256)) * 4)],
        "ikke gyldig GeoJSON",
        "omr.geojson",
    ),
    Case("binary_garbage_csv", lambda t: [("v.csv", b"\x00\x01\x02garbage")], "ikke en tekstfil", "v.csv"),
    Case("unsupported_kml", lambda t: [("omr.kml", b"<kml></kml>")], "Filtypen '.kml' understøttes ikke", "omr.kml"),
    Case(
        "unsupported_docx",
        lambda t: [("notat.docx", zip_bytes({"word/document.xml": b"<x/>"}))],
        "Filtypen '.docx' understøttes ikke",
        "notat.docx",
    ),
    Case(
        "csv_as_areas",
        lambda t: [("v.csv", b"area_id,t1\na,3\n")],
        "ikke den forventede type",
        "v.csv",
        options={"kinds": "areas"},
    ),
    Case(
        "bad_kind_value",
        lambda t: [("v.csv", b"area_id,indicator_id,value,kind\na,t1,3,gaet\n")],
        "'kind' skal være en af",
        "v.csv",
    ),
    Case(
        "utm_coordinates_as_wgs84",
        lambda t: [("omr.geojson", fc([feature(box(720000, 6170000, 721000, 6171000), area_id="a", name="A")]))],
        "ligner meter i EPSG:25832",
        "omr.geojson",
    ),
    Case("no_row_matches", lambda t: [("v.csv", b"area_id,t1\nx,3\ny,2\n")], "Ingen rækker kunne knyttes", "v.csv"),
    Case("not_a_zip", lambda t: [("omr.zip", b"PK this is not a zip")], "kan ikke åbnes som zip-fil", "omr.zip"),
    Case(
        "zip_without_shapefile",
        lambda t: [("omr.zip", zip_bytes({"readme.txt": b"hej"}))],
        "ingen Shapefile (.shp)",
        "omr.zip",
    ),
    Case("xlsx_garbage", lambda t: [("v.xlsx", b"not really excel")], "kan ikke åbnes som zip-fil", "v.xlsx"),
    Case(
        "duplicate_value",
        lambda t: [("v.csv", b"area_id,indicator_id,value\na,t1,3\nA,t1,4\n")],
        "findes også i række 2",
        "v.csv",
    ),
    Case("missing_file", lambda t: [t / "findes-ikke.geojson"], "kan ikke læses", "findes-ikke.geojson"),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def tree_hash(root: Path) -> dict[str, str]:
    """Every file's content and every symlink's target below ``root``."""
    return {
        str(p.relative_to(root)): "->" + os.readlink(p)
        if p.is_symlink()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


@pytest.fixture
def stored(tmp_path):
    """A data dir holding a valid import, applied before the bad one is attempted."""
    pkg = make_package(tmp_path / "pkg", areas=area_features(DANISH_AREAS), criteria=SECTOR_CRITERIA)
    store_root = tmp_path / "root"
    store = store_root / "store"
    plan = validate_import([("start.csv", "område;t1\nHørgården;4\n".encode("cp1252"))], load_dataset(pkg))
    apply_import(plan, store, actor=ADMIN)
    apply_import(
        validate_import([("igen.csv", b"area_id,t1\nb,2\n")], load_dataset(active_data_dir(store))), store, actor=ADMIN
    )
    return store


def test_corpus_is_large_enough():
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, stored: Path, tmp_path: Path):
    before = tree_hash(stored.parent)
    current = load_dataset(active_data_dir(stored))
    work = tmp_path / "in"
    work.mkdir()
    plan = validate_import(case.build(work), current, **case.options)
    found = [p for p in plan.report.problems if p.severity == case.severity and case.fragment in p.message]
    assert found, [str(p) for p in plan.report.problems]
    assert all(p.file == case.file for p in found), [str(p) for p in found]
    assert case.file in str(found[0])
    if case.severity == "error":
        assert not plan.ok
        with pytest.raises(DataError):
            apply_import(plan, stored, actor=ADMIN)
    else:
        assert plan.ok, [str(p) for p in plan.errors]
    assert tree_hash(stored.parent) == before


def test_semicolon_file_with_decimal_comma_is_not_read_as_comma_separated(stored):
    current = load_dataset(active_data_dir(stored))
    plan = validate_import([("v.csv", b"area_id;t1;n2\na;3,5;40,5\nb;2;10\n")], current)
    assert plan.ok, [str(p) for p in plan.report.problems]
    assert "semikolon" in plan.files[0].details
    got = plan.values.set_index(["area_id", "indicator_id"])["value"]
    assert (got[("a", "t1")], got[("a", "n2")], got[("b", "n2")]) == (3.5, 40.5, 10.0)
    # comma-separated with quoted decimal commas also works
    plan = validate_import([("v.csv", b'area_id,t1\na,"3,5"\n')], current)
    assert plan.ok
    assert plan.values.set_index(["area_id", "indicator_id"])["value"][("a", "t1")] == 3.5
