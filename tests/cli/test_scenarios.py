"""``python -m selection scenario list|show|export|import`` and ``rank --scenario/--exclude`` (both databases)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.output.shortlist import shortlist_csv
from selection.scenarios import evaluate_settings, parse_settings
from selection.scenarios import saved as scenarios
from selection.storage.database import open_store
from selection.workspace import workspace_of
from tests.support.factory import ADMIN, REPO

STAMP = "2026-11-20T10:00:00+01:00"
DATA = str(BUNDLED_DATA_DIR)


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SELECTION_DB_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "selection", *args], cwd=REPO, env=env, capture_output=True, timeout=120
    )


@pytest.fixture(scope="module")
def bundled():
    return workspace_of(load_dataset(BUNDLED_DATA_DIR), None).dataset  # with its registers, as the CLI ranks it


def test_rank_with_a_saved_scenario_equals_its_settings_and_the_export_round_trips(db_url, bundled, tmp_path):
    engine = open_store(db_url)
    settings = parse_settings(
        {
            "weights": {"trust": 1, "actors": 2, "need": 3},
            "distance_m": 750,
            "rules": [{"kind": "list_status", "allowed": ["verified", "inferred"]}],
        },
        bundled.model,
    )
    saved = scenarios.save_new(engine, bundled.model, "Aktører & behov", "Til mødet.", settings, "Anna", actor=ADMIN)
    scenarios.save_new(
        engine, bundled.model, "Gammel", "Ikke mere.", parse_settings({}, bundled.model), "Bo", actor=ADMIN
    )
    scenarios.set_archived(engine, bundled.model, scenarios.find_scenario(engine, "Gammel"), True, "Bo", actor=ADMIN)
    engine.dispose()
    _, result = evaluate_settings(bundled, settings)
    expected = shortlist_csv(result, bundled, 3, "excel-da", __import__("datetime").datetime.fromisoformat(STAMP))
    for ref in (str(saved.id), "aktører & BEHOV"):
        out = run(db_url, "rank", "--data", DATA, "--scenario", ref, "--timestamp", STAMP)
        assert out.returncode == 0, out.stderr.decode()
        assert out.stdout == expected
    by_options = run(
        db_url,
        "rank",
        "--data",
        DATA,
        "--weights",
        "trust=1,actors=2,need=3",
        "--distance",
        "750",
        "--exclude",
        "listestatus:verified+inferred",
        "--timestamp",
        STAMP,
    )
    assert by_options.stdout == expected
    assert b"Udelukket: listestatus er Kandidat" in expected

    listed = run(db_url, "scenario", "list", "--data", DATA).stdout.decode()
    assert "Aktører & behov" in listed
    assert "Gammel" not in listed
    assert "behov-foerst\tBehov først" in listed
    assert "Gammel (arkiveret)" in run(db_url, "scenario", "list", "--all", "--data", DATA).stdout.decode()
    shown = run(db_url, "scenario", "show", str(saved.id), "--data", DATA).stdout.decode()
    assert "Udelukkelsesregel: Kun områder med listestatus Verificeret eller Udledt" in shown
    assert "version 1:" in shown
    assert "Anna" in shown

    exported = tmp_path / "s.json"
    assert run(db_url, "scenario", "export", "--all", "--out", str(exported), "--data", DATA).returncode == 0
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    loaded = run(other, "scenario", "import", str(exported), "--author", "Carl", "--data", DATA)
    assert loaded.returncode == 0, loaded.stderr.decode()
    again = json.loads(run(other, "scenario", "export", "--all", "--data", DATA).stdout)
    first = json.loads(exported.read_text(encoding="utf-8"))
    strip = lambda d: [{k: s[k] for k in ("name", "rationale", "archived", "settings")} for s in d["scenarios"]]  # noqa: E731
    assert strip(again) == strip(first)
    twice = run(other, "scenario", "import", str(exported), "--author", "Carl", "--data", DATA)
    assert twice.returncode == 2
    assert "Intet er importeret" in twice.stderr.decode()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["rank", "--scenario", "findes-ikke"], "intet scenarie"),
        (["rank", "--scenario", "behov-foerst", "--exclude", "minscore:need:10"], "kan ikke bruges sammen"),
        (["rank", "--exclude", "minscore:zzz:10"], "Ukendt kriterium"),
        (["rank", "--exclude", "aktoer:language_school:-5"], "skal være et tal"),
        (["rank", "--exclude", "slet"], "er ikke en regel"),
        (["scenario", "show", "42"], "intet scenarie nr. 42"),
        (["scenario", "import", "/nonexistent/x.json", "--author", "A"], "kan ikke læses"),
        (["scenario", "export", "--all", "--out", "/proc/x.json"], "Kan ikke skrive /proc/x.json"),
    ],
)
def test_bad_scenario_arguments_exit_2_in_danish(tmp_path, args, words):
    out = run(f"sqlite:///{tmp_path / 's.sqlite'}", *args, "--data", DATA)
    assert out.returncode == 2
    assert words in out.stderr.decode()
    assert "Traceback" not in out.stderr.decode()


def test_an_import_file_that_is_not_an_export_is_refused(tmp_path: Path):
    db_url = f"sqlite:///{tmp_path / 's.sqlite'}"
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "selection-scenarios",
                "version": 1,
                "scenarios": [{"name": "X", "rationale": "Y", "settings": {"weights": {"trust": -2}}}],
            }
        ),
        encoding="utf-8",
    )
    out = run(db_url, "scenario", "import", str(bad), "--author", "A", "--data", DATA)
    assert out.returncode == 2
    assert "Scenarie 1 ('X')" in out.stderr.decode()
    bad.write_text("[1, 2]", encoding="utf-8")
    out = run(db_url, "scenario", "import", str(bad), "--author", "A", "--data", DATA)
    assert out.returncode == 2
    assert "ikke en scenarieeksport" in out.stderr.decode()


def test_import_writes_as_the_named_local_administrator_and_read_only_mode_refuses_it(db_url, bundled, tmp_path):
    engine = open_store(db_url)
    scenarios.save_new(
        engine, bundled.model, "Til eksport", "Fordi.", parse_settings({}, bundled.model), "Anna", actor=ADMIN
    )
    engine.dispose()
    exported = tmp_path / "s.json"
    assert run(db_url, "scenario", "export", "--out", str(exported), "--data", DATA).returncode == 0
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"

    refused = subprocess.run(
        [sys.executable, "-m", "selection", "scenario", "import", str(exported), "--user", "ops", "--data", DATA],
        cwd=REPO,
        capture_output=True,
        timeout=120,
        env={**os.environ, "SELECTION_DB_URL": other, "SELECTION_READ_ONLY": "1"},
    )
    assert refused.returncode == 2
    assert "skrivebeskyttet tilstand" in refused.stderr.decode()
    assert "Traceback" not in refused.stderr.decode()
    assert run(other, "scenario", "list", "--all", "--data", DATA).stdout.decode().count("Til eksport") == 0

    loaded = run(other, "scenario", "import", str(exported), "--user", "Ops Olsen", "--data", DATA)
    assert loaded.returncode == 0, loaded.stderr.decode()
    engine = open_store(other)
    try:
        (made,) = scenarios.list_scenarios(engine)
    finally:
        engine.dispose()
    assert (made.author, made.actor_email, made.actor_method) == ("Ops Olsen", "", "cli")  # --author: the --user name
    assert made.actor_subject.startswith("Ops Olsen@")
    shown = run(other, "scenario", "show", "Til eksport", "--data", DATA).stdout.decode()
    assert f"Ops Olsen (gemt af {made.actor_subject} (kommandolinjen))" in shown


def test_an_import_is_all_or_nothing_and_archived_entries_may_share_an_active_name(db_url, bundled, tmp_path):
    """A problem in any entry (here a name the file itself uses twice) imports nothing, not the entries before
    it; an archived entry whose name an active scenario has is imported (archived names may repeat)."""
    engine = open_store(db_url)
    scenarios.save_new(engine, bundled.model, "Beta", "Aktiv.", parse_settings({}, bundled.model), "Anna", actor=ADMIN)
    engine.dispose()

    def export(*entries: tuple[str, bool]) -> str:
        path = tmp_path / f"{len(entries)}.json"
        rows = [{"name": n, "rationale": "Fordi.", "archived": a, "settings": {}} for n, a in entries]
        path.write_text(json.dumps({"format": "selection-scenarios", "version": 1, "scenarios": rows}), "utf-8")
        return str(path)

    def names() -> list[tuple[str, bool]]:
        engine = open_store(db_url)
        try:
            return [(s.name, s.archived) for s in scenarios.list_scenarios(engine, include_archived=True)]
        finally:
            engine.dispose()

    refused = run(
        db_url, "scenario", "import", export(("Alfa", False), ("Gamma", False), ("alfa", False)), "--data", DATA
    )
    assert refused.returncode == 2
    assert "Scenarie 3 ('alfa')" in refused.stderr.decode()
    assert "Intet er importeret" in refused.stderr.decode()
    assert names() == [("Beta", False)]
    loaded = run(db_url, "scenario", "import", export(("Delta", False), ("Beta", True)), "--data", DATA)
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert names() == [("Beta", False), ("Delta", False), ("Beta", True)]
