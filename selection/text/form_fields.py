"""Clean one text field a person typed (assessments, decisions): one rule for every stored form."""

from __future__ import annotations

import unicodedata

# Bidi embeddings, overrides and isolates: they can make a stored text read differently from
# what it holds (a name shown backwards, a hidden clause), so they are refused.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible characters that carry nothing in a one-line field (zero-width space, word joiner,
# byte order mark, soft hyphen, direction marks): dropped there, so 'Anna\u200b' is 'Anna'.
# Zero-width (non-)joiners stay: emoji sequences and several scripts need them.
DROPPED_IN_LINES = {ord(c): None for c in "\u200b\u2060\ufeff\u00ad\u200e\u200f\u061c"}
# Characters that look like nothing: a required field needs at least one other character.
BLANK_LOOKING = frozenset("\u3164\u115f\u1160\uffa0\u2800")


def has_visible_text(text: str) -> bool:
    """True if ``text`` holds a character a reader can see (not space, format or filler)."""
    return any(not c.isspace() and unicodedata.category(c) != "Cf" and c not in BLANK_LOOKING for c in text)


def clean_text(
    text: object, field: str, limit: int, *, required: bool, multiline: bool, error: type[ValueError] = ValueError
) -> str:
    """NFC-normalised, trimmed text; single-line fields get their white space folded.

    Raises ``error`` with a Danish message naming ``field`` for a non-text value, control
    characters (line breaks and tabs are allowed in multi-line fields) or bidi controls, a
    required field with nothing visible in it, or text longer than ``limit`` characters.
    Single-line fields lose invisible characters (``DROPPED_IN_LINES``).
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise error(f"{field} skal være tekst.")
    cleaned = unicodedata.normalize("NFC", text).strip()
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in cleaned):
        raise error(f"{field} indeholder kontroltegn, som ikke kan gemmes.")
    if any(c in BIDI_CONTROLS for c in cleaned):
        raise error(
            f"{field} indeholder usynlige retningstegn (U+202A–U+202E, U+2066–U+2069), som kan få "
            "teksten til at se anderledes ud, end den er; skriv den uden dem."
        )
    if not multiline:
        cleaned = " ".join(cleaned.translate(DROPPED_IN_LINES).split())
    if required and not has_visible_text(cleaned):
        raise error(f"{field} skal udfyldes (tom tekst, kun mellemrum eller usynlige tegn tæller ikke).")
    if len(cleaned) > limit:
        # One phrasing for every field: 'Navnet er for langt', 'Begrundelsen er for lang' would need each noun's gender.
        raise error(f"{field} har for mange tegn ({len(cleaned)}); højst {limit} tegn.")
    return cleaned


def name_key(name: str) -> str:
    """What makes two names the same (scenario names): case, runs of white space and compatibility forms
    (full-width letters, ligatures: Unicode NFKC) do not count."""
    return " ".join(unicodedata.normalize("NFKC", str(name)).split()).casefold()
