"""Import area polygons: match them to the current areas, check geometry and place, add or replace."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from selection.data.dataset import AREA_TEXT_COLUMNS, GEOMETRY_QUALITIES, LIST_CONFIDENCES, initiative_area_ids
from selection.geo.extent import check_place
from selection.geo.geometry import check_area_geometries
from selection.importing.columns import feature_label, text_of
from selection.importing.matching import (
    AREA_ID_COLUMNS,
    AREA_NAME_COLUMNS,
    AreaMatcher,
    find_column,
    norm_key,
    shared_name_text,
    slugify,
)
from selection.importing.readers.vector import VectorData
from selection.importing.state import ImportState
from selection.limits import MAX_AREA_NAME, area_name_text
from selection.text.formatting import count, listing
from selection.text.number_parser import NumberError, parse_count


def import_areas(state: ImportState, file: str, vec: VectorData) -> str:
    """Add or update areas from a polygon layer; with ``replace_areas`` the file is the complete list."""
    report = state.report
    gdf = vec.gdf
    id_col = find_column(gdf.columns, AREA_ID_COLUMNS)
    name_col = find_column(gdf.columns, AREA_NAME_COLUMNS)
    details = f"lag: {vec.layer}" + (f", tegnsæt: {vec.encoding}" if vec.encoding else "")
    if id_col is None and name_col is None:
        report.error("Mangler kolonne til områdets id eller navn (fx 'area_id' eller 'name'/'navn').", file)
        return details
    if len(gdf) > state.limits.max_areas:
        report.error(
            f"Filen har {len(gdf)} områder; grænsen er {state.limits.max_areas}. En områdefil skal kun "
            "indeholde de områder, der skal vælges imellem.",
            file,
        )
        return details
    names = [text_of(v) for v in gdf[name_col]] if name_col else [""] * len(gdf)
    ids = [text_of(v) for v in gdf[id_col]] if id_col else [""] * len(gdf)
    labels = [feature_label(i + 1, n or a) for i, (a, n) in enumerate(zip(ids, names, strict=True))]
    before = len(report.errors)
    for aid, name, label in zip(ids, names, labels, strict=True):  # the name, or the id that stands for it
        if len(name or aid) > MAX_AREA_NAME:
            report.error(area_name_text(len(name or aid)), file, label)
    if len(report.errors) > before:
        return details
    declared = gdf
    gdf = check_area_geometries(gdf, file, labels, report)
    if len(report.errors) > before:
        return details
    for geom, orig, label in zip(gdf.geometry, declared.geometry, labels, strict=True):
        state.place(check_place(geom, orig, declared.crs, "Området"), file, label)
    if len(report.errors) > before:
        return details
    matcher = AreaMatcher(state.areas["name"].to_dict())
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
                file,
                label,
            )
            continue
        seen[key] = label
        match = matcher.match(aid, name)
        if match is None and not aid and (shared := matcher.ambiguous(None, name)):
            report.error(shared_name_text(name, shared), file, label)
            continue
        origin = match if match is not None else f"ny:{key}"
        if origin in state.area_origins:
            report.error(
                f"Området '{aid or name}' findes også i {state.area_origins[origin]}; hvert område må kun stå i "
                "én af importens filer.",
                file,
                label,
            )
            continue
        updates.append((match, pos))
    by_name: dict[str, list[str]] = {}
    for aid, name, label in zip(ids, names, labels, strict=True):
        if name:
            by_name.setdefault(norm_key(name), []).append(f"'{aid}'" if aid else label)
    for same in (ids_ for ids_ in by_name.values() if len(ids_) > 1):
        report.warn(
            f"Flere områder har samme navn ({', '.join(same)}); de kan ikke skelnes på kortet og i "
            "rangeringen, og værdier kan kun knyttes til dem med område-id.",
            file,
        )
    for col, allowed in (("list_confidence", LIST_CONFIDENCES), ("geometry_quality", GEOMETRY_QUALITIES)):
        if col in gdf.columns:
            for value, label in zip(gdf[col], labels, strict=True):
                if text_of(value) and text_of(value) not in allowed:
                    report.error(f"'{col}' skal være en af {', '.join(allowed)} (fik '{value}').", file, label)
    if len(report.errors) > before:
        return details
    for (match, pos), key in zip(updates, (norm_key(ids[p] or names[p]) for _, p in updates), strict=True):
        state.area_origins[match if match is not None else f"ny:{key}"] = f"{file} ({labels[pos]})"
    if len(gdf) != len(state.current.areas) and not state.replace_areas:
        report.warn(
            f"Filen har {len(gdf)} områder, de nuværende data har {len(state.current.areas)}. "
            "Områder, der ikke er i filen, bevares uændret (vælg 'Erstat hele områdesættet' for at fjerne dem).",
            file,
        )
    attr_cols = [
        c
        for c in (*AREA_TEXT_COLUMNS, "residents", "dwellings", "list_confidence", "geometry_quality")
        if c in gdf.columns
    ]
    areas = state.areas.copy()
    kept: set[str] = set()
    taken = set(areas.index)
    added: list[dict[str, Any]] = []  # new areas, appended in one go (one concat per file, not per area)
    new_labels: list[str] = []
    for target, pos in updates:
        row = gdf.iloc[pos]
        values: dict[str, Any] = {"geometry": row.geometry}
        for col in attr_cols:
            value = row[col]
            if col in ("residents", "dwellings"):
                try:
                    values[col] = parse_count(None if text_of(value) == "" else value)
                except NumberError as exc:
                    report.error(f"'{col}' kan ikke bruges: {exc}", file, labels[pos])
            elif text_of(value):
                values[col] = text_of(value)
        if target is None:
            base = slugify(ids[pos] or names[pos])
            target, n = base, 2
            while target in taken:
                target, n = f"{base}-{n}", n + 1
            taken.add(target)
            added.append(
                {
                    **dict.fromkeys(areas.columns),
                    "area_id": target,
                    "name": names[pos] or ids[pos],
                    "list_confidence": "estimate",
                    "geometry_quality": "approximate",
                    **values,
                }
            )
            new_labels.append(f"{labels[pos]} som nyt område '{target}'")
        else:
            for col, value in values.items():
                areas.at[target, col] = value
        kept.add(target)
    if added:
        report.warn(
            f"{count(len(added), 'område', 'områder')} uden match blandt de nuværende områder tilføjes: "
            + listing(new_labels)
            + ".",
            file,
        )
        areas = _append_rows(areas, added)
    state.areas = areas
    state.listed_areas |= kept
    state.area_files.append(file)
    return details


def without_areas(initiatives: pd.DataFrame, removed: set[str]) -> pd.DataFrame:
    """The initiatives without the removed areas: an initiative serving several areas keeps the others; one left
    with no area goes."""
    cells = [";".join(a for a in initiative_area_ids(c) if a not in removed) for c in initiatives["area_id"]]
    kept = initiatives.assign(area_id=cells)
    return kept[[bool(c) for c in cells]]


def drop_unlisted(state: ImportState, areas: gpd.GeoDataFrame, kept: set[str], file: str) -> gpd.GeoDataFrame:
    """Replace mode: remove areas not in the area file(s), with their values and known initiatives."""
    removed = [a for a in areas.index if a not in kept]
    if not removed:
        return areas
    values = state.values[~state.values["area_id"].isin(removed)]
    initiatives = without_areas(state.initiatives, set(removed))
    state.removed_values += len(state.values) - len(values)
    state.removed_initiatives += len(state.initiatives) - len(initiatives)
    state.values, state.initiatives = values, initiatives
    names = listing([str(areas.at[a, "name"]) for a in removed])
    state.report.warn(
        f"Områdesættet erstattes: {count(len(removed), 'område', 'områder')}, der ikke er i "
        f"{'filen' if ' + ' not in file else 'nogen af filerne'}, fjernes ({names}) "
        f"sammen med {count(state.removed_values, 'værdi', 'værdier')} og "
        f"{count(state.removed_initiatives, 'kendt indsats', 'kendte indsatser')}.",
        file,
    )
    return areas.loc[[a for a in areas.index if a in kept]]


def _append_rows(gdf: gpd.GeoDataFrame, rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    geometry = gdf.geometry.name
    index = [r["area_id"] for r in rows]
    data = {c: [r.get(c) for r in rows] for c in gdf.columns if c != geometry}
    add = gpd.GeoDataFrame(
        data,
        index=index,
        geometry=gpd.GeoSeries([r.get(geometry) for r in rows], index=index, crs=gdf.crs),
        crs=gdf.crs,
    )
    add = add.rename_geometry(geometry) if geometry != "geometry" else add
    return pd.concat([gdf, add[list(gdf.columns)]])
