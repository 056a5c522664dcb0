"""Issue 7, class 9: every failure a user can cause ends in a Danish message: never a traceback,
never a server path; on the command line errors exit 2 (argparse's own messages included)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from selection.cli.main import main
from selection.data.dataset import load_dataset
from selection.errors import DataError
from selection.importing import validate_import
from tests.support.factory import REPO, area_features, make_package

APP = str(REPO / "app.py")
DEEP = "[" * 100_000 + "]" * 100_000
HUGE_NUMBER = "9" * 5000


@pytest.fixture
def current(tmp_path):
    return load_dataset(make_package(tmp_path / "pkg"))


def errors(plan) -> list[str]:
    return [str(p) for p in plan.errors]


def shapefile_zip(tmp_path: Path, compression: int) -> bytes:
    gdf = gpd.GeoDataFrame(
        {"area_id": ["a"], "name": ["Alfa"]}, geometry=[box(12.5, 55.66, 12.516, 55.67)], crs="EPSG:4326"
    )
    gdf.to_file(tmp_path / "omr.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for ext in (".shp", ".shx", ".dbf", ".prj"):
            zf.write(tmp_path / f"omr{ext}", f"omr{ext}")
    return buf.getvalue()


def corrupt_member(data: bytes, member: str) -> bytes:
    """Overwrite the middle of one member's compressed stream (its CRC and sizes stay as they were)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo(member)
    header = 30 + len(info.filename.encode()) + len(info.extra)
    start = info.header_offset + header
    middle = start + max(2, info.compress_size // 2)
    out = bytearray(data)
    out[middle : middle + 8] = b"\xff\x00\xfe\x01\xfd\x02\xfc\x03"
    return bytes(out)


# --------------------------------------------------------------------------- import files


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("omr.geojson", DEEP.encode(), "for dybt indlejret"),
        (
            "omr.geojson",
            json.dumps({"type": "FeatureCollection", "crs": "EPSG:4326", "features": []}).encode(),
            "Medlemmet 'crs' har ikke formen",
        ),
        (
            "omr.geojson",
            json.dumps(
                {"type": "FeatureCollection", "crs": {"type": "name", "properties": 5}, "features": []}
            ).encode(),
            "Medlemmet 'crs' har ikke formen",
        ),
        (
            "omr.geojson",
            json.dumps({"type": "FeatureCollection", "crs": [], "features": []}).encode(),
            "Medlemmet 'crs' har ikke formen",
        ),
        (
            "omr.geojson",
            ('{"type": "FeatureCollection", "features": [], "n": ' + HUGE_NUMBER + "}").encode(),
            "for mange cifre",
        ),
        ("v.csv", b"   \n \t \n\n", "kun mellemrum"),
        ("v.csv", b" ; \n ;  \n", "ingen data"),
        ("v.csv", f"area_id,t1\na,{HUGE_NUMBER}\n".encode(), "for mange tegn"),
    ],
)
def test_bad_files_give_danish_messages(current, name, data, fragment):
    plan = validate_import([(name, data)], current)
    assert not plan.ok
    assert any(fragment in e for e in errors(plan)), errors(plan)


def test_geopackage_with_only_an_attribute_table(tmp_path, current):
    path = tmp_path / "tabel.gpkg"
    import pyogrio

    pyogrio.write_dataframe(pd.DataFrame({"area_id": ["a"], "name": ["Alfa"]}), path, layer="kun_tabel", driver="GPKG")
    plan = validate_import([path], current)
    assert any("ingen geometri" in e or "ingen lag med geodata" in e for e in errors(plan)), errors(plan)


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
def test_zip_member_with_a_corrupt_stream(tmp_path, current, compression):
    data = corrupt_member(shapefile_zip(tmp_path, compression), "omr.shp")
    plan = validate_import([("omr.zip", data)], current)
    assert any("beskadiget" in e or "kan ikke" in e for e in errors(plan)), errors(plan)
    assert not any("/tmp" in e or str(tmp_path) in e for e in errors(plan)), "no server paths"


def test_xlsx_with_a_corrupt_sheet_stream(current):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["area_id", "t1"])
    for i in range(200):
        wb.active.append([f"a{i}", 1])
    buf = io.BytesIO()
    wb.save(buf)
    plan = validate_import([("v.xlsx", corrupt_member(buf.getvalue(), "xl/worksheets/sheet1.xml"))], current)
    assert any("kan ikke læses som Excel-fil" in e for e in errors(plan)), errors(plan)


