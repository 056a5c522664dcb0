"""Messages of the Vurderinger view (a save, a refusal, a sheet), kept in the session until shown once."""

from __future__ import annotations

from ui import state
from ui.values import Message


def push(ok: bool, text: str, where: str = "") -> None:
    """Show ``text`` once, beside the form ``where`` (a form's place, or "" for the top of the view)."""
    state.ASSESSMENT_MESSAGES.setdefault([]).append(Message(ok, text, where))


def pop(where: str = "", elsewhere: str | None = None) -> list[Message]:
    """The messages for one place (a form's key, or "" for the top of the view), removed once shown. With
    ``elsewhere`` (the area on screen), also those of the forms of every other area (a form's key is
    "<area_id>/<indicator_id>"), which are not drawn."""

    def here(m: Message) -> bool:
        return m.where == where or (elsewhere is not None and m.where != "" and m.where.rsplit("/", 1)[0] != elsewhere)

    messages = state.ASSESSMENT_MESSAGES.get([])
    state.ASSESSMENT_MESSAGES.set([m for m in messages if not here(m)])
    return [m for m in messages if here(m)]
