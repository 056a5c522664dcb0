#!/usr/bin/env python3
"""Build the bundled area data from the research file.

Reads ``../shared/research/areas.json`` (relative to the repository root) and writes

* ``data/areas/areas.geojson``   – 13 area polygons (WGS84 lon/lat) with list status,
  size figures and the verification mark of every fact;
* ``data/areas/initiatives.csv`` – one row per initiative named in the research, as the initiative register's
  version 0 (issue 28): the research's name, source and verification mark, and the register fields the
  mapping file's ``register`` object gives (vocabulary ids for type, operator, target groups, status and
  relevance; dates from the years the source names). The mark's Danish wording and the original type and
  period stay in the reason; trust evidence is ``none`` for all (the research did not look for it).

The output is deterministic (stable order, sorted keys, fixed float rounding), so
running the script twice gives byte-identical files.  ``values.csv`` and
``actors.geojson`` are hand-authored and NOT written here (see data/areas/README.md).

Honesty rules applied here:

* A number is only written to ``residents``/``dwellings`` when the research marks the
  figure ``verified-from-source``; everything else goes into the ``*_note`` text.
* Display texts are Danish (``display_da`` in the mapping file, same meaning as the English
  research text) and the research's verification marks are translated one to one (``MARKS_DA``);
  a field or mark without a Danish text stops the build.
* Every polygon is labelled ``approximate`` (research rectangles drawn from memory) or
  ``placeholder`` (area 13, location unknown).  None is an official boundary.

Usage::

    .venv/bin/python scripts/build_bundled_data.py [--research PATH] [--out-dir DIR] [--check]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RESEARCH = REPO.parent / "shared/research/areas.json"
DEFAULT_OUT_DIR = REPO / "data/areas"

VERIFIED = "verified-from-source"

# ---------------------------------------------------------------------------
# Mapping table (data/research_mapping.json): the per-area facts this script needs.
#
# It holds what the research does not give in a machine-usable form:
#   area_id      stable lowercase ASCII slug (never change it once published)
#   bydel        short Danish bydel name (the research gives free text, kept in bydel_note)
#   list_source  the research URL that best supports the list status / candidacy reason
#                (must occur in the research entry for the area; checked below)
#   list_status  optional short Danish status for the "inferred" areas; the other areas
#                use the default text for their list_confidence (LIST_STATUS_DEFAULT)
# ---------------------------------------------------------------------------
MAPPING_FILE = REPO / "data" / "research_mapping.json"


def _load_mapping(path: Path = MAPPING_FILE) -> tuple[dict, dict, dict, dict]:
    """Per-area facts and Danish display texts live in data (research_mapping.json), never in this script."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    areas = {int(k): v for k, v in raw["areas"].items()}
    parsed = {(p["research_id"], p["field"]): (p["value"], p["qualifier"]) for p in raw["parsed_numbers"]}
    placeholders = {int(k): v for k, v in raw["placeholders"].items()}
    danish = {int(k): v for k, v in raw.get("display_da", {}).items()}
    return areas, parsed, placeholders, danish


AREA_MAP, PARSED_NUMBERS, PLACEHOLDER, DANISH = _load_mapping()

