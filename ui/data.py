"""The data in use, cached: the data package, the assessment store, and what the page works out from them.

The package is read once per file signature, the assessments and the register records once per store revision
(``st.cache_resource``); ``selection.workspace`` puts them together. A page run reads its
source once (``active_dataset``); fragment reruns reuse it (``current_source``), so every panel of one run
sees the same data.
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from selection import workspace
from selection.analysis.robustness.report import value_ranges
from selection.assessments import current_assessments, store_revision
from selection.data.dataset import Dataset, load_dataset
from selection.data.performance import Performance, build_performance, with_stored_values
from selection.data.status import DataStatus, data_status
from selection.errors import WeightError
from selection.output.offline_assets import install_static_assets
from selection.output.shortlist import area_facts as export_area_facts
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import ScoreResult
from selection.registers.in_force import Computed, Registers, apply_registers, compute, recompute, refresh
from selection.registers.store import register_revision
from selection.storage.database import StoreError, database_url, open_store
from selection.storage.packages import active_data_dir
from selection.text.formatting import local_today
from ui import state
from ui.text import md
from ui.values import Settings


@st.cache_resource(show_spinner=False)
def static_assets() -> Path:
    """Copy Leaflet/jQuery into ./static once per server process."""
    return install_static_assets()


@st.cache_resource(show_spinner=False)
def freeze_heap(stage: str) -> int:
    """Put the objects alive now (imported modules, compiled templates, the first data set) out of reach of
    Python's cyclic garbage collector, once per server process and ``stage``; return how many are frozen.

    They live as long as the process anyway, yet without this every full collection walks them again, and one
    ran on almost every weight move: 100-250 ms with the server holding the GIL, so the map, the table and
    the shortlist waited (bench/bench_app.py). Frozen objects are still freed by reference counting; only
    reference cycles among them are never collected, so ``gc.collect()`` runs first and this is done once per
    stage, never per session or per import (memory stays bounded).
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def _signature(directory: Path) -> str:
    """A short digest of the folder's file names, sizes and modification times (changes on any write)."""
    if not directory.is_dir():
        return ""
    stats = sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in os.scandir(directory) if e.is_file())
    return hashlib.blake2b(repr(stats).encode(), digest_size=12).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=4)
def _package(directory: str, signature: str) -> Dataset:
    return load_dataset(Path(directory))


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    """One engine per server process and database (migrated to the newest schema on first use)."""
    return open_store(url)


RETRY_AFTER_S = 30.0  # a database that could not be opened or read is tried again after this long
_FAILED: dict[str, tuple[float, str]] = {}  # url -> (time.monotonic(), Danish message) of its last failure


def _recent_failure(url: str) -> None:
    """Raise the StoreError of a failure of ``url`` within RETRY_AFTER_S: a server that does not answer would
    otherwise cost its connection timeout on every page run, once for the role and once for the assessments."""
    failed = _FAILED.get(url)
    if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER_S:
        raise StoreError(failed[1])


def _remember(url: str, error: StoreError) -> None:
    if len(_FAILED) > 16:  # bounded: a few database URLs per server at most
        _FAILED.clear()
    _FAILED[url] = (time.monotonic(), str(error))


def engine() -> Engine:
    """The assessment database's engine; raises StoreError (Danish) if it cannot be opened (or could not a
    moment ago)."""
    url = database_url()
    _recent_failure(url)
    try:
        return _engine(url)
    except StoreError as exc:
        _remember(url, exc)
        raise


NO_STORE = ""  # store key used when the store cannot be read: the package's own values are shown


def _store_key() -> str:
    """'<database url>#<assessment revision>:<register revision>:<day>' (changes with every save and at midnight,
    when the registers' continuity moves on; cheap), or NO_STORE with the problem noted."""
    url = database_url()
    try:
        _recent_failure(url)
        try:
            store = engine()
            return f"{url}#{int(store_revision(store))}:{int(register_revision(store))}:{local_today().isoformat()}"
        except StoreError as exc:  # e.g. the server stopped answering after the engine was opened
            _remember(url, exc)
            raise
    except StoreError as exc:
        state.STORE_PROBLEM.set(str(exc))
        return NO_STORE


def _parts(key: str) -> tuple[str, int, int, date]:
    """(database url, assessment revision, register revision, day) of a store key other than NO_STORE."""
    url, revisions = key.rsplit("#", 1)
    assessments, registers, day = revisions.split(":")
    return url, int(assessments), int(registers), date.fromisoformat(day)


