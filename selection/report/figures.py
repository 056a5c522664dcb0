"""The report's images, drawn offline with matplotlib: the ranked map and the "why" chart (PNG bytes)."""

from __future__ import annotations

import io
import math
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation, Text
from shapely.geometry import shape

from selection.geo.districts import districts
from selection.geo.geometry import METRIC_CRS, WGS84
from selection.output.map_layers import legend_entries, score_colour
from selection.scenarios.chart import (  # one rule for the app's and the report's rank-change chart
    MAX_CHART_LINES,  # noqa: F401 (render.py reads it from here)
    axis_label,
    drawn_areas,
    line_styles,
)
from selection.text.literal import without_direction_marks

# Okabe–Ito colours, as in the app's chart: distinguishable with the common colour-vision deficiencies.
CRITERION_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#8C510A")
FONT = "DejaVu Sans"  # has æ, ø, å
MAX_MAP_LABELS = 40  # above this many areas only the top ranks get a rank and a name label
MANY_RANK_LABELS = 10
MAX_CHART_AREAS = 25
EXCLUDED_FACE, EXCLUDED_EDGE, EXCLUDED_HATCH = "#d9d9d9", "#000000", "xx"  # grey, cross-hatched, heavy outline
# Every image has a fixed size in pixels whatever the data: labels are cut to LABEL_CHARS on one line and the
# figure is laid out inside its size (no tight bounding box that grows with a long label).
DPI = 150
LABEL_CHARS = 40
MAX_CHART_RANKS = 30  # rank-change chart: the y axis reaches at most this rank (lower ranks sit at the bottom edge)
LEGEND_COLUMNS = 4  # rank-change chart: the legend below it
AXIS_CHARS = 20  # rank-change chart: characters per line of a scenario's name under the axis (a page is wide)
END_LABEL_CHARS = 24  # rank-change chart: the name at a line's end (the legend has the longer name)


def _text(value: object) -> str:
    """Data text as literal text in a figure (a '$' would otherwise start matplotlib's math mode)."""
    return without_direction_marks(str(value)).replace("$", r"\$")


def _short(value: object, limit: int = LABEL_CHARS) -> str:
    """A name or label on one line, at most ``limit`` characters (then '…')."""
    text = " ".join(str(value).split())
    return text[: limit - 1].rstrip() + "…" if len(text) > limit else text


def _label(value: object, limit: int = LABEL_CHARS) -> str:
    """A name or label as a figure draws it: ``_short``, as literal text."""
    return _text(_short(value, limit))


def _png(fig: Figure) -> bytes:
    """The figure as PNG at its own size (``DPI``): the pixel size never depends on the labels."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _nice_length(max_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^k metres) no longer than ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    for step in (5, 2, 1):
        if step * exp <= max_m:
            return step * exp
    return exp


def _distance_text(metres: float) -> str:
    return f"{metres / 1000:g} km".replace(".", ",") if metres >= 1000 else f"{metres:g} m"


def map_png(snapshot: dict[str, Any], top_n: int, chosen: str | None = None) -> bytes:
    """Areas coloured by total score (the app's fixed 0–100 YlGnBu classes), rank and name, legend, scale bar; the
    chosen area (a decision report's: its id) outlined and named in the legend."""
    return _png(map_figure(snapshot, top_n, chosen))


CHOSEN_EDGE = "#D55E00"  # vermillion (Okabe–Ito): apart from the score colours, the black outlines and the grey
DISTRICT_EDGE, DISTRICT_TEXT = "#9a9a9a", "#6f6f6f"
NAME_GAP_PT = 9  # a name's distance from its area's point (the rank circle sits on the point)
# Where a name may go, in points from its area's point, nearest first; from the third ring on a thin leader line
# joins the name to its area.
LABEL_RINGS_PT = (NAME_GAP_PT, 18, 30, 44, 60, 80)
LABEL_DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))
LEADER_FROM_PT = 30
PAD_PX = 2.0  # a name's white box reaches this far beyond its text (display pixels)


