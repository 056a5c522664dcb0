"""Issue 29, classes 3 and 6 in the page: local mode on a server other machines can reach is read-only and says
how to configure sign-in; a read-only deployment writes nothing on the first page view (no role seeding)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from selection.storage.database import open_store
from selection.storage.database.tables import role_assignment
from tests.app.test_access import package, sidebar_texts, write_controls  # noqa: F401 (the fixture by name)
from tests.app.test_assessments import APP, plain, run


@pytest.fixture
def served_on(monkeypatch: pytest.MonkeyPatch):
    """Pretend the page is served by `streamlit run` on an address (AppTest starts no server)."""
    before = st_config.get_option("server.address")

    def serve(address: str | None) -> None:
        monkeypatch.setattr(st_config, "_server_mode", "starlette-app")
        st_config.set_option("server.address", address)

    yield serve
    st_config.set_option("server.address", before)


def sidebar_warnings(at: AppTest) -> list[str]:
    return [plain(w.value) for w in at.sidebar.warning]


@pytest.mark.parametrize("address", [None, "0.0.0.0", "10.1.2.3"])
def test_local_mode_reachable_from_other_machines_is_read_only_and_says_how_to_sign_in(
    package: Path,  # noqa: F811
    served_on,
    address: str | None,
) -> None:
    served_on(address)
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert not at.exception
    warnings = sidebar_warnings(at)
    assert any("kan nås fra andre maskiner" in w and "docs/sign-in.md" in w for w in warnings), warnings
    assert any("Skrivebeskyttet visning" in t for t in sidebar_texts(at))
    assert not [t for t in at.sidebar.text_input if t.key == "assessor_name"], "no name to write under"
    assert write_controls(at) == {"assess": 0, "sheet": 0, "import": 0, "decision": 0}


def test_local_mode_on_loopback_keeps_the_local_role(package: Path, served_on) -> None:  # noqa: F811
    served_on("127.0.0.1")
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert not sidebar_warnings(at)
    assert any("Lokal tilstand (ingen log-ind)" in t and "rolle Administrator" in t for t in sidebar_texts(at))


def test_a_read_only_deployment_writes_nothing_on_the_first_page_view(
    package: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: the configured administrator was seeded into the store (a write) on the first page view."""
    store = tmp_path / "store" / "data.sqlite"
    open_store(f"sqlite:///{store}").dispose()  # a store at the newest schema, as a deployment has
    before = store.read_bytes()
    monkeypatch.setenv("SELECTION_READ_ONLY", "1")
    monkeypatch.setenv("SELECTION_ADMIN", "admin@kk.test")
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert not at.exception
    assert not [e for e in at.error if "Rollerne kan ikke læses" in plain(e.value)]
    engine = open_store(f"sqlite:///{store}")
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(role_assignment)).scalar_one() == 0
    finally:
        engine.dispose()
    assert store.read_bytes() == before
