"""Store imported data as a complete data package, atomically, and go back to the bundled set.

``apply_import`` writes every file of the package format (data/areas/README.md) into a temporary
folder next to the data dir, loads it with ``load_dataset`` to prove it is valid, then swaps it in
with renames; the previous package is kept as ``<data dir>.previous``. A crash at any point leaves
either the old or the new package, never a half one.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import fcntl
import io
import json
import math
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from .criteria import CriteriaModel
from .dataset import (
    ACTORS_FILE,
    AREA_TEXT_COLUMNS,
    AREAS_FILE,
    CRITERIA_FILE,
    INITIATIVES_FILE,
    META_FILE,
    VALUES_FILE,
    Dataset,
    default_data_dir,
    load_dataset,
)
from .errors import DataError
from .geometry import WGS84
from .importing import ImportPlan

REPO = Path(__file__).resolve().parent.parent
PREVIOUS_SUFFIX = ".previous"
BACKUP_SUFFIX = ".reset-"


def default_import_dir() -> Path:
    """Where imported data is stored: $SELECTION_IMPORT_DIR, else <repo>/.selection-data."""
    return Path(os.environ.get("SELECTION_IMPORT_DIR") or REPO / ".selection-data")


def has_stored_import(data_dir: Path | str | None = None) -> bool:
    d = _recover(Path(data_dir) if data_dir is not None else default_import_dir())
    return (d / META_FILE).is_file() and (d / AREAS_FILE).is_file()


def active_data_dir(data_dir: Path | str | None = None) -> Path:
    """The stored import if there is one, else the default (bundled) package."""
    d = Path(data_dir) if data_dir is not None else default_import_dir()
    return d if has_stored_import(d) else default_data_dir()


def apply_import(plan: ImportPlan, data_dir: Path | str | None = None) -> Dataset:
    """Write the plan's candidate package atomically into ``data_dir``; return the loaded result."""
    if not plan.ok:
        raise DataError(plan.report if plan.report.errors else "Der er intet at importere.")
    data_dir = Path(data_dir) if data_dir is not None else default_import_dir()
    with _locked(data_dir):
        _recover(data_dir)
        _check_unchanged(plan, data_dir)
        return _store(_candidate_with_history(plan), data_dir)


def _check_unchanged(plan: ImportPlan, data_dir: Path) -> None:
    """Refuse a plan made on data that another import has replaced since (no lost updates)."""
    if not has_stored_import(data_dir):
        return
    stored = json.loads((data_dir / META_FILE).read_text(encoding="utf-8")).get("version")
    if stored != plan.current.version:
        raise DataError(
            f"Data er ændret af en anden import, siden forhåndsvisningen blev lavet (version {plan.current.version} "
            f"→ {stored}). Intet er ændret. Indlæs filerne igen for at se ændringerne mod de nye data."
        )


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    """One writer at a time per data directory (an exclusive lock on a file beside it)."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(data_dir.with_name(f".{data_dir.name}.lock"), "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _candidate_with_history(plan: ImportPlan) -> Dataset:
    """The plan's data set with the import recorded in its metadata and a new version."""
    meta = dict(plan.current.meta)
    imports = list(meta.get("imports") or [])
    imports += [{"file": f.name, "kind": f.kind, "imported_at": plan.imported_at, "details": f.details}
                for f in plan.files]
    base = str(meta.get("version", "ukendt")).split("+import-")[0]
    meta["version"] = f"{base}+import-{plan.imported_at.replace(':', '').replace('-', '')}"
    meta["imports"] = imports
    return dataclasses.replace(plan.candidate(), meta=meta)


def reset_import(data_dir: Path | str | None = None) -> Path | None:
    """Stop using the stored import: the bundled package is used again.

    The import is not deleted: it is moved, atomically, to a dated backup beside the data
    directory (``restore_import`` brings the newest back). Returns the backup's path.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_import_dir()
    with _locked(data_dir):
        _recover(data_dir)
        previous = Path(str(data_dir) + PREVIOUS_SUFFIX)
        if previous.exists():
            trash = previous.with_name(f".{previous.name}.trash-{uuid.uuid4().hex[:8]}")
            os.replace(previous, trash)
            shutil.rmtree(trash, ignore_errors=True)
        if not data_dir.exists():
            return None
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        backup = Path(f"{data_dir}{BACKUP_SUFFIX}{stamp}")
        os.replace(data_dir, backup)  # atomic: the import stops being used at once
        return backup


def import_backups(data_dir: Path | str | None = None) -> list[Path]:
    """Imports set aside by ``reset_import``, oldest first."""
    data_dir = Path(data_dir) if data_dir is not None else default_import_dir()
    if not data_dir.parent.is_dir():
        return []
    prefix = data_dir.name + BACKUP_SUFFIX
    return sorted(p for p in data_dir.parent.iterdir() if p.name.startswith(prefix) and (p / META_FILE).is_file())


def restore_import(data_dir: Path | str | None = None) -> Dataset:
    """Use the newest import set aside by ``reset_import`` again (only when no import is in use)."""
    data_dir = Path(data_dir) if data_dir is not None else default_import_dir()
    with _locked(data_dir):
        if has_stored_import(data_dir):
            raise DataError("Der er allerede en import i brug; gå først tilbage til det medleverede datasæt.")
        backups = import_backups(data_dir)
        if not backups:
            raise DataError("Der er ingen tidligere import at gendanne.")
        restored = load_dataset(backups[-1])  # never restore a package that does not load
        os.replace(backups[-1], data_dir)
    return restored


def export_package(dataset: Dataset, folder: Path | str) -> Path:
    """Write ``dataset`` as a complete data package into ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_package(dataset, folder)
    return folder


