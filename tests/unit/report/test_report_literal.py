"""Text from data in the report and the shortlist files stays literal and visible: a long unbroken name,
source or note wraps inside the A4 page instead of running off it without a character added (a web address
copied from the HTML or the PDF is the address), and invisible direction marks (which make a name such as
'\u202e@SUM(1+1)' read backwards) never reach a file."""

from __future__ import annotations

import io
import re
import subprocess
from html.parser import HTMLParser

import openpyxl
import pytest

from selection.data.dataset import load_dataset
from selection.output.shortlist import about_sheet, caveat, shortlist_csv, shortlist_table, table_to_xlsx
from selection.ranking.evaluate import evaluate
from selection.report import render_html, render_pdf, take_snapshot
from selection.report.render import MAX_URL_CHARS, MAX_VALUE_NOTE_CHARS
from tests.support.factory import AREAS, VALUES, area_features, make_package

LONG = "Områdenavnudenmellemrum" * 8  # 184 characters without a break (an area name has at most 200)
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
TURNED = "\u202e@SUM(1+1) \u2067Bravo\u2069"
URL = "https://example.org/" + "kilde" * 30  # a long source without a break (170 characters)
ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    areas = [(AREAS[0][0], LONG, AREAS[0][2]), (AREAS[1][0], TURNED, AREAS[1][2]), AREAS[2]]
    values = [list(v) for v in VALUES]
    values[0][4] = URL
    values[1][5] = "\u202eIllustrativ note"
    folder = make_package(
        tmp_path_factory.mktemp("literal") / "p", areas=area_features(areas), values=[tuple(v) for v in values]
    )
    return load_dataset(folder)


@pytest.fixture(scope="module")
def report(dataset) -> tuple[str, bytes]:
    snapshot = take_snapshot(dataset, None, 3, n_samples=200)
    return render_html(snapshot), render_pdf(snapshot)


class _Text(HTMLParser):
    """The text a browser shows (and copies) of an HTML document: character data outside style, as one string."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._style = 0

    def handle_starttag(self, tag, attrs):
        self._style += tag == "style"

    def handle_endtag(self, tag):
        self._style -= tag == "style"

    def handle_data(self, data):
        if not self._style:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def pdftotext(pdf: bytes, tmp_path) -> str:
    """The PDF's text as poppler's pdftotext extracts it (what a reader's copy gives)."""
    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


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


def test_long_unbroken_text_wraps_inside_the_pdf_page_without_a_character_added(report):
    html, _ = report
    assert "<wbr>" in html  # the break opportunities are elements ...
    assert not ZERO_WIDTH.search(html)  # ... not invisible characters in the text
    assert LONG in visible_text(html)
    assert overflowing_text(html) == []


def test_a_long_web_address_in_a_source_is_whole_in_the_html_and_the_pdf_text(report, tmp_path):
    """Issue 29 (class 7, follow-up): a zero-width space every 30 characters went into a copied address, and the
    values appendix cut every source at 60 characters, the address with it."""
    assert MAX_VALUE_NOTE_CHARS < len(URL) <= MAX_URL_CHARS
    html, pdf = report
    assert URL in visible_text(html)
    text = pdftotext(pdf, tmp_path)
    assert not ZERO_WIDTH.search(text)
    assert URL in "".join(text.split())  # whole, in order; wrapped over lines of its cell


def test_an_address_longer_than_the_limit_is_cut_with_a_note():
    from selection.report.render import bounded

    url = "https://example.org/" + "x" * (2 * MAX_URL_CHARS)
    shown = bounded(f"Kilde: {url} og mere", MAX_VALUE_NOTE_CHARS, 1)
    assert shown.startswith(f"Kilde: {url[:MAX_URL_CHARS]} … [")
    assert shown.endswith("tegn udeladt]")
    assert bounded(f"Se {URL[:100]} og en lang note " + "x " * 100, MAX_VALUE_NOTE_CHARS, 1).startswith(
        f"Se {URL[:100]} …"
    )  # an address across the cut is kept whole, the text after it is cut


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
