"""Session state and cached data for the app (one place for every st.session_state key)."""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
from selection.output.map_layers import area_at
from selection.output.offline_assets import install_static_assets
from selection.output.shortlist import area_facts as export_area_facts
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import ScoreResult
from selection.ranking.scoring import weighted_indicators as _weighted
from selection.storage.database import StoreError, database_url, open_store
from selection.storage.packages import active_data_dir
from ui.layout import SECTION_KEY, SECTIONS
from ui.text import md

if TYPE_CHECKING:
    from ui.sidebar import Settings  # ui.sidebar imports this module

MAP_KEY = "rank_map"
SELECTED = "selected_area"
LAST_CLICK = "_last_map_click"
LAST_VALID_WEIGHTS = "_last_valid_weights"
STORE_PROBLEM = "_store_problem"
ASSESSOR_NAME = "assessor_name"
ASSESSOR_ROLE = "assessor_role"
OPENED_VERSIONS = "_assessment_opened_versions"
ASSESSMENT_MESSAGES = "_assessment_messages"
SHEET_GENERATION = "_sheet_upload_generation"
SOURCE = "_data_source"
SCENARIO_RULES = "scenario_rules"  # the exclusion rules on screen (tuple of selection.scenarios.Rule)


def weight_key(criterion_id: str) -> str:
    return f"w_{criterion_id}"


def sub_weight_key(indicator_id: str) -> str:
    return f"sw_{indicator_id}"


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
    """'<database url>#<revision>' (changes with every save; cheap), or NO_STORE with the problem noted."""
    url = database_url()
    try:
        _recent_failure(url)
        try:
            return f"{url}#{int(store_revision(engine()))}"
        except StoreError as exc:  # e.g. the server stopped answering after the engine was opened
            _remember(url, exc)
            raise
    except StoreError as exc:
        st.session_state[STORE_PROBLEM] = str(exc)
        return NO_STORE


@st.cache_resource(show_spinner=False, max_entries=4)
def _latest(url: str, revision: int) -> pd.DataFrame:
    return current_assessments(_engine(url))


def latest_assessments() -> pd.DataFrame:
    """Each assessor's latest entry per area x indicator (withdrawals left out) as of this page run.

    Raises StoreError (Danish) when the store cannot be read.
    """
    key = store_key()
    if key == NO_STORE:
        raise StoreError(st.session_state.get(STORE_PROBLEM) or "Vurderingsdatabasen kan ikke læses.")
    url, revision = key.rsplit("#", 1)
    return _latest(url, int(revision))


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(directory: str, signature: str, store_key: str) -> Dataset:
    package = _package(directory, signature)
    if store_key == NO_STORE:
        return package
    url, revision = store_key.rsplit("#", 1)
    return workspace.with_assessments(package, _latest(url, int(revision)))


def _source() -> tuple[str, str, str]:
    """The folder in use (stored import, else the default package), its file signature and the store key.

    The store key is NO_STORE (package values only, problem noted) when the assessments cannot be read.
    """
    directory = active_data_dir()
    source = (str(directory), _signature(directory), _store_key())
    try:
        _load(*source)
    except StoreError as exc:
        st.session_state[STORE_PROBLEM] = str(exc)
        return source[0], source[1], NO_STORE
    return source


def active_dataset() -> Dataset:
    """The data set in use with the stored assessments applied; rebuilt only when files or assessments change.

    If the assessment database cannot be used, a Danish message is shown and the package's own values are used.
    """
    st.session_state.pop(STORE_PROBLEM, None)
    st.session_state[SOURCE] = source = _source()
    dataset = _load(*source)
    if problem := st.session_state.get(STORE_PROBLEM):
        st.error(
            md(
                f"Vurderingsdatabasen kan ikke bruges: {problem} Rangeringen bruger datapakkens egne værdier "
                "uden lokale vurderinger."
            )
        )
    return dataset


def _current_source() -> tuple[str, str, str]:
    """The source read by this page run's ``active_dataset`` (fragment reruns reuse that run's data set)."""
    return st.session_state.get(SOURCE) or _source()


def store_key() -> str:
    """'<database url>#<revision>' of the assessments in use (NO_STORE if the store cannot be read)."""
    return _current_source()[2]


def assessor_ranges(dataset: Dataset) -> dict[tuple[str, str], tuple[float, float]]:
    """(area, indicator) -> (min, max) of the assessors' latest values where two or more disagree."""
    return value_ranges(dataset.values)


def with_assessments(dataset: Dataset) -> Dataset:
    """Another data set (e.g. an import's candidate) with the assessments in use applied, as the app would rank it."""
    key = store_key()
    if key == NO_STORE:
        return dataset
    url, revision = key.rsplit("#", 1)
    return workspace.with_assessments(dataset, _latest(url, int(revision)))


def package_dataset() -> Dataset:
    """The data package as stored, without assessments (what the import path compares and writes)."""
    return _package(str(active_data_dir()), _signature(active_data_dir()))


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
    return _performance(*_current_source(), float(distance_m))


@st.cache_resource(show_spinner=False, max_entries=32)
def _status(directory: str, signature: str, store_key: str, distance_m: float, weighted: tuple[str, ...]) -> DataStatus:
    perf = _performance(directory, signature, store_key, distance_m)
    return data_status(_load(directory, signature, store_key), perf.provenance, list(weighted))


def status(distance_m: float, weighted: list[str]) -> DataStatus:
    """Data-status counts for the indicators that carry weight (cached; they change rarely)."""
    return _status(*_current_source(), float(distance_m), tuple(weighted))


