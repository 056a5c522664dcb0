"""Weighting-round benchmark: the targets of issue 27 in one run.

Run from the repository root:
    .venv/bin/python bench/bench_rounds.py [--participants 30] [--spread 45] [--open 3] [--moves 10]
                                          [--runs 15] [--only group|browser|slider ...]

Measures:
  1. group result (in process): a 2,000-area package made by bench/make_package.py (2,000 × 5 vertices: the
     geometry plays no part), ``--participants`` random Dirichlet(1, …, 1) weightings as
     ``selection.rounds.model.Submission`` objects, the package's own settings; median wall time of
     ``group_result`` (mean and median aggregation) and of ``participant_ranks`` alone over ``--runs`` runs
     (after one warm-up run). Target ≤ 0.2 s;
  2. participants answering (Debian's Chromium, Playwright, asyncio): a ``streamlit run serve.py`` server on the
     bundled data with a fresh SQLite database (``<import dir>.sqlite``); a round and ``--participants``
     invitations made through the store (``store.open_round`` and ``store.invite`` as a command-line actor);
     the facilitator's meeting screen (``?moede=<round>``) in one context. Then one context per participant
     (phone viewport 375×667) opens its invitation link, ``--open`` at a time (a new page costs Chromium about
     4 CPU seconds against the server's 0.3: opened together within the minute, the pages alone would need
     more CPU than 2 shared cores have); every context stays open to the end. Then the answers, started
     ``--spread`` seconds apart in total: each participant moves a share slider with the keyboard, presses
     "Justér til 100 %" and "Send mit svar" and waits for "Dit svar er gemt". Measured: the rows stored
     (round_submission rows and distinct participants; target: all), the first answer's start to the last
     confirmation (target ≤ 60 s), the last confirmation to the meeting screen showing "n af n har svaret"
     (target ≤ 2 s; both moments stamped in the pages with Date.now() by a MutationObserver), the CPU seconds
     of server and browser in each phase, and the server's memory: the peak of the summed RSS of its process
     tree sampled every 0.2 s (target ≤ 600 MB), and the sum of the processes' VmHWM;
  3. own ranking after a slider move (before part 2, on the same server, in its own round): one phone
     context; a key press (ArrowRight/ArrowLeft, alternating over the share sliders) on a focused slider
     until the "Din top 3" list's text changes, and until the fragment's run has finished (script state back
     to notRunning); median of ``--moves`` moves after ``--warmup`` uncounted ones. Target ≤ 0.5 s.

Prints a table (target, measured, PASS/FAIL) and writes bench/results/rounds.json (git-ignored). The machine
is shared (2 cores): wall times include waiting for the CPU; the load average is recorded before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import numpy as np  # noqa: E402
from bench_app import RESULTS, SERVED, Server, _terminate, summary  # noqa: E402
from bench_scale import cpu_seconds, tree_cpu, wait_quiet  # noqa: E402
from make_package import default_folder, generate  # noqa: E402

from tests.support.server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TARGET_GROUP_S = 0.2
TARGET_COUNT_S = 2.0
TARGET_ANSWER_WINDOW_S = 60.0  # 30 participants answer within a minute
TARGET_PEAK_MB = 600.0
TARGET_TOP3_S = 0.5
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 720}
AREAS, VERTICES = 2000, 5
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CONFIRMATION = "Dit svar er gemt"

# In a participant's page: stamps Date.now() when the confirmation first appears.
CONFIRM_WATCH_JS = """(text) => {
  const W = window.__answer = {confirmed: null};
  const check = () => {
    if (W.confirmed === null && document.body.innerText.includes(text)) W.confirmed = Date.now();
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
  setInterval(check, 20);
}"""

# In the meeting screen: stamps Date.now() when the count first reads "<n> af <n> har svaret".
COUNT_WATCH_JS = """(text) => {
  const W = window.__meeting = {done: null, seen: []};
  const check = () => {
    const el = document.querySelector('.st-key-meeting_count');
    const t = el ? el.innerText.trim() : '';
    if (t && (W.seen.length === 0 || W.seen[W.seen.length - 1][1] !== t)) W.seen.push([Date.now(), t]);
    if (W.done === null && t.includes(text)) W.done = Date.now();
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
  setInterval(check, 20);
}"""

# In the slider page: key press -> the top-3 list's text differs; -> the run state is back to notRunning.
TOP3_WATCH_JS = """() => {
  const top = () => {
    const lists = document.querySelectorAll('.st-key-round_answer ol');
    return Array.from(lists, l => l.innerText).join('\\n');
  };
  const idle = () => {
    const a = document.querySelector('[data-testid="stApp"]');
    return a && a.getAttribute('data-test-script-state') === 'notRunning';
  };
  const B = window.__top = {armed: false};
  B.arm = () => Object.assign(B, {armed: true, t0: null, top: null, idle: null, sawRunning: false, idleApprox: false,
                                  top0: top()});
  B.check = () => {
    if (!B.armed || B.t0 === null) return;
    const now = performance.now(), isIdle = idle();
    if (!isIdle) B.sawRunning = true;
    if (B.idle === null && B.sawRunning && isIdle) B.idle = now - B.t0;
    if (B.top === null) { const t = top(); if (t && t !== B.top0) B.top = now - B.t0; }
    if (B.idle === null && B.top !== null && isIdle) { B.idle = now - B.t0; B.idleApprox = true; }  // upper bound
    if (B.top !== null && B.idle !== null) B.armed = false;
  };
  document.addEventListener('keydown', () => { if (B.armed && B.t0 === null) B.t0 = performance.now(); }, true);
  new MutationObserver(B.check).observe(document.body, {subtree: true, childList: true, characterData: true,
                                                         attributes: true});
  setInterval(B.check, 5);
}"""


# --------------------------------------------------------------------------- 1. group result


def measure_group(participants: int, runs: int, seed: int = 27) -> dict:
    """Median wall times of group_result (mean, median) and participant_ranks at 2,000 areas."""
    from selection.data.dataset import load_dataset
    from selection.data.performance import build_performance
    from selection.rounds.model import MEAN, MEDIAN, SHARES, Submission
    from selection.rounds.result import group_result, participant_ranks
    from selection.scenarios.screening import exclusions
    from selection.scenarios.settings import default_settings

    folder = default_folder(AREAS, VERTICES)
    if not (folder / "areas.geojson").exists():
        generate(folder, AREAS, VERTICES)
    dataset = load_dataset(folder)
    settings = default_settings(dataset.model)
    perf = build_performance(dataset, settings.distance_m)
    ids = dataset.model.criterion_ids
    rng = np.random.default_rng(seed)
    drawn = rng.dirichlet(np.ones(len(ids)), size=participants)
    now = datetime.now(UTC)
    subs = [
        Submission(
            id=p + 1,
            round_id=1,
            number=p + 1,
            version=1,
            method=SHARES,
            weights={cid: float(w) for cid, w in zip(ids, row, strict=True)},
            sub_weights=None,
            inputs={},
            reason="",
            recorded_at=now,
            stored_by="bench",
        )
        for p, row in enumerate(drawn)
    ]
    labels = {p + 1: f"Deltager {p + 1}" for p in range(participants)}

    def timed(fn) -> list[float]:
        fn()  # warm-up
        out = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
        return out

    excluded = exclusions(settings.rules, dataset, perf, settings.sub_weights)
    res = {
        "areas": len(perf.matrix),
        "participants": participants,
        "criteria": len(ids),
        "group_result_mean_s": summary(timed(lambda: group_result(dataset, perf, settings, subs, labels, MEAN))),
        "group_result_median_s": summary(timed(lambda: group_result(dataset, perf, settings, subs, labels, MEDIAN))),
        "participant_ranks_s": summary(
            timed(lambda: participant_ranks(dataset, perf, settings, drawn, None, excluded))
        ),
    }
    result = group_result(dataset, perf, settings, subs, labels, MEAN)
    res["sentence"] = result.sentence
    res["table_s"] = summary(timed(result.table))
    return res


# --------------------------------------------------------------------------- the server and the round


class Sampler(threading.Thread):
    """Samples the summed RSS of a server's process tree every ``every_s`` seconds; keeps the peak."""

    def __init__(self, server: Server, every_s: float = 0.2):
        super().__init__(daemon=True)
        self.server, self.every_s = server, every_s
        self.peak_mb, self.samples = 0.0, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            mb = self.server.memory_mb()["rss_mb"]
            self.peak_mb, self.samples = max(self.peak_mb, mb), self.samples + 1
            self.stopped.wait(self.every_s)

    def stop(self) -> float:
        self.stopped.set()
        self.join(5)
        return self.peak_mb


def make_round(url: str, name: str, invitations: int) -> tuple[int, list[str]]:
    """Open a round on the bundled package's own settings and invite ``invitations`` participants with codes."""
    from selection.access import Actor, cli_identity
    from selection.data.dataset import load_dataset
    from selection.rounds import store
    from selection.scenarios.settings import default_settings
    from selection.storage.database import open_store

    engine = open_store(url)
    dataset = load_dataset(None)
    actor = Actor(cli_identity("bench"))
    item = store.open_round(
        engine,
        actor,
        dataset.model,
        name=name,
        settings=default_settings(dataset.model),
        data_version=dataset.version,
        anonymous=True,
    )
    codes = []
    for _ in range(invitations):
        invitation = store.invite(engine, actor, item.id, with_code=True)
        assert invitation.code is not None
        codes.append(invitation.code)
    engine.dispose()
    return item.id, codes


def stored_answers(url: str, round_id: int) -> dict:
    from sqlalchemy import func, select

    from selection.storage.database import open_store
    from selection.storage.database.tables import round_submission

    engine = open_store(url)
    with engine.connect() as conn:
        rows, distinct = conn.execute(
            select(func.count(), func.count(func.distinct(round_submission.c.number))).where(
                round_submission.c.round_id == round_id
            )
        ).one()
    engine.dispose()
    return {"rows": int(rows), "distinct_participants": int(distinct)}


def server_cpu(server: Server) -> float:
    """CPU seconds of the server's process tree so far."""
    return sum(cpu_seconds(pid) for pid in server.tree())


def cpu_split(server: Server) -> dict[str, float]:
    """CPU seconds so far of the server's process tree and of the browser (this process's other children)."""
    return {"server": server_cpu(server), "browser": tree_cpu(os.getpid(), {server.proc.pid})}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --------------------------------------------------------------------------- 3. own top 3 after a slider move


async def wait_idle(page) -> None:
    await page.wait_for_timeout(150)
    await page.wait_for_selector(IDLE, state="attached", timeout=60000)


async def slider_top3(browser, base: str, code: str, moves: int, warmup: int) -> dict:
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = await context.new_page()
        await page.goto(f"{base}?deltag={code}")
        await page.get_by_text("Din top 3").wait_for(timeout=60000)
        await page.locator(".st-key-round_answer ol").first.wait_for(timeout=60000)
        await wait_idle(page)
        await page.evaluate(TOP3_WATCH_JS)
        sliders = page.locator(".st-key-round_answer").get_by_role("slider")
        count = await sliders.count()
        res: dict[str, Any] = {"top_s": [], "idle_s": [], "first_top_s": [], "no_change": 0, "sliders": count}
        for i in range(warmup + moves):
            handle = sliders.nth((i // 2) % count)
            await handle.focus()
            key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
            await page.evaluate("() => window.__top.arm()")
            await page.keyboard.press(key)
            try:
                await page.wait_for_function("() => !window.__top.armed", polling=20, timeout=15000)
            except Exception:
                res["no_change"] += 1
                b = await page.evaluate("() => ({top: __top.top, idle: __top.idle, t0: __top.t0})")
                await wait_idle(page)
                res.setdefault("unchanged_moves", []).append({"move": i, "slider": (i // 2) % count, "key": key, **b})
                continue
            b = await page.evaluate("() => ({top: __top.top, idle: __top.idle, approx: __top.idleApprox})")
            res["idle_approx"] = res.get("idle_approx", 0) + bool(b["approx"])
            if i < warmup:
                res["first_top_s"].append(b["top"] / 1000)
            else:
                res["top_s"].append(b["top"] / 1000)
                res["idle_s"].append(b["idle"] / 1000)
            await wait_idle(page)
        return res
    finally:
        await context.close()


# --------------------------------------------------------------------------- 2. participants answering


async def open_link(browser, base: str, code: str, index: int, gate: asyncio.Semaphore) -> dict:
    """Open one participant's invitation link in a new phone context (at most ``gate`` at a time); the
    context stays open to the end. Returns the page and how long it took until the sliders were there."""
    async with gate:
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        out: dict[str, Any] = {"index": index, "context": context}
        try:
            page = await context.new_page()
            out["page"] = page
            t0 = time.perf_counter()
            await page.goto(f"{base}?deltag={code}", wait_until="commit")
            await page.locator(".st-key-round_answer").get_by_role("slider").first.wait_for(timeout=120000)
            await wait_idle(page)
            out["open_s"] = round(time.perf_counter() - t0, 2)
            await page.evaluate(CONFIRM_WATCH_JS, CONFIRMATION)
        except Exception as exc:
            out["error"] = f"open: {type(exc).__name__}: {str(exc)[:300]}"
        return out


async def enabled(page, label: str) -> None:
    """Wait until the button whose text holds ``label`` is there and enabled."""
    await page.wait_for_function(
        "(label) => { const b = Array.from(document.querySelectorAll('button'))"
        ".find(b => b.innerText.includes(label)); return !!b && !b.disabled; }",
        arg=label,
        polling=50,
        timeout=60000,
    )


async def answer(opened: dict, delay_s: float, t_start: float) -> None:
    """At ``delay_s`` after ``t_start``: move a share slider, 'Justér til 100 %', 'Send mit svar', and wait for
    'Dit svar er gemt' (stamped in the page). Timings go into ``opened``."""
    if "error" in opened:
        return
    await asyncio.sleep(max(0.0, t_start + delay_s - time.perf_counter()))
    page, index = opened["page"], opened["index"]
    opened["started_s"] = round(time.perf_counter() - t_start, 2)
    try:
        t0 = time.perf_counter()
        sliders = page.locator(".st-key-round_answer").get_by_role("slider")
        await sliders.nth(index % max(1, await sliders.count())).focus()
        for _ in range(1 + index % 3):  # 5-15 points more for one criterion: the answers differ
            await page.keyboard.press("ArrowRight")
        await enabled(page, "Justér til 100")
        await wait_idle(page)
        await page.get_by_role("button", name="Justér til 100 %").click()
        await enabled(page, "Send mit svar")
        await wait_idle(page)
        t_send = time.perf_counter()
        await page.get_by_role("button", name="Send mit svar").click()
        await page.wait_for_function("() => window.__answer.confirmed !== null", polling=20, timeout=60000)
        opened["send_to_confirm_s"] = round(time.perf_counter() - t_send, 2)
        opened["answer_s"] = round(time.perf_counter() - t0, 2)
        opened["confirmed_ms"] = await page.evaluate("() => window.__answer.confirmed")
    except Exception as exc:  # reported, not raised: the other participants go on
        opened["error"] = f"answer: {type(exc).__name__}: {str(exc)[:300]}"


async def answering(
    browser,
    base: str,
    round_id: int,
    codes: list[str],
    spread_s: float,
    concurrency: int,
    cpu: Callable[[], dict[str, float]],
) -> dict:
    """The meeting screen, then every participant's page opened (``concurrency`` at a time: on 2 shared cores
    Chromium needs ~4 CPU seconds per new page), then all answering, started ``spread_s`` seconds apart in total."""
    meeting_ctx = await browser.new_context(viewport=DESKTOP)
    meeting = await meeting_ctx.new_page()
    n = len(codes)
    await meeting.goto(f"{base}?moede={round_id}")
    await meeting.locator(".st-key-meeting_count").wait_for(timeout=60000)
    await meeting.evaluate(COUNT_WATCH_JS, f"{n} af {n} har svaret")
    cpu_a, t_open = cpu(), time.perf_counter()
    gate = asyncio.Semaphore(max(1, concurrency))
    pages = await asyncio.gather(*(open_link(browser, base, code, i, gate) for i, code in enumerate(codes)))
    opened_s = time.perf_counter() - t_open
    gap = spread_s / max(1, n - 1)
    cpu_b, t_start = cpu(), time.perf_counter()
    await asyncio.gather(*(answer(p, i * gap, t_start) for i, p in enumerate(pages)))
    answered_s = time.perf_counter() - t_start
    with contextlib.suppress(Exception):  # not shown within 30 s: reported as such
        await meeting.wait_for_function("() => window.__meeting.done !== null", polling=50, timeout=30000)
    shown = await meeting.evaluate("() => ({done: window.__meeting.done, seen: window.__meeting.seen})")
    cpu_c = cpu()  # before the contexts close: the renderers' CPU time is counted while they live
    open_contexts = sum(1 for p in pages if "page" in p and not p["page"].is_closed())
    for p in pages:
        p.pop("page", None)
        await p.pop("context").close()
    await meeting_ctx.close()
    confirmed = [p["confirmed_ms"] for p in pages if p.get("confirmed_ms") is not None]
    last = max(confirmed) if confirmed else None
    first_start_ms = (time.time() - (time.perf_counter() - t_start)) * 1000  # t_start as epoch ms
    return {
        "participants": n,
        "open_concurrency": concurrency,
        "opened_s": round(opened_s, 1),
        "open_s": summary([p["open_s"] for p in pages if "open_s" in p]),
        "gap_s": round(gap, 2),
        "answered_s": round(answered_s, 1),
        "cpu_open_s": {k: round(cpu_b[k] - cpu_a[k], 1) for k in cpu_a},
        "cpu_answer_s": {k: round(cpu_c[k] - cpu_b[k], 1) for k in cpu_a},
        "confirmed": len(confirmed),
        "errors": [p for p in pages if "error" in p],
        "open_contexts_at_end": open_contexts,
        "first_start_to_last_confirm_s": round((last - first_start_ms) / 1000, 2) if last is not None else None,
        "answer_s": summary([p["answer_s"] for p in pages if "answer_s" in p]),
        "send_to_confirm_s": summary([p["send_to_confirm_s"] for p in pages if "send_to_confirm_s" in p]),
        "last_confirm_to_count_s": (
            round((shown["done"] - last) / 1000, 3) if shown["done"] is not None and last is not None else None
        ),
        "count_texts": [[round((t - (last or t)) / 1000, 2), text] for t, text in shown["seen"][-4:]],
        "per_participant": pages,
    }


async def browser_part(args: argparse.Namespace, res: dict) -> None:
    from playwright.async_api import async_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-rounds-"))
    import_dir = tmp / "import"
    url = f"sqlite:///{import_dir}.sqlite"
    _, slider_codes = make_round(url, "Bench: skyder", 1)
    round_id, codes = make_round(url, "Bench: styregruppen", args.participants)
    env = {"SELECTION_IMPORT_DIR": str(import_dir)}
    os.environ.pop("SELECTION_DB_URL", None)
    server = Server("rounds", SERVED, env)
    sampler = Sampler(server)
    sampler.start()
    try:
        res["memory"] = {"after_start": server.memory_mb(), "server_start_s": round(server.start_s, 2)}
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                if "slider" in args.only:
                    print(f"[3] own top 3 after a slider move: {args.moves} moves ...", flush=True)
                    res["slider"] = await slider_top3(browser, server.url, slider_codes[0], args.moves, args.warmup)
                if "browser" in args.only:
                    print(
                        f"[2] {args.participants} participants over {args.spread:.0f} s + meeting screen ...",
                        flush=True,
                    )
                    res["quiet_before_answers"] = wait_quiet()
                    res["load_before_answers"] = load_average()
                    res["answers"] = await answering(
                        browser, server.url, round_id, codes, args.spread, args.open, lambda: cpu_split(server)
                    )
                    res["load_after_answers"] = load_average()
                    res["answers"]["stored"] = stored_answers(url, round_id)
            finally:
                await browser.close()
        time.sleep(0.5)
        res["memory"]["after_session"] = server.memory_mb()
        res["memory"]["sampled_peak_rss_mb"] = round(sampler.stop(), 1)
        res["memory"]["samples"] = sampler.samples
    finally:
        sampler.stopped.set()
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)  # the import folder and its database


# --------------------------------------------------------------------------- report


def verdict(ok: bool | None) -> str:
    return "info" if ok is None else ("PASS" if ok else "FAIL")


def ms(v: float | None) -> str:
    return "-" if v is None else f"{v * 1000:.0f} ms"


def report(res: dict) -> list[dict]:
    rows: list[dict] = []

    def row(metric: str, measured: str, target: str = "", ok: bool | None = None) -> None:
        rows.append({"metric": metric, "measured": measured, "target": target, "ok": ok})

    g = res.get("group")
    if g:
        label = f"{g['participants']} × {g['areas']:,}"
        for key, name in (("group_result_mean_s", "mean"), ("group_result_median_s", "median")):
            s = g[key]
            row(
                f"group_result {label}, {name} (median of {s['n']})",
                f"{ms(s['median'])} (p90 {ms(s['p90'])})",
                f"<= {TARGET_GROUP_S} s",
                s["median"] <= TARGET_GROUP_S,
            )
        row("  of which participant_ranks (median)", ms(g["participant_ranks_s"]["median"]))
        row("  GroupResult.table() (median)", ms(g["table_s"]["median"]))
    s = res.get("slider")
    if s:
        top = summary(s["top_s"])
        row(
            f"slider -> own top 3 changed, phone (median of {top['n']})",
            f"{ms(top['median'])} (p90 {ms(top['p90'])})" if top["n"] else "no change seen",
            f"<= {TARGET_TOP3_S} s",
            bool(top["n"]) and top["median"] <= TARGET_TOP3_S and not s["no_change"],
        )
        idle = summary(s["idle_s"])
        row("slider -> fragment run finished (median)", ms(idle["median"]))
        row("first moves after page load (top 3)", ", ".join(ms(x) for x in s["first_top_s"]) or "-")
    a = res.get("answers")
    if a:
        n = a["participants"]
        st = a["stored"]
        row(
            f"answers stored (rows / distinct participants of {n})",
            f"{st['rows']} / {st['distinct_participants']}",
            f"{n} / {n}",
            st["rows"] == n and st["distinct_participants"] == n,
        )
        op = a["open_s"]
        row(
            f"{n} pages opened, {a['open_concurrency']} at a time (not a target)",
            f"{a['opened_s']:.0f} s (each {op['median']:.1f} s median)" if op["n"] else "-",
        )
        row(
            "  CPU while opening: server / browser",
            f"{a['cpu_open_s']['server']:.1f} / {a['cpu_open_s']['browser']:.1f} s",
        )
        row(
            "first answer start -> last confirmation",
            f"{a['first_start_to_last_confirm_s']} s (starts {a['gap_s']} s apart)",
            f"<= {TARGET_ANSWER_WINDOW_S:.0f} s",
            a["first_start_to_last_confirm_s"] is not None
            and a["first_start_to_last_confirm_s"] <= TARGET_ANSWER_WINDOW_S
            and a["confirmed"] == n,
        )
        row(
            "  CPU while answering: server / browser",
            f"{a['cpu_answer_s']['server']:.1f} / {a['cpu_answer_s']['browser']:.1f} s",
        )
        an = a["answer_s"]
        row(
            "participant: slider -> confirmation (median / max)",
            f"{an['median']:.1f} / {an['max']:.1f} s" if an["n"] else "-",
        )
        sc = a["send_to_confirm_s"]
        row(
            "participant: 'Send mit svar' -> confirmation (median / max)",
            f"{sc['median']:.2f} / {sc['max']:.2f} s" if sc["n"] else "-",
        )
        c = a["last_confirm_to_count_s"]
        row(
            f"last confirmation -> meeting screen '{n} af {n}'",
            "never shown" if c is None else f"{c:.2f} s",
            f"<= {TARGET_COUNT_S} s",
            c is not None and c <= TARGET_COUNT_S,
        )
        row("browser contexts open at once (all kept open)", f"{a['open_contexts_at_end'] + 1} (incl. meeting)")
    m = res.get("memory")
    if m and "after_session" in m:
        row(
            "server peak RSS, sampled sum over process tree",
            f"{m['sampled_peak_rss_mb']:.0f} MB",
            f"<= {TARGET_PEAK_MB:.0f} MB",
            m["sampled_peak_rss_mb"] <= TARGET_PEAK_MB,
        )
        row("server VmHWM summed over process tree", f"{m['after_session']['peak_mb']:.0f} MB")
        row(
            "server RSS after start / after the run",
            f"{m['after_start']['rss_mb']:.0f} / {m['after_session']['rss_mb']:.0f} MB",
        )
    width = max(len(r["metric"]) for r in rows) + 2
    print()
    print(f"{'metric':<{width}}{'measured':<34}{'target':<12}result")
    print("-" * (width + 52))
    for r in rows:
        print(f"{r['metric']:<{width}}{r['measured']:<34}{r['target']:<12}{verdict(r['ok'])}")
    return rows


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=30, help="participants (default 30)")
    parser.add_argument("--spread", type=float, default=45.0, help="seconds over which the answers start (default 45)")
    parser.add_argument("--open", type=int, default=3, help="participant pages opened at a time (default 3)")
    parser.add_argument("--runs", type=int, default=15, help="group_result runs (default 15)")
    parser.add_argument("--moves", type=int, default=10, help="counted slider moves (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="uncounted slider moves first (default 2)")
    parser.add_argument(
        "--only", nargs="+", choices=("group", "browser", "slider"), default=["group", "browser", "slider"]
    )
    args = parser.parse_args()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)
    RESULTS.mkdir(parents=True, exist_ok=True)
    import streamlit

    started = time.perf_counter()
    res: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "env": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "streamlit": streamlit.__version__,
            "git": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
            ).stdout.strip(),
        },
        "args": vars(args),
        "targets": {
            "group_result_s": TARGET_GROUP_S,
            "answer_window_s": TARGET_ANSWER_WINDOW_S,
            "last_confirm_to_count_s": TARGET_COUNT_S,
            "peak_rss_mb": TARGET_PEAK_MB,
            "slider_to_top3_s": TARGET_TOP3_S,
        },
        "load_before": load_average(),
    }
    if "group" in args.only:
        print(f"[1] group_result: {args.participants} participants × {AREAS} areas, {args.runs} runs ...", flush=True)
        res["group"] = measure_group(args.participants, args.runs)
    if "browser" in args.only or "slider" in args.only:
        asyncio.run(browser_part(args, res))
    res["load_after"] = load_average()
    res["elapsed_s"] = round(time.perf_counter() - started, 1)
    rows = report(res)
    res["table"] = [{**r, "result": verdict(r["ok"])} for r in rows]
    res["all_pass"] = all(r["ok"] is not False for r in rows)
    out = RESULTS / "rounds.json"
    out.write_text(json.dumps(res, indent=2, ensure_ascii=False, default=str))
    print(f"\nload average before {res['load_before']}, after {res['load_after']} ({os.cpu_count()} CPUs, shared)")
    print(f"{'ALL PASS' if res['all_pass'] else 'SOME TARGETS FAILED'}  ({res['elapsed_s']} s)  -> {out}")
    return 0 if res["all_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
