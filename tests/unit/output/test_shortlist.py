"""The CSV shortlist (selection/export.py): both styles, columns, top-n, formula safety."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from shapely.geometry import box

from selection.data.dataset import load_dataset
from selection.output.shortlist import neutralise, shortlist_csv, shortlist_table
from selection.ranking.evaluate import evaluate
from tests.support.factory import AREAS, VALUES, area_features, make_package

STAMP = datetime(2024, 5, 17, 9, 30, 5, tzinfo=UTC)
CRITERIA_LABELS = ["Tillid", "Aktører", "Behov"]


def parse(data: bytes, style: str = "excel-da") -> list[dict[str, str]]:
    """The rows under the header (the first line is the caveat)."""
    text = data.decode("utf-8-sig" if style == "excel-da" else "utf-8")
    caveat, _, table = text.partition("\r\n")
    assert caveat.strip('"').startswith("FORBEHOLD: ")
    return list(csv.DictReader(io.StringIO(table, newline=""), delimiter=";" if style == "excel-da" else ","))


def number(cell: str, style: str = "excel-da") -> float:
    return float(cell.replace(",", ".")) if style == "excel-da" else float(cell)


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    ds = load_dataset(make_package(tmp_path_factory.mktemp("export") / "p"))
    _, result = evaluate(ds)
    return ds, result


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Four areas: c has no trust value (unranked), b lacks n2 (incomplete)."""
    areas = [*AREAS, ("d", "Delta", box(12.65, 55.66, 12.666, 55.67))]
    values = [r for r in VALUES if (r[0], r[1]) not in {("c", "t1"), ("b", "n2")}]
    values += [
        ("d", "t1", "4", "assessed", "x", ""),
        ("d", "n1", "3", "assessed", "x", ""),
        ("d", "n2", "10", "assessed", "x", ""),
    ]
    ds = load_dataset(make_package(tmp_path_factory.mktemp("export") / "m", areas=area_features(areas), values=values))
    _, result = evaluate(ds)
    assert set(result.table.loc[result.table["status"] == "unranked", "area_id"]) == {"c"}
    return ds, result


# --------------------------------------------------------------------------- styles


def test_danish_excel_style(basic):
    ds, result = basic
    data = shortlist_csv(result, ds, 3, "excel-da", STAMP)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n") == 5  # caveat + header + 3 rows, all CRLF
    text = data.decode("utf-8-sig")
    header, first = text.split("\r\n")[1:3]
    assert header.startswith("Rang;Område;Samlet score (0-100);Datastatus;Listestatus;")
    total = result.table.iloc[0]["total"]  # 78.888... for Alfa
    assert first.startswith(f"1;Alfa;{total:.2f};".replace(".", ","))
    assert "78,89" in first
    assert "78.89" not in first
    assert "," not in header  # no header cell needs quoting
    assert text.count(";") > text.count(",")  # sanity: separator is ';'


def test_standard_style(basic):
    ds, result = basic
    data = shortlist_csv(result, ds, 3, "standard", STAMP)
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    header, first = text.split("\r\n")[1:3]
    assert header.startswith("Rang,Område,Samlet score (0-100),Datastatus,Listestatus,")
    assert ";" not in text
    assert first.startswith("1,Alfa,78.89,")
    rows = parse(data, "standard")
    assert number(rows[0]["Samlet score (0-100)"], "standard") == pytest.approx(78.89)


@pytest.mark.parametrize("style", ["excel-da", "standard"])
def test_both_styles_hold_the_same_cells(basic, style):
    ds, result = basic
    da = parse(shortlist_csv(result, ds, 3, "excel-da", STAMP))
    other = parse(shortlist_csv(result, ds, 3, style, STAMP), style)
    assert [list(r) for r in da] == [list(r) for r in other]
    for r1, r2 in zip(da, other, strict=True):
        for key in r1:
            if key in (
                "Tidspunkt",
                "Datasæt",
                "Område",
                "Område-id",
                "Bydel",
                "Datastatus",
                "Listestatus",
                "Manglende indikatorer",
                "Lokale vurderinger",
                "Dataversion",
            ):
                assert r1[key] == r2[key]
            else:
                assert number(r1[key]) == number(r2[key], style)


