"""Every number in the report is Danish, through one formatting path (``selection.text.formatting``): a decimal
comma and a thousands point, never Python's '(1.0, 0.0–2.0)' or JSON's '0.5'; a yes/no indicator's value reads
'ja' or 'nej', never '0,0 ja/nej' (issue 29, class 11). Checked on the visible text of whole reports of the
bundled data: with the registers appendix, a scenario comparison, a weighting round and a decision."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from selection.data.dataset import load_dataset
from selection.report import render_html
from selection.report.render import _literal, indicator_text, params_text, report_context
from selection.report.snapshot import snapshot_from_store
from selection.scenarios.defaults import load_defaults
from selection.scenarios.resolve import scenario_record
from selection.storage.database import open_store
from selection.storage.packages import active_data_dir
from tests.support.rounds import make_round

# A number written the English way: digits, a point, digits ('1.0', '0.5', '2026.5'). Danish thousands ('8.000',
# '10.000') are allowed; clock times ('kl. 14.05') and the data version (an id such as '2026-11-23.1') are
# removed from the text first.
POINTED = re.compile(r"(?<![\w.,])\d+(?:\.\d+)+(?![\w])")
THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
CLOCK = re.compile(r"kl\. \d{2}\.\d{2}")
NUMBER_THEN_YES_NO = re.compile(r"\d\s*ja/nej", re.IGNORECASE)
BLOCKS = {"br", "p", "td", "th", "li", "tr", "h1", "h2", "h3", "div", "figcaption", "title"}


class _Visible(HTMLParser):
    """The text a reader sees: character data outside style; a space where a cell, line or block ends (a <wbr>
    break opportunity joins its parts, as a browser's copy does)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._style = 0

    def handle_starttag(self, tag, attrs):
        self._style += tag == "style"
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self._style -= tag == "style"
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._style:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def english_numbers(text: str, ids: tuple[str, ...] = ()) -> list[str]:
    """Numbers in ``text`` written with a decimal point (each with some context), ids and clock times aside."""
    for known in ids:
        text = text.replace(known, " ")
    text = CLOCK.sub(" ", text)
    return [
        text[max(0, m.start() - 40) : m.end() + 20]
        for m in POINTED.finditer(text)
        if not THOUSANDS.fullmatch(m.group())
    ]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, tuple[dict, str]]:
    """Snapshot and HTML of the bundled data: plain (with the registers appendix) and with everything a report
    can hold (a rule-bearing scenario compared with two others, a revealed weighting round, a decision)."""
    dataset = load_dataset()
    plain = snapshot_from_store(dataset, None, None, 3, n_samples=300)
    found, problems = load_defaults(active_data_dir(), dataset.model)
    assert not problems
    main = next(d for d in found if d.settings.rules)
    others = [d for d in found if d is not main][:2]
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('numbers') / 'store.sqlite'}")
    ids = dataset.model.criterion_ids
    item = make_round(
        engine,
        dataset,
        [
            ("Zebulon Quistgaard", {c: 100 / len(ids) for c in ids}),
            ("Xenia Pjuskebusk", {c: 55 if k == 0 else 45 / (len(ids) - 1) for k, c in enumerate(ids)}),
        ],
    )
    s = main.settings
    full = snapshot_from_store(
        dataset,
        engine,
        s.weights,
        3,
        sub_weights=s.sub_weights,
        distance_m=s.distance_m,
        rules=s.rules,
        scenario=scenario_record(main.name, key=main.key, rationale=main.rationale),
        compare_with=[(d.name, d.settings) for d in (main, *others)],
        weighting_round=item,
        n_samples=300,
    )
    engine.dispose()
    decision = {
        "id": 1,
        "corrects_id": None,
        "chosen_area_id": full["ranking"][1]["area_id"],
        "decided_on": "2026-12-01",
        "recorded_at": "2026-12-01T10:00:00+00:00",
        "recorded_by": "Ida Holm",
        "participants": [{"name": "Ida Holm", "role": "Formand"}],
        "scenario": "Styregruppens vægte",
        "reasons": "Området har det største behov.",
        "dissent": "",
        "conditions": "",
        "round": f"nr. {item.id}",
        "stored_by": "",
    }
    assert plain.get("registers")
    assert full.get("comparison")
    assert full.get("round")
    return {
        "plain": (plain, render_html(plain)),
        "decision": (full, render_html(full, decision, ["Datapakken er skiftet fra version 1 til 2."])),
    }


@pytest.mark.parametrize("which", ["plain", "decision"])
def test_no_number_in_the_report_is_written_the_english_way(reports, which):
    snapshot, html = reports[which]
    text = visible(html)
    assert english_numbers(text, (snapshot["dataset"]["version"],)) == []
    assert "delvægt 1; skala 0–2" in text  # the method appendix printed '(1.0, 0.0–2.0)'


@pytest.mark.parametrize("which", ["plain", "decision"])
def test_a_yes_no_value_reads_ja_or_nej_never_a_number_before_ja_nej(reports, which):
    snapshot, html = reports[which]
    assert not NUMBER_THEN_YES_NO.search(visible(html))
    yes_no = {i["id"] for c in snapshot["criteria"] for i in c["indicators"] if i["values"] == "yes_no"}
    assert yes_no  # the bundled data has one ('Social kontrol nævnt i lokale planer')
    context = report_context(snapshot)
    labels = {i["label"] for c in snapshot["criteria"] for i in c["indicators"] if i["id"] in yes_no}
    shown = [v["value"] for v in context["values"] if v["indicator"] in labels]
    assert shown
    assert set(shown) <= {"ja", "nej"}
    assert [p["now"] for p in context["priorities"] if p["indicator"] in labels]
    assert all(p["now"] in ("ja", "nej") for p in context["priorities"] if p["indicator"] in labels)


def test_a_snapshot_from_before_values_were_kept_knows_a_yes_no_indicator_by_its_unit(reports):
    snapshot, _ = reports["plain"]
    old = {
        **snapshot,
        "criteria": [
            {**c, "indicators": [{k: v for k, v in i.items() if k != "values"} for i in c["indicators"]]}
            for c in snapshot["criteria"]
        ],
    }
    text = visible(render_html(old))
    assert not NUMBER_THEN_YES_NO.search(text)
    assert "(delvægt 1; ja/nej)" in text


def test_any_number_that_reaches_the_template_is_danish_and_a_python_value_is_refused():
    assert _literal(1234.5) == "1.234,5"
    assert _literal(0.25) == "0,25"
    assert _literal(12000) == "12.000"
    assert _literal(True) == "ja"
    for value in ([1.0, 2.0], (1.0, 2.0), {"a": 1.0}):
        with pytest.raises(TypeError):
            _literal(value)


def test_indicator_and_rule_parameters_are_danish():
    indicator = {"label": "Andel", "sub_weight": 0.5, "scale": [0.0, 2.5], "direction": "cost", "assessment": True}
    assert indicator_text(indicator) == "Andel (delvægt 0,5; skala 0–2,5; lavere er bedre; lokal vurdering)"
    rule = {"top_k": 3, "points": {"interested": 0.5, "committed": 1.0}, "steps": [{"years": 2.0}], "on": True}
    assert params_text(rule) == "top_k = 3; points = (interested = 0,5; committed = 1); steps = ((years = 2)); on = ja"
