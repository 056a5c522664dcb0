"""Benchmark of selection/analysis/critical/ (values.py, priorities.py): the whole critical-value table and the
assessment priority list.

Run from the repository root:  .venv/bin/python bench/bench_critical.py [--repeats 7]
Prints a small table and writes bench/results/critical.json (git-ignored).

* bundled: the 13 areas of data/areas at the default weights (critical_values for every area x
  indicator, then priority_list), target <= 50 ms;
* synthetic: 2,000 areas on the bundled criteria model, values drawn uniformly on each indicator's
  scale (seeded; 5 % missing; kinds mixed sourced/assessed/illustrative, assessed ones with an
  assessors' spread), generated in memory, target <= 2 s.
The performance matrix is built once outside the timing (actor coverage is not part of this module).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from selection.analysis.critical.priorities import priority_list  # noqa: E402
from selection.analysis.critical.values import critical_values  # noqa: E402
from selection.data.dataset import load_dataset  # noqa: E402
from selection.ranking.evaluate import evaluate  # noqa: E402
from selection.ranking.scoring import score_areas  # noqa: E402

SYNTH_AREAS = 2_000
TARGET_SMALL_S = 0.050
TARGET_LARGE_S = 2.0


def timed(fn, repeats: int) -> tuple[float, float, float]:
    """Median and maximum wall time and median CPU time of this process over ``repeats`` runs after one
    warm-up run (CPU time shows the cost when other processes share the cores)."""
    fn()
    runs, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(runs), max(runs), statistics.median(cpu)


def synthetic(model, n: int, seed: int = 14) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """A matrix of ``n`` areas on ``model``'s scales and a provenance frame with mixed kinds."""
    rng = np.random.default_rng(seed)
    ids = [f"area-{i:05d}" for i in range(n)]
    cols = {}
    for ind in model.indicators:
        vals = rng.uniform(ind.scale_min, ind.scale_max, n)
        if ind.scale_max - ind.scale_min <= 10:
            vals = np.round(vals * 2) / 2  # half points, as assessments are given
        vals[rng.random(n) < 0.05] = np.nan
        cols[ind.id] = vals
    matrix = pd.DataFrame(cols, index=ids)
    long = matrix.stack().rename("value").reset_index()
    long.columns = ["area_id", "indicator_id", "value"]
    long["kind"] = rng.choice(["sourced", "assessed", "illustrative"], len(long))
    assessed = long["kind"] == "assessed"
    long["n_assessors"] = np.where(assessed, rng.integers(1, 5, len(long)), np.nan)
    long["min"] = np.where(assessed, long["value"] - 0.5, np.nan)
    long["max"] = np.where(assessed, long["value"] + 0.5, np.nan)
    return matrix, long, {a: f"Område {a[-5:]}" for a in ids}


def run_case(label: str, matrix, model, result, provenance, names, top_n: int, repeats: int, target: float) -> dict:
    def whole() -> pd.DataFrame:
        table = critical_values(matrix, model, result, provenance, top_n)
        return priority_list(table, model, names, top_n)

    median, worst, cpu = timed(whole, repeats)
    rows = whole()
    return {
        "case": label,
        "areas": len(matrix),
        "cells": int(matrix.size),
        "top_n": top_n,
        "priority_rows": len(rows),
        "median_s": median,
        "max_s": worst,
        "cpu_median_s": cpu,
        "target_s": target,
        "ok": median <= target,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    ds = load_dataset()
    perf, result = evaluate(ds)
    names = ds.areas["name"].to_dict()
    cases = [
        run_case(
            "bundled (13 areas)", perf.matrix, ds.model, result, perf.provenance, names, 3, args.repeats, TARGET_SMALL_S
        )
    ]
    matrix, prov, syn_names = synthetic(ds.model, SYNTH_AREAS)
    every_indicator = {i.id: 1.0 for i in ds.model.indicators if i.default_weight == 0}  # all weighted
    syn_result = score_areas(matrix, ds.model, ds.model.default_weights, every_indicator, syn_names)
    cases.append(
        run_case(
            f"synthetic ({SYNTH_AREAS:,} areas)",
            matrix,
            ds.model,
            syn_result,
            prov,
            syn_names,
            3,
            max(3, args.repeats // 2),
            TARGET_LARGE_S,
        )
    )
    from selection.analysis.critical.combined import combined_flip

    combined_flip(perf.matrix, ds.model, result, perf.provenance)  # SciPy import outside the timing
    lp_median, lp_max, _ = timed(lambda: combined_flip(perf.matrix, ds.model, result, perf.provenance), args.repeats)
    print(f"{'case':28} {'cells':>7} {'rows':>5} {'median':>9} {'max':>9} {'cpu':>9} {'target':>8}  ok")
    for c in cases:
        print(
            f"{c['case']:28} {c['cells']:>7} {c['priority_rows']:>5} {1000 * c['median_s']:>7.1f}ms "
            f"{1000 * c['max_s']:>7.1f}ms {1000 * c['cpu_median_s']:>7.1f}ms {1000 * c['target_s']:>6.0f}ms  "
            f"{'yes' if c['ok'] else 'NO'}"
        )
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(
        f"combined change (linprog, 13 areas, all challengers): median {1000 * lp_median:.1f} ms, "
        f"max {1000 * lp_max:.1f} ms (info)"
    )
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "critical.json").write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cases": cases,
                "combined_flip_13_median_s": lp_median,
            },
            indent=2,
        )
    )
    return 0 if all(c["ok"] for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
