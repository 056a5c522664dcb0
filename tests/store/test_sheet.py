"""The offline round trip: download the assessment sheet, fill it in, read it back and save it."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from selection.assessments import (
    AssessmentConflict,
    NewAssessment,
    aggregate,
    current_assessments,
    history,
    record_assessment,
    record_assessments,
    value_versions,
)
from selection.assessments.sheet import COLUMNS, assessment_sheet, read_assessment_sheet
from selection.data.dataset import load_dataset
from tests.support.databases import AREA_IDS, MODEL, assessment_criteria
from tests.support.factory import ADMIN, AREAS, area_features, make_package

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    areas = [("a", "=Alfa+1", AREAS[0][2]), *AREAS[1:]]  # a name that looks like a spreadsheet formula
    return load_dataset(
        make_package(tmp_path_factory.mktemp("sheet") / "p", criteria=assessment_criteria(), areas=area_features(areas))
    )


def current_like(rows) -> pd.DataFrame:
    """What ``current_assessments`` gives, reduced to the columns ``aggregate`` reads."""
    return pd.DataFrame(
        [{"area_id": a, "indicator_id": i, "assessor_name": n, "value": v} for a, i, n, v in rows],
        columns=["area_id", "indicator_id", "assessor_name", "value"],
    )


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def fill_csv(data: bytes, fills: dict[int, dict[str, str]]) -> bytes:
    rows = csv_rows(data)
    for n, values in fills.items():  # n: spreadsheet row number (header = 1)
        for column, value in values.items():
            rows[n - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def read(data: bytes, dataset, name="ark.csv", **kw):
    return read_assessment_sheet(data, name, dataset.model, dataset, today=TODAY, **kw)


def test_the_csv_sheet_lists_every_area_and_assessment_indicator_with_scale_anchors_and_current_value(dataset):
    agg = aggregate(current_like([("b", "n1", "Anna", 4.0), ("b", "n1", "Bo", 2.0)]))
    rows = csv_rows(assessment_sheet(dataset, agg, "excel-da", {("b", "n1"): 3}))
    assert rows[0] == COLUMNS
    body = {(r[0], r[2]): dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(body) == {(a, i) for a in ("a", "b", "c") for i in ("t1", "n1")}
    b_n1 = body[("b", "n1")]
    assert (b_n1["Nuværende værdi"], b_n1["Nuværende type"], b_n1["Spænd"], b_n1["Version"]) == (
        "3,00",
        "Lokal vurdering (2 vurderere)",
        "2–4",
        "3",
    )
    assert b_n1["Skala"] == "1–5 point"
    assert b_n1["Skalaens betydning"] == "1 = Meget lav; 3 = Middel; 5 = Meget høj"
    assert (body[("c", "t1")]["Nuværende værdi"], body[("c", "t1")]["Nuværende type"]) == ("1,00", "Illustrativ")
    assert body[("a", "t1")]["Område"] == "'=Alfa+1"  # never a formula
    assert all(body[k]["Ny værdi"] == body[k]["Begrundelse"] == "" for k in body)


def test_filled_rows_become_assessments_with_the_file_as_evidence(dataset):
    sheet = assessment_sheet(dataset, aggregate(current_like([])), "excel-da", {})
    filled = fill_csv(
        sheet,
        {
            2: {"Ny værdi": "4,5", "Begrundelse": "Stærke klubber", "Dokumentation (link eller dokument)": "Notat 12"},
            5: {
                "Ny værdi": "2",
                "Begrundelse": "Få aktører",
                "Vurderers navn": "Bo Berg",
                "Rolle/organisation": "Skole",
                "Dato (ÅÅÅÅ-MM-DD)": "03.11.2026",
            },
        },
    )
    news, report = read(filled, dataset, name="vurdering nov.csv", assessor_name="Anna", assessor_role="SSP")
    assert report.ok
    assert report.rows == [2, 5]
    assert report.versions == [0, 0]
    assert report.skipped == 4
    assert news == [
        NewAssessment(
            "a", "t1", 4.5, "Stærke klubber", "Vurderingsark: vurdering nov.csv; Notat 12", "Anna", "SSP", TODAY
        ),
        NewAssessment(
            "b", "n1", 2.0, "Få aktører", "Vurderingsark: vurdering nov.csv", "Bo Berg", "Skole", date(2026, 11, 3)
        ),
    ]


@pytest.mark.parametrize(
    ("fill", "message"),
    [
        ({"Ny værdi": "4"}, "række 3: Rækken kan ikke bruges: mangler en begrundelse"),
        (
            {"Ny værdi": "9", "Begrundelse": "x"},
            "række 3: Rækken kan ikke bruges: værdien 9 ligger uden for skalaen 1–5",
        ),
        (
            {"Ny værdi": "fire", "Begrundelse": "x"},
            "række 3: Rækken kan ikke bruges: 'Ny værdi' kan ikke læses: 'fire' er ikke et tal",
        ),
        ({"Begrundelse": "x"}, "række 3: Rækken kan ikke bruges: 'Ny værdi' er tom"),
        ({"Ny værdi": "3", "Begrundelse": "x", "Område-id": "zz"}, "ukendt område-id 'zz'"),
        ({"Ny værdi": "3", "Begrundelse": "x", "Indikator-id": "n2"}, "'N2' er ikke en lokal vurdering"),
        ({"Ny værdi": "3", "Begrundelse": "x", "Dato (ÅÅÅÅ-MM-DD)": "i går"}, "datoen 'i går' kan ikke læses"),
        ({"Ny værdi": "3", "Begrundelse": "x", "Version": "to"}, "'Version' (to) er ændret"),
        # The refused value is named as written, not rounded into the scale ("værdien 5 ligger uden for 1–5").
        ({"Ny værdi": "5,0000001", "Begrundelse": "x"}, "værdien 5,0000001 ligger uden for skalaen 1–5"),
        ({"Ny værdi": "0,001", "Begrundelse": "x"}, "værdien 0,001 ligger uden for skalaen 1–5"),
    ],
)
def test_a_bad_row_is_refused_naming_the_row_and_nothing_is_returned(dataset, fill, message):
    sheet = assessment_sheet(dataset, aggregate(current_like([])), "excel-da", {})
    filled = fill_csv(sheet, {2: {"Ny værdi": "3", "Begrundelse": "god række"}, 3: fill})
    news, report = read(filled, dataset, assessor_name="Anna")
    assert news == []
    assert any(message in str(p) and str(p).startswith("ark.csv · række 3") for p in report.errors), report.errors
    assert not any(".." in str(p) for p in report.errors), report.errors


def test_every_row_the_save_would_refuse_is_named_when_the_sheet_is_read(dataset):
    """The reader applies the save's own checks, so the preview never promises rows the save refuses."""
    sheet = assessment_sheet(dataset, aggregate(current_like([])), "excel-da", {})
    later = (date.today() + pd.Timedelta(days=400)).isoformat()
    bad = {
        3: {"Ny værdi": "3", "Begrundelse": "x", "Dato (ÅÅÅÅ-MM-DD)": later},
        4: {"Ny værdi": "3", "Begrundelse": "x", "Dato (ÅÅÅÅ-MM-DD)": "1900-01-01"},
        5: {"Ny værdi": "3", "Begrundelse": "\u200b\u2800"},
        6: {"Ny værdi": "3", "Begrundelse": "x", "Vurderers navn": "x" * 500},
        7: {"Ny værdi": "3", "Begrundelse": "x" * 5000},
    }
    news, report = read(
        fill_csv(sheet, {2: {"Ny værdi": "3", "Begrundelse": "god række"}, **bad}), dataset, assessor_name="Anna"
    )
    assert news == []
    named = [str(p) for p in report.errors]
    assert len(named) == len(bad), named
    for n, text in zip(bad, named, strict=True):
        assert text.startswith(f"ark.csv · række {n}: Rækken kan ikke bruges"), text


