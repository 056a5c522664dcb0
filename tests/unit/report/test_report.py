"""The steering group's report: PDF text, escaping of names, a self-contained HTML file, the snapshot."""

from __future__ import annotations

import io
import json
import re
import subprocess
from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from pypdf import PdfReader

from selection.data.content_hash import content_hash
from selection.data.dataset import load_dataset
from selection.report import render_html, render_pdf, take_snapshot
from selection.report.comparison import comparison_part
from selection.report.render import caveat_text, robustness_text
from selection.report.snapshot import snapshot_from_store
from selection.scenarios import describe, evaluate_settings, excluded_reasons, parse_settings
from selection.scenarios.defaults import load_defaults
from selection.scenarios.resolve import scenario_record
from selection.storage.packages import active_data_dir
from selection.workspace import workspace_of
from tests.support.factory import AREAS, area_features, make_package

ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "section",
    "h1",
    "h2",
    "h3",
    "p",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "colgroup",
    "col",
    "strong",
    "ul",
    "ol",
    "li",
    "figure",
    "img",
    "figcaption",
    "br",  # lines of one cell (the indicators of a criterion)
    "wbr",  # a break opportunity in a long run without a space (adds no character to the text)
}
EVIL_NAMES = ["<b>Alfa</b>", "{{ 7*7 }} Bravo", "![x](http://evil) Charlie"]


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF with whitespace collapsed (line breaks inside sentences removed)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def flat(text: str) -> str:
    return " ".join(text.split())


