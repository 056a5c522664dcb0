"""Store imported data as complete data packages, atomically, and go back to the bundled set.

Layout of the import folder (``$SELECTION_IMPORT_DIR``, default ``.selection-data/``)::

    .selection-import-store      marker: this folder is an import store made by this code
    .lock                        one writer at a time (flock)
    current -> versions/<name>   the package in use (a symlink, replaced atomically)
    versions/<name>/             one complete package per import, never changed after it is written;
                                 each holds the marker ``.selection-package`` (and ``.set-aside``
                                 once ``reset_import`` has set it aside)

The store only ever writes into, renames or deletes folders that carry its markers. An existing
empty folder is adopted; any other existing file or folder is refused with a Danish message and
left untouched. Writers hold the lock and are the only ones that clean up (temporary folders of
killed imports, superseded versions); readers only resolve ``current`` once, so they see the
old or the new package, never a half one and never the bundled data by accident.

Who may change the package in use, and the change log, are ``selection.importing.apply``'s job: it calls
``write_import``, ``set_aside`` and ``restore_newest``, each a whole change under the lock, inside its rights
check.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from selection import config
from selection.data.dataset import (
    ACTORS_FILE,
    AREAS_FILE,
    CRITERIA_FILE,
    INITIATIVES_FILE,
    META_FILE,
    VALUES_FILE,
    Dataset,
    load_dataset,
)
from selection.data.package_writer import write_package, write_text_durably
from selection.errors import DataError, os_reason
from selection.text import json_input

STORE_MARKER = ".selection-import-store"
PACKAGE_MARKER = ".selection-package"
SET_ASIDE = ".set-aside"
CURRENT = "current"
VERSIONS = "versions"
TMP_PREFIX = ".tmp-"
LOCK = ".lock"
KEEP_SUPERSEDED = 2  # earlier versions kept besides the one in use (a slow reader may still read them)
_MARKER_TEXT = "Created by the import store of 'python -m selection'; do not edit.\n"
PACKAGE_FILES = (CRITERIA_FILE, AREAS_FILE, VALUES_FILE, ACTORS_FILE, INITIATIVES_FILE, META_FILE)


def _is_legacy(d: Path) -> bool:
    """A package stored by the earlier version of this store: the package files directly in the folder
    (and nothing else). It is used as the import in use and moved into ``versions/`` by the next writer."""
    try:
        if (d / STORE_MARKER).exists() or not d.is_dir():
            return False
        names = {p.name for p in d.iterdir()}
    except OSError:
        return False
    return {CRITERIA_FILE, AREAS_FILE, META_FILE} <= names <= set(PACKAGE_FILES)


def package_dir(data_dir: Path | str | None = None) -> Path:
    """The import folder: ``data_dir``, else ``config.import_dir()``."""
    return Path(data_dir) if data_dir is not None else config.import_dir()


# --------------------------------------------------------------------------- readers (never write)


def import_folder_problem(data_dir: Path | str | None = None) -> str | None:
    """A Danish message if the import folder cannot be used (it is not ours), else None."""
    d = package_dir(data_dir)
    if str(d).strip() in ("", "."):
        return "Importmappen skal have et navn."
    try:
        if not d.exists() and not d.is_symlink():
            for parent in d.parents:
                if parent.exists():
                    if not parent.is_dir():
                        return f"Importmappen {d} kan ikke oprettes: {parent} er en fil, ikke en mappe."
                    break
            return None
        if not d.is_dir():
            return (
                f"Importmappen {d} er en fil, ikke en mappe. Intet er ændret; vælg en anden mappe "
                "(fx med --data-dir eller SELECTION_IMPORT_DIR)."
            )
        if (d / STORE_MARKER).is_file() or not any(d.iterdir()) or _is_legacy(d):
            return None
    except OSError as exc:
        return f"Importmappen {d} kan ikke læses ({os_reason(exc)})."
    return (
        f"Mappen {d} findes allerede og er ikke en importmappe fra dette program (den indeholder andre "
        "filer). Den bruges ikke, og intet i den ændres; vælg en tom eller ny mappe "
        "(fx med --data-dir eller SELECTION_IMPORT_DIR)."
    )


def _current_package(d: Path) -> Path | None:
    """The package ``current`` points at, if it is a complete package of ours (read-only)."""
    try:
        if _is_legacy(d):
            return d
        if not (d / STORE_MARKER).is_file():
            return None
        target = os.readlink(d / CURRENT)
    except OSError:
        return None
    name = Path(target).name
    package = d / VERSIONS / name
    if Path(target) != Path(VERSIONS) / name or name.startswith(TMP_PREFIX):
        return None
    if all((package / f).is_file() for f in (PACKAGE_MARKER, META_FILE, AREAS_FILE)):
        return package
    return None


def has_stored_import(data_dir: Path | str | None = None) -> bool:
    return _current_package(package_dir(data_dir)) is not None


def active_data_dir(data_dir: Path | str | None = None) -> Path:
    """The package of the stored import in use if there is one, else the default (bundled) package."""
    return _current_package(package_dir(data_dir)) or config.data_dir()


def import_backups(data_dir: Path | str | None = None) -> list[Path]:
    """Imports set aside by ``reset_import``, oldest first."""
    d = package_dir(data_dir)
    versions = d / VERSIONS
    found = []
    try:
        if not (d / STORE_MARKER).is_file() or not versions.is_dir():
            return []
        for p in versions.iterdir():
            if (p / PACKAGE_MARKER).is_file() and (p / SET_ASIDE).is_file():
                found.append((_set_aside_at(p), p.name, p))
    except OSError:
        return []
    return [p for _, _, p in sorted(found)]


def _set_aside_at(package: Path) -> str:
    try:
        return (package / SET_ASIDE).read_text(encoding="utf-8").strip()[:40]
    except (OSError, UnicodeDecodeError):
        return ""


def backup_label(package: Path) -> str:
    """When an import was set aside, as shown to the user (e.g. '2026-11-29 13:05')."""
    stamp = _set_aside_at(package)
    return stamp[:16].replace("T", " ") if stamp else package.name


# --------------------------------------------------------------------------- writers (hold the lock)


def _open_store(d: Path) -> Path:
    """Create or adopt the import folder (only if new or empty); refuse anything else."""
    problem = import_folder_problem(d)
    if problem:
        raise DataError(problem)
    try:
        d.mkdir(parents=True, exist_ok=True)
        legacy = _is_legacy(d)
        if not (d / STORE_MARKER).is_file():
            if any(d.iterdir()) and not legacy:  # filled by someone else since the check
                raise DataError(import_folder_problem(d) or f"Mappen {d} kan ikke bruges som importmappe.")
            write_text_durably(d / STORE_MARKER, _MARKER_TEXT)
        (d / VERSIONS).mkdir(exist_ok=True)
        if any((d / f).is_file() for f in PACKAGE_FILES):
            _adopt_legacy_package(d)
    except OSError as exc:
        raise DataError(_write_problem(d, exc)) from None
    return d


def _adopt_legacy_package(d: Path) -> None:
    """Move a package stored directly in the folder (earlier layout) into ``versions/`` and make it current.

    Safe to repeat after a crash: the store marker is written first, files are moved one by one.
    """
    with open(d / STORE_MARKER, "a+b") as fh:  # the same lock file writers use would not exist yet
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            pending = [f for f in PACKAGE_FILES if (d / f).is_file()]
            if not pending:
                return
            legacy = sorted(p for p in (d / VERSIONS).iterdir() if p.name.endswith("-earlier-layout"))
            target = (
                legacy[-1]
                if legacy
                else d / VERSIONS / (datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-earlier-layout")
            )
            target.mkdir(exist_ok=True)
            write_text_durably(target / PACKAGE_MARKER, _MARKER_TEXT)
            for f in pending:
                os.replace(d / f, target / f)
            _point_current(d, target.name)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_problem(d: Path, exc: OSError) -> str:
    return (
        f"Importmappen {d} kan ikke skrives ({os_reason(exc)}). Intet er ændret; kontrollér "
        "mappen og rettighederne, eller vælg en anden mappe (--data-dir eller SELECTION_IMPORT_DIR)."
    )


@contextlib.contextmanager
def _writing(data_dir: Path | str | None) -> Iterator[Path]:
    """Open the store and hold its lock; file-system failures become a Danish DataError."""
    d = _open_store(package_dir(data_dir))
    try:
        with open(d / LOCK, "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                _clean_up(d)
                yield d
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError as exc:
        raise DataError(_write_problem(d, exc)) from None


def _is_ours(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / PACKAGE_MARKER).is_file()


def _clean_up(d: Path) -> None:
    """Remove what killed imports left behind and superseded versions: only folders with our marker."""
    versions = d / VERSIONS
    current = _current_package(d)
    kept_old = 0
    entries = sorted(versions.iterdir(), key=lambda p: p.name, reverse=True)  # names start with a time stamp
    for p in entries:
        if p.name.startswith(TMP_PREFIX):
            if _is_ours(p):
                shutil.rmtree(p)
            elif p.is_dir() and not p.is_symlink():
                with contextlib.suppress(OSError):
                    p.rmdir()  # killed before its marker was written: removed only if empty
            continue
        if not _is_ours(p) or p == current or (p / SET_ASIDE).is_file():
            continue
        if kept_old < KEEP_SUPERSEDED:
            kept_old += 1
            continue
        shutil.rmtree(p)
    for p in d.iterdir():
        if p.name.startswith(f".{CURRENT}{TMP_PREFIX}") and p.is_symlink():
            p.unlink()


def _point_current(d: Path, name: str | None) -> None:
    """Make ``current`` point at ``versions/name`` (or remove it), atomically."""
    link = d / CURRENT
    if name is None:
        if link.is_symlink():
            link.unlink()
        return
    tmp = d / f".{CURRENT}{TMP_PREFIX}{uuid.uuid4().hex[:8]}"
    os.symlink(f"{VERSIONS}/{name}", tmp)
    os.replace(tmp, link)
    _fsync_dir(d)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _active_version(d: Path, planned_on: str) -> str:
    """The version in use; without a stored import, any package that is not an import counts as in use."""
    package = _current_package(d)
    if package is None:
        return "medleveret" if "+import-" in planned_on else planned_on
    try:
        meta = json_input.loads((package / META_FILE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json_input.JsonError):
        return "ukendt"
    return str(meta.get("version", "ukendt")) if isinstance(meta, dict) else "ukendt"


def write_import(candidate: Dataset, data_dir: Path | str | None, planned_on: str) -> Dataset:
    """Store ``candidate`` as a new version and make it current (under the lock); return the loaded result.

    ``planned_on`` is the version the import was planned on: a plan made on data that another import (or a
    reset) has replaced since is refused with a Danish DataError and nothing changes (no lost updates).
    """
    with _writing(data_dir) as d:
        active = _active_version(d, planned_on)
        if active != planned_on:
            raise DataError(
                f"Data er ændret af en anden import, siden forhåndsvisningen blev lavet (version {planned_on} "
                f"→ {active}). Intet er ændret. Indlæs filerne igen for at se ændringerne mod de nye data."
            )
        return _store_version(candidate, d)


def set_aside(data_dir: Path | str | None = None) -> Path | None:
    """Stop using the import in use (under the lock): mark it set aside and remove ``current``.

    The package is not deleted (``restore_newest`` brings it back). Returns its folder, or None if none was in use.
    """
    d = package_dir(data_dir)
    if not d.exists():
        return None
    with _writing(d) as d:
        package = _current_package(d)
        if package is None:
            return None
        write_text_durably(package / SET_ASIDE, datetime.now(UTC).isoformat(timespec="microseconds") + "\n")
        _point_current(d, None)  # atomic: the import stops being used at once
        return package


def restore_newest(data_dir: Path | str | None = None) -> tuple[Path, Dataset]:
    """Use the newest import set aside again (under the lock); a copy that no longer loads is skipped.

    Returns its folder and the loaded package; DataError (Danish) when none can be restored."""
    with _writing(data_dir) as d:
        return _restore_newest(d)


def _restore_newest(d: Path) -> tuple[Path, Dataset]:
    if _current_package(d) is not None:
        raise DataError("Der er allerede en import i brug; gå først tilbage til det medleverede datasæt.")
    backups = import_backups(d)
    if not backups:
        raise DataError("Der er ingen tidligere import at gendanne.")
    broken = []
    for package in reversed(backups):
        try:
            restored = load_dataset(package)  # never restore a package that does not load
        except DataError as exc:
            broken.append(f"{backup_label(package)}: {str(exc).splitlines()[0] if str(exc) else 'fejl'}")
            continue
        (package / SET_ASIDE).unlink()
        _point_current(d, package.name)
        return package, restored
    raise DataError("Ingen af de gemte importer kan indlæses, så ingen er gendannet: " + "; ".join(broken))


def _store_version(candidate: Dataset, d: Path) -> Dataset:
    """Write a new version beside the others, prove it loads, then point ``current`` at it."""
    versions = d / VERSIONS
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{stamp}-{uuid.uuid4().hex[:8]}"
    tmp = versions / f"{TMP_PREFIX}{name}"
    tmp.mkdir()
    try:
        write_text_durably(tmp / PACKAGE_MARKER, _MARKER_TEXT)
        write_package(candidate, tmp)
        loaded = load_dataset(tmp)  # never make current a package that does not load
        os.rename(tmp, versions / name)
        _fsync_dir(versions)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _point_current(d, name)
    return loaded


__all__ = [
    "active_data_dir",
    "backup_label",
    "has_stored_import",
    "import_backups",
    "import_folder_problem",
    "package_dir",
    "restore_newest",
    "set_aside",
    "write_import",
]
