"""Issue 28's targets for the register rules: registers of 10,000 initiatives and 20,000 actors over 2,000 areas,
the criteria recomputed after an edit (≤ 0.5 s), and the detail panel for an area with 50 records (≤ 0.3 s).

Run from the repository root (about a minute; writes ``bench/results/registers.json``):

    .venv/bin/python bench/bench_registers.py

Two parts, each timing the median of several runs:

1. **The app's path** (what counts for the targets). A synthetic package of 2,000 areas
   (``bench/make_package.py``, with the bundled criteria.json and so its register rules ``trust_initiatives``,
   ``trust_breadth`` and ``actors_motivation``; no records of its own) and a SQLite store in a temporary folder
   (``open_store``, migrated) into which 10,000 initiatives and 20,000 actors are imported through
   ``registers.store.import_initiatives`` / ``import_actors``; one area has exactly 50 records (30 initiatives,
   20 actors), the others ~5 initiatives and ~10 actors each. Measured:

   a. *criteria recomputed after an edit*: one more initiative is recorded through ``store.record_initiative``
      (timed apart, as "the edit itself"), then what the app does (``ui/data.py``): ``in_force.refresh`` (reads
      the rows stored since the registers were read) + ``in_force.recompute`` (the three rules again for the areas
      those rows touch) + ``apply_registers`` (the values into the data set); target ≤ 0.5 s. When it is over,
      a cProfile of one run is printed (the 15 functions with most cumulative time). Not a target: the first
      read (``registers_in_force`` + ``compute`` over every area + ``apply_registers``), as after a restart;
   b. *the detail panel of the area with 50 records*: its records picked from those in force, ``evaluate_area``
      for each rule and the table of contributions per rule (what ``ui/details.py`` ``_registers`` shows,
      without Streamlit); target ≤ 0.3 s;
   c. ``register_what_if`` for that area, each rule (the critical values in register terms, also in the panel);
      b + c together against 0.3 s.

2. **The rules in memory** (no store, no package): ``evaluate`` of the three rules over random records, as
   before. The records are random but valid (every list value from the vocabulary). Deterministic for a seed.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import pandas as pd  # noqa: E402
from make_package import generate  # noqa: E402

from selection.access import CLI, Identity  # noqa: E402
from selection.access import Actor as Who  # noqa: E402
from selection.data.dataset import Dataset, load_dataset  # noqa: E402
from selection.registers import store  # noqa: E402
from selection.registers.in_force import (  # noqa: E402
    Computed,
    Registers,
    apply_registers,
    compute,
    refresh,
    register_what_if,
    registers_in_force,
)
from selection.registers.in_force import recompute as incremental  # noqa: E402
from selection.registers.model import Actor, Initiative  # noqa: E402
from selection.registers.rules import (  # noqa: E402
    ActorCommitment,
    InitiativeBreadth,
    InitiativeTrust,
    evaluate,
    evaluate_area,
)
from selection.registers.vocabulary import Vocabulary, load_vocabulary  # noqa: E402
from selection.storage.database import open_store  # noqa: E402

TODAY = date(2026, 12, 7)
AREAS, INITIATIVES, ACTORS, RUNS = 2000, 10_000, 20_000, 7
BUSY_INITIATIVES, BUSY_ACTORS = 30, 20  # the area with 50 records
RECOMPUTE_TARGET_S, DETAIL_TARGET_S = 0.5, 0.3
RESULTS = Path(__file__).resolve().parent / "results" / "registers.json"
BENCH = Who(Identity(subject="bench@localhost", email="", name="Bench", method=CLI))  # a local administrator


def median_time(call: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ------------------------------------------------------------------------------------- 1. the app's path


def _initiative_raw(rng: random.Random, vocab: Vocabulary, k: int, areas: list[str]) -> dict[str, object]:
    status = rng.choice(list(vocab["statuses"].labels))
    start = TODAY - timedelta(days=rng.randint(30, 3000))
    return {
        "area_ids": areas,
        "name": f"Indsats {k}",
        "type": rng.choice(list(vocab["initiative_types"].labels)),
        "operator": rng.choice(list(vocab["operators"].labels)),
        "target_groups": rng.sample(list(vocab["target_groups"].labels), rng.randint(1, 3)),
        "start": start,
        "end": start + timedelta(days=20) if status == "afsluttet" else None,
        "status": status,
        "relevance": rng.choice(list(vocab["relevance"].labels)),
        "trust_evidence": rng.choice(list(vocab["trust_evidence"].labels)),
        "evidence_text": "Fremmødelister (genereret)",
        "source": "bench",
        "verification": rng.choice(list(vocab["verification"].labels)),
        "recorded_by": "Bench",
        "reason": "Genereret til ydelsesmåling",
    }


def _actor_raw(rng: random.Random, vocab: Vocabulary, k: int, area: str) -> dict[str, object]:
    motivation = rng.choice(list(vocab["motivation"].labels))
    known = motivation != "unknown"
    return {
        "sector": rng.choice(vocab.budget_sectors),
        "name": f"Aktør {k}",
        "lon": None,
        "lat": None,
        "area_ids": [area],
        "relation": "",
        "motivation": motivation,
        "motivation_reason": "Genereret" if known else "",
        "learned_via": "meeting" if known else "",
        "nsk_competence": rng.random() < 0.2,
        "competence_text": "",
        "source": "bench",
        "verification": rng.choice(list(vocab["verification"].labels)),
    }


def build_app_data(folder: Path, rng: random.Random) -> tuple[Dataset, Vocabulary, Any, str, dict[str, float]]:
    """The package, its vocabulary, a migrated SQLite store with the records, the busy area, and setup timings."""
    setup: dict[str, float] = {}
    start = time.perf_counter()
    generate(folder / "package", AREAS, vertices=8, actors_per_area=0, seed=28)
    package = load_dataset(folder / "package")
    rules = [i.id for i in package.model.indicators if i.register_rule is not None]
    assert sorted(rules) == ["actors_motivation", "trust_breadth", "trust_initiatives"], rules
    vocab = load_vocabulary(package.directory)
    setup["package_s"] = time.perf_counter() - start
    engine = open_store(f"sqlite:///{folder / 'store.sqlite'}", busy_timeout_s=30)
    areas = list(package.area_ids)
    busy, others = areas[0], areas[1:]
    sectors = [s.id for s in package.model.sectors]
    initiative_rows = [
        store.ImportRow(
            k + 2,
            None,
            _initiative_raw(
                rng, vocab, k, [busy] if k < BUSY_INITIATIVES else rng.sample(others, rng.choice((1, 1, 1, 2)))
            ),
        )
        for k in range(INITIATIVES)
    ]
    actor_rows = [
        store.ImportRow(k + 2, None, _actor_raw(rng, vocab, k, busy if k < BUSY_ACTORS else rng.choice(others)))
        for k in range(ACTORS)
    ]
    start = time.perf_counter()
    store.import_initiatives(engine, BENCH, vocab, set(areas), initiative_rows, change_reason="bench")
    setup["import_initiatives_s"] = time.perf_counter() - start
    start = time.perf_counter()
    store.import_actors(engine, BENCH, vocab, sectors, set(areas), actor_rows, change_reason="bench")
    setup["import_actors_s"] = time.perf_counter() - start
    return package, vocab, engine, busy, setup


def full_read(package: Dataset, vocab: Vocabulary, engine: Any) -> tuple[Registers, dict[str, Computed], Dataset]:
    """What the app does after an edit: the registers in force, every rule over every area, the values applied."""
    registers = registers_in_force(package, vocab, engine, TODAY)
    computed = compute(package, registers)
    return registers, computed, apply_registers(package, computed, registers)


def detail(package: Dataset, registers: Registers, computed: dict[str, Computed], aid: str) -> list[pd.DataFrame]:
    """The detail panel's register part for one area: each rule's result from the area's records, and the table of
    every record considered (as ``ui/details.py`` ``_registers``)."""
    labels = {s.id: s.label for s in package.model.sectors}
    initiatives = [r for r in registers.initiative_records() if aid in r.area_ids]
    actors = [r for r in registers.actor_records() if aid in r.area_ids]
    tables = []
    for iid, c in computed.items():
        records: list[Initiative | Actor] = [*(actors if isinstance(c.rule, ActorCommitment) else initiatives)]
        result = evaluate_area(c.rule, records, aid, registers.vocabulary, today=registers.today, sector_labels=labels)
        ind = package.model.indicator(iid)
        value = result.value_text(2) + ("" if result.missing else f" {ind.unit}".rstrip())
        _line = f"- **{ind.label}:** {value} – {result.provenance}; {result.summary}"
        tables.append(
            pd.DataFrame(
                {
                    "Registrering": [x.name for x in result.contributions],
                    "Tæller": ["ja" if x.counted else "nej" for x in result.contributions],
                    "Bidrag": [x.text for x in result.contributions],
                    "Id": [x.record_id for x in result.contributions],
                }
            )
        )
    return tables


def what_ifs(package: Dataset, registers: Registers, computed: dict[str, Computed], aid: str) -> list[object]:
    labels = {s.id: s.label for s in package.model.sectors}
    return [register_what_if(c, registers, aid, labels) for c in computed.values()]


def app_path(rng: random.Random) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-registers-") as tmp:
        package, vocab, engine, busy, setup = build_app_data(Path(tmp), rng)
        try:
            return _measure_app(package, vocab, engine, busy, setup, rng)
        finally:
            engine.dispose()


def _edits(
    package: Dataset,
    vocab: Vocabulary,
    engine: Any,
    busy: str,
    rng: random.Random,
    held: tuple[Registers, dict[str, Computed]],
    number: int,
) -> tuple[dict[str, list[float]], tuple[Registers, dict[str, Computed]]]:
    """One edit (one more initiative, in another area than ``busy``) and the app's recompute after it, per run."""
    others = [a for a in package.area_ids if a != busy]
    times: dict[str, list[float]] = {"edit": [], "read": [], "compute": [], "apply": [], "total": []}
    registers, computed = held
    for run in range(RUNS):
        raw = _initiative_raw(rng, vocab, number + run, [rng.choice(others)])
        start = time.perf_counter()
        store.record_initiative(engine, BENCH, vocab, set(package.area_ids), raw, base=registers.package.initiatives)
        times["edit"].append(time.perf_counter() - start)
        t0 = time.perf_counter()
        registers, touched = refresh(registers, engine)
        t1 = time.perf_counter()
        computed = incremental(package, registers, computed, touched)
        t2 = time.perf_counter()
        apply_registers(package, computed, registers)
        t3 = time.perf_counter()
        times["read"].append(t1 - t0)
        times["compute"].append(t2 - t1)
        times["apply"].append(t3 - t2)
        times["total"].append(t3 - t0)
    return times, (registers, computed)


