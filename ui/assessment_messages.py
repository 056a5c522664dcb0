"""Messages of the Vurderinger view (a save, a refusal, a sheet), kept in the session until shown once."""

from __future__ import annotations

from ui import state
from ui.values import Message


def push(ok: bool, text: str, where: str = "") -> None:
    """Show ``text`` once, beside the form ``where`` (a form's place, or "" for the top of the view)."""
    state.ASSESSMENT_MESSAGES.setdefault([]).append(Message(ok, text, where))


def pop(where: str = "") -> list[Message]:
    """The messages for one place (a form's key, or "" for the top of the view), removed once shown."""
    messages = state.ASSESSMENT_MESSAGES.get([])
    state.ASSESSMENT_MESSAGES.set([m for m in messages if m.where != where])
    return [m for m in messages if m.where == where]
