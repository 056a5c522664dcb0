"""Issue 29 on the command line: clean terminal output (class 9), Danish messages (10), Copenhagen times in one
Danish format (12), and the defaults a newcomer expects (18): a table on a terminal and CSV to a pipe, a dated
report name, an assessment sheet that names its own assessors, criteria by their Danish names.

Commands run in this process (``cli.main``) with standard output and standard error as fake terminals, so every
character that reaches the reader can be checked.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from datetime import datetime
from pathlib import Path

import pytest
from shapely.geometry import box

from selection.cli import main as cli
from selection.cli import rank as rank_cli
from selection.cli import report as report_cli
from selection.cli.arguments import criterion_id, parse_weights
from selection.cli.assessments import recorded_by_text
from selection.cli.terminal import neutralised, table_text
from selection.data.dataset import load_dataset
from selection.errors import WeightError
from selection.output.shortlist import shortlist_csv
from selection.ranking.evaluate import evaluate
from selection.text.formatting import local_today, moment_text
from selection.text.literal import printable
from tests.support.databases import assessment_criteria
from tests.support.factory import ADMIN, REPO, area_features, make_package

HOSTILE = "Alfa\x1b]0;pwned\x07\x1b[31mRød\rX\u202egnp\x9b.exe\tY"
FORBIDDEN = ("\x1b", "\x07", "\r", "\u202e", "\x9b")
STAMP = "2026-11-20T10:00:00+01:00"
LABELS = {"trust": "Tillidsfulde indsatser", "actors": "Motiverede aktører", "need": "Vurderet behov"}
DEFAULTS = {"trust": 1.0, "actors": 1.0, "need": 1.0}


class FakeTerminal(io.TextIOWrapper):
    """A standard stream that says it is a terminal (``isatty``); its bytes are kept for the test."""

    def __init__(self, tty: bool = True) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]

    def data(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()  # type: ignore[attr-defined]


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, tty: bool = True) -> tuple[int, str, str]:
    out, err = FakeTerminal(tty), FakeTerminal(tty)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = cli.main(list(argv))
    finally:
        sys.stdout, sys.stderr = saved
    return code, out.text(), err.text()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("SELECTION_DB_URL", url)
    monkeypatch.setenv("SELECTION_USER", "kim")
    return url


@pytest.fixture(scope="module")
def hostile_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    areas = [
        ("a", HOSTILE, box(12.50, 55.66, 12.516, 55.67)),
        ("b", "Bravo", box(12.55, 55.66, 12.566, 55.67)),
        ("c", "Charlie", box(12.60, 55.66, 12.616, 55.67)),
    ]
    return make_package(
        tmp_path_factory.mktemp("terminal29") / "p", areas=area_features(areas), criteria=assessment_criteria()
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_package(tmp_path_factory.mktemp("defaults29") / "p", criteria=assessment_criteria())


def assert_clean(shown: str) -> None:
    for char in FORBIDDEN:
        assert char not in shown, f"{char!r} reached the terminal"


# ---------------------------------------------------------------- class 9: one neutraliser, every printing path


def test_the_command_line_has_one_neutraliser() -> None:
    """terminal.neutralised is text.literal.printable with the tab kept: the same characters for every path."""
    for code in [*range(0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        char = chr(code)
        assert neutralised(char) == printable(char, keep_tab=True), hex(code)
        assert (printable(char) == char) == (char == "\n" or 0x20 <= code < 0x7F), hex(code)
    assert printable("a\tb") == "a\ufffdb"
    assert printable("a\tb", keep_tab=True) == "a\tb"


def test_a_table_for_the_terminal_is_neutralised_and_stays_aligned() -> None:
    text = table_text(["Rang", "Område"], [["1", HOSTILE], ["10", "Bravo\nC"]], right={0})
    assert_clean(text)
    assert "\t" not in text, "a tab in data would shift the columns"
    lines = text.splitlines()
    assert len(lines) == 4, "a line break in data stays inside its cell"
    assert lines[2].startswith("   1  ")
    assert lines[3].startswith("  10  Bravo C")


@pytest.mark.parametrize(
    "argv",
    [
        ("rank", "--top", "3"),
        ("critical", "--top", "2"),
        ("rank", "--top", "3", "--format", "excel-da"),
        ("critical", "--format", "standard"),
        ("assessments", "history"),
        ("assessments", "history", "--area", "a"),
    ],
    ids=lambda a: " ".join(a),
)
def test_every_command_that_prints_data_shows_it_neutralised(
    argv: tuple[str, ...], hostile_package: Path, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selection.assessments.model import NewAssessment
    from selection.assessments.record import record_assessments
    from selection.storage.database import open_store

    dataset = load_dataset(hostile_package)
    indicator = next(i for i in dataset.model.indicators if i.assessment)
    engine = open_store(store)
    new = NewAssessment("a", indicator.id, indicator.scale_max, "Grund", "Kilde", "Anna", "SSP", local_today())
    record_assessments(engine, [new], dataset.model, dataset.area_ids, [None], ["test"], actor=ADMIN)
    engine.dispose()
    code, out, err = run(monkeypatch, *argv, "--data", str(hostile_package))
    assert code == 0, err
    assert_clean(out + err)
    if argv[0] != "critical":  # the priority list need not name the area
        assert "Alfa" in out, "the area is shown"
        assert "\ufffd" in out, "the reader sees that something was there"


def test_an_argument_echoed_in_an_error_is_neutralised(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(monkeypatch, "scenario", "show", "\x1b]0;pwned\x07\u202e")
    assert code == 2
    assert err.startswith("FEJL: ")
    assert_clean(out + err)


# ---------------------------------------------------------------- class 10: every message Danish


ENGLISH = ("invalid literal", "codec", "Expecting", "Traceback", "Error", "for stor", "line 1 column")


@pytest.mark.parametrize(
    "argv",
    [("scenario", "show", "²"), ("rank", "--scenario", "²"), ("report", "--scenario", "³", "--format", "html")],
    ids=lambda a: " ".join(a),
)
def test_a_superscript_digit_is_no_scenario_number_and_is_told_in_danish(
    argv: tuple[str, ...], store: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(monkeypatch, *argv)
    assert code == 2
    assert err.startswith("FEJL: ")
    assert "scenari" in err, err
    assert not any(word in err for word in ENGLISH), err


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xff\xfe{\x00", "UTF-8"),
        (b"nope", "JSON"),
        (b"", "JSON"),
        (
            (
                '{"format": "selection-scenarios", "scenarios": [{"name": "x", "rationale": "y", "settings": '
                '{"weights": {"need": ' + "9" * 400 + "}}}]}"
            ).encode(),
            "cifre",
        ),
    ],
    ids=["not-utf8", "not-json", "empty", "400-digits"],
)
def test_a_scenario_file_that_cannot_be_read_is_told_in_danish(
    content: bytes, says: str, store: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "scenarier.json"
    path.write_bytes(content)
    code, _out, err = run(monkeypatch, "scenario", "import", str(path))
    assert code == 2
    assert err.startswith("FEJL: ")
    assert says in err, err
    assert not any(word in err for word in ENGLISH), err


def test_a_value_python_refuses_never_reaches_the_user_in_english(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The class: any ValueError from Python or a library (not a message of ours) becomes a Danish sentence."""
    monkeypatch.setattr(rank_cli, "_run_rank", lambda args: int("²"))
    code, _out, err = run(monkeypatch, "rank", "--data", str(package))
    assert code == 2
    assert err.startswith("FEJL: En værdi"), err
    assert not any(word in err for word in ENGLISH), err