def _measure_app(
    package: Dataset, vocab: Vocabulary, engine: Any, busy: str, setup: dict[str, float], rng: random.Random
) -> dict[str, Any]:
    registers, computed, _ = full_read(package, vocab, engine)  # warm (imports, caches)
    assert len(registers.initiatives) == INITIATIVES
    assert len(registers.actors) == ACTORS
    counts = {iid: len(c.results[busy].contributions) for iid, c in computed.items()}
    assert counts == {"trust_initiatives": 30, "trust_breadth": 30, "actors_motivation": 20}, counts
    times, (registers, computed) = _edits(package, vocab, engine, busy, rng, (registers, computed), INITIATIVES)
    full = {"read": [], "compute": [], "total": []}
    for _ in range(3):
        t0 = time.perf_counter()
        fresh = registers_in_force(package, vocab, engine, TODAY)
        t1 = time.perf_counter()
        fresh_computed = compute(package, fresh)
        apply_registers(package, fresh_computed, fresh)
        t2 = time.perf_counter()
        full["read"].append(t1 - t0)
        full["compute"].append(t2 - t1)
        full["total"].append(t2 - t0)
    assert (fresh, fresh_computed) == (registers, computed)  # the app's incremental path equals a full read
    assert len(registers.initiatives) == INITIATIVES + RUNS
    profile = ""
    if statistics.median(times["total"]) > RECOMPUTE_TARGET_S:
        profiler = cProfile.Profile()
        profiler.runcall(full_read, package, vocab, engine)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
        profile = out.getvalue()
    detail_s = median_time(lambda: detail(package, registers, computed, busy), runs=15)
    what_if_s = median_time(lambda: what_ifs(package, registers, computed, busy), runs=15)
    return {
        **setup,
        "edit_store_one_initiative_s": statistics.median(times["edit"]),
        "after_edit_read_registers_s": statistics.median(times["read"]),
        "after_edit_compute_s": statistics.median(times["compute"]),
        "after_edit_apply_s": statistics.median(times["apply"]),
        "after_edit_recompute_s": statistics.median(times["total"]),
        "first_read_registers_s": statistics.median(full["read"]),
        "first_read_compute_apply_s": statistics.median(full["compute"]),
        "first_read_total_s": statistics.median(full["total"]),
        "detail_area_50_records_s": detail_s,
        "what_if_area_50_records_s": what_if_s,
        "profile": profile,
    }


