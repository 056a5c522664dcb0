"""Validation of data packages (selection/data/dataset.py, data/criteria.py, geo/geometry.py).

Every bad-file test checks the Danish message fragment and that the problem names the
file and, where the problem sits in one row or feature, that row or feature.
"""

from __future__ import annotations

import copy
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon, box, mapping

from selection.data.dataset import VALUE_KINDS, load_dataset
from selection.errors import DataError, Problem
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import STATUS_INCOMPLETE, STATUS_OK
from tests.support.factory import ACTORS, AREAS, BUNDLED, CRITERIA, VALUES, area_features, make_package

# --------------------------------------------------------------------------- helpers


def load_errors(folder: Path) -> tuple[list[Problem], str]:
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    return info.value.report.errors, str(info.value)


def assert_problem(folder: Path, fragment: str, file: str, location: str | None = None) -> Problem:
    """Loading fails with a problem containing ``fragment`` in ``file`` at ``location``."""
    problems, text = load_errors(folder)
    hits = [p for p in problems if fragment in p.message]
    assert hits, f"no problem with {fragment!r}; got: {text}"
    hits = [p for p in hits if p.file == file]
    assert hits, f"{fragment!r} not reported for file {file!r}; got: {text}"
    if location is not None:
        hits = [p for p in hits if p.location == location]
        assert hits, f"{fragment!r} not reported at {location!r}; got: {text}"
        assert f"{file} · {location}: " in text  # the user-facing text names both
    else:
        assert f"{file}" in text
    return hits[0]


def with_values(*rows, base=VALUES) -> list[tuple]:
    return [*base, *rows]


def replace_value(index: int, **changes) -> list[tuple]:
    cols = ("area_id", "indicator_id", "value", "kind", "source", "note")
    rows = [list(r) for r in VALUES]
    for key, val in changes.items():
        rows[index][cols.index(key)] = val
    return [tuple(r) for r in rows]


def criteria_with(change) -> dict:
    crit = copy.deepcopy(CRITERIA)
    change(crit)
    return crit


# --------------------------------------------------------------------------- the factory package itself


def test_factory_package_is_valid(tmp_path):
    ds = load_dataset(make_package(tmp_path / "p"))
    assert ds.area_ids == ["a", "b", "c"]
    assert ds.warnings == ()
    assert len(ds.values) == len(VALUES)
    assert list(ds.actors["actor_id"]) == ["a1", "a2", "a3"]
    assert ds.version == "t1"


def test_missing_data_dir(tmp_path):
    with pytest.raises(DataError, match="Datamappen findes ikke"):
        load_dataset(tmp_path / "nowhere")


# --------------------------------------------------------------------------- areas


def test_duplicate_area_ids(tmp_path):
    fc = area_features()
    fc["features"][2]["properties"]["area_id"] = "a"
    p = assert_problem(
        make_package(tmp_path / "p", areas=fc),
        "Område-id 'a' findes også i objekt 1",
        "areas.geojson",
        "objekt 3 (Charlie)",
    )
    assert "unikke" in p.message


def test_point_instead_of_polygon(tmp_path):
    fc = area_features()
    fc["features"][1]["geometry"] = mapping(Point(12.55, 55.665))
    assert_problem(make_package(tmp_path / "p", areas=fc), "Geometrien er 'Point'", "areas.geojson", "objekt 2 (Bravo)")


@pytest.mark.parametrize("geometry", [None, {"type": "Polygon", "coordinates": []}], ids=["null", "empty"])
def test_empty_geometry(tmp_path, geometry):
    fc = area_features()
    fc["features"][1]["geometry"] = geometry
    assert_problem(make_package(tmp_path / "p", areas=fc), "ingen geometri", "areas.geojson", "objekt 2 (Bravo)")


def test_bow_tie_polygon_is_repaired_with_warning(tmp_path):
    bow_tie = Polygon([(12.50, 55.66), (12.516, 55.67), (12.516, 55.66), (12.50, 55.67), (12.50, 55.66)])
    assert not bow_tie.is_valid
    fc = area_features()
    fc["features"][0]["geometry"] = mapping(bow_tie)
    ds = load_dataset(make_package(tmp_path / "p", areas=fc))
    warnings = [w for w in ds.warnings if "repareret" in w.message]
    assert len(warnings) == 1
    assert warnings[0].file == "areas.geojson"
    assert warnings[0].location == "objekt 1 (Alfa)"
    assert warnings[0].severity == "warning"
    geom = ds.areas.geometry.loc["a"]
    assert geom.is_valid
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    # make_valid keeps both triangles of the bow tie: half the bounding box, not a sliver.
    assert geom.area == pytest.approx(0.5 * box(*bow_tie.bounds).area, rel=1e-6)
    assert ds.areas.geometry.is_valid.all()


