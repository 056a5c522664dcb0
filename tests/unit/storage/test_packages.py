"""Issue 7, classes 1-4: the import store never destroys data it did not create, never loses an
update, readers never repair (and never see the bundled data by accident), killed imports are
cleaned up and restore skips a copy that no longer loads."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selection.cli.main import main
from selection.data.dataset import load_dataset
from selection.data.package_writer import export_package
from selection.errors import DataError
from selection.importing import validate_import
from selection.importing.apply import apply_import, reset_import, restore_import
from selection.storage import packages as import_store
from selection.storage.packages import active_data_dir, has_stored_import, import_backups, import_folder_problem
from tests.support.factory import ADMIN, BUNDLED, make_package


def snapshot(root: Path) -> dict[str, str]:
    """Content of every file, target of every symlink and every folder below ``root`` (and root itself)."""
    if root.is_file():
        return {"": hashlib.sha256(root.read_bytes()).hexdigest()}
    out = {}
    for p in sorted(root.rglob("*")):
        key = str(p.relative_to(root))
        if p.is_symlink():
            out[key] = "->" + os.readlink(p)
        elif p.is_file():
            out[key] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[key] = "dir"
    return out


@pytest.fixture
def current(tmp_path):
    return load_dataset(make_package(tmp_path / "pkg"))


def plan_for(current, value: int = 4, name: str = "v.csv"):
    plan = validate_import([(name, f"area_id,t1\na,{value}\n".encode())], current)
    assert plan.ok, [str(p) for p in plan.errors]
    return plan


def user_folder(path: Path) -> Path:
    """A folder a person keeps their own things in."""
    path.mkdir(parents=True)
    (path / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (path / "note.txt").write_text("Mødereferat – må ikke slettes\n", encoding="utf-8")
    (path / "sub").mkdir()
    (path / "sub" / "dataset.json").write_text('{"version": "mine"}', encoding="utf-8")
    return path


# --------------------------------------------------------------------------- 1. never delete what is not ours


def test_foreign_folder_is_refused_and_untouched_by_import_reset_restore(tmp_path, current):
    folder = user_folder(tmp_path / "mine")
    before = snapshot(tmp_path)
    for attempt in range(2):
        with pytest.raises(DataError, match="ikke en importmappe"):
            apply_import(plan_for(current, 3 + attempt), folder, actor=ADMIN)
    with pytest.raises(DataError, match="ikke en importmappe"):
        reset_import(folder, actor=ADMIN)
    with pytest.raises(DataError, match="ikke en importmappe"):
        restore_import(folder, actor=ADMIN)
    assert not has_stored_import(folder)
    assert import_backups(folder) == []
    assert import_folder_problem(folder)
    assert "ikke en importmappe" in import_folder_problem(folder)
    assert snapshot(tmp_path) == before


def test_a_file_at_the_import_path_is_refused_and_untouched(tmp_path, current):
    file = tmp_path / "store"
    file.write_text("a file the user keeps here", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="er en fil"):
        apply_import(plan_for(current), file, actor=ADMIN)
    with pytest.raises(DataError, match="er en fil"):
        reset_import(file, actor=ADMIN)
    assert snapshot(tmp_path) == before


def test_import_folder_below_a_file_or_unwritable_gives_a_danish_message(tmp_path, current):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match="er en fil, ikke en mappe"):
        apply_import(plan_for(current), tmp_path / "afile" / "store", actor=ADMIN)
    if os.geteuid() == 0:
        return  # root may write anywhere; the read-only case cannot happen
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(DataError, match="kan ikke skrives"):
            apply_import(plan_for(current), locked / "store", actor=ADMIN)
    finally:
        locked.chmod(0o700)


def test_cli_import_into_foreign_folder_exits_2_in_danish(tmp_path, capsys, monkeypatch):
    pkg = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(pkg))
    folder = user_folder(tmp_path / "mine")
    values = tmp_path / "v.csv"
    values.write_bytes(b"area_id,t1\na,4\n")
    before = snapshot(folder)
    for command in (["import", str(values)], ["reset"], ["restore"], ["import", str(values)]):
        assert main([*command, "--data-dir", str(folder)]) == 2
        assert "ikke en importmappe" in capsys.readouterr().err
    assert snapshot(folder) == before


def test_an_empty_folder_is_adopted_and_marked(tmp_path, current):
    folder = tmp_path / "empty"
    folder.mkdir()
    apply_import(plan_for(current), folder, actor=ADMIN)
    assert (folder / import_store.STORE_MARKER).is_file()
    assert (active_data_dir(folder) / import_store.PACKAGE_MARKER).is_file()


def test_store_never_deletes_an_unmarked_folder_inside_it(tmp_path, current):
    """A folder someone puts among the versions (no marker) survives imports, resets and clean-ups."""
    store = tmp_path / "store"
    apply_import(plan_for(current, 2), store, actor=ADMIN)
    intruder = user_folder(store / "versions" / "00000000T000000Z-mine")
    tmp_like = user_folder(store / "versions" / ".tmp-looks-like-ours")
    kept = snapshot(intruder), snapshot(tmp_like)
    for value in (3, 4, 5, 1):
        apply_import(plan_for(load_dataset(active_data_dir(store)), value), store, actor=ADMIN)
    reset_import(store, actor=ADMIN)
    restore_import(store, actor=ADMIN)
    assert (snapshot(intruder), snapshot(tmp_like)) == kept


# --------------------------------------------------------------------------- 2. no lost update


def test_two_imports_in_the_same_second_get_different_versions_and_the_later_plan_is_refused(tmp_path, current):
    store = tmp_path / "store"
    same_second = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    def plan(ds, value, name):
        made = validate_import([(name, f"area_id,t1\na,{value}\n".encode())], ds, now=same_second)
        assert made.ok
        return made

    a, b = plan(current, 2, "a.csv"), plan(current, 5, "b.csv")
    first = apply_import(a, store, actor=ADMIN)
    second = apply_import(plan(first, 3, "c.csv"), store, actor=ADMIN)
    assert first.version != second.version
    assert a.imported_at == b.imported_at
    with pytest.raises(DataError, match="ændret af en anden import"):
        apply_import(b, store, actor=ADMIN)
    stored = load_dataset(active_data_dir(store))
    assert [i["file"] for i in stored.meta["imports"]] == ["a.csv", "c.csv"]


def test_versions_are_unique_even_for_identical_imports_at_the_same_time(tmp_path, current):
    store = tmp_path / "store"
    versions = set()
    ds = current
    for _ in range(5):
        plan = plan_for(ds, 4)
        ds = apply_import(plan, store, actor=ADMIN)
        versions.add(ds.version)
        assert ds.meta["content_sha256"]
    assert len(versions) == 5


def test_a_plan_made_before_a_reset_is_refused(tmp_path, current):
    store = tmp_path / "store"
    ds = apply_import(plan_for(current, 2), store, actor=ADMIN)
    late = plan_for(ds, 5)
    reset_import(store, actor=ADMIN)
    with pytest.raises(DataError, match="ændret af en anden import"):
        apply_import(late, store, actor=ADMIN)


# --------------------------------------------------------------------------- 3. readers never repair


def test_readers_see_old_or_new_import_never_the_bundled_data(tmp_path, current, monkeypatch):
    monkeypatch.delenv("SELECTION_DATA", raising=False)
    store = tmp_path / "store"
    apply_import(plan_for(current, 1), store, actor=ADMIN)
    stop = threading.Event()
    seen: list[str] = []
    failures: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            folder = active_data_dir(store)
            if folder == BUNDLED:
                failures.append("bundled data returned while an import is in use")
                continue
            try:
                seen.append(load_dataset(folder).version)
            except Exception as exc:
                failures.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for value in (2, 3, 4, 5, 1, 2):
            apply_import(plan_for(load_dataset(active_data_dir(store)), value), store, actor=ADMIN)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures[:3]
    assert len(set(seen)) >= 2


def test_readers_do_not_write(tmp_path, current):
    store = tmp_path / "store"
    apply_import(plan_for(current, 2), store, actor=ADMIN)
    (store / "versions" / ".tmp-killed").mkdir()
    (store / "versions" / ".tmp-killed" / import_store.PACKAGE_MARKER).write_text("x", encoding="utf-8")
    before = snapshot(store)
    for _ in range(3):
        has_stored_import(store), active_data_dir(store), import_backups(store), import_folder_problem(store)
    assert snapshot(store) == before


# --------------------------------------------------------------------------- 4. clean-up and restore


def test_temporary_folders_of_a_killed_import_are_removed_by_the_next_writer(tmp_path, current):
    store = tmp_path / "store"
    apply_import(plan_for(current, 2), store, actor=ADMIN)
    killed = store / "versions" / ".tmp-20260101T000000Z-dead"
    killed.mkdir()
    (killed / import_store.PACKAGE_MARKER).write_text("x", encoding="utf-8")
    (killed / "areas.geojson").write_text("{half", encoding="utf-8")
    empty = store / "versions" / ".tmp-20260101T000001Z-empty"
    empty.mkdir()
    apply_import(plan_for(load_dataset(active_data_dir(store)), 3), store, actor=ADMIN)
    assert not killed.exists()
    assert not empty.exists()


def test_restore_falls_back_to_the_next_copy_when_the_newest_is_corrupt(tmp_path, current):
    store = tmp_path / "store"
    apply_import(plan_for(current, 2), store, actor=ADMIN)
    older = reset_import(store, actor=ADMIN)
    apply_import(plan_for(current, 5), store, actor=ADMIN)
    newest = reset_import(store, actor=ADMIN)
    assert import_backups(store) == [older, newest]
    (newest / "areas.geojson").write_text("{ not json", encoding="utf-8")
    restored = restore_import(store, actor=ADMIN)
    assert active_data_dir(store) == older
    assert restored.values.set_index(["area_id", "indicator_id"]).at[("a", "t1"), "value"] == 2
    assert newest.exists(), "the corrupt copy is kept, never deleted"


def test_restore_with_only_corrupt_copies_says_so_and_changes_nothing(tmp_path, current):
    store = tmp_path / "store"
    apply_import(plan_for(current, 2), store, actor=ADMIN)
    copy = reset_import(store, actor=ADMIN)
    (copy / "values.csv").write_text("area_id,indicator_id,value,kind\na,t1,ni,sourced\n", encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(DataError, match="Ingen af de gemte importer kan indlæses"):
        restore_import(store, actor=ADMIN)
    assert snapshot(store) == before


# --------------------------------------------------------------------------- property: bytes never change the store


EXTENSIONS = [".csv", ".xlsx", ".geojson", ".json", ".gpkg", ".zip", ".txt", ".exe", ""]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=3000),
    ext=st.sampled_from(EXTENSIONS),
    prefix=st.sampled_from(
        [
            b"",
            b"area_id,t1\n",
            "område;t1\n".encode("cp1252"),
            b"PK\x03\x04",
            b'{"type":"FeatureCollection","features":[',
        ]
    ),
)
def test_whatever_bytes_are_uploaded_the_store_is_unchanged_unless_confirmed(tmp_path_factory, data, ext, prefix):
    root = tmp_path_factory.mktemp("prop")
    current = load_dataset(make_package(root / "pkg"))
    store = root / "store"
    apply_import(plan_for(current, 2), store, actor=ADMIN)
    before = snapshot(root)
    plan = validate_import([("upload" + ext, prefix + data)], load_dataset(active_data_dir(store)))
    assert snapshot(root) == before, "validation must never write"
    if not plan.ok:
        with pytest.raises(DataError):
            apply_import(plan, store, actor=ADMIN)
        assert snapshot(root) == before


def test_a_package_stored_by_the_earlier_layout_is_used_and_adopted(tmp_path, current):
    """Before markers existed the store kept the package files directly in the folder: not lost."""
    store = tmp_path / "store"
    export_package(apply_import(plan_for(current, 2), tmp_path / "new", actor=ADMIN), store)
    (store / "dataset.json").write_text(json.dumps({"version": "t1+import-old"}), encoding="utf-8")
    files = snapshot(store)
    assert import_folder_problem(store) is None
    assert active_data_dir(store) == store
    assert snapshot(store) == files
    ds = load_dataset(active_data_dir(store))
    apply_import(plan_for(ds, 5), store, actor=ADMIN)  # the first writer moves it into versions/ and keeps it
    kept = [p for p in (store / "versions").iterdir() if p.name.endswith("-earlier-layout")]
    assert len(kept) == 1
    assert snapshot(kept[0]) == {
        **files,
        import_store.PACKAGE_MARKER: snapshot(kept[0])[import_store.PACKAGE_MARKER],
    }
    assert load_dataset(active_data_dir(store)).meta["imports"][-1]["file"] == "v.csv"


def test_import_view_with_a_foreign_import_folder_says_so_and_changes_nothing(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.support.factory import REPO
    from tests.support.markup import shown

    monkeypatch.setenv("SELECTION_DATA", str(make_package(tmp_path / "pkg")))
    folder = user_folder(tmp_path / "mine")
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(folder))
    before = snapshot(folder)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.segmented_control(key="view").set_value("Indlæs data").run()
    assert any("ikke en importmappe" in shown(e.value) for e in at.error)
    at.get("file_uploader")[0].set_value([("v.csv", b"area_id,t1\na,4\n", "text/csv")])
    at.run()
    at.button(key="import_apply").click().run()
    assert not at.exception, at.exception
    assert any("ikke en importmappe" in shown(e.value) for e in at.error)
    assert not any("Importen er anvendt" in s.value for s in at.success)
    assert snapshot(folder) == before
