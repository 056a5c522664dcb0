"""The report is bounded in its inputs: images of a fixed pixel size whatever the names, every table and text cut
with a note, and area names limited where they are accepted (issue 29, class 7)."""

from __future__ import annotations

import copy
import io
import json
import re
import struct

import pytest
from pypdf import PdfReader

from selection.data.dataset import load_dataset
from selection.errors import DataError
from selection.importing import validate_import
from selection.limits import MAX_AREA_NAME
from selection.report import render_html, render_pdf, take_snapshot
from selection.report.figures import map_png, rank_change_png, round_weights_png, why_png
from selection.report.render import (
    MAX_ASSESSMENT_ROWS,
    MAX_CELL_CHARS,
    MAX_PRINTED_CHARS,
    MAX_PRINTED_LINES,
    MAX_PRIORITY_ROWS,
    REPORT_MAX_TOP,
    report_context,
)
from tests.support.factory import AREAS, area_features, make_package

HUGE = ("Lang navn\n" * 2000) + "x" * 20_000  # 40,000 characters, 2,000 line breaks: what an old snapshot may hold


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return take_snapshot(load_dataset(), None, 3, n_samples=200)


def renamed(snapshot: dict, name: str) -> dict:
    out = copy.deepcopy(snapshot)
    for k, a in enumerate(out["areas"]):
        a["name"] = f"{name}{k}"
    names = {a["id"]: a["name"] for a in out["areas"]}
    for r in out["ranking"]:
        r["name"] = names[r["area_id"]]
    return out


def comparison_of(snapshot: dict, label: str) -> dict:
    ranks = [
        {"label": f"{label}{j}", "position": j, "area": r["name"], "rank": r["rank"]}
        for j in range(3)
        for r in snapshot["ranking"]
    ]
    return {"labels": [f"{label}{j}" for j in range(3)], "top_n": 3, "sentence": "", "rows": [], "ranks": ranks}


def test_the_images_have_the_same_pixel_size_whatever_the_names(snapshot):
    """A 6,000-character name made the map and the chart 66,000 px wide (63 s for the PDF)."""
    short, huge = renamed(snapshot, "Amager"), renamed(snapshot, HUGE)
    assert png_size(map_png(huge, 3)) == png_size(map_png(short, 3))
    assert png_size(why_png(huge)) == png_size(why_png(short))
    assert png_size(rank_change_png(comparison_of(huge, HUGE))) == png_size(
        rank_change_png(comparison_of(short, "Scenarie "))
    )
    criteria = [{"id": c["id"], "label": HUGE} for c in snapshot["criteria"]]
    part = {"criteria": criteria, "participants": [], "weights": {}}
    assert png_size(round_weights_png(part)) == png_size(
        round_weights_png({**part, "criteria": [{**c, "label": "Behov"} for c in criteria]})
    )


def test_a_far_down_rank_does_not_stretch_the_rank_change_chart(snapshot):
    part = comparison_of(snapshot, "S")
    low = copy.deepcopy(part)
    low["ranks"][0]["rank"] = 5000  # an area in the top of one scenario and far down in another
    assert png_size(rank_change_png(low))[1] <= png_size(rank_change_png(part))[1] * 4


def hostile(snapshot: dict, n_assessments: int = 600) -> dict:
    """Huge names, 600 assessments in force with long reasons of many lines, a long priority list, top 10,000."""
    out = renamed(snapshot, HUGE)
    indicator = next(i["id"] for c in out["criteria"] for i in c["indicators"])
    out["assessments"] = [
        {
            "id": k,
            "area_id": out["areas"][k % len(out["areas"])]["id"],
            "indicator_id": indicator,
            "value": 3.0,
            "reason": "Begrundelse\n" * 300 + "y" * 3000,
            "evidence": "z" * 1000,
            "assessor_name": HUGE,
            "assessor_role": "Rolle",
            "assessed_on": "2026-11-01",
            "recorded_at": "2026-11-01T10:00:00+00:00",
            "version": 1,
        }
        for k in range(n_assessments)
    ]
    row = out["priorities"][0] if out["priorities"] else {}
    out["priorities"] = [{**row, "priority": k + 1, "area": HUGE, "sentence": HUGE} for k in range(500)]
    out["top_n"] = 10_000
    for v in out["values"]:
        v["source"], v["note"] = HUGE, HUGE
    return out


