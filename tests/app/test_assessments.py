"""The Vurderinger view with AppTest: saved assessments change the ranking and the notice; bad input saves nothing."""

from __future__ import annotations

import contextlib
import copy
import csv
import dataclasses
import io
import re
import socket
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.assessments import history
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from selection.storage.database import open_store
from tests.support.factory import CRITERIA, make_package
from ui.ranked_view import RANKING_VIEW

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HOSTILE = "<img src=x onerror=alert(1)> **fed** [link](http://example.org)"


def assessment_criteria() -> dict:
    """The factory's criteria with t1 and n1 marked as local assessments (with anchors on t1)."""
    criteria = copy.deepcopy(CRITERIA)
    for crit in criteria["criteria"]:
        for ind in crit["indicators"]:
            if ind["id"] in ("t1", "n1"):
                ind["assessment"] = True
            if ind["id"] == "t1":
                ind["anchors"] = {"1": "Meget svage", "3": "Middel", "5": "Meget stærke"}
    return criteria


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small package and an empty assessment store of this test's own."""
    folder = make_package(tmp_path / "pkg", criteria=assessment_criteria())
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store" / "data"))
    monkeypatch.delenv("SELECTION_DB_URL", raising=False)
    return folder


def stored(tmp_path: Path) -> list:
    return history(open_store(f"sqlite:///{tmp_path / 'store' / 'data.sqlite'}"))


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def open_view(view: str = "Vurderinger", at: AppTest | None = None) -> AppTest:
    at = at or run(AppTest.from_file(APP, default_timeout=60))
    at.segmented_control(key="view").set_value(view)
    return run(at)


def ranking(at: AppTest) -> list[str]:
    table = next(df.value for df in at.dataframe if "Rang" in df.value.columns)
    return list(table["Område"])


def notice(at: AppTest) -> str:
    return next(w.value for w in at.warning if "områder:" in w.value)


def assess(
    at: AppTest,
    area: str,
    indicator: str,
    value: float | None,
    reason: str,
    name: str = "Anna Andersen",
    role: str = "SSP-konsulent",
) -> AppTest:
    """Fill one form as a person would and press 'Gem vurdering'."""
    at.text_input(key="assessor_name").set_value(name)
    at.text_input(key="assessor_role").set_value(role)
    at.selectbox(key="assessment_area").set_value(area)
    run(at)
    typed = "" if value is None else f"{value:g}".replace(".", ",")  # as a person types it in Danish
    at.text_input(key=f"assess_value_{area}_{indicator}").set_value(typed)
    at.text_area(key=f"assess_reason_{area}_{indicator}").set_value(reason)
    submit = at.button(key=f"assess_save_{area}_{indicator}")
    submit.click()
    return run(at)


def plain(text: str) -> str:
    """A message as a person reads it (``ui.text.md`` escapes punctuation with backslashes)."""
    return text.replace("\\", "")


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def test_assessment_reorders_ranking_and_changes_notice_counts(package: Path, tmp_path: Path) -> None:
    at = run(AppTest.from_file(APP, default_timeout=60))
    before, notice_before = ranking(at), notice(at)
    assert "0 lokale vurderinger" in notice_before

    open_view(at=at)
    assess(at, "c", "t1", 5, "Stærke, betroede indsatser: bydelsmødre og klub (møde 3.11.).")
    assert not errors(at), errors(at)
    assert any("er gemt" in s.value for s in at.success)
    assert at.text_input(key="assess_value_c_t1").value in (None, ""), "a saved form is emptied for the next one"
    assert at.text_area(key="assess_reason_c_t1").value == ""
    (entry,) = stored(tmp_path)
    assert (entry.area_id, entry.indicator_id, entry.value, entry.assessor_name) == ("c", "t1", 5.0, "Anna Andersen")

    open_view(RANKING_VIEW, at)
    dataset = load_dataset(package)
    values = dataset.values.copy()
    values.loc[(values["area_id"] == "c") & (values["indicator_id"] == "t1"), "value"] = 5.0
    _, expected = evaluate(dataclasses.replace(dataset, values=values))
    assert ranking(at) == list(expected.table["name"])
    assert ranking(at) != before, "Charlie's assessment must change the ranking"
    assert "1 lokal vurdering og" in notice(at), "one assessment is named in the singular"
    n_illustrative = lambda text: int(  # noqa: E731
        re.search(r"vurdering(?:er)? og ([\d.]+) illustrativ", text).group(1).replace(".", "")
    )
    assert n_illustrative(notice(at)) == n_illustrative(notice_before) - 1
    table = next(df.value for df in at.dataframe if "Rang" in df.value.columns)
    assert table.set_index("Område").at["Charlie", "Lokale vurderinger"] == "1 af 2 (1 vurderer)"


