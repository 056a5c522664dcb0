"""Database problems as one Danish ``StoreError`` (never a traceback in the app or CLI)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

_log = logging.getLogger(__name__)


class StoreError(Exception):
    """The assessment database cannot be used; the message is Danish and says nothing was changed."""


def describe(error: BaseException, busy_timeout_s: float | None = None) -> str:
    """A Danish sentence for a database driver error (SQLite or PostgreSQL).

    The driver's own (English) text is never shown: an error this function does not know is logged on the
    server, and the person sees a Danish sentence that points there.
    """
    original = getattr(error, "orig", None) or error
    text = str(original).strip().lower()
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "Databasen er skrivebeskyttet, så vurderingen kan ikke gemmes. Intet er ændret."
    if "locked" in text or "busy" in text or "lock timeout" in text:
        seconds = f"{busy_timeout_s:g}".replace(".", ",")
        wait = f" inden for {seconds} sekunder" if busy_timeout_s else ""
        return f"Databasen er optaget af en anden proces og blev ikke ledig{wait}. Prøv igen om lidt. Intet er ændret."
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (
            "Databasefilen er beskadiget eller er ikke en database. Intet er ændret; "
            "gendan filen fra en sikkerhedskopi eller peg SELECTION_DB_URL på en anden database."
        )
    if "resolve host" in text or "translate host name" in text or "name or service not known" in text:
        return "Databaseserverens navn i SELECTION_DB_URL kan ikke slås op. Intet er ændret."
    if "password authentication failed" in text or ("role" in text and "does not exist" in text):
        return "Databaseserveren afviser brugernavnet eller adgangskoden i SELECTION_DB_URL. Intet er ændret."
    if "database" in text and "does not exist" in text:
        return "Databasen i SELECTION_DB_URL findes ikke på databaseserveren. Intet er ændret."
    if "connection to server" in text or "could not connect" in text:  # before 'no such file': a socket path
        return "Der kan ikke oprettes forbindelse til databaseserveren. Intet er ændret."
    if "unable to open" in text or "no such file" in text or "permission denied" in text:
        return "Databasefilen kan ikke åbnes (mappen findes ikke eller må ikke skrives). Intet er ændret."
    if "connection" in text or "connect" in text:
        return "Der kan ikke oprettes forbindelse til databaseserveren. Intet er ændret."
    if "disk is full" in text or "no space left" in text or "disk full" in text:
        return "Der er ikke mere plads på disken til databasen. Intet er ændret."
    _log.warning("Database error shown to the user as a general message: %s", str(original).strip()[:500])
    return "Databasen gav en uventet fejl (detaljerne står i serverens log). Intet er ændret."


@contextmanager
def store_errors(busy_timeout_s: float | None = None) -> Iterator[None]:
    """Turn SQLAlchemy/driver errors raised inside the block into ``StoreError``."""
    from sqlalchemy import exc as sa_exc  # local import: the error class itself needs no database layer

    try:
        yield
    except (StoreError, sa_exc.IntegrityError):
        raise  # an integrity error is a rule the caller handles (e.g. a version conflict)
    except (sa_exc.DBAPIError, sa_exc.OperationalError) as error:
        raise StoreError(describe(error, busy_timeout_s)) from error
