"""Write a data set as a data package folder: the inverse of ``selection.data.dataset.load_dataset``.

criteria.json, areas.geojson, values.csv, actors.geojson, initiatives.csv and, last, dataset.json with a
SHA-256 of the others' content. Numbers are written so the strict parser reads them back exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from selection.data.criteria import CriteriaModel
from selection.data.dataset import (
    ACTORS_FILE,
    AREA_TEXT_COLUMNS,
    AREAS_FILE,
    CRITERIA_FILE,
    INITIATIVE_COLUMNS,
    INITIATIVES_FILE,
    LEGACY_INITIATIVE_COLUMNS,
    META_FILE,
    VALUES_FILE,
    Dataset,
)
from selection.geo.geometry import WGS84


def export_package(dataset: Dataset, folder: Path | str) -> Path:
    """Write ``dataset`` as a complete data package into ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_package(dataset, folder)
    return folder


def write_package(ds: Dataset, folder: Path) -> None:
    """Every file of the package; dataset.json last, with a hash of the others' content."""
    write_text_durably(folder / CRITERIA_FILE, json.dumps(criteria_json(ds.model), ensure_ascii=False, indent=2) + "\n")
    _write_areas(folder / AREAS_FILE, ds.areas)
    _write_values(folder / VALUES_FILE, ds.values)
    _write_actors(folder / ACTORS_FILE, ds.actors)
    _write_initiatives(folder / INITIATIVES_FILE, ds.initiatives)
    digest = hashlib.sha256()
    for file in (CRITERIA_FILE, AREAS_FILE, VALUES_FILE, ACTORS_FILE, INITIATIVES_FILE):
        digest.update(file.encode() + b"\0" + (folder / file).read_bytes())
    meta = {**ds.meta, "content_sha256": digest.hexdigest()}
    write_text_durably(folder / META_FILE, json.dumps(meta, ensure_ascii=False, indent=2) + "\n")


def write_text_durably(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 and fsync it before returning (a crash leaves the whole file or none of it seen)."""
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
            {
                "id": c.id,
                "label": c.label,
                "description": c.description,
                "default_weight": c.default_weight,
                "indicators": [
                    {
                        "id": i.id,
                        "label": i.label,
                        "description": i.description,
                        "unit": i.unit,
                        "direction": i.direction,
                        "scale": {"min": i.scale_min, "max": i.scale_max},
                        "default_weight": i.default_weight,
                        "values": i.values,
                        **({"computed": {"method": i.computed}} if i.computed else {}),
                        **({"register_rule": dict(i.register_rule)} if i.register_rule is not None else {}),
                        **({"assessment": True} if i.assessment else {}),
                        **({"anchors": {package_number_text(p): text for p, text in i.anchors}} if i.anchors else {}),
                    }
                    for i in c.indicators
                ],
            }
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
        feats.append({"type": "Feature", "geometry": mapping(geom) if geom is not None else None, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, indent=1) + "\n"


def _write_areas(path: Path, areas: gpd.GeoDataFrame) -> None:
    cols = ["area_id", "name", *AREA_TEXT_COLUMNS, "residents", "dwellings", "list_confidence", "geometry_quality"]
    write_text_durably(path, _features(areas, cols))


def _write_actors(path: Path, actors: gpd.GeoDataFrame) -> None:
    cols = ["actor_id", "name", "sector", "kind", "source", "note", "area_id", "position_quality"]
    write_text_durably(path, _features(actors, cols))


def package_number_text(value: Any) -> str:
    """A number as a package file writes it: a whole number without decimals, else Python's shortest exact form."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    f = float(value)
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)  # the parser reads both back exactly


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
    rows = [
        [
            _cell(r.area_id),
            _cell(r.indicator_id),
            package_number_text(r.value),
            _cell(r.kind),
            _cell(r.source),
            _cell(r.note),
        ]
        for r in values[cols].itertuples(index=False)
    ]
    write_text_durably(path, _csv_text(cols, rows))


def _write_initiatives(path: Path, initiatives: pd.DataFrame) -> None:
    cols = list(INITIATIVE_COLUMNS if "initiative_id" in initiatives.columns else LEGACY_INITIATIVE_COLUMNS)
    rows = [[_cell(r.get(c)) for c in cols] for r in initiatives.to_dict("records")]
    write_text_durably(path, _csv_text(cols, rows))
