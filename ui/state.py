"""Session state and cached data for the app (one place for every st.session_state key)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import streamlit as st

from selection.data_status import DataStatus, data_status
from selection.dataset import Dataset, load_dataset
from selection.errors import WeightError
from selection.importing.store import active_data_dir
from selection.indicators import Performance, build_performance
from selection.map_layers import area_at
from selection.offline_assets import install_static_assets
from selection.pipeline import evaluate
from selection.scoring import ScoreResult

MAP_KEY = "rank_map"
SELECTED = "selected_area"
LAST_CLICK = "_last_map_click"
LAST_VALID_WEIGHTS = "_last_valid_weights"


def weight_key(criterion_id: str) -> str:
    return f"w_{criterion_id}"


def sub_weight_key(indicator_id: str) -> str:
    return f"sw_{indicator_id}"


@st.cache_resource(show_spinner=False)
def static_assets() -> Path:
    """Copy Leaflet/jQuery into ./static once per server process."""
    return install_static_assets()


def _signature(directory: Path) -> str:
    """A short digest of the folder's file names, sizes and modification times (changes on any write)."""
    if not directory.is_dir():
        return ""
    stats = sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in os.scandir(directory) if e.is_file())
    return hashlib.blake2b(repr(stats).encode(), digest_size=12).hexdigest()


@st.cache_resource(show_spinner=False)
def _load(directory: str, signature: str) -> Dataset:
    return load_dataset(Path(directory))


def _source() -> tuple[str, str]:
    """The folder in use (stored import, else the default package) and its file signature."""
    directory = active_data_dir()
    return str(directory), _signature(directory)


def active_dataset() -> Dataset:
    """The data set in use, reloaded only when its files change."""
    return _load(*_source())


@st.cache_resource(show_spinner=False)
def _performance(directory: str, signature: str, distance_m: float) -> Performance:
    return build_performance(_load(directory, signature), distance_m)


def performance(distance_m: float) -> Performance:
    """The performance matrix at an actor distance (cached per distance)."""
    return _performance(*_source(), float(distance_m))


@st.cache_resource(show_spinner=False)
def _status(directory: str, signature: str, distance_m: float, weighted: tuple[str, ...]) -> DataStatus:
    perf = _performance(directory, signature, distance_m)
    return data_status(_load(directory, signature), perf.provenance, list(weighted))


def status(distance_m: float, weighted: list[str]) -> DataStatus:
    """Data-status counts for the indicators that carry weight (cached; they change rarely)."""
    return _status(*_source(), float(distance_m), tuple(weighted))


def score(dataset: Dataset, weights: dict[str, float], sub_weights: dict[str, float],
          perf: Performance) -> tuple[ScoreResult, str | None]:
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
    return [i.id for c in dataset.model.criteria if result.weights[c.id] > 0 for i in c.indicators
            if result.sub_weights.get(i.id, 0) > 0]


def selected_area(dataset: Dataset) -> str:
    """The area shown in the detail panel (first area until the user picks one)."""
    if st.session_state.get(SELECTED) not in dataset.areas.index:
        st.session_state[SELECTED] = dataset.area_ids[0]
    return st.session_state[SELECTED]


def select_from_map_click(dataset: Dataset) -> None:
    """Callback of the map: select the area under a new click (ignores repeats)."""
    value = st.session_state.get(MAP_KEY) or {}
    click = value.get("last_object_clicked")
    if not click or click == st.session_state.get(LAST_CLICK):
        return
    st.session_state[LAST_CLICK] = click
    area_id = area_at(dataset.areas, float(click["lat"]), float(click["lng"]))
    if area_id is not None and area_id != st.session_state.get(SELECTED):
        st.session_state[SELECTED] = area_id
        st.rerun()  # the detail panel lies outside the map's partial rerun: redraw the whole page
