"""Generate a synthetic data package with many areas, for the scale benchmark (bench/bench_scale.py).

Run from the repository root:
    .venv/bin/python bench/make_package.py --areas 2000 --vertices 200 [--out DIR]

Writes areas.geojson (star-shaped, valid polygons of ``--vertices`` corners, ~0.4–1 km across, on a
grid over Denmark), values.csv (every stored indicator, illustrative), actors.geojson (``--actors``
points per area, random sectors, within ~700 m of the area), an empty initiatives.csv, the bundled
criteria.json and a dataset.json that says the package is generated. The default folder is
bench/results/packages/<areas>x<vertices> (git-ignored; never committed). Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = REPO / "bench" / "results" / "packages"
BUNDLED = REPO / "data" / "areas"
# Denmark's mainland and islands, roughly (EPSG:4326).
WEST, EAST, SOUTH, NORTH = 8.3, 12.6, 54.9, 57.5
ILLUSTRATIVE = "Illustrativ vurdering – ikke kildebelagt"
ILLUSTRATIVE_ACTOR = "Illustrativ aktør – ikke kildebelagt"


def default_folder(areas: int, vertices: int) -> Path:
    return DEFAULT_ROOT / f"{areas}x{vertices}"


def _polygon(rng: random.Random, lon: float, lat: float, radius_m: float, vertices: int) -> list[list[float]]:
    """A star-shaped ring (angles strictly increasing, so it never self-intersects), closed."""
    m_per_deg_lat = 111_320.0
    m_per_deg_lon = m_per_deg_lat * math.cos(math.radians(lat))
    phase = rng.uniform(0, 2 * math.pi)
    ring = []
    for k in range(vertices):
        angle = phase + 2 * math.pi * k / vertices
        r = radius_m * (0.75 + 0.25 * math.sin(3 * angle) * rng.uniform(0.6, 1.0) + rng.uniform(-0.05, 0.05))
        ring.append(
            [round(lon + r * math.cos(angle) / m_per_deg_lon, 7), round(lat + r * math.sin(angle) / m_per_deg_lat, 7)]
        )
    ring.append(ring[0])
    return ring


def generate(folder: Path, n_areas: int, vertices: int, actors_per_area: int = 5, seed: int = 13) -> Path:
    """Write the package into ``folder`` (created; existing package files in it are replaced)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    criteria = json.loads((BUNDLED / "criteria.json").read_text(encoding="utf-8"))
    shutil.copyfile(BUNDLED / "criteria.json", folder / "criteria.json")
    sectors = [s["id"] for s in criteria["sectors"]]
    stored = [
        i for c in criteria["criteria"] for i in c["indicators"] if not i.get("computed") and not i.get("register_rule")
    ]
    cols = math.ceil(math.sqrt(n_areas * (EAST - WEST) / (NORTH - SOUTH) / 1.7))
    rows = math.ceil(n_areas / cols)
    features, actors, values = [], [], []
    for n in range(n_areas):
        row, col = divmod(n, cols)
        lon = WEST + (col + 0.5 + rng.uniform(-0.2, 0.2)) * (EAST - WEST) / cols
        lat = SOUTH + (row + 0.5 + rng.uniform(-0.2, 0.2)) * (NORTH - SOUTH) / rows
        aid = f"omr-{n + 1:05d}"
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "area_id": aid,
                    "name": f"Område {n + 1}",
                    "geometry_quality": rng.choice(["approximate", "official"]),
                    "list_confidence": "estimate",
                    "list_status": "Genereret testområde",
                },
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [_polygon(rng, lon, lat, rng.uniform(200, 500), vertices)],
                },
            }
        )
        for ind in stored:
            lo, hi = ind["scale"]["min"], ind["scale"]["max"]
            value = rng.randint(lo, hi) if hi - lo <= 2 else round(rng.uniform(lo, hi), 1)
            values.append([aid, ind["id"], value, "illustrative", ILLUSTRATIVE, "Genereret til benchmark."])
        for k in range(actors_per_area):
            angle, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0, 700)
            actors.append(
                {
                    "type": "Feature",
                    "properties": {
                        "actor_id": f"{aid}-a{k + 1}",
                        "name": f"Aktør {k + 1} ved område {n + 1}",
                        "sector": rng.choice(sectors),
                        "kind": "illustrative",
                        "source": ILLUSTRATIVE_ACTOR,
                        "area_id": aid,
                    },
                    "geometry": {
                        "type": "Point",
                        "coordinates": [
                            round(lon + dist * math.cos(angle) / (111_320 * math.cos(math.radians(lat))), 7),
                            round(lat + dist * math.sin(angle) / 111_320, 7),
                        ],
                    },
                }
            )
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    (folder / "areas.geojson").write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": features}))
    (folder / "actors.geojson").write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": actors}))
    with open(folder / "values.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["area_id", "indicator_id", "value", "kind", "source", "note"])
        writer.writerows(values)
    (folder / "initiatives.csv").write_text("area_id,name,type,period,verification,source\n", encoding="utf-8")
    (folder / "dataset.json").write_text(
        json.dumps(
            {
                "name": f"Genereret benchmark-pakke ({n_areas} områder à {vertices} hjørner)",
                "version": f"bench-{n_areas}x{vertices}-{seed}",
                "description": "Genererede, illustrative områder og værdier til ydelsesmåling; ikke virkelige data.",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--areas", type=int, default=2000)
    parser.add_argument("--vertices", type=int, default=200)
    parser.add_argument("--actors", type=int, default=5, help="actor points per area (default 5)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, help="folder (default bench/results/packages/<areas>x<vertices>)")
    args = parser.parse_args()
    if args.areas < 1 or args.vertices < 3 or args.actors < 0:
        print("--areas >= 1, --vertices >= 3 and --actors >= 0", file=sys.stderr)
        return 2
    folder = generate(
        args.out or default_folder(args.areas, args.vertices), args.areas, args.vertices, args.actors, args.seed
    )
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
