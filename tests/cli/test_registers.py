"""``python -m selection initiatives|actors list|export|import|history``: each subcommand, Danish errors, exit
codes, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from selection.cli.main import main
from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.registers import store
from selection.registers.exchange import ACTOR_COLUMNS, INITIATIVE_COLUMNS
from selection.storage.database import open_store
from tests.support.factory import REPO

DATA = str(BUNDLED_DATA_DIR)
AREAS = load_dataset(BUNDLED_DATA_DIR).area_ids[:2]


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    address = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("SELECTION_DB_URL", address)
    monkeypatch.delenv("SELECTION_READ_ONLY", raising=False)
    return address


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--data", DATA])
    out, err = capsys.readouterr()
    return code, out, err


def initiative_file(tmp_path: Path, *rows: str, name: str = "indsatser.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([";".join(INITIATIVE_COLUMNS), *rows]) + "\r\n").encode("utf-8-sig"))
    return path


GOOD = f";{AREAS[0]}, {AREAS[1]};Bydelsmødre;Bydelsmødre;Civilsamfund;kvinder;01-03-2021;;Aktiv;direct;attendance;" + (
    "Fremmødelister;Årsrapport 2024;verified;Anna;Kendt fra møde"
)


def test_import_list_export_and_history_of_initiatives(url, capsys, tmp_path):
    code, out, err = cli(capsys, "initiatives", "list")
    package = out.splitlines()  # the package's own records, version 0, by "datapakken"
    assert code == 0
    assert package
    assert all(line.endswith("\tdatapakken") for line in package)
    code, out, err = cli(capsys, "initiatives", "import", str(initiative_file(tmp_path, GOOD)), "--user", "Anna")
    assert code == 0, err
    assert "Linje 2: ny indsats i-000001" in out
    assert "1 nye, 0 ændrede, 0 uændrede" in out
    code, out, _ = cli(capsys, "initiatives", "list")
    assert set(out.splitlines()) - set(package) == {
        f"i-000001\tBydelsmødre\tBydelsmødre\t{AREAS[0]}, {AREAS[1]}\tversion 1"
    }
    target = tmp_path / "ud.xlsx"
    code, _, err = cli(capsys, "initiatives", "export", "--out", str(target))
    assert code == 0, err
    assert f"Skrev {len(package) + 1} indsatser til" in err
    assert target.read_bytes().startswith(b"PK")
    code, _, err = cli(capsys, "initiatives", "export", "--out", str(target))
    assert code == 2
    assert "findes allerede" in err
    csv_out = tmp_path / "ud.csv"
    code, _, err = cli(capsys, "initiatives", "export", "--out", str(csv_out), "--overwrite")
    assert code == 0, err
    code, out, err = cli(capsys, "initiatives", "import", str(csv_out))  # the round trip changes nothing
    assert code == 0, err
    assert f"0 nye, 0 ændrede, {len(package) + 1} uændrede" in out  # the package's records too
    changed = csv_out.read_bytes().decode("utf-8-sig").replace("Kendt fra møde", "Set ved besøg")
    csv_out.write_bytes(changed.encode("utf-8-sig"))
    code, out, err = cli(capsys, "initiatives", "import", str(csv_out), "--reason", "Besøg i maj")
    assert "i-000001 ændret (version 2)" in out
    code, out, _ = cli(capsys, "initiatives", "history", "i-000001")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Bydelsmødre (i-000001)"
    assert "version 1:" in lines[1]
    assert "registreret, gemt af Anna" in lines[1]
    assert "version 2:" in lines[2]
    assert lines[2].endswith("ændret, gemt af " + lines[2].split("gemt af ")[1].split(" – ")[0] + " – Besøg i maj")


def test_export_to_standard_output_and_format_checks(url, capsys, tmp_path):
    cli(capsys, "initiatives", "import", str(initiative_file(tmp_path, GOOD)))
    code = main(["initiatives", "export", "--data", DATA])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].lstrip("\ufeff") == ";".join(INITIATIVE_COLUMNS)
    code = main(["initiatives", "export", "--data", DATA, "--format", "xlsx", "--out", str(tmp_path / "x.csv")])
    assert code == 2
    assert "passer ikke til filnavnet" in capsys.readouterr().err


def test_actors_import_list_and_history(url, capsys, tmp_path):
    path = tmp_path / "aktører.csv"
    row = f";Skole;Alfa Skole;12,5;55,6;{AREAS[0]};Distriktsskole;Forpligtet;Vil være med;Møde;ja;Temadage;" + (
        "Møde;verified;;"
    )
    path.write_bytes(("\r\n".join([";".join(ACTOR_COLUMNS), row]) + "\r\n").encode("utf-8-sig"))
    code, out, err = cli(capsys, "actors", "import", str(path))
    assert code == 0, err
    assert "ny aktør a-000001" in out
    code, out, _ = cli(capsys, "actors", "list")
    assert [line for line in out.splitlines() if line.startswith("a-000001\tAlfa Skole\tSkole\t")]
    code, out, _ = cli(capsys, "actors", "history", "a-000001")
    assert "version 1:" in out
    engine = open_store(url)
    try:
        [entry] = store.current_actors(engine)
        assert (entry.record.motivation, entry.record.lon) == ("committed", 12.5)
    finally:
        engine.dispose()


def test_errors_are_danish_with_exit_code_2_and_nothing_stored(url, capsys, tmp_path, monkeypatch):
    bad = initiative_file(tmp_path, GOOD, GOOD.replace(";Bydelsmødre;Bydelsmødre;", ";Anden;bydelsmor;"))
    code, out, err = cli(capsys, "initiatives", "import", str(bad))
    assert code == 2
    assert err.startswith("FEJL: Filen kan ikke indlæses (1 problem): Linje 3:")
    assert "Mente du 'Bydelsmødre'?" in err
    assert "Intet er gemt." in err
    code, out, _ = cli(capsys, "initiatives", "list")
    assert "i-000001" not in out
    code, _, err = cli(capsys, "initiatives", "history", "i-000042")
    assert (code, err.strip()) == (2, "FEJL: Der er ingen indsats med id 'i-000042'.")
    pdf = tmp_path / "liste.pdf"
    pdf.write_bytes(b"%PDF")
    code, _, err = cli(capsys, "actors", "import", str(pdf))
    assert code == 2
    assert "filtypen '.pdf' kan ikke indlæses" in err
    code, _, err = cli(capsys, "initiatives", "import", str(tmp_path / "findes-ikke.csv"))
    assert code == 2
    assert "FEJL:" in err
    monkeypatch.setenv("SELECTION_READ_ONLY", "1")
    code, _, err = cli(capsys, "initiatives", "import", str(initiative_file(tmp_path, GOOD, name="ok.csv")))
    assert code == 2
    assert "skrivebeskyttet" in err
    assert "Traceback" not in err


def test_hostile_text_never_reaches_the_terminal_raw(url, capsys, tmp_path):
    hostile = GOOD.replace(";Bydelsmødre;Bydelsmødre;", ";Klub;\x1b[2J\x07hacked;")
    code, out, err = cli(capsys, "initiatives", "import", str(initiative_file(tmp_path, hostile)))
    assert code == 2
    assert "Linje 2" in err
    assert "\x1b" not in err + out
    assert "\x07" not in err + out
    assert "\ufffd" in err


def test_the_command_runs_as_a_program_without_a_traceback(url, tmp_path):
    env = {**os.environ, "SELECTION_DB_URL": url}
    out = subprocess.run(
        [sys.executable, "-m", "selection", "actors", "import", str(tmp_path / "nej.xls"), "--data", DATA],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 2
    err = out.stderr.decode()
    assert "gamle format (.xls)" in err
    assert "Traceback" not in err