@pytest.mark.parametrize("filename", ["ark\n2.csv", "ark\u202egsx.csv", "a" * 1200 + ".csv", "\u200b.csv"])
def test_an_odd_file_name_does_not_make_the_rows_unsavable(engine, dataset, filename):
    sheet = assessment_sheet(dataset, aggregate(current_like([])), "excel-da", {})
    news, report = read(
        fill_csv(sheet, {2: {"Ny værdi": "3", "Begrundelse": "god"}}), dataset, name=filename, assessor_name="Anna"
    )
    assert report.ok, report.errors
    [saved] = record_assessments(engine, news, MODEL, AREA_IDS, report.versions, actor=ADMIN)
    assert saved.evidence.startswith("Vurderingsark: ")
    assert len(saved.evidence) <= 300


def test_a_row_without_an_assessor_name_is_refused_when_none_is_given(dataset):
    sheet = assessment_sheet(dataset, aggregate(current_like([])), "excel-da", {})
    news, report = read(fill_csv(sheet, {4: {"Ny værdi": "3", "Begrundelse": "x"}}), dataset)
    assert news == []
    assert "række 4" in str(report.errors[0])
    assert "mangler vurderers navn" in str(report.errors[0])


def test_the_same_assessor_twice_on_one_value_is_refused(dataset):
    sheet = assessment_sheet(dataset, aggregate(current_like([])), "excel-da", {})
    rows = csv_rows(sheet)
    rows.append(rows[1])
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows(rows)
    data = fill_csv(
        buf.getvalue().encode("utf-8-sig"),
        {2: {"Ny værdi": "3", "Begrundelse": "x"}, len(rows): {"Ny værdi": "4", "Begrundelse": "y"}},
    )
    news, report = read(data, dataset, assessor_name="Anna")
    assert news == []
    assert f"række {len(rows)}" in str(report.errors[0])
    assert "også i række 2" in str(report.errors[0])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"area;value\r\na;3\r\n", "Arket mangler kolonne(r): Område-id, Indikator-id, Ny værdi, Begrundelse"),
        (b"\x00\x01binary", "ikke en tekstfil"),
        (b"", "tom"),
    ],
)
def test_a_file_that_is_not_a_sheet_gets_a_danish_message(dataset, data, message):
    news, report = read(data, dataset)
    assert news == []
    assert message in str(report.errors[0])


