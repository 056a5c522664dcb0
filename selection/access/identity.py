"""Identities built from what the app or the command line knows: an OIDC user, a typed name, an OS user."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Mapping
from typing import Any

from selection import config
from selection.access.model import CLI, LOCAL, MAX_EMAIL, MAX_NAME, MAX_SUBJECT, OIDC, AccessDenied, Identity
from selection.text.form_fields import clean_text

VERIFIED = {"true", "1", "yes"}  # ``email_verified`` as a boolean or as text
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def issuer_of(server_metadata_url: object) -> str | None:
    """The issuer a provider's discovery address names (OpenID Connect Discovery 1.0, section 4: the address
    is the issuer followed by ``/.well-known/openid-configuration``); None for any other address."""
    url = str(server_metadata_url or "").strip()
    if not url.endswith(DISCOVERY_SUFFIX) or len(url) == len(DISCOVERY_SUFFIX):
        return None
    return url.removesuffix(DISCOVERY_SUFFIX)


def _same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def oidc_identity(claims: Mapping[str, Any], issuer: str | None = None) -> Identity:
    """From the provider's claims (``st.user``) and the configured provider's issuer: subject, e-mail, name.

    A person is the pair (issuer, subject): nothing else identifies them. A token from another issuer than
    the configured one is refused. The e-mail is kept (and so may match a role given by e-mail) only when it is
    the ``email`` claim, the provider marks it verified (``email_verified`` true) and the token comes from
    ``issuer``; ``preferred_username`` (Entra ID: typed, not verified) and ``name`` never match a role, they
    are only shown. With no configured issuer (None) no e-mail is kept: roles then go by ``sub:`` alone.
    """
    subject = str(claims.get("sub") or claims.get("oid") or "").strip()
    if not subject:
        raise AccessDenied(
            "Identitetsudbyderen sendte intet bruger-id ('sub'), så du kan ikke genkendes. Intet er ændret."
        )
    token_issuer = str(claims.get("iss") or "").strip()
    if issuer and not _same_issuer(token_issuer, issuer):
        raise AccessDenied(
            f"Log-ind kommer fra en anden identitetsudbyder ('{token_issuer[:80]}') end den, appen er sat op "
            "til, så du kan ikke genkendes. Log ud og log ind igen. Intet er ændret."
        )
    verified = str(claims.get("email_verified", "")).strip().casefold() in VERIFIED
    trusted = bool(issuer) and verified
    email = str(claims.get("email") or "").strip() if trusted else ""
    shown = str(claims.get("name") or email or claims.get("preferred_username") or subject).strip()
    return Identity(
        subject=subject[:MAX_SUBJECT],
        email=email[:MAX_EMAIL],
        name=shown[:MAX_NAME],
        method=OIDC,
        issuer=token_issuer[:MAX_SUBJECT],
    )


def local_identity(typed_name: object) -> Identity:
    """Local mode: the person's name as typed (cleaned like every other form field; may be empty)."""
    name = clean_text(typed_name, "Dit navn", MAX_NAME, required=False, multiline=False, error=AccessDenied)
    return Identity(subject=name, email="", name=name, method=LOCAL)


def cli_identity(user: str | None = None) -> Identity:
    """The command line: a named local administrator (``--user``, else ``$SELECTION_USER``, else the OS user)."""
    name = user if user is not None else config.cli_user() or _os_user()
    name = clean_text(name, "Brugernavnet (--user)", MAX_NAME, required=True, multiline=False, error=AccessDenied)
    return Identity(subject=f"{name}@{socket.gethostname()}"[:MAX_SUBJECT], email="", name=name, method=CLI)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (e.g. a container user)
        return f"uid-{os.getuid()}"