@st.cache_resource(show_spinner=False, max_entries=4)
def _area_facts(directory: str, signature: str, store_key: str) -> dict[str, dict[str, str]]:
    return export_area_facts(_load(directory, signature, store_key))


def area_facts() -> dict[str, dict[str, str]]:
    """The shortlist's per-area texts of the data set in use (list status, district, assessments); cached."""
    return _area_facts(*_current_source())


def score(
    dataset: Dataset, weights: dict[str, float], sub_weights: dict[str, float], perf: Performance
) -> tuple[ScoreResult, str | None]:
    """Score at the given weights; on invalid weights, the last valid ranking and a Danish message."""
    try:
        _, result = evaluate(dataset, weights, sub_weights, performance=perf)
    except WeightError as exc:
        last_weights, last_subs = st.session_state.get(LAST_VALID_WEIGHTS, (dataset.model.default_weights, None))
        _, result = evaluate(dataset, last_weights, last_subs, performance=perf)
        return result, f"{exc} Rangeringen nedenfor bruger de sidste gyldige vægte."
    st.session_state[LAST_VALID_WEIGHTS] = (weights, sub_weights)
    return result, None


def weighted_indicators(dataset: Dataset, result: ScoreResult) -> list[str]:
    """Indicators that carry weight in this result (their criterion and their own weight > 0)."""
    return _weighted(result, dataset)


def selected_area(dataset: Dataset, first: Callable[[], str] | None = None) -> str:
    """The area shown in the detail panel (``first()``, e.g. nr. 1, until the user picks one)."""
    if st.session_state.get(SELECTED) not in dataset.areas.index:
        st.session_state[SELECTED] = first() if first else dataset.area_ids[0]
    return st.session_state[SELECTED]


def top_area(dataset: Dataset, settings: Settings) -> str:
    """The area ranked nr. 1 at the settings' weights (the first area if none can be ranked)."""
    result, _ = score(dataset, settings.weights, settings.sub_weights, performance(settings.distance_m))
    if rules := tuple(st.session_state.get(SCENARIO_RULES, ())):  # nr. 1 among the areas the rules keep
        from selection.scenarios import apply_exclusions

        result = apply_exclusions(result, excluded_areas(settings.distance_m, settings.sub_weights, rules))
    ranked = result.ranked["area_id"]
    return str(ranked.iloc[0]) if len(ranked) else dataset.area_ids[0]


def show_details(area_id: str) -> None:
    """Select the area and open the details tab (from a callback: before the page is drawn)."""
    st.session_state[SELECTED] = area_id
    st.session_state[SECTION_KEY] = SECTIONS[0]


def select_from_map_click(dataset: Dataset) -> None:
    """Callback of the map: select the area under a new click (ignores repeats)."""
    value = st.session_state.get(MAP_KEY) or {}
    click = value.get("last_object_clicked")
    if not click or click == st.session_state.get(LAST_CLICK):
        return
    st.session_state[LAST_CLICK] = click
    area_id = area_at(dataset.areas, float(click["lat"]), float(click["lng"]))
    if area_id is not None and area_id != st.session_state.get(SELECTED):
        show_details(area_id)
        st.rerun()  # the detail panel lies outside the map's partial rerun: redraw the whole page


@dataclass(frozen=True)
class Message:
    """A message for the Vurderinger view, shown once, beside the form it concerns (``where``) or at the top."""

    ok: bool
    text: str
    where: str = ""


def push_assessment_message(ok: bool, text: str, where: str = "") -> None:
    st.session_state.setdefault(ASSESSMENT_MESSAGES, []).append(Message(ok, text, where))


def pop_assessment_messages(where: str = "") -> list[Message]:
    """The messages for one place (a form's key, or "" for the top of the view), removed once shown."""
    messages = st.session_state.get(ASSESSMENT_MESSAGES, [])
    st.session_state[ASSESSMENT_MESSAGES] = [m for m in messages if m.where != where]
    return [m for m in messages if m.where == where]


def opened_version(area_id: str, indicator_id: str, current: Callable[[], int]) -> int:
    """The value version this session's form was opened on (read from the store the first time only)."""
    versions = st.session_state.setdefault(OPENED_VERSIONS, {})
    if (area_id, indicator_id) not in versions:
        versions[(area_id, indicator_id)] = int(current())
    return versions[(area_id, indicator_id)]


def remember_version(area_id: str, indicator_id: str, version: int) -> None:
    """After a save (or a refused stale save the user has now seen), the form stands on this version."""
    st.session_state.setdefault(OPENED_VERSIONS, {})[(area_id, indicator_id)] = int(version)


def forget_version(area_id: str, indicator_id: str) -> None:
    """The form's version is read from the store again the next time the form is drawn."""
    st.session_state.setdefault(OPENED_VERSIONS, {}).pop((area_id, indicator_id), None)


def form_key(field: str, area_id: str, indicator_id: str) -> str:
    return f"assess_{field}_{area_id}_{indicator_id}"


def clear_form(area_id: str, indicator_id: str) -> None:
    """Empty a saved form's fields (value, reason, evidence) for the next assessment."""
    for field, empty in (("value", None), ("reason", ""), ("evidence", ""), ("withdraw_reason", "")):
        st.session_state[form_key(field, area_id, indicator_id)] = empty  # set, not deleted: the browser keeps deleted


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
    return _exclusions(*_current_source(), float(distance_m), tuple(sorted(sub_weights.items())), tuple(rules))
