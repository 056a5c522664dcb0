"""The view 'Registre' in the page (AppTest): a planner records and changes initiatives, a reader only reads,
and the register rule's value is shown per area (for information). The registers' own rules are tested in
tests/registers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.access import Actor, cli_identity
from selection.registers import store
from selection.registers.vocabulary import load_vocabulary
from selection.storage.database import open_store
from tests.app.test_assessments import APP, plain, run
from tests.support.factory import make_package
from ui import state

PLANNER = Actor(cli_identity("Planlægger Pia"))
HOSTILE = "**fed** [klik](http://evil.example) <b>x</b>"


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store" / "data"))
    for name in ("SELECTION_DB_URL", "SELECTION_READ_ONLY", "SELECTION_LOCAL_ROLE", "SELECTION_ADMIN"):
        monkeypatch.delenv(name, raising=False)
    return folder


def engine_for(tmp_path: Path):
    return open_store(f"sqlite:///{tmp_path / 'store' / 'data'}.sqlite")


def registers_view() -> AppTest:
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.segmented_control(key=state.VIEW.name).set_value("Registre")
    return run(at)


def field(form: str, name: str) -> str:
    return state.register_key(form, name).name


def texts(at: AppTest) -> str:
    parts = [e.value for e in [*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.error]]
    return plain("\n".join(str(p) for p in parts))


def press(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    button.click()
    return run(at)


def fill_new(at: AppTest, name: str = "Bydelsmødre i Alfa", start: date | None = None, end: date | None = None):
    form = "new_i"
    at.multiselect(key=field(form, "areas")).set_value(["a"])
    at.text_input(key=field(form, "name")).input(name)
    at.selectbox(key=field(form, "type")).set_value("bydelsmoedre")
    at.selectbox(key=field(form, "operator")).set_value(at.selectbox(key=field(form, "operator")).options[0])
    at.selectbox(key=field(form, "status")).set_value("aktiv")
    at.selectbox(key=field(form, "relevance")).set_value("direct")
    at.selectbox(key=field(form, "evidence")).set_value("attendance")
    at.text_area(key=field(form, "evidence_text")).input("Fremmødelister 2023-2025")
    at.text_input(key=field(form, "source")).input("Helhedsplanens årsrapport")
    at.selectbox(key=field(form, "verification")).set_value("verified")
    if start is not None:
        at.date_input(key=field(form, "start")).set_value(start)
    if end is not None:
        at.date_input(key=field(form, "end")).set_value(end)
    return press(at, "Registrér indsatsen")


def three_years_ago() -> date:
    today = date.today()
    return today.replace(year=today.year - 3, day=min(today.day, 28))


def test_a_planner_adds_an_initiative_and_sees_it_with_the_value_the_rule_computes(package: Path, tmp_path: Path):
    at = fill_new(registers_view(), start=three_years_ago())
    assert not at.error, [e.value for e in at.error]
    shown = texts(at)
    assert "Indsatsen 'Bydelsmødre i Alfa' er registreret (i-000001, version 1)." in shown
    table = next(df.value for df in at.dataframe if "Navn" in df.value.columns and "Områder" in df.value.columns)
    row = table.iloc[0]
    assert (row["Navn"], row["Områder"], row["Type"], row["Status"]) == (
        "Bydelsmødre i Alfa",
        "Alfa",
        "Bydelsmødre",
        "Aktiv",
    )
    assert row["Version"] == 1
    assert row["Verifikation"] == "Verificeret i kilde"
    assert len(at.get("download_button")) == 2  # CSV for Danish Excel and XLSX
    at.selectbox(key=state.REGISTER_AREA.name).set_value("a")
    shown = texts(run(at))
    # evidence 2 + two years running 2 + direct relevance 2 = 6 of 3 × 7: 1 + 4 × 6 / 21 = 2.1
    assert "Tillid beregnet fra registret: 2,1 (beregnet fra 1 registrering (1 kildebelagt))" in shown
    assert "rangeringen bruger endnu datapakkens værdi" in shown
    assert "Historik: Bydelsmødre i Alfa" in plain("\n".join(s.value for s in at.subheader))
    (entry,) = store.current_initiatives(engine_for(tmp_path))
    assert entry.record.area_ids == ("a",)
    assert entry.record.trust_evidence == "attendance"


def test_an_end_before_the_start_is_refused_in_danish_and_nothing_is_stored(package: Path, tmp_path: Path):
    at = fill_new(registers_view(), start=date(2025, 5, 1), end=date(2024, 5, 1))
    message = " ".join(plain(e.value) for e in at.error)
    assert "Slut (2024-05-01) ligger før start (2025-05-01)." in message
    assert "Intet er gemt." in message
    assert store.current_initiatives(engine_for(tmp_path)) == []


def test_a_change_needs_a_reason(package: Path, tmp_path: Path):
    at = fill_new(registers_view())
    assert not at.error
    form = "edit_i-000001_1"
    at.text_input(key=field(form, "name")).input("Bydelsmødre i Alfa og omegn")
    at = press(at, "Gem ændringen")
    assert any("Årsagen til ændringen" in plain(e.value) for e in at.error), [e.value for e in at.error]
    assert [e.version for e in store.initiative_history(engine_for(tmp_path), "i-000001")] == [1]
    at.text_area(key=field(form, "change_reason")).input("Navnet er rettet efter mødet")
    at = press(at, "Gem ændringen")
    assert not at.error, [e.value for e in at.error]
    history = store.initiative_history(engine_for(tmp_path), "i-000001")
    assert [(e.version, e.change_reason) for e in history] == [(1, ""), (2, "Navnet er rettet efter mødet")]


def test_a_reader_sees_the_registers_but_no_form(package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    store.record_initiative(
        engine_for(tmp_path),
        PLANNER,
        load_vocabulary(),
        ["a", "b", "c"],
        {
            "area_ids": ["b"],
            "name": "Lektiecafé Bravo",
            "type": "lektiecafe",
            "operator": next(iter(load_vocabulary()["operators"].labels)),
            "status": "aktiv",
            "relevance": "indirect",
            "trust_evidence": "none",
            "source": "Skolens hjemmeside",
            "verification": "unverified",
        },
    )
    monkeypatch.setenv("SELECTION_LOCAL_ROLE", "Læser")
    at = registers_view()
    assert "Kun en planlægger eller en administrator kan registrere og rette." in texts(at)
    assert any("Lektiecafé Bravo" in list(df.value.get("Navn", [])) for df in at.dataframe)
    labels = {b.label for b in at.button}
    assert not labels & {"Registrér indsatsen", "Gem ændringen", "Træk tilbage", "Indlæs filen"}
    assert not [w for w in [*at.text_input, *at.text_area, *at.multiselect] if str(w.key).startswith("reg_")]
    assert not at.get("download_button")


def test_hostile_text_is_shown_literally(package: Path, tmp_path: Path):
    at = fill_new(registers_view(), name=HOSTILE, start=three_years_ago())
    assert not at.error, [e.value for e in at.error]
    at.selectbox(key=state.REGISTER_AREA.name).set_value("a")
    at = run(at)
    shown = [str(e.value) for e in [*at.markdown, *at.success, *at.subheader]]
    with_name = [s for s in shown if "fed" in s]
    assert with_name, shown
    for text in with_name:
        assert "**fed**" not in text, text
        assert "](http" not in text, text
        assert "<b>" not in text, text
    table = next(df.value for df in at.dataframe if "Navn" in df.value.columns and "Områder" in df.value.columns)
    assert table.iloc[0]["Navn"] == HOSTILE


def test_a_change_made_by_someone_else_meanwhile_is_a_conflict_in_danish(package: Path, tmp_path: Path):
    at = fill_new(registers_view())
    form = "edit_i-000001_1"
    at.text_input(key=field(form, "name")).input("Mit navn")
    at.text_area(key=field(form, "change_reason")).input("Min rettelse")
    engine = engine_for(tmp_path)
    (entry,) = store.current_initiatives(engine)
    raw = {**vars(entry.record), "start": entry.record.start, "name": "Andens navn"}
    store.record_initiative(
        engine, PLANNER, load_vocabulary(), ["a", "b", "c"], raw, record_id="i-000001", change_reason="Rettet"
    )
    at = press(at, "Gem ændringen")
    message = " ".join(plain(e.value) for e in at.error)
    assert "er ændret af Planlægger Pia" in message, message
    assert "Intet er gemt." in message
    assert [e.record.name for e in store.initiative_history(engine, "i-000001")] == [
        "Bydelsmødre i Alfa",
        "Andens navn",
    ]
