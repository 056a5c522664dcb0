"""Issue 29, class 3: which server addresses other machines can reach (then local mode is read-only)."""

from __future__ import annotations

import pytest

from selection.access import loopback_only, write_refused_reason


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST", "unix:///tmp/app.sock"]
)
def test_loopback_addresses_are_this_machine_only(address):
    assert loopback_only(address)
    assert write_refused_reason(address, sign_in=False) is None


@pytest.mark.parametrize("address", [None, "", " ", "0.0.0.0", "::", "10.0.0.5", "192.168.1.20", "app.kk.dk"])
def test_every_other_address_is_reachable_from_other_machines(address):
    assert not loopback_only(address)
    reason = write_refused_reason(address, sign_in=False)
    assert reason is not None
    assert "skrivebeskyttet" in reason
    assert "docs/sign-in.md" in reason
    assert "[auth]" in reason


def test_with_sign_in_any_address_may_write():
    assert write_refused_reason("0.0.0.0", sign_in=True) is None
    assert write_refused_reason(None, sign_in=True) is None