# --------------------------------------------------------------------------- columns


def test_columns(basic):
    ds, result = basic
    rows = parse(shortlist_csv(result, ds, 3, "excel-da", STAMP))
    cols = list(rows[0])
    assert cols[:8] == [
        "Rang",
        "Område",
        "Samlet score (0-100)",
        "Datastatus",
        "Listestatus",
        "Kildebelagte værdier",
        "Lokalt vurderede værdier",
        "Illustrative værdier",
    ]
    assert {"Område-id", "Bydel"} <= set(cols)
    for label in CRITERIA_LABELS:
        assert f"{label} - score (0-100)" in cols
        assert f"{label} - bidrag (point)" in cols
        assert f"Vægt {label} (%)" in cols
    assert {"Datastatus", "Manglende indikatorer", "Dataversion", "Tidspunkt"} <= set(cols)
    assert cols[-1] == "Tidspunkt"
    assert all(r["Dataversion"] == "t1" for r in rows)
    assert all(r["Tidspunkt"] == "2024-05-17T11:30:05+02:00" for r in rows)  # Copenhagen time
    assert [r["Rang"] for r in rows] == ["1", "2", "3"]
    assert [r["Område-id"] for r in rows] == ["a", "b", "c"]


def test_weights_are_written_in_percent(tmp_path):
    ds = load_dataset(make_package(tmp_path / "p"))
    _, result = evaluate(ds, {"trust": 1, "actors": 1, "need": 2})
    row = parse(shortlist_csv(result, ds, 1, "excel-da", STAMP))[0]
    assert row["Vægt Tillid (%)"] == "25,00"
    assert row["Vægt Aktører (%)"] == "25,00"
    assert row["Vægt Behov (%)"] == "50,00"


def test_criterion_scores_and_contributions(basic):
    ds, result = basic
    rows = parse(shortlist_csv(result, ds, 3, "excel-da", STAMP))
    by_id = result.table.set_index("area_id")
    for row in rows:
        aid = row["Område-id"]
        contribs = 0.0
        for cid, label in zip(["trust", "actors", "need"], CRITERIA_LABELS, strict=True):
            assert number(row[f"{label} - score (0-100)"]) == pytest.approx(by_id.at[aid, f"{cid}_score"], abs=0.005)
            contribs += number(row[f"{label} - bidrag (point)"])
        assert contribs == pytest.approx(number(row["Samlet score (0-100)"]), abs=0.02)


def test_parsed_danish_csv_gives_the_same_totals(mixed):
    ds, result = mixed
    rows = parse(shortlist_csv(result, ds, 10, "excel-da", STAMP))
    ranked = result.ranked
    assert [r["Område-id"] for r in rows] == list(ranked["area_id"])
    for row, (_, rec) in zip(rows, ranked.iterrows(), strict=True):
        assert number(row["Samlet score (0-100)"]) == round(rec["total"], 2)
        assert int(row["Rang"]) == rec["rank"]


# --------------------------------------------------------------------------- top-n and unranked


def test_top_n_is_respected(basic):
    ds, result = basic
    for n in (1, 2, 3):
        rows = parse(shortlist_csv(result, ds, n, "excel-da", STAMP))
        assert [r["Område-id"] for r in rows] == list(result.table["area_id"][:n])


def test_unranked_areas_are_never_included(mixed):
    ds, result = mixed
    for n in (1, 3, 4, 100):
        rows = parse(shortlist_csv(result, ds, n, "excel-da", STAMP))
        ids = [r["Område-id"] for r in rows]
        assert "c" not in ids
        assert len(ids) == min(n, 3)


def test_incomplete_area_is_flagged(mixed):
    ds, result = mixed
    rows = {r["Område-id"]: r for r in parse(shortlist_csv(result, ds, 10, "excel-da", STAMP))}
    assert rows["b"]["Datastatus"] == "Illustrative værdier (pladsholdere); ufuldstændige data"
    assert rows["b"]["Manglende indikatorer"] == "N2"  # the label, not the id
    assert rows["a"]["Datastatus"] == "Illustrative værdier (pladsholdere)"
    assert rows["d"]["Lokalt vurderede værdier"] == "3"  # t1, n1, n2; its computed actor value counts as well
    assert int(rows["d"]["Illustrative værdier"]) + 3 + int(rows["d"]["Kildebelagte værdier"]) == 4
    assert rows["a"]["Manglende indikatorer"] == ""


