"""The report's figures as a reader sees them (issue 29, classes 15 and 16): the rank-change chart gives each drawn
line its own look and legend entry and shows every scenario's name; the map names its areas without two labels
overlapping, keeps them inside the frame, and marks the chosen area of a decision report."""

from __future__ import annotations

import itertools

import matplotlib
import pytest

from selection.data.dataset import load_dataset
from selection.report import take_snapshot
from selection.report.figures import rank_change_figure
from selection.scenarios.chart import drawn_areas

matplotlib.use("Agg")

SCENARIOS = (
    "Nuværende indstillinger",
    "Datapakkens standardvægte (udgangspunkt)",
    "Behov først (udgangspunkt)",
    "Byg videre på det, der virker (udgangspunkt)",
    "Kun områder med kendt listestatus (udgangspunkt)",
)


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return take_snapshot(load_dataset(), None, 3, n_samples=200)


def comparison(snapshot: dict, n_scenarios: int = len(SCENARIOS)) -> dict:
    ranked = [r for r in snapshot["ranking"] if r["rank"] is not None]
    n = len(ranked)
    return {
        "labels": list(SCENARIOS[:n_scenarios]),
        "ranks": [
            {"label": SCENARIOS[j], "position": j, "area": r["name"], "rank": (r["rank"] - 1 + 2 * j) % n + 1}
            for j in range(n_scenarios)
            for r in ranked
        ],
    }


def boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_the_rank_change_chart_has_one_look_and_one_legend_entry_per_line_and_every_scenario_name(snapshot):
    part = comparison(snapshot)
    fig = rank_change_figure(part)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    [ax] = fig.axes
    lines = [line for line in ax.get_lines() if line.get_label() and not line.get_label().startswith("_")]
    per_area: dict[str, list] = {}
    for rec in part["ranks"]:
        per_area.setdefault(rec["area"], [None] * len(part["labels"]))[rec["position"]] = rec["rank"]
    drawn = drawn_areas(per_area)
    assert len(drawn) >= 13
    assert [line.get_label() for line in lines] == drawn
    looks = {
        (
            line.get_color(),
            str(line.get_linestyle()),
            str(line.get_dashes() if hasattr(line, "get_dashes") else ""),
            line.get_marker(),
        )
        for line in lines
    }
    assert len({(line.get_color(), line.get_marker()) for line in lines}) == len(lines), "two lines look alike"
    assert len(looks) == len(lines)
    [legend] = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == drawn  # every drawn line, nothing more
    ticks = [t for t in ax.get_xticklabels() if t.get_text()]
    assert len(ticks) == len(SCENARIOS)
    for k, tick in enumerate(ticks):
        assert tick.get_visible()
        assert tick.get_text().startswith(f"{k + 1}. ")
    tick_boxes = [t.get_window_extent(renderer) for t in ticks]
    assert not any(boxes_overlap(a, b) for a, b in itertools.combinations(tick_boxes, 2))
    frame = fig.bbox
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 for b in tick_boxes)