@st.cache_resource(show_spinner=False, max_entries=4)
def _latest(url: str, revision: int) -> pd.DataFrame:
    return current_assessments(_engine(url))


# The newest registers read per (folder, signature, database, day): an edit is applied to them (the rows stored
# since, the rules run again for the areas those rows touch) instead of reading and computing all records again.
_RECENT_REGISTERS: dict[tuple[str, str, str, date], tuple[Registers, dict[str, Computed]]] = {}
_RECENT_LOCK = threading.Lock()
MAX_RECENT_REGISTERS = 4


@st.cache_resource(show_spinner=False, max_entries=4)
def _registers(directory: str, signature: str, store_key: str) -> tuple[Registers, dict[str, Computed]] | None:
    """The register records in force and every register indicator's results (None: no indicator uses them)."""
    package = _package(directory, signature)
    if not workspace.uses_registers(package):
        return None
    if store_key == NO_STORE:
        registers = workspace.register_state(package, None)
        return registers, compute(package, registers)
    url, _, _, day = _parts(store_key)
    place = (directory, signature, url, day)
    with _RECENT_LOCK:
        last = _RECENT_REGISTERS.get(place)
    if last is None:
        registers = workspace.register_state(package, _engine(url), day)
        computed = compute(package, registers)
    else:
        registers, touched = refresh(last[0], _engine(url))
        computed = recompute(package, registers, last[1], touched) if touched else last[1]
    with _RECENT_LOCK:
        _RECENT_REGISTERS.pop(place, None)
        _RECENT_REGISTERS[place] = (registers, computed)
        while len(_RECENT_REGISTERS) > MAX_RECENT_REGISTERS:
            _RECENT_REGISTERS.pop(next(iter(_RECENT_REGISTERS)))
    return registers, computed


def register_view() -> tuple[Registers, dict[str, Computed]] | None:
    """The register records in force and the computed values' results of this page run (None: not used)."""
    return _registers(*current_source())


def latest_assessments() -> pd.DataFrame:
    """Each assessor's latest entry per area x indicator (withdrawals left out) as of this page run.

    Raises StoreError (Danish) when the store cannot be read.
    """
    key = store_key()
    if key == NO_STORE:
        raise StoreError(state.STORE_PROBLEM.get() or "Vurderingsdatabasen kan ikke læses.")
    url, revision, _, _ = _parts(key)
    return _latest(url, revision)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(directory: str, signature: str, store_key: str) -> Dataset:
    package = _package(directory, signature)
    dataset = package
    if store_key != NO_STORE:
        url, revision, _, _ = _parts(store_key)
        dataset = workspace.with_assessments(package, _latest(url, revision))
    registers = _registers(directory, signature, store_key)
    return dataset if registers is None else apply_registers(dataset, registers[1], registers[0])


def _source() -> tuple[str, str, str]:
    """The folder in use (stored import, else the default package), its file signature and the store key.

    The store key is NO_STORE (package values only, problem noted) when the assessments cannot be read.
    """
    directory = active_data_dir()
    source = (str(directory), _signature(directory), _store_key())
    try:
        _load(*source)
    except StoreError as exc:
        state.STORE_PROBLEM.set(str(exc))
        return source[0], source[1], NO_STORE
    return source


def active_dataset() -> Dataset:
    """The data set in use with the stored assessments applied; rebuilt only when files or assessments change.

    If the assessment database cannot be used, a Danish message is shown and the package's own values are used.
    """
    state.STORE_PROBLEM.pop()
    source = _source()
    state.SOURCE.set(source)
    dataset = _load(*source)
    if problem := state.STORE_PROBLEM.get():
        st.error(
            md(
                f"Vurderingsdatabasen kan ikke bruges: {problem} Rangeringen bruger datapakkens egne værdier "
                "uden lokale vurderinger."
            )
        )
    return dataset


def current_source() -> tuple[str, str, str]:
    """The source read by this page run's ``active_dataset`` (fragment reruns reuse that run's data set)."""
    return state.SOURCE.get() or _source()


def store_key() -> str:
    """'<database url>#<revision>' of the assessments in use (NO_STORE if the store cannot be read)."""
    return current_source()[2]


def assessor_ranges(dataset: Dataset) -> dict[tuple[str, str], tuple[float, float]]:
    """(area, indicator) -> (min, max) of the assessors' latest values where two or more disagree."""
    return value_ranges(dataset.values)


