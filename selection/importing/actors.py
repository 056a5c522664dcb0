"""Import actor registries: points (vector files or tables with coordinates) with a sector column."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import Point

from selection.data.dataset import VALUE_KINDS
from selection.errors import library_reason
from selection.geo.extent import ExtentFinding, check_place
from selection.geo.geometry import WGS84
from selection.importing.columns import (
    ACTOR_COLUMNS,
    ACTOR_ID_COLS,
    ACTOR_NAME_COLS,
    ACTOR_SECTOR_COLS,
    KIND_COLS,
    NOTE_COLS,
    SOURCE_COLS,
    coordinate_columns,
    feature_label,
    text_of,
)
from selection.importing.matching import AreaMatcher, SectorMatcher, find_column, shared_name_text
from selection.importing.readers.table import Table
from selection.importing.readers.vector import VectorData
from selection.importing.state import ImportState
from selection.text.formatting import count
from selection.text.number_parser import NumberError, parse_number


def import_actors(state: ImportState, file: str, data: VectorData | Table) -> str:
    """Replace the actor layer with the file's points (sector names mapped to the model's sectors)."""
    report = state.report
    if isinstance(data, Table):
        details = data.describe()
        gdf = _actor_points(state, file, data)
        if gdf is None:
            return details
    else:
        gdf = data.gdf
        details = f"lag: {data.layer}"
    if len(gdf) > state.limits.max_features:
        report.error(f"Filen har {len(gdf)} objekter; grænsen er {state.limits.max_features}.", file)
        return details
    name_col = find_column(gdf.columns, ACTOR_NAME_COLS)
    sector_col = find_column([c for c in gdf.columns if c != gdf.geometry.name], ACTOR_SECTOR_COLS)
    missing = [n for n, c in (("name/navn", name_col), ("sector/sektor", sector_col)) if c is None]
    if missing:
        report.error(f"Mangler kolonne(r): {', '.join(missing)}.", file)
        return details
    declared = gdf
    if not gdf.crs.equals(WGS84):
        epsg = gdf.crs.to_epsg()
        report.warn(
            f"Koordinater omregnet fra {('EPSG:' + str(epsg)) if epsg else gdf.crs.name} til WGS84 (EPSG:4326).", file
        )
        gdf = gdf.to_crs(WGS84)
    far: list[tuple[ExtentFinding, str]] = []
    id_col = find_column(gdf.columns, ACTOR_ID_COLS)
    area_col = find_column(gdf.columns, ("area_id", "område", "omraade"))
    kind_col = find_column(gdf.columns, KIND_COLS)
    src_col = find_column(gdf.columns, SOURCE_COLS)
    note_col = find_column(gdf.columns, NOTE_COLS)
    sectors = SectorMatcher(state.model)
    areas = AreaMatcher(state.areas["name"].to_dict())
    unmapped: dict[str, list[str]] = {}
    rows, geoms = [], []
    seen_ids: dict[str, str] = {}  # actor id -> where it was first seen
    is_table = isinstance(data, Table)
    for pos, (_, rec) in enumerate(gdf.iterrows(), start=1):
        label = f"række {pos + 1}" if is_table else feature_label(pos, rec[name_col])
        geom = rec.geometry
        if geom is None or geom.is_empty or geom.geom_type != "Point":
            report.error("En aktør skal være et punkt.", file, label)
            continue
        finding = check_place(geom, declared.geometry.iloc[pos - 1], declared.crs, "Aktøren")
        if finding is not None:
            far.append((finding, label))
            if finding.severity == "error":
                continue
        raw_sector = text_of(rec[sector_col])
        sid = sectors.match(raw_sector)
        state.sector_mapping[raw_sector] = sid
        if sid is None:
            unmapped.setdefault(raw_sector, []).append(label)
            continue
        aid = text_of(rec[id_col]) if id_col else ""
        if aid and aid in seen_ids:
            report.error(f"Aktør-id '{aid}' findes også i {seen_ids[aid]} (kolonne '{id_col}').", file, label)
            continue
        seen_ids[aid] = label
        kind = text_of(rec[kind_col]).lower() if kind_col else ""
        source = text_of(rec[src_col]) if src_col else ""
        if kind not in VALUE_KINDS or (kind == "sourced" and not source):
            kind, source = "sourced", source or state.provenance(file)
        area_id = None
        if area_col and text_of(rec[area_col]):
            area_id = areas.match(rec[area_col], rec[area_col])
            if area_id is None:
                shared = areas.ambiguous(rec[area_col])
                why = (
                    shared_name_text(text_of(rec[area_col]), shared) + " Aktøren"
                    if shared
                    else f"Området '{text_of(rec[area_col])}' findes ikke; aktøren"
                )
                report.warn(f"{why} knyttes ikke til et område.", file, f"{label}, kolonne '{area_col}'")
        rows.append(
            {
                "actor_id": aid or None,
                "name": text_of(rec[name_col]),
                "sector": sid,
                "kind": kind,
                "source": source,
                "note": text_of(rec[note_col]) if note_col else None,
                "area_id": area_id,
                "position_quality": None,
            }
        )
        geoms.append(geom)
    for finding, label in far[:10]:
        state.place(finding, file, label)
    if len(far) > 10:
        more = far[10:]
        severity = "error" if any(f.severity == "error" for f, _ in more) else "warning"
        state.place(
            ExtentFinding(
                severity,
                f"Yderligere {count(len(more), 'aktør', 'aktører')} ligger uden for Danmark "
                f"({', '.join(label for _, label in more[:20])}{' …' if len(more) > 20 else ''}).",
            ),
            file,
            "flere rækker",
        )
    for raw, where in unmapped.items():
        report.warn(
            f"Sektoren '{raw}' kan ikke knyttes til en af modellens sektorer "
            f"({', '.join(s.id for s in state.model.sectors)}); {len(where)} række(r) springes over: "
            f"{', '.join(where[:10])}{' …' if len(where) > 10 else ''}.",
            file,
        )
    if report.errors:
        return details
    new = gpd.GeoDataFrame(rows, columns=ACTOR_COLUMNS, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)
    state.actors = new if state.actors is None else pd.concat([state.actors, new], ignore_index=True)
    used = {a for a in state.actors["actor_id"] if a}
    ids, n = [], 1
    for a in state.actors["actor_id"]:
        if not a:
            while f"import-{n}" in used:
                n += 1
            a = f"import-{n}"
            used.add(a)
        ids.append(a)
    state.actors["actor_id"] = ids
    return details


def _actor_points(state: ImportState, file: str, table: Table) -> gpd.GeoDataFrame | None:
    report = state.report
    cols = coordinate_columns(table.header)
    if cols is None:
        report.error("Mangler koordinatkolonner: 'x' og 'y' eller 'lon' og 'lat'.", file)
        return None
    if not state.crs:
        report.error(
            "Koordinatsystemet for CSV-filens koordinater er ikke angivet og gættes ikke; "
            "angiv det (fx EPSG:25832 for x/y eller EPSG:4326 for lon/lat).",
            file,
        )
        return None
    try:
        crs = CRS.from_user_input(state.crs)
    except CRSError as exc:
        report.error(f"Ukendt eller ugyldigt koordinatsystem '{state.crs}': {library_reason(exc)}.", file)
        return None
    if len(table.rows) > state.limits.max_features:
        report.error(f"Filen har {len(table.rows)} rækker; grænsen er {state.limits.max_features}.", file)
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