def map_figure(snapshot: dict[str, Any], top_n: int, chosen: str | None = None) -> Figure:
    """The map as a matplotlib figure; areas excluded by a rule are grey, cross-hatched, heavily outlined; the
    chosen area has a thick vermillion outline and 'Valgt: <name>' in the legend. Names are placed where they
    overlap no other name, rank circle or the frame's edge (``_place_labels``); the districts the data names frame
    their areas in light grey (``selection.geo.districts``)."""
    ranking = {r["area_id"]: r for r in snapshot["ranking"]}
    rows = [a for a in snapshot["areas"] if a.get("geometry")]
    frame = gpd.GeoDataFrame(
        {
            "area_id": [a["id"] for a in rows],
            "name": [a["name"] for a in rows],
            "quality": [a.get("geometry_quality") for a in rows],
            "bydel": [a.get("bydel") for a in rows],
        },
        geometry=[shape(a["geometry"]) for a in rows],
        crs=WGS84,
    ).to_crs(METRIC_CRS)
    frame["rank"] = [ranking.get(a, {}).get("rank") for a in frame["area_id"]]
    frame["excluded"] = [bool(ranking.get(a, {}).get("excluded")) for a in frame["area_id"]]
    frame["colour"] = [
        EXCLUDED_FACE if out else score_colour(ranking.get(a, {}).get("total"))
        for a, out in zip(frame["area_id"], frame["excluded"], strict=True)
    ]
    with plt.rc_context({"font.family": FONT}):
        fig, ax = plt.subplots(figsize=(7.2, 7.2), layout="constrained")
        outlines = districts(frame["bydel"].tolist(), frame.geometry)
        if outlines:
            gpd.GeoSeries([d.outline for d in outlines], crs=METRIC_CRS).plot(
                ax=ax, facecolor="#f4f4f4", edgecolor=DISTRICT_EDGE, linewidth=0.7, linestyle=(0, (3, 2)), zorder=0
            )
        official = frame["quality"] == "official"
        for part, style in ((frame[official], "solid"), (frame[~official], (0, (4, 3)))):
            if len(part):
                part.plot(ax=ax, color=part["colour"], edgecolor="#333333", linewidth=0.8, linestyle=style)
        unranked = frame[frame["rank"].isna() & ~frame["excluded"]]
        if len(unranked):
            unranked.plot(ax=ax, facecolor="none", edgecolor="#333333", hatch="///", linewidth=0.6)
        excluded = frame[frame["excluded"]]
        if len(excluded):
            excluded.plot(ax=ax, facecolor="none", edgecolor=EXCLUDED_EDGE, hatch=EXCLUDED_HATCH, linewidth=1.8)
        picked = frame[frame["area_id"] == chosen] if chosen is not None else frame.iloc[0:0]
        if len(picked):
            picked.plot(ax=ax, facecolor="none", edgecolor="white", linewidth=4.6, zorder=3)
            picked.plot(ax=ax, facecolor="none", edgecolor=CHOSEN_EDGE, linewidth=3.0, zorder=4)
        _scale_bar(ax)
        handles = [Patch(facecolor=c, edgecolor="#333333", label=label) for c, label in legend_entries()]
        handles.append(
            Patch(
                facecolor="white", edgecolor="#333333", linestyle=(0, (4, 3)), label="Stiplet kant: omtrentlig grænse"
            )
        )
        if len(unranked):
            handles.append(
                Patch(facecolor="white", edgecolor="#333333", hatch="///", label="Ikke rangeret (mangler data)")
            )
        if len(excluded):
            handles.append(
                Patch(
                    facecolor=EXCLUDED_FACE,
                    edgecolor=EXCLUDED_EDGE,
                    hatch=EXCLUDED_HATCH,
                    linewidth=1.8,
                    label="Udelukket af en regel (ingen rang)",
                )
            )
        if outlines:
            handles.append(
                Patch(
                    facecolor="#f4f4f4",
                    edgecolor=DISTRICT_EDGE,
                    linestyle=(0, (3, 2)),
                    label="Bydel (ramme om dens områder, ikke grænsen)",
                )
            )
        if len(picked):
            handles.insert(
                0,
                Patch(
                    facecolor="none",
                    edgecolor=CHOSEN_EDGE,
                    linewidth=3.0,
                    label=_label(f"Valgt: {picked['name'].iloc[0]}"),
                ),
            )
        ax.legend(
            handles=handles,
            title="Samlet score (0–100)",
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            ncol=4,
            fontsize=7,
            title_fontsize=7.5,
            frameon=False,
        )
        ax.set_axis_off()
        ax.set_aspect("equal")
        _place_labels(fig, ax, frame, top_n, chosen, outlines)
        return fig


