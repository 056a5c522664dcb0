"""Who is using the page: sign-in with st.login (OIDC) when ``[auth]`` is configured, else local mode.

Thin: identities, roles and the permission check are ``selection.access``; every write of the core
checks the role again, so hiding a button here is only a convenience. The role is read from the store
at most every ROLE_TTL_S seconds per session (and at once after a role change), never per weight move.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pandas as pd
import streamlit as st

from selection import config
from selection.access import (
    ADMINISTRATOR,
    ASSIGN_ROLES,
    PARTICIPANT,
    PLANNER,
    READER,
    AccessDenied,
    AccessPolicy,
    Actor,
    PolicyError,
    Role,
    assign_role,
    change_history,
    current_assignments,
    issuer_of,
    local_identity,
    oidc_identity,
    policy_from_settings,
    role_of,
    roles,
    seed_roles,
    write_refused_reason,
)
from selection.assessments.wording import time_text
from selection.storage.database import StoreError, database_url
from ui import data, state
from ui.text import md

ROLE_TTL_S = 30.0
SETTINGS = (
    "SELECTION_READ_ONLY",
    "SELECTION_LOCAL_ROLE",
    "SELECTION_UNKNOWN_ROLE",
    "SELECTION_ADMIN",
    "SELECTION_ROLES_FILE",
)
FALLBACK_READER = Role(READER, "Læser", 1, frozenset())  # shown when the store cannot say (writes are refused anyway)
ACTIONS = {"import": "Import", "reset": "Tilbage til medleveret datasæt", "restore": "Import gendannet"}
ROLE_CHOICES = {
    PARTICIPANT: "Deltager",
    READER: "Læser",
    PLANNER: "Planlægger",
    ADMINISTRATOR: "Administrator",
    None: "Ingen adgang",
}


def auth_section() -> dict[str, Any] | None:
    """Streamlit's ``[auth]`` secrets section, or None (local mode)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all
        return None
    if section is None:  # no [auth] section
        return None
    return section.to_dict() if hasattr(section, "to_dict") else (dict(section) if section else None)


def provider_name(section: dict[str, Any]) -> str | None:
    """The provider to sign in with: SELECTION_AUTH_PROVIDER, else the only ``[auth.<name>]`` table, else None."""
    if named := config.value("SELECTION_AUTH_PROVIDER"):
        return named
    tables = [k for k, v in section.items() if isinstance(v, dict) and ("client_id" in v or "server_metadata_url" in v)]
    return tables[0] if len(tables) == 1 and "client_id" not in section else None


def configured_issuer(section: dict[str, Any]) -> str | None:
    """The issuer of the provider the app signs in with (from its ``server_metadata_url``); None if unknown."""
    provider = provider_name(section)
    table = section.get(provider) if provider else section
    return issuer_of(table.get("server_metadata_url")) if isinstance(table, dict) else None


def served_address() -> str | None:
    """Streamlit's ``server.address`` of the running server (None/empty: every interface). A page run without a
    server (AppTest) counts as this machine only."""
    from streamlit import config as st_config

    if getattr(st_config, "_server_mode", "served") is None:  # no server started this process
        return "127.0.0.1"
    address = st.get_option("server.address")
    return str(address) if address else None


@st.cache_resource(show_spinner=False, max_entries=4)
def _policy(raw: tuple[str | None, ...]) -> AccessPolicy:
    return policy_from_settings(dict(zip(SETTINGS, raw, strict=True)).get)


def policy() -> AccessPolicy:
    """The access policy from secrets/environment (read once per distinct setting); PolicyError on a bad value."""
    return _policy(tuple(config.value(name) for name in SETTINGS))


@st.cache_resource(show_spinner=False, max_entries=4)
def _seed(url: str, pol: AccessPolicy) -> int:
    return seed_roles(data.engine(), pol)


def current_actor() -> Actor:
    """The identity acting now (callbacks included): the signed-in user, or the name typed in local mode."""
    actor = state.ACTOR.get()
    if actor is None:
        raise AccessDenied("Siden kender ikke din identitet endnu; genindlæs siden. Intet er ændret.")
    if actor.identity.method == "local":  # the name may have been typed since the page last ran
        return Actor(local_identity(state.ASSESSOR_NAME.get("")), actor.policy)
    return actor


def current_role() -> Role | None:
    return state.ROLE.get()


def can(permission: str) -> bool:
    """Whether to show a write control (the core checks again on save)."""
    actor = state.ACTOR.get()
    role = current_role()
    return bool(actor and role and not actor.policy.read_only and role.allows(permission))


def refresh_role() -> None:
    """Read the role from the store on the next page run (after a role change)."""
    state.ROLE_CACHE.pop()


def _role(actor: Actor) -> Role | None:
    key = (actor.identity.subject, actor.identity.email, actor.identity.method, actor.policy, database_url())
    cached = state.ROLE_CACHE.get()
    if cached and cached[0] == key and time.monotonic() - cached[2] < ROLE_TTL_S:
        return cached[1]
    try:
        _seed(database_url(), actor.policy)
        role = role_of(data.engine(), actor)
    except StoreError as exc:
        st.error(md(f"Rollerne kan ikke læses: {exc} Du kan se alt, men intet gemmes."))
        return FALLBACK_READER
    state.ROLE_CACHE.set((key, role, time.monotonic()))
    return role


def use_streamlit_secrets() -> None:
    """Every setting (``selection.config``) may sit in secrets.toml instead of the environment, the database
    address with its password among them: the core reads them there first (never shown or logged). Without a
    secrets file Streamlit raises on access; ``config.value`` then reads the environment."""
    config.use_secrets(st.secrets.get)


