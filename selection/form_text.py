"""Clean one text field a person typed (assessments, decisions): one rule for every stored form."""

from __future__ import annotations

import unicodedata


def clean_text(text: object, field: str, limit: int, *, required: bool, multiline: bool,
               error: type[ValueError] = ValueError) -> str:
    """NFC-normalised, trimmed text; single-line fields get their white space folded.

    Raises ``error`` with a Danish message naming ``field`` for a non-text value, control
    characters (line breaks and tabs are allowed in multi-line fields), an empty required field
    or text longer than ``limit`` characters.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise error(f"{field} skal være tekst.")
    cleaned = unicodedata.normalize("NFC", text).strip()
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in cleaned):
        raise error(f"{field} indeholder kontroltegn, som ikke kan gemmes.")
    if not multiline:
        cleaned = " ".join(cleaned.split())
    if required and not cleaned:
        raise error(f"{field} skal udfyldes (tom tekst eller kun mellemrum tæller ikke).")
    if len(cleaned) > limit:
        raise error(f"{field} er for lang ({len(cleaned)} tegn); højst {limit} tegn.")
    return cleaned
