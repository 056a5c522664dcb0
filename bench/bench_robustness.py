"""Benchmark of selection/robustness.py: SMAA, the plain-loop baseline and stability tables.

Run from the repository root:  .venv/bin/python bench/bench_robustness.py
Prints a small table and writes bench/results/robustness.json (git-ignored).
"""

from __future__ import annotations

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

from selection.robustness import plain_loop_smaa, sample_weights, smaa, stability_table  # noqa: E402

N_SAMPLES = 10_000
SYNTH_AREAS = 2_000
LOOP_SAMPLES_LARGE = 100  # plain loop on 2,000 areas: this many samples, extrapolated to 10,000
TARGET_SMALL_S = 0.050
TARGET_LARGE_S = 2.0


def timed(fn, repeats: int) -> tuple[float, list[float]]:
    """Median wall time over ``repeats`` runs (after one warm-up run) and all runs."""
    fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), runs


def bundled_scores() -> tuple[pd.DataFrame, dict[str, float], str]:
    """Criterion scores of the ranked areas in the bundled data (synthetic 13 x 3 as fallback)."""
    try:
        from selection.dataset import default_data_dir, load_dataset
        from selection.pipeline import evaluate

        ds = load_dataset(default_data_dir())
        _, result = evaluate(ds)
        ranked = list(result.ranked["area_id"])
        return result.criterion_scores.loc[ranked], result.weights, "bundled data"
    except Exception as exc:  # noqa: BLE001 - the benchmark still runs on synthetic data
        rng = np.random.default_rng(13)
        S = pd.DataFrame(rng.uniform(0, 100, (13, 3)), index=[f"a{i}" for i in range(13)], columns=["c0", "c1", "c2"])
        return S, {c: 1 / 3 for c in S.columns}, f"synthetic (bundled data failed: {exc})"


def synthetic(m: int, k: int = 3, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(0, 100, (m, k)), index=[f"s{i}" for i in range(m)],
                        columns=[f"c{j}" for j in range(k)])


def main() -> None:
    small, weights, source = bundled_scores()
    large = synthetic(SYNTH_AREAS, small.shape[1])
    large_w = {c: 1.0 for c in large.columns}
    rows = []

    t_small, runs_small = timed(lambda: smaa(small, N_SAMPLES, seed=0), repeats=21)
    rows.append(("smaa", f"{N_SAMPLES} x {len(small)} areas", t_small, TARGET_SMALL_S))

    t_large, runs_large = timed(lambda: smaa(large, N_SAMPLES, seed=0), repeats=5)
    rows.append(("smaa", f"{N_SAMPLES} x {SYNTH_AREAS} synthetic areas", t_large, TARGET_LARGE_S))

    t_loop_small, _ = timed(lambda: plain_loop_smaa(small, N_SAMPLES, seed=0), repeats=3)
    rows.append(("plain_loop_smaa", f"{N_SAMPLES} x {len(small)} areas", t_loop_small, None))
    same = smaa(small, N_SAMPLES, seed=0).acceptability.equals(plain_loop_smaa(small, N_SAMPLES, seed=0).acceptability)

    W = sample_weights(list(large.columns), LOOP_SAMPLES_LARGE, seed=0)
    t_loop_part, _ = timed(lambda: plain_loop_smaa(large, weight_samples=W), repeats=1)
    t_loop_large = t_loop_part * N_SAMPLES / LOOP_SAMPLES_LARGE  # cost is linear in the number of samples
    rows.append(("plain_loop_smaa", f"{N_SAMPLES} x {SYNTH_AREAS} (extrapolated from {LOOP_SAMPLES_LARGE} samples)",
                 t_loop_large, None))

    t_stab, _ = timed(lambda: stability_table(small, weights), repeats=21)
    rows.append(("stability_table", f"{len(small)} areas x {small.shape[1]} criteria", t_stab, None))
    t_stab_large, _ = timed(lambda: stability_table(large, large_w), repeats=3)
    rows.append(("stability_table", f"{SYNTH_AREAS} areas x {large.shape[1]} criteria", t_stab_large, None))

    ratio_small = t_loop_small / t_small
    ratio_large = t_loop_large / t_large

    print(f"Robustness benchmark · {source} · {os.cpu_count()} CPUs · numpy {np.__version__} · "
          f"Python {platform.python_version()}")
    print(f"{'function':<17} {'case':<52} {'time':>11} {'target':>9}  status")
    for name, case, secs, target in rows:
        status = "" if target is None else ("OK" if secs <= target else "TOO SLOW")
        tgt = "" if target is None else f"≤ {target * 1000:.0f} ms" if target < 1 else f"≤ {target:.0f} s"
        shown = f"{secs * 1000:.1f} ms" if secs < 1 else f"{secs:.2f} s"
        print(f"{name:<17} {case:<52} {shown:>11} {tgt:>9}  {status}")
    print(f"vectorised / loop speed-up: {ratio_small:.0f}x on {len(small)} areas, "
          f"{ratio_large:.0f}x on {SYNTH_AREAS} areas (loop time extrapolated from {LOOP_SAMPLES_LARGE} samples)")
    print(f"vectorised and loop acceptabilities identical on {len(small)} areas: {same}")

    out = {
        "source": source,
        "cpus": os.cpu_count(),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "n_samples": N_SAMPLES,
        "smaa_small_s": t_small,
        "smaa_small_runs_s": runs_small,
        "smaa_small_areas": len(small),
        "smaa_large_s": t_large,
        "smaa_large_runs_s": runs_large,
        "smaa_large_areas": SYNTH_AREAS,
        "criteria": small.shape[1],
        "loop_small_s": t_loop_small,
        "loop_large_s_extrapolated": t_loop_large,
        "loop_large_measured_samples": LOOP_SAMPLES_LARGE,
        "stability_table_small_s": t_stab,
        "stability_table_large_s": t_stab_large,
        "ratio_small": ratio_small,
        "ratio_large": ratio_large,
        "targets": {"smaa_small_s": TARGET_SMALL_S, "smaa_large_s": TARGET_LARGE_S},
        "meets_targets": bool(t_small <= TARGET_SMALL_S and t_large <= TARGET_LARGE_S),
        "loop_matches_vectorised": bool(same),
    }
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "robustness.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(f"wrote {results / 'robustness.json'}")


if __name__ == "__main__":
    main()
