"""The command line writes as a named local administrator and records it; roles from the command line."""

from __future__ import annotations

import getpass
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from selection.access import change_history, current_assignments
from selection.storage.database import open_store
from tests.support.factory import REPO, make_package


def run(*args: str, store: Path, data: Path, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "SELECTION_IMPORT_DIR": str(store), "SELECTION_DATA": str(data), **env}
    full.pop("SELECTION_DB_URL", None)
    full.pop("SELECTION_USER", None)
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "selection", *args], cwd=REPO, env=full, capture_output=True, text=True, check=False
    )


def values_csv(tmp_path: Path) -> Path:
    path = tmp_path / "værdier.csv"
    path.write_text("area_id,t1\na,4\n", encoding="utf-8")
    return path


def test_import_reset_and_restore_record_the_named_local_administrator(tmp_path):
    pkg, store = make_package(tmp_path / "pkg"), tmp_path / "store"
    proc = run("import", str(values_csv(tmp_path)), "--user", "Gis Medarbejder", store=store, data=pkg)
    assert proc.returncode == 0, proc.stderr
    assert run("reset", store=store, data=pkg).returncode == 0  # default: the OS user
    assert run("restore", store=store, data=pkg, SELECTION_USER="drift").returncode == 0
    engine = open_store(f"sqlite:///{store}.sqlite")
    try:
        log = change_history(engine)
    finally:
        engine.dispose()
    assert [(e["action"], e["by"], e["method"]) for e in log] == [
        ("restore", "drift", "cli"),
        ("reset", getpass.getuser(), "cli"),
        ("import", "Gis Medarbejder", "cli"),
    ]


def test_roles_assign_list_and_refusals(tmp_path):
    pkg, store = make_package(tmp_path / "pkg"), tmp_path / "store"
    proc = run(
        "roles",
        "assign",
        "Pia@KK.test",
        "Planlægger",
        "--reason",
        "Ny planlægger",
        "--user",
        "Admin",
        store=store,
        data=pkg,
    )
    assert proc.returncode == 0, proc.stderr
    assert "pia@kk.test har nu rollen Planlægger (registreret af Admin)" in proc.stdout
    listed = run("roles", "list", store=store, data=pkg, SELECTION_ADMIN="chef@kk.test")
    assert "pia@kk.test: Planlægger (tildelt af Admin" in listed.stdout
    assert "chef@kk.test: Administrator (tildelt af Konfiguration" in listed.stdout
    bad = run("roles", "assign", "pia@kk.test", "Chef", "--reason", "x", store=store, data=pkg)
    assert bad.returncode == 2
    assert "ukendt rolle 'Chef'" in bad.stderr
    assert "Traceback" not in bad.stderr
    engine = open_store(f"sqlite:///{store}.sqlite")
    try:
        assert {a.principal for a in current_assignments(engine)} == {"pia@kk.test", "chef@kk.test"}
    finally:
        engine.dispose()


def test_read_only_mode_refuses_command_line_writes_and_changes_nothing(tmp_path):
    pkg, store = make_package(tmp_path / "pkg"), tmp_path / "store"
    before = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(pkg.glob("*")))).hexdigest()
    proc = run("import", str(values_csv(tmp_path)), store=store, data=pkg, SELECTION_READ_ONLY="1")
    assert proc.returncode == 2
    assert "skrivebeskyttet tilstand" in proc.stderr
    assert "Intet er ændret" in proc.stderr
    assert not (store / "current").exists()
    assert hashlib.sha256(b"".join(p.read_bytes() for p in sorted(pkg.glob("*")))).hexdigest() == before
    bad = run("reset", store=store, data=pkg, SELECTION_LOCAL_ROLE="chef")  # a bad setting: said, nothing done
    assert bad.returncode == 2
    assert bad.stderr == (
        "FEJL: SELECTION_LOCAL_ROLE: ukendt rolle 'chef'; brug Deltager, Læser, Planlægger eller Administrator.\n"
    )
