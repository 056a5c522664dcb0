"""Issue 7, class 8: text from data or users is shown through one escaping path (``ui.text.md``) and
is never interpreted as Markdown or HTML; no outside URL can be requested or linked.

The page is run with a hostile data package (names, file names, notes, sources, labels,
descriptions holding a Markdown image, a link, HTML, ``{{ }}``, an autolink, a Streamlit colour
directive, LaTeX) and every element that Streamlit renders as Markdown (bodies, widget labels,
help texts) is parsed with an independent CommonMark parser (tests/markup.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.support.factory import AREAS, CRITERIA, VALUES, area_features, make_package
from tests.support.folds import open_folds
from tests.support.markup import interpreted, shown
from ui.text import md

APP = str(Path(__file__).resolve().parents[2] / "app.py")
EVIL = "evil.example"
HOSTILE = (
    f'![x](http://{EVIL}/pixel.png) [klik](https://{EVIL}/login) <img src="http://{EVIL}/i.png"> '
    f"{{{{ x }}}} www.{EVIL} :red[rød] $x^2$ **fed** <https://{EVIL}>"
)
SHORT = f"![x](http://{EVIL}/p.png) <img src=x> [k](https://{EVIL}) **f** www.{EVIL}"  # fits a 120-character name
# Not "placeholder": an input's placeholder is an HTML attribute, never rendered as Markdown.
TEXT_FIELDS = {"body", "label", "help", "caption"}


def hostile_package(folder: Path) -> Path:
    criteria = json.loads(json.dumps(CRITERIA))
    for c in criteria["criteria"]:
        c["label"] = f"{c['label']} {HOSTILE}"
        c["description"] = f"Beskrivelse {HOSTILE}"
        for i in c["indicators"]:
            i["label"] = f"{i['label']} {HOSTILE}"
            i["description"] = f"Indikator {HOSTILE}"
    areas = area_features([(aid, f"{name} {HOSTILE}", geom) for aid, name, geom in AREAS])
    for f in areas["features"]:
        f["properties"].update(
            bydel=f"Bydel {HOSTILE}",
            list_status=f"Status {HOSTILE}",
            list_source=f"Kilde {HOSTILE}",
            geometry_note=f"Note {HOSTILE}",
        )
    values = [(a, i, v, k, f"{s} {HOSTILE}", f"note {HOSTILE}") for a, i, v, k, s, _ in VALUES]
    make_package(folder, criteria=criteria, areas=areas, values=values)
    meta = {
        "name": f"Test {HOSTILE}",
        "purpose": f"Formål {HOSTILE}",
        "version": f"v1 {HOSTILE}",
        "imports": [
            {"file": f"fil {HOSTILE}.csv", "kind": "values", "imported_at": f"i dag {HOSTILE}"},
            "not an object",
        ],
    }
    (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "initiatives.csv").write_text(
        f'area_id,name,type,period,verification,source\na,"Indsats {HOSTILE}",type,2024,verified,"Kilde {HOSTILE}"\n',
        encoding="utf-8",
    )
    return folder


def proto_texts(message: Message, depth: int = 0) -> list[str]:
    """Every string field of a proto that Streamlit renders as Markdown (bodies, labels, help)."""
    found = []
    for descriptor, value in message.ListFields():
        if descriptor.message_type is not None and depth < 3:
            items = (
                value
                if getattr(descriptor, "is_repeated", False)
                or isinstance(value, (list, tuple))
                or type(value).__name__.startswith("Repeated")
                else [value]
            )
            for item in items:
                if isinstance(item, Message):
                    found += proto_texts(item, depth + 1)
        elif descriptor.name in TEXT_FIELDS and isinstance(value, str):
            found.append(value)
    return found


def rendered_markdown(at: AppTest) -> list[str]:
    texts = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            if getattr(proto, "allow_html", False) or type(proto).__name__ == "Html":  # the app's own HTML/CSS
                assert EVIL not in proto.body, "data inside HTML the app writes itself"
                continue
            texts += proto_texts(proto)
    return texts


def assert_nothing_interpreted(at: AppTest) -> list[str]:
    texts = rendered_markdown(at)
    bad = [(t[:120], interpreted(t)) for t in texts if interpreted(t)]
    assert not bad, bad
    unescaped = re.compile(r"(?<!\\)(?:<img|\]\(|<https?:)")
    for t in texts:  # belt and braces: no unescaped image tag, link target or autolink, whatever the parser
        assert not unescaped.search(t), t[:200]
    return texts


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = hostile_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store"))
    return folder


def test_every_place_with_data_text_shows_it_literally(hostile: Path) -> None:
    at = open_folds(AppTest.from_file(APP, default_timeout=60)).run()
    assert not at.exception, at.exception
    texts = assert_nothing_interpreted(at)
    seen = " ".join(shown(t) for t in texts)
    for place in (
        "Alfa " + HOSTILE,  # detail heading
        "fil " + HOSTILE + ".csv",  # data-status notice: imported file names
        "Formål " + HOSTILE,  # page caption
        "Tillid " + HOSTILE,  # main weight slider label
        "Beskrivelse " + HOSTILE,  # slider help
        "T1 " + HOSTILE,  # sub-weight slider label
        "Bydel " + HOSTILE,
        "Kilde " + HOSTILE,
        "Note " + HOSTILE,
    ):  # area facts
        assert place in seen, f"not found on the page: {place[:40]}"
    (component,) = at.get("component_instance")  # the folium map: names appear only as escaped HTML text
    map_html = component.proto.json_args
    assert f'<img src=\\"http://{EVIL}' not in map_html
    assert f'<img src="http://{EVIL}' not in map_html
    assert f'href=\\"https://{EVIL}' not in map_html


def test_robustness_and_import_views_show_data_text_literally(hostile: Path) -> None:
    at = open_folds(AppTest.from_file(APP, default_timeout=60)).run()
    at.segmented_control(key="view").set_value("Robusthed").run()
    assert not at.exception, at.exception
    assert_nothing_interpreted(at)
    at.segmented_control(key="view").set_value("Indlæs data").run()
    name = f"værdier {HOSTILE}.csv"
    at.get("file_uploader")[0].set_value([(name, b"area_id,t1\na,ni\n", "text/csv")])
    at.run()
    assert not at.exception, at.exception
    texts = assert_nothing_interpreted(at)
    assert any(name in shown(t) for t in texts), "the upload's file name is shown (escaped)"
    assert any("'ni' er ikke et tal" in shown(t) for t in texts)


@given(st.text(max_size=200))
def test_md_never_yields_markup_and_shows_the_text(text: str) -> None:
    escaped = md(text)
    assert interpreted(escaped) == []
    assert "\n" not in escaped
    assert "\r" not in escaped


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "a\n# overskrift",
        "1. liste",
        "> citat",
        "---",
        "| a | b |",
        "&amp; &#60;img&#62;",
        "\\![x](http://evil.example/x.png)",
    ],
)
def test_md_examples(text: str) -> None:
    escaped = md(text)
    assert interpreted(escaped) == []
    assert shown(escaped) == " ".join(text.splitlines()) if "\n" in text else shown(escaped) == text


@given(
    st.text(alphabet=st.sampled_from("ab <>*\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u05d0"), max_size=40)
)
def test_md_drops_bidi_controls_so_data_text_cannot_display_reordered(text: str) -> None:
    """An area named '\u202eenevrebliK' would read as 'Kilbrevene': the overrides and isolates are dropped."""
    from selection.text.form_fields import BIDI_CONTROLS

    escaped = md(text)
    assert not BIDI_CONTROLS.intersection(escaped)
    assert shown(escaped) == "".join(c for c in text if c not in BIDI_CONTROLS)


def test_round_pages_show_round_and_participant_names_literally(hostile: Path, tmp_path: Path) -> None:
    """A round named and a participant invited with hostile text: the participant's page, the meeting screen
    (before and after the reveal, with the hostile criteria labels in the tables and the chart) and the
    Styregruppe view show it as text."""
    from selection.access import Actor, cli_identity
    from selection.data.dataset import load_dataset
    from selection.rounds import store
    from selection.scenarios.settings import default_settings
    from selection.storage.database import open_store

    engine = open_store(f"sqlite:///{tmp_path / 'store'}.sqlite")
    dataset = load_dataset(hostile)
    admin = Actor(cli_identity("Mødeleder"))
    item = store.open_round(
        engine,
        admin,
        dataset.model,
        name=f"Runde {SHORT}",
        settings=default_settings(dataset.model),
        data_version=dataset.version,
    )
    invited = store.invite(engine, admin, item.id, name=f"Deltager {SHORT}")
    seat = store.seat_for_code(engine, invited.code)
    store.submit(
        engine,
        Actor(store.code_identity(seat)),
        dataset.model,
        seat,
        method="shares",
        weights=dict.fromkeys(dataset.model.criterion_ids, 1),
        inputs={},
        reason=f"Fordi {HOSTILE}",
        code=invited.code,
    )
    pages = []
    for query in ({"deltag": invited.code}, {"moede": str(item.id)}):
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        pages.append(at)
    store.reveal(engine, admin, item.id)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["moede"] = str(item.id)
    at.run()
    assert not at.exception, at.exception
    pages.append(at)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.segmented_control(key="view").set_value("Styregruppe").run()
    assert not at.exception, at.exception
    pages.append(at)
    seen = ""
    for page in pages:
        seen += " ".join(shown(t) for t in assert_nothing_interpreted(page))
    assert "Runde " + SHORT in seen
    assert "Deltager " + SHORT in seen
