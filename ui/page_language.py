"""ASGI middleware that makes the served page declare its language (``<html lang="da">``).

Streamlit 1.67 serves one ``index.html`` with ``<html lang="en">`` for every app and has no setting
for it (streamlit/streamlit#15726). Screen readers read the page with the declared language, so the
app is served through ``serve.py`` (``st.App`` with this middleware), which rewrites the ``lang``
attribute of HTML responses as they leave the server. Nothing on disk is changed, and other
responses (scripts, the websocket, media, downloads) pass through untouched.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_LANG_ATTR = re.compile(rb"""\slang\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def with_language(page: bytes, lang: str) -> bytes:
    """``page`` with its first ``<html>`` tag declaring ``lang`` (an existing lang is replaced)."""
    match = _HTML_TAG.search(page)
    if match is None:
        return page
    tag = _LANG_ATTR.sub(b"", match.group(0))
    tag = tag[:5] + b' lang="' + lang.encode("ascii") + b'"' + tag[5:]
    return page[: match.start()] + tag + page[match.end() :]


class PageLanguage:
    """Rewrite the ``lang`` of every HTML response (gzip-compressed or not) to ``lang``."""

    def __init__(self, app: ASGIApp, lang: str = "da") -> None:
        if not _LANGUAGE_TAG.fullmatch(lang):
            raise ValueError(f"not a BCP 47 language tag: {lang!r}")
        self.app = app
        self.lang = lang

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        # A file response may hand the file to the server directly (pathsend); ask for the body instead.
        extensions = {k: v for k, v in (scope.get("extensions") or {}).items() if k != "http.response.pathsend"}
        scope = {**scope, "extensions": extensions}
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if headers.get(b"content-type", b"").startswith(b"text/html") and scope["method"] == "GET":
                    start = message  # held back until the whole page is here
                    return
                await send(message)
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send_page(start, b"".join(chunks), send)

        await self.app(scope, receive, rewrite)

    async def _send_page(self, start: Message, body: bytes, send: Send) -> None:
        headers = list(start.get("headers", []))
        encoding = next((v for k, v in headers if k.lower() == b"content-encoding"), b"").lower()
        if encoding == b"gzip":
            body = gzip.compress(with_language(gzip.decompress(body), self.lang), mtime=0)
        elif not encoding:
            body = with_language(body, self.lang)
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode("ascii")))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