def test_detail_panel_lists_each_assessment_with_its_reason_as_text(package: Path) -> None:
    at = open_view()
    assess(at, "b", "n1", 4, HOSTILE)
    assess(at, "b", "n1", 2, "Anden vurdering", name="Bo Berg", role="Skoleleder")
    assert not errors(at), errors(at)
    open_view(RANKING_VIEW, at)
    assert "Bravo" in [h.value for h in at.subheader], "the area being assessed is the one the details show"
    listed = next(df.value for df in at.dataframe if "Begrundelse" in df.value.columns)
    assert set(listed["Vurderer"]) == {"Anna Andersen", "Bo Berg"}
    assert HOSTILE in set(listed["Begrundelse"]), "the reason is shown verbatim, as text"
    values = next(df.value for df in at.dataframe if "Indikator" in df.value.columns and "Type" in df.value.columns)
    assert values.set_index("Indikator").at["N1", "Type"] == "Lokal vurdering (2 vurderere, spænd 2–4)"
    assert values.set_index("Indikator").at["N1", "Værdi"] == "3 point"  # the median of 2 and 4
    rendered = [m.value for m in (*at.markdown, *at.caption, *at.error, *at.success, *at.warning, *at.info)]
    assert not any("<img" in text for text in rendered), "user text never reaches Markdown unescaped"


@pytest.mark.parametrize(
    ("value", "reason", "name", "message"),
    [
        (4, "   ", "Anna Andersen", "Begrundelsen skal udfyldes"),
        (7, "Godt begrundet", "Anna Andersen", "uden for skalaen 1–5"),
        (None, "Godt begrundet", "Anna Andersen", "Angiv en værdi"),
        (3, "Godt begrundet", "", "Vurdererens navn skal udfyldes"),
    ],
)
def test_bad_input_gets_a_danish_message_and_stores_nothing(
    package: Path, tmp_path: Path, value, reason, name, message
) -> None:
    at = open_view()
    before = ranking(open_view(RANKING_VIEW, run(AppTest.from_file(APP, default_timeout=60))))
    assess(at, "c", "t1", value, reason, name=name)
    assert any(message in e for e in errors(at)), errors(at)
    assert any("Intet er gemt" in e for e in errors(at))
    assert stored(tmp_path) == []
    assert at.text_area(key="assess_reason_c_t1").value == reason, "the user's text is kept for correction"
    assert ranking(open_view(RANKING_VIEW, at)) == before


def test_stale_save_is_refused_with_the_newer_value_and_who(package: Path, tmp_path: Path) -> None:
    first, second = open_view(), open_view()
    for at in (first, second):  # both open Bravo's forms while the value has no entry (version 0)
        at.selectbox(key="assessment_area").set_value("b")
        run(at)
    assess(first, "b", "n1", 3, "Første blik")  # first's form now stands on version 1
    at_b = assess(second, "b", "n1", 5, "Nyt fra skolen", name="Bo Berg", role="Skoleleder")
    assert any("er ændret, siden formularen" in e and "Anna Andersen" in e for e in errors(at_b))
    assess(second, "b", "n1", 5, "Nyt fra skolen", name="Bo Berg", role="Skoleleder")  # seen it: saves now
    assert not errors(second), errors(second)
    stale = assess(first, "b", "n1", 1, "Gammel formular")
    refusal = next(e for e in errors(stale) if "ændret" in e)
    assert "Bo Berg" in refusal
    assert "5" in refusal
    assert "ikke gemt" in refusal
    assert [(e.assessor_name, e.value) for e in stored(tmp_path)] == [("Anna Andersen", 3.0), ("Bo Berg", 5.0)]


