"""The served page declares Danish: ui.page_language.PageLanguage around Streamlit's own static files."""

from __future__ import annotations

import asyncio
import gzip
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.middleware.gzip import GZipMiddleware
from streamlit import file_util
from streamlit.web.server.starlette.starlette_static_routes import create_streamlit_static_handler

from ui.page_language import PageLanguage, with_language


def request(
    app, path: str, method: str = "GET", gzip_ok: bool = False, pathsend: bool = True
) -> tuple[int, dict[bytes, bytes], bytes]:
    """One HTTP request through an ASGI app, from a server that can send files itself (pathsend) unless told
    otherwise; (status, headers, body)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost"), *([(b"accept-encoding", b"gzip")] if gzip_ok else [])],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1),
        "extensions": {"http.response.pathsend": {}} if pathsend else {},
    }
    sent: list[dict] = []
    asked: list[bool] = []

    async def receive() -> dict:
        if not asked:  # the (empty) request body, then nothing until the response is done (no disconnect)
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    with ThreadPoolExecutor(1) as pool:  # its own event loop, also when the browser tests' loop is running here
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


@pytest.fixture(scope="module")
def streamlit_files():
    return create_streamlit_static_handler(file_util.get_static_dir(), None)


def test_streamlits_page_is_served_with_lang_da(streamlit_files) -> None:
    status, headers, body = request(streamlit_files, "/", pathsend=False)
    assert status == 200
    assert b'<html lang="en">' in body, "Streamlit's own page says English"
    status, headers, body = request(PageLanguage(streamlit_files, "da"), "/")
    assert status == 200
    assert b'<html lang="da">' in body
    assert b'lang="en"' not in body
    assert int(headers[b"content-length"]) == len(body)
    # Any page path (Streamlit answers unknown paths with its page) and a compressed answer too.
    _, _, body = request(PageLanguage(streamlit_files, "da"), "/some/page")
    assert b'<html lang="da">' in body
    _, headers, body = request(PageLanguage(GZipMiddleware(streamlit_files, minimum_size=10), "da"), "/", gzip_ok=True)
    assert headers[b"content-encoding"] == b"gzip"
    assert b'<html lang="da">' in gzip.decompress(body)


def test_other_files_pass_untouched(streamlit_files) -> None:
    plain = request(streamlit_files, "/manifest.json", pathsend=False)
    wrapped = request(PageLanguage(streamlit_files, "da"), "/manifest.json")
    assert wrapped[0] == plain[0] == 200
    assert wrapped[2] == plain[2]


def test_with_language_replaces_or_adds_the_attribute() -> None:
    assert with_language(b'<!DOCTYPE html><html lang="en"><head>', "da") == b'<!DOCTYPE html><html lang="da"><head>'
    assert with_language(b"<html class='x'><body>", "da") == b"<html lang=\"da\" class='x'><body>"
    assert with_language(b"<HTML LANG=en dir=ltr>", "da") == b'<HTML lang="da" dir=ltr>'
    assert with_language(b"no page here", "da") == b"no page here"


def test_a_malformed_language_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="not a BCP 47 language tag"):
        PageLanguage(lambda *a: None, 'da" onload="x')
