"""Database problems as one Danish ``StoreError`` (never a traceback in the app or CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class StoreError(Exception):
    """The assessment database cannot be used; the message is Danish and says nothing was changed."""


def describe(error: BaseException, busy_timeout_s: float | None = None) -> str:
    """A Danish sentence for a database driver error (SQLite or PostgreSQL)."""
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
    if "unable to open" in text or "no such file" in text or "permission denied" in text:
        return "Databasefilen kan ikke åbnes (mappen findes ikke eller må ikke skrives). Intet er ændret."
    if "connection" in text or "could not connect" in text or "connect" in text:
        return "Der kan ikke oprettes forbindelse til databaseserveren. Intet er ændret."
    first = str(original).strip().splitlines()[0][:200] if str(original).strip() else type(original).__name__
    return f"Databasefejl: {first}. Intet er ændret."


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