# --------------------------------------------------------------------------------- 2. the rules in memory


def make(rng: random.Random) -> tuple[list[str], list[Initiative], list[Actor]]:
    vocab = load_vocabulary()
    areas = [f"a{k:04d}" for k in range(AREAS)]

    def pick(name: str) -> str:
        return rng.choice(list(vocab[name].labels))

    initiatives = [
        Initiative(
            id=f"i-{k:06d}",
            area_ids=tuple(rng.sample(areas, rng.choice((1, 1, 1, 2)))),
            name=f"Indsats {k}",
            type=pick("initiative_types"),
            operator=pick("operators"),
            target_groups=tuple(rng.sample(list(vocab["target_groups"].labels), rng.randint(1, 3))),
            start=TODAY - timedelta(days=rng.randint(0, 2000)),
            end=None,
            status=pick("statuses"),
            relevance=pick("relevance"),
            trust_evidence=pick("trust_evidence"),
            evidence_text="x",
            source="bench",
            verification=pick("verification"),
        )
        for k in range(INITIATIVES)
    ]
    actors = [
        Actor(
            id=f"a-{k:06d}",
            sector=rng.choice(vocab.budget_sectors),
            name=f"Aktør {k}",
            lon=None,
            lat=None,
            area_ids=(rng.choice(areas),),
            relation="",
            motivation=pick("motivation"),
            motivation_reason="x",
            learned_via="meeting",
            nsk_competence=rng.random() < 0.2,
            competence_text="",
            source="bench",
            verification=pick("verification"),
        )
        for k in range(ACTORS)
    ]
    return areas, initiatives, actors


