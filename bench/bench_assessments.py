"""Benchmark of the Vurderinger view and of the app with a large assessment history.

Run from the repository root:  .venv/bin/python bench/bench_assessments.py [--saves N] [--runs N] [--rows N]

Measures (about 2-3 minutes on 2 cores):
  a. in Debian's Chromium (Playwright), on a real ``streamlit run`` server with its own empty store: the time
     from the click on "Gem vurdering" to the re-ranked map (the map in the Vurderinger view shows other
     fills or rank labels), alternating a value between the ends of its scale so every save re-ranks;
  b. with AppTest (script execution only), the app's reruns with an empty store and with --rows (default
     100,000) history rows in the store, interleaved in one process: the weight-change rerun of the ranked
     fragment and a whole-page rerun. Also the one-off cost after a new save on the big store (the latest
     entries per assessor are read again) and current_assessments() alone.

The 100,000 rows are inserted with one SQLAlchemy Core insert (executemany) in the shape record_assessment
writes (versions 1..n per value, assessor keys, recorded times); recording them one by one through
record_assessment would take minutes and measures nothing the app does on a rerun.
Prints measured vs target with PASS/FAIL and writes bench/results/assessments.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_app import MAP_FRAME, N_AREAS, POLYGON_COUNT_JS, RESULTS, Server, summary, verdict, wait_idle  # noqa: E402
from selection.access import Actor, cli_identity  # noqa: E402
from tests.support.fragments import run_fragment  # noqa: E402
from tests.support.server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from ui.state import RANKED_FRAGMENT  # noqa: E402

APP = REPO / "app.py"
TARGET_SAVE_TO_MAP_S = 0.5
TARGET_HISTORY_RATIO = 1.5
INDICATOR = "need_assessed"

# Installed once per page: arm() snapshots the map (fills and rank labels); a capture-phase click listener
# stamps t0 when the save button is pressed; the first moment the map differs is stamped by a
# MutationObserver on the map iframe (and a 5 ms interval as a fallback).
SAVE_WATCHER_JS = """([mapSel, button]) => {
  const mapState = () => {
    const f = document.querySelector(mapSel), d = f && f.contentDocument;
    if (!d) return null;
    const fills = Array.from(d.querySelectorAll('path.leaflet-interactive'), p => p.getAttribute('fill')).join('|');
    const ranks = Array.from(d.querySelectorAll('.rank-label'), l => l.dataset.area + '=' + l.innerText).join('|');
    return fills + '#' + ranks;
  };
  const B = window.__save = {armed: false, t0: null, map: null};
  B.arm = () => Object.assign(B, {armed: true, t0: null, map: null, map0: mapState()});
  B.check = () => {
    if (!B.armed || B.t0 === null) return;
    const m = mapState();
    if (m !== null && m !== B.map0) { B.map = performance.now() - B.t0; B.armed = false; }
  };
  document.addEventListener('click', (e) => {
    if (B.armed && B.t0 === null && e.target.closest('button') && e.target.closest('button').innerText.includes(button))
      B.t0 = performance.now();
  }, true);
  const observer = new MutationObserver(B.check);
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  B.observeFrame = () => {
    const f = document.querySelector(mapSel), d = f && f.contentDocument;
    if (d && d !== B.frameDoc) { B.frameDoc = d; observer.observe(d, {subtree: true, childList: true, attributes: true,
                                                                      characterData: true}); }
  };
  setInterval(B.check, 5);
}"""


# --------------------------------------------------------------------------- a. browser: save -> map


def save_to_map(saves: int) -> dict:
    """Seconds from the click on 'Gem vurdering' to the re-ranked map, on a server with its own store."""
    from playwright.sync_api import sync_playwright

    store = Path(tempfile.mkdtemp(prefix="bench-assessments-")) / "data"
    os.environ.pop("SELECTION_DB_URL", None)  # the server's database lies beside its own import folder
    server = Server("assessments", APP, {"SELECTION_IMPORT_DIR": str(store)})
    times: list[float] = []
    no_change = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server.url)
            page.wait_for_function(POLYGON_COUNT_JS, arg=[MAP_FRAME, N_AREAS], polling=20, timeout=60000)
            wait_idle(page)
            page.locator("[data-testid='stButtonGroup']").get_by_text("Vurderinger", exact=True).click()
            page.wait_for_function(POLYGON_COUNT_JS, arg=[MAP_FRAME, N_AREAS], polling=20, timeout=60000)
            wait_idle(page)
            for label, text in (("Dit navn", "Bench Bruger"), ("Rolle / organisation", "Benchmark")):
                page.get_by_label(label, exact=True).fill(text)
                page.get_by_label(label, exact=True).press("Tab")
                wait_idle(page)
            page.evaluate(SAVE_WATCHER_JS, [MAP_FRAME, "Gem vurdering"])
            form = page.locator(f".st-key-assess_{INDICATOR}")
            for i in range(saves + 1):  # the first save warms the caches of the save path; not counted
                form.get_by_label("Værdi (1–5 point)").fill("5" if i % 2 == 0 else "1")
                form.get_by_label("Begrundelse (skal udfyldes)").fill(f"Benchmark-vurdering nr. {i}")
                page.evaluate("() => { window.__save.observeFrame(); window.__save.arm(); }")
                form.get_by_role("button", name="Gem vurdering").click()
                try:
                    page.wait_for_function("() => !window.__save.armed", polling=20, timeout=10000)
                except Exception:
                    no_change += 1
                    wait_idle(page)
                    continue
                if i:
                    times.append(page.evaluate("() => window.__save.map") / 1000)
                wait_idle(page)
            browser.close()
    finally:
        server.stop()
    return {"save_to_map_s": summary(times), "saves_without_map_change": no_change}


# --------------------------------------------------------------------------- b. AppTest with a large history


def seed_history(url: str, rows: int) -> float:
    """Insert ``rows`` history rows (13 areas x assessed indicators x 40 assessors); returns seconds."""
    from selection.assessments.history import assessor_key
    from selection.data.dataset import load_dataset
    from selection.storage.database import open_store
    from selection.storage.database.tables import assessment

    dataset = load_dataset()
    indicators = [i.id for i in dataset.model.indicators if i.assessment]
    cells = [(a, i) for a in dataset.area_ids for i in indicators]
    names = [f"Vurderer {k:02d}" for k in range(40)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    versions = dict.fromkeys(cells, 0)
    batch = []
    for n in range(rows):
        area_id, indicator_id = cells[n % len(cells)]
        versions[(area_id, indicator_id)] += 1
        name = names[(n // len(cells)) % len(names)]
        batch.append(
            {
                "area_id": area_id,
                "indicator_id": indicator_id,
                "value": float(1 + (n * 7919) % 5),
                "reason": f"Begrundelse {n}: samtaler med lokale aktører og skolens trivselsmåling.",
                "evidence": "",
                "assessor_name": name,
                "assessor_key": assessor_key(name),
                "assessor_role": "Benchmark",
                "assessed_on": date(2026, 1, 1) + timedelta(days=n % 300),
                "recorded_at": (start + timedelta(seconds=n)).replace(tzinfo=None),
                "value_version": versions[(area_id, indicator_id)],
            }
        )
    engine = open_store(url)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(assessment.insert(), batch)
    seconds = time.perf_counter() - t0
    engine.dispose()
    return seconds


def apptest_history(runs: int, rows: int) -> dict:
    """Rerun times of the app with an empty store and with ``rows`` history rows, interleaved."""
    from streamlit.testing.v1 import AppTest

    from selection.assessments import current_assessments, record_assessment, value_version
    from selection.assessments.model import NewAssessment
    from selection.data.dataset import load_dataset
    from selection.storage.database import open_store

    folder = Path(tempfile.mkdtemp(prefix="bench-history-"))
    urls = {"empty": f"sqlite:///{folder / 'empty.sqlite'}", "history": f"sqlite:///{folder / 'history.sqlite'}"}
    open_store(urls["empty"]).dispose()
    seed_s = seed_history(urls["history"], rows)
    os.environ.pop("SELECTION_DATA", None)

    def use(name: str) -> None:
        os.environ["SELECTION_DB_URL"] = urls[name]

    apps: dict[str, AppTest] = {}
    first: dict[str, float] = {}
    for name in urls:
        use(name)
        t0 = time.perf_counter()
        apps[name] = AppTest.from_file(str(APP), default_timeout=300).run()
        first[name] = time.perf_counter() - t0
        if apps[name].exception:
            raise RuntimeError(f"{name}: {apps[name].exception}")
    times: dict[str, list[float]] = {f"{k}_{n}": [] for k in ("fragment", "page") for n in urls}
    for i in range(runs + 1):
        for name, at in apps.items():
            use(name)
            at.slider(key="w_trust").set_value((0, 100)[i % 2])
            t0 = time.perf_counter()
            run_fragment(at, RANKED_FRAGMENT.name)
            fragment = time.perf_counter() - t0
            t0 = time.perf_counter()
            at.run()
            page = time.perf_counter() - t0
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception}")
            if i:  # the first round warms up
                times[f"fragment_{name}"].append(fragment)
                times[f"page_{name}"].append(page)

    # After a save on the big store every cache key changes once: the next page run reads the latest entries again.
    use("history")
    engine = open_store(urls["history"])
    dataset = load_dataset()
    area = dataset.area_ids[0]
    record_assessment(
        engine,
        NewAssessment(area, INDICATOR, 3.0, "Ny vurdering", "", "Ny Vurderer", "", date.today()),
        dataset.model,
        dataset.area_ids,
        value_version(engine, area, INDICATOR),
        actor=Actor(cli_identity("bench")),
    )
    t0 = time.perf_counter()
    apps["history"].run()
    after_save = time.perf_counter() - t0
    read = []
    for _ in range(3):
        t0 = time.perf_counter()
        latest = current_assessments(engine)
        read.append(time.perf_counter() - t0)
    engine.dispose()
    os.environ.pop("SELECTION_DB_URL", None)
    out = {k: summary(v) for k, v in times.items()}
    return {
        "rows": rows,
        "seed_s": round(seed_s, 2),
        "first_run_s": {k: round(v, 3) for k, v in first.items()},
        **out,
        "ratio_fragment": out["fragment_history"]["median"] / out["fragment_empty"]["median"],
        "ratio_page": out["page_history"]["median"] / out["page_empty"]["median"],
        "page_after_new_save_s": round(after_save, 3),
        "current_assessments_s": round(statistics.median(read), 4),
        "current_rows": len(latest),
    }


# --------------------------------------------------------------------------- report


def report(res: dict) -> list[dict]:
    rows = []
    b = res.get("browser")
    if b:
        s = b["save_to_map_s"]
        rows.append(
            {
                "metric": f"'Gem vurdering' -> re-ranked map (median of {s['n']})",
                "measured": f"{s['median']:.3f} s (p90 {s['p90']:.3f})" if s["n"] else "no change seen",
                "target": f"<= {TARGET_SAVE_TO_MAP_S} s",
                "ok": bool(s["n"]) and s["median"] <= TARGET_SAVE_TO_MAP_S and not b["saves_without_map_change"],
            }
        )
    a = res.get("apptest")
    if a:
        for kind, label in (("fragment", "weight-change rerun (ranked fragment)"), ("page", "whole-page rerun")):
            empty, full = a[f"{kind}_empty"], a[f"{kind}_history"]
            rows.append(
                {
                    "metric": f"{label}: empty store / {a['rows']:,} rows (median)".replace(",", "."),
                    "measured": f"{empty['median'] * 1000:.1f} / {full['median'] * 1000:.1f} ms",
                    "target": "",
                    "ok": None,
                }
            )
            ratio = a[f"ratio_{kind}"]
            rows.append(
                {
                    "metric": f"{label}: ratio",
                    "measured": f"{ratio:.2f}x",
                    "target": f"<= {TARGET_HISTORY_RATIO}x",
                    "ok": ratio <= TARGET_HISTORY_RATIO,
                }
            )
        rows.append(
            {
                "metric": "first page run after a new save (big store, caches refilled)",
                "measured": f"{a['page_after_new_save_s'] * 1000:.0f} ms",
                "target": "",
                "ok": None,
            }
        )
        rows.append(
            {
                "metric": f"current_assessments() on the big store ({a['current_rows']} latest rows)",
                "measured": f"{a['current_assessments_s'] * 1000:.0f} ms",
                "target": "",
                "ok": None,
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10, help="timed saves in the browser")
    parser.add_argument("--runs", type=int, default=15, help="AppTest reruns per store")
    parser.add_argument("--rows", type=int, default=100_000, help="history rows in the big store")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    res: dict = {}
    if not args.skip_browser:
        res["browser"] = save_to_map(args.saves)
    res["apptest"] = apptest_history(args.runs, args.rows)
    rows = report(res)
    res["report"] = rows
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "assessments.json").write_text(json.dumps(res, indent=2, default=str))
    width = max(len(r["metric"]) for r in rows)
    for r in rows:
        print(f"{r['metric']:<{width}}  {r['measured']:>24}  {r['target']:>10}  {verdict(r['ok'])}")
    return 0 if all(r["ok"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