def test_areas_in_epsg_25832_are_reprojected_with_warning(tmp_path):
    gdf = gpd.GeoDataFrame(
        {
            "area_id": [a for a, _, _ in AREAS],
            "name": [n for _, n, _ in AREAS],
            "list_confidence": "verified",
            "geometry_quality": "approximate",
        },
        geometry=[g for _, _, g in AREAS],
        crs="EPSG:4326",
    ).to_crs("EPSG:25832")
    folder = make_package(tmp_path / "p")
    (folder / "areas.geojson").unlink()
    gdf.to_file(folder / "areas.geojson", driver="GeoJSON")
    assert "25832" in (folder / "areas.geojson").read_text()  # CRS is declared in the file
    ds = load_dataset(folder)
    assert ds.areas.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = ds.areas.geometry.loc["a"].bounds
    assert (minx, miny, maxx, maxy) == pytest.approx((12.50, 55.66, 12.516, 55.67), abs=1e-6)
    w = [w for w in ds.warnings if "omregnet" in w.message]
    assert len(w) == 1
    assert "EPSG:25832" in w[0].message
    assert w[0].file == "areas.geojson"


def test_areas_missing_required_column(tmp_path):
    fc = area_features()
    for feat in fc["features"]:
        del feat["properties"]["name"]
    assert_problem(make_package(tmp_path / "p", areas=fc), "Mangler kolonne(r): name", "areas.geojson")


def test_area_missing_name_in_one_feature(tmp_path):
    fc = area_features()
    fc["features"][1]["properties"]["name"] = "  "
    assert_problem(make_package(tmp_path / "p", areas=fc), "Mangler 'name'", "areas.geojson", "objekt 2")