def _store(candidate: Dataset, data_dir: Path) -> Dataset:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = data_dir.with_name(f".{data_dir.name}.tmp-{uuid.uuid4().hex[:8]}")
    previous = Path(str(data_dir) + PREVIOUS_SUFFIX)
    try:
        tmp.mkdir()
        _write_package(candidate, tmp)
        loaded = load_dataset(tmp)  # never swap in a package that does not load
        if data_dir.exists():
            if previous.exists():
                trash = previous.with_name(f".{previous.name}.trash-{uuid.uuid4().hex[:8]}")
                os.replace(previous, trash)
                shutil.rmtree(trash, ignore_errors=True)
            os.replace(data_dir, previous)
        os.replace(tmp, data_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    del loaded
    return load_dataset(data_dir)


def _recover(data_dir: Path) -> Path:
    """Finish an interrupted swap: the data dir was moved aside but the new one not yet renamed."""
    previous = Path(str(data_dir) + PREVIOUS_SUFFIX)
    if not data_dir.exists() and previous.is_dir():
        os.replace(previous, data_dir)
    return data_dir


# --------------------------------------------------------------------------- writers


def _write_package(ds: Dataset, folder: Path) -> None:
    _write_text(folder / CRITERIA_FILE, json.dumps(criteria_json(ds.model), ensure_ascii=False, indent=2) + "\n")
    _write_areas(folder / AREAS_FILE, ds.areas)
    _write_values(folder / VALUES_FILE, ds.values)
    _write_actors(folder / ACTORS_FILE, ds.actors)
    _write_initiatives(folder / INITIATIVES_FILE, ds.initiatives)
    _write_text(folder / META_FILE, json.dumps(ds.meta, ensure_ascii=False, indent=2) + "\n")


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def criteria_json(model: CriteriaModel) -> dict[str, Any]:
    """The criteria model as the JSON of criteria.json (load_criteria gives the same model back)."""
    return {
        "schema_version": 1,
        "actor_distance_m": model.actor_distance_m,
        "sectors": [{"id": s.id, "label": s.label} for s in model.sectors],
        "criteria": [
            {"id": c.id, "label": c.label, "description": c.description, "default_weight": c.default_weight,
             "indicators": [
                 {"id": i.id, "label": i.label, "description": i.description, "unit": i.unit,
                  "direction": i.direction, "scale": {"min": i.scale_min, "max": i.scale_max},
                  "default_weight": i.default_weight,
                  **({"computed": {"method": i.computed}} if i.computed else {}),
                  **({"assessment": True} if i.assessment else {}),
                  **({"anchors": {_number_text(p): text for p, text in i.anchors}} if i.anchors else {})}
                 for i in c.indicators]}
            for c in model.criteria
        ],
    }


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if pd.isna(value) if not isinstance(value, (list, dict)) else False:
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _features(gdf: gpd.GeoDataFrame, columns: list[str]) -> str:
    if len(gdf) and gdf.crs is not None and not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    feats = []
    for _, row in gdf.iterrows():
        props = {c: _json_value(row[c]) if c in gdf.columns else None for c in columns}
        geom = row.geometry
        feats.append({"type": "Feature", "geometry": mapping(geom) if geom is not None else None,
                      "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, indent=1) + "\n"


def _write_areas(path: Path, areas: gpd.GeoDataFrame) -> None:
    cols = ["area_id", "name", *AREA_TEXT_COLUMNS, "residents", "dwellings", "list_confidence", "geometry_quality"]
    _write_text(path, _features(areas, cols))


def _write_actors(path: Path, actors: gpd.GeoDataFrame) -> None:
    cols = ["actor_id", "name", "sector", "kind", "source", "note", "area_id", "position_quality"]
    _write_text(path, _features(actors, cols))


def _number_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    f = float(value)
    return str(int(f)) if f.is_integer() else repr(f)


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _write_values(path: Path, values: pd.DataFrame) -> None:
    cols = ["area_id", "indicator_id", "value", "kind", "source", "note"]
    rows = [[_cell(r.area_id), _cell(r.indicator_id), _number_text(r.value), _cell(r.kind), _cell(r.source),
             _cell(r.note)] for r in values[cols].itertuples(index=False)]
    _write_text(path, _csv_text(cols, rows))


def _write_initiatives(path: Path, initiatives: pd.DataFrame) -> None:
    cols = ["area_id", "name", "type", "period", "verification", "source"]
    rows = [[_cell(r.get(c)) for c in cols] for r in initiatives.to_dict("records")]
    _write_text(path, _csv_text(cols, rows))


__all__ = [
    "active_data_dir", "apply_import", "criteria_json", "default_import_dir", "export_package",
    "has_stored_import", "reset_import",
]
