"""Load and validate a data package directory (see data/areas/README.md).

``load_dataset`` reads every file, checks it and either returns a ``Dataset`` or raises
``DataError`` whose report names the file, row or feature of every problem (in Danish).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from selection import config
from selection.data.criteria import CriteriaModel, load_criteria
from selection.errors import DataError, Problem, Report, library_reason, os_reason
from selection.geo.geojson import read_geojson
from selection.geo.geometry import WGS84, check_area_geometries
from selection.limits import MAX_AREA_NAME, area_name_text
from selection.text import json_input
from selection.text.number_parser import NumberError, parse_count, parse_number

AREAS_FILE = "areas.geojson"
CRITERIA_FILE = "criteria.json"
VALUES_FILE = "values.csv"
ACTORS_FILE = "actors.geojson"
INITIATIVES_FILE = "initiatives.csv"
# initiatives.csv holds the initiative register's version 0 (selection.registers.package): ids and vocabulary ids,
# area ids separated by ';'. The older form (LEGACY_INITIATIVE_COLUMNS) is a plain list that feeds no score.
INITIATIVE_COLUMNS = (
    "initiative_id", "area_id", "name", "type", "operator", "target_groups", "start", "end", "status",
    "relevance", "trust_evidence", "evidence", "verification", "source", "recorded_by", "reason",
)  # fmt: skip
LEGACY_INITIATIVE_COLUMNS = ("area_id", "name", "type", "period", "verification", "source")
META_FILE = "dataset.json"

VALUE_KINDS = ("sourced", "assessed", "illustrative")
KIND_LABELS = {
    "sourced": "Kildebelagt",
    "assessed": "Lokal vurdering",
    "illustrative": "Illustrativ",
    "computed": "Beregnet",
}
LIST_CONFIDENCES = ("verified", "inferred", "estimate")
GEOMETRY_QUALITIES = ("official", "approximate", "placeholder")

ACTOR_TEXT_COLUMNS = ("actor_id", "kind", "source", "note", "area_id", "position_quality")
AREA_TEXT_COLUMNS = (
    "bydel",
    "bydel_note",
    "housing_orgs",
    "residents_note",
    "residents_source",
    "dwellings_note",
    "dwellings_source",
    "list_status",
    "list_source",
    "list_note",
    "geometry_note",
    "negative_social_control",
)


@dataclass(frozen=True)
class Dataset:
    """A validated data package: areas, criteria, values, actors and initiatives."""

    areas: gpd.GeoDataFrame  # one row per area, WGS84, index = area_id
    model: CriteriaModel
    values: pd.DataFrame  # long: area_id, indicator_id, value (float), kind, source, note
    actors: gpd.GeoDataFrame  # points, WGS84: actor_id, name, sector, kind, source, ...
    initiatives: pd.DataFrame  # INITIATIVE_COLUMNS (register records) or LEGACY_INITIATIVE_COLUMNS (a plain list)
    meta: dict[str, Any]
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    directory: Path | None = field(default=None, compare=False)  # the folder it was read from (None: built in memory)
    # (area_id, indicator_id) -> why a value computed from the registers is missing although records exist
    # ("motivation ikke kendt (beregnet fra 6 registreringer …)"); filled by selection.registers.in_force
    register_missing: Mapping[tuple[str, str], str] = field(default_factory=dict, compare=False)

    def missing_register_text(self, area_id: str, indicator_id: str) -> str:
        """Why the area has no value computed from the registers: the rule's reason, or "ingen registreringer"."""
        return self.register_missing.get((area_id, indicator_id), "ingen registreringer")

    @property
    def area_ids(self) -> list[str]:
        return list(self.areas.index)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "ukendt"))


