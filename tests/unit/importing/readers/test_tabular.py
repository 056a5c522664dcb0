"""Issue 7, classes 5-6: XLSX and CSV uploads are refused while they are read, at the first limit reached
(``read_table``, which picks the CSV or the XLSX reader by the file's extension)."""

from __future__ import annotations

from bench.bench_import_limits import far_corner, sheet_writer, write_xlsx
from selection.errors import Report
from selection.importing.readers.source import ImportFile
from selection.importing.readers.tabular import read_table
from selection.limits import Limits
from tests.support.factory import xlsx_bytes

DEFAULT_LIMITS = Limits()


def table_problems(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    report = Report()
    read_table(ImportFile(name, data), limits, report)
    return [p.message for p in report.errors]


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