# ---------------------------------------------------------------------------
# Generic rules (no per-area facts below this line)
# ---------------------------------------------------------------------------
LIST_STATUS_DEFAULT = {
    "verified": "Verificeret forebyggelsesområde (kk.dk 2023)",
    "inferred": "Udledt af verificerede fakta – ikke set på listen i en kilde",
    "estimate": "Kandidat – ikke verificeret for 2022",
}
# research on_list_2022.confidence -> list_confidence (when not verified-from-source)
CONFIDENCE_TO_LIST = {
    "high": "inferred",  # high but not verified-from-source is still only inferred
    "medium-high": "inferred",
    "medium": "inferred",
    "medium-low": "estimate",
    "low-medium": "estimate",
    "low": "estimate",
}
BYDEL_PREFIX = {
    VERIFIED: "",
    "partly verified": "Delvist verificeret: ",
    "from-memory/uncertain": "Usikker (skøn uden kilde, ikke verificeret): ",
}
# The research's verification marks in Danish, same meaning (an unknown mark stops the build).
MARKS_DA = {
    VERIFIED: "verificeret i kilde",
    "inferred (reasoning from verified facts)": "udledt af verificerede fakta",
    "from-memory/uncertain": "skøn uden kilde",
    "partly verified": "delvist verificeret",
    "not found": "ikke fundet",
    "verified (weak source)": "verificeret (svag kilde)",
    "planned – verified; adoption not found": "planlægning verificeret; vedtagelse ikke fundet",
    "verified existence in 2007; proximity from memory": "fandtes i 2007 (verificeret); nærhed er skøn uden kilde",
}
GEOMETRY_NOTE = (
    "Omtrentligt rektangel fra research (skøn uden kilde, præcision ca. {precision} m) – "
    "ikke den officielle matrikelbaserede afgrænsning."
)
PLACEHOLDER_NOTE = (
    "Pladsholder: placeringen er ukendt. Hypotese: Bellahøj/Degnemosen "
    "(kvadrat på ca. {side} × {side} m om {lat:.4f}, {lon:.4f}). Ikke en afgrænsning."
)
COORD_DECIMALS = 6  # ~0.1 m; more than enough for approximate rectangles
INITIATIVE_COLUMNS = [
    "initiative_id", "area_id", "name", "type", "operator", "target_groups", "start", "end", "status",
    "relevance", "trust_evidence", "evidence", "verification", "source", "recorded_by", "reason",
]  # fmt: skip
# the research's marks as the register's verification ids (any other mark: "unverified", wording kept in the reason)
REGISTER_VERIFICATION = {"verificeret i kilde": "verified", "skøn uden kilde": "illustrative"}
READING_NOTE = (
    "Type, status, målgrupper og relevans er datapakkens læsning af kilden; belæg for beboernes tillid er ikke "
    "undersøgt."
)
NO_SOURCE = "Ingen kilde (skøn uden kilde i researchen)"
SOURCE_SEP = " ; "


class BuildError(Exception):
    """The research file does not match what this script expects."""


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def join_sources(value: Any) -> str:
    return SOURCE_SEP.join(as_list(value))


def mark_da(mark: str | None) -> str:
    """The research's verification mark in Danish."""
    if mark not in MARKS_DA:
        raise BuildError(f"unknown verification mark {mark!r}: add it to MARKS_DA")
    return MARKS_DA[mark]


def danish(rid: int, field: str, required: bool = True) -> Any:
    """The Danish display text of a research field (research_mapping.json, display_da)."""
    value = DANISH.get(rid, {}).get(field)
    if value is None and required:
        raise BuildError(f"area {rid}: no Danish display text for {field!r} in display_da")
    return value


def list_confidence(on_list: dict[str, Any]) -> str:
    if on_list.get("verification") == VERIFIED:
        return "verified"
    conf = on_list.get("confidence")
    if conf not in CONFIDENCE_TO_LIST:
        raise BuildError(f"unknown on_list_2022.confidence {conf!r}")
    return CONFIDENCE_TO_LIST[conf]


def size_fields(area: dict[str, Any], field: str) -> tuple[int | None, str, str | None]:
    """Return (number, Danish note, source) for 'residents' or 'dwellings'."""
    rid = area["id"]
    raw = area.get(field) or {}
    value, mark, note = raw.get("value"), raw.get("verification"), raw.get("note")
    parsed = PARSED_NUMBERS.get((rid, field))
    if value is None:
        if parsed:
            raise BuildError(f"area {rid}: {field} is null but PARSED_NUMBERS has an entry")
        if not note or note.strip().lower() == "not found":
            return None, "ikke fundet", None
        return None, f"ikke fundet i en kilde; {danish(rid, field)}", None
    if mark != VERIFIED:
        # A figure that is not verified never becomes a number.
        return None, f"ikke kildebelagt ({mark_da(mark)}): {danish(rid, field)}", None
    source = join_sources(raw.get("source")) or None
    if source is None:
        raise BuildError(f"area {rid}: verified {field} without a source")
    if isinstance(value, int) and not isinstance(value, bool):
        if parsed:
            raise BuildError(f"area {rid}: {field} is already an integer; drop PARSED_NUMBERS entry")
        return value, "tal fra kilden", source
    if not parsed:
        raise BuildError(f"area {rid}: {field} is text ({value!r}); add it to PARSED_NUMBERS")
    number, qualifier = parsed
    if str(number) not in value and f"{number:,}" not in value:
        raise BuildError(f"area {rid}: parsed {field} {number} not found in research text {value!r}")
    return number, f"{qualifier}; kilden: {danish(rid, field)}", source


def ring_from_latlon(pairs: list[list[float]]) -> list[tuple[float, float]]:
    """Research gives [lat, lon]; GeoJSON needs [lon, lat]."""
    return [(float(lon), float(lat)) for lat, lon in pairs]


