"""The fast paths of issue 13 give what the simple row-by-row computations give, and ``rank`` starts light.

Whole-column value checks against the row-by-row check, column text cleaning against ``_clean_text``,
the display data file reused by a new server only for the same input, and the modules ``python -m
selection rank`` loads when there is no assessment database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selection.data.criteria import load_criteria
from selection.data.dataset import (
    PYTHON_WHITESPACE,
    VALUE_COLUMNS,
    _clean_text,
    _values_row_by_row,
    clean_texts,
    load_dataset,
    values_without_problems,
)
from selection.errors import Report
from selection.output import map_geometry
from selection.output.map_geometry import SHAPES_FOLDER, SOURCE_SUFFIX, area_shapes_file, input_key
from tests.support.factory import BUNDLED, REPO, area_features, make_package

MODEL = load_criteria(BUNDLED / "criteria.json")
INDICATORS = {i.id: i for i in MODEL.indicators}
AREA_IDS = {"a1", "a2", "a3"}

# Cells as read_csv_text gives them (text); each list is mostly valid cells, so that files with and
# without problems are both common.
STORED = [i for i, ind in INDICATORS.items() if ind.from_file]
area_cells = st.sampled_from(["a1", "a2", "a3"] * 6 + [" a1 ", "a2\u3000", "zz"])
indicator_cells = st.sampled_from(STORED * 3 + [" need_assessed", "unknown", "actors_sector_coverage"])
value_cells = st.sampled_from(["1", "2", " 1.5 ", "1e0", ""] * 4 + ["5", "0", "100", "-1", "x", "3,5", "7"])
kind_cells = st.sampled_from(
    ["illustrative", "assessed"] * 8 + ["sourced", " Illustrative ", "ASSESSED", "İllustrative", "bad"]
)
text_cells = st.sampled_from(["Kilde", "Kilde", "Kilde", "", " note\x1c", "\xa0"])
rows = st.lists(
    st.tuples(area_cells, indicator_cells, value_cells, kind_cells, text_cells, text_cells), min_size=1, max_size=6
)


def text_frame(cells: list[tuple[str, ...]]) -> pd.DataFrame:
    return pd.DataFrame(cells, columns=VALUE_COLUMNS).astype(str)


@settings(max_examples=300, deadline=None)
@given(rows)
def test_whole_column_values_equal_the_row_by_row_check(cells):
    df = text_frame(cells)
    report = Report()
    reference = _values_row_by_row(df, "values.csv", INDICATORS, AREA_IDS, report)
    fast = values_without_problems(df, INDICATORS, AREA_IDS)
    if report.errors:
        assert fast is None, "a file with a problem goes through the row-by-row check"
    else:
        assert fast is not None, "a file without problems does not need the row-by-row check"
        pd.testing.assert_frame_equal(fast, reference)


def test_values_of_the_generated_benchmark_package_take_the_fast_path(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    from make_package import generate

    folder = generate(tmp_path / "pkg", 30, 8, actors_per_area=2)
    df = pd.read_csv(folder / "values.csv", dtype=str, keep_default_na=False)
    ids = set(load_dataset(folder).area_ids)
    fast = values_without_problems(df, INDICATORS, ids)
    assert fast is not None
    reference = _values_row_by_row(df, "values.csv", INDICATORS, ids, Report())
    pd.testing.assert_frame_equal(fast, reference)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.none() | st.text(alphabet=st.characters(codec="utf-8")) | st.sampled_from([" a ", "\x1c", "\u3000x"]))
)
def test_column_cleaning_equals_cleaning_each_cell(values):
    for column in (pd.Series(values, dtype="str"), pd.Series(values, dtype=object)):
        assert clean_texts(column) == [_clean_text(v) for v in column.tolist()]


def test_mixed_columns_are_cleaned_cell_by_cell():
    column = pd.Series([3, None, " x ", 2.5, float("nan")], dtype=object)
    assert clean_texts(column) == ["3", None, "x", "2.5", None]


def test_the_whitespace_list_is_what_python_strips():
    python_strips = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert python_strips == PYTHON_WHITESPACE


# --------------------------------------------------------------------------- display data file reuse


def counted_build(calls: list[int]):
    def build(areas) -> str:
        calls.append(len(areas))
        return json.dumps({"n": len(areas), "names": list(areas["name"])})

    return build


def test_a_new_server_reuses_the_display_file_of_the_same_areas(tmp_path, monkeypatch):
    dataset = load_dataset(make_package(tmp_path / "p", areas=area_features()))
    static = tmp_path / "static"
    calls: list[int] = []
    build = counted_build(calls)
    first = area_shapes_file(dataset.areas, build, static)
    monkeypatch.setattr(map_geometry, "_SHAPES", {})  # a new server process: nothing in memory
    again = area_shapes_file(load_dataset(tmp_path / "p").areas, build, static)
    assert calls == [3], "built once, read back by the second server"
    assert again == first
    notes = list((static / SHAPES_FOLDER).glob(f"*{SOURCE_SUFFIX}"))
    assert [n.read_text() for n in notes] == [first.digest]


def test_changed_areas_get_a_new_display_file(tmp_path, monkeypatch):
    dataset = load_dataset(make_package(tmp_path / "p", areas=area_features()))
    static = tmp_path / "static"
    calls: list[int] = []
    build = counted_build(calls)
    first = area_shapes_file(dataset.areas, build, static)
    renamed = dataset.areas.copy()
    renamed.loc[renamed.index[0], "name"] = "Et nyt navn"
    moved = dataset.areas.copy()
    moved.loc[moved.index[0], "geometry"] = moved.geometry.iloc[0].buffer(0.001)
    monkeypatch.setattr(map_geometry, "_SHAPES", {})
    assert input_key(renamed, build) != input_key(dataset.areas, build)
    assert input_key(moved, build) != input_key(dataset.areas, build)
    second = area_shapes_file(renamed, build, static)
    assert second.digest != first.digest
    assert "Et nyt navn" in second.text
    assert len(calls) == 2


def test_a_damaged_note_or_a_missing_file_means_building_again(tmp_path, monkeypatch):
    dataset = load_dataset(make_package(tmp_path / "p", areas=area_features()))
    static = tmp_path / "static"
    calls: list[int] = []
    build = counted_build(calls)
    first = area_shapes_file(dataset.areas, build, static)
    note = static / SHAPES_FOLDER / f"{input_key(dataset.areas, build)}{SOURCE_SUFFIX}"
    note.write_text("../../etc/passwd")
    monkeypatch.setattr(map_geometry, "_SHAPES", {})
    assert area_shapes_file(dataset.areas, build, static) == first
    (static / SHAPES_FOLDER / f"{first.digest}.js").unlink()
    monkeypatch.setattr(map_geometry, "_SHAPES", {})
    assert area_shapes_file(dataset.areas, build, static) == first
    assert len(calls) == 3


# --------------------------------------------------------------------------- what rank loads

HEAVY = ("sqlalchemy", "alembic", "matplotlib", "weasyprint", "streamlit", "folium", "pyogrio")
PROBE = """
import io, json, sys
from selection.cli.main import main
out, sys.stdout = sys.stdout, io.TextIOWrapper(io.BytesIO())
code = main(sys.argv[1:])
sys.stdout = out
print(json.dumps([code, sorted({m.split('.')[0] for m in sys.modules} & set(HEAVY))]))
""".replace("HEAVY", repr(HEAVY))


def loaded_by(args: list[str], env_extra: dict[str, str]) -> tuple[int, list[str]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **env_extra}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return code, modules


@pytest.mark.parametrize("with_data_arg", [True, False], ids=["--data", "SELECTION_DATA"])
def test_rank_without_a_database_loads_no_database_report_or_page_modules(tmp_path, with_data_arg):
    import_dir = tmp_path / "import"
    args = ["rank", "--data", str(BUNDLED)] if with_data_arg else ["rank"]
    env = {"SELECTION_IMPORT_DIR": str(import_dir)} | ({} if with_data_arg else {"SELECTION_DATA": str(BUNDLED)})
    code, modules = loaded_by(args, env)
    assert code == 0
    assert modules == []
    assert not Path(str(import_dir) + ".sqlite").exists(), "ranking creates no database"


def test_a_role_function_stays_a_function_after_the_roles_module_loads():
    import selection.access as access
    import selection.cli.roles  # noqa: F401 (loads the package the way the command line does)

    assert callable(access.roles)
    assert callable(access.authorize)
    from selection.access import roles

    assert callable(roles)
    assert roles.__module__ == "selection.access.roles"


# --------------------------------------------------------------------------- grouped coverage passes


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 30), st.integers(0, 6), st.randoms(use_true_random=False))
def test_sector_lists_equal_joining_each_row(n_areas, n_sectors, rnd):
    from selection.data.performance import sector_lists

    present = np.array([[rnd.random() < 0.4 for _ in range(n_sectors)] for _ in range(n_areas)], dtype=bool)
    present = present.reshape(n_areas, n_sectors)
    short = [f"sektor {j}" for j in range(n_sectors)]
    expected = [", ".join(short[j] for j in range(n_sectors) if row[j]) or "ingen" for row in present]
    assert sector_lists(present, short) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a1", "a2", "a3", "a4"]), st.integers(0, 5)), max_size=25))
def test_sector_counts_equal_counting_each_pair(pairs):
    from selection.geo.actor_presence import sector_counts

    areas = pd.DataFrame(index=["a1", "a2", "a3", "a4"])
    actors = pd.DataFrame({"sector": ["school", "club", "school", "church", "club", "school"]})
    frame = pd.DataFrame(pairs, columns=["area_id", "actor_index"]).assign(distance_m=0.0)
    sectors = ["school", "club", "church", "library"]
    counts = sector_counts(frame, areas, actors, sectors)
    for area in areas.index:
        for sector in sectors:
            expected = sum(1 for a, i in pairs if a == area and actors["sector"][i] == sector)
            assert counts.at[area, sector] == expected
    assert list(counts.index) == list(areas.index)
    assert list(counts.columns) == sectors
