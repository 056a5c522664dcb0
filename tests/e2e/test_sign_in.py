"""Real sign-in in Chromium: a local OpenID Connect provider started here, Streamlit's st.login against it.

The provider (``oidc-provider-mock``) runs in this process on localhost; the app gets its ``[auth]``
section from a secrets file in a temporary folder (never the repository's). A planner signs in and
saves an assessment, which the history shows with the provider's identity; a reader signs in, has no
save button, and a write forced through the core with the reader's identity is refused. Security:
the identity cookie is HttpOnly (page scripts cannot read it), XSRF protection refuses an upload
without the token, and no secret appears in the server log, the pages or the messages. Scenarios too: the
planner saves one under the provider's name and identity; the reader has no scenario save controls.
"""

from __future__ import annotations

import re
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select

from selection.access import AccessDenied, Actor, oidc_identity, policy_from_settings
from selection.assessments import NewAssessment, record_assessment, value_version
from selection.data.dataset import load_dataset
from selection.storage.database import open_store
from selection.storage.database.tables import assessment
from tests.e2e.test_browser import LOCAL_HOSTS, MAP_FRAME, wait_idle
from tests.e2e.test_import import choose_view
from tests.support.server import StreamlitServer, free_port

pytestmark = pytest.mark.e2e

# The provider verified their addresses: only then does an e-mail match a role (issue 29).
PLANNER = User(
    sub="planner-sub-7f3a",
    claims={"email": "pia.planlaegger@kk.test", "email_verified": True, "name": "Pia Planlægger"},
)
READER = User(
    sub="reader-sub-2b9c", claims={"email": "lars.laeser@kk.test", "email_verified": True, "name": "Lars Læser"}
)
INDICATOR = "need_assessed"
FORM = f".st-key-assess_{INDICATOR}"
USER_COOKIE = "_streamlit_user"


@dataclass
class SignInApp:
    server: StreamlitServer
    db_url: str
    client_secret: str
    cookie_secret: str
    settings: dict[str, str]


@pytest.fixture(scope="module")
def sign_in_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInApp]:
    """The provider on a free localhost port, and the app configured against it (planner from a roles file)."""
    folder = tmp_path_factory.mktemp("sign-in")
    with run_server_in_thread(user_claims=[PLANNER, READER]) as provider:
        port = free_port()
        client_secret, cookie_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{cookie_secret}"\n'
            'client_id = "valg-af-omraade"\n'
            f'client_secret = "{client_secret}"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        roles_file = folder / "roller.toml"
        roles_file.write_text(f'[roles]\n"{PLANNER.claims["email"]}" = "Planlægger"\n', encoding="utf-8")
        import_dir = folder / "data"
        settings = {"SELECTION_ROLES_FILE": str(roles_file)}
        server = StreamlitServer(
            import_dir=import_dir, port=port, extra_env=settings, extra_args=["--secrets.files", str(secrets_file)]
        )
        try:
            yield SignInApp(server, f"sqlite:///{import_dir}.sqlite", client_secret, cookie_secret, settings)
        finally:
            server.stop()


def offline(context: BrowserContext, outside: list[str]) -> None:
    """Nothing leaves the machine: the provider's page asks a CDN for a style sheet; that request is refused."""

    def route(r):
        host = r.request.url.split("/")[2].split(":")[0]
        if host in LOCAL_HOSTS:
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    context.route("**/*", route)