def with_assessments(dataset: Dataset) -> Dataset:
    """Another data set (e.g. an import's candidate) with the assessments and register records in use applied,
    as the app would rank it."""
    key = store_key()
    store = None
    if key != NO_STORE:
        url, revision, _, _ = _parts(key)
        store = _engine(url)
        dataset = workspace.with_assessments(dataset, _latest(url, revision))
    if workspace.uses_registers(dataset):
        dataset, _ = workspace.with_registers(dataset, workspace.register_state(dataset, store))
    return dataset


def package_dataset() -> Dataset:
    """The data package as stored, without assessments (what the import path compares and writes)."""
    directory = active_data_dir()  # one read of the import folder's current link
    return _package(str(directory), _signature(directory))


@st.cache_resource(show_spinner=False, max_entries=16)
def _package_performance(directory: str, signature: str, distance_m: float) -> Performance:
    return build_performance(_package(directory, signature), distance_m)


@st.cache_resource(show_spinner=False, max_entries=16)
def _performance(directory: str, signature: str, store_key: str, distance_m: float) -> Performance:
    """The package's performance (actor distances measured once) with the assessed values put in."""
    return with_stored_values(
        _package_performance(directory, signature, distance_m), _load(directory, signature, store_key)
    )


def performance(distance_m: float) -> Performance:
    """The performance matrix at an actor distance (cached per distance)."""
    return _performance(*current_source(), float(distance_m))


@st.cache_resource(show_spinner=False, max_entries=32)
def _status(directory: str, signature: str, store_key: str, distance_m: float, weighted: tuple[str, ...]) -> DataStatus:
    perf = _performance(directory, signature, store_key, distance_m)
    return data_status(_load(directory, signature, store_key), perf.provenance, list(weighted))


def status(distance_m: float, weighted: list[str]) -> DataStatus:
    """Data-status counts for the indicators that carry weight (cached; they change rarely)."""
    return _status(*current_source(), float(distance_m), tuple(weighted))


@st.cache_resource(show_spinner=False, max_entries=4)
def _area_facts(directory: str, signature: str, store_key: str) -> dict[str, dict[str, str]]:
    return export_area_facts(_load(directory, signature, store_key))


def area_facts() -> dict[str, dict[str, str]]:
    """The shortlist's per-area texts of the data set in use (list status, district, assessments); cached."""
    return _area_facts(*current_source())


def score(
    dataset: Dataset, weights: dict[str, float], sub_weights: dict[str, float], perf: Performance
) -> tuple[ScoreResult, str | None]:
    """Score at the given weights; on invalid weights, the last valid ranking and a Danish message."""
    try:
        _, result = evaluate(dataset, weights, sub_weights, performance=perf)
    except WeightError as exc:
        last_weights, last_subs = state.LAST_VALID_WEIGHTS.get((dataset.model.default_weights, None))
        _, result = evaluate(dataset, last_weights, last_subs, performance=perf)
        return result, f"{exc} Rangeringen nedenfor bruger de sidste gyldige vægte."
    state.LAST_VALID_WEIGHTS.set((weights, sub_weights))
    return result, None


def top_area(dataset: Dataset, settings: Settings) -> str:
    """The area ranked nr. 1 at the settings' weights (the first area if none can be ranked)."""
    result, _ = score(dataset, settings.weights, settings.sub_weights, performance(settings.distance_m))
    if rules := tuple(state.SCENARIO_RULES.get(())):  # nr. 1 among the areas the rules keep
        from selection.scenarios import apply_exclusions

        result = apply_exclusions(result, excluded_areas(settings.distance_m, settings.sub_weights, rules))
    ranked = result.ranked["area_id"]
    return str(ranked.iloc[0]) if len(ranked) else dataset.area_ids[0]


@st.cache_resource(show_spinner=False, max_entries=32)
def _exclusions(
    directory: str,
    signature: str,
    store_key: str,
    distance_m: float,
    sub_weights: tuple[tuple[str, float], ...],
    rules: tuple,
) -> dict[str, str]:
    from selection.scenarios import exclusions

    dataset = _load(directory, signature, store_key)
    return exclusions(rules, dataset, _performance(directory, signature, store_key, distance_m), dict(sub_weights))


def excluded_areas(distance_m: float, sub_weights: dict[str, float], rules: tuple) -> dict[str, str]:
    """area_id -> reason for the areas a scenario's rules exclude (cached: rules, sub-weights and distance
    change rarely; the main weights never change it). Empty without rules."""
    if not rules:
        return {}
    return _exclusions(*current_source(), float(distance_m), tuple(sorted(sub_weights.items())), tuple(rules))
