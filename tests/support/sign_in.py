"""Signed-in identities for tests: claims as the configured provider sends them (its issuer, a verified e-mail)."""

from __future__ import annotations

from typing import Any

from selection.access import Identity, oidc_identity

ISSUER = "https://login.kk.test/tenant/v2.0"  # the provider the tests' deployment is configured with


def signed_in(subject: str, email: str = "", name: str = "", **claims: Any) -> Identity:
    """The identity the app builds for a person signed in at ISSUER whose e-mail the provider verified."""
    base: dict[str, Any] = {"sub": subject, "iss": ISSUER}
    if email:
        base.update(email=email, email_verified=True)
    if name:
        base["name"] = name
    return oidc_identity({**base, **claims}, issuer=ISSUER)
