"""Column names the import recognises (Danish and English) and small text helpers shared by the readers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from selection.importing.matching import find_column

VALUE_COLUMNS = ["area_id", "indicator_id", "value", "kind", "source", "note"]
ACTOR_COLUMNS = ["actor_id", "name", "sector", "kind", "source", "note", "area_id", "position_quality"]

INDICATOR_COLS = ("indicator_id", "indikator_id", "indicator", "indikator")
VALUE_COLS = ("value", "værdi", "vaerdi")
KIND_COLS = ("kind", "type_af_værdi", "værditype")
SOURCE_COLS = ("source", "kilde")
NOTE_COLS = ("note", "bemærkning", "kommentar")
WIDE_META = ("bydel", "kommune", "aar", "år", "year", *KIND_COLS, *SOURCE_COLS, *NOTE_COLS)
ACTOR_NAME_COLS = ("name", "navn", "aktør", "aktoer", "actor")
ACTOR_SECTOR_COLS = ("sector", "sektor", "kategori", "category", "type")
ACTOR_ID_COLS = ("actor_id", "aktør_id", "aktoer_id", "id")
XY_COLS = (("x", "easting", "øst", "oest"), ("y", "northing", "nord"))
LONLAT_COLS = (("lon", "lng", "long", "longitude", "længdegrad"), ("lat", "latitude", "breddegrad"))


def coordinate_columns(header: Sequence[str]) -> tuple[str, str] | None:
    """The x/y (or lon/lat) columns of a table, if it has both."""
    for xs, ys in (XY_COLS, LONLAT_COLS):
        x, y = find_column(header, xs), find_column(header, ys)
        if x and y:
            return x, y
    return None


def feature_label(pos: int, name: Any) -> str:
    """How a feature is named in messages: 'objekt 3 (Hørgården)'."""
    text = text_of(name)
    return f"objekt {pos}" + (f" ({text})" if text else "")


def text_of(value: Any) -> str:
    """A cell as trimmed text ('' for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()
