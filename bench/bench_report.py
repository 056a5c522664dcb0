"""Benchmark of the steering group's report (selection/report): the bundled 13 areas and 200 synthetic areas.

Run from the repository root:  .venv/bin/python bench/bench_report.py [--repeats 3] [--areas 200]
Prints a table (median of N repeats, seconds) and writes bench/results/report.json (git-ignored).

Measured per data set, as ``python -m selection report`` does it (10,000 SMAA weightings, default weights):
the snapshot (ranking, data status, SMAA with weights only and with value uncertainty), the HTML (map and
chart drawn with matplotlib, template) and the PDF (HTML + WeasyPrint). Targets: 13 areas ≤ 5 s, 200 ≤ 20 s
for the full PDF report. The rows marked "+scn" make the report as ``report --scenario A --scenario B
--scenario C`` does: scenario A with an exclusion rule (minimum need score 40), compared with two more
(rank table, sentence, rank-change chart).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from shapely.geometry import box

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from selection.data.dataset import load_dataset  # noqa: E402
from selection.report import render_html, render_pdf, take_snapshot  # noqa: E402
from selection.report.snapshot import snapshot_from_store  # noqa: E402
from selection.scenarios import parse_settings  # noqa: E402
from selection.scenarios.resolve import scenario_record  # noqa: E402
from tests.support.factory import area_features, make_package  # noqa: E402

TARGETS = {13: 5.0, 200: 20.0}


def synthetic_package(folder: Path, n_areas: int, seed: int = 1) -> Path:
    """``n_areas`` 300 m boxes on a grid over Copenhagen with random values (factory criteria)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_areas)))
    areas, values = [], []
    for k in range(n_areas):
        x, y = 12.45 + (k % side) * 0.012, 55.62 + (k // side) * 0.008
        aid = f"s{k:04d}"
        areas.append((aid, f"Område {k + 1} Æblehaven", box(x, y, x + 0.005, y + 0.003)))
        values += [
            (aid, "t1", str(int(rng.integers(1, 6))), "illustrative", "Illustrativ vurdering", ""),
            (aid, "n1", str(int(rng.integers(1, 6))), "illustrative", "Illustrativ vurdering", ""),
            (aid, "n2", f"{rng.uniform(0, 100):.1f}", "sourced", "https://example.org/kilde", "Syntetisk"),
        ]
    return make_package(folder, areas=area_features(areas), values=values)


CPU_SECONDS: dict[str, float] = {}


def timed(fn, repeats: int, name: str = "") -> tuple[float, object]:
    """Median wall time of ``repeats`` calls (CPU time kept in CPU_SECONDS: the machine may be shared)."""
    samples, cpu, out = [], [], None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU_SECONDS[name] = statistics.median(cpu)
    return statistics.median(samples), out


def scenario_snapshot(dataset) -> dict:
    """Snapshot with a rule-bearing main scenario compared with two others (what ``report --scenario`` x3 does)."""
    model = dataset.model
    main = parse_settings({"rules": [{"kind": "min_score", "criterion": "need", "min": 40}]}, model)
    heavy = parse_settings({"weights": {c: (3 if c == "need" else 1) for c in model.criterion_ids}}, model)
    plain = parse_settings({}, model)
    return snapshot_from_store(
        dataset,
        None,
        main.weights,
        3,
        sub_weights=main.sub_weights,
        distance_m=main.distance_m,
        rules=main.rules,
        scenario=scenario_record("Bench A", 1, 1),
        compare_with=[("Bench A", main), ("Behov tungt", heavy), ("Standard", plain)],
    )


def measure(dataset, repeats: int, with_scenarios: bool = False) -> dict[str, float]:
    make = (lambda: scenario_snapshot(dataset)) if with_scenarios else (lambda: take_snapshot(dataset, None, 3))
    t_snap, snapshot = timed(make, repeats, "snapshot")
    t_html, _ = timed(lambda: render_html(snapshot), repeats, "html")
    t_pdf, pdf = timed(lambda: render_pdf(snapshot), repeats, "pdf")
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return {
        "snapshot_s": t_snap,
        "html_s": t_html,
        "pdf_s": t_pdf,
        "total_pdf_s": t_snap + t_pdf,
        "total_html_s": t_snap + t_html,
        "pages": pages,
        "cpu_total_pdf_s": CPU_SECONDS["snapshot"] + CPU_SECONDS["pdf"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--areas", type=int, default=200)
    args = parser.parse_args()
    results = {}
    render_pdf(take_snapshot(load_dataset(), None, 3, n_samples=100))  # warm-up: imports, fonts
    bundled = load_dataset()
    results[str(len(bundled.areas))] = measure(bundled, args.repeats)
    results[f"{len(bundled.areas)}+scn"] = measure(bundled, args.repeats, with_scenarios=True)
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        synthetic = load_dataset(synthetic_package(Path(tmp) / "pkg", args.areas))
        results[str(args.areas)] = measure(synthetic, args.repeats)
        results[f"{args.areas}+scn"] = measure(synthetic, args.repeats, with_scenarios=True)
    print(
        f"{'areas':>8} {'snapshot':>9} {'html':>7} {'pdf':>7} {'total pdf':>10} {'(cpu)':>7} {'target':>7} {'pages':>6}"
    )
    for n, r in results.items():
        target = TARGETS.get(int(n.split("+")[0]))
        flag = "" if target is None else ("ok" if r["total_pdf_s"] <= target else "OVER")
        print(
            f"{n:>8} {r['snapshot_s']:>8.2f}s {r['html_s']:>6.2f}s {r['pdf_s']:>6.2f}s "
            f"{r['total_pdf_s']:>9.2f}s {r['cpu_total_pdf_s']:>6.2f}s "
            f"{(f'{target:.0f}s' if target else '-'):>7} {r['pages']:>6} {flag}"
        )
    out = REPO / "bench" / "results" / "report.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    import os

    load = os.getloadavg()[0]
    print(f"load average during the run: {load:.1f} on {os.cpu_count()} cores")
    out.write_text(json.dumps({"repeats": args.repeats, "load": load, "results": results}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
