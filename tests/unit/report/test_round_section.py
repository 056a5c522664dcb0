"""The report's section "Styregruppens vægtning": a revealed round's group result, every participant's ranks and
weights, the spread; participants of an anonymous round appear only as 'Deltager n', in the snapshot and the report."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from pypdf import PdfReader

from selection.data.dataset import load_dataset
from selection.report import render_html, render_pdf
from selection.report.figures import ROUND_FIGURE_SIZE, round_weights_png
from selection.report.snapshot import snapshot_from_store
from selection.report.weighting import MAX_ROUND_COLUMNS, find_revealed, revealed_rounds, round_part
from selection.rounds import store
from selection.rounds.model import RoundError
from selection.storage.database import open_store
from tests.support.databases import assessment_criteria
from tests.support.factory import make_package
from tests.support.rounds import make_round

NAMES = ("Zebulon Quistgaard", "Xenia Pjuskebusk", "Yrsa Wolleby")  # words no base64 image holds
ANSWERS = [
    (NAMES[0], {"trust": 60, "actors": 20, "need": 20}),
    (NAMES[1], {"trust": 10, "actors": 20, "need": 70}),
    (NAMES[2], {"trust": 50, "actors": 30, "need": 20}),
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(make_package(tmp_path_factory.mktemp("round-report") / "p", criteria=assessment_criteria()))


@pytest.fixture
def engine(tmp_path):
    eng = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield eng
    eng.dispose()


def snapshot(engine, dataset, item):
    return snapshot_from_store(dataset, engine, None, 2, n_samples=200, weighting_round=item)


def test_a_named_round_shows_the_group_result_the_names_and_every_participants_ranks(engine, dataset):
    item = make_round(engine, dataset, ANSWERS, invited_only=["Ida Holm"])
    frozen = snapshot(engine, dataset, item)
    part = frozen["round"]
    assert (part["id"], part["name"], part["state"], part["anonymous"]) == (item.id, "Runde maj", "revealed", False)
    assert (part["answered"], part["invited"]) == (3, 4)
    assert part["method_text"] == "gennemsnittet af deltagernes vægte"
    assert part["weights"] == pytest.approx({"trust": 0.4, "actors": 0.7 / 3, "need": 1.1 / 3})
    assert [p["label"] for p in part["participants"]] == list(NAMES)
    assert part["participants"][1]["weights"] == pytest.approx({"trust": 0.1, "actors": 0.2, "need": 0.7})
    rows = part["ranks"]["rows"]
    assert part["ranks"]["labels"] == list(NAMES)
    assert sum(r["first_count"] for r in rows) == 3  # no ties: each participant has one nr. 1
    assert {r["area_id"]: r["ranks"] for r in rows}["a"][0] == 1  # Bo weighs trust: Alfa first
    spread = {s["criterion"]: s for s in part["spread"]}
    assert spread["trust"]["min"] == pytest.approx(0.1)
    assert spread["trust"]["max"] == pytest.approx(0.6)
    assert part["sentence"].endswith("af 3 deltagere.")
    html = render_html(frozen)
    assert 'id="vaegtning"' in html
    assert "Styregruppens vægtning" in html
    for name in NAMES:
        assert name in html
    assert "3 af 4 inviterede deltagere har svaret" in html
    assert part["sentence"] in html


def test_an_anonymous_round_shows_no_name_anywhere(engine, dataset):
    item = make_round(engine, dataset, ANSWERS, anonymous=True, invited_only=["Ivalo Hviidtfeldt"])
    frozen = snapshot(engine, dataset, item)
    text = json.dumps(frozen, ensure_ascii=False)
    html = render_html(frozen)
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(frozen))).pages)
    for name in (*NAMES, "Ivalo Hviidtfeldt"):
        for family in name.split():
            assert family not in text
            assert family not in html
            assert family not in pdf
    assert [p["label"] for p in frozen["round"]["participants"]] == ["Deltager 1", "Deltager 2", "Deltager 3"]
    assert "Deltager 3" in html
    assert "Runden er anonym" in html
    assert "Styregruppens vægtning" in pdf


def test_a_round_whose_result_is_not_shown_is_refused(engine, dataset):
    item = make_round(engine, dataset, ANSWERS[:1], reveal=False)
    with pytest.raises(RoundError, match="ikke vist endnu"):
        round_part(engine, item, dataset)
    with pytest.raises(RoundError, match="ikke vist endnu"):
        find_revealed(engine, "Runde maj")
    assert revealed_rounds(engine) == []
    shown = make_round(engine, dataset, ANSWERS[:1], name="Runde juni")
    assert [r.id for r in revealed_rounds(engine)] == [shown.id]
    assert find_revealed(engine, str(shown.id)).id == find_revealed(engine, "runde JUNI").id == shown.id


def test_many_participants_and_areas_are_cut_with_a_note(engine, dataset):
    many = [(f"Person {k}", {"trust": k, "actors": 20, "need": 30}) for k in range(1, MAX_ROUND_COLUMNS + 3)]
    item = make_round(engine, dataset, many)
    part = round_part(engine, item, dataset, top=2)
    assert len(part["ranks"]["labels"]) == MAX_ROUND_COLUMNS
    assert len(part["ranks"]["rows"]) == 2
    assert len(part["participants"]) == len(many)  # every participant's weights are kept
    assert all(len(r["ranks"]) == MAX_ROUND_COLUMNS for r in part["ranks"]["rows"])
    frozen = snapshot(engine, dataset, None)
    frozen["round"] = json.loads(json.dumps(part))
    html = render_html(frozen)
    assert f"de første {MAX_ROUND_COLUMNS} af {len(many)} deltagere" in html
    assert "de 2 bedst rangerede af 3 rangerede områder" in html


def test_a_report_without_a_round_has_no_such_section(engine, dataset):
    frozen = snapshot(engine, dataset, None)
    assert "round" not in frozen
    assert 'id="vaegtning"' not in render_html(frozen)


def test_the_weights_figure_has_a_fixed_size(engine, dataset):
    small = round_part(engine, make_round(engine, dataset, ANSWERS[:1]), dataset)
    many = [(f"P{k}", {"trust": k, "actors": 1, "need": 1}) for k in range(1, 40)]
    large = round_part(engine, make_round(engine, dataset, many, name="Mange"), dataset)
    sizes = {Image.open(io.BytesIO(round_weights_png(p))).size for p in (small, large)}
    assert sizes == {(round(ROUND_FIGURE_SIZE[0] * 150), round(ROUND_FIGURE_SIZE[1] * 150))}


def test_a_name_with_markup_is_escaped(engine, dataset):
    item = make_round(engine, dataset, [("<b>Bo</b> {{ 7*7 }}", {"trust": 1, "actors": 1, "need": 1})])
    html = render_html(snapshot(engine, dataset, item))
    assert "<b>Bo</b>" not in html
    assert "&lt;b&gt;Bo&lt;/b&gt; {{ 7*7 }}" in html
    assert store.get_round(engine, item.id).revealed
