"""Issue 28's targets for the register rules: 10,000 initiatives and 20,000 actors over 2,000 areas, the criteria
recomputed after an edit (≤ 0.5 s), and one area's explanation with 50 records (≤ 0.3 s).

Run: ``.venv/bin/python bench/bench_registers.py`` (writes ``bench/results/registers.json``). The records are
random but valid (every list value from the vocabulary); each timing is the median of several runs.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selection.registers.model import Actor, Initiative
from selection.registers.rules import ActorCommitment, InitiativeBreadth, InitiativeTrust, evaluate, evaluate_area
from selection.registers.vocabulary import load_vocabulary

TODAY = date(2026, 12, 7)
AREAS, INITIATIVES, ACTORS, RUNS = 2000, 10_000, 20_000, 7
RESULTS = Path(__file__).resolve().parent / "results" / "registers.json"


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


def median_time(call, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rng = random.Random(28)
    areas, initiatives, actors = make(rng)
    vocab = load_vocabulary()
    trust, breadth, commitment = InitiativeTrust(), InitiativeBreadth(), ActorCommitment()

    def recompute() -> None:  # every area's three values, as after an edit
        evaluate(trust, areas, vocab, today=TODAY, initiatives=initiatives)
        evaluate(breadth, areas, vocab, today=TODAY, initiatives=initiatives)
        evaluate(commitment, areas, vocab, today=TODAY, actors=actors)

    edited = list(initiatives)
    edited[17] = replace(edited[17], trust_evidence="independent", status="aktiv")

    def after_edit() -> None:
        nonlocal initiatives
        initiatives = edited
        recompute()

    busy = [replace(i, area_ids=("a0000",)) for i in initiatives[:50]]
    results = {
        "recompute_all_s": median_time(recompute),
        "recompute_after_edit_s": median_time(after_edit),
        "area_with_50_records_s": median_time(lambda: evaluate_area(trust, busy, "a0000", vocab, today=TODAY), runs=25),
        "areas": AREAS,
        "initiatives": INITIATIVES,
        "actors": ACTORS,
    }
    print(
        f"recompute 3 criteria, {AREAS} areas, {INITIATIVES} initiatives, {ACTORS} actors: "
        f"{results['recompute_after_edit_s']:.3f} s (target ≤ 0.5 s)\n"
        f"one area's explanation, 50 records: {results['area_with_50_records_s'] * 1000:.1f} ms (target ≤ 300 ms)"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
