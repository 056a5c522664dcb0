"""Issue 7, class 11: one strict number parser for every input path; what it refuses is said.

Property tests for the parser, then the wrong-data cases of the issue through the real input paths:
CSV/XLSX imports, the stored package, the command line."""

from __future__ import annotations

import io
import json
import math
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.data.dataset import load_dataset
from selection.data.package_writer import package_number_text
from selection.errors import DataError
from selection.importing import validate_import
from selection.text.number_parser import MAX_DIGITS, NumberError, parse_count, parse_number
from tests.support.factory import area_features, make_package

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(finite)
def test_standard_reads_back_what_python_and_the_store_write(x):
    assert parse_number(repr(x), "standard") == x
    assert parse_number(package_number_text(x), "standard") == x


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_danish_decimal_comma_and_thousands_points(value: Decimal):
    plain = f"{value:f}"
    assert parse_number(plain.replace(".", ","), "danish") == float(value)
    grouped = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert parse_number(grouped, "danish") == float(value)
    assert parse_number(f"{value:,.2f}", "standard") == float(value)


@given(st.integers(1, 999), st.integers(0, 999))
def test_one_separator_before_three_digits_is_ambiguous_unless_it_is_the_files_decimal(whole, frac):
    text_point, text_comma = f"{whole}.{frac:03d}", f"{whole},{frac:03d}"
    for text, convention in (
        (text_point, "danish"),
        (text_comma, "standard"),
        (text_point, "auto"),
        (text_comma, "auto"),
    ):
        with pytest.raises(NumberError, match="tvetydigt"):
            parse_number(text, convention)
    assert parse_number(text_comma, "danish") == parse_number(text_point, "standard") == float(f"{whole}.{frac:03d}")


@given(st.text(max_size=40))
def test_anything_parsed_is_a_finite_float_from_ascii_digits_only(text):
    try:
        value = parse_number(text, "auto")
    except NumberError as exc:
        reason = str(exc)
    else:
        reason = None
    if reason is not None:
        assert reason  # a reason, in Danish, is always given
        return
    if value is None:
        assert not text.strip(), "only blank text is a missing value"
        return
    assert math.isfinite(value)
    digits = [ch for ch in text if ch.isdigit()]
    assert digits
    assert all("0" <= ch <= "9" for ch in digits)
    assert "_" not in text
    assert len(digits) <= MAX_DIGITS


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0_3", "'_'"),
        ("1_000", "'_'"),
        ("\u0663", "cifre, der ikke er 0–9"),
        ("\uff13", "cifre, der ikke er 0–9"),
        ("\u0969\u0966", "cifre, der ikke er 0–9"),
        ("nan", "endeligt"),
        ("-inf", "endeligt"),
        ("1e999", "endeligt"),
        ("0x1A", "ikke et tal"),
        ("1,2,3", "tusindtalsseparator"),
        ("1.2.3", "tusindtalsseparator"),
        ("1.23,4.5", "blander"),
        ("9" * 40, "cifre"),
        ("9" * 5000, "for mange tegn"),
        ("3 %", "ikke et tal"),
    ],
)
def test_refused_with_the_reason(text, reason):
    with pytest.raises(NumberError, match=reason):
        parse_number(text, "auto")


def test_counts_are_whole_and_not_negative():
    with pytest.raises(NumberError, match="tvetydigt"):
        parse_count("1.234", "danish")
    assert parse_count("1.234,0", "danish") == 1234
    assert parse_count(12.0) == 12
    assert parse_count("") is None
    with pytest.raises(NumberError, match="negativt"):
        parse_count("-5")
    with pytest.raises(NumberError, match="helt tal"):
        parse_count("2.5", "standard")


# --------------------------------------------------------------------------- through the input paths


@pytest.fixture
def current(tmp_path):
    return load_dataset(make_package(tmp_path / "pkg"))


