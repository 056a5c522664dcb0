"""Session state and cached data for the app (one place for every st.session_state key)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from selection.data_status import DataStatus, data_status
from selection.dataset import Dataset, load_dataset
from selection.import_store import active_data_dir
from selection.indicators import Performance, build_performance
from selection.map_layers import area_at
from selection.offline_assets import install_static_assets

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


def _signature(directory: Path) -> tuple:
    if not directory.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.iterdir() if p.is_file()))


@st.cache_resource(show_spinner=False)
def _load(directory: str, signature: tuple) -> Dataset:
    return load_dataset(Path(directory))


def _source() -> tuple[str, tuple]:
    """The folder in use (stored import, else the default package) and its file signature."""
    directory = active_data_dir()
    return str(directory), _signature(directory)


def active_dataset() -> Dataset:
    """The data set in use, reloaded only when its files change."""
    return _load(*_source())


@st.cache_resource(show_spinner=False)
def _performance(directory: str, signature: tuple, distance_m: float) -> Performance:
    return build_performance(_load(directory, signature), distance_m)


def performance(distance_m: float) -> Performance:
    """The performance matrix at an actor distance (cached per distance)."""
    return _performance(*_source(), float(distance_m))


@st.cache_resource(show_spinner=False)
def _status(directory: str, signature: tuple, distance_m: float, weighted: tuple[str, ...]) -> DataStatus:
    perf = _performance(directory, signature, distance_m)
    return data_status(_load(directory, signature), perf.provenance, list(weighted))


def status(distance_m: float, weighted: list[str]) -> DataStatus:
    """Data-status counts for the indicators that carry weight (cached; they change rarely)."""
    return _status(*_source(), float(distance_m), tuple(weighted))


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
    if area_id is not None:
        st.session_state[SELECTED] = area_id
