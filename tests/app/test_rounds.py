"""Weighting rounds in the page (AppTest): the planner's view, the participant's page and the meeting screen.

The browser test with several participants at once is tests/e2e/test_rounds_browser.py; the store's rules
(codes, roles, append-only) are tested in tests/store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.access import Actor, cli_identity
from selection.data.dataset import load_dataset
from selection.rounds import store
from selection.scenarios.settings import default_settings
from selection.storage.database import open_store
from tests.app.test_assessments import APP, plain, run
from tests.support.factory import make_package

ADMIN = Actor(cli_identity("Mødeleder"))


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store" / "data"))
    for name in ("SELECTION_DB_URL", "SELECTION_READ_ONLY", "SELECTION_LOCAL_ROLE", "SELECTION_ADMIN"):
        monkeypatch.delenv(name, raising=False)
    return folder


def engine_for(tmp_path: Path):
    return open_store(f"sqlite:///{tmp_path / 'store' / 'data'}.sqlite")


def new_round(tmp_path: Path, package: Path, names=("Anna Holm", "Bo Jensen"), anonymous=False):
    engine = engine_for(tmp_path)
    dataset = load_dataset(package)
    item = store.open_round(
        engine,
        ADMIN,
        dataset.model,
        name="Møde i styregruppen",
        settings=default_settings(dataset.model),
        data_version=dataset.version,
        anonymous=anonymous,
    )
    codes = [store.invite(engine, ADMIN, item.id, name=n).code for n in names]
    return engine, dataset, item, codes


def page(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return run(at)


def texts(at: AppTest) -> str:
    parts = [e.value for e in [*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.error]]
    parts += [t.value for t in at.title] + [h.value for h in at.header] + [s.value for s in at.subheader]
    return plain("\n".join(str(p) for p in parts))


def press(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    button.click()
    return run(at)


def test_a_participant_by_link_sees_only_their_weighting_and_top_3_and_each_answer_is_kept(
    package: Path, tmp_path: Path
) -> None:
    engine, dataset, item, codes = new_round(tmp_path, package)
    at = page(deltag=codes[0])
    shown = texts(at)
    assert "Vægtningsrunde: Møde i styregruppen" in shown
    assert "Du svarer som Anna Holm" in shown
    assert "Bo Jensen" not in shown, "a participant never sees the others"
    assert not at.sidebar.slider, "no weight sliders of the main page, no sidebar tools"
    assert "Din top 3" in shown
    ids = dataset.model.criterion_ids
    assert sum(at.slider(key=f"round_share_{cid}").value for cid in ids) == 100
    at.slider(key=f"round_share_{ids[0]}").set_value(60)
    at.slider(key=f"round_share_{ids[1]}").set_value(40)
    at.slider(key=f"round_share_{ids[2]}").set_value(0)
    run(at)
    press(at, "Send mit svar")
    assert "Dit svar er gemt" in texts(at)
    (saved,) = store.submissions(engine, item.id)
    assert saved.weights == pytest.approx({ids[0]: 0.6, ids[1]: 0.4, ids[2]: 0.0})
    assert saved.version == 1
    assert saved.stored_by == "Anna Holm (invitationslink)"
    at.slider(key=f"round_share_{ids[2]}").set_value(20)
    at.slider(key=f"round_share_{ids[0]}").set_value(40)
    run(at)
    press(at, "Send mit svar")
    history = store.submissions(engine, item.id, newest_only=False)
    assert [s.version for s in history] == [1, 2], "a changed answer is a new version; the first is kept"


def test_shares_must_add_up_to_100_and_can_be_adjusted_in_one_click(package: Path, tmp_path: Path) -> None:
    _, dataset, _, codes = new_round(tmp_path, package)
    at = page(deltag=codes[0])
    ids = dataset.model.criterion_ids
    for cid, value in zip(ids, (50, 50, 50), strict=True):
        at.slider(key=f"round_share_{cid}").set_value(value)
    run(at)
    assert "Andelene skal give 100 % tilsammen; de giver 150,0 %" in texts(at)
    (send,) = [b for b in at.button if b.label == "Send mit svar"]
    assert send.disabled
    press(at, "Justér til 100 %")
    values = [at.slider(key=f"round_share_{cid}").value for cid in ids]
    assert sum(values) == 100
    assert max(values) - min(values) <= 1
    (send,) = [b for b in at.button if b.label == "Send mit svar"]
    assert not send.disabled


def test_swing_weighting_gives_shares_from_the_order_and_the_points(package: Path, tmp_path: Path) -> None:
    engine, dataset, item, codes = new_round(tmp_path, package)
    model = dataset.model
    ids = model.criterion_ids
    at = page(deltag=codes[1])
    at.radio(key="round_method").set_value("Swing-vægtning")
    run(at)
    order = [ids[2], ids[0], ids[1]]
    for place, cid in enumerate(order, start=1):
        at.selectbox(key=f"round_swing_place_{place}").set_value(model.criterion(cid).label)
    run(at)
    at.slider(key=f"round_swing_rating_{ids[0]}").set_value(50)
    at.slider(key=f"round_swing_rating_{ids[1]}").set_value(50)
    run(at)
    assert "Sving: fra" in texts(at) or any("Sving: fra" in (s.help or "") for s in at.slider)
    press(at, "Send mit svar")
    (saved,) = store.submissions(engine, item.id)
    assert saved.method == "swing"
    assert saved.weights == pytest.approx({ids[2]: 0.5, ids[0]: 0.25, ids[1]: 0.25})
    assert saved.inputs["order"] == order
    # Points above the one before in the order: refused with the reason, nothing sent.
    at.slider(key=f"round_swing_rating_{ids[1]}").set_value(80)
    run(at)
    assert "som står før i rækkefølgen" in texts(at)
    (send,) = [b for b in at.button if b.label == "Send mit svar"]
    assert send.disabled


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("x" * 32, "Invitationskoden findes ikke"),
        ("<script>alert(1)</script>", "Invitationskoden er ikke gyldig"),
        ("", "Invitationskoden er ikke gyldig"),
    ],
)
def test_a_bad_invitation_code_gets_a_danish_message_and_nothing_else(
    package: Path, tmp_path: Path, code: str, message: str
) -> None:
    new_round(tmp_path, package)
    at = page(deltag=code)
    assert message in texts(at)
    assert not at.slider, "a bad code opens nothing"
    assert not at.button


def test_a_replaced_code_and_a_closed_round_stop_the_link(package: Path, tmp_path: Path) -> None:
    engine, _, item, codes = new_round(tmp_path, package)
    store.new_code(engine, ADMIN, item.id, 1)
    assert "erstattet af en nyere" in texts(page(deltag=codes[0]))
    store.close(engine, ADMIN, item.id)
    assert "er lukket, så invitationen gælder ikke længere" in texts(page(deltag=codes[1]))


def test_the_meeting_screen_counts_answers_hides_them_until_the_reveal_then_shows_the_group(
    package: Path, tmp_path: Path
) -> None:
    engine, dataset, item, codes = new_round(tmp_path, package)
    ids = dataset.model.criterion_ids
    for number, code in enumerate(codes, start=1):
        seat = store.seat_for_code(engine, code)
        store.submit(
            engine,
            Actor(store.code_identity(seat)),
            dataset.model,
            seat,
            method="shares",
            weights={ids[0]: 70 - 20 * number, ids[1]: 20, ids[2]: 10 + 20 * number},
            inputs={},
            code=code,
        )
    at = page(moede=str(item.id))
    shown = texts(at)
    assert "2 af 2 har svaret" in shown
    assert "Anna Holm" in shown
    assert "Bo Jensen" in shown
    assert "med gruppens vægte" not in shown, "nothing of the answers before the reveal"
    assert not at.dataframe
    assert not at.table
    press(at, "Vis resultatet")
    shown = texts(at)
    assert "med gruppens vægte og for" in shown
    assert "af 2 deltagere" in shown
    assert "gennemsnittet af deltagernes vægte" in shown
    frames = [d.value for d in [*at.dataframe, *at.table]]
    ranks = next(f for f in frames if "Gruppen" in f.columns and "Anna Holm" in f.columns)
    assert list(ranks.columns) == ["Område", "Gruppen", "Anna Holm", "Bo Jensen"]
    at.radio(key="meeting_method").set_value("Median")
    run(at)
    assert "medianen af deltagernes vægte" in texts(at)
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Hent resultatet (CSV til Excel)", "Hent resultatet (XLSX)"]


def test_an_anonymous_round_never_shows_a_name(package: Path, tmp_path: Path) -> None:
    engine, dataset, item, codes = new_round(tmp_path, package, names=("Anna Holm", "Bo Jensen"), anonymous=True)
    seat = store.seat_for_code(engine, codes[1])
    store.submit(
        engine,
        Actor(store.code_identity(seat)),
        dataset.model,
        seat,
        method="shares",
        weights=dict.fromkeys(dataset.model.criterion_ids, 1),
        inputs={},
        code=codes[1],
    )
    store.reveal(engine, ADMIN, item.id)
    for at in (page(moede=str(item.id)), page(deltag=codes[1])):
        shown = texts(at) + " ".join(str(d.value.to_dict()) for d in [*at.dataframe, *at.table])
        assert "Anna" not in shown
        assert "Bo Jensen" not in shown
    assert "Deltager 2" in texts(page(moede=str(item.id)))


def test_a_reader_cannot_run_a_meeting_or_open_a_round(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, item, _ = new_round(tmp_path, package)
    monkeypatch.setenv("SELECTION_LOCAL_ROLE", "Læser")
    at = page(moede=str(item.id))
    assert "Mødeskærmen er for mødelederen" in texts(at)
    assert not [b for b in at.button if b.label == "Vis resultatet"]
    at = page()
    at.segmented_control(key="view").set_value("Styregruppe")
    run(at)
    assert "Vægtningsrunder ledes af en planlægger" in texts(at)
    assert not at.get("expander") or all("Åbn en ny" not in e.label for e in at.expander)


def test_the_planner_opens_a_round_and_invites_with_a_link_shown_once(package: Path, tmp_path: Path) -> None:
    at = page()
    at.segmented_control(key="view").set_value("Styregruppe")
    run(at)
    at.text_input(key="round_new_name").input("Styregruppemøde 12. januar")
    at.checkbox(key="round_new_anonymous").check()
    (open_button,) = [b for b in at.button if b.label == "Åbn runden"]
    open_button.click()
    run(at)
    assert "Runden 'Styregruppemøde 12. januar' er åbnet (nr. 1)" in texts(at)
    at.text_input(key="round_invite_name").input("Anna Holm")
    (invite,) = [b for b in at.button if b.label == "Invitér"]
    invite.click()
    run(at)
    assert "Deltager 1 er inviteret" in texts(at)
    (link,) = [c.value for c in at.code]
    assert "?deltag=" in link
    code = link.split("deltag=")[1]
    assert store.seat_for_code(engine_for(tmp_path), code).number == 1
    run(at)
    assert not at.code, "the link is shown once"
    shown = texts(at) + " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "Anna" not in shown, "an anonymous round keeps no name, not even the facilitator's typing"
    # The same name again is refused (its salted hash is known), with a Danish message.
    at.text_input(key="round_invite_name").input("anna  holm")
    (invite,) = [b for b in at.button if b.label == "Invitér"]
    invite.click()
    run(at)
    assert "allerede inviteret" in texts(at)
    assert at.text_input(key="round_invite_name").value == "anna  holm", "a refused form keeps what was typed"
    at.text_input(key="round_invite_name").input("Cecilie Berg")
    (invite,) = [b for b in at.button if b.label == "Invitér"]
    invite.click()
    run(at)
    assert "Deltager 2 er inviteret" in texts(at)


def test_a_lost_link_is_replaced_and_the_old_one_stops_working(package: Path, tmp_path: Path) -> None:
    engine, _, _, codes = new_round(tmp_path, package)
    at = page()
    at.segmented_control(key="view").set_value("Styregruppe")
    run(at)
    at.selectbox(key="round_new_code_for").set_value(2)
    press(at, "Lav nyt link")
    (link,) = [c.value for c in at.code]
    assert "Bo Jensen" in texts(at)
    fresh = link.split("deltag=")[1]
    assert store.seat_for_code(engine, fresh).number == 2
    assert "erstattet af en nyere" in texts(page(deltag=codes[1]))
    assert store.seat_for_code(engine, codes[0]).number == 1, "the others' links keep working"


def test_a_read_only_deployment_says_so_on_the_participant_page_and_stores_nothing(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, _, item, codes = new_round(tmp_path, package)
    monkeypatch.setenv("SELECTION_READ_ONLY", "1")
    at = page(deltag=codes[0])
    assert "skrivebeskyttet" in texts(at)
    (send,) = [b for b in at.button if b.label == "Send mit svar"]
    assert send.disabled
    assert store.submissions(engine, item.id) == []