def test_an_unfilled_sheet_is_reported(dataset):
    news, report = read(assessment_sheet(dataset, aggregate(current_like([])), "excel-da", {}), dataset)
    assert news == []
    assert "ingen udfyldte rækker" in str(report.errors[0])


def test_the_xlsx_sheet_round_trips_through_excel_cells(dataset):
    data = assessment_sheet(dataset, aggregate(current_like([])), "xlsx", {})
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Vurderinger"]
    header = [c.value for c in sheet[1]]
    assert header == COLUMNS
    assert book.sheetnames == ["Vurderinger", "Vejledning"]
    assert sheet.cell(row=2, column=2).value == "'=Alfa+1"
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert any(v.formula1 == "1.0" and v.formula2 == "5.0" for v in sheet.data_validations.dataValidation)
    sheet.cell(row=3, column=header.index("Ny værdi") + 1, value=3.5)
    sheet.cell(row=3, column=header.index("Begrundelse") + 1, value="Tal fra SSP")
    sheet.cell(row=3, column=header.index("Dato (ÅÅÅÅ-MM-DD)") + 1, value=date(2026, 10, 1))
    out = io.BytesIO()
    book.save(out)
    news, report = read(out.getvalue(), dataset, name="ark.xlsx", assessor_name="Anna")
    assert report.ok, report.errors
    assert news == [
        NewAssessment("a", "n1", 3.5, "Tal fra SSP", "Vurderingsark: ark.xlsx", "Anna", "", date(2026, 10, 1))
    ]
    assert not report.warnings, "the guidance sheet beside it is expected, not a warning"
    book.move_sheet("Vurderinger", offset=1)  # someone put the guidance first: the sheet is still found by name
    assert book.sheetnames == ["Vejledning", "Vurderinger"]
    out = io.BytesIO()
    book.save(out)
    moved, report = read(out.getvalue(), dataset, name="ark.xlsx", assessor_name="Anna")
    assert (moved, report.warnings) == (news, [])


def test_a_sheet_saved_after_someone_else_changed_a_value_is_refused_whole(engine, dataset):
    sheet = assessment_sheet(dataset, aggregate(current_assessments(engine)), "excel-da", value_versions(engine))
    record_assessment(
        engine, NewAssessment("b", "t1", 5.0, "Imens", "", "Bo Berg", "", TODAY), MODEL, AREA_IDS, 0, actor=ADMIN
    )
    filled = fill_csv(sheet, {2: {"Ny værdi": "3", "Begrundelse": "a"}, 4: {"Ny værdi": "2", "Begrundelse": "b"}})
    news, report = read(filled, dataset, assessor_name="Anna")
    assert report.ok
    assert [n.area_id for n in news] == ["a", "b"]
    labels = [f"ark.csv · række {n}" for n in report.rows]
    with pytest.raises(AssessmentConflict, match=r"^ark\.csv · række 4: .*Bo Berg gemte værdien 5"):
        record_assessments(engine, news, MODEL, AREA_IDS, report.versions, labels, actor=ADMIN)
    assert len(history(engine)) == 1
    fresh = assessment_sheet(dataset, aggregate(current_assessments(engine)), "excel-da", value_versions(engine))
    news, report = read(
        fill_csv(fresh, {2: {"Ny værdi": "3", "Begrundelse": "a"}, 4: {"Ny værdi": "2", "Begrundelse": "b"}}),
        dataset,
        assessor_name="Anna",
    )
    saved = record_assessments(engine, news, MODEL, AREA_IDS, report.versions, actor=ADMIN)
    assert [(s.area_id, s.version, s.evidence) for s in saved] == [
        ("a", 1, "Vurderingsark: ark.csv"),
        ("b", 2, "Vurderingsark: ark.csv"),
    ]