def square_ring(lat: float, lon: float, side_m: float) -> list[tuple[float, float]]:
    """A square of side_m metres centred on (lat, lon), local equirectangular approximation."""
    half = side_m / 2.0
    dlat = half / 111_320.0
    dlon = half / (111_320.0 * math.cos(math.radians(lat)))
    return [
        (lon - dlon, lat - dlat),
        (lon + dlon, lat - dlat),
        (lon + dlon, lat + dlat),
        (lon - dlon, lat + dlat),
        (lon - dlon, lat - dlat),
    ]


def make_polygon(ring: list[tuple[float, float]], label: str) -> Polygon:
    if ring[0] != ring[-1]:
        raise BuildError(f"{label}: polygon ring is not closed")
    poly = orient(Polygon(ring), sign=1.0)  # RFC 7946: exterior ring counter-clockwise
    rounded = [(round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)) for x, y in poly.exterior.coords]
    poly = Polygon(rounded)
    if not poly.is_valid:
        raise BuildError(f"{label}: invalid polygon ({shapely.is_valid_reason(poly)})")
    return poly


def geometry_json(poly: Polygon) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x, y] for x, y in poly.exterior.coords]]}


def mentioned_in(area: dict[str, Any], url: str) -> bool:
    return url in json.dumps(area, ensure_ascii=False)


def build_feature(area: dict[str, Any]) -> tuple[dict[str, Any], Polygon]:
    rid = area["id"]
    if rid not in AREA_MAP:
        raise BuildError(f"research area {rid} ({area.get('official_name')}) is not in AREA_MAP")
    m = AREA_MAP[rid]
    label = f"area {rid} ({area['official_name']})"

    conf = list_confidence(area["on_list_2022"])
    status = m.get("list_status") or LIST_STATUS_DEFAULT[conf]
    expected_word = {"verified": "Verificeret", "inferred": "Udledt", "estimate": "Kandidat"}[conf]
    if not status.startswith(expected_word):
        raise BuildError(f"{label}: list_status {status!r} does not match list_confidence {conf!r}")
    if m["list_source"] is not None and not mentioned_in(area, m["list_source"]):
        raise BuildError(f"{label}: list_source is not cited in the research entry")

    bydel = area["bydel"]
    bydel_mark = bydel.get("verification", "")
    prefix = BYDEL_PREFIX.get(bydel_mark, "Ikke verificeret: ")
    bydel_note = f"{prefix}{danish(rid, 'bydel')} ({mark_da(bydel_mark)})"

    orgs = area["housing_orgs"]
    orgs_da = as_list(danish(rid, "housing_orgs"))
    if len(orgs_da) != len(as_list(orgs.get("value"))):
        raise BuildError(
            f"{label}: housing_orgs has {len(as_list(orgs.get('value')))} entries, display_da {len(orgs_da)}"
        )
    housing = "; ".join(orgs_da)
    if orgs.get("verification") != VERIFIED:
        housing += f" ({mark_da(orgs.get('verification'))})"

    if area.get("approx_polygon_latlon"):
        ring = ring_from_latlon(area["approx_polygon_latlon"])
        quality = "approximate"
        precision = area.get("centroid", {}).get("precision_m")
        geom_note = GEOMETRY_NOTE.format(precision=precision if precision else "?")
    elif rid in PLACEHOLDER:
        p = PLACEHOLDER[rid]
        ring = square_ring(p["lat"], p["lon"], p["side_m"])
        quality = "placeholder"
        geom_note = PLACEHOLDER_NOTE.format(side=int(p["side_m"]), lat=p["lat"], lon=p["lon"])
    else:
        raise BuildError(f"{label}: no polygon in research and no placeholder defined")
    poly = make_polygon(ring, label)

    residents, residents_note, residents_source = size_fields(area, "residents")
    dwellings, dwellings_note, dwellings_source = size_fields(area, "dwellings")

    props = {
        "area_id": m["area_id"],
        "name": area["official_name"],
        "bydel": m["bydel"],
        "bydel_note": bydel_note,
        "housing_orgs": housing,
        "residents": residents,
        "residents_note": residents_note,
        "residents_source": residents_source,
        "dwellings": dwellings,
        "dwellings_note": dwellings_note,
        "dwellings_source": dwellings_source,
        "list_confidence": conf,
        "list_status": status,
        "list_source": m["list_source"],
        "list_note": danish(rid, "list_note"),
        "geometry_quality": quality,
        "geometry_note": geom_note,
        "research_id": rid,
        "negative_social_control": danish(rid, "negative_social_control")
        if area.get("negative_social_control")
        else "",
    }
    return {"type": "Feature", "properties": props, "geometry": geometry_json(poly)}, poly


