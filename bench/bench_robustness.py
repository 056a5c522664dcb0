"""Benchmark of selection/analysis/robustness/ (SMAA, the plain-loop baseline and stability tables in smaa.py and
sensitivity.py) and of the app's "Robusthed" view.

Run from the repository root:  .venv/bin/python bench/bench_robustness.py [--no-app] [--no-browser]
Prints a small table and writes bench/results/robustness.json (git-ignored).

The "Robusthed" view is measured twice:
  * server side with streamlit.testing.v1.AppTest: app.py switched to the view, then N reruns after
    alternating the w_trust slider between two values (script execution only, no websocket/browser);
  * in Debian's Chromium (Playwright) on a real ``streamlit run`` server (tests.support.server.StreamlitServer):
    key press (Home/End) on the "Tillidsfulde indsatser" slider -> script state back to "notRunning" after
    having been running (a capture-phase keydown listener stamps t0; a MutationObserver on the run-state
    attribute with attributeOldValue, plus a 10 ms poll, stamps the end), and checks that the 4 charts
    (heat map + 3 sweeps) are present after every move.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from selection.analysis.robustness.sensitivity import stability_table  # noqa: E402
from selection.analysis.robustness.smaa import plain_loop_smaa, sample_weights, smaa  # noqa: E402

N_SAMPLES = 10_000
SYNTH_AREAS = 2_000
LOOP_SAMPLES_LARGE = 100  # plain loop on 2,000 areas: this many samples, extrapolated to 10,000
TARGET_SMALL_S = 0.050
TARGET_LARGE_S = 2.0

APP = REPO / "app.py"
VIEW = "Robusthed"
APPTEST_RERUNS = 20
APPTEST_VALUES = (0, 100)  # w_trust alternates between these (the default is 33)
BROWSER_MOVES = 10  # timed key presses, after one untimed warm-up press
BROWSER_SLIDER = "Tillidsfulde indsatser"  # label of the w_trust slider
SUMMARY_MARK = " er nr. 1 i "
N_CHARTS = 4  # heat map + 3 weight sweeps
TARGET_VIEW_S = 1.0  # Robusthed view: weight change -> updated view (median and p90)


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
        from selection.config import data_dir
        from selection.data.dataset import load_dataset
        from selection.ranking.evaluate import evaluate

        ds = load_dataset(data_dir())
        _, result = evaluate(ds)
        ranked = list(result.ranked["area_id"])
        return result.criterion_scores.loc[ranked], result.weights, "bundled data"
    except Exception as exc:
        rng = np.random.default_rng(13)
        S = pd.DataFrame(rng.uniform(0, 100, (13, 3)), index=[f"a{i}" for i in range(13)], columns=["c0", "c1", "c2"])
        return S, dict.fromkeys(S.columns, 1 / 3), f"synthetic (bundled data failed: {exc})"


def synthetic(m: int, k: int = 3, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        rng.uniform(0, 100, (m, k)), index=[f"s{i}" for i in range(m)], columns=[f"c{j}" for j in range(k)]
    )


# --------------------------------------------------------------------------- the app's "Robusthed" view


def summary(samples: list[float]) -> dict:
    """Median, p90 (nearest rank), min, max and the raw samples (seconds)."""
    if not samples:
        return {"n": 0, "median": None, "p90": None, "min": None, "max": None, "samples": []}
    ordered = sorted(samples)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p90": p90,
        "min": ordered[0],
        "max": ordered[-1],
        "samples": [round(x, 5) for x in samples],
    }


def _terminate(signum, _frame):  # SIGTERM/SIGHUP -> SystemExit, so the finally blocks stop server and browser
    raise SystemExit(128 + signum)


def _view_check(at) -> tuple[bool, int]:
    """(summary sentence present, number of Vega-Lite charts) in an AppTest run of the Robusthed view."""
    has_summary = any(SUMMARY_MARK in m.value for m in at.markdown)
    return has_summary, len(at.get("vega_lite_chart"))


def robusthed_apptest(reruns: int = APPTEST_RERUNS) -> dict:
    """AppTest: app.py in the Robusthed view; time at.run() after alternating w_trust between two values."""
    import streamlit
    from streamlit.testing.v1 import AppTest

    # AppTest set-up calls Streamlit outside a script run: harmless "missing ScriptRunContext" warnings.
    streamlit.logger.get_logger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )

    t0 = time.perf_counter()
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    first_s = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"app.py raised: {at.exception}")
    at.segmented_control(key="view").set_value(VIEW)
    t0 = time.perf_counter()
    at.run()
    switch_s = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"app.py raised in the {VIEW} view: {at.exception}")
    has_summary, charts = _view_check(at)
    if not has_summary or charts != N_CHARTS:
        raise RuntimeError(f"{VIEW} view not rendered (summary sentence {has_summary}, {charts} charts)")
    at.slider(key="w_trust").set_value(APPTEST_VALUES[1])  # warm-up rerun after a weight change
    at.run()
    times, broken = [], 0
    for i in range(reruns):
        at.slider(key="w_trust").set_value(APPTEST_VALUES[i % 2])
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(f"app.py raised during rerun: {at.exception}")
        has_summary, charts = _view_check(at)
        broken += not has_summary or charts != N_CHARTS or at.segmented_control(key="view").value != VIEW
    return {
        "note": "AppTest: script execution only (no websocket, serialisation to a browser or rendering)",
        "slider": "w_trust",
        "values": list(APPTEST_VALUES),
        "first_run_s": round(first_s, 4),
        "switch_to_view_s": round(switch_s, 4),
        "reruns_s": summary(times),
        "reruns_with_missing_summary_or_charts": broken,
    }


# Installed once on the page. arm() snapshots the summary sentence; a capture-phase keydown listener stamps
# t0; a MutationObserver (attributeOldValue, so even a very short "running" state is seen) plus a 10 ms poll
# stamp when the run state is back to notRunning after having left it, and when the summary sentence text
# first differs from the snapshot (only when the top area or its share changes; informational).
WATCHER_JS = """([mark]) => {
  const app = () => document.querySelector('[data-testid="stApp"]');
  const state = () => { const a = app(); return a ? a.getAttribute('data-test-script-state') : null; };
  const sentence = () => {
    for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"] li, '
                                              + '[data-testid="stMarkdownContainer"] p')) {
      if (el.textContent.includes(mark)) return el.textContent;
    }
    return null;
  };
  const B = window.__rb = {armed: false, t0: null, idle: null, text: null, sawRunning: false, states: []};
  B.arm = () => Object.assign(B, {armed: true, t0: null, idle: null, text: null, sawRunning: false, states: [],
                                  text0: sentence()});
  B.check = (records) => {
    if (!B.armed || B.t0 === null) return;
    const now = performance.now();
    for (const r of records || []) {
      if (r.type === 'attributes' && r.attributeName === 'data-test-script-state') {
        if (r.oldValue && r.oldValue !== 'notRunning') B.sawRunning = true;
        B.states.push(r.target.getAttribute('data-test-script-state'));
      }
    }
    const st = state();
    if (st !== 'notRunning') B.sawRunning = true;
    if (B.text === null) { const t = sentence(); if (t !== null && t !== B.text0) B.text = now - B.t0; }
    if (B.idle === null && B.sawRunning && st === 'notRunning') { B.idle = now - B.t0; B.armed = false; }
  };
  document.addEventListener('keydown', () => { if (B.armed && B.t0 === null) B.t0 = performance.now(); }, true);
  const observer = new MutationObserver(B.check);
  observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                                   attributeOldValue: true});
  setInterval(() => B.check([]), 10);
}"""

CHARTS_JS = "n => document.querySelectorAll(\"[data-testid='stVegaLiteChart']\").length === n"


def _wait_idle(page) -> None:
    page.wait_for_timeout(150)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached", timeout=30000
    )


def robusthed_browser(moves: int = BROWSER_MOVES) -> dict:
    """Chromium on a real server: key press on a weight slider in the Robusthed view -> script idle again."""
    from playwright.sync_api import sync_playwright

    from tests.support.server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

    server = None
    res: dict = {"slider": BROWSER_SLIDER, "keys": "Home/End alternating", "warmup_moves": 1}
    try:
        t0 = time.perf_counter()
        server = StreamlitServer()
        res["server_start_s"] = round(time.perf_counter() - t0, 2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(server.url)
                page.wait_for_selector("[data-testid='stButtonGroup']", state="visible", timeout=60000)
                _wait_idle(page)
                t0 = time.perf_counter()
                page.locator("[data-testid='stButtonGroup']").get_by_text(VIEW, exact=True).click()
                page.get_by_text(SUMMARY_MARK.strip(), exact=False).first.wait_for(state="visible", timeout=30000)
                page.wait_for_function(CHARTS_JS, arg=N_CHARTS, polling=20, timeout=30000)
                _wait_idle(page)
                res["switch_to_view_s"] = round(time.perf_counter() - t0, 3)  # includes the 150 ms settle wait
                page.evaluate(WATCHER_JS, [SUMMARY_MARK])
                slider = page.get_by_role("slider", name=BROWSER_SLIDER)
                idle, text_changed, missed, charts_missing, values = [], 0, 0, 0, []
                for i in range(moves + 1):  # move 0 is the warm-up
                    slider.focus()
                    page.evaluate("() => window.__rb.arm()")
                    page.keyboard.press("Home" if i % 2 == 0 else "End")
                    try:
                        page.wait_for_function("() => !window.__rb.armed", polling=10, timeout=15000)
                    except Exception:
                        missed += i > 0
                        _wait_idle(page)
                        continue
                    b = page.evaluate("() => ({idle: __rb.idle, text: __rb.text})")
                    try:
                        page.wait_for_function(CHARTS_JS, arg=N_CHARTS, polling=20, timeout=5000)
                    except Exception:
                        charts_missing += i > 0
                    values.append(slider.evaluate("e => e.value"))
                    if i > 0:
                        idle.append(b["idle"] / 1000)
                        text_changed += b["text"] is not None
                    _wait_idle(page)
                res.update(
                    {
                        "key_to_idle_s": summary(idle),
                        "moves": moves,
                        "moves_without_rerun": missed,
                        "moves_with_charts_missing": charts_missing,
                        "moves_where_summary_text_changed": text_changed,
                        "slider_values_seen": values,
                        "summary_visible_at_end": page.get_by_text(SUMMARY_MARK.strip(), exact=False).count() > 0,
                    }
                )
                context.close()
            finally:
                browser.close()
    finally:
        if server is not None:
            server.stop()
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-app", action="store_true", help="only the pure SMAA functions")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part of the Robusthed view")
    args = parser.parse_args()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)

    small, weights, source = bundled_scores()
    large = synthetic(SYNTH_AREAS, small.shape[1])
    large_w = dict.fromkeys(large.columns, 1.0)
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
    rows.append(
        (
            "plain_loop_smaa",
            f"{N_SAMPLES} x {SYNTH_AREAS} (extrapolated from {LOOP_SAMPLES_LARGE} samples)",
            t_loop_large,
            None,
        )
    )

    t_stab, _ = timed(lambda: stability_table(small, weights), repeats=21)
    rows.append(("stability_table", f"{len(small)} areas x {small.shape[1]} criteria", t_stab, None))
    t_stab_large, _ = timed(lambda: stability_table(large, large_w), repeats=3)
    rows.append(("stability_table", f"{SYNTH_AREAS} areas x {large.shape[1]} criteria", t_stab_large, None))

    ratio_small = t_loop_small / t_small
    ratio_large = t_loop_large / t_large

    view_apptest = view_browser = None
    view_ok: list[bool] = []
    if not args.no_app:
        print(f"[{VIEW}] AppTest: {APPTEST_RERUNS} reruns ...", flush=True)
        view_apptest = robusthed_apptest()
        r = view_apptest["reruns_s"]
        case = f"AppTest rerun, w_trust {APPTEST_VALUES[0]}<->{APPTEST_VALUES[1]}"
        rows.append((f"{VIEW} view", f"{case}, median of {r['n']}", r["median"], TARGET_VIEW_S))
        rows.append((f"{VIEW} view", f"{case}, p90", r["p90"], TARGET_VIEW_S))
        view_ok += [
            r["median"] <= TARGET_VIEW_S,
            r["p90"] <= TARGET_VIEW_S,
            view_apptest["reruns_with_missing_summary_or_charts"] == 0,
        ]
        if not args.no_browser:
            print(f"[{VIEW}] Chromium: {BROWSER_MOVES} key presses ...", flush=True)
            view_browser = robusthed_browser()
            b = view_browser["key_to_idle_s"]
            complete = b["n"] == BROWSER_MOVES and not view_browser["moves_with_charts_missing"]
            if b["n"]:
                case = "browser key press -> notRunning"
                rows.append((f"{VIEW} view", f"{case}, median of {b['n']}", b["median"], TARGET_VIEW_S))
                rows.append((f"{VIEW} view", f"{case}, p90", b["p90"], TARGET_VIEW_S))
            view_ok += [
                bool(b["n"]) and b["median"] <= TARGET_VIEW_S,
                bool(b["n"]) and b["p90"] <= TARGET_VIEW_S,
                complete,
            ]

    print(
        f"Robustness benchmark · {source} · {os.cpu_count()} CPUs · numpy {np.__version__} · "
        f"Python {platform.python_version()}"
    )
    print(f"{'function':<17} {'case':<52} {'time':>11} {'target':>9}  status")
    for name, case, secs, target in rows:
        status = "" if target is None else ("PASS" if secs <= target else "FAIL")
        tgt = "" if target is None else f"≤ {target * 1000:.0f} ms" if target < 1 else f"≤ {target:.0f} s"
        shown = f"{secs * 1000:.1f} ms" if secs < 1 else f"{secs:.2f} s"
        print(f"{name:<17} {case:<52} {shown:>11} {tgt:>9}  {status}")
    print(
        f"vectorised / loop speed-up: {ratio_small:.0f}x on {len(small)} areas, "
        f"{ratio_large:.0f}x on {SYNTH_AREAS} areas (loop time extrapolated from {LOOP_SAMPLES_LARGE} samples)"
    )
    print(f"vectorised and loop acceptabilities identical on {len(small)} areas: {same}")
    if view_apptest:
        print(
            f"{VIEW} view, AppTest: first run {view_apptest['first_run_s'] * 1000:.0f} ms, switch to view "
            f"{view_apptest['switch_to_view_s'] * 1000:.0f} ms, reruns with summary/4 charts missing: "
            f"{view_apptest['reruns_with_missing_summary_or_charts']}"
        )
    if view_browser:
        vb = view_browser
        print(
            f"{VIEW} view, Chromium: switch to view {vb['switch_to_view_s']:.2f} s, moves without rerun "
            f"{vb['moves_without_rerun']}/{vb['moves']}, moves with < {N_CHARTS} charts "
            f"{vb['moves_with_charts_missing']}, summary sentence changed in "
            f"{vb['moves_where_summary_text_changed']}/{vb['moves']} moves, slider values {vb['slider_values_seen']}"
        )

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
        "targets": {"smaa_small_s": TARGET_SMALL_S, "smaa_large_s": TARGET_LARGE_S, "robusthed_view_s": TARGET_VIEW_S},
        "meets_targets": bool(t_small <= TARGET_SMALL_S and t_large <= TARGET_LARGE_S),  # SMAA targets only
        "loop_matches_vectorised": bool(same),
        "robusthed_apptest": view_apptest,
        "robusthed_browser": view_browser,
        "robusthed_meets_targets": bool(all(view_ok)) if view_ok else None,
    }
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "robustness.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(f"wrote {results / 'robustness.json'}")


if __name__ == "__main__":
    main()
