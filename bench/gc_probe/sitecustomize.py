"""Benchmark probe (bench/bench_app.py puts this folder on the server's PYTHONPATH): log every full (generation 2)
garbage collection of the server process as '<epoch ms> <pause ms>' to $BENCH_GC_LOG. Not used by the app."""

import gc
import os
import time

_LOG = os.environ.get("BENCH_GC_LOG")
if _LOG:
    _out = open(_LOG, "a", buffering=1)  # noqa: SIM115 (open for the life of the process)
    _start = [0.0]

    def _log_full_collections(phase: str, info: dict) -> None:
        if phase == "start":
            _start[0] = time.perf_counter()
        elif info.get("generation") == 2:
            _out.write(f"{time.time() * 1000:.1f} {(time.perf_counter() - _start[0]) * 1000:.2f}\n")

    gc.callbacks.append(_log_full_collections)
