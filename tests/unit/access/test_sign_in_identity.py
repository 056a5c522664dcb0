"""Issue 29, class 4: roles match verified claims from the configured issuer only; a person is (issuer, subject).

A token from another issuer, an e-mail the provider has not verified and ``preferred_username`` (typed by the
person, e.g. Entra ID's) never give a role seeded or assigned by e-mail; two people with the same ``name`` claim
stay two people.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from selection.access import (
    ADMINISTRATOR,
    PLANNER,
    READER,
    AccessDenied,
    Actor,
    assign_role,
    cli_identity,
    issuer_of,
    oidc_identity,
    policy_from_settings,
    role_of,
    seed_roles,
)
from selection.storage.database import open_store
from tests.support.sign_in import ISSUER, signed_in

ADMIN_EMAIL = "admin@kk.test"
OTHER_ISSUER = "https://evil.example/v2.0"


@pytest.fixture
def engine(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield store
    store.dispose()


@pytest.fixture
def policy():
    return policy_from_settings({"SELECTION_ADMIN": ADMIN_EMAIL}.get)


def test_a_token_from_another_issuer_is_refused_even_with_the_administrators_address(engine, policy):
    seed_roles(engine, policy)
    claims = {"sub": "mallory", "iss": OTHER_ISSUER, "preferred_username": ADMIN_EMAIL, "name": "Mallory"}
    with pytest.raises(AccessDenied, match="anden identitetsudbyder"):
        oidc_identity(claims, issuer=ISSUER)
    with pytest.raises(AccessDenied, match="anden identitetsudbyder"):
        oidc_identity({**claims, "email": ADMIN_EMAIL, "email_verified": True}, issuer=ISSUER)


@pytest.mark.parametrize(
    "claims",
    [
        {"preferred_username": ADMIN_EMAIL},  # Entra ID's typed user name
        {"email": ADMIN_EMAIL},  # no email_verified at all
        {"email": ADMIN_EMAIL, "email_verified": False},
        {"email": ADMIN_EMAIL, "email_verified": "false"},
        {"name": ADMIN_EMAIL, "email_verified": True},  # a display name is never an address
        {"preferred_username": ADMIN_EMAIL, "email_verified": True},
    ],
)
def test_unverified_or_typed_addresses_never_match_the_seeded_administrator(engine, policy, claims):
    seed_roles(engine, policy)
    identity = oidc_identity({"sub": "mallory", "iss": ISSUER, **claims}, issuer=ISSUER)
    assert identity.email == ""
    assert identity.principals() == ["sub:mallory"]
    assert role_of(engine, Actor(identity, policy)).id == READER  # the policy's role for unknown users


def test_a_verified_address_matches_only_when_the_issuer_is_configured(engine, policy):
    seed_roles(engine, policy)
    claims = {"sub": "anne", "iss": ISSUER, "email": ADMIN_EMAIL, "email_verified": True}
    assert role_of(engine, Actor(oidc_identity(claims, issuer=ISSUER), policy)).id == ADMINISTRATOR
    assert role_of(engine, Actor(oidc_identity({**claims, "email_verified": "true"}, issuer=ISSUER), policy)).id == (
        ADMINISTRATOR
    )
    unconfigured = oidc_identity(claims)  # no configured issuer: nothing vouches for the address
    assert unconfigured.email == ""
    assert role_of(engine, Actor(unconfigured, policy)).id == READER


def test_two_people_with_the_same_name_stay_two_people(engine, policy):
    seed_roles(engine, policy)
    anne = signed_in("sub-anne-1", ADMIN_EMAIL, "Anne Hansen")
    namesake = signed_in("sub-anne-2", "", "Anne Hansen")
    assert anne != namesake
    assert anne.name == namesake.name
    assert not set(anne.principals()) & set(namesake.principals())
    admin = Actor(anne, policy)
    assign_role(engine, Actor(cli_identity("Gis Team"), policy), "sub:sub-anne-1", PLANNER, "Planlægger")
    assert role_of(engine, admin).id == PLANNER
    assert role_of(engine, Actor(namesake, policy)).id == READER
    assign_role(engine, Actor(cli_identity("Gis Team"), policy), "sub:sub-anne-2", ADMINISTRATOR, "Ny admin")
    assert role_of(engine, admin).id == PLANNER  # the namesake's role is theirs alone


def test_the_identity_records_the_issuer_and_shows_a_typed_name_only_as_a_name():
    identity = oidc_identity({"sub": "abc", "iss": ISSUER, "preferred_username": "bo@kk.dk"}, issuer=ISSUER)
    assert (identity.issuer, identity.subject, identity.email, identity.name) == (ISSUER, "abc", "", "bo@kk.dk")
    assert oidc_identity({"sub": "abc", "iss": ISSUER + "/"}, issuer=ISSUER).subject == "abc"  # trailing slash


@pytest.mark.parametrize(
    ("url", "issuer"),
    [
        (
            "https://login.microsoftonline.com/t-id/v2.0/.well-known/openid-configuration",
            "https://login.microsoftonline.com/t-id/v2.0",
        ),
        ("http://localhost:8080/.well-known/openid-configuration", "http://localhost:8080"),
        ("https://idp.example/metadata.json", None),
        ("/.well-known/openid-configuration", None),
        ("", None),
        (None, None),
    ],
)
def test_the_configured_issuer_comes_from_the_discovery_address(url, issuer):
    assert issuer_of(url) == issuer