def check_layout(polys: list[tuple[str, Polygon]]) -> list[str]:
    """Report touching / overlapping pairs (informational; overlaps are not fatal)."""
    notes = []
    for i, (a_id, a) in enumerate(polys):
        for b_id, b in polys[i + 1 :]:
            if not a.intersects(b):
                continue
            overlap = a.intersection(b).area
            kind = "OVERLAP (interiors intersect)" if overlap > 0 else "share an edge/point"
            notes.append(f"{a_id} / {b_id}: {kind}")
    return notes


def build(research: dict[str, Any]) -> tuple[str, str, list[str]]:
    areas = sorted(research["areas"], key=lambda a: a["id"])
    ids = [a["id"] for a in areas]
    if sorted(AREA_MAP) != ids:
        raise BuildError(f"research ids {ids} do not match AREA_MAP ids {sorted(AREA_MAP)}")
    slugs = [AREA_MAP[i]["area_id"] for i in ids]
    if len(set(slugs)) != len(slugs):
        raise BuildError("area_id slugs are not unique")

    features, polys = [], []
    for area in areas:
        feat, poly = build_feature(area)
        features.append(feat)
        polys.append((feat["properties"]["area_id"], poly))
    geojson = (
        json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
        + "\n"
    )

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(INITIATIVE_COLUMNS)
    for area in areas:
        found = [ini for ini in area.get("initiatives") or [] if ini.get("type") != "gap"]  # gaps are not initiatives
        texts = danish(area["id"], "initiatives", required=bool(found)) or []
        if len(texts) != len(found):
            raise BuildError(f"area {area['id']}: {len(found)} initiatives in the research, {len(texts)} in display_da")
        for ini, da in zip(found, texts, strict=True):
            if bool(ini.get("period")) != bool(da.get("period")):
                raise BuildError(
                    f"area {area['id']}: initiative {ini.get('name')!r} and its Danish text disagree "
                    "on whether a period is known"
                )
            writer.writerow(register_row(AREA_MAP[area["id"]]["area_id"], ini, da))
    return geojson, buf.getvalue(), check_layout(polys)


def register_row(area_id: str, ini: dict[str, Any], da: dict[str, Any]) -> list[str]:
    """One initiatives.csv row: the research's initiative with its ``register`` fields from the mapping file."""
    reg = da.get("register")
    if not isinstance(reg, dict):
        raise BuildError(f"initiative {da.get('name')!r}: no 'register' object in display_da")
    mark = mark_da(ini.get("verification"))
    period = f"; periode: {da['period']}" if da.get("period") else ""
    reason = [f"Fra researchen (verifikation: {mark}; oprindelig type: {da['type']}{period})."]
    if reg.get("note"):
        reason.append(reg["note"])
    reason.append(READING_NOTE)
    if reg.get("name"):  # the research's name was too long for the register: the full text stays in the reason
        reason.append(f"Kildens fulde beskrivelse: {da['name']}.")
    return [
        reg["id"],
        area_id,
        reg.get("name") or da["name"],
        reg["type"],
        reg["operator"],
        ";".join(reg.get("target_groups") or []),
        reg.get("start") or "",
        reg.get("end") or "",
        reg["status"],
        reg["relevance"],
        "none",
        "",
        REGISTER_VERIFICATION.get(mark, "unverified"),
        join_sources(ini.get("source")) or NO_SOURCE,
        "datapakken",
        " ".join(reason),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--research", type=Path, default=DEFAULT_RESEARCH, help=f"research JSON (default: {DEFAULT_RESEARCH})"
    )
    parser.add_argument(
        "--out-dir", type=Path, default=DEFAULT_OUT_DIR, help=f"output directory (default: {DEFAULT_OUT_DIR})"
    )
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the files on disk differ from a fresh build"
    )
    args = parser.parse_args(argv)

    try:
        research = json.loads(args.research.read_text(encoding="utf-8"))
        geojson, initiatives, layout = build(research)
    except (OSError, json.JSONDecodeError, KeyError, BuildError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    outputs = {"areas.geojson": geojson, "initiatives.csv": initiatives}
    for note in layout:
        print(f"note: {note}")
    if args.check:
        stale = [
            n
            for n, text in outputs.items()
            if not (args.out_dir / n).exists() or (args.out_dir / n).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"out of date: {args.out_dir / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in outputs.items():
        with open(args.out_dir / name, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(f"wrote {args.out_dir / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