def test_deep_json_in_a_stored_package(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    (pkg / "dataset.json").write_text(DEEP, encoding="utf-8")
    with pytest.raises(DataError, match="dybt indlejret"):
        load_dataset(pkg)
    (pkg / "dataset.json").write_text(json.dumps({"version": 1}), encoding="utf-8")
    (pkg / "criteria.json").write_text('{"a": ' + "[" * 200 + "]" * 200 + "}", encoding="utf-8")
    with pytest.raises(DataError, match="indlejret"):
        load_dataset(pkg)


def test_page_with_a_deep_stored_dataset_json_shows_a_danish_error(tmp_path, monkeypatch):
    pkg = make_package(tmp_path / "pkg")
    (pkg / "dataset.json").write_text(DEEP, encoding="utf-8")
    monkeypatch.setenv("SELECTION_DATA", str(pkg))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert "kan ikke indlæses" in at.error[0].value
    assert "dybt indlejret" in at.error[0].value


def test_import_view_turns_an_unexpected_failure_into_a_message(tmp_path, monkeypatch):
    """The last guard: whatever a reader raises, the page shows Danish text, not a traceback."""
    monkeypatch.setenv("SELECTION_DATA", str(make_package(tmp_path / "pkg")))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.segmented_control(key="view").set_value("Indlæs data").run()
    # a GeoJSON whose feature properties break pandas' column handling in an unforeseen way
    weird = area_features()
    weird["features"][0]["properties"]["area_id"] = {"nested": [1, 2, {"x": DEEP[:50]}]}
    at.get("file_uploader")[0].set_value([("omr.geojson", json.dumps(weird).encode(), "application/json")])
    at.run()
    assert not at.exception, at.exception


# --------------------------------------------------------------------------- command line


@pytest.fixture
def package(tmp_path, monkeypatch):
    folder = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store"))
    return folder


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["rank", "--distance", "inf"], "ikke et endeligt tal"),
        (["rank", "--distance", "nan"], "ikke et endeligt tal"),
        (["rank", "--distance", "-5"], "afstanden skal være mellem 0"),
        (["rank", "--seed", "-1"], "startværdien skal være et helt tal"),
        (["rank", "--smaa", "-3"], "antal vægtninger skal være et helt tal"),
        (["rank", "--top", "2.5"], "--top skal være et helt tal"),
        (["rank", "--timestamp", "i går"], "ISO 8601"),
        (["rank", "--data", ""], "mappenavnet er tomt"),
        (["import", "x.csv", "--data-dir", ""], "mappenavnet er tomt"),
        (["reset", "--data-dir", " "], "mappenavnet er tomt"),
        (["rank", "--bogus"], "ukendte argumenter"),
        (["rank", "--format", "pdf"], "ugyldigt valg"),
        (["frobnicate"], "ugyldigt valg"),
        ([], "disse argumenter mangler"),
        (["import"], "disse argumenter mangler"),
        (["rank", "--top"], "mangler en værdi"),
    ],
)
def test_cli_argument_errors_are_danish_and_exit_2(package, capsys, argv, fragment):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err, err
    assert "FEJL" in err, err
    assert "error:" not in err
    assert "usage:" not in err
    assert "invalid" not in err


def test_cli_out_into_a_missing_folder_or_onto_a_folder(package, tmp_path, capsys):
    assert main(["rank", "--out", str(tmp_path / "mangler" / "k.csv")]) == 2
    assert "Mappen til --out findes ikke" in capsys.readouterr().err
    assert main(["rank", "--out", str(tmp_path)]) == 2
    assert "er en mappe" in capsys.readouterr().err


def test_cli_import_folder_below_a_file(package, tmp_path, capsys):
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    values = tmp_path / "v.csv"
    values.write_bytes(b"area_id,t1\na,4\n")
    assert main(["import", str(values), "--data-dir", str(tmp_path / "fil" / "store")]) == 2
    assert "er en fil, ikke en mappe" in capsys.readouterr().err


def test_cli_weights_of_1e308_are_refused(package, capsys):
    assert main(["rank", "--weights", "trust=1e308,need=1e308"]) == 2
    assert "er for stor" in capsys.readouterr().err


def test_cli_unexpected_failure_is_a_danish_message(package, capsys, monkeypatch):
    import selection.cli.rank as cli

    def boom(*_a, **_k):
        raise KeyError("something nobody anticipated")

    monkeypatch.setattr(cli, "evaluate", boom)
    assert main(["rank"]) == 2
    err = capsys.readouterr().err
    assert "Uventet fejl" in err
    assert "Traceback" not in err


def test_cli_in_a_subprocess_never_prints_a_traceback(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    deep = tmp_path / "dyb.geojson"
    deep.write_text(DEEP, encoding="utf-8")
    for argv in (
        ["validate", str(deep)],
        ["rank", "--data", str(pkg), "--distance", "inf"],
        ["rank", "--data", str(tmp_path / "mangler")],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "selection", *argv],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": "/usr/bin:/bin", "SELECTION_IMPORT_DIR": str(tmp_path / "s")},
        )
        assert proc.returncode in (1, 2), proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


def test_cli_import_folder_with_a_name_too_long_for_the_file_system(package, tmp_path, capsys):
    too_long = str(tmp_path / ("x" * 5000))
    for argv in (["reset", "--data-dir", too_long], ["restore", "--data-dir", too_long]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "Importmappen" in err, err
        assert "Uventet" not in err, err


def test_classic_mac_line_endings_and_clipped_messages(current):
    plan = validate_import([("v.csv", b"area_id;t1\ra;2\rc;4\r")], current)
    assert plan.ok, errors(plan)
    plan = validate_import([("v.csv", b"area_id,t1\n" + b"x" * 100_000 + b",1\n")], current)
    assert plan.report.problems
    assert all(len(p.message) <= 1000 for p in plan.report.problems)


def test_default_weights_of_1e308_in_a_package_are_refused(tmp_path):
    from tests.support.factory import CRITERIA

    criteria = json.loads(json.dumps(CRITERIA))
    for c in criteria["criteria"]:
        c["default_weight"] = 1e308
    with pytest.raises(DataError, match="'default_weight' er for stor"):
        load_dataset(make_package(tmp_path / "pkg", criteria=criteria))