# --------------------------------------------------------------------------- formula safety


@pytest.mark.parametrize("style", ["excel-da", "standard"])
def test_formula_cells_are_neutralised(tmp_path, style):
    evil = ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)"]
    areas = [(f"e{i}", name, box(12.50 + 0.05 * i, 55.66, 12.516 + 0.05 * i, 55.67)) for i, name in enumerate(evil)]
    areas.append(("ok", "Alfa; Beta", box(12.75, 55.66, 12.766, 55.67)))
    values = [
        (aid, iid, v, "assessed", "x", "") for aid, *_ in areas for iid, v in (("t1", "3"), ("n1", "3"), ("n2", "50"))
    ]
    fc = area_features(areas)
    fc["features"][0]["properties"]["bydel"] = "=1+1"
    ds = load_dataset(make_package(tmp_path / "p", areas=fc, values=values))
    _, result = evaluate(ds)
    rows = parse(shortlist_csv(result, ds, 10, style, STAMP), style)
    names = {r["Område-id"]: r["Område"] for r in rows}
    for i, name in enumerate(evil):
        assert names[f"e{i}"] == "'" + name
    assert names["ok"] == "Alfa; Beta"  # ordinary text untouched (quoted, not prefixed)
    assert {r["Område-id"]: r["Bydel"] for r in rows}["e0"] == "'=1+1"
    # Numbers are never prefixed.
    assert all(not r["Samlet score (0-100)"].startswith("'") for r in rows)
    assert all(r["Rang"].isdigit() for r in rows)


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("Nørrebro") == "Nørrebro"
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"


# --------------------------------------------------------------------------- reproducibility


def test_fixed_timestamp_gives_identical_bytes(basic):
    ds, result = basic
    one = shortlist_csv(result, ds, 3, "excel-da", STAMP)
    two = shortlist_csv(result, ds, 3, "excel-da", STAMP)
    assert one == two
    other = shortlist_csv(result, ds, 3, "excel-da", datetime(2024, 5, 17, 9, 30, 6, tzinfo=UTC))
    assert other != one
    assert other.replace(b"11:30:06", b"11:30:05") == one


def test_table_matches_csv(basic):
    ds, result = basic
    table = shortlist_table(result, ds, 3, STAMP)
    rows = parse(shortlist_csv(result, ds, 3, "excel-da", STAMP))
    assert list(table.columns) == list(rows[0])
    assert len(table) == len(rows)


def test_extra_columns(basic):
    ds, result = basic
    extra = {"a": {"Robusthed": "Høj"}, "b": {"Robusthed": "-lav"}}
    rows = parse(shortlist_csv(result, ds, 3, "excel-da", STAMP, extra=extra))
    cols = list(rows[0])
    assert cols.index("Robusthed") < cols.index("Vægt Tillid (%)")
    assert [r["Robusthed"] for r in rows] == ["Høj", "'-lav", ""]


