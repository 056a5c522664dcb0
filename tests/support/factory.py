"""Build small, valid data packages in a temporary folder; tests then break one thing."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
from shapely.geometry import Point, box, mapping

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "areas"

CRITERIA = {
    "actor_distance_m": 500,
    "sectors": [{"id": "school", "label": "Skole"}, {"id": "club", "label": "Klub"}],
    "criteria": [
        {
            "id": "trust",
            "label": "Tillid",
            "default_weight": 1,
            "indicators": [
                {
                    "id": "t1",
                    "label": "T1",
                    "unit": "point",
                    "direction": "benefit",
                    "scale": {"min": 1, "max": 5},
                    "default_weight": 1,
                }
            ],
        },
        {
            "id": "actors",
            "label": "Aktører",
            "default_weight": 1,
            "indicators": [
                {
                    "id": "cov",
                    "label": "Dækning",
                    "unit": "%",
                    "direction": "benefit",
                    "scale": {"min": 0, "max": 100},
                    "default_weight": 1,
                    "computed": {"method": "sector_coverage"},
                }
            ],
        },
        {
            "id": "need",
            "label": "Behov",
            "default_weight": 1,
            "indicators": [
                {
                    "id": "n1",
                    "label": "N1",
                    "unit": "point",
                    "direction": "benefit",
                    "scale": {"min": 1, "max": 5},
                    "default_weight": 2,
                },
                {
                    "id": "n2",
                    "label": "N2",
                    "unit": "%",
                    "direction": "cost",
                    "scale": {"min": 0, "max": 100},
                    "default_weight": 1,
                },
            ],
        },
    ],
}

# Three 1 km x ~1.1 km boxes in Copenhagen, far enough apart that 500 m buffers don't overlap.
AREAS = [
    ("a", "Alfa", box(12.50, 55.66, 12.516, 55.67)),
    ("b", "Bravo", box(12.55, 55.66, 12.566, 55.67)),
    ("c", "Charlie", box(12.60, 55.66, 12.616, 55.67)),
]

VALUES = [
    ("a", "t1", "5", "sourced", "https://example.org/a", ""),
    ("a", "n1", "2", "illustrative", "Illustrativ vurdering", ""),
    ("a", "n2", "40", "sourced", "https://example.org/a2", ""),
    ("b", "t1", "3", "illustrative", "Illustrativ vurdering", ""),
    ("b", "n1", "4", "illustrative", "Illustrativ vurdering", ""),
    ("b", "n2", "20", "illustrative", "Illustrativ vurdering", ""),
    ("c", "t1", "1", "illustrative", "Illustrativ vurdering", ""),
    ("c", "n1", "5", "illustrative", "Illustrativ vurdering", ""),
    ("c", "n2", "90", "illustrative", "Illustrativ vurdering", ""),
]

# Actor a1 inside Alfa (school), a2 ~300 m east of Alfa (club), a3 far away (club).
ACTORS = [
    ("a1", "Skole A", "school", "sourced", Point(12.508, 55.665)),
    ("a2", "Klub A", "club", "illustrative", Point(12.5208, 55.665)),
    ("a3", "Klub fjern", "club", "illustrative", Point(12.70, 55.70)),
]


def area_features(areas=AREAS) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(geom),
                "properties": {
                    "area_id": aid,
                    "name": name,
                    "bydel": "Testbydel",
                    "list_confidence": "verified",
                    "list_status": "Test",
                    "geometry_quality": "approximate",
                },
            }
            for aid, name, geom in areas
        ],
    }


def write_values(path: Path, rows=VALUES) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["area_id", "indicator_id", "value", "kind", "source", "note"])
        w.writerows(rows)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A one-sheet workbook with ``rows``, as an uploaded XLSX file's bytes."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_package(folder: Path, *, criteria=None, areas=None, values=None, actors=None) -> Path:
    """Write a complete valid package; pass any part to replace it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "criteria.json").write_text(json.dumps(criteria or CRITERIA), encoding="utf-8")
    (folder / "dataset.json").write_text(json.dumps({"name": "Test", "version": "t1"}), encoding="utf-8")
    (folder / "areas.geojson").write_text(json.dumps(areas or area_features()), encoding="utf-8")
    write_values(folder / "values.csv", values or VALUES)
    feats = [
        {
            "type": "Feature",
            "geometry": mapping(pt),
            "properties": {"actor_id": aid, "name": name, "sector": sector, "kind": kind, "source": "test"},
        }
        for aid, name, sector, kind, pt in (actors or ACTORS)
    ]
    (folder / "actors.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8"
    )
    return folder


def copy_bundled(folder: Path) -> Path:
    """A writable copy of the bundled data package."""
    shutil.copytree(BUNDLED, folder)
    return folder


def _test_admin():
    from selection.access import CLI, Actor, Identity

    return Actor(Identity(subject="tester@test-host", email="", name="Tester", method=CLI))


# The command line's named local administrator, for tests that write but do not test rights.
ADMIN = _test_admin()


def bundled_in_use():
    """The bundled package as the app and the command line rank it (its registers applied, no database)."""
    from selection.data.dataset import load_dataset
    from selection.workspace import workspace_of

    return workspace_of(load_dataset(), None).dataset
