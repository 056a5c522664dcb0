"""The report's figures as a reader sees them (issue 29, classes 15 and 16): the rank-change chart gives each drawn
line its own look and legend entry and shows every scenario's name; the map names its areas without two labels
overlapping, keeps them inside the frame, and marks the chosen area of a decision report."""

from __future__ import annotations

import copy
import itertools

import matplotlib
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Annotation, Text
from shapely import affinity
from shapely.geometry import mapping, shape

from selection.data.dataset import load_dataset
from selection.report import take_snapshot
from selection.report.figures import CHOSEN_EDGE, map_figure, rank_change_figure
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


# --- the map (class 16) ------------------------------------------------------------------------------------------


def squeezed(snapshot: dict, factor: float) -> dict:
    """The snapshot with every area moved towards the middle (names crowd each other; the shapes stay)."""
    out = copy.deepcopy(snapshot)
    xs = [p[0] for a in out["areas"] for p in shape(a["geometry"]).exterior.coords]
    ys = [p[1] for a in out["areas"] for p in shape(a["geometry"]).exterior.coords]
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    for a in out["areas"]:
        geom = shape(a["geometry"])
        c = geom.centroid
        a["geometry"] = mapping(
            affinity.translate(geom, (cx + (c.x - cx) * factor) - c.x, (cy + (c.y - cy) * factor) - c.y)
        )
    return out


def drawn_labels(fig) -> tuple[dict[str, list], object]:
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    [ax] = fig.axes
    found: dict[str, list] = {"name": [], "rank": [], "district": []}
    for child in ax.get_children():
        if isinstance(child, Annotation) and child.get_gid() in found and child.get_visible():
            child.update_positions(renderer)
            found[child.get_gid()].append((child.get_text(), Text.get_window_extent(child, renderer)))
    return found, ax.get_window_extent(renderer)


@pytest.mark.parametrize("factor", [1.0, 0.3, 0.12])
def test_map_labels_never_overlap_stay_in_the_frame_and_name_the_top_three(snapshot, factor):
    crowded = squeezed(snapshot, factor)
    fig = map_figure(crowded, 3)
    labels, frame = drawn_labels(fig)
    texts = labels["name"] + labels["rank"] + labels["district"]
    for (a_text, a), (b_text, b) in itertools.combinations(texts, 2):
        assert not boxes_overlap(a, b), f"{a_text!r} overlaps {b_text!r}"
    for text, box in labels["name"] + labels["district"]:
        assert frame.contains(box.x0, box.y0), text
        assert frame.contains(box.x1, box.y1), text
    names = {text for text, _ in labels["name"]}
    top = [r["name"] for r in sorted(crowded["ranking"], key=lambda r: r["rank"] or 10**9) if r["rank"]][:3]
    assert set(top) <= names, "a top-3 name is missing"
    if factor == 1.0:
        assert len(names) == len(crowded["areas"])  # room for every name on the bundled map
        assert {text for text, _ in labels["district"]} >= {"NØRREBRO", "VALBY"}  # the orientation layer


def test_the_decision_reports_map_marks_the_chosen_area(snapshot):
    third = next(r for r in snapshot["ranking"] if r["rank"] == 3)
    fig = map_figure(snapshot, 3, third["area_id"])
    [ax] = fig.axes
    entries = [t.get_text() for t in ax.get_legend().get_texts()]
    assert entries[0] == f"Valgt: {third['name']}"
    outlined = [
        c
        for c in ax.collections
        if len(c.get_edgecolor()) and to_hex(c.get_edgecolor()[0]) == CHOSEN_EDGE.lower() and c.get_linewidth()[0] >= 2
    ]
    assert outlined, "no outline in the chosen colour"
    labels, _ = drawn_labels(fig)
    assert third["name"] in {text for text, _ in labels["name"]}
    plain = map_figure(snapshot, 3)  # a report without a decision marks nothing
    assert not any(t.get_text().startswith("Valgt") for t in plain.axes[0].get_legend().get_texts())
    assert not [
        c
        for c in plain.axes[0].collections
        if len(c.get_edgecolor()) and to_hex(c.get_edgecolor()[0]) == CHOSEN_EDGE.lower()
    ]