def load_dataset(directory: Path | str | None = None) -> Dataset:
    """Read and validate all files of a data package directory (default: ``config.data_dir()``)."""
    directory = Path(directory) if directory is not None else config.data_dir()
    if not directory.is_dir():
        raise DataError(f"Datamappen findes ikke: {directory}")
    report = Report()
    model = load_criteria(directory / CRITERIA_FILE)
    meta = _read_meta(directory / META_FILE, report)
    # The actor layer needs only the criteria: it is read on a second thread while the areas and values
    # are (parsing and geometry work release the GIL); its problems keep their place in the report.
    actor_report = Report()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-actors") as pool:
        actors_read = pool.submit(read_actors, directory / ACTORS_FILE, model, actor_report)
        areas = read_areas(directory / AREAS_FILE, report)
        area_ids = set(areas.index) if areas is not None else set()
        values = read_values(directory / VALUES_FILE, model, area_ids, report)
        actors = actors_read.result()
    report.problems.extend(actor_report.problems)
    initiatives = read_initiatives(directory / INITIATIVES_FILE, area_ids, report)
    report.raise_if_errors()
    assert areas is not None
    return Dataset(areas, model, values, actors, initiatives, meta, tuple(report.warnings), directory)


def _read_meta(path: Path, report: Report) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        meta = json_input.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json_input.JsonError) as exc:
        report.error(f"Kan ikke læse filen som JSON ({exc}).", path.name)
        return {}
    except OSError as exc:
        report.error(f"Filen kan ikke læses ({os_reason(exc)}).", path.name)
        return {}
    if not isinstance(meta, dict):
        report.error("Filen skal indeholde et JSON-objekt.", path.name)
        return {}
    return meta


def _read_vector(path: Path, report: Report) -> gpd.GeoDataFrame | None:
    if not path.exists():
        report.error("Filen findes ikke.", path.name)
        return None
    if path.stat().st_size == 0:
        report.error("Filen er tom.", path.name)
        return None
    try:
        return read_geojson(path)
    except Exception as exc:  # pyogrio raises several types; the message is what matters
        report.error(f"Filen kan ikke læses som geodata: {library_reason(exc)}.", path.name)
        return None


def _missing_columns(frame: pd.DataFrame, required: tuple[str, ...], file: str, report: Report) -> bool:
    """Report required columns the file lacks; True if any is missing."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        report.error(f"Mangler kolonne(r): {', '.join(missing)}.", file)
    return bool(missing)


def _clean_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def clean_texts(column: pd.Series) -> list[str | None]:
    """``_clean_text`` of every cell, in whole-column operations for a text column."""
    if not pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
        return [_clean_text(v) for v in column.tolist()]
    stripped = column.str.strip(PYTHON_WHITESPACE)
    keep = stripped.notna() & (stripped != "")
    return stripped.astype(object).where(keep, None).tolist()


def _clean_int(value: Any) -> int | None:
    """A count (residents, dwellings): whole and ≥ 0, or None when missing; NumberError otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return parse_count(value, "standard")


def _counts(gdf: pd.DataFrame, col: str, file: str, labels: list[str], report: Report) -> list[int | None]:
    out: list[int | None] = []
    for value, label in zip(gdf[col].tolist(), labels, strict=True):
        try:
            out.append(_clean_int(value))
        except NumberError as exc:
            report.error(f"'{col}' kan ikke bruges: {exc}", file, label)
            out.append(None)
    return out


