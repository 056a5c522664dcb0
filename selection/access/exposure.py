"""Whether the server can be reached from other machines: then local mode (no sign-in) must not write.

Local mode gives the one person at the keyboard ``SELECTION_LOCAL_ROLE`` (Administrator by default) under any
typed name. That is only safe on a server that listens on the loopback interface alone; a server others can
reach without sign-in starts read-only and says how to configure sign-in (docs/sign-in.md).
"""

from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
UNIX_SOCKET = "unix://"  # Streamlit's server.address for a Unix socket: only this machine


def loopback_only(address: str | None) -> bool:
    """True when a server listening on ``address`` (Streamlit's ``server.address``) is reachable from this
    machine alone: a loopback address or name, or a Unix socket. Unset or empty means every interface."""
    text = (address or "").strip()
    if not text:
        return False  # Streamlit then listens on every interface (0.0.0.0 / ::)
    if text.startswith(UNIX_SOCKET):
        return True
    host = text.removeprefix("[").removesuffix("]")
    if host.casefold() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it resolves to an address others can reach


def write_refused_reason(address: str | None, sign_in: bool) -> str | None:
    """Why a page served on ``address`` may not write (Danish), or None: local mode on a server that other
    machines can reach. With sign-in every person is known, so any address may write."""
    if sign_in or loopback_only(address):
        return None
    where = (address or "").strip() or "alle netværksinterfaces"
    return (
        f"Serveren kan nås fra andre maskiner ({where[:60]}) uden log-ind, så appen er skrivebeskyttet: alle kan "
        "se og hente, intet kan gemmes. Opsæt log-ind (afsnittet [auth] i .streamlit/secrets.toml, se "
        "docs/sign-in.md), eller start appen kun til denne maskine (scripts/run_app.sh lytter på 127.0.0.1)."
    )
