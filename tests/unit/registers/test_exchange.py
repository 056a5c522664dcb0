"""The registers' files: export and import as Danish-Excel CSV and XLSX (round trip without new versions),
problems by line, all or none, formulas neutralised, big and wrong files refused before being read."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from selection.registers import exchange, store
from selection.registers.model import RegisterError
from selection.registers.vocabulary import load_vocabulary
from selection.storage.database import open_store
from tests.support.databases import AREA_IDS, MODEL
from tests.support.factory import ADMIN

VOCABULARY = load_vocabulary()
SECTORS = MODEL.sector_labels


@pytest.fixture
def engine(tmp_path: Path):
    eng = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield eng
    eng.dispose()


def initiative(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "area_ids": ["a", "b"],
        "name": "Bydelsmødre i Alfa",
        "type": "bydelsmoedre",
        "operator": "civilsamfund",
        "target_groups": ["kvinder", "foraeldre"],
        "start": date(2021, 3, 1),
        "end": None,
        "status": "aktiv",
        "relevance": "direct",
        "trust_evidence": "attendance",
        "evidence_text": "Fremmødelister; 2023-24\nlinje 2",
        "source": "Årsrapport 2024",
        "verification": "verified",
        "recorded_by": "Anna",
        "reason": "Kendt fra møde",
    }
    raw.update(changes)
    return raw


def actor(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "sector": "school",
        "name": "Alfa Skole",
        "lon": 12.568312,
        "lat": 55.676098,
        "area_ids": ["a"],
        "relation": "Distriktsskole",
        "motivation": "committed",
        "motivation_reason": "Skoleleder vil være med",
        "learned_via": "meeting",
        "nsk_competence": True,
        "competence_text": "Temadage 2024",
        "source": "Møde 3. maj",
        "verification": "unverified",
    }
    raw.update(changes)
    return raw


def fill(engine) -> None:
    store.record_initiative(engine, ADMIN, VOCABULARY, AREA_IDS, initiative())
    store.record_initiative(
        engine,
        ADMIN,
        VOCABULARY,
        AREA_IDS,
        initiative(
            name='=HYPERLINK("http://x")',
            type="lektiecafe",
            area_ids=["c"],
            target_groups=[],
            status="afsluttet",
            start=None,
            end=date(2024, 6, 30),
            trust_evidence="none",
            evidence_text="",
        ),
    )
    store.record_actor(engine, ADMIN, VOCABULARY, list(SECTORS), AREA_IDS, actor())
    store.record_actor(
        engine,
        ADMIN,
        VOCABULARY,
        list(SECTORS),
        AREA_IDS,
        actor(
            name="@Klubben",
            sector="club",
            lon=None,
            lat=None,
            area_ids=["b", "c"],
            motivation="unknown",
            motivation_reason="",
            learned_via="",
            nsk_competence=False,
        ),
    )


def versions(engine) -> int:
    return sum(len(store.initiative_history(engine, e.id)) for e in store.current_initiatives(engine)) + sum(
        len(store.actor_history(engine, e.id)) for e in store.current_actors(engine)
    )


def test_the_csv_is_for_danish_excel_with_danish_headers_and_no_formulas(engine):
    fill(engine)
    data = exchange.export_initiatives(store.current_initiatives(engine), VOCABULARY)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(exchange.INITIATIVE_COLUMNS)
    assert "i-000001;a, b;Bydelsmødre i Alfa;Bydelsmødre;" in text
    assert "2021-03-01" in text
    assert ';"\'=HYPERLINK(""http' in text  # quoted (it holds quotes), never a formula
    actors = exchange.export_actors(store.current_actors(engine), VOCABULARY, SECTORS).decode("utf-8-sig")
    assert actors.splitlines()[0] == ";".join(exchange.ACTOR_COLUMNS)
    assert ";12,568312;55,676098;" in actors
    assert ";'@Klubben;" in actors
    assert ";ja;" in actors
    assert ";nej;" in actors


@pytest.mark.parametrize(("fmt", "suffix"), [("excel-da", "csv"), ("xlsx", "xlsx")])
def test_a_round_trip_gives_the_same_records_and_no_new_versions(engine, fmt, suffix):
    fill(engine)
    before = (store.current_initiatives(engine), store.current_actors(engine), versions(engine))
    data = exchange.export_initiatives(before[0], VOCABULARY, fmt)
    outcome = exchange.import_initiatives(engine, ADMIN, VOCABULARY, AREA_IDS, data, name=f"indsatser.{suffix}")
    assert (outcome.added, outcome.changed, outcome.unchanged) == ([], [], [2, 3])
    data = exchange.export_actors(before[1], VOCABULARY, SECTORS, fmt)
    outcome = exchange.import_actors(engine, ADMIN, VOCABULARY, SECTORS, AREA_IDS, data, name=f"aktører.{suffix}")
    assert (outcome.added, outcome.changed, outcome.unchanged) == ([], [], [2, 3])
    assert (store.current_initiatives(engine), store.current_actors(engine), versions(engine)) == before


def test_the_xlsx_has_the_headers_numbers_and_neutralised_text(engine):
    fill(engine)
    data = exchange.export_actors(store.current_actors(engine), VOCABULARY, SECTORS, "xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "Aktører"
    assert [c.value for c in ws[1]] == list(exchange.ACTOR_COLUMNS)
    assert ws["D2"].value == 12.568312
    assert ws["C3"].value == "'@Klubben"


def test_import_adds_and_changes_records_by_labels_ids_and_danish_dates(engine):
    fill(engine)
    head = ";".join(exchange.INITIATIVE_COLUMNS)
    rows = [
        head,
        ";c;Ny ungeklub;Klub for unge (14–23 år);Kommune;unge, Forældre;01-08-2025;;Aktiv;indirect;"
        "Operatørens eget udsagn;Klubbens egen opgørelse;Klubben;Ikke verificeret;Bo;Ny",
        "i-000001;a, b;Bydelsmødre i Alfa;bydelsmoedre;civilsamfund;kvinder;2021-03-01;;aktiv;direct;"
        "attendance;Lister;Årsrapport 2024;verified;Anna;Kendt",
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")
    outcome = exchange.import_initiatives(
        engine, ADMIN, VOCABULARY, AREA_IDS, data, name="ny.csv", change_reason="Opdateret liste"
    )
    assert outcome.added == [(2, "i-000003", 1)]
    assert outcome.changed == [(3, "i-000001", 2)]
    new = store.initiative_history(engine, "i-000003")[0].record
    assert (new.type, new.operator, new.target_groups, new.start) == (
        "ungeklub",
        "kommune",
        ("unge", "foraeldre"),
        date(2025, 8, 1),
    )
    changed = store.initiative_history(engine, "i-000001")[-1]
    assert (changed.change_reason, changed.record.target_groups) == ("Opdateret liste", ("kvinder",))


def test_every_problem_is_listed_by_line_and_nothing_is_stored(engine):
    fill(engine)
    before = versions(engine)
    head = ";".join(exchange.INITIATIVE_COLUMNS)
    rows = [
        head,
        ";a;God;lektiecafe;kommune;;;;aktiv;none;none;;Kilde;verified;;",
        ";a;Forkert type;bydelsmor;kommune;;;;aktiv;none;none;;Kilde;verified;;",
        ";zz;Ukendt område;lektiecafe;kommune;;;;aktiv;none;none;;Kilde;verified;;",
        ";a;Dato;lektiecafe;kommune;;31-02-2024;;aktiv;none;none;;Kilde;verified;;",
        ";a, b;bydelsmødre i alfa;bydelsmoedre;kommune;;;;aktiv;none;none;;Kilde;verified;;",
        "i-000099;a;Findes ikke;lektiecafe;kommune;;;;aktiv;none;none;;Kilde;verified;;",
        ";a;Slut før start;lektiecafe;kommune;;2024-05-01;2024-01-01;afsluttet;none;none;;Kilde;verified;;",
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")
    with pytest.raises(store.RegisterImportError) as err:
        exchange.import_initiatives(engine, ADMIN, VOCABULARY, AREA_IDS, data, name="fejl.csv")
    lines = sorted(int(p.split(":")[0].split()[1].rstrip(",")) for p in err.value.problems)
    assert lines == [3, 4, 5, 6, 7, 8]
    message = str(err.value)
    assert "Mente du 'Bydelsmødre'" in message
    assert "zz findes ikke" in message
    assert "'31-02-2024' er ikke en dato" in message
    assert "findes allerede" in message
    assert "ingen indsats med id 'i-000099'" in message
    assert "ligger før start" in message
    assert message.endswith("Intet er gemt.")
    assert versions(engine) == before
    assert len(store.current_initiatives(engine)) == 2


def test_actor_problems_coordinates_yes_no_and_sector_by_label(engine):
    head = ";".join(exchange.ACTOR_COLUMNS)
    good = ";Skole;Beta Skole;12,5;55,6;b;;;;;ja;;Kilde;verified;;"
    rows = [
        head,
        good,
        ";skole;Gamma;12,5,3;55,6;c;;;;;måske;;Kilde;verified;;",
        ";ukendt sektor;Delta;;;c;;;;;nej;;Kilde;verified;;",
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")
    with pytest.raises(store.RegisterImportError) as err:
        exchange.import_actors(engine, ADMIN, VOCABULARY, SECTORS, AREA_IDS, data, name="a.csv")
    message = str(err.value)
    assert "Linje 3, kolonne 'længdegrad'" in message
    assert "skriv 'ja' eller 'nej'" in message
    assert "Linje 4" in message
    assert "Sektor" in message
    assert store.current_actors(engine) == []
    ok = ("\r\n".join([head, good]) + "\r\n").encode("utf-8-sig")
    outcome = exchange.import_actors(engine, ADMIN, VOCABULARY, SECTORS, AREA_IDS, ok, name="a.csv")
    assert outcome.added == [(2, "a-000001", 1)]
    [entry] = store.current_actors(engine)
    assert (entry.record.sector, entry.record.lon, entry.record.nsk_competence) == ("school", 12.5, True)


def test_unknown_and_missing_columns_are_named(engine):
    data = "id;navn;farve\r\n;X;rød\r\n".encode()
    with pytest.raises(RegisterError, match=r"Kolonne 3 \('farve'\) er ukendt.*mangler: områder, type"):
        exchange.import_initiatives(engine, ADMIN, VOCABULARY, AREA_IDS, data, name="x.csv")


@pytest.mark.parametrize(
    ("name", "words"),
    [("liste.xls", "gamle format"), ("liste.pdf", "filtypen '.pdf'"), ("liste", "filtypen '\\(ingen\\)'")],
)
def test_a_wrong_file_type_is_refused(engine, name, words):
    with pytest.raises(RegisterError, match=words):
        exchange.import_initiatives(engine, ADMIN, VOCABULARY, AREA_IDS, (name, b"id;navn\n"))


def test_a_100_mb_file_is_refused_before_it_is_read(engine, tmp_path, monkeypatch):
    big = tmp_path / "stor.csv"
    with open(big, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(RegisterError, match="Filen er for stor"):
        exchange.import_initiatives(engine, ADMIN, VOCABULARY, AREA_IDS, big)
    assert read == []


def test_an_empty_or_garbled_workbook_is_refused(engine):
    with pytest.raises(RegisterError, match="Intet er gemt"):
        exchange.import_initiatives(engine, ADMIN, VOCABULARY, AREA_IDS, ("x.xlsx", b"PK\x03\x04garbage"))
    with pytest.raises(RegisterError, match="tom"):
        exchange.import_initiatives(engine, ADMIN, VOCABULARY, AREA_IDS, ("x.csv", b""))
    with pytest.raises(RegisterError, match="Ukendt format"):
        exchange.export_initiatives([], VOCABULARY, "pdf")