def test_every_table_of_the_report_is_cut_with_a_note(snapshot):
    context = report_context(hostile(snapshot))
    assert len(context["assessments"]) == MAX_ASSESSMENT_ROWS
    assert f"Bilaget viser {MAX_ASSESSMENT_ROWS} af de 600 vurderinger" in context["assessments_cut"]
    assert all(len(a["reason"]) <= MAX_CELL_CHARS + 40 for a in context["assessments"])
    assert all(len(a["assessor"]) <= MAX_AREA_NAME + 40 for a in context["assessments"])
    assert len(context["priorities"]) == MAX_PRIORITY_ROWS
    assert f"{MAX_PRIORITY_ROWS} mest afgørende af 500" in context["priorities_cut"]
    assert len(context["top"]) <= REPORT_MAX_TOP
    assert len(context["stability"]) <= REPORT_MAX_TOP
    assert all(len(r["name"]) <= MAX_AREA_NAME + 40 and "\n" not in r["name"] for r in context["ranking"])
    assert all(len(v["source"]) <= MAX_CELL_CHARS + 40 for v in context["values"])


def test_every_printed_text_is_bounded_and_says_what_was_left_out(snapshot):
    decision = {
        "id": 1,
        "corrects_id": None,
        "chosen_area_id": snapshot["ranking"][0]["area_id"],
        "decided_on": "2026-11-20",
        "recorded_at": "2026-11-20T10:00:00+00:00",
        "scenario": "Linje\n" * 4000,
        "reasons": "r" * 30_000,
        "dissent": "",
        "conditions": "",
        "participants": [],
        "recorded_by": "Anna",
    }
    html = render_html(hostile(snapshot), decision)
    texts = re.findall(
        r">([^<]+)<", re.sub(r"<style>.*?</style>", "", html, flags=re.S).replace("<wbr>", "")
    )  # a text with break opportunities counted as one
    assert max(len(t) for t in texts) <= MAX_PRINTED_CHARS + 40
    assert max(t.count("\n") for t in texts) <= MAX_PRINTED_LINES
    assert "tegn udeladt]" in html
    assert len(html) < 6_000_000  # the map and charts included


def test_the_worst_report_is_a_few_dozen_pages(snapshot):
    """600 assessments in force made 1,214 pages (64 s)."""
    pdf = render_pdf(hostile(snapshot))
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 50


def test_an_area_name_over_the_limit_is_refused_in_a_data_package(tmp_path):
    areas = [(AREAS[0][0], "N" * (MAX_AREA_NAME + 1), AREAS[0][2]), *AREAS[1:]]
    with pytest.raises(DataError, match=f"Områdets navn har for mange tegn \\({MAX_AREA_NAME + 1}\\)"):
        load_dataset(make_package(tmp_path / "pkg", areas=area_features(areas)))
    at_limit = [(AREAS[0][0], "N" * MAX_AREA_NAME, AREAS[0][2]), *AREAS[1:]]
    assert load_dataset(make_package(tmp_path / "ok", areas=area_features(at_limit))).areas["name"].str.len().max() == (
        MAX_AREA_NAME
    )


def test_an_area_name_over_the_limit_is_refused_at_import():
    current = load_dataset()
    areas = [("ny-1", "Æ" * (MAX_AREA_NAME + 1), AREAS[0][2])]
    upload = ("omraader.geojson", json.dumps(area_features(areas)).encode("utf-8"))
    plan = validate_import(upload, current)
    assert not plan.ok
    assert any("Områdets navn har for mange tegn" in str(p) for p in plan.report.problems)
