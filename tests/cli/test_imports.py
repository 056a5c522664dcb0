"""``python -m selection validate | import | reset | restore`` for GIS staff."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from selection.data.dataset import load_dataset
from selection.storage.packages import active_data_dir
from tests.support.factory import REPO, area_features, make_package


def run(*args: str, env_dir: Path, data: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "SELECTION_IMPORT_DIR": str(env_dir), "SELECTION_DATA": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "selection", *args], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )


def danish_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    text = "Område;T1\r\n" + "".join(f"{a};{v}\r\n" for a, v in rows)
    path.write_bytes(text.encode("cp1252"))
    return path


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*")) if p.is_file()}


def test_validate_reports_and_changes_nothing(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    store = tmp_path / "store"
    good = danish_csv(tmp_path / "værdier.csv", [("Alfa", "2,5"), ("Charlie", "4")])
    proc = run("validate", str(good), env_dir=store, data=pkg)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "Værdier ændret: 2" in proc.stdout
    assert not store.exists()


def test_bad_file_exits_non_zero_with_danish_report(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    store = tmp_path / "store"
    bad = danish_csv(tmp_path / "forkert.csv", [("Alfa", "ni")])
    proc = run("import", str(bad), env_dir=store, data=pkg)
    assert proc.returncode == 1
    assert "FEJL" in proc.stdout
    assert "forkert.csv" in proc.stdout
    assert "intet er ændret" in proc.stderr
    assert not store.exists()


def test_import_persists_and_rank_uses_it_then_reset(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    store = tmp_path / "store"
    good = danish_csv(tmp_path / "værdier.csv", [("Charlie", "5")])
    assert run("import", str(good), env_dir=store, data=pkg).returncode == 0
    stored = load_dataset(active_data_dir(store))
    assert stored.values.set_index(["area_id", "indicator_id"]).at[("c", "t1"), "value"] == 5.0
    assert "værdier.csv" in stored.values.set_index(["area_id", "indicator_id"]).at[("c", "t1"), "source"]
    before = digest(active_data_dir(store))
    bad = danish_csv(tmp_path / "forkert.csv", [("Alfa", "99")])
    assert run("import", str(bad), env_dir=store, data=pkg).returncode == 1
    assert digest(active_data_dir(store)) == before, "a failed import must leave the stored data byte-identical"
    ranked = run("rank", "--top", "1", env_dir=store, data=pkg)
    assert ranked.returncode == 0
    assert "+import-" in ranked.stdout
    reset = run("reset", env_dir=store, data=pkg)
    assert reset.returncode == 0
    assert "restore" in reset.stdout
    assert "+import-" not in run("rank", "--top", "1", env_dir=store, data=pkg).stdout
    restored = run("restore", env_dir=store, data=pkg)
    assert restored.returncode == 0, restored.stderr
    assert digest(active_data_dir(store)) == before, "restore brings back exactly the import that was set aside"
    again = run("restore", env_dir=store, data=pkg)
    assert again.returncode == 2
    assert "allerede en import i brug" in again.stderr


def test_import_replace_areas_removes_areas_not_in_the_file(tmp_path):
    pkg = make_package(tmp_path / "pkg")
    store = tmp_path / "store"
    areas = area_features()
    areas["features"] = [f for f in areas["features"] if f["properties"]["area_id"] != "b"]
    official = tmp_path / "officielle_områder.geojson"
    official.write_text(json.dumps(areas), encoding="utf-8")
    proc = run("import", str(official), "--replace-areas", env_dir=store, data=pkg)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "Områder fjernet: 1 (b)" in proc.stdout
    assert load_dataset(active_data_dir(store)).area_ids == ["a", "c"]


def test_validate_replace_areas_with_only_new_area_ids_gives_the_normal_report(tmp_path):
    """Every current area (and so every current value) is replaced: no crash on an empty value table."""
    pkg = make_package(tmp_path / "pkg")
    store = tmp_path / "store"
    areas = area_features()
    for feature in areas["features"]:
        feature["properties"]["area_id"] = "ny-" + feature["properties"]["area_id"]
        feature["properties"]["name"] = "Ny " + feature["properties"]["name"]
    official = tmp_path / "nye_områder.geojson"
    official.write_text(json.dumps(areas), encoding="utf-8")
    values = tmp_path / "værdier.csv"
    values.write_text("area_id,t1\nny-a,2\nny-b,3\nny-c,4\n", encoding="utf-8")
    before = digest(pkg)
    proc = run("validate", str(official), str(values), "--replace-areas", env_dir=store, data=pkg)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "Uventet fejl" not in proc.stdout + proc.stderr
    assert "Områder fjernet: 3 (a, b, c)" in proc.stdout
    assert "Ingen fejl" in proc.stdout
    assert digest(pkg) == before
    assert not store.exists()
