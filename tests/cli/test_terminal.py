"""No control character from data reaches a terminal through the command line (issue 29, class 9).

Area names with ESC sequences (a window-title command, a colour), BEL, a carriage return and a bidi override
are printed by ``rank`` (CSV on standard output, a terminal), and an argument is echoed in an error;
every printed character is checked. File contents keep their bytes when written to a pipe.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from shapely.geometry import box

from selection.cli import main as cli
from selection.cli.terminal import neutralised, neutralised_bytes
from tests.support.factory import area_features, make_package

HOSTILE = "Alfa\x1b]0;pwned\x07\x1b[31mRød\rX\u202egnp.exe"
FORBIDDEN = ("\x1b", "\x07", "\r", "\u202e")


@pytest.fixture(scope="module")
def hostile_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    areas = [
        ("a", HOSTILE, box(12.50, 55.66, 12.516, 55.67)),
        ("b", "Bravo", box(12.55, 55.66, 12.566, 55.67)),
        ("c", "Charlie", box(12.60, 55.66, 12.616, 55.67)),
    ]
    return make_package(tmp_path_factory.mktemp("terminal") / "p", areas=area_features(areas))


class FakeTerminal(io.TextIOWrapper):
    """Standard output as a terminal (``isatty``), its bytes kept for the test."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def isatty(self) -> bool:
        return True

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


def run(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    out, err = FakeTerminal(), FakeTerminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = cli.main(list(argv))
    return code, out.text(), err.text()


def test_names_with_terminal_commands_are_shown_neutralised(
    hostile_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(monkeypatch, "rank", "--top", "3", "--data", str(hostile_package))
    assert code == 0, err
    shown = out + err
    assert "Alfa" in shown, "the area is listed"
    for char in FORBIDDEN:
        assert char not in shown, f"{char!r} reached the terminal"
    assert "\ufffd" in shown, "the reader sees that something was there"


def test_an_argument_echoed_in_an_error_is_neutralised(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(monkeypatch, "rank", "--weights", "trust=\x1b[2J1")
    assert code == 2
    for char in FORBIDDEN:
        assert char not in out + err


def test_file_contents_keep_their_bytes_on_a_pipe(hostile_package: Path, capsysbinary: pytest.CaptureFixture) -> None:
    assert cli.main(["rank", "--data", str(hostile_package), "--format", "standard"]) == 0
    data = capsysbinary.readouterr().out
    assert b"\x1b]0;pwned" in data or "\ufffd".encode() not in data.split(b"\n")[0], "a pipe gets the data as stored"


def test_neutralised_keeps_tab_and_line_feed_and_danish_letters() -> None:
    assert neutralised("Æble\tØl\nÅ\x1b[0m\x9b") == "Æble\tØl\nÅ\ufffd[0m\ufffd"
    assert neutralised("a;b\r\nc\rd") == "a;b\nc\ufffdd", "CR LF is a line end; a lone CR would overwrite the line"
    assert neutralised_bytes(b"ok\xff\x07") == "ok\ufffd\ufffd".encode()
