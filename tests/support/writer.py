"""Child process of the crash and concurrency tests: save assessments, print ids after each commit.

``python -m tests.store.writer URL LABEL COUNT [BATCH]``: COUNT saves (0 = until killed) spread
over every area x assessment indicator; a stale version is retried with the fresh one. With
BATCH > 1 each save is a batch of that many assessments in one transaction.
"""

from __future__ import annotations

import sys
from datetime import date
from itertools import count as counter

from selection.assessments import AssessmentConflict, NewAssessment, record_assessments, value_version
from selection.storage.database import open_store
from tests.support.databases import AREA_IDS, MODEL
from tests.support.factory import ADMIN

MAX_RETRIES = 200
CELLS = [(area, indicator) for area in AREA_IDS for indicator in ("t1", "n1")]


def main(url: str, label: str, total: int, batch: int = 1) -> None:
    engine = open_store(url, busy_timeout_s=30)
    for k in counter() if total == 0 else range(total):
        cells = [CELLS[(k * batch + j) % len(CELLS)] for j in range(batch)]
        news = [
            NewAssessment(a, i, float(1 + (k + j) % 5), f"{label}:{k}:{j}", "", label, "", date(2026, 11, 2))
            for j, (a, i) in enumerate(cells)
        ]
        for _ in range(MAX_RETRIES):
            # Every entry of a batch is read at the version before the batch (a repeated cell too).
            versions = [value_version(engine, a, i) for a, i in cells]
            try:
                saved = record_assessments(engine, news, MODEL, AREA_IDS, versions, actor=ADMIN)
                break
            except AssessmentConflict:
                continue
        else:  # never spin for ever: a save that can never succeed is a failure the test must see
            sys.exit(f"{label}: no save after {MAX_RETRIES} attempts")
        print(" ".join(str(s.id) for s in saved), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 1)