def read_areas(path: Path, report: Report) -> gpd.GeoDataFrame | None:
    """Read area polygons, check ids and geometry; return WGS84 frame indexed by area_id."""
    file = path.name
    gdf = _read_vector(path, report)
    if gdf is None:
        return None
    if len(gdf) == 0:  # checked first: an empty collection has no property columns either
        report.error("Filen indeholder ingen områder.", file)
        return None
    if _missing_columns(gdf, ("area_id", "name"), file, report):
        return None
    ids = clean_texts(gdf["area_id"])
    names = clean_texts(gdf["name"])
    labels = [f"objekt {i + 1}" + (f" ({n})" if n else "") for i, n in enumerate(names)]
    seen: dict[str, int] = {}
    for pos, (aid, name, label) in enumerate(zip(ids, names, labels, strict=True), start=1):
        if aid is None:
            report.error("Mangler 'area_id'.", file, label)
        elif aid in seen:
            report.error(f"Område-id '{aid}' findes også i objekt {seen[aid]}; id'er skal være unikke.", file, label)
        else:
            seen[aid] = pos
        if name is None:
            report.error("Mangler 'name'.", file, label)
        elif len(name) > MAX_AREA_NAME:
            report.error(area_name_text(len(name)), file, label)
    gdf = check_area_geometries(gdf, file, labels, report)
    gdf["area_id"] = ids
    gdf["name"] = names
    for col in AREA_TEXT_COLUMNS:
        gdf[col] = clean_texts(gdf[col]) if col in gdf.columns else None
    for col in ("residents", "dwellings"):
        gdf[col] = _counts(gdf, col, file, labels, report) if col in gdf.columns else None
    gdf["list_confidence"] = _checked_choice(gdf, "list_confidence", LIST_CONFIDENCES, "estimate", file, labels, report)
    gdf["geometry_quality"] = _checked_choice(
        gdf, "geometry_quality", GEOMETRY_QUALITIES, "approximate", file, labels, report
    )
    if report.errors:
        return None
    keep = [
        "area_id",
        "name",
        *AREA_TEXT_COLUMNS,
        "residents",
        "dwellings",
        "list_confidence",
        "geometry_quality",
        "geometry",
    ]
    return gdf[keep].set_index("area_id", drop=False).rename_axis(None)


def _checked_choice(
    gdf: pd.DataFrame, col: str, allowed: tuple[str, ...], default: str, file: str, labels: list[str], report: Report
) -> list[str]:
    if col not in gdf.columns:
        report.warn(f"Kolonnen '{col}' mangler; alle områder sat til '{default}'.", file)
        return [default] * len(gdf)
    out = [text or default for text in clean_texts(gdf[col])]
    for text, label in zip(out, labels, strict=True):
        if text not in allowed:
            report.error(f"'{col}' skal være en af {', '.join(allowed)} (fik '{text}').", file, label)
    return out


def read_csv_text(path: Path, report: Report) -> pd.DataFrame | None:
    """Read a CSV file as text cells (no type guessing), tolerant of a BOM."""
    if not path.exists():
        report.error("Filen findes ikke.", path.name)
        return None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        report.error("Filen er ikke gemt som UTF-8-tekst.", path.name)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        report.error(f"Filen kan ikke læses som CSV: {library_reason(exc)}.", path.name)
    return None


def read_values(path: Path, model: CriteriaModel, area_ids: set[str], report: Report) -> pd.DataFrame:
    """Read indicator values (long format) and check ids, kinds and scales: in whole columns, and row by
    row (naming each problem's row) only when something is wrong."""
    file = path.name
    empty = pd.DataFrame(columns=["area_id", "indicator_id", "value", "kind", "source", "note"])
    df = read_csv_text(path, report)
    if df is None:
        return empty
    if _missing_columns(df, ("area_id", "indicator_id", "value", "kind"), file, report):
        return empty
    indicators = {i.id: i for i in model.indicators}
    fast = values_without_problems(df, indicators, area_ids)
    if fast is not None:
        return fast
    return _values_row_by_row(df, file, indicators, area_ids, report)


VALUE_COLUMNS = ["area_id", "indicator_id", "value", "kind", "source", "note"]


# Exactly the characters Python's str.strip() removes (str.isspace), so that a whole-column strip gives
# the same text as the row-by-row check (tests/test_scale_paths.py checks the list against Python).
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _stripped(df: pd.DataFrame, col: str) -> pd.Series:
    """A text column of ``read_csv_text`` stripped ('' if the file has no such column)."""
    if col not in df.columns:
        return pd.Series("", index=df.index, dtype=str)
    return df[col].astype(str).str.strip(PYTHON_WHITESPACE)


