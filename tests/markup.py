"""What a person sees of Markdown that Streamlit renders, and whether any of it is interpreted.

``shown`` drops CommonMark backslash escapes (what the page displays); ``interpreted`` parses the
text with markdown-it (CommonMark + GFM-style autolinks and tables), an implementation independent
of ours, and lists every construct that would turn data into markup: links, images, HTML, autolinks.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "table", "strikethrough"])
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_DANGEROUS = {"link_open", "image", "html_inline", "html_block", "autolink"}


def shown(text: str) -> str:
    """The text as displayed: backslash escapes removed."""
    return _ESCAPE.sub(r"\1", text)


def interpreted(text: str) -> list[str]:
    """Markup constructs that ``text`` would produce (empty when it is all plain text)."""
    found = []
    for token in _PARSER.parse(text):
        for t in [token, *(token.children or [])]:
            if t.type in _DANGEROUS:
                found.append(f"{t.type}: {t.attrs or t.content}")
    return found
