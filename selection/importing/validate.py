"""Validate imported official data against the current data set, without writing anything.

``validate_import(sources, current)`` reads area polygons (GeoJSON, GeoPackage, zipped Shapefile),
indicator values (CSV as Danish Excel writes it, standard CSV, XLSX; wide or long layout) and actor
registries (points or CSV with coordinates), matches them to the current areas and sectors, and
returns an ``ImportPlan``: the Danish report (errors block, warnings inform), the candidate package
contents merged into a copy of the current data and a diff summary. Storing a plan is
``selection.storage.packages.apply_import``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from selection.data.dataset import Dataset
from selection.errors import Report
from selection.importing.apply_files import apply_file, finish_areas
from selection.importing.columns import ACTOR_SECTOR_COLS, coordinate_columns
from selection.importing.matching import find_column
from selection.importing.plan import KINDS, ImportPlan
from selection.importing.readers.source import ImportFile, Source, load_source
from selection.importing.readers.table import Table
from selection.importing.readers.tabular import TABLE_EXTENSIONS, read_table
from selection.importing.readers.vector import VECTOR_EXTENSIONS, VectorData, read_vector
from selection.importing.state import ImportState
from selection.limits import Limits


def validate_import(
    sources: Source | Sequence[Source],
    current: Dataset,
    *,
    kinds: str | Mapping[str, str] | None = None,
    layer: str | Mapping[str, str] | None = None,
    crs: str | None = None,
    limits: Limits | None = None,
    now: datetime | None = None,
    replace_areas: bool = False,
) -> ImportPlan:
    """Read, check and match imported files; return a plan (pure: nothing is written).

    ``sources``: file paths and/or ``(file name, bytes)`` uploads. ``kinds``: "areas", "values" or
    "actors" for all files, or per file name; otherwise guessed from the content. ``layer``: layer
    (GeoPackage) or sheet (XLSX) to read, for all files or per file name. ``crs``: the coordinate system
    of actor CSV files with x/y or lon/lat columns (required for those). ``replace_areas``: the area
    file is the complete list; current areas that are not in it are removed, with their values and
    known initiatives (otherwise areas are only added or updated).
    """
    limits = limits or Limits()
    stamp = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    report = Report()
    if isinstance(sources, (str, os.PathLike, tuple, ImportFile)):
        sources = [sources]
    state = ImportState(current, report, stamp, limits, crs, replace_areas)
    items = [it for it in (load_source(s, limits, report) for s in sources) if it is not None]
    if not items and not report.errors:
        report.error("Ingen filer at importere.")
    names = [it.name for it in items]
    for name in sorted({n for n in names if names.count(n) > 1}):
        report.error(
            f"{names.count(name)} filer har samme navn; giv dem hver sit navn, så rapporten og valget af type og lag "
            "kan skelne dem.",
            name,
        )
    if report.errors:
        return state.plan()
    loaded: list[tuple[str, ImportFile, Any]] = []
    for item in items:
        wanted = kinds if isinstance(kinds, str) or kinds is None else kinds.get(item.name)
        lay = layer if isinstance(layer, str) or layer is None else layer.get(item.name)
        got = _classify_and_read(item, wanted, lay, limits, report)
        if got is not None:
            loaded.append((got[0], item, got[1]))
    if replace_areas and loaded and not any(k == "areas" for k, _, _ in loaded):
        report.error("'Erstat hele områdesættet' kræver en fil med områder (polygoner) i importen.")
    for kind in KINDS:  # areas first, so values and actors can refer to new areas
        for k, item, data in loaded:
            if k == kind:
                apply_file(state, kind, item, data)
        if kind == "areas":
            finish_areas(state)
    return state.plan()


def _classify_and_read(
    item: ImportFile, wanted: str | None, layer: str | None, limits: Limits, report: Report
) -> tuple[str, VectorData | Table] | None:
    suffix = item.suffix
    if wanted is not None and wanted not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {wanted!r}")
    if suffix not in VECTOR_EXTENSIONS + TABLE_EXTENSIONS:
        report.error(
            f"Filtypen '{suffix or '(ingen)'}' understøttes ikke. Brug GeoJSON, GeoPackage (.gpkg) eller zippet "
            "Shapefile (.zip) til områder og aktører, og CSV eller Excel (.xlsx) til værdier og aktører.",
            item.name,
        )
        return None
    if wanted == "areas" and suffix not in VECTOR_EXTENSIONS:
        report.error(
            "Filen har ikke den forventede type: områder skal være GeoJSON, GeoPackage eller zippet Shapefile.",
            item.name,
        )
        return None
    if wanted == "values" and suffix not in TABLE_EXTENSIONS:
        report.error("Filen har ikke den forventede type: værdier skal være CSV eller Excel (.xlsx).", item.name)
        return None
    if suffix in VECTOR_EXTENSIONS:
        vec = read_vector(item, limits, report, layer)
        if vec is None:
            return None
        if wanted is None:
            points = bool(len(vec.gdf)) and all(g is not None and g.geom_type == "Point" for g in vec.gdf.geometry)
            wanted = "actors" if points and find_column(vec.gdf.columns, ACTOR_SECTOR_COLS) else "areas"
        return wanted, vec
    table = read_table(item, limits, report, layer)
    if table is None:
        return None
    if wanted is None:
        wanted = "actors" if coordinate_columns(table.header) else "values"
    return wanted, table