class HtmlScan(HTMLParser):
    """Tags with their attributes, text outside style/script, and the CSS of style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.css: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "script"):
            self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        (self.css if self._in else self.text).append(data)


def scan(html: str) -> HtmlScan:
    parser = HtmlScan()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def bundled_report() -> tuple[dict, str, bytes]:
    dataset = load_dataset()
    snapshot = take_snapshot(dataset, None, 3, n_samples=2000)
    return snapshot, render_html(snapshot), render_pdf(snapshot)


@pytest.fixture(scope="module")
def evil_report(tmp_path_factory) -> tuple[dict, str, bytes]:
    areas = [(aid, name, geom) for (aid, _, geom), name in zip(AREAS, EVIL_NAMES, strict=True)]
    folder = make_package(tmp_path_factory.mktemp("evil") / "pkg", areas=area_features(areas))
    snapshot = take_snapshot(load_dataset(folder), None, 3, n_samples=500)
    return snapshot, render_html(snapshot), render_pdf(snapshot)


def test_the_pdf_names_every_shortlisted_area_and_states_caveat_and_robustness(bundled_report):
    snapshot, _, pdf = bundled_report
    text = pdf_text(pdf)
    shortlisted = [r["name"] for r in snapshot["ranking"] if r["rank"] is not None][:3]
    assert len(shortlisted) == 3
    for name in shortlisted:
        assert name in text
    assert flat(caveat_text(snapshot)) in text
    sentence = flat(robustness_text(snapshot))
    assert "kun vægtene varieres" in sentence
    assert "også de vurderede og illustrative værdier" in sentence
    assert sentence in text
    assert "informerer" in text or "træffer ikke beslutningen" in text
    assert snapshot["dataset"]["version"] in text


def test_the_report_carries_the_assessment_priority_list(bundled_report):
    from selection.analysis.critical.priorities import assessment_priorities
    from selection.ranking.evaluate import evaluate

    snapshot, html, pdf = bundled_report
    dataset = load_dataset()
    perf, result = evaluate(dataset)
    expected = assessment_priorities(
        perf.matrix, dataset.model, result, perf.provenance, dataset.areas["name"].to_dict(), 3
    )
    assert len(expected), "the bundled placeholders can change the top 3"
    assert [p["sentence"] for p in snapshot["priorities"]] == list(expected["Sætning"])
    text = pdf_text(pdf)
    assert "Hvilke værdier afgør valget?" in text
    assert flat(expected["Sætning"].iloc[0]) in text
    assert "Hvilke værdier afgør valget?" in html
    old = {k: v for k, v in snapshot.items() if k != "priorities"}  # a decision saved before the list existed
    assert "Hvilke værdier afgør valget?" not in render_html(old)


def test_the_pdf_is_a4_with_a_sane_number_of_pages(bundled_report):
    _, _, pdf = bundled_report
    reader = PdfReader(io.BytesIO(pdf))
    assert 6 <= len(reader.pages) <= 25
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2
    assert abs(float(box.height) - 841.9) < 2


def test_the_caveat_counts_the_kinds_of_values(bundled_report):
    snapshot, _, _ = bundled_report
    kinds = snapshot["status"]["value_kinds"]
    values = [v for v in snapshot["values"] if v["value"] is not None]
    weighted = {i["id"] for c in snapshot["criteria"] if c["weight"] > 0 for i in c["indicators"]}
    counted = [v for v in values if v["indicator_id"] in weighted]
    assert sum(kinds.values()) == len(counted)
    caveat = caveat_text(snapshot)
    assert f"{kinds['sourced']} kildebelagte" in caveat
    assert f"{kinds['illustrative']} illustrative" in caveat


def test_names_with_markup_or_template_syntax_appear_as_text_in_pdf_and_html(evil_report):
    _, html, pdf = evil_report
    text = pdf_text(pdf)
    parsed = scan(html)
    page_text = " ".join(" ".join(parsed.text).split())
    for name in EVIL_NAMES:
        assert name in text
        assert name in page_text
    assert "49 Bravo" not in text
    assert "49 Bravo" not in page_text
    assert not any(tag == "b" for tag, _ in parsed.tags)  # '<b>' stayed text, never became a tag
    assert not any(tag == "img" and "evil" in (attrs.get("src") or "") for tag, attrs in parsed.tags)


@pytest.mark.parametrize("which", ["bundled_report", "evil_report", "scenario_report", "evil_scenario_report"])
def test_the_html_is_one_file_that_references_nothing_outside_itself(which, request):
    _, html, _ = request.getfixturevalue(which)
    parsed = scan(html)
    assert not {tag for tag, _ in parsed.tags} & {"script", "link", "iframe", "object", "embed", "base", "a"}
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert images
    assert all((attrs.get("src") or "").startswith("data:image/png;base64,") for attrs in images)
    for tag, attrs in parsed.tags:
        for key, value in attrs.items():
            if key in ("src", "href", "srcset", "action", "poster", "data") or "url(" in (value or ""):
                assert (value or "").startswith("data:"), (tag, key, value)
            if key != "src":  # the only URLs allowed in attributes are data: URIs in img src
                assert not re.search(r"https?://|//[a-z]", value or "", re.I), (tag, key, value)
    css = " ".join(parsed.css)
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(?!data:)", css)
    assert not re.search(r"https?://", css)
    # every http(s):// in the raw file is text that a person reads (a source), never a reference
    without_text = html
    for chunk in sorted({c for c in parsed.text if "http" in c}, key=len, reverse=True):
        without_text = without_text.replace(str(escape(chunk)), "")
    assert not re.search(r"https?://", without_text)


def test_the_snapshot_is_plain_json_and_the_report_needs_nothing_else(bundled_report, tmp_path):
    snapshot, html, _ = bundled_report
    thawed = json.loads(json.dumps(snapshot, ensure_ascii=False, allow_nan=False))
    assert thawed == snapshot
    assert render_html(thawed) == html


def test_the_content_hash_changes_with_any_value(tmp_path):
    folder = make_package(tmp_path / "p")
    before = content_hash(load_dataset(folder))
    assert content_hash(load_dataset(folder)) == before
    text = (folder / "values.csv").read_text(encoding="utf-8").replace("a,n2,40", "a,n2,41")
    (folder / "values.csv").write_text(text, encoding="utf-8")
    assert content_hash(load_dataset(folder)) != before


def test_the_first_page_renders_to_png(bundled_report, tmp_path):
    """pdftoppm (poppler-utils) draws page 1; the PNG is kept for a person to look at."""
    _, _, pdf = bundled_report
    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(tmp_path / "side1")],
        check=True,
        timeout=60,
    )
    png = (tmp_path / "side1.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 5000


@pytest.fixture(scope="module")
def small_snapshot(tmp_path_factory) -> dict:
    return take_snapshot(load_dataset(make_package(tmp_path_factory.mktemp("small") / "p")), None, 2, n_samples=200)


TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=60).filter(str.strip)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reasons=TEXT, name=TEXT)
def test_any_decision_text_is_shown_as_text_never_as_markup(small_snapshot, reasons, name):
    fields = {
        "id": 1,
        "decided_on": "2026-11-20",
        "participants": [{"name": name, "role": ""}],
        "scenario": "s",
        "chosen_area_id": "a",
        "reasons": reasons,
        "dissent": "",
        "conditions": "",
        "recorded_by": name,
        "recorded_at": "2026-11-20T10:00:00+00:00",
        "corrects_id": None,
        "stored_by": name,
    }  # the report fields of a decision (selection.decisions.model) include the identity
    parsed = scan(render_html(small_snapshot, fields))
    text = "".join(parsed.text)  # the report's break opportunities in long runs are <wbr> elements, no text
    assert reasons in text
    assert name in text
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS


def test_the_ranking_table_states_each_areas_data_status_never_complete_with_placeholders(bundled_report):
    """The report's ranking says what the app and the CSV say: illustrative values are named as such."""
    snapshot, html, _ = bundled_report
    text = flat(html)
    assert "Komplet" not in text
    kinds: dict[str, set[str]] = {}
    for v in snapshot["values"]:
        kinds.setdefault(v["area_id"], set()).add(v["kind"])
    n_with_placeholders = sum("illustrative" in k for k in kinds.values())
    assert n_with_placeholders
    assert text.count("Illustrative værdier") >= n_with_placeholders