def sign_in(page: Page, app: SignInApp, user: User, pages: list[str]) -> None:
    """Open the app, press 'Log ind', pick the user on the provider's page, and come back signed in."""
    page.goto(app.server.url)
    login = page.get_by_role("button", name="Log ind")
    expect(login).to_be_visible(timeout=30000)
    pages.append(page.content())
    login.click()
    page.wait_for_url(lambda url: "/oauth2/authorize" in url, timeout=20000)
    pages.append(page.content())
    page.get_by_role("button", name=user.sub).click()
    page.wait_for_url(lambda url: url.startswith(app.server.url) and "oauth2callback" not in url, timeout=20000)
    expect(page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive")).to_have_count(13, timeout=30000)
    wait_idle(page)
    expect(page.get_by_text(f"Logget ind som {user.claims['name']}", exact=False)).to_be_visible()


def history_cells(form) -> list[str]:
    cells = form.locator("[data-testid='stDataFrame'] table tbody td")
    cells.first.wait_for(state="attached")
    return cells.all_inner_texts()


def test_planner_saves_with_provider_identity_and_reader_cannot(sign_in_app: SignInApp, browser: Browser) -> None:
    outside: list[str] = []
    pages: list[str] = []
    planner_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    reader_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    for context in (planner_ctx, reader_ctx):
        offline(context, outside)
    try:
        planner = planner_ctx.new_page()
        sign_in(planner, sign_in_app, PLANNER, pages)
        expect(planner.get_by_text("rolle: Planlægger", exact=False)).to_be_visible()
        # The identity cookie is HttpOnly: the browser holds it, page scripts cannot read it.
        cookies = {c["name"]: c for c in planner_ctx.cookies()}
        assert cookies[USER_COOKIE]["httpOnly"] is True
        assert USER_COOKIE not in planner.evaluate("document.cookie")
        choose_view(planner, "Vurderinger")
        form = planner.locator(FORM)
        expect(form).to_be_visible()
        form.get_by_label("Værdi (1–5 point)").fill("4")
        form.get_by_label("Begrundelse (skal udfyldes)").fill("Skolen og klubben melder om flere bekymringer.")
        form.get_by_role("button", name="Gem vurdering").click()
        wait_idle(planner)
        expect(planner.get_by_text("Pia Planlæggers vurdering", exact=False)).to_be_visible()
        form.get_by_text("Historik (1)").click()
        cells = history_cells(form)
        assert "Pia Planlægger" in cells
        assert f"{PLANNER.claims['email']} (logget ind, id {PLANNER.sub})" in cells
        pages.append(planner.content())

        reader = reader_ctx.new_page()
        sign_in(reader, sign_in_app, READER, pages)
        expect(reader.get_by_text("rolle: Læser", exact=False)).to_be_visible()
        choose_view(reader, "Vurderinger")
        expect(reader.locator(FORM)).to_be_visible()
        expect(reader.get_by_role("button", name="Gem vurdering")).to_have_count(0)
        expect(reader.get_by_text("din rolle giver ikke adgang til at gemme vurderinger", exact=False)).to_be_visible()
        choose_view(reader, "Indlæs data")
        expect(reader.locator("[data-testid='stFileUploader']")).to_have_count(0)
        choose_view(reader, "Beslutning")
        expect(reader.get_by_role("button", name="Gem beslutning")).to_have_count(0)
        pages.append(reader.content())

        # XSRF protection is on: an upload without the token is refused, even with the session's cookies.
        xsrf = {c["name"]: c["value"] for c in reader_ctx.cookies()}
        assert "_streamlit_xsrf" in xsrf
        request = urllib.request.Request(
            f"{sign_in_app.server.url}_stcore/upload_file/sess/file",
            method="PUT",
            data=b"x",
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in xsrf.items())},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
    finally:
        planner_ctx.close()
        reader_ctx.close()

    # A write forced through the core with the reader's identity (as the server knows it) is refused.
    engine = open_store(sign_in_app.db_url)
    try:
        dataset = load_dataset()
        actor = Actor(
            oidc_identity({"sub": READER.sub, **READER.claims}), policy_from_settings(sign_in_app.settings.get)
        )
        with engine.connect() as conn:
            before = conn.execute(select(func.count()).select_from(assessment)).scalar_one()
        assert before == 1
        area = dataset.area_ids[0]
        with pytest.raises(
            AccessDenied, match=re.escape("Med rollen Læser må du ikke gemme vurderinger. Intet er ændret.")
        ):
            record_assessment(
                engine,
                NewAssessment(area, INDICATOR, 5.0, "Tvunget", "", "Lars Læser", "", date.today()),
                dataset.model,
                dataset.area_ids,
                value_version(engine, area, INDICATOR),
                actor=actor,
            )
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(assessment)).scalar_one() == before
    finally:
        engine.dispose()

    # No secret in the server's log, the pages or the messages; nothing left the machine but the provider's CSS.
    log = Path(sign_in_app.server.log.name).read_text(encoding="utf-8")
    for secret in (sign_in_app.client_secret, sign_in_app.cookie_secret):
        assert secret not in log
        assert all(secret not in html for html in pages)
    assert all("jsdelivr" in url for url in outside), outside


def test_signed_in_planner_saves_a_scenario_as_themself_and_a_reader_has_no_scenario_save(
    sign_in_app: SignInApp, browser: Browser
) -> None:
    """Scenarios follow the same rights: the provider's name is the author (nothing typed), the identity is
    recorded on the version; a reader can open scenarios but sees no save controls."""
    from selection.scenarios import saved as scenarios

    outside: list[str] = []
    pages: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    offline(context, outside)
    try:
        planner = context.new_page()
        sign_in(planner, sign_in_app, PLANNER, pages)
        planner.get_by_text("Scenarier og udelukkelse").click()
        expect(planner.get_by_text("Du gemmer som: Pia Planlægger")).to_be_visible()
        planner.get_by_label("Scenariets navn").fill("Pias vægtning")
        planner.get_by_label("Begrundelse (skal udfyldes)").fill("Behov og aktører lige vigtige.")
        planner.get_by_role("button", name="Gem som scenarie").click()
        wait_idle(planner)
        expect(planner.get_by_text("Gemt som scenarie nr.")).to_be_visible()
    finally:
        context.close()
    engine = open_store(sign_in_app.db_url)
    try:
        (made,) = [s for s in scenarios.list_scenarios(engine) if s.name == "Pias vægtning"]
    finally:
        engine.dispose()
    assert made.author == "Pia Planlægger"
    assert made.stored_by == f"{PLANNER.claims['email']} (logget ind, id {PLANNER.sub})"

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    offline(context, outside)
    try:
        reader = context.new_page()
        sign_in(reader, sign_in_app, READER, pages)
        reader.get_by_text("Scenarier og udelukkelse").click()
        expect(reader.get_by_text("giver ikke adgang til at gemme scenarier", exact=False)).to_be_visible()
        expect(reader.get_by_role("button", name="Gem som scenarie")).to_have_count(0)
        expect(reader.get_by_label("Scenariets navn")).to_have_count(0)
    finally:
        context.close()
    assert all("jsdelivr" in url for url in outside), outside
