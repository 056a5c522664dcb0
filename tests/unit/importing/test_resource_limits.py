"""Issue 7, classes 5-7: big or sparse uploads are refused while they are read (never held in full),
and the SMAA limit is one, shared limit. The big-file cases run in a subprocess whose address space
is capped with ``resource.setrlimit``, so a regression fails instead of eating the machine."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap

import openpyxl
import pytest

from bench.bench_import_limits import far_corner, fill_file, sheet_writer, write_xlsx
from selection.cli.main import main
from selection.errors import Report
from selection.importing.readers.source import ImportFile
from selection.importing.readers.tabular import read_table
from selection.limits import MAX_SMAA_SAMPLES, Limits, smaa_samples_problem
from tests.support.factory import REPO, make_package

MEMORY_CAP_MB = 1024  # address space a single upload may add to the started server (the bench target)
DEFAULT_LIMITS = Limits()


def table_problems(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    report = Report()
    read_table(ImportFile(name, data), limits, report)
    return [p.message for p in report.errors]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- 5. XLSX


def test_xlsx_with_a_declared_far_corner_is_refused_before_reading(tmp_path):
    path = far_corner(dimension=True)(tmp_path / "v.xlsx")
    assert path.stat().st_size < 5000
    problems = table_problems("v.xlsx", path.read_bytes())
    assert any("Arket angiver et område på 1.048.576 rækker og 16.384 kolonner" in p for p in problems), problems


def test_xlsx_with_an_undeclared_far_corner_stops_at_the_column_limit(tmp_path):
    path = far_corner(dimension=False)(tmp_path / "v.xlsx")
    problems = table_problems("v.xlsx", path.read_bytes())
    assert any("data ud over kolonne 500" in p for p in problems), problems


def test_xlsx_row_and_cell_limits_stop_reading(tmp_path):
    rows = [["area_id", "t1"]] + [[f"a{i}", 1] for i in range(30)]
    declared = table_problems("v.xlsx", xlsx_bytes(rows), Limits(max_rows=20))
    assert any("Arket angiver et område på 31 rækker" in p for p in declared), declared
    assert any(
        "grænsen er 100.000 rækker og 40 celler" in p
        for p in table_problems("v.xlsx", xlsx_bytes(rows), Limits(max_cells=40))
    )
    undeclared = write_xlsx(
        tmp_path / "v.xlsx",
        sheet_writer(
            lambda: [  # no <dimension>: stopped while reading
                f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>1</v></c></row>'.encode() for n in range(1, 40)
            ],
            None,
        ),
    )
    problems = table_problems("v.xlsx", undeclared.read_bytes(), Limits(max_rows=20))
    assert any("flere end 20 datarækker" in p for p in problems), problems


def test_xlsx_dimension_lying_small_does_not_hide_the_far_cell(tmp_path):
    def cells() -> list[bytes]:
        return [
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>area_id</t></is></c></row>',
            b'<row r="900000"><c r="ZZ900000"><v>1</v></c></row>',
        ]

    path = write_xlsx(tmp_path / "v.xlsx", sheet_writer(cells, "A1:A1"))
    problems = table_problems("v.xlsx", path.read_bytes())
    assert any("kolonne 500" in p for p in problems), problems


def test_xlsx_shared_strings_larger_than_the_part_limit_are_refused(tmp_path):
    shared = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>x</t></si>" * (22 * 1024 * 1024 // 17)
        + b"</sst>"
    )
    path = write_xlsx(
        tmp_path / "v.xlsx", sheet_writer(lambda: [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], "A1"), shared
    )
    assert any(
        "sharedStrings.xml" in p and "grænsen er 20.0 MB" in p for p in table_problems("v.xlsx", path.read_bytes())
    )


# --------------------------------------------------------------------------- 6. CSV


def test_csv_row_limit_is_checked_while_streaming():
    data = b"area_id,t1\n" + b"a,1\n" * 50
    assert any("flere end 10 datarækker" in p for p in table_problems("v.csv", data, Limits(max_rows=10)))
    assert table_problems("v.csv", data, Limits(max_rows=50)) == []


def test_csv_separator_is_sniffed_on_a_prefix_and_a_bad_row_later_is_named():
    data = b"area_id;t1\n" + b"a;1\n" * 30_000 + b"b;2;3\n"
    problems = table_problems("v.csv", data)
    assert problems == ["Rækken har 3 felter, men overskriften har 2."], problems


def test_csv_with_a_huge_line_or_column_count_is_refused():
    assert any("længere end 1024 KB" in p for p in table_problems("v.csv", b"area_id" + b",c" * 700_000 + b"\na\n"))
    assert any(
        "kolonner; grænsen er 5" in p
        for p in table_problems("v.csv", b"a,b,c,d,e,f\n1,2,3,4,5,6\n", Limits(max_columns=5))
    )


# --------------------------------------------------------------------------- 7. SMAA


def test_one_smaa_limit_for_app_and_command_line(tmp_path, monkeypatch, capsys):
    assert smaa_samples_problem(MAX_SMAA_SAMPLES) is None
    assert "højst 100.000" in smaa_samples_problem(MAX_SMAA_SAMPLES + 1)
    monkeypatch.setenv("SELECTION_DATA", str(make_package(tmp_path / "pkg")))
    with pytest.raises(SystemExit) as exit_info:
        main(["rank", "--smaa", "100000000"])
    assert exit_info.value.code == 2
    assert "højst 100.000" in capsys.readouterr().err
    source = (REPO / "ui" / "robustness_panel.py").read_text(encoding="utf-8")
    assert "MAX_SMAA_SAMPLES" in source
    assert "100_000" not in source


# --------------------------------------------------------------------------- memory-bounded big files


ONE_UPLOAD = """
import json, resource, sys
from pathlib import Path
import openpyxl, pyogrio
from selection.data.dataset import load_dataset
from selection.importing import validate_import
current = load_dataset(sys.argv[2])
started = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024  # Python, GDAL, PROJ
cap = started + int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
plan = validate_import([Path(sys.argv[3])], current)
print(json.dumps([p.message for p in plan.errors]))
"""


def test_big_uploads_are_refused_within_a_capped_address_space(tmp_path):
    cases = {
        "csv_tiny_rows": (
            "v.csv",
            lambda p: fill_file(p, b"area_id,t1\n", b"a,1\n", size=48 * 1024 * 1024),
            "flere end 100.000 datarækker",
        ),
        "csv_wide": (
            "v.csv",
            lambda p: fill_file(p, b"area_id", b",c", b"\na", size=30 * 1024 * 1024),
            "længere end 1024 KB",
        ),
        "xlsx_far_corner": ("v.xlsx", far_corner(dimension=True), "Arket angiver et område"),
        "xlsx_far_corner_undeclared": ("v.xlsx", far_corner(dimension=False), "kolonne 500"),
        "geojson_deep": ("a.geojson", lambda p: fill_file(p, b"", b"[", size=30 * 1024 * 1024), "kan ikke læses"),
    }
    pkg = make_package(tmp_path / "pkg")
    for name, (file_name, build, fragment) in cases.items():
        (tmp_path / name).mkdir()
        path = build(tmp_path / name / file_name)
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(ONE_UPLOAD), str(MEMORY_CAP_MB), str(pkg), str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, (name, proc.stderr[-2000:])
        found = json.loads(proc.stdout)
        assert any(fragment in m for m in found), (name, found)
        path.unlink()


def test_area_files_have_an_area_limit(tmp_path):
    from selection.data.dataset import load_dataset
    from selection.importing import validate_import
    from tests.support.factory import area_features

    current = load_dataset(make_package(tmp_path / "pkg"))
    plan = validate_import([("omr.geojson", json.dumps(area_features()).encode())], current, limits=Limits(max_areas=2))
    assert any("Filen har 3 områder; grænsen er 2" in p.message for p in plan.errors), plan.errors