def test_empty_shortlist_still_has_the_header(tmp_path):
    values = [v for v in VALUES if v[1] != "t1"]  # no trust data: no area can be ranked
    dataset = load_dataset(make_package(tmp_path / "pkg", values=values))
    _, result = evaluate(dataset)
    assert result.ranked.empty
    rows = list(csv.reader(io.StringIO(shortlist_csv(result, dataset, 3).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0].startswith("FORBEHOLD: Ingen områder kan rangeres")
    assert rows[1][:3] == ["Rang", "Område", "Samlet score (0-100)"]
    assert len(rows) == 2


def test_negative_numbers_stay_numbers(basic):
    dataset, result = basic
    aid = result.table["area_id"].iloc[0]
    rows = parse(shortlist_csv(result, dataset, 1, extra={aid: {"Ændring": -1.5}}))
    assert rows[0]["Ændring"] == "-1,50"


# --------------------------------------------------------------------------- honesty: counts, list status, caveat


def test_counts_of_value_kinds_match_the_provenance(mixed):
    ds, result = mixed
    perf, _ = evaluate(ds)
    table = shortlist_table(result, ds, 10, STAMP, provenance=perf.provenance)
    prov = perf.provenance[perf.provenance["value"].notna()]
    for row in table.to_dict("records"):
        mine = prov[prov["area_id"] == row["Område-id"]]
        assert row["Kildebelagte værdier"] == int((mine["kind"] == "sourced").sum())
        assert row["Lokalt vurderede værdier"] == int((mine["kind"] == "assessed").sum())
        assert row["Illustrative værdier"] == int((mine["kind"] == "illustrative").sum())
        if row["Illustrative værdier"]:
            assert row["Datastatus"].startswith("Illustrative værdier")


def test_list_status_is_written_and_never_repeats_its_label(basic):
    ds, result = basic
    rows = parse(shortlist_csv(result, ds, 3, "excel-da", STAMP))
    for row in rows:
        status = row["Listestatus"]
        assert status
        first = status.split()[0].rstrip(":")
        assert status.lower().count(first.lower()) == 1


def test_caveat_is_the_first_line_and_counts_the_values(basic):
    ds, result = basic
    table = shortlist_table(result, ds, 3, STAMP)
    first = shortlist_csv(result, ds, 3, "excel-da", STAMP).decode("utf-8-sig").split("\r\n")[0]
    total = int(table[["Kildebelagte værdier", "Lokalt vurderede værdier", "Illustrative værdier"]].to_numpy().sum())
    assert first.strip('"').startswith(
        f"FORBEHOLD: Af {total} værdier bag kortlisten er {int(table['Kildebelagte værdier'].sum())} kildebelagte"
    )
    assert "ikke en anbefaling" in first


# --------------------------------------------------------------------------- XLSX


def test_xlsx_has_caveat_frozen_header_number_formats_and_about_sheet(basic):
    from openpyxl import load_workbook

    from selection.output.shortlist import about_sheet, caveat, table_to_xlsx

    ds, result = basic
    table = shortlist_table(result, ds, 3, STAMP)
    note = caveat(table, ds)
    book = load_workbook(io.BytesIO(table_to_xlsx(table, note, about_sheet(result, ds, [("Seed", "1")]))))
    sheet = book["Kortliste"]
    assert sheet["A1"].value == note
    assert [c.value for c in sheet[2]] == list(table.columns)
    assert sheet.freeze_panes == "C3"
    score_col = list(table.columns).index("Samlet score (0-100)") + 1
    cell = sheet.cell(row=3, column=score_col)
    assert cell.value == pytest.approx(float(table.iloc[0]["Samlet score (0-100)"]))
    assert cell.number_format == "0.0"
    assert sheet.cell(row=3, column=2).value == table.iloc[0]["Område"]
    assert sheet.column_dimensions["B"].width >= len("Alfa")
    about = book["Om kortlisten"]
    cells = [c.value for row in about.iter_rows() for c in row if c.value is not None]
    assert note in cells
    assert "Metode" in cells
    assert "Vægte" in cells
    labels = [c.label for c in ds.model.criteria]
    assert all(label in cells for label in labels)
    assert sum(v for v in cells if isinstance(v, float)) == pytest.approx(1.0)


def test_xlsx_neutralises_formulas(tmp_path):
    from openpyxl import load_workbook

    from selection.output.shortlist import about_sheet, caveat, table_to_xlsx

    areas = [("e", "=1+1", box(12.50, 55.66, 12.516, 55.67))]
    values = [("e", iid, v, "assessed", "x", "") for iid, v in (("t1", "3"), ("n1", "3"), ("n2", "50"))]
    ds = load_dataset(make_package(tmp_path / "p", areas=area_features(areas), values=values))
    _, result = evaluate(ds)
    table = shortlist_table(result, ds, 1, STAMP)
    book = load_workbook(io.BytesIO(table_to_xlsx(table, caveat(table, ds), about_sheet(result, ds))))
    assert book["Kortliste"].cell(row=3, column=2).value == "'=1+1"
