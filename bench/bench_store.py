"""Benchmark of the assessment store (selection/store, selection/assessments) on an empty store and
on one with 100,000 history rows, on SQLite (and on PostgreSQL with --postgres).

Run from the repository root:  .venv/bin/python bench/bench_store.py [--rows 100000] [--postgres]
Prints a table (median of N repeats, milliseconds) and writes bench/results/store.json (git-ignored).

Measured per store: ``store_revision`` (the app's cache key), ``current_assessments`` + ``aggregate``
+ ``apply_assessments`` on the bundled data set (what a rerun needs after a save),
``value_version``, ``history`` of one value, and one ``record_assessment`` (a save, with fsync).
History rows are bulk-inserted with plain INSERTs (13 areas x 3 indicators x ~40 assessors).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from selection.access import Actor, cli_identity  # noqa: E402
from selection.assessments import (  # noqa: E402
    NewAssessment,
    aggregate,
    apply_assessments,
    current_assessments,
    history,
    record_assessment,
    store_revision,
    value_version,
    value_versions,
)
from selection.data.dataset import load_dataset  # noqa: E402
from selection.storage.database import open_store  # noqa: E402
from selection.storage.database.tables import assessment  # noqa: E402


def fill(engine, dataset, rows: int) -> None:
    """Insert ``rows`` history entries spread over every area x assessment indicator."""
    cells = [(a, i.id) for a in dataset.area_ids for i in dataset.model.indicators if i.assessment]
    start = datetime(2026, 1, 1)
    batch, versions = [], dict(value_versions(engine))
    for k in range(rows):
        area, ind = cells[k % len(cells)]
        versions[(area, ind)] = versions.get((area, ind), 0) + 1
        name = f"Vurderer {k // len(cells) % 40}"
        batch.append(
            {
                "area_id": area,
                "indicator_id": ind,
                "value": float(1 + k % 5),
                "reason": f"Begrundelse {k}",
                "evidence": "",
                "assessor_name": name,
                "assessor_key": name.casefold(),
                "assessor_role": "Test",
                "assessed_on": date(2026, 1, 1),
                "recorded_at": start + timedelta(seconds=k),
                "value_version": versions[(area, ind)],
            }
        )
        if len(batch) == 10_000:
            with engine.begin() as conn:
                conn.execute(assessment.insert(), batch)
            batch = []
    if batch:
        with engine.begin() as conn:
            conn.execute(assessment.insert(), batch)


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def measure(engine, dataset, repeats: int) -> dict[str, float]:
    area = dataset.area_ids[0]
    ind = next(i.id for i in dataset.model.indicators if i.assessment)
    out = {
        "store_revision": timed(lambda: store_revision(engine), repeats),
        "current+aggregate+apply": timed(
            lambda: apply_assessments(dataset, aggregate(current_assessments(engine))), repeats
        ),
        "value_version": timed(lambda: value_version(engine, area, ind), repeats),
        "history(one value)": timed(lambda: history(engine, area, ind), repeats),
    }

    def save() -> None:
        v = value_version(engine, area, ind)
        record_assessment(
            engine,
            NewAssessment(area, ind, 3.0, "Bench", "", "Bench", "", date(2026, 11, 1)),
            dataset.model,
            dataset.area_ids,
            v,
            actor=Actor(cli_identity("bench")),
        )

    out["record_assessment"] = timed(save, repeats)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--postgres", action="store_true", help="also on a throw-away PostgreSQL server")
    args = parser.parse_args()
    dataset = load_dataset()
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    urls = {"sqlite": f"sqlite:///{folder / 'store.sqlite'}"}
    server = None
    if args.postgres:
        from tests.support.postgres import PostgresServer, postgres_bindir

        server = PostgresServer(postgres_bindir())
        urls["postgresql"] = server.new_database()
    results: dict[str, dict[str, dict[str, float]]] = {}
    try:
        for kind, url in urls.items():
            engine = open_store(url)
            results[kind] = {"empty": measure(engine, dataset, args.repeats)}
            t0 = time.perf_counter()
            fill(engine, dataset, args.rows)
            print(f"{kind}: inserted {args.rows} rows in {time.perf_counter() - t0:.1f} s")
            results[kind][f"{args.rows} rows"] = measure(engine, dataset, args.repeats)
            engine.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder)  # the folder this run created
    for kind, by_size in results.items():
        sizes = list(by_size)
        print(f"\n{kind} (median ms)      " + "  ".join(f"{s:>14}" for s in sizes))
        for op in by_size[sizes[0]]:
            print(f"  {op:<26}" + "  ".join(f"{by_size[s][op]:>14.2f}" for s in sizes))
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "store.json").write_text(json.dumps({"rows": args.rows, "results": results}, indent=2))


if __name__ == "__main__":
    main()