def _rank_or_none(rank: float | None) -> int | None:
    if rank is None or (isinstance(rank, float) and math.isnan(rank)):
        return None
    return int(rank)


def _place_labels(
    fig: Figure, ax: Axes, frame: gpd.GeoDataFrame, top_n: int, chosen: str | None, outlines: list
) -> None:
    """Rank circles on the areas' points, then names where they overlap no circle, no other name and not the
    frame's edge: the chosen area's first, then by rank. A name tries places around its point, nearest first (from
    ``LEADER_FROM_PT`` with a thin leader line); a name that finds none is left out (the table has every area), a
    top-``top_n`` or chosen name never: it takes the place that overlaps least. Last, the district names, where
    they fit. The figure is laid out first and then fixed, so the boxes measured are the boxes drawn."""
    fig.draw_without_rendering()  # constrained layout places the axes and the legend ...
    fig.set_layout_engine("none")  # ... and keeps them there while the labels are measured
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    inside = ax.get_window_extent(renderer).padded(-2)
    many = len(frame) > MAX_MAP_LABELS
    order = sorted(
        frame.itertuples(),
        key=lambda r: (
            r.area_id != chosen,
            _rank_or_none(r.rank) is None,
            _rank_or_none(r.rank) or 0,
        ),
    )
    taken = []
    for rec in order:
        rank = _rank_or_none(rec.rank)
        if rank is not None and (not many or rank <= max(top_n, MANY_RANK_LABELS) or rec.area_id == chosen):
            point = rec.geometry.representative_point()
            badge = ax.annotate(
                str(rank),
                (point.x, point.y),
                ha="center",
                va="center",
                fontsize=7,
                fontweight="bold",
                bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "#111111", "lw": 0.8},
                zorder=6,
            )
            badge.set_gid("rank")
            taken.append(_text_box(badge, renderer))
    for rec in order:
        rank = _rank_or_none(rec.rank)
        is_chosen = rec.area_id == chosen
        if many and not is_chosen and (rank is None or rank > top_n):
            continue
        point = rec.geometry.representative_point()
        must = is_chosen or (rank is not None and rank <= top_n)
        text = _label(rec.name)
        style = {
            "fontsize": 6.5,
            "color": "#111111",
            "fontweight": "bold" if is_chosen else "normal",
            "bbox": {
                "boxstyle": "round,pad=0.15",
                "fc": "white",
                "ec": CHOSEN_EDGE if is_chosen else "none",
                "lw": 1.0,
                "alpha": 0.85,
            },
        }
        _place_one(ax, renderer, inside, taken, (point.x, point.y), text, style, must, "name")
    for district in outlines:
        _place_one(
            ax,
            renderer,
            inside,
            taken,
            (district.label_x, district.label_y),
            _label(district.name.upper()),
            {"fontsize": 6.5, "color": DISTRICT_TEXT, "fontstyle": "italic"},
            False,
            "district",
            rings=(0.0, 6.0, 14.0, 24.0),
            leader=False,
        )


