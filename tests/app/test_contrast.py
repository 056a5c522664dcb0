"""Colour contrast of the app's palette (WCAG 2.1: text ≥ 4.5:1, graphics and controls ≥ 3:1)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.data.dataset import load_dataset
from selection.output import map_elements, map_layers
from selection.ranking.evaluate import evaluate
from tests.support.contrast import NON_TEXT_MIN, TEXT_MIN, contrast_ratio, luminance, over
from ui import layout, ranking, robustness_panel

REPO = Path(__file__).resolve().parents[2]
THEME = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
WHITE = "#ffffff"
FILLS = (*map_layers.PALETTE, map_layers.UNRANKED_COLOUR)
# What lies under an area: Leaflet's grey where no background map is chosen, or a light background map.
MAP_GROUNDS = (map_layers.MAP_BACKGROUND, WHITE)
hex_colours = st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)


def test_contrast_ratio_matches_the_wcag_definition() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # famously just below 4.5
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#abc", "#aabbcc") == pytest.approx(1.0)
    assert luminance("#ffffff") == pytest.approx(1.0)
    assert luminance("#000000") == 0.0
    assert over("#000000", "#ffffff", 0.5) == "#808080"
    with pytest.raises(ValueError, match="not a hex colour: 'red'"):
        contrast_ratio("red", "#fff")


@given(hex_colours, hex_colours)
def test_contrast_ratio_is_symmetric_and_between_1_and_21(a: str, b: str) -> None:
    ratio = contrast_ratio(a, b)
    assert 1.0 <= ratio <= 21.0 + 1e-9
    assert ratio == pytest.approx(contrast_ratio(b, a))


@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("ground", MAP_GROUNDS)
def test_every_map_class_is_bounded_by_an_outline_with_3_to_1(fill: str, ground: str) -> None:
    """Each area is drawn with its class colour (80 % opaque) and a dark outline: the outline stands out ≥ 3:1
    against the fill on its inside and against the ground (or a neighbouring area) on its outside, for the
    normal and the selected (thicker, black) outline alike."""
    seen = over(fill, ground, map_layers.FILL_OPACITY)
    for outline in (map_layers.OUTLINE, map_layers.SELECTED_OUTLINE):
        assert contrast_ratio(outline, seen) >= NON_TEXT_MIN, (outline, fill, ground)
        assert contrast_ratio(outline, ground) >= NON_TEXT_MIN, (outline, ground)


@pytest.mark.parametrize("ground", MAP_GROUNDS)
def test_an_excluded_area_is_outlined_and_patterned_not_told_by_colour_alone(ground: str) -> None:
    """Excluded by a scenario's rule: a pale fill with a dotted outline that stands out ≥ 3:1 against the
    fill and the ground; the reason is in the tooltip, the table and the files."""
    style = map_layers.area_style(map_layers.UNRANKED_COLOUR, dashed=False, selected=False, excluded=True)
    seen = over(style["fillColor"], ground, style["fillOpacity"])
    assert contrast_ratio(style["color"], seen) >= NON_TEXT_MIN
    assert contrast_ratio(style["color"], ground) >= NON_TEXT_MIN
    assert style["dashArray"], "a pattern, not only a colour"
    normal = map_layers.area_style(map_layers.UNRANKED_COLOUR, dashed=False, selected=False)
    assert style["dashArray"] != normal["dashArray"]


def test_the_selected_area_differs_by_more_than_colour() -> None:
    """Selected: a black outline more than twice as wide, solid where others are dashed, and a black name label."""
    normal = map_layers.area_style(map_layers.PALETTE[2], dashed=True, selected=False)
    chosen = map_layers.area_style(map_layers.PALETTE[2], dashed=True, selected=True)
    assert chosen["weight"] >= 2 * normal["weight"]
    assert chosen["dashArray"] is None
    assert normal["dashArray"]
    assert "background:#111" in map_elements.AreaShapes.selected_style


def test_neighbouring_classes_are_told_apart_by_numbers_not_colour_alone() -> None:
    """Neighbouring classes of a sequential palette cannot differ by 3:1 (five classes would need a luminance
    range beyond black to white); the class is therefore never the only cue: every ranked area carries its
    rank as a number on the map, the legend states each class's score range, and the table gives the score."""
    steps = [contrast_ratio(a, b) for a, b in zip(map_layers.PALETTE, map_layers.PALETTE[1:], strict=False)]
    assert all(s > 1.2 for s in steps), "neighbouring classes must still be visibly different"
    dataset = load_dataset()
    result = evaluate(dataset)[1]
    [move] = [
        c.payload
        for c in map_layers.ranked_layer(dataset.areas, result.table)._children.values()
        if hasattr(c, "payload")
    ]
    ranks = sorted(label["rank"] for label in move["labels"] if label["rank"] is not None)
    assert ranks == sorted(int(r) for r in result.ranked["rank"])
    legend = map_layers.legend_entries()
    assert all(re.fullmatch(r"\d+–\d+", text) for _, text in legend[:-1])
    assert legend[-1][1] == "Ikke rangeret"


def test_map_labels_are_readable_on_every_class() -> None:
    """Name pills (#111 on 92 % white over the darkest and lightest class), the selected pill and the rank badge."""
    for fill in FILLS:
        pill = over(WHITE, over(fill, map_layers.MAP_BACKGROUND, map_layers.FILL_OPACITY), 0.92)
        assert contrast_ratio("#111111", pill) >= TEXT_MIN
    assert contrast_ratio("#ffffff", "#111111") >= TEXT_MIN  # the selected area's label
    assert contrast_ratio("#111111", WHITE) >= TEXT_MIN  # the rank badge


def test_page_text_colours_reach_4_5_to_1() -> None:
    for ground in layout.PAGE_BACKGROUNDS:
        assert contrast_ratio(layout.MUTED_TEXT, ground) >= TEXT_MIN, ground  # captions
        assert contrast_ratio("#555555", ground) >= TEXT_MIN, ground  # the map legend's notes


def test_theme_primary_colour_as_text_on_its_tints_and_as_focus_ring() -> None:
    """The chosen view's name is drawn in the primary colour on a 10–20 % tint of it; focus rings and slider
    handles are drawn in it on white and on the sidebar."""
    primary = THEME["primaryColor"]
    assert layout.FOCUS_RING.lower() == primary.lower()
    for tint in (0.1, 0.2):
        assert contrast_ratio(primary, over(primary, WHITE, tint)) >= TEXT_MIN, tint
    for ground in layout.PAGE_BACKGROUNDS:
        assert contrast_ratio(primary, ground) >= TEXT_MIN, ground


@pytest.mark.parametrize("colour", ranking.CRITERION_COLOURS + robustness_panel.AREA_COLOURS)
def test_chart_colours_stand_out_against_the_white_background(colour: str) -> None:
    assert contrast_ratio(colour, WHITE) >= NON_TEXT_MIN
