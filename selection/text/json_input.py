"""Parse JSON from files people give us: every failure is a Danish ``JsonError``, never a traceback.

Covers invalid JSON, nesting too deep for Python (RecursionError), numbers with more digits than
Python converts (ValueError), ``NaN``/``Infinity`` and, for small files, nesting deeper than
``MAX_JSON_DEPTH``.
"""

from __future__ import annotations

import json
from typing import Any

from selection.limits import MAX_JSON_DEPTH
from selection.text.number_parser import MAX_DIGITS

# json's own messages (English) as the reader gets them; the position is added separately.
_MESSAGES = {
    "Expecting value": "her forventes en værdi",
    "Expecting property name enclosed in double quotes": "her forventes et feltnavn i dobbelte anførselstegn",
    "Expecting ':' delimiter": "her forventes et kolon",
    "Expecting ',' delimiter": "her forventes et komma",
    "Unterminated string starting at": 'en tekst slutter ikke (mangler ")',
    "Invalid control character at": "et kontroltegn står i en tekst",
    "Invalid \\escape": "en ugyldig \\-kode står i en tekst",
    "Invalid \\uXXXX escape": "en ugyldig \\u-kode står i en tekst",
    "Extra data": "der står mere efter den første JSON-værdi",
    "Illegal trailing comma before end of object": "et komma står før }",
    "Illegal trailing comma before end of array": "et komma står før ]",
}


class JsonError(ValueError):
    """JSON that cannot be used; ``str()`` is the Danish reason."""


def _no_constant(name: str) -> Any:
    raise JsonError(f"'{name}' er ikke et tal, der kan bruges i JSON.")


def _whole_number(text: str) -> int:
    """An integer literal, at most MAX_DIGITS digits (as a person could mean it): a longer one cannot become a
    float (OverflowError later) and is a pasted mistake."""
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise JsonError(
            f"JSON indeholder et tal med for mange cifre ({len(text.lstrip('-'))}; højst {MAX_DIGITS} kan bruges)"
        )
    return int(text)


def message(msg: str) -> str:
    """json's message in Danish (the English text if it is one we have not met)."""
    return _MESSAGES.get(msg, "syntaksfejl")


def loads(text: str | bytes, *, check_depth: bool = True) -> Any:
    """``json.loads`` with Danish errors; ``check_depth`` also refuses nesting beyond MAX_JSON_DEPTH."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_int=_whole_number)
    except JsonError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonError(f"ugyldig JSON i linje {exc.lineno}, kolonne {exc.colno}: {message(exc.msg)}") from None
    except RecursionError:
        raise JsonError("JSON-strukturen er for dybt indlejret til at kunne læses") from None
    except UnicodeDecodeError:
        raise JsonError("filen er ikke UTF-8-tekst") from None
    except ValueError:  # e.g. an integer with more digits than Python converts
        raise JsonError("JSON indeholder et tal med for mange cifre") from None
    if check_depth and depth(value, MAX_JSON_DEPTH + 1) > MAX_JSON_DEPTH:
        raise JsonError(f"JSON-strukturen er indlejret mere end {MAX_JSON_DEPTH} niveauer")
    return value


def depth(value: Any, stop: int) -> int:
    """Nesting depth of lists/objects (iterative; stops counting at ``stop``)."""
    deepest = 0
    todo = [(value, 1)]
    while todo:
        node, level = todo.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if deepest >= stop:
                return deepest
            children = node.values() if isinstance(node, dict) else node
            todo.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest
