"""The rank-change chart's rules, shared by the app (Vega-Lite) and the report (matplotlib).

Which areas get a line (``drawn_areas``), each drawn line's look (``line_styles``: colour, dash and marker, no two
lines alike for any number of lines the chart can draw) and the scenario names on the x axis (``axis_label``:
numbered, wrapped and shortened, so every name fits under its place; the full name is in the tooltip and the
table).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_SCENARIOS = 5
MAX_CHART_LINES = 25  # with more areas only those in the top CHART_TOP somewhere get a line
CHART_TOP = 10

# Okabe–Ito (without its yellow, too light on white) and a brown: told apart with the common colour-vision
# deficiencies. The most distinct looks go to the best-placed areas (the order the areas are given in).
COLOURS = ("#000000", "#E69F00", "#0072B2", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#8C510A")
DASHES: tuple[tuple[int, ...], ...] = ((), (6, 3), (2, 2), (8, 3, 2, 3))  # () = solid; on/off lengths in points
# (Vega-Lite shape, matplotlib marker) of the same look.
MARKERS = (
    ("circle", "o"),
    ("square", "s"),
    ("triangle-up", "^"),
    ("diamond", "D"),
    ("triangle-down", "v"),
    ("cross", "P"),
    ("triangle-right", ">"),
)
# Colour and marker cycle with coprime periods (8 and 7), so no two of the first 56 lines share both: a legend
# symbol (coloured marker) is never ambiguous. Colour and dash differ for the first 32 lines as well.
STYLE_CAPACITY = len(COLOURS) * len(MARKERS)

AXIS_WIDTH = 14  # characters per line of a scenario's name under the x axis
AXIS_LINES = 3  # lines at most (then '…')


@dataclass(frozen=True)
class LineStyle:
    """One line's look: colour, dash pattern (empty = solid) and marker (Vega-Lite shape and matplotlib marker)."""

    colour: str
    dash: tuple[int, ...]
    shape: str
    marker: str

    @property
    def key(self) -> tuple[str, tuple[int, ...], str]:
        return (self.colour, self.dash, self.shape)

    @property
    def vega_dash(self) -> list[int]:
        """The dash as Vega-Lite's ``strokeDash`` ([1, 0] draws a solid line)."""
        return list(self.dash) if self.dash else [1, 0]

    @property
    def mpl_linestyle(self) -> str | tuple[int, tuple[int, ...]]:
        return (0, self.dash) if self.dash else "solid"


def line_styles(n: int) -> list[LineStyle]:
    """``n`` different looks, the most distinct first; ValueError beyond ``STYLE_CAPACITY`` (the chart never draws
    that many lines: see ``drawn_areas``)."""
    if not 0 <= n <= STYLE_CAPACITY:
        raise ValueError(f"at most {STYLE_CAPACITY} lines can be told apart, not {n}")
    return [
        LineStyle(
            COLOURS[k % len(COLOURS)],
            DASHES[(k // len(COLOURS)) % len(DASHES)],
            *MARKERS[k % len(MARKERS)],
        )
        for k in range(n)
    ]


def drawn_areas(ranks: Mapping[str, Sequence[float | None]]) -> list[str]:
    """The areas that get a line (in the order given): every area up to ``MAX_CHART_LINES``; with more, those ranked
    ``CHART_TOP`` or better in at least one scenario (2,000 lines and a 2,000-entry legend cannot be read). So at
    most ``CHART_TOP × MAX_SCENARIOS`` lines, each with its own look (``line_styles``)."""
    if len(ranks) <= MAX_CHART_LINES:
        return list(ranks)
    return [a for a, r in ranks.items() if any(x is not None and not math.isnan(x) and x <= CHART_TOP for x in r)]


def axis_label(position: int, label: str, width: int = AXIS_WIDTH, max_lines: int = AXIS_LINES) -> list[str]:
    """A scenario's name under the x axis: numbered ('1. …' from position 0), wrapped at spaces to ``width``
    characters a line, at most ``max_lines`` lines (a word longer than a line is cut; the last line ends in '…'
    when text was left out). The number keeps two names that begin alike apart."""
    words = f"{position + 1}. {' '.join(str(label).split())}".split(" ")
    lines: list[str] = []
    line = ""
    cut = False
    for word in words:
        if len(word) > width:
            word, cut_word = word[: width - 1] + "…", True
        else:
            cut_word = False
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
        if len(lines) == max_lines:
            cut = True
            break
        cut = cut or cut_word
    else:
        lines.append(line)
    lines = lines[:max_lines]
    if cut and not lines[-1].endswith("…"):
        last = lines[-1]
        if len(last) >= width:  # room for the '…': drop the last word (or cut a single word)
            last = last.rsplit(" ", 1)[0] if " " in last else last[: width - 1]
        lines[-1] = last.rstrip() + "…"
    return lines