def _place_one(
    ax: Axes,
    renderer: Any,
    inside: Any,
    taken: list,
    xy: tuple[float, float],
    text: str,
    style: dict[str, Any],
    must: bool,
    gid: str,
    rings: tuple[float, ...] = LABEL_RINGS_PT,
    leader: bool = True,
) -> None:
    """Put ``text`` at the first place around ``xy`` (``rings`` × ``LABEL_DIRECTIONS``, in points) whose box lies
    inside ``inside`` and overlaps nothing in ``taken``; when there is none, the least overlapping place if
    ``must``, else nowhere. The placed box joins ``taken``."""
    best: tuple[float, Annotation, Any] | None = None
    for distance in rings:
        for dx, dy in LABEL_DIRECTIONS if distance else ((0, 0),):
            far = leader and distance >= LEADER_FROM_PT
            note = ax.annotate(
                text,
                xy,
                xytext=(dx * distance, dy * distance),
                textcoords="offset points",
                ha="center" if dx == 0 else ("left" if dx > 0 else "right"),
                va="center" if dy == 0 else ("bottom" if dy > 0 else "top"),
                arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.6, "shrinkA": 0, "shrinkB": 2}
                if far
                else None,
                zorder=7,
                **style,
            )
            note.set_gid(gid)
            box = _text_box(note, renderer)
            spill = _outside(box, inside) + sum(_overlap(box, other) for other in taken)
            if spill == 0:
                if best is not None:
                    best[1].remove()
                taken.append(box)
                return
            if must and (best is None or spill < best[0]):
                if best is not None:
                    best[1].remove()
                best = (spill, note, box)
                continue
            note.remove()
    if best is not None:
        taken.append(best[2])


def _text_box(note: Annotation, renderer: Any) -> Any:
    """An annotation's text with its box (``PAD_PX``), without its leader line, in display units."""
    note.update_positions(renderer)
    return Text.get_window_extent(note, renderer).padded(PAD_PX)


def _outside(box: Any, inside: Any) -> float:
    """The area of ``box`` outside ``inside`` (display units)."""
    return box.width * box.height - _overlap(box, inside)


def _overlap(a: Any, b: Any) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _scale_bar(ax: Axes) -> None:
    """A metric scale bar in the lower left (the axes are in EPSG:25832 metres)."""
    ax.margins(0.06)
    ax.autoscale_view()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length((x1 - x0) / 4)
    x, y, h = x0 + (x1 - x0) * 0.03, y0 + (y1 - y0) * 0.03, (y1 - y0) * 0.012
    for k, colour in enumerate(("#111111", "white")):
        ax.add_patch(Rectangle((x + k * length / 2, y), length / 2, h, facecolor=colour, edgecolor="#111111", lw=0.8))
    ax.text(x, y + 1.8 * h, "0", fontsize=6.5, ha="center")
    ax.text(x + length, y + 1.8 * h, _distance_text(length), fontsize=6.5, ha="center")


def why_png(snapshot: dict[str, Any]) -> bytes:
    """Horizontal stacked bars: each criterion's contribution to the total, in rank order."""
    ranked = [r for r in snapshot["ranking"] if r["rank"] is not None][:MAX_CHART_AREAS]
    criteria = snapshot["criteria"]
    with plt.rc_context({"font.family": FONT}):
        fig, ax = plt.subplots(figsize=(7.2, 0.32 * max(len(ranked), 3) + 1.0), layout="constrained")
        labels = [_label(f"{r['rank']}. {' '.join(str(r['name']).split())}") for r in ranked]
        left = [0.0] * len(ranked)
        for k, crit in enumerate(criteria):
            widths = [r["contributions"].get(crit["id"]) or 0.0 for r in ranked]
            ax.barh(
                range(len(ranked)),
                widths,
                left=left,
                color=CRITERION_COLOURS[k % len(CRITERION_COLOURS)],
                label=_label(crit["label"]),
                edgecolor="white",
                linewidth=0.5,
            )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        ax.set_yticks(range(len(ranked)), labels, fontsize=7.5)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("Bidrag til samlet score (point)", fontsize=8)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 - 1.2 / (len(ranked) + 4)),
            ncol=len(criteria),
            fontsize=7.5,
            frameon=False,
        )
        return _png(fig)


def rank_change_png(comparison: dict[str, Any]) -> bytes:
    """``rank_change_figure`` as PNG."""
    return _png(rank_change_figure(comparison))


