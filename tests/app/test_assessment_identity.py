"""Who an assessment belongs to, in the page (issue 29, class 2): the sign-in, never a cell or a name claim.

A sheet naming a colleague is saved as recorded on behalf of the colleague (both names shown) and leaves the
colleague's own value in force; two signed-in people with the same name claim stay two assessors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.assessments import current_assessments
from selection.storage.database import open_store
from tests.app.test_assessments import (
    APP,
    assess,
    errors,
    filled_csv,
    open_view,
    package,  # noqa: F401 (the fixture)
    plain,
    run,
    stored,
)

pytestmark = pytest.mark.usefixtures("package")


@pytest.fixture
def folder(package: Path) -> Path:  # noqa: F811 (the imported fixture)
    return package


ISSUER = "http://localhost:1"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-used-here",
    "client_id": "app",
    "client_secret": "not-used-here",
    "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration",
}


def named(sheet: bytes, name: str) -> bytes:
    """The sheet with 'Vurderers navn' filled in every row that has a value."""
    rows = list(csv.reader(io.StringIO(sheet.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("Ny værdi")]:
            row[header.index("Vurderers navn")] = name
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def upload(at: AppTest, data: bytes) -> AppTest:
    at.get("file_uploader")[0].set_value([("ark.csv", data, "text/csv")])
    return run(at)


def in_force() -> list[tuple[str, float, str]]:
    frame = current_assessments(open_store())
    return sorted(zip(frame["assessor_name"], frame["value"], frame["assessor_shown"], strict=True))


def signed_in(subject: str, name: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SELECTION_UNKNOWN_ROLE", "Planlægger")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "sub": subject, "iss": ISSUER, "name": name}
    return open_view(at=run(at))


def save_signed_in(at: AppTest, value: str, reason: str) -> AppTest:
    """'Gem vurdering' on Charlie's T1 as a signed-in person (no name to type: it is the sign-in's)."""
    at.selectbox(key="assessment_area").set_value("c")
    run(at)
    at.text_input(key="assess_value_c_t1").set_value(value)
    at.text_area(key="assess_reason_c_t1").set_value(reason)
    at.button(key="assess_save_c_t1").click()
    return run(at)


def test_a_sheet_naming_a_colleague_is_recorded_on_their_behalf_and_keeps_their_value(
    folder: Path, tmp_path: Path
) -> None:
    at = open_view()
    assess(at, "c", "t1", 4, "Mit eget blik", name="Bo Berg")  # Bo's own value
    at.text_input(key="assessor_name").set_value("Anna Andersen")  # Anna at the same machine, later
    run(at)
    upload(at, named(filled_csv(folder, {("c", "t1"): ("1", "Fra et papirark")}), "Bo Berg"))
    assert not errors(at), errors(at)
    warned = " ".join(plain(w.value) for w in at.warning)
    assert "registreret af Anna Andersen på vegne af Bo Berg" in warned
    preview = next(df.value for df in at.dataframe if "Række" in df.value.columns)
    assert list(preview["Registreret af"]) == ["Anna Andersen"]
    at.button(key="sheet_save").click()
    run(at)
    assert not errors(at), errors(at)
    assert in_force() == [
        ("Bo Berg", 1.0, "Bo Berg (registreret af Anna Andersen)"),
        ("Bo Berg", 4.0, "Bo Berg"),  # Bo's own value was not replaced
    ]
    (mine, behalf) = stored(tmp_path)
    assert (behalf.on_behalf, behalf.recorded_by, behalf.actor_subject) == (True, "Anna Andersen", "Anna Andersen")
    assert not mine.on_behalf
    at.selectbox(key="assessment_area").set_value("c")
    run(at)
    shown = " ".join(plain(c.value) for c in at.caption)
    assert "Bo Berg (registreret af Anna Andersen): 1" in shown, "the form's 'now' line names both"
    history = next(e for e in at.expander if e.label == "Historik (2)").dataframe[0].value
    assert set(history["Vurderer"]) == {"Bo Berg", "Bo Berg (registreret af Anna Andersen)"}


def test_two_signed_in_people_with_the_same_name_claim_stay_two_assessors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = signed_in("sub-1", "Anna Hansen", monkeypatch)
    save_signed_in(first, "2", "Første Anna")
    assert not errors(first), errors(first)
    second = signed_in("sub-2", "Anna Hansen", monkeypatch)
    save_signed_in(second, "5", "Anden Anna")
    assert not errors(second), errors(second)
    values = sorted(current_assessments(open_store())["value"])
    assert values == [2.0, 5.0], "the second Anna did not replace the first one's value"
    assert {e.actor_subject for e in stored(tmp_path)} == {"sub-1", "sub-2"}


def test_a_signed_in_planners_sheet_naming_someone_else_does_not_write_as_them(
    monkeypatch: pytest.MonkeyPatch, folder: Path, tmp_path: Path
) -> None:
    bo = signed_in("sub-bo", "Bo Berg", monkeypatch)
    save_signed_in(bo, "4", "Mit eget blik")
    anna = signed_in("sub-anna", "Anna Hansen", monkeypatch)
    upload(anna, named(filled_csv(folder, {("c", "t1"): ("1", "Skrevet af Anna")}), "Bo Berg"))
    anna.button(key="sheet_save").click()
    run(anna)
    assert not errors(anna), errors(anna)
    assert in_force() == [("Bo Berg", 1.0, "Bo Berg (registreret af Anna Hansen)"), ("Bo Berg", 4.0, "Bo Berg")]
    behalf = stored(tmp_path)[-1]
    assert (behalf.actor_subject, behalf.on_behalf) == ("sub-anna", True)
