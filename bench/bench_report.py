"""Benchmark of the steering group's report (selection/report): the bundled 13 areas and 200 synthetic areas,
and (``--worst``) the worst input the app accepts, rendered within 10 s and 1 GB or FAIL.

Run from the repository root:  .venv/bin/python bench/bench_report.py [--repeats 3] [--areas 200]
                               .venv/bin/python bench/bench_report.py --worst [--worst-areas 2000]
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


WORST_SECONDS, WORST_BYTES = 10.0, 1024**3


def _long(text: str, n: int) -> str:
    """``n`` characters of ``text`` repeated, a line break every 20 characters (the most lines a text can hold)."""
    line = (text * (20 // max(len(text), 1) + 1))[:19] + "\n"
    return (line * (n // len(line) + 1))[:n]


def worst_snapshot(folder: Path, n_areas: int) -> tuple[dict, dict]:
    """The worst input the app accepts for a report, as a snapshot and a decision.

    Area names of MAX_AREA_NAME characters full of line breaks; ``n_areas`` areas (star polygons of 50 corners);
    one assessment in force per area and assessed indicator with the longest reason, evidence (a web address),
    name and role the form accepts; source (a web address: the report keeps an address whole up to
    MAX_URL_CHARS where it cuts a text) and note of the listed areas' values at the CSV cell limit; a comparison of
    the most scenarios (longest names); --top at its maximum; a decision with its four texts at their limit and the
    most participants."""
    from make_package import generate

    from selection.assessments.model import MAX_EVIDENCE, MAX_NAME, MAX_REASON, MAX_ROLE
    from selection.decisions.model import MAX_NAME as DECISION_NAME
    from selection.decisions.model import MAX_PARTICIPANTS, MAX_TEXT
    from selection.limits import MAX_AREA_NAME, MAX_CSV_FIELD
    from selection.scenarios.compare import MAX_SCENARIOS
    from selection.scenarios.saved import MAX_NAME as SCENARIO_NAME

    package = generate(folder, n_areas, 50, actors_per_area=1)
    areas_file = package / "areas.geojson"
    collection = json.loads(areas_file.read_text(encoding="utf-8"))
    for k, feature in enumerate(collection["features"]):
        feature["properties"]["name"] = _long(f"Område {k} Æblehaven ", MAX_AREA_NAME - 6) + f" {k:05d}"
    areas_file.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    dataset = load_dataset(package)
    model = dataset.model
    plain = parse_settings({}, model)
    others = [
        (
            _long(f"Scenarie {j} ", SCENARIO_NAME - 3) + f" {j}",
            parse_settings({"weights": {c: (k + j) % 3 + 1 for k, c in enumerate(model.criterion_ids)}}, model),
        )
        for j in range(MAX_SCENARIOS - 1)
    ]
    snapshot = snapshot_from_store(
        dataset,
        None,
        None,
        10_000,
        n_samples=1000,
        scenario=scenario_record(others[0][0], 1, 1),
        compare_with=[(others[0][0], plain), *others],
    )
    assessed = [i["id"] for c in snapshot["criteria"] for i in c["indicators"] if i["assessment"]] or [
        snapshot["criteria"][0]["indicators"][0]["id"]
    ]
    snapshot["assessments"] = [
        {
            "id": n,
            "area_id": a["id"],
            "indicator_id": ind,
            "value": 3.0,
            "reason": _long("Begrundelse ", MAX_REASON),
            "evidence": ("https://example.org/belaeg/" + "e" * MAX_EVIDENCE)[:MAX_EVIDENCE],
            "assessor_name": "V" * MAX_NAME,
            "assessor_role": "R" * MAX_ROLE,
            "assessed_on": "2026-11-01",
            "recorded_at": "2026-11-01T10:00:00+00:00",
            "version": 1,
        }
        for n, (a, ind) in enumerate((a, ind) for a in snapshot["areas"] for ind in assessed)
    ]
    listed = {r["area_id"] for r in snapshot["ranking"][:60]}
    for v in snapshot["values"]:
        if v["area_id"] in listed:
            v["source"] = ("https://example.org/kilde/" + "k" * MAX_CSV_FIELD)[:MAX_CSV_FIELD]
            v["note"] = _long("Note ", MAX_CSV_FIELD)
    decision = {
        "id": 1,
        "corrects_id": None,
        "chosen_area_id": snapshot["ranking"][-1]["area_id"],
        "decided_on": "2026-11-20",
        "recorded_at": "2026-11-20T10:00:00+00:00",
        "recorded_by": "V" * DECISION_NAME,
        "scenario": _long("Scenarie ", MAX_TEXT),
        "reasons": _long("Begrundelse ", MAX_TEXT),
        "dissent": _long("Afvigende ", MAX_TEXT),
        "conditions": _long("Betingelse ", MAX_TEXT),
        "participants": [{"name": "D" * DECISION_NAME, "role": "R" * 160} for _ in range(MAX_PARTICIPANTS)],
    }
    return snapshot, decision


_CHILD = """
import io, json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from selection.report import render_pdf
from pypdf import PdfReader
with open(sys.argv[1], encoding="utf-8") as fh:
    job = json.load(fh)
start, cpu = time.perf_counter(), time.process_time()
pdf = render_pdf(job["snapshot"], job["decision"])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_bytes": peak, "pages": len(PdfReader(io.BytesIO(pdf)).pages)}))
"""


def worst(n_areas: int) -> bool:
    """Render the worst accepted report in a fresh process (cold: imports, fonts); PASS/FAIL against 10 s, 1 GB."""
    import subprocess

    with tempfile.TemporaryDirectory(prefix="bench-report-worst-") as tmp:
        start = time.perf_counter()
        snapshot, decision = worst_snapshot(Path(tmp) / "pkg", n_areas)
        made = time.perf_counter() - start
        job = Path(tmp) / "job.json"
        job.write_text(json.dumps({"snapshot": snapshot, "decision": decision}, ensure_ascii=False), encoding="utf-8")
        size = job.stat().st_size
        del snapshot, decision
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(job), str(REPO)], capture_output=True, text=True, timeout=600
        )
    if proc.returncode != 0:
        print(proc.stderr[-2000:])
        print("FAIL: the report could not be rendered")
        return False
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    ok = result["seconds"] <= WORST_SECONDS and result["peak_bytes"] <= WORST_BYTES
    import os

    print(
        f"worst accepted input, {n_areas} areas (snapshot built in {made:.1f} s, {size / 1e6:.1f} MB of JSON): "
        f"PDF in {result['seconds']:.2f} s ({result['cpu']:.2f} s CPU), "
        f"peak RSS {result['peak_bytes'] / 1024**2:.0f} MB, {result['pages']} pages "
        f"-> {'PASS' if ok else 'FAIL'} (limits {WORST_SECONDS:.0f} s, {WORST_BYTES / 1024**3:.0f} GB; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--worst", action="store_true", help="only the worst accepted input: PASS/FAIL at 10 s, 1 GB")
    parser.add_argument("--worst-areas", type=int, default=2000)
    args = parser.parse_args()
    if args.worst:
        sys.path.insert(0, str(REPO / "bench"))
        sys.exit(0 if worst(args.worst_areas) else 1)
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