def values_without_problems(df: pd.DataFrame, indicators: dict[str, Any], area_ids: set[str]) -> pd.DataFrame | None:
    """The values table in whole-column operations, or None if any row has a problem.

    Gives exactly what ``_values_row_by_row`` gives for a file without problems; a file with any
    problem goes through the row-by-row check, which names every problem's row.
    """
    if df.empty:
        return None
    aid, iid = _stripped(df, "area_id"), _stripped(df, "indicator_id")
    kind = _stripped(df, "kind")
    kind = kind.map({k: k.lower() for k in kind.unique().tolist()})  # Python's lower(), as row by row
    source, note = _stripped(df, "source"), _stripped(df, "note")
    stored = {k: ind for k, ind in indicators.items() if ind.from_file}
    if not iid.isin(list(stored)).all() or not kind.isin(list(VALUE_KINDS)).all():
        return None
    if area_ids and not aid.isin(list(area_ids)).all():
        return None
    if (aid + "\x00" + iid).duplicated().any():
        return None
    texts = df["value"].astype(str)
    parsed: dict[str, float | None] = {}
    for text in texts.unique().tolist():
        try:
            parsed[text] = parse_number(text, "standard")
        except NumberError:
            return None
    value = texts.map(parsed)
    has_value = value.notna()
    low = iid.map({k: ind.scale_min for k, ind in stored.items()}).astype(float)
    high = iid.map({k: ind.scale_max for k, ind in stored.items()}).astype(float)
    numbers = value.astype(float)
    if (has_value & ~((low <= numbers) & (numbers <= high))).any():
        return None
    if (has_value & (kind == "sourced") & (source == "")).any():
        return None
    return pd.DataFrame(
        {
            "area_id": aid.tolist(),
            "indicator_id": iid.tolist(),
            "value": [parsed[t] for t in texts.tolist()],
            "kind": kind.tolist(),
            "source": source.tolist(),
            "note": note.tolist(),
        },
        columns=VALUE_COLUMNS,
    )


def _values_row_by_row(
    df: pd.DataFrame, file: str, indicators: dict[str, Any], area_ids: set[str], report: Report
) -> pd.DataFrame:
    """Check every row of the values table and report each problem with its row number."""
    empty = pd.DataFrame(columns=VALUE_COLUMNS)
    rows = []
    seen: dict[tuple[str, str], int] = {}
    parsed: dict[str, float | NumberError | None] = {}  # values repeat: each distinct text is parsed once
    records = (
        dict(zip(df.columns, row, strict=True)) for row in zip(*(df[c].tolist() for c in df.columns), strict=True)
    )
    for pos, rec in enumerate(records, start=2):
        where = f"række {pos}"
        aid, iid = rec["area_id"].strip(), rec["indicator_id"].strip()
        kind = rec["kind"].strip().lower()
        ok = True
        if area_ids and aid not in area_ids:
            report.error(f"Ukendt område-id '{aid}'.", file, where)
            ok = False
        ind = indicators.get(iid)
        if ind is None:
            report.error(f"Ukendt indikator '{iid}'; kendte: {', '.join(indicators)}.", file, where)
            continue
        if not ind.from_file:
            report.error(f"Indikatoren '{iid}' beregnes automatisk og må ikke have værdier i filen.", file, where)
            continue
        if kind not in VALUE_KINDS:
            report.error(f"'kind' skal være en af {', '.join(VALUE_KINDS)} (fik '{rec['kind']}').", file, where)
            ok = False
        if rec["value"] not in parsed:
            try:
                parsed[rec["value"]] = parse_number(rec["value"], "standard")
            except NumberError as exc:
                parsed[rec["value"]] = exc
        value = parsed[rec["value"]]
        if isinstance(value, NumberError):
            report.error(f"Værdien for '{iid}' kan ikke bruges: {value}", file, where)
            continue
        if value is not None and not (ind.scale_min <= value <= ind.scale_max):
            report.error(f"Værdien {rec['value']} for '{iid}' ligger uden for skalaen {ind.scale_text}.", file, where)
            ok = False
        source = (rec.get("source") or "").strip()
        if kind == "sourced" and value is not None and not source:
            report.error("En kildebelagt værdi skal have en kilde i kolonnen 'source'.", file, where)
            ok = False
        if (aid, iid) in seen:
            report.error(f"Værdien for '{aid}' / '{iid}' findes også i række {seen[(aid, iid)]}.", file, where)
            ok = False
        seen[(aid, iid)] = pos
        if ok:
            rows.append(
                {
                    "area_id": aid,
                    "indicator_id": iid,
                    "value": value,
                    "kind": kind,
                    "source": source,
                    "note": (rec.get("note") or "").strip(),
                }
            )
    return pd.DataFrame(rows, columns=empty.columns) if rows else empty