def in_memory(rng: random.Random) -> dict[str, float]:
    areas, initiatives, actors = make(rng)
    vocab = load_vocabulary()
    trust, breadth, commitment = InitiativeTrust(), InitiativeBreadth(), ActorCommitment()

    def recompute_all() -> None:  # every area's three values, as after an edit
        evaluate(trust, areas, vocab, today=TODAY, initiatives=initiatives)
        evaluate(breadth, areas, vocab, today=TODAY, initiatives=initiatives)
        evaluate(commitment, areas, vocab, today=TODAY, actors=actors)

    edited = list(initiatives)
    edited[17] = replace(edited[17], trust_evidence="independent", status="aktiv")

    def after_edit() -> None:
        nonlocal initiatives
        initiatives = edited
        recompute_all()

    busy = [replace(i, area_ids=("a0000",)) for i in initiatives[:50]]
    return {
        "recompute_all_s": median_time(recompute_all),
        "recompute_after_edit_s": median_time(after_edit),
        "area_with_50_records_s": median_time(lambda: evaluate_area(trust, busy, "a0000", vocab, today=TODAY), runs=25),
    }


# ------------------------------------------------------------------------------------------------ report


def _row(label: str, seconds: float, target: float | None = None) -> str:
    verdict = "" if target is None else ("  PASS" if seconds <= target else "  FAIL") + f" (≤ {target * 1000:.0f} ms)"
    return f"  {label:<58} {seconds * 1000:>9.1f} ms{verdict}"


def main() -> None:
    rng = random.Random(28)
    print(f"Registers: {INITIATIVES:,} initiatives, {ACTORS:,} actors, {AREAS:,} areas; median of {RUNS} runs")
    memory = in_memory(rng)
    app = app_path(rng)
    panel = app["detail_area_50_records_s"] + app["what_if_area_50_records_s"]
    lines = [
        "",
        "Setup (not targets)",
        _row("generate + load the package (2,000 areas)", app["package_s"]),
        _row(f"import {INITIATIVES:,} initiatives into SQLite (one transaction)", app["import_initiatives_s"]),
        _row(f"import {ACTORS:,} actors into SQLite (one transaction)", app["import_actors_s"]),
        "",
        "1. The app's path (SQLite store)",
        _row("the edit itself: store.record_initiative (one more)", app["edit_store_one_initiative_s"]),
        _row("  read: in_force.refresh (the rows stored since)", app["after_edit_read_registers_s"]),
        _row("  compute: in_force.recompute (the touched areas)", app["after_edit_compute_s"]),
        _row("  apply_registers", app["after_edit_apply_s"]),
        _row(
            "a. criteria recomputed after an edit (read+compute+apply)",
            app["after_edit_recompute_s"],
            RECOMPUTE_TARGET_S,
        ),
        _row("  first read (not a target): registers_in_force", app["first_read_registers_s"]),
        _row("  first read: compute 3 rules × 2,000 areas + apply", app["first_read_compute_apply_s"]),
        _row("  first read: total", app["first_read_total_s"]),
        _row(
            "b. detail panel, area with 50 records (evaluate + tables)",
            app["detail_area_50_records_s"],
            DETAIL_TARGET_S,
        ),
        _row("c. register_what_if, area with 50 records (3 rules)", app["what_if_area_50_records_s"]),
        _row("b + c", panel, DETAIL_TARGET_S),
        "",
        "2. The rules in memory (no store)",
        _row("3 rules × 2,000 areas", memory["recompute_after_edit_s"]),
        _row("initiative_trust, one area with 50 records", memory["area_with_50_records_s"]),
    ]
    print("\n".join(lines))
    if app["profile"]:
        print("\n(a) is over the target; where the time goes (cProfile, one run, cumulative):\n" + app["profile"])
    results = {
        "areas": AREAS,
        "initiatives": INITIATIVES,
        "actors": ACTORS,
        "runs": RUNS,
        "app": {k: v for k, v in app.items() if k != "profile"},
        "app_pass": {
            "recompute_after_edit": app["after_edit_recompute_s"] <= RECOMPUTE_TARGET_S,
            "detail_panel": panel <= DETAIL_TARGET_S,
        },
        "in_memory": memory,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
