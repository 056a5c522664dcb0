"""Import of official data: readers, matching, diff, atomic store, reset and round trip."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box

from selection.data.dataset import load_dataset
from selection.data.package_writer import export_package
from selection.errors import DataError
from selection.importing import list_layers, validate_import
from selection.importing.apply import apply_import, reset_import, restore_import
from selection.importing.matching import AreaMatcher, SectorMatcher, norm_key
from selection.ranking.evaluate import evaluate
from selection.storage import packages as import_store
from selection.storage.packages import active_data_dir, has_stored_import, import_backups
from tests.support.factory import ADMIN, AREAS, BUNDLED, CRITERIA, REPO, area_features, make_package, xlsx_bytes

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DANISH_AREAS = [
    ("a", "Hørgården", AREAS[0][2]),
    ("b", "Stærevej mv.", AREAS[1][2]),
    ("c", "Charlie", AREAS[2][2]),
]
SECTOR_CRITERIA = {
    **CRITERIA,
    "sectors": [
        {"id": "school", "label": "Skole"},
        {"id": "club", "label": "Klub / fritidstilbud"},
        {"id": "daycare", "label": "Dagtilbud"},
        {"id": "library_culture", "label": "Bibliotek / kulturhus"},
    ],
}


@pytest.fixture
def current(tmp_path):
    return load_dataset(make_package(tmp_path / "pkg"))


@pytest.fixture
def danish(tmp_path):
    pkg = make_package(tmp_path / "dk", areas=area_features(DANISH_AREAS), criteria=SECTOR_CRITERIA)
    return load_dataset(pkg)


def ranking(ds) -> list[tuple[str, int, float]]:
    table = evaluate(ds)[1].table
    return [(r.area_id, int(r.rank), round(float(r.total), 9)) for r in table.itertuples()]


def tree_hash(folder: Path) -> dict[str, str]:
    """Every file's content and every symlink's target beside and below ``folder``."""
    return {
        str(p.relative_to(folder.parent)): "->" + os.readlink(p)
        if p.is_symlink()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.parent.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def messages(plan, severity="error") -> list[str]:
    return [str(p) for p in plan.report.problems if p.severity == severity]


def utm_areas(names=("Alfa", "Bravo", "Charlie"), shift=0.0) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        {"area_id": ["a", "b", "c"], "name": list(names)}, geometry=[g for _, _, g in AREAS], crs="EPSG:4326"
    ).to_crs("EPSG:25832")
    if shift:
        gdf.loc[0, "geometry"] = gdf.geometry.iloc[0].buffer(shift)
    return gdf


# --------------------------------------------------------------------------- areas


def test_gpkg_two_layers_choose_layer(tmp_path, current):
    gpkg = tmp_path / "omraader.gpkg"
    utm_areas(shift=50).to_file(gpkg, layer="omraader_2024", driver="GPKG")
    utm_areas().to_file(gpkg, layer="gamle_omraader", driver="GPKG")
    assert sorted(list_layers(gpkg)) == ["gamle_omraader", "omraader_2024"]

    plan = validate_import(gpkg, current)
    assert not plan.ok
    [err] = messages(plan)
    assert "omraader.gpkg" in err
    assert "vælg hvilket lag" in err
    assert "omraader_2024" in err
    assert "gamle_omraader" in err

    plan = validate_import(gpkg, current, layer="omraader_2024")
    assert plan.ok, messages(plan)
    assert any("omregnet fra EPSG:25832" in w for w in messages(plan, "warning"))
    assert plan.diff.geometry_changed == ["a"]
    assert plan.diff.areas_added == []
    assert plan.files[0].kind == "areas"

    plan = validate_import(gpkg, current, layer="findes_ikke")
    assert "Laget 'findes_ikke' findes ikke" in messages(plan)[0]


def _zip_shapefile(tmp_path: Path, gdf: gpd.GeoDataFrame, encoding: str, keep_cpg: bool) -> bytes:
    folder = tmp_path / f"shp-{encoding}-{keep_cpg}"
    folder.mkdir()
    gdf.to_file(folder / "omr.shp", encoding=encoding)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in folder.iterdir():
            if p.suffix == ".cpg" and not keep_cpg:
                continue
            zf.write(p, f"data/{p.name}")
    return buf.getvalue()


@pytest.mark.parametrize(("encoding", "keep_cpg"), [("cp1252", False), ("cp1252", True), ("UTF-8", False)])
def test_zipped_shapefile_danish_letters(tmp_path, danish, encoding, keep_cpg):
    gdf = utm_areas(names=("HØRGÅRDEN", "Stærevej mv.", "Charlie"))
    gdf["area_id"] = ["x1", "x2", "x3"]  # unknown ids: matching falls back to the names
    gdf["bydel"] = ["Nørrebro", "Østerbro", "Amager Øst"]
    data = _zip_shapefile(tmp_path, gdf, encoding, keep_cpg)
    plan = validate_import([("omraader.zip", data)], danish, now=NOW)
    assert plan.ok, messages(plan)
    assert plan.diff.areas_added == []
    assert list(plan.areas.loc[["a", "b", "c"], "bydel"]) == ["Nørrebro", "Østerbro", "Amager Øst"]
    assert list(plan.areas["name"]) == ["Hørgården", "Stærevej mv.", "Charlie"]
    expected = "cp1252" if encoding == "cp1252" else "UTF-8"
    assert f"tegnsæt: {expected}" in plan.files[0].details


def test_geojson_reprojection_warning_and_new_area(tmp_path, current):
    gdf = utm_areas()
    extra = gpd.GeoDataFrame(
        {"area_id": ["d"], "name": ["Delta"]}, geometry=[box(12.65, 55.66, 12.66, 55.67)], crs="EPSG:4326"
    ).to_crs("EPSG:25832")
    path = tmp_path / "omr.geojson"
    pd.concat([gdf, extra]).to_file(path, driver="GeoJSON")
    plan = validate_import(path, current)
    assert plan.ok, messages(plan)
    warnings = messages(plan, "warning")
    assert any("omr.geojson" in w and "omregnet fra EPSG:25832 til WGS84" in w for w in warnings)
    assert any("4 områder, de nuværende data har 3" in w for w in warnings)
    assert any("nyt område 'd'" in w for w in warnings)
    assert plan.diff.areas_added == ["d"]
    assert plan.diff.geometry_changed == []


def test_replace_areas_removes_unlisted_areas_with_their_values_and_initiatives(tmp_path, current):
    (tmp_path / "pkg" / "initiatives.csv").write_text(
        "area_id,name,type,period,verification,source\nb,Klub B,club,2024-,illustrative,x\n"
        "a,Plan A,master_plan,2024-,sourced,y\n",
        encoding="utf-8",
    )
    current = load_dataset(tmp_path / "pkg")
    store = tmp_path / "store"
    path = tmp_path / "officiel.geojson"
    utm_areas().iloc[[0, 2]].to_file(path, driver="GeoJSON")  # the official list: Alfa and Charlie
    before = tree_hash(tmp_path / "pkg")

    kept = validate_import(path, current)  # default: areas not in the file stay
    assert kept.ok
    assert kept.diff.areas_removed == []
    assert any("bevares uændret" in w for w in messages(kept, "warning"))

    plan = validate_import(path, current, replace_areas=True, now=NOW)
    assert plan.ok, messages(plan)
    assert plan.diff.areas_removed == ["b"]
    n_values_b = int((current.values["area_id"] == "b").sum())
    assert plan.diff.values_removed == n_values_b > 0
    assert plan.diff.initiatives_removed == 1
    assert any("1 område, der ikke er i filen, fjernes (Bravo)" in w for w in messages(plan, "warning"))
    assert "Fjernet med områderne" in " ".join(plan.diff.lines())
    assert tree_hash(tmp_path / "pkg") == before, "nothing is written by validation"

    apply_import(plan, store, actor=ADMIN)
    loaded = load_dataset(active_data_dir(store))
    assert loaded.area_ids == ["a", "c"]
    assert set(loaded.values["area_id"]) == {"a", "c"}
    assert list(loaded.initiatives["area_id"]) == ["a"]
    assert [r[0] for r in ranking(loaded)] == [r[0] for r in ranking(current) if r[0] != "b"]


def test_replace_areas_needs_an_area_file(current):
    plan = validate_import([("v.csv", b"area_id,t1\na,4\n")], current, replace_areas=True)
    assert not plan.ok
    assert any("kræver en fil med områder" in m for m in messages(plan))


# --------------------------------------------------------------------------- values


VALUE_FILES = {
    "excel_cp1252_wide.csv": "Område;t1;n1;n2\r\nAlfa;4,5;2;40\r\nBravo;3;1,5;20\r\nCharlie;1;5;90,25\r\n".encode(
        "cp1252"
    ),
    "long_bom.csv": (
        "\ufeffarea_id,indicator_id,value\na,t1,4.5\na,n1,2\na,n2,40\nb,t1,3\nb,n1,1.5\nb,n2,20\n"
        "c,t1,1\nc,n1,5\nc,n2,90.25\n"
    ).encode("utf-8"),
    "standard_wide.csv": b"area_id,t1,n1,n2\na,4.5,2,40\nb,3,1.5,20\nc,1,5,90.25\n",
    "danish_long.csv": "navn;indikator;værdi\nALFA;t1;4,5\nalfa;n1;2\nAlfa;n2;40\nBravo;t1;3\nBravo;n1;1,5\n"
    "Bravo;n2;20\nCharlie;t1;1\nCharlie;n1;5\nCharlie;n2;90,25\n".encode(),
    "wide.xlsx": xlsx_bytes([["area_id", "t1", "n1", "n2"], ["a", 4.5, 2, 40], ["b", 3, 1.5, 20], ["c", 1, 5, 90.25]]),
}


def test_value_formats_parse_to_same_values(current):
    results = {}
    for name, data in VALUE_FILES.items():
        plan = validate_import([(name, data)], current, now=NOW)
        assert plan.ok, (name, messages(plan))
        assert plan.files[0].kind == "values"
        frame = plan.values.sort_values(["area_id", "indicator_id"]).reset_index(drop=True)
        results[name] = frame[["area_id", "indicator_id", "value"]]
        assert set(frame["kind"]) == {"sourced"}
        assert set(frame["source"]) == {f"{name}, importeret 2026-11-23T12:00:00+00:00"}
    first = next(iter(results.values()))
    for name, frame in results.items():
        pd.testing.assert_frame_equal(frame, first, obj=name)
    assert first.set_index(["area_id", "indicator_id"]).loc[("c", "n2"), "value"] == 90.25


def test_a_workbook_with_several_sheets_says_which_one_was_read(current):
    wb = openpyxl.Workbook()
    wb.active.title = "Tal 2024"
    for row in [["area_id", "t1", "n1", "n2"], ["a", 4.5, 2, 40], ["b", 3, 1.5, 20], ["c", 1, 5, 90.25]]:
        wb.active.append(row)
    for name in ("Tal 2025", "<b>Noter<b>"):
        wb.create_sheet(name).append(["area_id", "t1"])
    buf = io.BytesIO()
    wb.save(buf)
    plan = validate_import([("tal.xlsx", buf.getvalue())], current, now=NOW)
    assert plan.ok, messages(plan)
    (warning,) = [w for w in messages(plan, "warning") if "ark" in w]
    assert "Filen har 3 ark; kun det første, 'Tal 2024', er læst (ikke 'Tal 2025', '<b>Noter<b>')" in warning
    assert len(plan.values) == 9
    single = validate_import([("wide.xlsx", VALUE_FILES["wide.xlsx"])], current, now=NOW)
    assert not [w for w in messages(single, "warning") if "ark;" in w], "one sheet: nothing to say"


def test_detected_format_is_reported(current):
    plan = validate_import([("excel_cp1252_wide.csv", VALUE_FILES["excel_cp1252_wide.csv"])], current)
    details = plan.files[0].details
    assert "cp1252" in details
    assert "semikolon" in details
    assert "bredt" in details
    plan = validate_import([("long_bom.csv", VALUE_FILES["long_bom.csv"])], current)
    assert "UTF-8 med BOM" in plan.files[0].details
    assert "komma" in plan.files[0].details
    assert "langt" in plan.files[0].details


def test_kind_and_source_columns_are_kept(current):
    data = b"area_id,indicator_id,value,kind,source,note\na,t1,2,assessed,Lokal vurdering,ok\n"
    plan = validate_import([("v.csv", data)], current)
    assert plan.ok, messages(plan)
    row = plan.values[(plan.values.area_id == "a") & (plan.values.indicator_id == "t1")].iloc[0]
    assert (row.value, row.kind, row.source, row.note) == (2.0, "assessed", "Lokal vurdering", "ok")


def test_name_matching_danish_spellings(danish):
    data = "område;t1\nHoergaarden;2\nSTÆREVEJ MV.;3\nStaerevej-mv;4\nUkendt Sted;1\n".encode()
    plan = validate_import([("navne.csv", data)], danish)
    assert not plan.ok  # Stærevej twice
    assert any("findes også i række 3" in e and "række 4" in e for e in messages(plan))
    data = "område;t1\nHoergaarden;2\nSTÆREVEJ MV.;4\nUkendt Sted;1\n".encode()
    plan = validate_import([("navne.csv", data)], danish)
    assert plan.ok, messages(plan)
    assert {(c.area_id, c.new) for c in plan.diff.values_changed} == {("a", 2.0), ("b", 4.0)}
    [unmatched] = [w for w in messages(plan, "warning") if "Ukendt Sted" in w]
    assert "navne.csv" in unmatched
    assert "række 4" in unmatched
    matcher = AreaMatcher({"hoergaarden": "Hørgården", "x": "Stærevej mv."})
    assert matcher.match(None, "hørgården") == "hoergaarden"
    assert matcher.match("Staerevej_MV", None) == "x"
    assert matcher.match(None, "Stærevej/mv") == "x"
    assert norm_key("Sjælør Boulevard") == norm_key("SJAELOER-boulevard")


# --------------------------------------------------------------------------- actors


def test_actor_csv_epsg25832_with_sector_mapping(danish):
    pts = gpd.GeoSeries(
        [Point(12.508, 55.665), Point(12.558, 55.665), Point(12.608, 55.665), Point(12.609, 55.666)], crs="EPSG:4326"
    ).to_crs("EPSG:25832")
    rows = [
        ("Nørre Skole", "Folkeskole"),
        ("Børnehuset", "børnehave"),
        ("Moské", "Trossamfund"),
        ("Biblioteket", " BIBLIOTEK "),
    ]
    lines = ["navn;sektor;x;y"] + [
        f"{n};{s};{p.x:.2f};{p.y:.2f}".replace(".", ",") for (n, s), p in zip(rows, pts, strict=True)
    ]
    data = "\r\n".join(lines).encode("cp1252")
    plan = validate_import([("aktoerer.csv", data)], danish)
    assert not plan.ok
    assert "koordinatsystemet" in messages(plan)[0].lower()
    plan = validate_import([("aktoerer.csv", data)], danish, crs="EPSG:25832")
    assert plan.ok, messages(plan)
    assert plan.files[0].kind == "actors"
    assert list(plan.actors["sector"]) == ["school", "daycare", "library_culture"]
    assert list(plan.actors["name"]) == ["Nørre Skole", "Børnehuset", "Biblioteket"]
    assert abs(plan.actors.geometry.iloc[0].x - 12.508) < 1e-6
    assert plan.sector_mapping["Trossamfund"] is None
    assert plan.sector_mapping["Folkeskole"] == "school"
    [unmapped] = [w for w in messages(plan, "warning") if "Trossamfund" in w]
    assert "aktoerer.csv" in unmapped
    assert "række 4" in unmapped
    assert (plan.diff.actors_before, plan.diff.actors_after) == (3, 3)
    sm = SectorMatcher(danish.model)
    assert sm.match("Fritidsklub") == "club"
    assert sm.match("vuggestue") == "daycare"
    assert sm.match("Skole") == "school"
    assert sm.match("fritidstilbud") == "club"
    assert sm.match("jobcenter") is None


def test_actor_geojson_replaces_layer(tmp_path, current):
    gdf = gpd.GeoDataFrame({"name": ["Klub X"], "sector": ["klub"]}, geometry=[Point(12.56, 55.665)], crs="EPSG:4326")
    path = tmp_path / "aktorer.geojson"
    gdf.to_file(path, driver="GeoJSON")
    plan = validate_import(path, current)
    assert plan.ok, messages(plan)
    assert plan.diff.actors_replaced
    assert (plan.diff.actors_before, plan.diff.actors_after) == (3, 1)
    assert plan.actors.iloc[0]["actor_id"] == "import-1"


# --------------------------------------------------------------------------- diff, apply, reset


def test_diff_summary(tmp_path, current):
    gdf = utm_areas(shift=30)
    path = tmp_path / "a.gpkg"
    gdf.to_file(path, layer="x", driver="GPKG")
    values = b"area_id,t1,n2\na,5,41\nb,2,20\n"
    plan = validate_import([path, ("v.csv", values)], current)
    assert plan.ok, messages(plan)
    d = plan.diff
    assert d.geometry_changed == ["a"]
    assert d.areas_added == []
    assert d.areas_removed == []
    assert [(c.area_id, c.indicator_id, c.old, c.new) for c in d.values_changed] == [
        ("a", "n2", 40.0, 41.0),
        ("b", "t1", 3.0, 2.0),
    ]
    assert d.actors_before == d.actors_after == 3
    assert not d.actors_replaced
    assert "Værdier ændret: 2" in d.lines()
    assert "Områder med ny grænse: 1" in d.lines()


def stored_package(store: Path) -> Path:
    """The package folder of the import in use."""
    package = active_data_dir(store)
    assert package != BUNDLED
    assert package.parent.parent == store
    return package


def test_apply_changes_ranking_and_records_import(tmp_path, current):
    before = ranking(current)
    assert before[0][0] == "a"
    store = tmp_path / "store"
    values = "område;t1;n1;n2\nAlfa;1;1;100\nCharlie;5;5;0\n".encode("cp1252")
    plan = validate_import([("nye.csv", values)], current, now=NOW)
    assert plan.ok
    result = apply_import(plan, store, actor=ADMIN)
    first = stored_package(store)
    loaded = load_dataset(first)
    after = ranking(loaded)
    assert ranking(result) == after
    assert after[0][0] == "c"
    assert after[-1][0] == "a"
    assert loaded.meta["imports"][0]["file"] == "nye.csv"
    assert loaded.meta["imports"][0]["imported_at"] == "2026-11-23T12:00:00+00:00"
    assert loaded.version.startswith("t1+import-")
    assert sorted(p.name for p in first.iterdir()) == sorted(
        [
            "areas.geojson",
            "criteria.json",
            "values.csv",
            "actors.geojson",
            "initiatives.csv",
            "dataset.json",
            import_store.PACKAGE_MARKER,
        ]
    )
    # a second import keeps the first in the list and the old package unchanged beside it
    plan2 = validate_import([("mere.csv", b"area_id,t1\nb,4\n")], loaded)
    apply_import(plan2, store, actor=ADMIN)
    assert [i["file"] for i in load_dataset(stored_package(store)).meta["imports"]] == ["nye.csv", "mere.csv"]
    assert load_dataset(first).version == loaded.version


def test_apply_refuses_a_plan_made_before_another_import_landed(tmp_path, current):
    """Two planners preview on the same data; the second confirm must not silently drop the first."""
    store = tmp_path / "store"
    first = validate_import([("a.csv", b"area_id,t1\na,1\n")], current, now=NOW)
    second = validate_import([("b.csv", b"area_id,t1\nb,5\n")], current, now=NOW)
    apply_import(first, store, actor=ADMIN)
    kept = tree_hash(store)
    with pytest.raises(DataError, match="ændret af en anden import"):
        apply_import(second, store, actor=ADMIN)
    assert tree_hash(store) == kept
    # planned again on the data in use, it applies and keeps the first import
    again = validate_import([("b.csv", b"area_id,t1\nb,5\n")], load_dataset(active_data_dir(store)), now=NOW)
    loaded = apply_import(again, store, actor=ADMIN)
    assert [i["file"] for i in loaded.meta["imports"]] == ["a.csv", "b.csv"]


def test_concurrent_applies_are_serialised(tmp_path, current):
    from concurrent.futures import ThreadPoolExecutor

    store = tmp_path / "store"
    plans = [validate_import([(f"{k}.csv", f"area_id,t1\na,{k}\n".encode())], current, now=NOW) for k in (1, 2, 3, 4)]

    def attempt(plan):
        try:
            return apply_import(plan, store, actor=ADMIN).version
        except DataError:
            return None

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(attempt, plans))
    assert sum(o is not None for o in outcomes) == 1, "exactly one plan made on the same data may land"
    loaded = load_dataset(active_data_dir(store))
    assert len(loaded.meta["imports"]) == 1
    assert not [p for p in (store / "versions").iterdir() if p.name.startswith(".tmp-")]


def test_apply_refuses_plan_with_errors(tmp_path, current):
    plan = validate_import([("v.csv", b"area_id,t1\na,9\n")], current)
    assert not plan.ok
    with pytest.raises(DataError):
        apply_import(plan, tmp_path / "store", actor=ADMIN)
    assert not (tmp_path / "store").exists()


def test_apply_is_atomic(tmp_path, current, monkeypatch):
    store = tmp_path / "data" / "store"
    apply_import(validate_import([("v.csv", b"area_id,t1\na,4\n")], current), store, actor=ADMIN)
    apply_import(
        validate_import([("v.csv", b"area_id,t1\na,3\n")], load_dataset(active_data_dir(store))), store, actor=ADMIN
    )
    before = tree_hash(store)
    in_use = active_data_dir(store)

    def boom(_dataset, folder):  # the disk fills up half-way through the package
        (folder / "criteria.json").write_text("{", encoding="utf-8")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(import_store, "write_package", boom)
    plan = validate_import([("v.csv", b"area_id,t1\na,1\n")], load_dataset(in_use))
    with pytest.raises(DataError, match="simulated"):
        apply_import(plan, store, actor=ADMIN)
    assert tree_hash(store) == before
    assert active_data_dir(store) == in_use


def test_reset_returns_to_bundled(tmp_path, current, monkeypatch):
    monkeypatch.delenv("SELECTION_DATA", raising=False)
    store = tmp_path / "store"
    assert not has_stored_import(store)
    assert active_data_dir(store) == BUNDLED
    apply_import(validate_import([("v.csv", b"area_id,t1\na,4\n")], current), store, actor=ADMIN)
    apply_import(
        validate_import([("v.csv", b"area_id,t1\na,3\n")], load_dataset(active_data_dir(store))), store, actor=ADMIN
    )
    package = stored_package(store)

    def files(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    in_use = files(package)
    backup = reset_import(store, actor=ADMIN)
    assert backup == package
    assert not has_stored_import(store)
    assert active_data_dir(store) == BUNDLED
    # nothing the planner saved is lost: the import is set aside, not deleted, and can be restored
    assert import_backups(store) == [backup]
    restored = restore_import(store, actor=ADMIN)
    assert active_data_dir(store) == package
    assert import_backups(store) == []
    assert files(package) == in_use
    assert restored.meta["imports"][-1]["file"] == "v.csv"
    with pytest.raises(DataError, match="allerede en import i brug"):
        restore_import(store, actor=ADMIN)
    reset_import(store, actor=ADMIN)
    reset_import(store, actor=ADMIN)  # nothing in use: no error, no new backup
    assert len(import_backups(store)) == 1


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("source", ["factory", "bundled"])
def test_round_trip_export_import_same_ranking(tmp_path, source):
    current = load_dataset(make_package(tmp_path / "pkg") if source == "factory" else BUNDLED)
    exported = export_package(current, tmp_path / "export")
    reloaded = load_dataset(exported)
    assert ranking(reloaded) == ranking(current)
    assert json.loads((exported / "criteria.json").read_text())["criteria"]
    plan = validate_import(
        [exported / "areas.geojson", exported / "values.csv", exported / "actors.geojson"],
        current,
        kinds={"actors.geojson": "actors"},
    )
    assert plan.ok, messages(plan)
    assert plan.diff.areas_added == []
    assert plan.diff.geometry_changed == []
    assert plan.diff.values_changed == []
    stored = apply_import(plan, tmp_path / "store", actor=ADMIN)
    assert ranking(load_dataset(active_data_dir(tmp_path / "store"))) == ranking(current) == ranking(stored)
    assert len(stored.actors) == len(current.actors)


def test_uploaded_bytes_equal_paths(tmp_path, current):
    path = tmp_path / "v.csv"
    path.write_bytes(VALUE_FILES["standard_wide.csv"])
    a = validate_import(path, current, now=NOW)
    b = validate_import([("v.csv", path.read_bytes())], current, now=NOW)
    pd.testing.assert_frame_equal(a.values, b.values)


def test_new_area_with_values_and_actors_applies_and_loads(tmp_path, current):
    areas = gpd.GeoDataFrame(
        {"navn": ["Alfa", "Delta Øst"], "residents": [1200, 300]},
        geometry=[AREAS[0][2], box(12.65, 55.66, 12.666, 55.67)],
        crs="EPSG:4326",
    )
    apath = tmp_path / "omr.gpkg"
    areas.to_file(apath, layer="omr", driver="GPKG")
    values = "område;t1;n1;n2\nDelta Øst;4;4;10\n".encode("cp1252")
    actors = b"name,sector,lon,lat,area_id\nSkole D,school,12.658,55.665,Delta Oest\nKlub D,club,12.66,55.665,\n"
    plan = validate_import([apath, ("v.csv", values), ("akt.csv", actors)], current, crs="EPSG:4326")
    assert plan.ok, messages(plan)
    assert plan.diff.areas_added == ["delta-oest"]
    assert [f.kind for f in plan.files] == ["areas", "values", "actors"]
    assert [a if isinstance(a, str) else None for a in plan.actors["area_id"]] == ["delta-oest", None]
    loaded = apply_import(plan, tmp_path / "store", actor=ADMIN)
    assert loaded.areas.loc["a", "residents"] == 1200
    assert loaded.areas.loc["delta-oest", "name"] == "Delta Øst"
    assert len(loaded.actors) == 2
    assert set(loaded.actors["sector"]) == {"school", "club"}
    table = evaluate(loaded)[1].table.set_index("area_id")
    assert table.loc["delta-oest", "rank"] == 1  # full sector coverage, high trust and need, low n2


@given(st.text(alphabet="abcæøåABCÆØÅ -_/.", min_size=1, max_size=20))
def test_norm_key_ignores_case_spacing_and_danish_spelling(text):
    ascii_spelling = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    ascii_spelling = ascii_spelling.replace("Æ", "AE").replace("Ø", "OE").replace("Å", "AA")
    assert norm_key(text) == norm_key(ascii_spelling.upper()) == norm_key(f"  {text.lower()} ")


def test_sector_synonyms_on_bundled_model():
    sm = SectorMatcher(load_dataset(BUNDLED).model)
    expected = {
        "Folkeskole": "school",
        "Børnehave": "daycare",
        "VUGGESTUE": "daycare",
        "bibliotek": "library_culture",
        "Jobcenter": "employment",
        "boligselskab": "housing_org",
        "Forening": "civil_society",
        "klub": "club",
        "Fritidsklub": "club",
        "sprogcenter": "language_school",
        "Sprogskole": "language_school",
        "housing_social": "housing_social",
        "Boligorganisation / afdelingsbestyrelse": "housing_org",
        "Bydelsmødre": "civil_society",
        "Kulturhus": "library_culture",
    }
    assert {k: sm.match(k) for k in expected} == expected
    assert sm.match("Moské") is None
    assert sm.match("") is None


# --------------------------------------------------------------------------- names shared by two areas

SAME_NAME_AREAS = [("a", "Nordvest", AREAS[0][2]), ("b", "Nordvest", AREAS[1][2]), ("c", "Charlie", AREAS[2][2])]


@pytest.fixture
def same_names(tmp_path):
    return load_dataset(make_package(tmp_path / "same", areas=area_features(SAME_NAME_AREAS)))


@pytest.mark.parametrize(
    "data",
    [
        "område;t1\nNordvest;2\n",  # by name only
        "area_id;name;t1\n;NORDVEST;2\n",  # empty id, the name decides
    ],
)
def test_a_value_matched_by_a_name_two_areas_share_is_refused_naming_both(same_names, data):
    plan = validate_import([("v.csv", data.encode())], same_names)
    assert not plan.ok
    [error] = [e for e in messages(plan) if "nordvest" in e.casefold()]
    assert "'a'" in error
    assert "'b'" in error
    assert "område-id" in error
    assert "række 2" in error
    assert not plan.diff.values_changed


def test_a_value_matched_by_id_is_fine_when_names_are_shared(same_names):
    plan = validate_import([("v.csv", b"area_id;t1\nb;2\n")], same_names)
    assert plan.ok, messages(plan)
    assert {(c.area_id, c.new) for c in plan.diff.values_changed} == {("b", 2.0)}


def test_an_area_file_giving_two_areas_the_same_name_is_warned_about(tmp_path, current):
    gj = tmp_path / "to.geojson"
    gj.write_text(json.dumps(area_features([("a", "Alfa", AREAS[0][2]), ("x", "alfa", AREAS[1][2])])))
    plan = validate_import([gj], current)
    [warning] = [w for w in messages(plan, "warning") if "samme navn" in w]
    assert "'a'" in warning
    assert "'x'" in warning


def test_an_unmatched_value_row_without_a_name_column_names_the_id_column(current):
    plan = validate_import([("v.csv", b"area_id;indicator_id;value\n;t1;3\nzz;t1;2\n")], current)
    located = [p.location or "" for p in plan.report.problems]
    assert not any("None" in where for where in located), located


def test_any_path_like_source_is_one_file(tmp_path, current):
    """A single source given as a path-like object other than Path (an ``os.DirEntry``) is read as one file."""
    folder = tmp_path / "upload"
    folder.mkdir()
    utm_areas().to_file(folder / "omr.geojson", driver="GeoJSON")
    with os.scandir(folder) as entries:
        (entry,) = list(entries)
        plan = validate_import(entry, current)
    assert plan.ok, messages(plan)
    assert any("omr.geojson" in w for w in messages(plan, "warning"))


def test_messages_about_many_areas_name_twenty_and_count_the_rest(tmp_path):
    """A values file for one of 60 areas: the warning names 20 of the 59 others, not all of them."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from make_package import generate

    from selection.data.dataset import load_dataset

    many = load_dataset(generate(tmp_path / "pkg", 60, 6, actors_per_area=1))
    indicator = next(i for i in many.model.indicators if i.from_file)
    data = f"area_id,{indicator.id}\n{many.area_ids[0]},{indicator.scale_min}\n".encode()
    plan = validate_import([("v.csv", data)], many, now=NOW)
    assert plan.ok, messages(plan)
    (warning,) = [w for w in messages(plan, "warning") if "mangler for" in w]
    assert "mangler for 59 områder: Område 2, Område 3, " in warning
    assert "Område 21 og 39 andre; de nuværende værdier bevares." in warning
    assert "Område 22" not in warning