def errors(plan) -> list[str]:
    return [str(p) for p in plan.errors]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("område;t1\nAlfa;0_3\n", "'_'"),
        ("område;n2\nAlfa;1.234\n", "tvetydigt i en fil med decimalkomma"),
        ('area_id,n2\na,"1,234"\n', "tvetydigt i en fil med decimalpunktum"),
        ("område;t1\nAlfa;\u0663\n", "cifre, der ikke er 0–9"),
        ("område;t1\nAlfa;\uff13\n", "cifre, der ikke er 0–9"),
    ],
)
def test_value_files_refuse_and_say_what(current, data, fragment):
    plan = validate_import([("v.csv", data.encode("utf-8"))], current)
    assert not plan.ok
    assert any(fragment in e and "række 2" in e for e in errors(plan)), errors(plan)


def test_danish_thousands_with_decimal_part_is_read(current):
    plan = validate_import([("v.csv", "område;n2\nAlfa;1.000,0\nCharlie;12,5\n".encode("cp1252"))], current)
    assert any("skalaen" in e for e in errors(plan)), "1.000,0 is one thousand: outside the 0-100 scale"
    plan = validate_import([("v.csv", "område;n2\nCharlie;12,5\n".encode("cp1252"))], current)
    assert plan.ok
    assert plan.diff.values_changed[0].new == 12.5


def test_duplicate_columns_are_refused(current):
    for data in (b"area_id,t1,area_id\na,1,b\n", b"area_id,t1,Area ID\na,1,b\n", b"area_id;t1;t1\na;1;2\n"):
        plan = validate_import([("v.csv", data)], current)
        assert any("findes to gange" in e for e in errors(plan)), errors(plan)


def test_header_only_files_are_refused_and_nothing_is_imported(current):
    for name, data in (("v.csv", b"area_id,t1\n"), ("v.csv", b"area_id,t1\n,\n \n"), ("v.xlsx", None)):
        if data is None:
            wb = openpyxl.Workbook()
            wb.active.append(["area_id", "t1"])
            buf = io.BytesIO()
            wb.save(buf)
            data = buf.getvalue()
        plan = validate_import([(name, data)], current)
        assert not plan.ok
        assert any("ingen datarækker" in e or "ingen data" in e or "ingen værdier" in e for e in errors(plan)), errors(
            plan
        )


def test_empty_value_cells_only_are_refused(current):
    plan = validate_import([("v.csv", b"area_id,t1\na,\nb,\n")], current)
    assert any("ingen værdier" in e for e in errors(plan)), errors(plan)


def test_formula_cells_without_cached_values_are_named(current):
    wb = openpyxl.Workbook()  # openpyxl writes formulas without results, as many programs do
    ws = wb.active
    ws.append(["area_id", "t1", "n1"])
    ws.append(["a", "=1+1", 3])
    ws.append(["b", 2, "=SUM(B2:B3)"])
    buf = io.BytesIO()
    wb.save(buf)
    plan = validate_import([("v.xlsx", buf.getvalue())], current)
    assert not plan.ok
    assert any("formel uden gemt resultat (B2, C3)" in e for e in errors(plan)), errors(plan)


def test_negative_or_fractional_residents_are_refused_in_imports_and_packages(tmp_path, current):
    areas = area_features()
    areas["features"][0]["properties"]["residents"] = -40
    areas["features"][1]["properties"]["residents"] = "1.234"
    plan = validate_import([("omr.geojson", json.dumps(areas).encode())], current)
    assert any("residents" in e and "negativt" in e for e in errors(plan)), errors(plan)
    assert any("residents" in e and "Bravo" in e and ("tvetydigt" in e or "helt tal" in e) for e in errors(plan)), (
        errors(plan)
    )
    areas["features"][1]["properties"]["residents"] = 2.5
    with pytest.raises(DataError, match="negativt"):
        load_dataset(make_package(tmp_path / "neg", areas=areas))


def test_tab_separated_files_say_nothing_about_the_decimal_so_ambiguous_numbers_are_refused(current):
    text = "\ufeffområde\tn2\nAlfa\t1.234\n"  # Excel's "Unicode text": UTF-16, tab-separated, any locale
    plan = validate_import([("v.txt", text.encode("utf-16-le"))], current)
    assert any("tvetydigt" in e for e in errors(plan)), errors(plan)
    plan = validate_import([("v.txt", "\ufeffområde\tn2\nAlfa\t12,5\n".encode("utf-16-le"))], current)
    assert plan.ok
    assert plan.diff.values_changed[0].new == 12.5
    assert "UTF-16" in plan.files[0].details
