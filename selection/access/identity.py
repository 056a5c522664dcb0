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

UNVERIFIED = {"false", "0", "no"}  # ``email_verified`` as a boolean or as text


def oidc_identity(claims: Mapping[str, Any]) -> Identity:
    """From the provider's claims (``st.user``): subject, e-mail, display name, issuer.

    Entra ID sends ``preferred_username`` where other providers send ``email``. An e-mail the provider marks
    as not verified (``email_verified`` false: e.g. typed by the user at self-registration) is not used:
    roles are given by e-mail, so anyone could otherwise claim an administrator's address.
    """
    subject = str(claims.get("sub") or claims.get("oid") or "").strip()
    if not subject:
        raise AccessDenied(
            "Identitetsudbyderen sendte intet bruger-id ('sub'), så du kan ikke genkendes. Intet er ændret."
        )
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip()
    if str(claims.get("email_verified", "")).strip().casefold() in UNVERIFIED:
        email = ""
    name = str(claims.get("name") or email or subject).strip()
    return Identity(
        subject=subject[:MAX_SUBJECT],
        email=email[:MAX_EMAIL],
        name=name[:MAX_NAME],
        method=OIDC,
        issuer=str(claims.get("iss") or "")[:MAX_SUBJECT],
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