# --- the scenario the report was made with, its exclusion rules and the comparison ---------------------


@pytest.fixture(scope="module")
def starting_points() -> dict:
    dataset = load_dataset()
    found, problems = load_defaults(active_data_dir(), dataset.model)
    assert not problems
    return {d.key: d for d in found}


@pytest.fixture(scope="module")
def scenario_report(starting_points) -> tuple[dict, str, bytes]:
    """The bundled data with a rule-bearing starting point as the main scenario, compared with two others."""
    dataset = load_dataset()
    main = next(d for d in starting_points.values() if d.settings.rules)
    others = [d for d in starting_points.values() if d is not main][:2]
    s = main.settings
    snapshot = snapshot_from_store(
        dataset,
        None,
        s.weights,
        3,
        sub_weights=s.sub_weights,
        distance_m=s.distance_m,
        rules=s.rules,
        scenario=scenario_record(main.name, key=main.key, rationale=main.rationale),
        compare_with=[(d.name, d.settings) for d in (main, *others)],
        n_samples=500,
    )
    return snapshot, render_html(snapshot), render_pdf(snapshot)


def test_the_snapshot_ranks_exactly_like_the_app_with_the_scenarios_rules(scenario_report, starting_points):
    snapshot, _, _ = scenario_report
    dataset = workspace_of(load_dataset(), None).dataset  # with its registers, as the report ranks it
    main = next(d for d in starting_points.values() if d.settings.rules)
    _, expected = evaluate_settings(dataset, main.settings)
    reasons = excluded_reasons(expected)
    assert reasons
    assert snapshot["n_excluded"] == len(reasons)
    assert [(r["area_id"], r["rank"]) for r in snapshot["ranking"]] == [
        (a, None if pd_na(k) else int(k))
        for a, k in zip(expected.table["area_id"], expected.table["rank"], strict=True)
    ]
    for row in snapshot["ranking"]:
        assert row["excluded"] == reasons.get(row["area_id"], "")
        if row["excluded"]:
            assert row["rank"] is None
    eligible = {r["area_id"] for r in snapshot["ranking"] if r["rank"] is not None}
    assert set(snapshot["robustness"]["weights_only"]["first"]) == eligible  # SMAA over the eligible areas only
    assert snapshot["scenario"]["name"] == main.name
    assert [r["text"] for r in snapshot["rules"]] == [describe(r, dataset.model) for r in main.settings.rules]


