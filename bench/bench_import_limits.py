"""Every single upload within the size limit is refused or read within 10 s and 1 GB of server memory.

Run from the repository root:  .venv/bin/python bench/bench_import_limits.py [--keep DIR] [--only NAME]
Builds adversarial files just under ``Limits.max_file_bytes`` (tiny-row CSV, wide CSV, one huge
cell, XLSX with a cell at the far corner with and without a declared dimension, a cell-dense
XLSX, a shared-strings bomb, a GeoJSON with many features or coordinates, deep JSON, a zip
bomb, random bytes), then validates each in a fresh process (as the app and
``python -m selection validate`` do) and reports wall time and peak resident memory (the
process's own ``ru_maxrss``, which includes Python, numpy, geopandas and GDAL). The command line's
largest SMAA run (``rank --smaa 100000``) and the whole import page (AppTest: upload, report, ranking
before/after and boundary map) for the largest area file that is accepted are measured the same way. Writes
bench/results/import_limits.json (git-ignored). Exit code 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from selection.limits import MAX_SMAA_SAMPLES, MB, Limits  # noqa: E402

TIME_LIMIT_S = 10.0
MEMORY_LIMIT_MB = 1024.0
SIZE = Limits().max_file_bytes - 64 * 1024  # just under the upload limit

VALIDATE = """
import sys, resource
from pathlib import Path
from selection.data.dataset import load_dataset, BUNDLED_DATA_DIR
from selection.importing import validate_import
path = Path(sys.argv[1])
plan = validate_import([path], load_dataset(BUNDLED_DATA_DIR), crs="EPSG:25832" if path.suffix == ".csv" else None)
print(("OK" if plan.ok else "REFUSED") + " | " + (str(plan.errors[0])[:150] if plan.errors else ""))
"""


APP_PREVIEW = """
import os, sys, tempfile
from pathlib import Path
os.environ["SELECTION_IMPORT_DIR"] = tempfile.mkdtemp(prefix="bench-store-")
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(str(Path.cwd() / "app.py"), default_timeout=120).run()
at.segmented_control(key="view").set_value("Indlæs data").run()
path = Path(sys.argv[1])
at.get("file_uploader")[0].set_value([(path.name, path.read_bytes(), "application/octet-stream")])
at.run()
assert not at.exception, at.exception
print(("REFUSED | " + at.error[0].value[:150]) if at.error else "OK | preview shown")
"""


def fill_file(path: Path, head: bytes, unit: bytes, tail: bytes = b"", size: int = SIZE) -> Path:
    """``head``, then ``unit`` repeated to about ``size`` bytes in all, then ``tail`` (written in blocks)."""
    with path.open("wb") as fh:
        fh.write(head)
        n = (size - len(head) - len(tail)) // len(unit)
        block = unit * max(1, min(n, 100_000))
        written = 0
        while written + len(block) <= n * len(unit):
            fh.write(block)
            written += len(block)
        fh.write(unit * ((n * len(unit) - written) // len(unit)))
        fh.write(tail)
    return path


def write_xlsx(path: Path, sheet_xml: Callable[[zipfile.ZipFile], None], shared: bytes | None = None) -> Path:
    """A minimal workbook whose sheet XML is written by ``sheet_xml`` (streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                'main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.worksheet+xml"/>'
                + (
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.sharedStrings+xml"/>'
                    if shared
                    else ""
                )
                + "</Types>"
            ),
        )
        zf.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
        )
        zf.writestr(
            "xl/workbook.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                + (
                    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'sharedStrings" Target="sharedStrings.xml"/>'
                    if shared
                    else ""
                )
                + "</Relationships>"
            ),
        )
        if shared:
            zf.writestr("xl/sharedStrings.xml", shared)
        sheet_xml(zf)
    return path


SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main">'
)


def sheet_writer(rows: Callable[[], object], dimension: str | None) -> Callable[[zipfile.ZipFile], None]:
    """Writes the sheet XML: the optional <dimension>, then the row chunks ``rows`` yields (streamed)."""

    def write(zf: zipfile.ZipFile) -> None:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write((SHEET_HEAD + (f'<dimension ref="{dimension}"/>' if dimension else "") + "<sheetData>").encode())
            for chunk in rows():
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")

    return write


def far_corner(dimension: bool) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        def cells() -> list[bytes]:
            return [
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>area_id</t></is></c></row>',
                b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            ]

        return write_xlsx(path, sheet_writer(cells, "A1:XFD1048576" if dimension else None))

    return build