def read_actors(path: Path, model: CriteriaModel, report: Report) -> gpd.GeoDataFrame:
    """Read the actor point layer; an absent file means no actors (with a warning)."""
    file = path.name
    empty = gpd.GeoDataFrame(
        {"actor_id": [], "name": [], "sector": [], "kind": [], "source": [], "note": [], "area_id": []},
        geometry=[],
        crs=WGS84,
    )
    if not path.exists():
        report.warn("Ingen aktørfil; aktørindikatoren bliver 0 for alle områder.", file)
        return empty
    gdf = _read_vector(path, report)
    if gdf is None:
        return empty
    if len(gdf) == 0:
        return empty
    if gdf.crs is None:
        report.error("Filen angiver ikke et koordinatsystem (CRS).", file)
        return empty
    if _missing_columns(gdf, ("name", "sector"), file, report):
        return empty
    gdf = gdf.to_crs(WGS84)
    sectors = {s.id for s in model.sectors}
    points = shapely.get_type_id(gdf.geometry.to_numpy()) == 0  # 0: Point
    points &= ~shapely.is_empty(gdf.geometry.to_numpy())
    usable = points & np.isin(np.array(clean_texts(gdf["sector"]), dtype=object), list(sectors))
    keep = np.flatnonzero(usable).tolist()
    for pos in np.flatnonzero(~usable).tolist():  # only the rows with a problem, one message each
        name, sector, point = gdf["name"].iloc[pos], gdf["sector"].iloc[pos], points[pos]
        pos += 1
        where = f"objekt {pos}" + (f" ({name})" if _clean_text(name) else "")
        if not point:
            report.error("En aktør skal være et punkt.", file, where)
        else:
            report.error(f"Ukendt sektor '{sector}'; kendte: {', '.join(sorted(sectors))}.", file, where)
    gdf = gdf.iloc[keep].copy()
    cleaned = {col: clean_texts(gdf[col]) if col in gdf.columns else None for col in ACTOR_TEXT_COLUMNS}
    cleaned["actor_id"] = [a or f"aktoer-{i + 1}" for i, a in enumerate(cleaned["actor_id"] or [None] * len(gdf))]
    cleaned["kind"] = [k if k in VALUE_KINDS else "illustrative" for k in cleaned["kind"] or [None] * len(gdf)]
    for col, texts in cleaned.items():
        gdf[col] = texts
    gdf["name"] = [v or "" for v in clean_texts(gdf["name"])]
    gdf["sector"] = clean_texts(gdf["sector"])
    return gdf.reset_index(drop=True)


def initiative_area_ids(cell: object) -> list[str]:
    """The area ids of an initiatives.csv cell ('a;b' serves two areas)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    return [p.strip() for p in str(cell).split(";") if p.strip()]


def read_initiatives(path: Path, area_ids: set[str], report: Report) -> pd.DataFrame:
    """Read the optional initiatives: register records (with ``initiative_id``) or the older plain list."""
    if not path.exists():
        return pd.DataFrame(columns=list(INITIATIVE_COLUMNS))
    df = read_csv_text(path, report)
    if df is None:
        return pd.DataFrame(columns=list(INITIATIVE_COLUMNS))
    cols = list(INITIATIVE_COLUMNS if "initiative_id" in df.columns else LEGACY_INITIATIVE_COLUMNS)
    for col in cols:
        if col not in df.columns:
            df[col] = ""
    for pos, cell in enumerate(df["area_id"], start=2):
        for aid in initiative_area_ids(cell) or [""]:
            if area_ids and aid not in area_ids:
                report.error(f"Ukendt område-id '{aid}'.", path.name, f"række {pos}")
    return df[cols]
