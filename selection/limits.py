"""Every resource limit in one place: upload sizes, rows, columns, JSON depth and SMAA samples.

The limits keep a single upload (or command-line run) within about 10 s and 1 GB of server
memory (measured by ``bench/bench_import_limits.py``). Readers check them while they read, so a
file is refused before it is held in memory in full.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024

MAX_SMAA_SAMPLES = 100_000  # SMAA weightings, for the app and ``rank --smaa`` alike
MAX_DISTANCE_M = 100_000.0  # actor search distance (metres)
MAX_WEIGHT = 1_000_000.0  # a weight above this is a typo (and sums of 1e308 overflow)
MAX_JSON_DEPTH = 64  # GeoJSON needs about 7 levels; deeper nesting is refused before use
MAX_CSV_FIELD = 128 * 1024  # characters in one CSV cell
MAX_CSV_LINE = 1024 * 1024  # characters in one line of a CSV file
SNIFF_BYTES = 64 * 1024  # prefix of a CSV read to decide its separator
# Filled rows of one assessment sheet: a sheet is saved in one transaction, all or none, holding the store's
# write lock while it writes (49,000 rows held it 24 s, past the 10 s a colleague's save waits). Measured by
# bench/bench_sheet.py: 2,000 rows write in 2.2 s (5,000 in 5.2 s), 2 cores, SQLite.
MAX_SHEET_ENTRIES = 2_000
MAX_AREA_NAME = 200  # characters in an area's name (the report, map and tables show names on one line)


@dataclass(frozen=True)
class Limits:
    """Safety limits for one import (small values are handy in tests)."""

    max_file_bytes: int = 50 * MB
    max_unzipped_bytes: int = 200 * MB
    max_zip_members: int = 200
    max_features: int = 5000
    max_areas: int = 300  # areas in one area file: the preview ranks and maps every one of them
    max_rows: int = 100_000
    max_columns: int = 500
    max_cells: int = 250_000  # rows × columns held as text at once (XLSX parses at ~20 µs a cell)


def area_name_text(n: int) -> str:
    """The Danish message for an area name of ``n`` characters, over MAX_AREA_NAME."""
    return f"Områdets navn har for mange tegn ({n}); højst {MAX_AREA_NAME} tegn."


def smaa_samples_problem(n: int) -> str | None:
    """A Danish message if ``n`` SMAA weightings cannot be run, else None."""
    if n < 0:
        return "Antallet af vægtninger (SMAA) skal være 0 (ingen robusthed) eller et positivt tal."
    if n > MAX_SMAA_SAMPLES:
        return f"Antallet af vægtninger (SMAA) er højst {MAX_SMAA_SAMPLES:,}".replace(
            ",", "."
        ) + f" (fik {n:,}).".replace(",", ".")
    return None