def dense_sheet(path: Path) -> Path:
    """About 190 MB of sheet XML (the unpacked limit is 200 MB): ~9 million numeric cells."""

    def rows():
        yield (
            b'<row r="1">'
            + b"".join(f'<c r="{c}1" t="inlineStr"><is><t>k{c}</t></is></c>'.encode() for c in "ABCDEFGHIJ")
            + b"</row>"
        )
        row = "".join(f'<c r="{c}{{n}}"><v>1</v></c>' for c in "ABCDEFGHIJ")
        size, n = 0, 2
        while size < 190 * MB:
            chunk = "".join(f'<row r="{k}">' + row.replace("{n}", str(k)) + "</row>" for k in range(n, n + 1000))
            size += len(chunk)
            n += 1000
            yield chunk.encode()

    return write_xlsx(path, sheet_writer(rows, None))


def shared_strings_bomb(path: Path) -> Path:
    strings = b"<si><t>x</t></si>" * (150 * MB // 17)
    shared = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main">' + strings + b"</sst>"
    )
    return write_xlsx(path, sheet_writer(lambda: [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], "A1"), shared)


def geojson_features(path: Path) -> Path:
    feature = (
        b'{"type":"Feature","properties":{"area_id":"x","name":"y"},"geometry":{"type":"Polygon",'
        b'"coordinates":[[[12.5,55.6],[12.6,55.6],[12.6,55.7],[12.5,55.6]]]}},'
    )
    return fill_file(path, b'{"type":"FeatureCollection","features":[', feature, feature[:-1] + b"]}")


def geojson_coordinates(path: Path) -> Path:
    """One polygon with about 3 million vertices."""
    return fill_file(
        path,
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},'
        b'"geometry":{"type":"Polygon","coordinates":[[[12.5,55.6],',
        b"[12.55,55.65],",
        b"[12.5,55.6]]]}}]}",
    )


