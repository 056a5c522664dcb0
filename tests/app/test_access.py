"""Local mode, read-only mode and the roles section in the page (AppTest); the core checks are in tests/store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.access import current_assignments
from selection.storage.database import open_store
from tests.app.test_assessments import APP, assess, assessment_criteria, errors, open_view, plain, run, stored
from tests.support.factory import make_package
from tests.support.folds import SHORTLIST, open_section
from ui.ranked_view import RANKING_VIEW


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_package(tmp_path / "pkg", criteria=assessment_criteria())
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store" / "data"))
    for name in ("SELECTION_DB_URL", "SELECTION_READ_ONLY", "SELECTION_LOCAL_ROLE", "SELECTION_ADMIN"):
        monkeypatch.delenv(name, raising=False)
    return folder


def sidebar_texts(at: AppTest) -> list[str]:
    return [plain(e.value) for e in [*at.sidebar.info, *at.sidebar.caption]]


def write_controls(at: AppTest) -> dict[str, int]:
    """How many write controls each view shows."""
    counts = {}
    open_view("Vurderinger", at)
    counts["assess"] = sum(b.label == "Gem vurdering" for b in at.button)
    counts["sheet"] = sum("vurderingsark" in u.label for u in at.get("file_uploader"))
    open_view("Indlæs data", at)
    counts["import"] = len(at.get("file_uploader"))
    open_view("Beslutning", at)
    counts["decision"] = sum(b.label == "Gem beslutning" for b in at.button)
    return counts


def test_local_mode_says_so_asks_the_name_once_and_records_it_as_typed(package: Path, tmp_path: Path) -> None:
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert any("Lokal tilstand (ingen log-ind)" in t and "rolle Administrator" in t for t in sidebar_texts(at))
    assert at.sidebar.text_input(key="assessor_name").label == "Dit navn"
    open_view(at=at)
    assess(at, "c", "t1", 4, "Begrundet", name="  Bo   Berg ")
    assert not errors(at), errors(at)
    (entry,) = stored(tmp_path)
    assert (entry.assessor_name, entry.actor_subject, entry.actor_method) == ("Bo Berg", "Bo Berg", "local")
    assert entry.stored_by == "Bo Berg (lokal tilstand)"
    assert write_controls(at) == {"assess": 2, "sheet": 1, "import": 1, "decision": 1}


@pytest.mark.parametrize(
    ("setting", "value", "banner"),
    [
        ("SELECTION_READ_ONLY", "1", "Skrivebeskyttet visning"),
        ("SELECTION_LOCAL_ROLE", "Læser", "rolle Læser"),
    ],
)
def test_read_only_and_reader_roles_hide_every_write_control(
    package: Path, monkeypatch: pytest.MonkeyPatch, setting: str, value: str, banner: str
) -> None:
    monkeypatch.setenv(setting, value)
    at = run(open_section(AppTest.from_file(APP, default_timeout=60), SHORTLIST))
    assert any(banner in t for t in sidebar_texts(at)), sidebar_texts(at)
    assert at.get("download_button"), "reading and downloading stay possible"
    if setting == "SELECTION_READ_ONLY":
        assert not [t for t in at.sidebar.text_input if t.key == "assessor_name"], (
            "no name is asked on a display screen"
        )
    assert write_controls(at) == {"assess": 0, "sheet": 0, "import": 0, "decision": 0}
    open_view("Vurderinger", at)
    assert any("giver ikke adgang til at gemme vurderinger" in plain(i.value) for i in at.info)
    assert not [t for t in at.sidebar.toggle if t.label == "Brugere og roller"]


def test_the_administrator_assigns_roles_in_the_sidebar_and_bad_input_is_refused(package: Path, tmp_path: Path) -> None:
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.sidebar.text_input(key="assessor_name").set_value("Admin Anne")
    run(at)
    at.sidebar.toggle(key="access_admin_open").set_value(True)
    run(at)
    at.text_input(key="access_principal").set_value("ikke-en-adresse")
    at.text_input(key="access_reason").set_value("Ny kollega")
    next(b for b in at.button if b.label == "Gem rolle").click()
    run(at)
    assert any("hverken en e-mailadresse" in plain(e.value) for e in at.error)
    at.text_input(key="access_principal").set_value("Pia@KK.test")
    at.selectbox(key="access_role_choice").set_value("planlaegger")
    next(b for b in at.button if b.label == "Gem rolle").click()
    run(at)
    assert any("pia@kk.test har nu rollen Planlægger" in plain(s.value).replace("\u200b", "") for s in at.success)
    engine = open_store(f"sqlite:///{tmp_path / 'store' / 'data.sqlite'}")
    try:
        (saved,) = current_assignments(engine)
    finally:
        engine.dispose()
    assert (saved.principal, saved.role_id, saved.assigned_by, saved.assigned_by_method) == (
        "pia@kk.test",
        "planlaegger",
        "Admin Anne",
        "local",
    )


def test_a_bad_access_setting_gets_a_danish_message_not_a_traceback(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELECTION_LOCAL_ROLE", "chef")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any(
        "Adgangsindstillingerne kan ikke bruges" in plain(e.value) and "ukendt rolle 'chef'" in plain(e.value)
        for e in at.error
    )
    assert not at.get("download_button"), "the page stops: nothing is shown under a setting that cannot be used"


def test_page_reruns_do_not_read_the_roles_again(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The role is read once per session (then at most every ROLE_TTL_S seconds), not on every rerun."""
    import ui.access

    calls = []
    original = ui.access.role_of
    monkeypatch.setattr(ui.access, "role_of", lambda *a, **k: calls.append(1) or original(*a, **k))
    at = run(AppTest.from_file(APP, default_timeout=60))
    open_view(RANKING_VIEW, at)
    open_view("Robusthed", at)
    assert len(calls) == 1


def test_a_name_with_a_control_character_is_refused_beside_the_field(package: Path, tmp_path: Path) -> None:
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.sidebar.text_input(key="assessor_name").set_value("Bo\x07Berg")
    run(at)
    assert any("Dit navn indeholder kontroltegn" in plain(e.value) for e in at.sidebar.error)
    open_view(at=at)
    assess(at, "c", "t1", 4, "Begrundet", name="Bo\x07Berg")
    assert any("kontroltegn" in e for e in errors(at))
    assert stored(tmp_path) == []


def test_a_signed_out_session_keeps_no_identity_to_act_under(package: Path) -> None:
    """With sign-in configured and no identity cookie (signed out, or it expired), the page asks to sign in and
    forgets the identity, role and name an earlier run of the session held, so no callback can act under them."""
    from ui import state

    at = run(AppTest.from_file(APP, default_timeout=60))  # local mode first: the session holds an actor
    assert at.session_state[state.ACTOR.name] is not None
    at.session_state["assessor_name"] = "Bo Berg"
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "not-used-here",
        "client_id": "app",
        "client_secret": "not-used-here",
        "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
    }
    at.user = {"is_logged_in": False}  # what st.user holds after st.logout (AppTest's seeded user)
    run(at)
    assert [b.label for b in at.button] == ["Log ind"]
    for key in (state.ACTOR.name, state.ROLE.name, state.ROLE_CACHE.name, "assessor_name"):
        assert key not in at.session_state, key
