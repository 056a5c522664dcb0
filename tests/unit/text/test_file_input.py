"""Reading a user-given file with a bound: every reader refuses devices, pipes and directories up front and
never holds more than its limit (selection.text.file_input and the readers that use it)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from selection.data.dataset import load_dataset
from selection.errors import Report
from selection.importing.readers.source import load_source
from selection.limits import Limits
from selection.scenarios.exchange import read_export
from selection.scenarios.settings import ScenarioError
from selection.text.file_input import FileInputError, read_limited
from tests.support.factory import REPO

DEV_ZERO = Path("/dev/zero")
needs_dev_zero = pytest.mark.skipif(not DEV_ZERO.exists(), reason="no /dev/zero on this system")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe nobody writes to: opening it for reading the ordinary way waits forever."""
    path = tmp_path / "ark.csv"
    os.mkfifo(path)
    return path


def within(seconds: float, fn):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it has not returned in time."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    start = time.perf_counter()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still reading after {seconds} s"
    assert time.perf_counter() - start < seconds
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("value")


def test_a_regular_file_within_the_limit_is_read_whole(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * 100)
    assert read_limited(path, 100) == b"x" * 100


def test_a_file_over_the_limit_is_refused_from_its_size(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: nothing is written
    with pytest.raises(FileInputError, match=r"Filen er for stor .*grænsen er 1\.0 MB"):
        read_limited(path, 1024 * 1024)


@needs_dev_zero
def test_a_device_is_refused_before_anything_is_read():
    with pytest.raises(FileInputError, match="enhed"):
        within(5, lambda: read_limited(DEV_ZERO, 10 * 1024 * 1024))


def test_a_named_pipe_nobody_writes_to_is_refused_at_once(fifo):
    with pytest.raises(FileInputError, match="navngiven pipe"):
        within(5, lambda: read_limited(fifo, 1024))


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(FileInputError, match="mappe"):
        read_limited(tmp_path, 1024)


def test_a_missing_file_says_so_in_danish(tmp_path):
    with pytest.raises(FileInputError, match="kan ikke læses"):
        read_limited(tmp_path / "findes-ikke.csv", 1024)


def test_the_read_stops_at_the_limit_even_when_the_size_said_less(tmp_path, monkeypatch):
    """A file that grows after its size was checked (or reports a wrong size) is read to limit + 1 byte only."""
    path = tmp_path / "grows.csv"
    path.write_bytes(b"y" * 5000)
    real_fstat = os.fstat

    class Small:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: (reads.append(n), real_read(fd, n))[1])
    with pytest.raises(FileInputError, match="Filen er for stor \\(over 1000 byte\\)"):
        read_limited(path, 1000)
    assert sum(reads) <= 1001


@needs_dev_zero
@pytest.mark.parametrize("source", ["fifo", "dev_zero", "directory"])
def test_every_reader_of_a_path_refuses_what_is_not_a_regular_file(source, fifo, tmp_path):
    """The import readers (registers, rounds, area/actor/value files) share load_source; scenarios read_export."""
    path = {"fifo": fifo, "dev_zero": DEV_ZERO, "directory": tmp_path}[source]
    report = Report()
    assert within(5, lambda: load_source(path, Limits(), report)) is None
    assert report.errors
    assert any(word in str(report.errors[0]) for word in ("almindelig", "mappe"))
    with pytest.raises(ScenarioError, match=r"almindelig fil|mappe"):
        within(5, lambda: read_export(path, load_dataset().model))


def test_a_scenario_export_over_its_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    from selection.scenarios import exchange

    path = tmp_path / "scenarier.json"
    path.write_bytes(b'{"format": "selection-scenarios", "version": 1, "scenarios": []}' + b" " * 2000)
    monkeypatch.setattr(exchange, "MAX_IMPORT_BYTES", 1000)
    with pytest.raises(ScenarioError, match="Filen er for stor"):
        read_export(path, load_dataset().model)


def test_the_assessment_sheet_import_refuses_a_pipe_and_a_device_at_once(fifo):
    """``assessments import`` read the whole file before any check: /dev/zero until memory ran out, a pipe forever."""
    from selection.cli.assessments import _import

    dataset = load_dataset()
    for path in [fifo, *([DEV_ZERO] if DEV_ZERO.exists() else [])]:
        assert within(5, lambda p=path: _import(None, dataset, p, "Anna", "", None)) == 2  # type: ignore[arg-type]


def test_the_command_line_refuses_a_named_pipe_as_a_scenario_file(fifo, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "selection", "scenario", "import", str(fifo), "--author", "Anna"],
        cwd=REPO,
        env={**os.environ, "SELECTION_DB_URL": f"sqlite:///{tmp_path / 'store.sqlite'}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "navngiven pipe" in proc.stderr
