"""Text from data in the report and the shortlist files stays literal and visible: a long unbroken name,
source or note wraps inside the A4 page instead of running off it, and invisible direction marks (which
make a name such as '\u202e@SUM(1+1)' read backwards) never reach a file."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from selection.data.dataset import load_dataset
from selection.output.shortlist import about_sheet, caveat, shortlist_csv, shortlist_table, table_to_xlsx
from selection.ranking.evaluate import evaluate
from selection.report import render_html, take_snapshot
from tests.support.factory import AREAS, VALUES, area_features, make_package

LONG = "Områdenavnudenmellemrum" * 8  # 184 characters without a break (an area name has at most 200)
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
TURNED = "\u202e@SUM(1+1) \u2067Bravo\u2069"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    areas = [(AREAS[0][0], LONG, AREAS[0][2]), (AREAS[1][0], TURNED, AREAS[1][2]), AREAS[2]]
    values = [list(v) for v in VALUES]
    values[0][4] = "https://example.org/" + "kilde" * 60  # a long source without a break
    values[1][5] = "\u202eIllustrativ note"
    folder = make_package(
        tmp_path_factory.mktemp("literal") / "p", areas=area_features(areas), values=[tuple(v) for v in values]
    )
    return load_dataset(folder)


def overflowing_text(html: str) -> list[str]:
    """Text boxes of the laid-out PDF that reach beyond the right edge of their page."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    found = []
    for page in document.pages:
        page_box = page._page_box
        right = page.width
        stack = [page_box]
        while stack:
            box = stack.pop()
            stack.extend(getattr(box, "children", []))
            text = getattr(box, "text", None)
            if text and box.position_x + box.width > right + 0.5:
                found.append(text[:40])
    return found


def test_long_unbroken_text_wraps_inside_the_pdf_page(dataset):
    html = render_html(take_snapshot(dataset, None, 3, n_samples=200))
    assert LONG in html.replace("\u200b", "")  # a zero-width space every 30 characters lets the line break
    assert overflowing_text(html) == []


def test_direction_marks_never_reach_the_report(dataset):
    html = render_html(take_snapshot(dataset, None, 3, n_samples=200))
    assert not BIDI.search(html)
    assert "@SUM(1+1) Bravo" in html


def test_direction_marks_never_reach_the_shortlist_files(dataset):
    _, result = evaluate(dataset)
    text = shortlist_csv(result, dataset, 3, "excel-da").decode("utf-8-sig")
    assert not BIDI.search(text)
    assert "'@SUM(1+1) Bravo" in text  # once the mark is gone, the formula guard applies
    table = shortlist_table(result, dataset, 3)
    book = openpyxl.load_workbook(
        io.BytesIO(table_to_xlsx(table, caveat(table, dataset), about_sheet(result, dataset)))
    )
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if BIDI.search(c)]
    assert "'@SUM(1+1) Bravo" in cells
