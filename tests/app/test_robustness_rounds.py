"""AppTest: the Robusthed view can try the participants' weights of a weighting round instead of random weights;
the choice appears only when there is a round the user may use, and weights before the reveal only for a
facilitator."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.data.dataset import load_dataset
from selection.storage.database import open_store
from tests.support.databases import assessment_criteria
from tests.support.factory import make_package
from tests.support.folds import open_folds
from tests.support.rounds import make_round

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ANSWERS = [
    ("Zebulon Quistgaard", {"trust": 100, "actors": 0, "need": 0}),
    ("Xenia Pjuskebusk", {"trust": 100, "actors": 0, "need": 0}),
    ("Yrsa Wolleby", {"trust": 0, "actors": 0, "need": 100}),
]


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    folder = make_package(tmp_path / "pkg", criteria=assessment_criteria())
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_DB_URL", url)
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    return folder, url


def add_round(folder: Path, url: str, **options) -> int:
    engine = open_store(url)
    item = make_round(engine, load_dataset(folder), ANSWERS, **options)
    engine.dispose()
    return item.id


def robustness_view() -> AppTest:
    at = open_folds(AppTest.from_file(APP, default_timeout=180)).run()
    assert not at.exception, at.exception
    at.segmented_control(key="view").set_value("Robusthed").run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> str:
    return " ".join(c.value.replace("\\", "") for c in at.caption)


def test_without_a_round_there_is_no_choice(setup):
    at = robustness_view()
    assert not [r for r in at.radio if r.key == "smaa_source"]
    assert "tilfældige vægtninger" in captions(at)


def test_the_participants_weights_of_a_revealed_round_are_tried(setup):
    folder, url = setup
    number = add_round(folder, url, anonymous=True)
    at = robustness_view()
    choice = at.radio(key="smaa_source")
    assert choice.label == "Vægte at afprøve"
    assert choice.value == 0
    assert [o.replace("\\", "") for o in choice.options] == [
        "Tilfældige vægte",
        "Deltagernes vægte i runde nr. 1 'Runde maj' (3 deltagere)",
    ]
    choice.set_value(number).run()
    assert not at.exception, at.exception
    text = captions(at)
    assert "Afprøvet med deltagernes vægte i runde nr. 1 'Runde maj' (3 deltagere, én vægtning hver)" in text
    assert at.selectbox(key="smaa_order").disabled
    assert at.slider(key="smaa_margin").disabled
    page = " ".join(m.value for m in at.markdown) + text
    assert "Quistgaard" not in page
    # two of three participants put everything on trust: Alfa (trust 5) is nr. 1 for them
    shown = [m.value.replace("\\", "") for m in at.markdown]
    assert any(line.startswith("- Alfa er nr. 1") and "Nr. 1 i 67 %" in line for line in shown), shown


def test_weights_before_the_reveal_are_for_the_facilitator_only(setup, monkeypatch):
    folder, url = setup
    add_round(folder, url, reveal=False)
    at = robustness_view()  # the local user is an administrator: runs rounds
    assert "ikke vist endnu, kun for mødelederen" in at.radio(key="smaa_source").options[1].replace("\\", "")
    monkeypatch.setenv("SELECTION_LOCAL_ROLE", "laeser")
    at = robustness_view()
    assert not [r for r in at.radio if r.key == "smaa_source"]