def pd_na(value) -> bool:
    return bool(pd.isna(value))


def test_the_pdf_names_the_scenario_its_rules_the_excluded_areas_and_the_comparison(scenario_report):
    snapshot, _, pdf = scenario_report
    text = pdf_text(pdf)
    assert snapshot["scenario"]["name"] in text
    assert flat(snapshot["scenario"]["rationale"]) in text
    for rule in snapshot["rules"]:
        assert text.count(rule["text"]) >= 2  # the summary page and the appendix
    excluded = [r for r in snapshot["ranking"] if r["excluded"]]
    for row in excluded:
        assert flat(f"Udelukket: {row['excluded']}") in text
    assert f"Robustheden er beregnet over {len(snapshot['ranking']) - len(excluded)} områder" in text
    assert flat(snapshot["comparison"]["sentence"]) in text
    assert "Rangskifte mellem scenarierne" in text
    unbroken = re.compile("[\\s\u2010-]")  # a narrow header cell hyphenates (U+2010) or breaks a long label
    joined = unbroken.sub("", text)
    for label in snapshot["comparison"]["labels"]:
        assert unbroken.sub("", label) in joined


def test_the_comparison_matches_each_scenario_ranked_on_its_own(scenario_report, starting_points):
    snapshot, _, _ = scenario_report
    dataset = workspace_of(load_dataset(), None).dataset  # with its registers, as the report ranks it
    labels = snapshot["comparison"]["labels"]
    for k, label in enumerate(labels):
        settings = next(d.settings for d in starting_points.values() if d.name == label)
        _, result = evaluate_settings(dataset, settings)
        ranks = {
            n: (None if pd_na(r) else int(r)) for n, r in zip(result.table["name"], result.table["rank"], strict=True)
        }
        assert {r["area"]: r["rank"] for r in snapshot["comparison"]["ranks"] if r["position"] == k} == ranks


def test_repeated_scenario_names_get_distinct_columns():
    dataset = load_dataset()
    same = parse_settings({}, dataset.model)
    part = comparison_part(dataset, [("A", same), ("A", same)], 3)
    assert part["labels"] == ["A", "A (2)"]
    with pytest.raises(ValueError, match="mellem 2 og 5"):
        comparison_part(dataset, [("A", same)] * 6, 3)


def test_a_report_without_scenario_or_rules_says_so(bundled_report):
    _, _html, pdf = bundled_report
    text = pdf_text(pdf)
    assert "Scenarie: ikke gemt" in text
    assert "Ingen udelukkelsesregler" in text
    assert "Udelukket" not in text
    assert "Sammenligning af scenarier" not in text


def test_an_old_snapshot_without_scenario_keys_still_renders(bundled_report):
    snapshot, _, _ = bundled_report
    old = {k: v for k, v in snapshot.items() if k not in ("scenario", "rules", "n_excluded", "comparison")}
    old["ranking"] = [{k: v for k, v in r.items() if k != "excluded"} for r in snapshot["ranking"]]
    html = render_html(old)
    text = flat(" ".join(scan(html).text))
    assert "Scenarie: ikke gemt" in text
    assert "Ingen udelukkelsesregler" in text
    assert "Udelukket" not in text
    assert pdf_text(render_pdf(old)).count("Ingen udelukkelsesregler") >= 1