def test_history_and_withdrawal_are_new_entries(package: Path, tmp_path: Path) -> None:
    at = open_view()
    assess(at, "a", "t1", 2, "Første")
    assess(at, "a", "t1", 3, "Rettet efter møde")
    expander = next(e for e in at.expander if e.label.startswith("Historik") and e.label == "Historik (2)")
    grid = expander.dataframe[0].value
    assert list(grid["Gammel → ny"]) == ["2 → 3", "– → 2"]
    assert list(grid["Begrundelse"]) == ["Rettet efter møde", "Første"]
    at.text_area(key="assess_withdraw_reason_a_t1").set_value("Jeg kender ikke området godt nok")
    at.button(key="assess_withdraw_a_t1").click()
    run(at)
    assert not errors(at), errors(at)
    entries = stored(tmp_path)
    assert [e.value for e in entries] == [2.0, 3.0, None]
    assert any(e.label == "Historik (3)" for e in at.expander)
    open_view(RANKING_VIEW, at)
    assert "0 lokale vurderinger" in notice(at), "a withdrawn assessment no longer counts"


def test_overview_matrix_shows_value_spread_and_assessors(package: Path) -> None:
    at = open_view()
    assess(at, "b", "t1", 2, "Lav")
    assess(at, "b", "t1", 4, "Høj", name="Bo Berg")
    grid = next(df.value for df in at.dataframe if "Område" in df.value.columns and "T1" in df.value.columns)
    cells = grid.set_index("Område")
    assert cells.at["Bravo", "T1"] == "3 (2–4) · 2 vurderere"
    assert cells.at["Alfa", "T1"] == "ingen vurdering"


def test_robustness_uses_the_assessors_range_and_says_so(package: Path) -> None:
    at = open_view()
    assess(at, "b", "t1", 1, "Lav")
    assess(at, "b", "t1", 5, "Høj", name="Bo Berg")
    open_view("Robusthed", at)
    at.checkbox(key="smaa_noise").check()
    run(at)
    assert any("1 værdi, hvor to eller flere vurderere er uenige" in c.value for c in at.caption)