def rank_change_figure(comparison: dict[str, Any]) -> Figure:
    """One line per area across the compared scenarios (rank 1 at the top), drawn as the app draws them: the same
    areas (``drawn_areas``) in the same looks (``line_styles``: colour, marker and dash, no two alike, so lines stay
    apart without colour vision), each named at its last point and in a legend with every line; every scenario's
    name under the axis (``axis_label``). Areas without a rank in a scenario have a gap there."""
    labels = comparison["labels"]
    per_area: dict[str, list[float | None]] = {}
    for rec in comparison["ranks"]:
        per_area.setdefault(rec["area"], [None] * len(labels))[rec["position"]] = rec["rank"]
    areas = drawn_areas(per_area)
    styles = line_styles(len(areas))
    worst = min(max([x for a in areas for x in per_area[a] if x is not None] or [1]), MAX_CHART_RANKS + 1)
    legend_rows = math.ceil(len(areas) / LEGEND_COLUMNS)
    with plt.rc_context({"font.family": FONT}):
        fig, ax = plt.subplots(figsize=(7.2, 0.28 * max(worst, 6) + 1.6 + 0.16 * legend_rows), layout="constrained")
        for area, style in zip(areas, styles, strict=True):
            ys = [float("nan") if x is None else float(min(x, worst)) for x in per_area[area]]
            ax.plot(
                range(len(labels)),
                ys,
                color=style.colour,
                marker=style.marker,
                linestyle=style.mpl_linestyle,
                linewidth=1.4,
                markersize=4.5,
                label=_label(area),
            )
            last = next((j for j in range(len(ys) - 1, -1, -1) if not math.isnan(ys[j])), None)
            if last is not None:
                ax.annotate(
                    _label(area, END_LABEL_CHARS),
                    (last, ys[last]),
                    xytext=(6, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=6.5,
                    color="#111111",
                )
        ax.set_xticks(
            range(len(labels)),
            [_text("\n".join(axis_label(k, label, AXIS_CHARS))) for k, label in enumerate(labels)],
            fontsize=7.5,
        )
        ax.set_xlim(-0.3, len(labels) - 1 + 0.9)
        ax.set_ylim(worst + 0.6, 0.4)
        ax.set_yticks(
            range(1, int(worst) + 1),
            [f"{k}+" if k > MAX_CHART_RANKS else str(k) for k in range(1, int(worst) + 1)],
        )
        ax.tick_params(axis="y", labelsize=7)
        ax.set_ylabel("Rang (1 = øverst)", fontsize=8)
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        ax.spines[["top", "right"]].set_visible(False)
        if areas:
            fig.legend(
                loc="outside lower center",
                ncol=min(LEGEND_COLUMNS, len(areas)),
                fontsize=6.5,
                frameon=False,
                handlelength=3.2,
            )
        return fig


ROUND_FIGURE_SIZE = (7.2, 3.0)  # inches, whatever the number of criteria or participants


def round_weights_png(part: dict[str, Any]) -> bytes:
    """Each criterion's weight in a weighting round: one dot per participant (unlabelled, so no name is drawn) and
    the group's weight as a black bar. A fixed image size; dots that coincide are spread a little vertically."""
    criteria = part["criteria"]
    k = len(criteria)
    with plt.rc_context({"font.family": FONT}):
        fig, ax = plt.subplots(figsize=ROUND_FIGURE_SIZE)
        for row, crit in enumerate(criteria):
            shares = [100 * float(p["weights"].get(crit["id"]) or 0.0) for p in part["participants"]]
            seen: dict[int, int] = {}
            ys = []
            for x in shares:
                slot = seen.get(round(x), 0)  # the n-th dot at (about) the same weight goes a little lower/higher
                seen[round(x)] = slot + 1
                ys.append(row + (0.09 * ((slot + 1) // 2) * (1 if slot % 2 else -1) if slot else 0.0))
            ax.scatter(
                shares,
                [min(max(y, row - 0.35), row + 0.35) for y in ys],
                s=22,
                color=CRITERION_COLOURS[row % len(CRITERION_COLOURS)],
                alpha=0.75,
                edgecolors="white",
                linewidths=0.5,
                zorder=3,
            )
            group = 100 * float(part["weights"].get(crit["id"]) or 0.0)
            ax.plot([group, group], [row - 0.4, row + 0.4], color="#000000", linewidth=2.2, zorder=2)
        ax.set_yticks(range(k), [_label(c["label"]) for c in criteria], fontsize=7.5)
        ax.set_ylim(k - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xlabel("Vægt (%): én prik pr. deltager, sort streg = gruppens vægt", fontsize=8)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})  # no tight box: the size stays fixed
        plt.close(fig)
        return buf.getvalue()