def test_our_own_plain_value_errors_keep_their_danish_text(monkeypatch: pytest.MonkeyPatch) -> None:
    code, _out, err = run(monkeypatch, "report", "--smaa", "100", "--decision", "1", "--round", "x")
    assert code == 2
    assert "--round kan ikke bruges med --decision" in err, err


def test_no_message_says_for_lang_about_a_neuter_noun() -> None:
    """'Navnet er for lang' is wrong Danish ('for langt'): no source text says it of a neuter noun."""
    wrong = re.compile(
        r"\b(\w*navnet|navn|tallet|id'et|feltet|arket|scenariet|ordet|kriteriet)\b[^.\n'\x22]{0,40}"
        r"\bfor lang\b(?!t)",
        re.IGNORECASE,
    )
    found = []
    for folder in ("selection", "ui"):
        for path in (REPO / folder).rglob("*.py"):
            found += [f"{path.name}: {m.group(0)}" for m in wrong.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found


# ---------------------------------------------------------------- class 12: Copenhagen time, one Danish format


CLOCK = re.compile(r"kl\. \d\d\.\d\d\b")


def test_scenario_list_and_show_print_copenhagen_time_in_the_danish_format(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selection.config import BUNDLED_DATA_DIR
    from selection.scenarios import parse_settings
    from selection.scenarios import saved as scenarios
    from selection.storage.database import open_store

    model = load_dataset(BUNDLED_DATA_DIR).model
    engine = open_store(store)
    saved = scenarios.save_new(engine, model, "Møde", "Til mødet.", parse_settings({}, model), "Anna", actor=ADMIN)
    engine.dispose()
    expected = moment_text(saved.recorded_at)
    assert CLOCK.search(expected)
    assert ":" not in expected.split("kl.")[1], expected
    for argv in (("scenario", "list"), ("scenario", "show", "Møde")):
        code, out, err = run(monkeypatch, *argv)
        assert code == 0, err
        assert expected in out, out
        assert not re.search(r"\d\d:\d\d", out), "no clock time with a colon (or in UTC)"


def test_every_clock_time_is_danish_and_in_copenhagen() -> None:
    late = datetime.fromisoformat("2026-11-29T23:14:00+00:00")
    assert moment_text(late) == "30. november 2026 kl. 00.14"
    assert moment_text("2026-06-01T09:00:00") == "1. juni 2026 kl. 11.00", "naive is UTC; summer time in Copenhagen"


# ---------------------------------------------------------------- class 18: what a newcomer expects


def test_rank_prints_a_readable_table_on_a_terminal(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(monkeypatch, "rank", "--data", str(package), "--top", "3")
    assert code == 0, err
    assert out.startswith("FORBEHOLD:"), "the caveat comes first"
    assert ";" not in out.split("\n\n")[1], "no semicolon CSV"
    header = next(line for line in out.splitlines() if line.startswith("Rang"))
    labels = [c.label for c in load_dataset(package).model.criteria]
    assert all(label in header for label in labels), header
    assert "Område" in header
    assert "Samlet score" in header
    rows = [line for line in out.splitlines() if re.match(r"\s+[123]  ", line)]
    assert len(rows) == 3, out
    assert re.search(r"\d,\d\b", rows[0]), "Danish decimal comma"
    assert "--out" in out, "says how to get the full table"


def test_rank_to_a_pipe_is_the_csv_byte_for_byte(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = FakeTerminal(tty=False), FakeTerminal(tty=False)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert cli.main(["rank", "--data", str(package), "--top", "2", "--timestamp", STAMP]) == 0
    ds = load_dataset(package)
    _, result = evaluate(ds)
    assert out.data() == shortlist_csv(result, ds, 2, "excel-da", datetime.fromisoformat(STAMP))


def test_an_explicit_format_on_a_terminal_is_csv_and_xlsx_is_refused(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(monkeypatch, "rank", "--data", str(package), "--format", "standard")
    assert code == 0, err
    assert next(csv.reader(io.StringIO(out.splitlines()[1])))[0] == "Rang"
    code, out, err = run(monkeypatch, "rank", "--data", str(package), "--format", "xlsx")
    assert code == 2
    assert "--out" in err
    assert out == ""


def test_critical_prints_a_table_on_a_terminal(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(monkeypatch, "critical", "--data", str(package), "--top", "2")
    assert code == 0, err
    assert out.startswith(("Prioritet", "Ingen enkeltværdi")), out
    assert ";" not in out.splitlines()[0]


def test_criteria_are_named_by_id_danish_label_or_an_unambiguous_start() -> None:
    assert parse_weights("vurderet behov=3; TILLID=2,5", DEFAULTS, LABELS) == {"trust": 2.5, "actors": 1.0, "need": 3.0}
    assert parse_weights("motiv=4,need=0", DEFAULTS, LABELS) == {"trust": 1.0, "actors": 4.0, "need": 0.0}
    assert criterion_id("Motiverede  AKTØRER", list(DEFAULTS), LABELS) == "actors"
    with pytest.raises(WeightError, match=r"Ukendt kriterium 'behovet'.*need \(Vurderet behov\)"):
        parse_weights("behovet=2", DEFAULTS, LABELS)
    two = {"need": "Vurderet behov", "needs": "Vurderet behov i skolen"}
    with pytest.raises(WeightError, match="kan være flere kriterier"):
        criterion_id("vurd", ["need", "needs"], two)
    assert criterion_id("vurderet behov", ["need", "needs"], two) == "need", "an exact name wins over a start"


def test_rank_takes_danish_criterion_names_on_the_command_line(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_dataset(package).model
    label = model.criteria[0].label
    code, _out, err = run(monkeypatch, "rank", "--data", str(package), "--weights", f"{label.upper()}=2", tty=False)
    assert code == 0, err
    code, _out, err = run(monkeypatch, "rank", "--data", str(package), "--weights", "ukendt=2")
    assert code == 2
    assert "Kendte kriterier" in err
    assert label in err


def test_report_without_out_gets_a_dated_name_and_never_replaces_one(
    store: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    first, second = report_cli.default_names("html")[:2]
    assert re.fullmatch(r"rapport-\d{4}-\d\d-\d\d\.html", first.name)
    assert second.name.endswith("-2.html")
    code, _out, err = run(monkeypatch, "report", "--format", "html", "--smaa", "100")
    assert code == 0, err
    assert (tmp_path / first).is_file()
    assert str(first) in err
    before = (tmp_path / first).read_bytes()
    code, _out, err = run(monkeypatch, "report", "--format", "html", "--smaa", "100")
    assert code == 0, err
    assert (tmp_path / second).is_file()
    assert str(second) in err
    assert (tmp_path / first).read_bytes() == before, "the first report is untouched"


def test_recorded_on_behalf_names_both_people() -> None:
    assert recorded_by_text("kim", ["Anna Holm", "Bo Lund", "anna holm"]) == (
        "Registreret af kim på vegne af Anna Holm og Bo Lund."
    )
    assert recorded_by_text("kim", ["Kim"]) == "Registreret af kim som vurderer."


def _filled_sheet(store: str, package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    sheet = tmp_path / "ark.csv"
    code, _out, err = run(monkeypatch, "assessments", "export", "--data", str(package), "--out", str(sheet))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(sheet.read_bytes().decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    for n in (5, 6):
        rows[n][header.index("Ny værdi")] = "5"
        rows[n][header.index("Begrundelse")] = "Stort behov"
        rows[n][header.index("Vurderers navn")] = name
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows(rows)
    filled = tmp_path / "udfyldt.csv"
    filled.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return filled


def test_a_sheet_that_names_its_assessors_needs_no_assessor_argument(
    store: str, package: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    filled = _filled_sheet(store, package, tmp_path, monkeypatch, "Anna Holm")
    code, out, err = run(monkeypatch, "assessments", "import", str(filled), "--data", str(package))
    assert code == 0, err
    assert "Indlæste 2 vurderinger" in out
    assert "Registreret af kim på vegne af Anna Holm." in out


def test_a_row_without_a_name_and_no_assessor_is_refused_with_a_hint(
    store: str, package: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    filled = _filled_sheet(store, package, tmp_path, monkeypatch, "")
    code, out, err = run(monkeypatch, "assessments", "import", str(filled), "--data", str(package))
    assert code == 2
    assert "mangler vurderers navn" in err
    assert "--assessor" in err
    assert "intet er gemt" in err
    code, out, err = run(monkeypatch, "assessments", "import", str(filled), "--data", str(package), "--assessor", "Bo")
    assert code == 0, err
    assert "Registreret af kim på vegne af Bo." in out
