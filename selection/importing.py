"""Validate imported official data against the current data set, without writing anything.

``validate_import(sources, current)`` reads area polygons (GeoJSON, GeoPackage, zipped Shapefile),
indicator values (CSV as Danish Excel writes it, standard CSV, XLSX; wide or long layout) and actor
registries (points or CSV with coordinates), matches them to the current areas and sectors, and
returns an ``ImportPlan``: the Danish report (errors block, warnings inform), the candidate package
contents merged into a copy of the current data and a diff summary. Storing a plan is
``selection.import_store.apply_import``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import Point

from .criteria import Indicator
from .dataset import AREA_TEXT_COLUMNS, GEOMETRY_QUALITIES, LIST_CONFIDENCES, VALUE_KINDS, Dataset
from .errors import Problem, Report
from .extent import ExtentFinding, check_place
from .geometry import WGS84, check_area_geometries
from .import_matching import (
    AREA_ID_COLUMNS,
    AREA_NAME_COLUMNS,
    AreaMatcher,
    SectorMatcher,
    find_column,
    norm_key,
    slugify,
)
from .number_parser import NumberError, parse_count, parse_number
from .import_readers import (
    TABLE_EXTENSIONS,
    VECTOR_EXTENSIONS,
    ImportFile,
    Limits,
    Source,
    Table,
    VectorData,
    list_layers,
    load_source,
    read_table,
    read_vector,
    short,
)

__all__ = [
    "KINDS", "ImportDiff", "ImportPlan", "ImportedFile", "Limits", "ValueChange", "list_layers", "validate_import",
]

KINDS = ("areas", "values", "actors")
KIND_LABELS = {"areas": "områder", "values": "indikatorværdier", "actors": "aktører"}
VALUE_COLUMNS = ["area_id", "indicator_id", "value", "kind", "source", "note"]
ACTOR_COLUMNS = ["actor_id", "name", "sector", "kind", "source", "note", "area_id", "position_quality"]

_INDICATOR_COLS = ("indicator_id", "indikator_id", "indicator", "indikator")
_VALUE_COLS = ("value", "værdi", "vaerdi")
_KIND_COLS = ("kind", "type_af_værdi", "værditype")
_SOURCE_COLS = ("source", "kilde")
_NOTE_COLS = ("note", "bemærkning", "kommentar")
_WIDE_META = ("bydel", "kommune", "aar", "år", "year", *_KIND_COLS, *_SOURCE_COLS, *_NOTE_COLS)
_ACTOR_NAME_COLS = ("name", "navn", "aktør", "aktoer", "actor")
_ACTOR_SECTOR_COLS = ("sector", "sektor", "kategori", "category", "type")
_ACTOR_ID_COLS = ("actor_id", "aktør_id", "aktoer_id", "id")
_XY_COLS = (("x", "easting", "øst", "oest"), ("y", "northing", "nord"))
_LONLAT_COLS = (("lon", "lng", "long", "longitude", "længdegrad"), ("lat", "latitude", "breddegrad"))


@dataclass(frozen=True)
class ValueChange:
    area_id: str
    indicator_id: str
    old: float | None
    new: float | None


@dataclass
class ImportDiff:
    """What the import would change compared with the current data."""

    areas_added: list[str] = field(default_factory=list)
    areas_removed: list[str] = field(default_factory=list)
    geometry_changed: list[str] = field(default_factory=list)
    values_changed: list[ValueChange] = field(default_factory=list)
    actors_before: int = 0
    actors_after: int = 0
    actors_replaced: bool = False
    values_removed: int = 0
    initiatives_removed: int = 0

    def lines(self) -> list[str]:
        """A short Danish summary for a preview."""
        def listed(ids: list[str]) -> str:
            return f"{len(ids)}" + (f" ({', '.join(ids)})" if ids else "")

        out = [
            f"Områder tilføjet: {listed(self.areas_added)}",
            f"Områder fjernet: {listed(self.areas_removed)}",
            f"Områder med ny grænse: {len(self.geometry_changed)}",
            f"Værdier ændret: {len(self.values_changed)}",
        ]
        if self.values_removed or self.initiatives_removed:
            out.append(f"Fjernet med områderne: {self.values_removed} værdier, "
                       f"{self.initiatives_removed} kendte indsatser")
        if self.actors_replaced:
            out.append(f"Aktører: {self.actors_before} før, {self.actors_after} efter")
        return out


@dataclass(frozen=True)
class ImportedFile:
    name: str
    kind: str  # areas / values / actors
    details: str = ""  # what was detected (format, encoding, separator, layer, ...)


@dataclass
class ImportPlan:
    """Result of ``validate_import``: report, candidate package contents and diff. Never written by itself."""

    report: Report
    current: Dataset
    areas: gpd.GeoDataFrame
    values: pd.DataFrame
    actors: gpd.GeoDataFrame
    diff: ImportDiff
    files: list[ImportedFile]
    imported_at: str
    sector_mapping: dict[str, str | None] = field(default_factory=dict)
    initiatives: pd.DataFrame | None = None  # None: the current ones, unchanged

    @property
    def ok(self) -> bool:
        return not self.report.errors and bool(self.files)

    @property
    def errors(self) -> list[Problem]:
        return self.report.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.report.warnings

    def candidate(self) -> Dataset:
        """The new data set (not re-validated; ``apply_import`` validates the written package)."""
        c = self.current
        initiatives = c.initiatives if self.initiatives is None else self.initiatives
        return Dataset(self.areas, c.model, self.values, self.actors, initiatives, dict(c.meta), ())


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
    stamp = (now or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()
    report = Report()
    if isinstance(sources, (str, Path, tuple, ImportFile)):
        sources = [sources]
    state = _State(current, report, stamp, limits, crs, replace_areas)
    items = [it for it in (load_source(s, limits, report) for s in sources) if it is not None]
    if not items and not report.errors:
        report.error("Ingen filer at importere.")
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
                state.apply(kind, item, data)
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
            points = bool(len(vec.gdf)) and all(
                g is not None and g.geom_type == "Point" for g in vec.gdf.geometry
            )
            wanted = "actors" if points and find_column(vec.gdf.columns, _ACTOR_SECTOR_COLS) else "areas"
        return wanted, vec
    table = read_table(item, limits, report, layer)
    if table is None:
        return None
    if wanted is None:
        wanted = "actors" if _coordinate_columns(table.header) else "values"
    return wanted, table


def _coordinate_columns(header: Sequence[str]) -> tuple[str, str] | None:
    for xs, ys in (_XY_COLS, _LONLAT_COLS):
        x, y = find_column(header, xs), find_column(header, ys)
        if x and y:
            return x, y
    return None


def _label(pos: int, name: Any) -> str:
    text = _text(name)
    return f"objekt {pos}" + (f" ({text})" if text else "")


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


class _State:
    """Accumulates the candidate data while the files are applied one by one."""

    def __init__(self, current: Dataset, report: Report, stamp: str, limits: Limits, crs: str | None,
                 replace_areas: bool = False):
        self.current, self.report, self.stamp, self.limits, self.crs = current, report, stamp, limits, crs
        self.replace_areas = replace_areas
        self.areas = current.areas.copy()
        self.values = current.values.copy()
        self.initiatives = current.initiatives.copy()
        self.removed_values = self.removed_initiatives = 0
        self.actors: gpd.GeoDataFrame | None = None
        self.files: list[ImportedFile] = []
        self.changes: dict[tuple[str, str], ValueChange] = {}
        self.sector_mapping: dict[str, str | None] = {}
        self.model = current.model

    def provenance(self, file: str) -> str:
        return f"{file}, importeret {self.stamp}"

    def apply(self, kind: str, item: ImportFile, data: Any) -> None:
        before = len(self.report.errors)
        if kind == "areas":
            details = self._areas(item.name, data)
        elif kind == "values":
            details = self._values(item.name, data)
        else:
            details = self._actors(item.name, data)
        if len(self.report.errors) == before:
            self.files.append(ImportedFile(item.name, kind, details))

    # ------------------------------------------------------------------ areas

    def _areas(self, file: str, vec: VectorData) -> str:
        report = self.report
        gdf = vec.gdf
        id_col = find_column(gdf.columns, AREA_ID_COLUMNS)
        name_col = find_column(gdf.columns, AREA_NAME_COLUMNS)
        details = f"lag: {vec.layer}" + (f", tegnsæt: {vec.encoding}" if vec.encoding else "")
        if id_col is None and name_col is None:
            report.error(
                "Mangler kolonne til områdets id eller navn (fx 'area_id' eller 'name'/'navn').", file
            )
            return details
        names = [_text(v) for v in gdf[name_col]] if name_col else [""] * len(gdf)
        ids = [_text(v) for v in gdf[id_col]] if id_col else [""] * len(gdf)
        labels = [_label(i + 1, n or a) for i, (a, n) in enumerate(zip(ids, names, strict=True))]
        before = len(report.errors)
        declared = gdf
        gdf = check_area_geometries(gdf, file, labels, report)
        if len(report.errors) > before:
            return details
        for geom, orig, label in zip(gdf.geometry, declared.geometry, labels, strict=True):
            self._place(check_place(geom, orig, declared.crs, "Området"), file, label)
        if len(report.errors) > before:
            return details
        matcher = AreaMatcher(self.areas["name"].to_dict())
        seen: dict[str, str] = {}
        updates: list[tuple[str | None, int]] = []
        for pos, (aid, name, label) in enumerate(zip(ids, names, labels, strict=True)):
            col = id_col if aid else name_col
            if not aid and not name:
                report.error(f"Mangler område-id og navn (kolonne '{id_col or name_col}').", file, label)
                continue
            key = norm_key(aid or name)
            if key in seen:
                report.error(
                    f"Området '{aid or name}' findes også i {seen[key]}; id'er skal være unikke (kolonne '{col}').",
                    file, label,
                )
                continue
            seen[key] = label
            updates.append((matcher.match(aid, name), pos))
        for col, allowed in (("list_confidence", LIST_CONFIDENCES), ("geometry_quality", GEOMETRY_QUALITIES)):
            if col in gdf.columns:
                for value, label in zip(gdf[col], labels, strict=True):
                    if _text(value) and _text(value) not in allowed:
                        report.error(f"'{col}' skal være en af {', '.join(allowed)} (fik '{value}').", file, label)
        if len(report.errors) > before:
            return details
        if len(gdf) != len(self.current.areas) and not self.replace_areas:
            report.warn(
                f"Filen har {len(gdf)} områder, de nuværende data har {len(self.current.areas)}. "
                "Områder, der ikke er i filen, bevares uændret (vælg 'Erstat hele områdesættet' for at fjerne dem).",
                file,
            )
        attr_cols = [c for c in (*AREA_TEXT_COLUMNS, "residents", "dwellings", "list_confidence", "geometry_quality")
                     if c in gdf.columns]
        areas = self.areas.copy()
        kept: set[str] = set()
        for target, pos in updates:
            row = gdf.iloc[pos]
            if target is None:
                base = slugify(ids[pos] or names[pos])
                target, n = base, 2
                while target in areas.index:
                    target, n = f"{base}-{n}", n + 1
                new = {c: None for c in areas.columns}
                new.update(area_id=target, name=names[pos] or ids[pos], list_confidence="estimate",
                           geometry_quality="approximate")
                areas = _append_row(areas, target, new)
                report.warn(f"Intet match blandt de nuværende områder; tilføjes som nyt område '{target}'.",
                            file, labels[pos])
            kept.add(target)
            areas.at[target, "geometry"] = row.geometry
            for col in attr_cols:
                value = row[col]
                if col in ("residents", "dwellings"):
                    try:
                        areas.at[target, col] = parse_count(None if _text(value) == "" else value)
                    except NumberError as exc:
                        report.error(f"'{col}' kan ikke bruges: {exc}", file, labels[pos])
                elif _text(value):
                    areas.at[target, col] = _text(value)
        self.areas = self._drop_unlisted(areas, kept, file) if self.replace_areas else areas
        return details

    def _place(self, finding: ExtentFinding | None, file: str, label: str) -> None:
        if finding is not None:
            (self.report.error if finding.severity == "error" else self.report.warn)(finding.message, file, label)

    def _drop_unlisted(self, areas: gpd.GeoDataFrame, kept: set[str], file: str) -> gpd.GeoDataFrame:
        """Replace mode: remove areas not in the file, with their values and known initiatives."""
        removed = [a for a in areas.index if a not in kept]
        if not removed:
            return areas
        values = self.values[~self.values["area_id"].isin(removed)]
        initiatives = self.initiatives[~self.initiatives["area_id"].isin(removed)]
        self.removed_values += len(self.values) - len(values)
        self.removed_initiatives += len(self.initiatives) - len(initiatives)
        self.values, self.initiatives = values, initiatives
        names = ", ".join(str(areas.at[a, "name"]) for a in removed)
        self.report.warn(
            f"Områdesættet erstattes: {len(removed)} områder, der ikke er i filen, fjernes ({names}) "
            f"sammen med deres {self.removed_values} værdier og {self.removed_initiatives} kendte indsatser.",
            file,
        )
        return areas.loc[[a for a in areas.index if a in kept]]

    # ------------------------------------------------------------------ values

    def _values(self, file: str, table: Table) -> str:
        report = self.report
        details = table.describe()
        header = table.header
        id_col = find_column(header, AREA_ID_COLUMNS)
        name_col = find_column(header, AREA_NAME_COLUMNS)
        if id_col is None and name_col is None:
            report.error("Mangler kolonne til området (fx 'area_id' eller 'navn').", file)
            return details
        ind_col = find_column(header, _INDICATOR_COLS)
        val_col = find_column(header, _VALUE_COLS)
        kind_col = find_column(header, _KIND_COLS)
        src_col = find_column(header, _SOURCE_COLS)
        note_col = find_column(header, _NOTE_COLS)
        by_key: dict[str, Indicator] = {}
        for ind in self.model.indicators:
            by_key.setdefault(norm_key(ind.label), ind)
        for ind in self.model.indicators:
            by_key[norm_key(ind.id)] = ind
        cells: list[tuple[int, str, dict[str, str], Indicator, str]] = []  # row no, column, record, indicator, text
        records = [dict(zip(header, r, strict=True)) for r in table.rows]
        if ind_col or val_col:
            if not (ind_col and val_col):
                report.error(
                    f"Mangler kolonne '{'value' if ind_col else 'indicator_id'}' (langt format kræver område, "
                    "indikator og værdi).",
                    file,
                )
                return details
            layout = "langt"
            for n, rec in enumerate(records, start=table.first_row):
                iid = rec[ind_col].strip()
                ind = by_key.get(norm_key(iid))
                if ind is None:
                    report.error(
                        f"Ukendt indikator '{iid}'; kendte: {', '.join(i.id for i in self.model.indicators)}.",
                        file, f"række {n}, kolonne '{ind_col}'",
                    )
                    continue
                cells.append((n, val_col, rec, ind, rec[val_col]))
        else:
            layout = "bredt"
            skip = {id_col, name_col, *(find_column(header, [c]) for c in _WIDE_META)}
            ind_cols: list[tuple[str, Indicator]] = []
            for col in header:
                if col in skip:
                    continue
                ind = by_key.get(norm_key(col))
                if ind is None:
                    report.error(
                        f"Ukendt indikator '{col}' i overskriften; kendte: "
                        f"{', '.join(i.id for i in self.model.indicators)}.",
                        file, f"kolonne '{col}'",
                    )
                    continue
                ind_cols.append((col, ind))
            if not ind_cols and not report.errors:
                report.error("Filen har ingen indikatorkolonner.", file)
            for n, rec in enumerate(records, start=table.first_row):
                for col, ind in ind_cols:
                    cells.append((n, col, rec, ind, rec[col]))
        details = f"{details}, layout: {layout}"
        matcher = AreaMatcher(self.areas["name"].to_dict())
        new_rows: dict[tuple[str, str], dict[str, Any]] = {}
        where_seen: dict[tuple[str, str], int] = {}
        unmatched: dict[int, str] = {}
        for n, col, rec, ind, text in cells:
            where = f"række {n}, kolonne '{col}'"
            if ind.computed:
                report.error(f"Indikatoren '{ind.id}' beregnes automatisk og kan ikke importeres.", file, where)
                continue
            try:
                value = parse_number(text, table.convention)
            except NumberError as exc:
                report.error(f"Værdien for '{ind.id}' kan ikke bruges: {exc}", file, where)
                continue
            if value is None:
                continue
            if not ind.scale_min <= value <= ind.scale_max:
                report.error(f"Værdien {text} for '{ind.id}' ligger uden for skalaen {ind.scale_text}.", file, where)
                continue
            raw_id = rec.get(id_col, "") if id_col else ""
            raw_name = rec.get(name_col, "") if name_col else ""
            aid = matcher.match(raw_id, raw_name)
            if aid is None:
                unmatched[n] = raw_id or raw_name
                continue
            kind = (rec.get(kind_col, "") if kind_col else "").strip().lower()
            if kind and kind not in VALUE_KINDS:
                report.error(f"'kind' skal være en af {', '.join(VALUE_KINDS)} (fik '{kind}').", file,
                             f"række {n}, kolonne '{kind_col}'")
                continue
            source = (rec.get(src_col, "") if src_col else "").strip()
            if not kind or (kind == "sourced" and not source):
                kind, source = "sourced", source or self.provenance(file)
            key = (aid, ind.id)
            if key in where_seen:
                report.error(f"Værdien for '{aid}' / '{ind.id}' findes også i række {where_seen[key]}.", file, where)
                continue
            where_seen[key] = n
            new_rows[key] = {"area_id": aid, "indicator_id": ind.id, "value": value, "kind": kind,
                             "source": source, "note": (rec.get(note_col, "") if note_col else "").strip()}
        for n, raw in unmatched.items():
            col = id_col if id_col and (records[n - table.first_row].get(id_col) or "").strip() else name_col
            report.warn(f"Området '{raw}' findes ikke blandt områderne; rækken springes over.", file,
                        f"række {n}, kolonne '{col}'")
        if cells and not new_rows and unmatched and not report.errors:
            report.error("Ingen rækker kunne knyttes til et område (kontrollér områdekolonnen).", file)
        elif not new_rows and not report.errors:
            report.error("Filen indeholder ingen værdier (alle værdiceller er tomme); der er intet at importere.", file)
        if report.errors:
            return details
        covered = sorted({iid for _, iid in new_rows})
        for iid in covered:
            missing = [a for a in self.areas.index if (a, iid) not in new_rows]
            if missing:
                report.warn(f"Indikatoren '{iid}' mangler for {len(missing)} område(r): {', '.join(missing)}; "
                            "de nuværende værdier bevares.", file)
        old = {(r.area_id, r.indicator_id): r.value for r in self.values.itertuples(index=False)}
        for key, row in new_rows.items():
            prev = old.get(key)
            prev = None if prev is None or (isinstance(prev, float) and math.isnan(prev)) else float(prev)
            if prev != row["value"]:
                first = self.changes.get(key)
                self.changes[key] = ValueChange(key[0], key[1], first.old if first else prev, row["value"])
        keep = [(a, i) not in new_rows for a, i in zip(self.values["area_id"], self.values["indicator_id"],
                                                       strict=True)]
        added = pd.DataFrame(list(new_rows.values()), columns=VALUE_COLUMNS)
        self.values = pd.concat([self.values[keep][VALUE_COLUMNS], added], ignore_index=True)
        return details

    # ------------------------------------------------------------------ actors

    def _actors(self, file: str, data: VectorData | Table) -> str:
        report = self.report
        if isinstance(data, Table):
            details = data.describe()
            gdf = self._actor_points(file, data)
            if gdf is None:
                return details
        else:
            gdf = data.gdf
            details = f"lag: {data.layer}"
        if len(gdf) > self.limits.max_features:
            report.error(f"Filen har {len(gdf)} objekter; grænsen er {self.limits.max_features}.", file)
            return details
        name_col = find_column(gdf.columns, _ACTOR_NAME_COLS)
        sector_col = find_column([c for c in gdf.columns if c != gdf.geometry.name], _ACTOR_SECTOR_COLS)
        missing = [n for n, c in (("name/navn", name_col), ("sector/sektor", sector_col)) if c is None]
        if missing:
            report.error(f"Mangler kolonne(r): {', '.join(missing)}.", file)
            return details
        declared = gdf
        if not gdf.crs.equals(WGS84):
            epsg = gdf.crs.to_epsg()
            report.warn(f"Koordinater omregnet fra {('EPSG:' + str(epsg)) if epsg else gdf.crs.name} til WGS84 "
                        "(EPSG:4326).", file)
            gdf = gdf.to_crs(WGS84)
        far: list[tuple[ExtentFinding, str]] = []
        id_col = find_column(gdf.columns, _ACTOR_ID_COLS)
        area_col = find_column(gdf.columns, ("area_id", "område", "omraade"))
        kind_col = find_column(gdf.columns, _KIND_COLS)
        src_col = find_column(gdf.columns, _SOURCE_COLS)
        note_col = find_column(gdf.columns, _NOTE_COLS)
        sectors = SectorMatcher(self.model)
        areas = AreaMatcher(self.areas["name"].to_dict())
        unmapped: dict[str, list[str]] = {}
        rows, geoms, seen_ids = [], [], {}
        is_table = isinstance(data, Table)
        for pos, (idx, rec) in enumerate(gdf.iterrows(), start=1):
            label = f"række {pos + 1}" if is_table else _label(pos, rec[name_col])
            geom = rec.geometry
            if geom is None or geom.is_empty or geom.geom_type != "Point":
                report.error("En aktør skal være et punkt.", file, label)
                continue
            finding = check_place(geom, declared.geometry.iloc[pos - 1], declared.crs, "Aktøren")
            if finding is not None:
                far.append((finding, label))
                if finding.severity == "error":
                    continue
            raw_sector = _text(rec[sector_col])
            sid = sectors.match(raw_sector)
            self.sector_mapping[raw_sector] = sid
            if sid is None:
                unmapped.setdefault(raw_sector, []).append(label)
                continue
            aid = _text(rec[id_col]) if id_col else ""
            if aid and aid in seen_ids:
                report.error(f"Aktør-id '{aid}' findes også i {seen_ids[aid]} (kolonne '{id_col}').", file, label)
                continue
            seen_ids[aid] = label
            kind = _text(rec[kind_col]).lower() if kind_col else ""
            source = _text(rec[src_col]) if src_col else ""
            if kind not in VALUE_KINDS or (kind == "sourced" and not source):
                kind, source = "sourced", source or self.provenance(file)
            area_id = None
            if area_col and _text(rec[area_col]):
                area_id = areas.match(rec[area_col], rec[area_col])
                if area_id is None:
                    report.warn(f"Området '{_text(rec[area_col])}' findes ikke; aktøren knyttes ikke til et område.",
                                file, f"{label}, kolonne '{area_col}'")
            rows.append({"actor_id": aid or None, "name": _text(rec[name_col]), "sector": sid, "kind": kind,
                         "source": source, "note": _text(rec[note_col]) if note_col else None,
                         "area_id": area_id, "position_quality": None})
            geoms.append(geom)
        for finding, label in far[:10]:
            self._place(finding, file, label)
        if len(far) > 10:
            more = far[10:]
            severity = "error" if any(f.severity == "error" for f, _ in more) else "warning"
            self._place(ExtentFinding(severity, f"Yderligere {len(more)} aktører ligger uden for Danmark "
                                                f"({', '.join(label for _, label in more[:20])}{' …' if len(more) > 20 else ''})."),
                        file, "flere rækker")
        for raw, where in unmapped.items():
            report.warn(
                f"Sektoren '{raw}' kan ikke knyttes til en af modellens sektorer "
                f"({', '.join(s.id for s in self.model.sectors)}); {len(where)} række(r) springes over: "
                f"{', '.join(where[:10])}{' …' if len(where) > 10 else ''}.",
                file,
            )
        if report.errors:
            return details
        new = gpd.GeoDataFrame(rows, columns=ACTOR_COLUMNS, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)
        self.actors = new if self.actors is None else pd.concat([self.actors, new], ignore_index=True)
        used = set(a for a in self.actors["actor_id"] if a)
        ids, n = [], 1
        for a in self.actors["actor_id"]:
            if not a:
                while f"import-{n}" in used:
                    n += 1
                a = f"import-{n}"
                used.add(a)
            ids.append(a)
        self.actors["actor_id"] = ids
        return details

    def _actor_points(self, file: str, table: Table) -> gpd.GeoDataFrame | None:
        report = self.report
        cols = _coordinate_columns(table.header)
        if cols is None:
            report.error("Mangler koordinatkolonner: 'x' og 'y' eller 'lon' og 'lat'.", file)
            return None
        if not self.crs:
            report.error(
                "Koordinatsystemet for CSV-filens koordinater er ikke angivet og gættes ikke; "
                "angiv det (fx EPSG:25832 for x/y eller EPSG:4326 for lon/lat).",
                file,
            )
            return None
        try:
            crs = CRS.from_user_input(self.crs)
        except CRSError as exc:
            report.error(f"Ukendt eller ugyldigt koordinatsystem '{self.crs}' ({short(exc)}).", file)
            return None
        if len(table.rows) > self.limits.max_features:
            report.error(f"Filen har {len(table.rows)} rækker; grænsen er {self.limits.max_features}.", file)
            return None
        xcol, ycol = cols
        xi, yi = table.header.index(xcol), table.header.index(ycol)
        pts, keep = [], []
        for n, row in enumerate(table.rows, start=table.first_row):
            try:
                x, y = parse_number(row[xi], table.convention), parse_number(row[yi], table.convention)
            except NumberError as exc:
                report.error(f"Koordinaten kan ikke bruges: {exc}", file, f"række {n}, kolonne '{xcol}'/'{ycol}'")
                continue
            if x is None or y is None:
                report.error("Koordinaten mangler.", file, f"række {n}, kolonne '{xcol}'/'{ycol}'")
                continue
            pts.append(Point(x, y))
            keep.append(row)
        if report.errors:
            return None
        frame = pd.DataFrame(keep, columns=table.header, dtype=str)
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(pts, crs=crs), crs=crs)

    # ------------------------------------------------------------------ result

    def plan(self) -> ImportPlan:
        cur = self.current
        actors = self.actors if self.actors is not None else cur.actors.copy()
        diff = ImportDiff(
            areas_added=[a for a in self.areas.index if a not in cur.areas.index],
            areas_removed=[a for a in cur.areas.index if a not in self.areas.index],
            geometry_changed=[
                a for a in cur.areas.index
                if a in self.areas.index
                and not _same_geometry(cur.areas.at[a, "geometry"], self.areas.at[a, "geometry"])
            ],
            values_changed=sorted((c for c in self.changes.values() if c.old != c.new),
                                  key=lambda c: (c.area_id, c.indicator_id)),
            actors_before=len(cur.actors),
            actors_after=len(actors),
            actors_replaced=self.actors is not None,
            values_removed=self.removed_values,
            initiatives_removed=self.removed_initiatives,
        )
        if self.files and not self.report.errors and not _changes_anything(diff):
            self.report.warn("Importen ændrer ingen områder, grænser, værdier eller aktører; kun kilderne og "
                             "importhistorikken opdateres, hvis du anvender den.")
        return ImportPlan(self.report, cur, self.areas, self.values, actors, diff, self.files, self.stamp,
                          self.sector_mapping, self.initiatives)


def _changes_anything(diff: ImportDiff) -> bool:
    return bool(diff.areas_added or diff.areas_removed or diff.geometry_changed or diff.values_changed
                or diff.actors_replaced)


def _same_geometry(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-9))


def _append_row(gdf: gpd.GeoDataFrame, index: str, row: dict[str, Any]) -> gpd.GeoDataFrame:
    data = {c: [row.get(c)] for c in gdf.columns if c != gdf.geometry.name}
    add = gpd.GeoDataFrame(data, index=[index], geometry=gpd.GeoSeries([None], index=[index], crs=gdf.crs))
    add = add.rename_geometry(gdf.geometry.name) if gdf.geometry.name != "geometry" else add
    return pd.concat([gdf, add[list(gdf.columns)]])