def geojson_max_areas(path: Path) -> Path:
    """The largest area file that is read in full: the area limit of new areas in Copenhagen, each a
    polygon with enough vertices to fill the upload limit."""
    n, per = Limits().max_areas, (SIZE - 1000) // Limits().max_areas
    vertices = max(4, (per - 120) // 40)
    feats = []
    for i in range(n):
        x0, y0 = 12.45 + (i % 100) * 0.002, 55.62 + (i // 100) * 0.002
        ring = [[round(x0 + 0.0015 * k / vertices, 7), round(y0 + 0.0001 * (k % 2), 7)] for k in range(vertices)]
        ring += [[x0 + 0.0015, y0 + 0.0015], [x0, y0 + 0.0015], ring[0]]
        feats.append(
            {
                "type": "Feature",
                "properties": {"area_id": f"n{i}", "name": f"Område {i}"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


def actors_max_rows(path: Path) -> Path:
    """The largest actor table that is read in full: 5,000 actors with x/y in EPSG:25832."""
    rows = "".join(f"Aktør {i};Skole;{720000 + i % 100 * 20};{6170000 + i // 100 * 20}\n" for i in range(5000))
    path.write_text("navn;sektor;x;y\n" + rows, encoding="cp1252")
    return path


def zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for ext in (".shp", ".shx", ".dbf"):
            with zf.open(f"bomb{ext}", "w", force_zip64=True) as fh:
                block = b"\0" * MB
                for _ in range(190 // 3):
                    fh.write(block)
    return path


def random_bytes(path: Path) -> Path:
    rnd = random.Random(7)
    path.write_bytes(rnd.randbytes(SIZE))
    return path


CASES: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "csv_tiny_rows": ("v.csv", lambda p: fill_file(p, b"area_id,t1\n", b"a,1\n")),
    "csv_tiny_rows_semicolon_cp1252": ("v.csv", lambda p: fill_file(p, "område;t1\n".encode("cp1252"), b"a;1\n")),
    "csv_wide_header": ("v.csv", lambda p: fill_file(p, b"area_id", b",c", b"\na" + b",1" * 10)),
    "csv_one_huge_cell": ("v.csv", lambda p: fill_file(p, b"area_id,t1\na,", b"9")),
    "csv_no_separator": ("v.csv", lambda p: fill_file(p, b"", b"x\n")),
    "csv_whitespace_only": ("v.csv", lambda p: fill_file(p, b"", b" \n")),
    "xlsx_far_corner_declared": ("v.xlsx", far_corner(True)),
    "xlsx_far_corner_undeclared": ("v.xlsx", far_corner(False)),
    "xlsx_dense_cells": ("v.xlsx", dense_sheet),
    "xlsx_shared_strings_bomb": ("v.xlsx", shared_strings_bomb),
    "geojson_many_features": ("a.geojson", geojson_features),
    "geojson_many_coordinates": ("a.geojson", geojson_coordinates),
    "geojson_deep_nesting": ("a.geojson", lambda p: fill_file(p, b"", b"[", b"")),
    "zip_bomb_shapefile": ("a.zip", zip_bomb),
    "geojson_max_areas_read_in_full": ("a.geojson", geojson_max_areas),
    "actors_5000_rows_read_in_full": ("aktører.csv", actors_max_rows),
    "random_bytes_csv": ("v.csv", random_bytes),
    "random_bytes_xlsx": ("v.xlsx", random_bytes),
    "random_bytes_gpkg": ("a.gpkg", random_bytes),
}


def run_case(argv: list[str]) -> dict[str, object]:
    wrapper = (
        "import resource, subprocess, sys, time;"
        "t=time.perf_counter(); p=subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "e=time.perf_counter()-t;"
        "m=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024;"
        "import json; print(json.dumps({'seconds': round(e, 2), 'peak_mb': round(m), 'exit': p.returncode,"
        "'output': ((p.stdout.strip().splitlines() or p.stderr.strip().splitlines() or [''])[-1])[:160]}))"
    )
    proc = subprocess.run([sys.executable, "-c", wrapper, *argv], cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the files in this folder and keep them")
    parser.add_argument("--only", help="run only the case with this name")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    print(f"{'case':34} {'size MB':>8} {'s':>6} {'peak MB':>8}  result")
    for name, (file_name, build) in CASES.items():
        if args.only and name != args.only:
            continue
        path = folder / name / file_name
        path.parent.mkdir(exist_ok=True)
        build(path)
        size = path.stat().st_size
        got = run_case([sys.executable, "-c", VALIDATE, str(path)])
        got["size_mb"] = round(size / MB, 1)
        got["ok"] = got["seconds"] <= TIME_LIMIT_S and got["peak_mb"] <= MEMORY_LIMIT_MB and got["exit"] == 0
        results[name] = got
        print(
            f"{name:34} {got['size_mb']:8.1f} {got['seconds']:6.2f} {got['peak_mb']:8.0f}  "
            f"{'' if got['ok'] else 'MISSED '}{got['output']}"
        )
        if not args.keep:
            path.unlink()
    if not args.only or args.only == "app_preview_max_areas":
        path = folder / "app" / "a.geojson"
        path.parent.mkdir(exist_ok=True)
        geojson_max_areas(path)
        got = run_case([sys.executable, "-c", APP_PREVIEW, str(path)])  # the whole page run, as the server does
        got["size_mb"] = round(path.stat().st_size / MB, 1)
        got["ok"] = got["seconds"] <= TIME_LIMIT_S and got["peak_mb"] <= MEMORY_LIMIT_MB and got["exit"] == 0
        results["app_preview_max_areas"] = got
        print(
            f"{'app_preview_max_areas':34} {got['size_mb']:8.1f} {got['seconds']:6.2f} {got['peak_mb']:8.0f}  "
            f"{'' if got['ok'] else 'MISSED '}{got['output']}"
        )
    if not args.only or args.only == "cli_smaa_max":
        got = run_case(
            [
                sys.executable,
                "-m",
                "selection",
                "rank",
                "--smaa",
                str(MAX_SMAA_SAMPLES),
                "--out",
                str(folder / "kortliste.csv"),
                "--overwrite",  # a kept folder (--keep) holds the previous run's file
                "--timestamp",
                "2026-11-29T12:00:00+00:00",
            ]
        )
        got["ok"] = got["seconds"] <= TIME_LIMIT_S and got["peak_mb"] <= MEMORY_LIMIT_MB and got["exit"] == 0
        results["cli_smaa_max"] = got
        print(
            f"{'cli_smaa_max':34} {'':8} {got['seconds']:6.2f} {got['peak_mb']:8.0f}  "
            f"{'' if got['ok'] else 'MISSED '}{got['output']}"
        )
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "import_limits.json").write_text(
        json.dumps(
            {
                "targets": {"seconds": TIME_LIMIT_S, "peak_mb": MEMORY_LIMIT_MB},
                "file_size_mb": round(SIZE / MB, 1),
                "results": results,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    missed = [n for n, r in results.items() if not r["ok"]]
    print("all within targets" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