def test_truncated_areas_geojson(tmp_path):
    folder = make_package(tmp_path / "p")
    text = (folder / "areas.geojson").read_text()
    (folder / "areas.geojson").write_text(text[: len(text) // 2])
    assert_problem(folder, "kan ikke læses som geodata", "areas.geojson")


def test_empty_areas_file(tmp_path):
    folder = make_package(tmp_path / "p")
    (folder / "areas.geojson").write_bytes(b"")
    assert_problem(folder, "Filen er tom", "areas.geojson")


def test_areas_file_without_features(tmp_path):
    folder = make_package(tmp_path / "p", areas={"type": "FeatureCollection", "features": []})
    assert_problem(folder, "ingen områder", "areas.geojson")


def test_unknown_list_confidence(tmp_path):
    fc = area_features()
    fc["features"][2]["properties"]["list_confidence"] = "sure"
    assert_problem(
        make_package(tmp_path / "p", areas=fc),
        "'list_confidence' skal være en af",
        "areas.geojson",
        "objekt 3 (Charlie)",
    )


# --------------------------------------------------------------------------- values.csv


def test_value_outside_scale(tmp_path):
    folder = make_package(tmp_path / "p", values=replace_value(3, value="7"))  # b / t1, scale 1-5
    p = assert_problem(folder, "Værdien 7 for 't1' ligger uden for skalaen", "values.csv", "række 5")
    assert "1–5" in p.message


def test_non_numeric_value(tmp_path):
    folder = make_package(tmp_path / "p", values=replace_value(1, value="høj"))
    assert_problem(folder, "Værdien for 'n1' kan ikke bruges: 'høj' er ikke et tal", "values.csv", "række 3")


@pytest.mark.parametrize("text", ["nan", "inf", "3;5", "0_3", "\u0663", "\uff13", "1,234", "1" * 5000])
def test_other_non_numbers_are_rejected(tmp_path, text):
    folder = make_package(tmp_path / "p", values=replace_value(1, value=text))
    assert_problem(folder, "Værdien for 'n1' kan ikke bruges", "values.csv", "række 3")


def test_unknown_indicator(tmp_path):
    folder = make_package(tmp_path / "p", values=with_values(("a", "zz", "1", "assessed", "x", "")))
    p = assert_problem(folder, "Ukendt indikator 'zz'", "values.csv", "række 11")
    assert "t1" in p.message  # lists the known ids


def test_unknown_area_id_in_values(tmp_path):
    folder = make_package(tmp_path / "p", values=with_values(("q", "t1", "1", "assessed", "x", "")))
    assert_problem(folder, "Ukendt område-id 'q'", "values.csv", "række 11")


def test_value_for_computed_indicator(tmp_path):
    folder = make_package(tmp_path / "p", values=with_values(("a", "cov", "50", "assessed", "x", "")))
    assert_problem(folder, "beregnes automatisk", "values.csv", "række 11")


def test_duplicate_area_indicator_row(tmp_path):
    folder = make_package(tmp_path / "p", values=with_values(("b", "n1", "3", "assessed", "x", "")))
    assert_problem(folder, "Værdien for 'b' / 'n1' findes også i række 6", "values.csv", "række 11")


def test_sourced_value_without_source(tmp_path):
    folder = make_package(tmp_path / "p", values=replace_value(2, source="  "))  # a / n2, sourced
    assert_problem(folder, "skal have en kilde", "values.csv", "række 4")


def test_unknown_kind(tmp_path):
    folder = make_package(tmp_path / "p", values=replace_value(4, kind="gæt"))
    p = assert_problem(folder, "'kind' skal være en af", "values.csv", "række 6")
    assert "gæt" in p.message


def test_values_missing_required_column(tmp_path):
    folder = make_package(tmp_path / "p")
    (folder / "values.csv").write_text(
        "area_id,indicator_id,value,source\na,t1,5,https://example.org\n", encoding="utf-8"
    )
    assert_problem(folder, "Mangler kolonne(r): kind", "values.csv")


def test_values_not_utf8(tmp_path):
    folder = make_package(tmp_path / "p")
    text = (folder / "values.csv").read_text(encoding="utf-8").replace("Illustrativ vurdering", "Østerbro-vurdering")
    (folder / "values.csv").write_bytes(text.encode("latin-1"))
    assert_problem(folder, "ikke gemt som UTF-8", "values.csv")


def test_values_file_with_ragged_row(tmp_path):
    folder = make_package(tmp_path / "p")
    with (folder / "values.csv").open("a", encoding="utf-8") as fh:
        fh.write("a,t1,3,assessed,x,y,z\n")
    assert_problem(folder, "kan ikke læses som CSV", "values.csv")


def test_errors_in_several_files_are_all_reported(tmp_path):
    fc = area_features()
    fc["features"][1]["geometry"] = mapping(Point(12.55, 55.665))
    folder = make_package(tmp_path / "p", areas=fc, values=replace_value(0, value="abc"))
    problems, _ = load_errors(folder)
    assert {p.file for p in problems} >= {"areas.geojson", "values.csv"}


def test_problems_of_every_file_come_in_file_order(tmp_path):
    # The actor layer is read on a second thread; its problems still come after the values' and before the
    # initiatives'.
    fc = area_features()
    for feature in fc["features"]:
        del feature["properties"]["geometry_quality"]  # a warning for the areas file
    actors = [*ACTORS, ("a4", "Ukendt", "no-such-sector", "sourced", Point(12.51, 55.665))]
    folder = make_package(tmp_path / "p", areas=fc, values=replace_value(0, value="abc"), actors=actors)
    (folder / "initiatives.csv").write_text("area_id,name\nzz,Ukendt område\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    files = [p.file for p in info.value.report.problems]
    order = ["areas.geojson", "values.csv", "actors.geojson", "initiatives.csv"]
    assert set(files) == set(order)
    assert files == sorted(files, key=order.index)


def test_decimal_comma_is_accepted(tmp_path):
    ds = load_dataset(make_package(tmp_path / "p", values=replace_value(3, value="3,5")))
    value = ds.values.set_index(["area_id", "indicator_id"]).at[("b", "t1"), "value"]
    assert value == pytest.approx(3.5)
    perf, _ = evaluate(ds)
    assert perf.matrix.at["b", "t1"] == pytest.approx(3.5)


def test_bom_in_values_file_is_accepted(tmp_path):
    folder = make_package(tmp_path / "p")
    data = (folder / "values.csv").read_bytes()
    (folder / "values.csv").write_bytes(b"\xef\xbb\xbf" + data)
    assert len(load_dataset(folder).values) == len(VALUES)


def test_empty_value_means_missing_and_area_is_incomplete(tmp_path):
    # b / n2 (cost indicator in "need") without a value; sourced-without-source is fine when empty.
    folder = make_package(tmp_path / "p", values=replace_value(5, value="", kind="sourced", source=""))
    ds = load_dataset(folder)
    perf, result = evaluate(ds)
    assert perf.matrix["n2"].isna().tolist() == [False, True, False]
    t = result.table.set_index("area_id")
    assert t.at["b", "status"] == STATUS_INCOMPLETE
    assert list(t.at["b", "missing"]) == ["n2"]
    assert t.at["a", "status"] == STATUS_OK
    assert t.at["b", "need_score"] == pytest.approx(75.0)  # n1 = 4 on 1..5 -> 0.75, n2's weight moved to n1


# --------------------------------------------------------------------------- criteria.json


def test_truncated_criteria_json(tmp_path):
    folder = make_package(tmp_path / "p")
    text = (folder / "criteria.json").read_text()
    (folder / "criteria.json").write_text(text[:-40])
    assert_problem(folder, "ugyldig JSON i linje 1", "criteria.json")


def test_negative_default_weight_in_criteria(tmp_path):
    crit = criteria_with(lambda c: c["criteria"][0].update(default_weight=-1))
    assert_problem(
        make_package(tmp_path / "p", criteria=crit),
        "'default_weight' må ikke være negativ",
        "criteria.json",
        "kriterium 'trust'",
    )


def test_negative_indicator_weight_in_criteria(tmp_path):
    crit = criteria_with(lambda c: c["criteria"][2]["indicators"][1].update(default_weight=-0.5))
    assert_problem(
        make_package(tmp_path / "p", criteria=crit), "må ikke være negativ", "criteria.json", "indikator 'n2'"
    )


@pytest.mark.parametrize("scale", [{"min": 5, "max": 5}, {"min": 5, "max": 1}])
def test_scale_max_not_above_min(tmp_path, scale):
    crit = criteria_with(lambda c: c["criteria"][0]["indicators"][0].update(scale=scale))
    assert_problem(
        make_package(tmp_path / "p", criteria=crit), "skal være større end min", "criteria.json", "indikator 't1'"
    )


def test_unknown_direction(tmp_path):
    crit = criteria_with(lambda c: c["criteria"][2]["indicators"][1].update(direction="lower"))
    p = assert_problem(
        make_package(tmp_path / "p", criteria=crit),
        "'direction' skal være 'benefit' eller 'cost'",
        "criteria.json",
        "indikator 'n2'",
    )
    assert "lower" in p.message


def test_all_zero_criteria_weights(tmp_path):
    def zero(c):
        for crit in c["criteria"]:
            crit["default_weight"] = 0

    assert_problem(make_package(tmp_path / "p", criteria=criteria_with(zero)), "standardvægte er 0", "criteria.json")


def test_unknown_computed_method(tmp_path):
    crit = criteria_with(lambda c: c["criteria"][1]["indicators"][0].update(computed={"method": "magic"}))
    assert_problem(
        make_package(tmp_path / "p", criteria=crit), "Ukendt beregningsmetode", "criteria.json", "indikator 'cov'"
    )


def test_duplicate_indicator_id_in_criteria(tmp_path):
    crit = criteria_with(lambda c: c["criteria"][2]["indicators"][1].update(id="t1"))
    assert_problem(make_package(tmp_path / "p", criteria=crit), "Id 't1' findes flere gange", "criteria.json")


# --------------------------------------------------------------------------- actors.geojson


def test_actor_with_unknown_sector(tmp_path):
    actors = [*ACTORS[:2], ("a3", "Politi", "police", "sourced", Point(12.70, 55.70))]
    p = assert_problem(
        make_package(tmp_path / "p", actors=actors), "Ukendt sektor 'police'", "actors.geojson", "objekt 3 (Politi)"
    )
    assert "school" in p.message


def test_actor_that_is_not_a_point(tmp_path):
    actors = [("a1", "Skolen", "school", "sourced", box(12.507, 55.664, 12.509, 55.666)), *ACTORS[1:]]
    assert_problem(
        make_package(tmp_path / "p", actors=actors),
        "En aktør skal være et punkt",
        "actors.geojson",
        "objekt 1 (Skolen)",
    )


def test_missing_actor_file_is_a_warning(tmp_path):
    folder = make_package(tmp_path / "p")
    (folder / "actors.geojson").unlink()
    ds = load_dataset(folder)
    assert len(ds.actors) == 0
    assert any(w.file == "actors.geojson" and "Ingen aktørfil" in w.message for w in ds.warnings)


# --------------------------------------------------------------------------- the bundled package
# data/areas/ is being written in parallel; these tests fail until values.csv etc. exist.


@pytest.fixture(scope="module")
def bundled():
    return load_dataset(BUNDLED)


def test_bundled_package_loads(bundled):
    assert bundled.areas.crs.to_epsg() == 4326
    assert bundled.areas.geometry.is_valid.all()
    assert bundled.model.criteria


def test_bundled_package_has_13_unique_areas(bundled):
    ids = bundled.area_ids
    assert len(ids) == 13
    assert len(set(ids)) == 13
    assert all(isinstance(a, str) and a for a in ids)


def test_bundled_values_have_kind_and_source(bundled):
    values = bundled.values
    assert len(values) > 0
    assert set(values["kind"]) <= set(VALUE_KINDS)
    empty = values[values["source"].fillna("").str.strip() == ""]
    assert empty.empty, f"rows without source: {empty[['area_id', 'indicator_id']].values.tolist()}"


def test_bundled_values_file_rows_all_have_kind_and_source():
    """Checked on the raw file too, so no row is silently dropped by the loader."""
    import csv

    with (BUNDLED / "values.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for pos, row in enumerate(rows, start=2):
        assert row["kind"].strip() in VALUE_KINDS, f"values.csv række {pos}"
        assert (row.get("source") or "").strip(), f"values.csv række {pos}: mangler kilde"
