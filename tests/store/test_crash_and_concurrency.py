"""Crash safety (SIGKILL in the middle of a burst of writes) and several writing processes at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from selection.assessments import history
from selection.storage.database import head_revision, open_store
from tests.support.factory import REPO


def writer(url: str, label: str, total: int, batch: int = 1) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.writer", url, label, str(total), str(batch)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_after(proc: subprocess.Popen, lines: int) -> list[list[int]]:
    """Read ``lines`` acknowledgements, then a few more at random, then SIGKILL the writer mid-burst."""
    acknowledged = []
    for _ in range(lines + random.randrange(5)):
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        acknowledged.append([int(x) for x in line.split()])
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    proc.stdout.close()
    proc.stderr.close()
    return acknowledged


@pytest.mark.parametrize("batch", [1, 7])
def test_a_killed_writer_loses_no_acknowledged_write_and_leaves_a_sound_database(tmp_path: Path, batch: int):
    path = tmp_path / "store.sqlite"
    url = f"sqlite:///{path}"
    open_store(url).dispose()
    acknowledged = kill_after(writer(url, "burst", 0, batch), lines=40)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    engine = open_store(url)
    try:
        entries = history(engine)
        stored = {e.id for e in entries}
        assert {i for ids in acknowledged for i in ids} <= stored
        assert len(entries) % batch == 0  # a batch is saved whole or not at all
        for cell in {(e.area_id, e.indicator_id) for e in entries}:
            versions = [e.version for e in entries if (e.area_id, e.indicator_id) == cell]
            assert versions == list(range(1, len(versions) + 1))
    finally:
        engine.dispose()


def test_eight_processes_writing_at_once_store_every_row_exactly_once(db_url: str):
    open_store(db_url).dispose()
    procs = [writer(db_url, f"p{n}", 50) for n in range(8)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        outputs.append([int(x) for x in out.split()])
    assert all(len(ids) == 50 for ids in outputs)
    engine = open_store(db_url)
    try:
        entries = history(engine)
        assert len(entries) == 400
        assert sorted(e.id for e in entries) == sorted(i for ids in outputs for i in ids)
        reasons = Counter(e.reason for e in entries)
        assert set(reasons.values()) == {1}
        assert set(reasons) == {f"p{n}:{k}:0" for n in range(8) for k in range(50)}
        for cell in {(e.area_id, e.indicator_id) for e in entries}:
            versions = [e.version for e in entries if (e.area_id, e.indicator_id) == cell]
            assert versions == list(range(1, len(versions) + 1))  # no version lost or taken twice
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        engine.dispose()


def test_several_processes_opening_a_new_database_at_once_all_get_the_newest_schema(db_url: str):
    code = (
        "import sys; from selection.storage.database import open_store, current_revision; "
        "print(current_revision(open_store(sys.argv[1])))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err for _, err in results]
    assert {out.strip() for out, _ in results} == {head_revision()}