EVIL_SCENARIO = "<b>Fed</b> {{ 7*7 }} {% raw %} $x$"
EVIL_RATIONALE = "<script>alert(1)</script> ![x](http://evil) {{ config }}"


@pytest.fixture(scope="module")
def evil_scenario_report(tmp_path_factory) -> tuple[dict, str, bytes]:
    dataset = load_dataset(make_package(tmp_path_factory.mktemp("evil-scn") / "p"))
    a = parse_settings({"rules": [{"kind": "min_score", "criterion": "need", "min": 50}]}, dataset.model)
    b = parse_settings({"weights": {"trust": 0, "actors": 0, "need": 1}}, dataset.model)
    snapshot = snapshot_from_store(
        dataset,
        None,
        a.weights,
        2,
        rules=a.rules,
        n_samples=200,
        scenario=scenario_record(EVIL_SCENARIO, 7, 2, rationale=EVIL_RATIONALE),
        compare_with=[(EVIL_SCENARIO, a), ("{{ 7*7 }} <i>B</i>", b)],
    )
    return snapshot, render_html(snapshot), render_pdf(snapshot)


def test_scenario_names_and_rationales_with_markup_or_template_syntax_stay_text(evil_scenario_report):
    snapshot, html, pdf = evil_scenario_report
    assert snapshot["n_excluded"] >= 1
    parsed = scan(html)
    page_text = " ".join(" ".join(parsed.text).split())
    text = pdf_text(pdf)
    for literal in (EVIL_SCENARIO, EVIL_RATIONALE, "{{ 7*7 }} <i>B</i>"):
        assert literal in page_text
        assert literal.replace(" ", "") in text.replace(" ", "")  # narrow table headers wrap in the PDF
    # '{{ 7*7 }}' is not evaluated: no 49 outside the year and the clock ('kl. 18.49' when made at that minute)
    assert "49" not in re.sub(r"kl\. \d{2}\.\d{2}", "", page_text).replace("2049", "")
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS


def test_the_map_marks_excluded_areas_with_their_own_hatch_outline_and_legend_entry(scenario_report, bundled_report):
    import matplotlib.pyplot as plt

    from selection.report.figures import EXCLUDED_HATCH, map_figure

    for snapshot, expect_excluded in ((scenario_report[0], True), (bundled_report[0], False)):
        fig = map_figure(snapshot, 3)
        ax = fig.axes[0]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        hatched = [c for c in ax.collections if c.get_hatch() == EXCLUDED_HATCH]
        assert ("Udelukket af en regel (ingen rang)" in legend) is expect_excluded
        n_excluded = sum(1 for r in snapshot["ranking"] if r.get("excluded"))
        assert sum(len(c.get_paths()) for c in hatched) == n_excluded
        plt.close(fig)


@pytest.fixture(scope="module")
def many_report(tmp_path_factory) -> tuple[dict, dict, str]:
    """A national-scale set cut down: 60 areas (more than the report lists), a decision for the 55th."""
    import sys

    from tests.support.factory import REPO

    sys.path.insert(0, str(REPO / "bench"))
    from make_package import generate

    dataset = load_dataset(generate(tmp_path_factory.mktemp("many") / "pkg", 60, 6, actors_per_area=1))
    snapshot = take_snapshot(dataset, None, 3, n_samples=300)
    chosen = next(r for r in snapshot["ranking"] if r["rank"] == 55)
    return snapshot, chosen, render_html(snapshot)


