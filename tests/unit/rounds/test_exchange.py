"""Answers collected on paper in (CSV/XLSX, hostile files refused in Danish), the group result out (CSV/XLSX)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest

from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.data.performance import build_performance
from selection.errors import Report
from selection.importing.readers.source import ImportFile
from selection.importing.readers.tabular import read_table
from selection.limits import Limits
from selection.rounds import exchange
from selection.rounds.model import IMPORTED, MEDIAN, Round, RoundError, Submission
from selection.rounds.result import group_result
from selection.rounds.store import MAX_PARTICIPANTS
from selection.scenarios.settings import default_settings

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HYPERLINK = '=HYPERLINK("http://ond.example/?x","Klik")'


@pytest.fixture(scope="module")
def bundled():
    return load_dataset(BUNDLED_DATA_DIR)


def answers_csv(*rows: str, header: str = "Navn;Tillidsfulde indsatser;actors;need;Begrundelse") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig")


def refused(data: bytes | tuple[str, bytes], model, name: str | None = None) -> str:
    with pytest.raises(RoundError) as caught:
        exchange.read_answers(data, model, name)
    text = str(caught.value)
    assert "Traceback" not in text
    return text


# ---------------------------------------------------------------- answers in


def test_danish_excel_csv_by_id_or_label_with_decimal_comma_and_a_reason(bundled):
    data = answers_csv("Anna;50;25;25;Behovet først", "Bo;1,5;0;1;")
    answers = exchange.read_answers(("svar.csv", data), bundled.model)
    assert [(a.name, dict(a.weights), a.reason, a.line) for a in answers] == [
        ("Anna", {"trust": 50.0, "actors": 25.0, "need": 25.0}, "Behovet først", 2),
        ("Bo", {"trust": 1.5, "actors": 0.0, "need": 1.0}, "", 3),
    ]


def test_xlsx_with_english_headers_in_any_case(bundled):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NAME", "trust", "Motiverede aktører", "NEED", "reason"])
    ws.append(["Carl", 0.25, 2, 0, None])
    buf = io.BytesIO()
    wb.save(buf)
    answers = exchange.read_answers(buf.getvalue(), bundled.model)  # bytes alone: XLSX by its content
    assert [(a.name, dict(a.weights)) for a in answers] == [("Carl", {"trust": 0.25, "actors": 2.0, "need": 0.0})]


def test_a_path_is_read_and_its_name_shown(bundled, tmp_path):
    path = tmp_path / "møde.csv"
    path.write_bytes(answers_csv("Anna;1;1;-1;"))
    text = refused(path, bundled.model)
    assert "møde.csv" in text
    assert "Linje 2, kolonne 'need'" in text
    assert "negativ" in text


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "tom"),
        (b"   \r\n\r\n", "tom"),
        (bytes(range(256)) * 8, "binære data"),
        (answers_csv(), "kun en overskriftsrække"),
        (answers_csv("Anna;" + "9" * 400 + ";1;1;"), "Linje 2, kolonne 'Tillidsfulde indsatser'"),
        (answers_csv("Anna;abc;1;1;"), "Linje 2, kolonne 'Tillidsfulde indsatser'"),
        (answers_csv("Anna;1;-2;1;"), "må ikke være negativ"),
        (answers_csv("Anna;0;0;0;"), "Linje 2: alle vægte er 0"),
        (answers_csv("Anna;;1;1;"), "feltet er tomt; skriv 0"),
        (answers_csv("Anna;5000000;1;1;"), "urimeligt stor"),
        (answers_csv("Anna;1;1;1;", "ANNA;2;1;1;"), "Linje 3: 'ANNA' står også på linje 2"),
        (answers_csv(";1;1;1;"), "Linje 2, kolonne 'Navn': Deltagerens navn skal udfyldes"),
        (answers_csv("Anna;1;1;1", header="Navn;Tilidsfulde indsatser;actors;need"), "Mente du 'Tillidsfulde"),
        (answers_csv("Anna;1;1;1;x", header="Navn;trust;actors;need;Farve"), "kolonne 5 ('Farve') er ukendt"),
        (answers_csv("Anna;1;1", header="Navn;trust;actors"), "Kolonnen for kriteriet 'Vurderet behov'"),
        (answers_csv("1;1;1", header="trust;actors;need"), "mangler en kolonne med deltagernes navne"),
        (answers_csv("A;1;1;1;1", header="Navn;trust;Tillidsfulde indsatser;actors;need"), "begge kriteriet"),
    ],
    ids=[
        "empty",
        "blank",
        "binary",
        "header only",
        "400 digits",
        "not a number",
        "negative",
        "all zero",
        "empty cell",
        "huge",
        "duplicate name",
        "no name",
        "misspelt column",
        "unknown column",
        "missing criterion",
        "no name column",
        "criterion twice",
    ],
)
def test_hostile_answer_files_are_refused_in_danish(bundled, data, says):
    text = refused(("svar.csv", data), bundled.model)
    assert says in text, text
    assert text.endswith("Intet er gemt.")


def test_every_problem_is_listed_not_only_the_first(bundled):
    text = refused(("svar.csv", answers_csv("Anna;x;1;1;", "Bo;1;-1;1;")), bundled.model)
    assert "Linje 2" in text
    assert "Linje 3" in text


@pytest.mark.parametrize(("name", "says"), [("svar.pdf", "filtypen '.pdf'"), ("svar.xls", "gamle format")])
def test_wrong_file_types_are_refused(bundled, name, says):
    assert says in refused((name, b"%PDF-1.4 whatever"), bundled.model)


def test_a_broken_xlsx_is_refused(bundled):
    text = refused(("svar.xlsx", b"PK\x03\x04 not really a zip"), bundled.model)
    assert "svar.xlsx" in text


def test_a_file_over_the_readers_size_limit_is_refused(bundled, monkeypatch):
    monkeypatch.setattr(exchange, "_limits", lambda: Limits(max_file_bytes=100, max_rows=MAX_PARTICIPANTS + 1))
    assert "for stor" in refused(("svar.csv", answers_csv(*[f"P{i};1;1;1;" for i in range(20)])), bundled.model)


@pytest.mark.parametrize("n", [MAX_PARTICIPANTS + 1, MAX_PARTICIPANTS + 50])
def test_more_rows_than_a_round_may_have_participants_are_refused(bundled, n):
    text = refused(("svar.csv", answers_csv(*[f"P{i};1;1;1;" for i in range(n)])), bundled.model)
    assert f"højst {MAX_PARTICIPANTS} deltagere" in text


def test_control_characters_in_a_header_do_not_reach_the_message_raw(bundled):
    text = refused(("svar.csv", answers_csv("A;1;1;1;1", header="Navn;trust;actors;need;\x1b[31mrød")), bundled.model)
    assert "\x1b" not in text
    assert "\ufffd" in text


# ---------------------------------------------------------------- the result out


def submission(number: int, weights: dict[str, float]) -> Submission:
    total = sum(weights.values())
    return Submission(
        id=number,
        round_id=1,
        number=number,
        version=1,
        method=IMPORTED,
        weights={k: v / total for k, v in weights.items()},
        sub_weights=None,
        inputs={},
        reason="",
        recorded_at=NOW,
        stored_by="",
    )


def make_round(bundled, anonymous: bool = False) -> Round:
    return Round(
        id=7,
        name="Styregruppen marts",
        anonymous=anonymous,
        settings_data=default_settings(bundled.model).to_dict(),
        scenario_id=None,
        scenario_version=None,
        scenario_name="",
        data_version=bundled.version,
        sub_indicators=False,
        created_at=NOW,
        created_by="Facilitator",
    )


@pytest.fixture(scope="module")
def result(bundled):
    settings = default_settings(bundled.model)
    perf = build_performance(bundled, settings.distance_m)
    subs = [
        submission(1, {"trust": 1, "actors": 1, "need": 2}),
        submission(2, {"trust": 0, "actors": 1, "need": 0}),
        submission(3, {"trust": 3, "actors": 0, "need": 1}),
    ]
    labels = {1: "Anna", 2: HYPERLINK, 3: "Område"}
    return group_result(bundled, perf, settings, subs, labels, MEDIAN), perf


def test_the_csv_result_reads_back_with_one_column_per_participant_and_formulas_neutralised(bundled, result):
    res, perf = result
    data = exchange.result_file(res, make_round(bundled), bundled, perf, "excel-da", NOW)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    notes = {r[0]: r[1] for r in rows[: rows.index([])]}
    assert notes["Vægtningsrunde"] == "nr. 7: Styregruppen marts"
    assert notes["Gruppens vægte"] == res.method_text
    assert notes["Resultat"] == res.sentence
    assert "illustrative" in notes["Forbehold"]
    assert "ikke en anbefaling" in notes["Forbehold"]
    assert "endnu ikke vist" in notes["Status"]
    assert {f"Vægt {c.label}" for c in bundled.model.criteria} <= set(notes)
    header, body = rows[rows.index([]) + 1], rows[rows.index([]) + 2 :]
    assert header == [
        "Område-id",
        "Område",
        "Gruppens rang",
        "Gruppens score (0-100)",
        "Anna",
        "'" + HYPERLINK,  # a name that would be a formula is text in Excel
        "Område (deltager)",  # a name like a fixed column is told apart
        "Nr. 1 for antal deltagere",
    ]
    table = res.table()
    assert [r[0] for r in body] == table["area_id"].tolist()
    assert [int(r[4]) for r in body] == table["Anna"].astype(int).tolist()
    assert [int(r[7]) for r in body] == table["first_count"].tolist()
    assert body[0][3] == f"{table['total'].iloc[0]:.2f}".replace(".", ",")
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_the_xlsx_result_reads_back_with_the_import_reader(bundled, result):
    res, perf = result
    data = exchange.result_file(res, make_round(bundled), bundled, perf, "xlsx", NOW)
    report = Report()
    table = read_table(ImportFile("resultat.xlsx", data), Limits(), report, prefer=exchange.RESULT_SHEET)
    assert table is not None, report.problems
    assert table.header[:4] == ["Område-id", "Område", "Gruppens rang", "Gruppens score (0-100)"]
    assert table.header[5] == "'" + HYPERLINK
    assert [r[0] for r in table.rows] == res.table()["area_id"].tolist()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [exchange.RESULT_SHEET, exchange.NOTES_SHEET]
    assert wb[exchange.RESULT_SHEET].cell(row=1, column=6).data_type == "s"  # text, not a formula
    notes = {r[0]: r[1] for r in wb[exchange.NOTES_SHEET].iter_rows(values_only=True)}
    assert notes["Resultat"] == res.sentence


def test_an_anonymous_round_shows_only_participant_numbers(bundled):
    settings = default_settings(bundled.model)
    perf = build_performance(bundled, settings.distance_m)
    subs = [submission(1, {"trust": 1, "actors": 1, "need": 2}), submission(2, {"trust": 2, "actors": 1, "need": 0})]
    res = group_result(bundled, perf, settings, subs, {1: "Deltager 1", 2: "Deltager 2"})
    data = exchange.result_file(res, make_round(bundled, anonymous=True), bundled, perf, "excel-da", NOW)
    text = data.decode("utf-8-sig")
    assert "Deltager 1;Deltager 2;Nr. 1 for antal deltagere" in text
    assert "runden er anonym" in text


def test_a_round_opened_on_another_data_version_says_so(bundled, result):
    res, perf = result
    item = make_round(bundled)
    old = Round(**{**item.__dict__, "data_version": "2020-01-01.1"})
    notes = dict(exchange.result_notes(res, old, bundled, perf, NOW))
    assert "åbnet på version 2020-01-01.1" in notes["Data"]


def test_an_unknown_format_is_refused(bundled, result):
    res, perf = result
    with pytest.raises(RoundError, match="Ukendt format"):
        exchange.result_file(res, make_round(bundled), bundled, perf, "pdf")
