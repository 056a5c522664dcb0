"""How long one assessment sheet holds the store's write lock: a sheet of ``MAX_SHEET_ENTRIES`` filled rows (the
most one sheet may have) saved in one transaction on SQLite, over a generated package of 2,000 areas.

Run from the repository root:  .venv/bin/python bench/bench_sheet.py [--rows N]

A colleague's save waits up to 10 s for the lock (``busy_timeout``), so one sheet must write well within that.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from make_package import generate  # noqa: E402

from selection.access import Actor, cli_identity  # noqa: E402
from selection.assessments import NewAssessment, record_assessments  # noqa: E402
from selection.data.dataset import load_dataset  # noqa: E402
from selection.limits import MAX_SHEET_ENTRIES  # noqa: E402
from selection.storage.database import open_store  # noqa: E402

TARGET_S = 5.0  # half the time a colleague's save waits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=MAX_SHEET_ENTRIES, help="filled rows (default: the limit)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sheet-") as tmp:
        folder = Path(tmp)
        dataset = load_dataset(generate(folder / "package", 2000, 8))
        assessed = [i for i in dataset.model.indicators if i.assessment]
        per_assessor = len(dataset.area_ids) * len(assessed)
        entries = [
            NewAssessment(
                dataset.area_ids[k % len(dataset.area_ids)],
                assessed[(k // len(dataset.area_ids)) % len(assessed)].id,
                assessed[0].scale_min,
                "Begrundelse",
                "",
                f"Vurderer {k // per_assessor}",
                "SSP",
                date(2026, 12, 1),
            )
            for k in range(args.rows)
        ]
        engine = open_store(f"sqlite:///{folder / 'store.sqlite'}")
        actor = Actor(cli_identity("bench"))
        started = time.perf_counter()
        record_assessments(engine, entries, dataset.model, dataset.area_ids, [None] * args.rows, actor=actor)
        took = time.perf_counter() - started
        engine.dispose()
    verdict = "PASS" if took <= TARGET_S else "FAIL"
    print(f"{args.rows} rows saved in one transaction: {took:.2f} s (target <= {TARGET_S} s) {verdict}")
    return 0 if took <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