def test_unusable_database_gives_a_danish_message_not_a_traceback(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("SELECTION_DB_URL", f"sqlite:///{broken}")
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert any("Vurderingsdatabasen kan ikke bruges" in e for e in errors(at))
    assert ranking(at) == ["Alfa", "Bravo", "Charlie"], "the ranking still shows the package's values"
    open_view(at=at)
    assert any("kan ikke" in e for e in errors(at))
    assert not at.exception
    assert broken.read_bytes() == b"this is not a database" * 100, "nothing is written over the file"


@pytest.mark.parametrize(
    "url", ["postgresql://planner:pw@[::1/selection", "postgresql+psycopg2://planner@127.0.0.1:1/x"]
)
def test_a_database_address_that_cannot_be_read_gives_a_danish_message_on_every_view(
    package: Path, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An address SQLAlchemy cannot parse, or one naming a driver that is not installed: the ranking, the
    assessments and the decision log say so in Danish (they showed a ValueError / ModuleNotFoundError)."""
    monkeypatch.setenv("SELECTION_DB_URL", url)
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert not at.exception, [e.value for e in at.exception]
    assert any("Vurderingsdatabasen kan ikke bruges" in e for e in errors(at))
    assert ranking(at) == ["Alfa", "Bravo", "Charlie"], "the ranking still shows the package's values"
    for view in ("Vurderinger", "Beslutning"):
        open_view(view, at)
        assert not at.exception, (view, [e.value for e in at.exception])
        assert not any("pw" in e for e in errors(at))


class SilentServer:
    """A TCP server that accepts connections and never answers (a database server that hangs), counting them."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.socket.accept()[0])

    def close(self) -> None:
        for conn in [*self.held, self.socket]:
            conn.close()


def test_a_database_server_that_does_not_answer_is_not_waited_for_on_every_page_run(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page run waited the connection timeout twice (roles, then assessments): a server that hangs made
    every click take 20 seconds. A failure is remembered for a while; the ranking is shown meanwhile."""
    server = SilentServer()
    try:
        monkeypatch.setenv("SELECTION_DB_URL", f"postgresql://planner@127.0.0.1:{server.port}/x?connect_timeout=1")
        at = run(AppTest.from_file(APP, default_timeout=60))
        assert any("Der kan ikke oprettes forbindelse til databaseserveren" in e for e in errors(at))
        assert ranking(at) == ["Alfa", "Bravo", "Charlie"]
        tried = len(server.held)
        assert tried >= 1
        for view in ("Vurderinger", "Beslutning", RANKING_VIEW):
            open_view(view, at)
            assert not at.exception
        assert any("Der kan ikke oprettes forbindelse til databaseserveren" in e for e in errors(at))
        assert len(server.held) == tried, "the server was asked again at once"
    finally:
        server.close()


def test_csv_says_which_values_are_local_assessments(package: Path) -> None:
    from selection.assessments import aggregate, apply_assessments, current_assessments
    from selection.output.shortlist import shortlist_table

    at = open_view()
    assess(at, "a", "n1", 4, "Høj")
    assess(at, "a", "n1", 2, "Lav", name="Bo Berg")
    engine = open_store()
    dataset = apply_assessments(load_dataset(package), aggregate(current_assessments(engine)))
    _, result = evaluate(dataset)
    table = shortlist_table(result, dataset, 3).set_index("Område-id")
    assert table.at["a", "Lokale vurderinger"] == "N1: 3,0 (2 vurderere, spænd 2,0–4,0)"
    assert table.at["b", "Lokale vurderinger"] == ""


# --------------------------------------------------------------------------- the offline sheet


def filled_csv(package: Path, fills: dict[tuple[str, str], tuple[str, str]]) -> bytes:
    """The sheet as the app offers it (Danish Excel CSV), with 'Ny værdi' and 'Begrundelse' filled per cell."""
    from selection.assessments import aggregate, current_assessments, value_versions
    from selection.assessments.sheet import assessment_sheet

    engine = open_store()
    data = assessment_sheet(
        load_dataset(package), aggregate(current_assessments(engine)), "excel-da", value_versions(engine)
    )
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        cell = (row[header.index("Område-id")], row[header.index("Indikator-id")])
        if cell in fills:
            row[header.index("Ny værdi")], row[header.index("Begrundelse")] = fills[cell]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def upload_sheet(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.text_input(key="assessor_name").set_value("Carla Clausen")
    at.text_input(key="assessor_role").set_value("Boligsocial medarbejder")
    at.get("file_uploader")[0].set_value([(name, data, mime)])
    return run(at)


def test_filled_sheet_becomes_assessments_with_the_file_as_evidence(package: Path, tmp_path: Path) -> None:
    at = open_view()
    before = ranking(open_view(RANKING_VIEW, run(AppTest.from_file(APP, default_timeout=60))))
    sheet = filled_csv(package, {("c", "t1"): ("5", "Stærke indsatser"), ("c", "n1"): ("4,5", "Højt behov")})
    upload_sheet(at, "ark.csv", sheet)
    assert not errors(at), errors(at)
    preview = next(df.value for df in at.dataframe if "Række" in df.value.columns)
    assert list(preview["Værdi"]) == ["5", "4,5"]
    assert set(preview["Vurderer"]) == {"Carla Clausen"}
    at.button(key="sheet_save").click()
    run(at)
    assert any("2 vurderinger fra ark.csv er gemt" in plain(s.value) for s in at.success)
    entries = stored(tmp_path)
    assert [(e.area_id, e.indicator_id, e.value) for e in entries] == [("c", "t1", 5.0), ("c", "n1", 4.5)]
    assert all(e.evidence.startswith("Vurderingsark: ark.csv") and e.assessor_name == "Carla Clausen" for e in entries)
    assert ranking(open_view(RANKING_VIEW, at)) != before


def test_sheet_with_an_invalid_row_saves_nothing_and_names_the_row(package: Path, tmp_path: Path) -> None:
    at = open_view()
    sheet = filled_csv(package, {("a", "t1"): ("4", "Fint"), ("b", "t1"): ("3", "   "), ("c", "n1"): ("9", "For højt")})
    upload_sheet(at, "ark.csv", sheet)
    problems = " ".join(errors(at))
    assert "intet er gemt" in problems
    assert "række 4" in problems
    assert "begrundelse" in problems
    assert "uden for skalaen" in problems
    assert not [b for b in at.button if b.key == "sheet_save"], "nothing can be saved from an invalid sheet"
    assert stored(tmp_path) == []


def test_xlsx_sheet_round_trip(package: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from selection.assessments import aggregate, current_assessments
    from selection.assessments.sheet import assessment_sheet

    data = assessment_sheet(load_dataset(package), aggregate(current_assessments(open_store())), "xlsx")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Vurderinger"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    for row in sheet.iter_rows(min_row=2):
        if (row[header.index("Område-id")].value, row[header.index("Indikator-id")].value) == ("a", "n1"):
            row[header.index("Ny værdi")].value = 2
            row[header.index("Begrundelse")].value = "Få sager"
    out = io.BytesIO()
    book.save(out)
    at = upload_sheet(
        open_view(), "ark.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert not errors(at), errors(at)
    at.button(key="sheet_save").click()
    run(at)
    assert [(e.area_id, e.indicator_id, e.value) for e in stored(tmp_path)] == [("a", "n1", 2.0)]


def test_package_without_assessment_indicators_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELECTION_DATA", str(make_package(tmp_path / "pkg")))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store" / "data"))
    at = open_view()
    assert any("ingen indikatorer som lokale vurderinger" in i.value for i in at.info)
    assert not at.number_input


def test_import_preview_ranks_the_candidate_with_the_assessments_in_use(package: Path) -> None:
    at = open_view()
    assess(at, "c", "t1", 5, "Stærke indsatser")
    open_view("Indlæs data", at)
    values = "area_id;indicator_id;value\r\na;n2;40\r\n".encode("utf-8-sig")  # the value a already has
    at.get("file_uploader")[0].set_value([("vaerdier.csv", values, "text/csv")])
    run(at)
    preview = next(df.value for df in at.dataframe if "Rang før" in df.value.columns).set_index("Område")
    assert (preview["Rang før"] == preview["Rang efter"]).all(), "an import that changes nothing moves nothing"
    assert (preview["Score før"] == preview["Score efter"]).all()


@pytest.mark.parametrize("typed", ["  anna   ANDERSEN ", "Anna\u200b Andersen"])
def test_the_assessor_is_recognised_as_the_store_recognises_them(package: Path, tmp_path: Path, typed: str) -> None:
    """Spacing, case and invisible characters do not make another person: the withdrawal is offered."""
    at = open_view()
    assess(at, "a", "t1", 2, "Første")
    at.text_input(key="assessor_name").set_value(typed)
    run(at)
    at.text_area(key="assess_withdraw_reason_a_t1").set_value("Trukket tilbage")
    at.button(key="assess_withdraw_a_t1").click()
    run(at)
    assert not errors(at), errors(at)
    assert [e.value for e in stored(tmp_path)] == [2.0, None], "the withdrawal took back the first entry"


@pytest.mark.parametrize(("typed", "stored_value"), [("3,5", 3.5), ("3.5", 3.5), (" 2,25 ", 2.25), ("4", 4.0)])
def test_a_typed_value_takes_the_danish_comma_and_the_point(package: Path, tmp_path: Path, typed, stored_value):
    """Issue 29 (11): "3,5" typed as an assessment value is 3.5, never 35 (a number field dropped the comma)."""
    at = open_view()
    at.text_input(key="assessor_name").set_value("Anna Andersen")
    at.selectbox(key="assessment_area").set_value("c")
    run(at)
    at.text_input(key="assess_value_c_t1").set_value(typed)
    at.text_area(key="assess_reason_c_t1").set_value("Set på møde")
    at.button(key="assess_save_c_t1").click()
    run(at)
    assert not errors(at), errors(at)
    assert [e.value for e in stored(tmp_path)] == [stored_value]


@pytest.mark.parametrize("typed", ["3,5,1", "tre", "1.000,5", "3;5", "nan", "1e400"])
def test_a_value_that_is_not_a_number_is_refused_in_danish_and_kept_in_the_form(package: Path, tmp_path: Path, typed):
    at = open_view()
    at.text_input(key="assessor_name").set_value("Anna Andersen")
    at.selectbox(key="assessment_area").set_value("c")
    run(at)
    at.text_input(key="assess_value_c_t1").set_value(typed)
    at.text_area(key="assess_reason_c_t1").set_value("Set på møde")
    at.button(key="assess_save_c_t1").click()
    run(at)
    assert any("Intet er gemt" in e for e in errors(at)), errors(at)
    assert stored(tmp_path) == []
    assert at.text_input(key="assess_value_c_t1").value == typed  # what was typed is kept
