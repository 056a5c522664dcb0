"""The compare view's rank-change chart as a person sees it in Debian's Chromium (issue 29, class 15): with five
scenarios and the thirteen bundled areas every scenario's name stands under the axis, the legend has one entry per
drawn line (each entry's look is its line's look), and no two lines look alike."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import open_app, wait_idle
from tests.support.server import REPO, StreamlitServer

pytestmark = pytest.mark.e2e

N_AREAS = 13
SCENARIOS = ("Nuværende", "Datapakkens standardvægte", "Behov først", "Byg videre", "Kun områder med kendt")
CHART = '[data-testid="stVegaLiteChart"] svg'

# Per drawn line: its stroke, dash and the shape/fill of its points; per legend entry: its label and symbol;
# per x-axis label: its text, whether it shows and its box. Vega hides a label it drops for overlap with opacity 0.
READ_CHART = """svg => {
    const visible = el => {
        for (let e = el; e && e !== svg; e = e.parentElement) {
            const s = getComputedStyle(e);
            if (s.display === "none" || s.visibility === "hidden" || Number(s.opacity) === 0) { return false; }
            if (e.getAttribute("opacity") === "0") { return false; }
        }
        return true;
    };
    const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const lines = Array.from(svg.querySelectorAll("g.mark-line path")).map(p => ({
        stroke: p.getAttribute("stroke"), dash: p.getAttribute("stroke-dasharray") || "",
    }));
    const symbols = Array.from(svg.querySelectorAll("g.role-legend-symbol path"));
    const legend = Array.from(svg.querySelectorAll("g.role-legend-label text")).map((label, k) => ({
        label: label.textContent,
        visible: visible(label),
        fill: symbols[k] ? symbols[k].getAttribute("fill") : null,
        stroke: symbols[k] ? symbols[k].getAttribute("stroke") : null,
        shape: symbols[k] ? symbols[k].getAttribute("d") : null,
    }));
    const axis = svg.querySelector("g.role-axis[aria-label^='X-axis']") || svg.querySelectorAll("g.role-axis")[0];
    const ticks = Array.from(axis.querySelectorAll("g.role-axis-label text")).map(t => ({
        text: Array.from(t.querySelectorAll("tspan")).map(s => s.textContent).join(" ") || t.textContent,
        visible: visible(t), box: box(t),
    }));
    const chart = box(svg);
    const ends = Array.from(svg.querySelectorAll("g.mark-text.role-mark text")).map(t => t.textContent);
    return {lines, legend, ticks, chart, ends};
}"""


def open_comparison(page: Page, names: tuple[str, ...]) -> None:
    page.get_by_text("Sammenlign scenarier (2–5)").click()
    box = page.get_by_role("combobox", name="Scenarier (2–5)")
    for text in names:
        box.click()
        box.type(text)
        page.keyboard.press("Enter")
        wait_idle(page)
    page.keyboard.press("Escape")


def test_five_scenarios_every_label_shown_every_line_in_the_legend_no_two_alike(
    app_server: StreamlitServer, page: Page
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, app_server.url, N_AREAS)
    open_comparison(page, SCENARIOS)
    chart = page.locator(CHART)
    expect(chart).to_have_count(1, timeout=30000)
    chart.scroll_into_view_if_needed()
    expect(chart.locator("g.mark-line path").first).to_be_attached(timeout=30000)
    page.wait_for_timeout(500)
    seen = chart.evaluate(READ_CHART)
    (REPO / "test-results").mkdir(exist_ok=True)
    chart.screenshot(path=str(REPO / "test-results" / "compare-chart.png"))

    # Every scenario's name is under the axis, shown, numbered in the order chosen, with no two overlapping.
    ticks = seen["ticks"]
    assert len(ticks) == len(SCENARIOS)
    assert all(t["visible"] for t in ticks), [t["text"] for t in ticks if not t["visible"]]
    assert [t["text"].split(".")[0] for t in ticks] == [str(k) for k in range(1, len(SCENARIOS) + 1)]
    for k, name in enumerate(SCENARIOS[1:], 2):  # the saved scenarios' names begin with what was typed
        assert ticks[k - 1]["text"].startswith(f"{k}. {name.split()[0]}")
    boxes = sorted((t["box"] for t in ticks), key=lambda b: b[0])
    assert all(a[2] <= b[0] for a, b in itertools.pairwise(boxes)), "axis labels overlap"
    left, _, right, _ = seen["chart"]
    assert all(left - 1 <= b[0] and b[2] <= right + 1 for b in boxes), "an axis label is cut at the chart's edge"

    # One legend entry per drawn line, every entry shown, and no two lines (nor entries) alike.
    lines, legend = seen["lines"], seen["legend"]
    assert len(lines) >= 2
    assert len(legend) == len(lines)
    assert all(e["visible"] for e in legend)
    assert len({(line["stroke"], line["dash"]) for line in lines}) == len(lines), lines
    assert len({(e["stroke"] or e["fill"], e["shape"]) for e in legend}) == len(legend), legend
    assert {line["stroke"] for line in lines} == {e["stroke"] or e["fill"] for e in legend}
    # Each line is named at its end: the names there are the legend's.
    assert set(seen["ends"]) <= {e["label"] for e in legend}
