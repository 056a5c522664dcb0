"""The ranked map orients a reader, as a person sees it in Debian's Chromium (issue 29, class 16): the names of the
three best-ranked areas are always shown, whole and inside the map's frame, on a laptop and on a phone; with no
background map the data's districts are drawn as light frames with their names, credited as such."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import MAP_FRAME, open_app
from tests.support.server import REPO, StreamlitServer

pytestmark = pytest.mark.e2e

N_AREAS = 13
SIZES = [(1280, 720), (390, 844)]

# Per rank label: its rank, name, whether the name shows and its box; the map's frame; the other labels' and the
# map controls' boxes; the district frames and names.
READ_MAP = """() => {
    const box = el => { const r = el.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const shown = el => {
        for (let e = el; e; e = e.parentElement) {
            const s = getComputedStyle(e);
            if (s.display === "none" || s.visibility === "hidden" || Number(s.opacity) === 0) { return false; }
        }
        return true;
    };
    const frame = box(document.querySelector(".leaflet-container"));
    const labels = Array.from(document.querySelectorAll(".area-label")).map(pill => {
        const rank = pill.querySelector(".rank-label"), name = pill.querySelector(".area-name");
        return {
            rank: rank ? Number(rank.textContent) : null,
            name: name ? name.textContent : null,
            nameShown: name ? shown(name) : false,
            shown: shown(pill),
            box: box(pill),
        };
    });
    const controls = Array.from(document.querySelectorAll(".leaflet-control")).map(box);
    const districts = Array.from(document.querySelectorAll(".district-label")).map(el => ({
        name: el.textContent, shown: shown(el), box: box(el),
    }));
    return {
        frame, labels, controls, districts,
        outlines: document.querySelectorAll("path.district-outline").length,
        tiles: document.querySelectorAll(".leaflet-tile").length,
        credit: document.querySelector(".leaflet-control-attribution").textContent,
    };
}"""


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def inside(b: dict, frame: dict) -> bool:
    return (
        frame["left"] <= b["left"]
        and b["right"] <= frame["right"]
        and frame["top"] <= b["top"]
        and b["bottom"] <= frame["bottom"]
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_top_three_names_show_inside_the_frame_and_the_districts_orient(
    app_server: StreamlitServer, page: Page, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    frame = open_app(page, app_server.url, N_AREAS)
    expect(frame.locator(".area-label").first).to_be_attached(timeout=30000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.wait_for_timeout(800)  # the labels are placed after the map has settled
    seen = frame.locator("body").evaluate(READ_MAP)
    (REPO / "test-results").mkdir(exist_ok=True)
    page.locator(MAP_FRAME).screenshot(path=str(REPO / "test-results" / f"map-orientation-{width}.png"))

    labels = {label["rank"]: label for label in seen["labels"] if label["rank"] is not None}
    for rank in (1, 2, 3):
        label = labels[rank]
        assert label["shown"], f"nr. {rank} has no label"
        assert label["nameShown"], f"nr. {rank}'s name ({label['name']}) is hidden"
        assert inside(label["box"], seen["frame"]), f"nr. {rank}'s name ({label['name']}) is cut at the frame's edge"
        others = [o["box"] for o in seen["labels"] if o is not label and o["shown"]] + seen["controls"]
        assert not any(overlap(label["box"], o) for o in others), f"nr. {rank}'s name is covered"
    shown = [label for label in seen["labels"] if label["shown"]]
    for a in shown:  # no shown label covers another, and none is cut at the frame's edge
        assert inside(a["box"], seen["frame"]), a["name"]
        assert not any(overlap(a["box"], b["box"]) for b in shown if b is not a), a["name"]

    # No background map: no tiles, but the districts the data names are drawn, and at least one name shows.
    assert seen["tiles"] == 0
    assert seen["outlines"] >= 2
    named = [d for d in seen["districts"] if d["shown"]]
    assert named, "no district name is shown"
    for d in named:
        assert inside(d["box"], seen["frame"]), d["name"]
        assert not any(overlap(d["box"], a["box"]) for a in shown), d["name"]
    assert "Bydele fra data, ikke grænser" in seen["credit"]