def test_with_many_areas_the_report_lists_the_best_ranked_and_says_where_the_rest_is(many_report):
    from selection.report.render import REPORT_MAX_AREAS, REPORT_MAX_VALUE_AREAS, report_context

    snapshot, chosen, html = many_report
    text = flat(re.sub(r"<[^>]+>", " ", html))
    assert "Tabellen viser de 50 bedst rangerede af 60 områder. Hele rangeringen kan hentes som CSV" in text
    assert "python -m selection rank --top 60" in text
    assert "Bilag C. Værdier med art og kilde" in text
    assert "Værdierne for de øvrige 47 ligger i datasættet" in text  # the appendix: the 13 best ranked
    context = report_context(snapshot)
    assert [r["name"] for r in context["ranking"]] == [r["name"] for r in snapshot["ranking"][:REPORT_MAX_AREAS]]
    listed = {r["name"] for r in context["ranking"][:REPORT_MAX_VALUE_AREAS]}
    assert {v["area"] for v in context["values"]} == listed
    # A decision for an area below the cut lists that area too.
    with_choice = report_context(snapshot, {"chosen_area_id": chosen["area_id"], "chosen_name": chosen["name"]})
    assert [r["rank"] for r in with_choice["ranking"]][-1] == 55
    assert "og det valgte område" in with_choice["ranking_cut"]
    assert chosen["name"] in {v["area"] for v in with_choice["values"]}


def test_the_snapshot_keeps_eight_ranks_and_the_rest_and_the_report_table_is_unchanged(many_report):
    """The areas x areas acceptability is not stored (52 MB per decision at 2,000 areas): ranks 1-8 and the rest."""
    snapshot, _, _ = many_report
    for part in ("weights_only", "with_values"):
        rows = snapshot["robustness"][part]["acceptability"]
        assert len(rows) == 60
        assert all(len(shares) == 9 and abs(sum(shares) - 1) < 1e-9 for shares in rows.values())
    assert "Nr. 9+" in many_report[2]


def test_a_few_areas_are_all_listed(bundled_report):
    snapshot, _, _ = bundled_report
    html = render_html(snapshot)
    assert "Bilag C. Alle værdier med art og kilde" in html
    assert 'id="ranking-cut"' not in html
    assert 'id="values-cut"' not in html


def test_the_first_page_names_the_top_areas_not_verified_on_the_list(bundled_report):
    """Issue 29 (14): the caveat on the report's first page says which of the top areas are unverified."""
    snapshot, html, _ = bundled_report
    confidence = {a["id"]: a["list_confidence"] for a in snapshot["areas"]}
    top = [r for r in snapshot["ranking"] if r["rank"] is not None][:3]
    unverified = [r for r in top if confidence[r["area_id"]] != "verified"]
    assert unverified  # the bundled data: the top holds candidates
    text = caveat_text(snapshot)
    for row in unverified:
        assert f"r. {row['rank']} {row['name']} (" in text
    assert "er ikke verificeret som forebyggelsesområde" in text
    assert "bekræft listen" in html


def test_a_decision_reports_map_marks_the_chosen_area_and_its_caption_says_so(small_snapshot, monkeypatch):
    """Issue 29 (16): the decision report's map outlines the chosen area; a report without a decision marks none."""
    import selection.report.figures as figures

    drawn: list[str | None] = []
    original = figures.map_png

    def spy(snapshot, top_n, chosen=None):
        drawn.append(chosen)
        return original(snapshot, top_n, chosen)

    monkeypatch.setattr(figures, "map_png", spy)
    chosen = next(r for r in small_snapshot["ranking"] if r["rank"] == 2)
    fields = {
        "id": 1,
        "decided_on": "2026-11-20",
        "participants": [{"name": "Bo", "role": ""}],
        "scenario": "s",
        "chosen_area_id": chosen["area_id"],
        "reasons": "r",
        "dissent": "",
        "conditions": "",
        "recorded_by": "Bo",
        "recorded_at": "2026-11-20T10:00:00+00:00",
        "corrects_id": None,
        "stored_by": "Bo",
    }
    text = " ".join("".join(scan(render_html(small_snapshot, fields)).text).split())
    assert drawn[-1] == chosen["area_id"]
    assert f"Det valgte område ({chosen['name']}) har en tyk orange kant" in text
    text = " ".join("".join(scan(render_html(small_snapshot)).text).split())
    assert drawn[-1] is None
    assert "Det valgte område" not in text
