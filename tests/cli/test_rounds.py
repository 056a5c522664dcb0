"""``python -m selection round list|new|invite|import|result|reveal|close`` end to end on a temporary SQLite
database: the invitation link, paper answers in, the result out, anonymity, and Danish refusals (exit 2)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from selection.cli import rounds as cli_rounds
from selection.cli.main import main
from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.rounds import store
from selection.scenarios import parse_settings
from selection.scenarios import saved as scenarios
from selection.storage.database import open_store
from tests.support.factory import ADMIN, REPO

DATA = str(BUNDLED_DATA_DIR)
NAMES = ("Anna Hansen", "Bo Berg", "Carla Ø")


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    """A temporary SQLite database for every command (as $SELECTION_DB_URL names it)."""
    found = f"sqlite:///{tmp_path / 'runder.sqlite'}"
    monkeypatch.setenv("SELECTION_DB_URL", found)
    monkeypatch.delenv("SELECTION_USER", raising=False)
    monkeypatch.delenv("SELECTION_READ_ONLY", raising=False)
    return found


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def answers_file(tmp_path: Path, *names: str, name: str = "svar.csv") -> Path:
    lines = ["Navn;Tillidsfulde indsatser;Motiverede aktører;need;Begrundelse"]
    lines += [f"{who};{1 + i};1,5;{3 - i};Svar fra mødet" for i, who in enumerate(names)]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def test_a_named_round_from_opening_to_closing(url, capsys, tmp_path):
    code, out, err = cli(capsys, "round", "list")
    assert (code, err) == (0, "")
    assert "ingen vægtningsrunder" in out

    code, out, err = cli(capsys, "round", "new", "--name", "Styregruppen marts", "--data", DATA, "--user", "Mødeleder")
    assert code == 0, err
    assert "Åbnede vægtningsrunde nr. 1: Styregruppen marts" in out
    assert "datapakkens standardindstillinger" in out

    code, out, err = cli(
        capsys, "round", "invite", "1", "--name", "Anna Hansen", "--days", "7", "--base-url", "https://app.example.dk/"
    )
    assert code == 0, err
    link = out.strip().splitlines()[-1]
    assert link.startswith("https://app.example.dk/?deltag=")
    engine = open_store(url)
    try:
        seat = store.seat_for_code(engine, link.split("deltag=", 1)[1])  # the printed code works
        assert (seat.round.id, seat.number) == (1, 1)
    finally:
        engine.dispose()

    code, out, err = cli(capsys, "round", "import", "Styregruppen MARTS", str(answers_file(tmp_path, *NAMES)))
    assert code == 0, err
    assert "Indlæste 3 svar i runde nr. 1" in out
    assert "Anna Hansen: svar version 1" in out  # Anna was invited: her seat, not a new one
    assert "Carla Ø: svar version 1" in out

    code, out, _ = cli(capsys, "round", "list")
    fields = out.strip().split("\t")
    assert fields[:5] == ["1", "Styregruppen marts", "åben", "med navne", "3/3 har svaret"]
    assert "Mødeleder" in fields[5]

    target = tmp_path / "resultat.csv"
    code, out, err = cli(capsys, "round", "result", "1", "--out", str(target), "--method", "median")
    assert code == 0, err
    assert "endnu ikke vist for gruppen" in err
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    header = rows[rows.index([]) + 1]
    assert header[4:] == [*NAMES, "Nr. 1 for antal deltagere"]
    assert dict(r for r in rows[: rows.index([])] if len(r) == 2)["Resultat"] == out.strip()

    code, _, err = cli(capsys, "round", "result", "1", "--out", str(target))
    assert code == 2
    assert "findes allerede" in err  # never replaced without --overwrite

    assert cli(capsys, "round", "reveal", "1")[1].count("er nu vist for gruppen") == 1
    assert "var allerede vist" in cli(capsys, "round", "reveal", "1")[1]
    xlsx = tmp_path / "resultat.xlsx"
    code, _, err = cli(capsys, "round", "result", "1", "--out", str(xlsx))
    assert code == 0, err
    assert "endnu ikke vist" not in err
    sheet = openpyxl.load_workbook(xlsx)["Resultat"]
    assert [c.value for c in sheet[1]][4:7] == list(NAMES)

    code, out, err = cli(capsys, "round", "close", "1")
    assert code == 0, err
    assert "er lukket" in out
    code, out, err = cli(capsys, "round", "import", "1", str(answers_file(tmp_path, "Dorte")))
    assert code == 2
    assert err == "FEJL: Runden 'Styregruppen marts' er lukket; den kan ikke ændres. Intet er gemt.\n"
    code, _, err = cli(capsys, "round", "close", "1")
    assert code == 2
    assert "allerede lukket" in err
    assert "\tlukket\t" in cli(capsys, "round", "list")[1]


def test_a_round_on_a_saved_scenario_freezes_its_settings(url, capsys):
    model = load_dataset(BUNDLED_DATA_DIR).model
    engine = open_store(url)
    try:
        settings = parse_settings({"weights": {"trust": 1, "actors": 0, "need": 3}}, model)
        saved = scenarios.save_new(engine, model, "Behov først", "Til mødet.", settings, "Anna", actor=ADMIN)
    finally:
        engine.dispose()
    code, out, err = cli(capsys, "round", "new", "--name", "Runde B", "--scenario", "behov FØRST", "--data", DATA)
    assert code == 0, err
    assert f"scenariet 'Behov først' (nr. {saved.id}, version 1)" in out
    engine = open_store(url)
    try:
        item = store.find_round(engine, "Runde B")
        assert (item.scenario_id, item.scenario_version, item.scenario_name) == (saved.id, 1, "Behov først")
        assert store.round_settings(item, model).weights == settings.weights
        assert item.data_version == load_dataset(BUNDLED_DATA_DIR).version
    finally:
        engine.dispose()
    for ref in ("²", "99", "ukendt"):
        code, _, err = cli(capsys, "round", "new", "--name", f"Runde {ref}", "--scenario", ref, "--data", DATA)
        assert code == 2
        assert err.startswith("FEJL: ")
        assert "scenarie" in err
    code, _, err = cli(capsys, "round", "new", "--name", "runde b", "--data", DATA)
    assert code == 2
    assert "findes allerede en runde" in err


def test_an_anonymous_round_never_prints_or_writes_a_participant_name(url, capsys, tmp_path):
    assert cli(capsys, "round", "new", "--name", "Hemmelig", "--anonymous", "--data", DATA)[0] == 0
    code, out, err = cli(capsys, "round", "invite", "Hemmelig", "--name", "Anna Hansen", "--email", "anna@example.dk")
    assert code == 0, err
    assert "Deltager 1" in out
    code, out, err = cli(capsys, "round", "invite", "1")  # a name may be left out in an anonymous round
    assert code == 0, err
    assert "Deltager 2" in out
    code, imported, err = cli(capsys, "round", "import", "1", str(answers_file(tmp_path, *NAMES)))
    assert code == 0, err
    assert "Deltager 1: svar version 1" in imported  # Anna's seat, found by her name's hash
    code, listed, _ = cli(capsys, "round", "list")
    assert "\tanonym\t3/4 har svaret\t" in listed
    csv_out, xlsx_out = tmp_path / "r.csv", tmp_path / "r.xlsx"
    code, said, err = cli(capsys, "round", "result", "1", "--out", str(csv_out))
    assert code == 0, err
    assert cli(capsys, "round", "result", "1", "--out", str(xlsx_out), "--format", "xlsx")[0] == 0
    book = openpyxl.load_workbook(xlsx_out)
    cells = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "Deltager 1;Deltager 3;Deltager 4;Nr. 1" in text
    for shown in (text, cells, listed, imported, said, err, out):
        for name in (*NAMES, "Anna", "anna@example.dk"):
            assert name not in shown


@pytest.mark.parametrize("ref", ["²", "abc", "99", "0", "-1", "abc\x1b[2J"])
@pytest.mark.parametrize("action", ["invite", "import", "result", "reveal", "close"])
def test_an_unknown_round_is_a_danish_message_and_exit_2(url, capsys, tmp_path, ref, action):
    extra = {
        "invite": ["--name", "Anna"],
        "import": [str(answers_file(tmp_path, "Anna"))],
        "result": ["--out", str(tmp_path / "r.csv")],
    }.get(action, [])
    code, out, err = cli(capsys, "round", action, ref, *extra)
    assert code == 2
    assert out == ""
    assert err.startswith("FEJL: ")
    assert "vægtningsrunde" in err or "rundenummer" in err
    assert "Traceback" not in err
    assert "\x1b" not in err  # a control character in the reference is shown as U+FFFD, not sent to the terminal


def test_the_entry_point_says_it_in_danish_without_a_traceback(url, tmp_path):
    env = {**os.environ, "SELECTION_DB_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "selection", "round", "reveal", "²"], cwd=REPO, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.decode() == "FEJL: Der er ingen vægtningsrunde med navnet '²'.\n"


def test_paper_answers_with_problems_store_nothing(url, capsys, tmp_path):
    assert cli(capsys, "round", "new", "--name", "R", "--data", DATA)[0] == 0
    bad = tmp_path / "svar.csv"
    bad.write_bytes(b"Navn;trust;actors;need\r\nAnna;1;1;1\r\nBo;-1;1;1\r\n")
    code, _, err = cli(capsys, "round", "import", "1", str(bad))
    assert code == 2
    assert "Linje 3, kolonne 'trust': vægten må ikke være negativ" in err
    assert "0/0 har svaret" in cli(capsys, "round", "list")[1]
    code, _, err = cli(capsys, "round", "result", "1", "--out", str(tmp_path / "r.csv"))
    assert code == 2
    assert "Ingen deltagere har svaret endnu" in err
    assert not (tmp_path / "r.csv").exists()
    code, _, err = cli(capsys, "round", "import", "1", str(tmp_path / "findes-ikke.csv"))
    assert code == 2
    assert "findes-ikke.csv" in err


def test_names_with_control_characters_are_refused_and_never_echoed_raw(url, capsys):
    code, out, err = cli(capsys, "round", "new", "--name", "Møde\x1b]0;hacked\x07", "--data", DATA)
    assert code == 2
    assert "kontroltegn" in err
    assert "\x1b" not in out + err
    assert cli(capsys, "round", "new", "--name", "Møde", "--data", DATA)[0] == 0
    code, _, err = cli(capsys, "round", "invite", "1", "--name", "Bo\x1b[31m")
    assert code == 2
    assert "\x1b" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["round", "invite", "1", "--name", "A", "--base-url", "ftp://x"],
        ["round", "invite", "1", "--name", "A", "--days", "0"],
        ["round", "invite", "1", "--name", "A", "--days", "366"],
        ["round", "result", "1", "--out", "r.csv", "--method", "max"],
        ["round", "result", "1"],
    ],
)
def test_bad_options_are_refused_by_the_parser(url, capsys, args):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    assert "FEJL" in capsys.readouterr().err


def test_the_link_keeps_the_base_address_and_the_limits_match_the_store():
    assert cli_rounds.invitation_link("http://localhost:8501", "abc") == "http://localhost:8501/?deltag=abc"
    assert cli_rounds.invitation_link("https://x.dk/app?a=1&deltag=old", "c") == "https://x.dk/app?a=1&deltag=c"
    assert (cli_rounds.DEFAULT_VALID_DAYS, cli_rounds.MAX_VALID_DAYS) == (
        store.DEFAULT_VALID_DAYS,
        store.MAX_VALID_DAYS,
    )


def test_printable_shows_control_characters_but_keeps_line_feeds():
    from selection.text.literal import printable

    assert printable("a\x1b[31mb\nc\td\u202ee\x9b") == "a\ufffd[31mb\nc\ufffdd\ufffde\ufffd"


def test_the_out_file_is_checked_before_any_work(url, capsys, tmp_path):
    code, _, err = cli(capsys, "round", "result", "99", "--out", str(tmp_path / "r.csv"), "--format", "xlsx")
    assert code == 2
    assert "--format xlsx passer ikke til filnavnet" in err  # refused before the round is even looked up
    code, _, err = cli(capsys, "round", "result", "1", "--out", str(tmp_path / "r.pdf"))
    assert code == 2
    assert "kan ikke skrive en PDF-fil" in err


def test_a_typed_name_never_takes_the_seat_of_a_participant_invited_without_one(url, capsys, tmp_path):
    """Anonymous round: a paper answer signed '#1' is a new participant, not a new version of the answer of
    participant 1 (invited without a name), and an unnamed invitation is not refused because of a '#n' name."""
    assert cli(capsys, "round", "new", "--name", "A", "--anonymous", "--data", DATA)[0] == 0
    assert "Deltager 1" in cli(capsys, "round", "invite", "A")[1]  # no name
    paper = tmp_path / "svar.csv"
    paper.write_bytes(b"Navn;trust;actors;need\r\n#1;1;0;0\r\n")
    code, out, err = cli(capsys, "round", "import", "A", str(paper))
    assert code == 0, err
    assert "Deltager 2: svar version 1" in out
    engine = open_store(url)
    try:
        assert store.own_submission(engine, 1, 1) is None
    finally:
        engine.dispose()
    assert "Deltager 3" in cli(capsys, "round", "invite", "A", "--name", "#4")[1]
    code, out, err = cli(capsys, "round", "invite", "A")  # the fourth participant, no name
    assert code == 0, err
    assert "Deltager 4" in out