def test_a_sheet_with_several_assessors_of_one_value_is_saved_whole(engine, dataset):
    """A team fills one sheet: the row of a value copied once per person, each with their name."""
    sheet = assessment_sheet(dataset, aggregate(current_assessments(engine)), "excel-da", value_versions(engine))
    rows = csv_rows(sheet)
    head, row = rows[0], rows[1]
    people = [("Anna", "4", "set selv"), ("Bo Berg", "2", "hørt fra SSP"), ("Cai", "3", "skolen siger")]
    copies = []
    for name, value, reason in people:
        copy = list(row)
        copy[head.index("Vurderers navn")], copy[head.index("Ny værdi")] = name, value
        copy[head.index("Begrundelse")] = reason
        copies.append(copy)
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows([head, *copies])
    news, report = read(buf.getvalue().encode("utf-8-sig"), dataset)
    assert report.ok, report.errors
    saved = record_assessments(engine, news, MODEL, AREA_IDS, report.versions, actor=ADMIN)
    assert [(s.assessor_name, s.value, s.version) for s in saved] == [
        ("Anna", 4.0, 1),
        ("Bo Berg", 2.0, 2),
        ("Cai", 3.0, 3),
    ]
    assert aggregate(current_assessments(engine))[["value", "n_assessors"]].values.tolist() == [[3.0, 3]]


def test_rows_naming_someone_other_than_the_one_loading_are_marked_on_their_behalf(dataset):
    sheet = assessment_sheet(dataset, aggregate(current_like([])), "excel-da")
    filled = fill_csv(
        sheet,
        {
            2: {"Ny værdi": "4", "Begrundelse": "Egen", "Vurderers navn": ""},  # the loader's own (the name is theirs)
            3: {"Ny værdi": "3", "Begrundelse": "Egen", "Vurderers navn": "anna  HOLM"},  # the same name, own
            4: {"Ny værdi": "2", "Begrundelse": "Fra et papirark", "Vurderers navn": "Bo Lund"},
        },
    )
    news, report = read(filled, dataset, assessor_name="Anna Holm", recorder="Anna Holm")
    assert report.ok, report.errors
    assert [(n.assessor_name, n.on_behalf) for n in news] == [
        ("Anna Holm", False),
        ("anna HOLM", False),
        ("Bo Lund", True),
    ]


def test_a_sheet_with_more_filled_rows_than_one_save_may_hold_is_refused_up_front(dataset):
    """Issue 29: one sheet is one all-or-none transaction holding the write lock; a sheet past
    MAX_SHEET_ENTRIES filled rows is refused before it is checked further, and nothing is returned."""
    from selection.limits import MAX_SHEET_ENTRIES

    sheet = assessment_sheet(dataset, aggregate(current_like([])), "excel-da", {})
    rows = csv_rows(sheet)
    header, first = rows[0], rows[1]
    filled = [*first]
    filled[header.index("Ny værdi")] = "3"
    filled[header.index("Begrundelse")] = "Kender området"
    filled[header.index("Vurderers navn")] = "Anna"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(header)
    for _ in range(MAX_SHEET_ENTRIES + 1):
        writer.writerow(filled)
    news, report = read(buf.getvalue().encode("utf-8-sig"), dataset)
    assert news == []
    (error,) = report.errors
    assert f"over {MAX_SHEET_ENTRIES:,} udfyldte rækker".replace(",", ".") in str(error)
    assert "Del arket op" in str(error)
    at_limit = buf.getvalue().encode("utf-8-sig").rsplit(b"\r\n", 2)[0] + b"\r\n"  # one row fewer: not this error
    _, report = read(at_limit, dataset)
    assert not any("udfyldte rækker" in str(e) for e in report.errors)
