"""The rank-change chart (issue 29, class 15): every drawn line has its own look, the legend names every drawn line,
and every scenario's name fits under the axis, in the app's Vega-Lite spec and the report's figure alike."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.scenarios.chart import (
    AXIS_LINES,
    AXIS_WIDTH,
    CHART_TOP,
    MAX_CHART_LINES,
    MAX_SCENARIOS,
    STYLE_CAPACITY,
    axis_label,
    drawn_areas,
    line_styles,
)
from selection.scenarios.compare import chart_ranks, rank_chart_spec


@given(st.integers(min_value=0, max_value=STYLE_CAPACITY))
def test_no_two_lines_look_alike_and_no_two_legend_symbols_either(n: int) -> None:
    styles = line_styles(n)
    assert len(styles) == n
    assert len({s.key for s in styles}) == n  # colour, dash and marker
    assert len({(s.colour, s.shape) for s in styles}) == n  # a legend symbol: coloured marker
    assert len({(s.colour, s.marker) for s in styles}) == n  # the same in matplotlib's names
    assert len({(s.colour, s.dash) for s in styles[:32]}) == min(n, 32)  # the line itself, for the first 32
    assert line_styles(n) == styles  # the same areas get the same looks on every rerun


def test_more_lines_than_looks_is_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        line_styles(STYLE_CAPACITY + 1)


ranks_strategy = st.integers(min_value=2, max_value=MAX_SCENARIOS).flatmap(
    lambda k: st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.lists(st.one_of(st.none(), st.integers(1, 300).map(float)), min_size=k, max_size=k),
        max_size=120,
    )
)


@given(ranks_strategy)
def test_the_chart_never_draws_more_lines_than_it_has_looks(ranks: dict) -> None:
    areas = drawn_areas(ranks)
    assert len(areas) <= CHART_TOP * MAX_SCENARIOS <= STYLE_CAPACITY
    assert areas == [a for a in ranks if a in set(areas)]  # in the order given (best placed first)
    if len(ranks) <= MAX_CHART_LINES:
        assert areas == list(ranks)
    line_styles(len(areas))


@given(st.integers(min_value=0, max_value=MAX_SCENARIOS - 1), st.text(max_size=300))
def test_a_scenario_name_fits_under_the_axis(position: int, name: str) -> None:
    lines = axis_label(position, name)
    assert 1 <= len(lines) <= AXIS_LINES
    assert all(len(line) <= AXIS_WIDTH for line in lines)
    assert lines[0].startswith(f"{position + 1}.")
    flat = " ".join(name.split())
    if len(flat) <= 8:  # a short name is shown whole
        assert " ".join(lines) == f"{position + 1}. {flat}".strip()


def test_a_long_name_is_wrapped_and_ends_in_an_ellipsis() -> None:
    assert axis_label(0, "Nuværende indstillinger") == ["1. Nuværende", "indstillinger"]
    assert axis_label(3, "Kun områder med kendt listestatus og et langt navn") == [
        "4. Kun områder",
        "med kendt",
        "listestatus…",
    ]


def long_ranks(n_areas: int, n_scenarios: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Scenarie": f"Scenarie med et langt navn {k}",
                "orden": k,
                "Område": f"Område {i}",
                "Rang": float((i + k) % n_areas + 1),
            }
            for k in range(n_scenarios)
            for i in range(n_areas)
        ]
    )


@pytest.mark.parametrize("n_areas", [13, 40])
def test_the_app_chart_spec_gives_each_drawn_area_its_own_look_and_legend_entry(n_areas: int) -> None:
    chart = chart_ranks(long_ranks(n_areas))
    spec = rank_chart_spec(chart)
    lines = spec["layer"][0]["encoding"]
    domain = lines["color"]["scale"]["domain"]
    assert domain == chart.areas == list(dict.fromkeys(chart.lines["Område"]))
    for channel in ("color", "strokeDash", "shape"):  # explicit scales: Vega's default schemes repeat after 10
        assert lines[channel]["scale"]["domain"] == domain
        assert len(lines[channel]["scale"]["range"]) == len(domain)
        assert lines[channel]["legend"]["symbolLimit"] == 0  # no entry is dropped
    looks = zip(
        lines["color"]["scale"]["range"],
        lines["strokeDash"]["scale"]["range"],
        lines["shape"]["scale"]["range"],
        strict=True,
    )
    assert len({(c, tuple(d), s) for c, d, s in looks}) == len(domain)
    axis = spec["encoding"]["x"]["axis"]
    assert axis["labelOverlap"] is False  # Vega drops overlapping labels by default: most names went missing
    assert axis["labelLimit"] == 0
    assert spec["encoding"]["x"]["field"] == "Akse"
    assert chart.lines.groupby("orden")["Akse"].nunique().eq(1).all()
    assert all(len(line) <= AXIS_WIDTH for text in chart.lines["Akse"] for line in text.split("\n"))
    ends = chart.lines[chart.lines["Ende"]]
    assert sorted(ends["Område"]) == sorted(chart.areas)  # each drawn line is named once, at its end