def forget_identity() -> None:
    """Drop the session's identity, role and signed-in name (after sign-out nothing acts under them)."""
    for key in (state.ACTOR, state.ROLE, state.ROLE_CACHE, state.ASSESSOR_NAME):
        key.pop()


def gate(title: str = "") -> Actor:
    """Sign in (or local mode), show who is acting with which role; stop the page for no access. ``title`` is
    drawn above a sign-in prompt or a refusal (the page draws it itself once the person may go on)."""
    use_streamlit_secrets()
    try:
        pol = policy()
    except PolicyError as exc:
        _title(title)
        st.error(md(f"Adgangsindstillingerne kan ikke bruges: {exc}"))
        st.stop()
    section = auth_section()
    if section is not None:
        if not st.user.is_logged_in:
            _title(title)
            forget_identity()  # signed out (or the cookie expired): nothing may act under the earlier identity
            st.info("Log ind med din arbejdskonto for at se og arbejde med prioriteringen.")
            provider = provider_name(section)
            st.button(
                "Log ind", type="primary", key=state.LOGIN.name, on_click=st.login, args=(provider,) if provider else ()
            )
            st.stop()
        try:
            identity = oidc_identity(st.user.to_dict(), issuer=configured_issuer(section))
        except AccessDenied as exc:
            _title(title)
            st.error(md(str(exc)))
            st.button("Log ud", key=state.LOGOUT.name, on_click=st.logout)
            st.stop()
        state.ASSESSOR_NAME.set(identity.name)  # assessments are made under the signed-in name
    else:
        try:
            identity = local_identity(state.ASSESSOR_NAME.get(""))
        except AccessDenied as exc:  # e.g. a pasted control character: said beside the field, saved under no name
            st.sidebar.error(md(str(exc)))
            identity = local_identity("")
    exposed = write_refused_reason(served_address(), sign_in=section is not None)
    if exposed and not pol.read_only:  # local mode that other machines can reach: nobody writes
        pol = dataclasses.replace(pol, read_only=True)
    actor = Actor(identity, pol)
    state.ACTOR.set(actor)
    role = _role(actor)
    state.ROLE.set(role)
    if exposed:
        st.sidebar.warning(md(exposed), icon=":material/lan:")
    _banner(actor, role, signed_in=section is not None)
    if role is None:
        _title(title)
        st.error(md(f"{identity.label} har ikke adgang til appen. Bed en administrator om en rolle."))
        st.stop()
    return actor


def _title(title: str) -> None:
    if title:
        st.title(title)


def _banner(actor: Actor, role: Role | None, signed_in: bool) -> None:
    """Top of the sidebar: how the page is used, by whom, with which role."""
    bar = st.sidebar
    label = role.label if role else "ingen adgang"
    if actor.policy.read_only:
        bar.info("Skrivebeskyttet visning: alt kan ses og hentes, men intet kan gemmes.", icon=":material/lock:")
    if signed_in:
        bar.caption(md(f"Logget ind som {actor.identity.label} · rolle: {label}"))
        bar.button("Log ud", key=state.LOGOUT.name, on_click=st.logout)
    elif not actor.policy.read_only:
        bar.info(
            md(f"Lokal tilstand (ingen log-ind), rolle {label}: det, du gemmer, registreres under navnet herunder."),
            icon=":material/computer:",
        )
        bar.text_input("Dit navn", key=state.ASSESSOR_NAME.name, max_chars=120)


def roles_admin() -> None:
    """Administrators: who has which role, a form to assign one, and the change log (behind a toggle)."""
    if not can(ASSIGN_ROLES) or not st.sidebar.toggle("Brugere og roller", key=state.ADMIN_TOGGLE.name):
        return
    with st.sidebar:
        try:
            engine = data.engine()
            labels = {r.id: r.label for r in roles(engine).values()}
            current = current_assignments(engine)
            log = change_history(engine, limit=50)
        except StoreError as exc:
            st.error(md(str(exc)))
            return
        st.dataframe(
            pd.DataFrame(
                {
                    "Bruger": [a.principal for a in current],
                    "Rolle": [labels.get(a.role_id, "Ingen adgang") if a.role_id else "Ingen adgang" for a in current],
                    "Tildelt af": [a.assigned_by for a in current],
                    "Tidspunkt": [time_text(a.assigned_at) for a in current],
                    "Begrundelse": [a.reason for a in current],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(md(f"Ukendte brugere får rollen: {labels.get(actor_policy().unknown_role or '', 'ingen adgang')}."))
        with st.form(state.ROLE_FORM.name, border=True):
            principal = st.text_input("Brugerens e-mail (eller sub:bruger-id)", key=state.ROLE_PRINCIPAL.name)
            role_id = st.selectbox(
                "Rolle", list(ROLE_CHOICES), format_func=ROLE_CHOICES.__getitem__, key=state.ROLE_CHOICE.name
            )
            reason = st.text_input("Begrundelse (skal udfyldes)", key=state.ROLE_REASON.name)
            if st.form_submit_button("Gem rolle"):
                try:
                    saved = assign_role(engine, current_actor(), principal, role_id, reason)
                except (AccessDenied, StoreError, ValueError) as exc:
                    st.error(md(str(exc)))
                else:
                    refresh_role()
                    st.success(md(f"{saved.principal} har nu rollen {ROLE_CHOICES.get(saved.role_id)}."))
        if log:
            st.markdown("**Ændringslog (data)**")
            st.dataframe(
                pd.DataFrame(
                    {
                        "Tidspunkt": [time_text(e["at"]) for e in log],
                        "Handling": [ACTIONS.get(e["action"], e["action"]) for e in log],
                        "Af": [e["by"] for e in log],
                        "Detaljer": [e["detail"] for e in log],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def actor_policy() -> AccessPolicy:
    actor = state.ACTOR.get()
    return actor.policy if actor else AccessPolicy()
