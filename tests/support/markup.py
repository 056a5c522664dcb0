"""What a person sees of Markdown that Streamlit renders, and whether any of it is interpreted.

``shown`` drops CommonMark backslash escapes (what the page displays); ``interpreted`` parses the
text with markdown-it (CommonMark + GFM-style autolinks and tables), an implementation independent
of ours, and lists every construct that would turn data into markup: links, images, HTML, autolinks,
plus the GFM autolink literals (``www.``, ``http://``, e-mail) that Streamlit's renderer links even
when their punctuation is escaped (it finds them in the text after escapes are resolved).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "table", "strikethrough"])
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_DANGEROUS = {"link_open", "image", "html_inline", "html_block", "autolink"}
# GFM autolink literals as Streamlit's renderer finds them: in text after escapes are resolved.
_GFM_LITERAL = re.compile(r"(?i)(?:https?://|www\.)[-\w.]|[-.\w+]+@[-\w]+\.[-\w]", re.ASCII)


def shown(text: str) -> str:
    """The text as displayed: backslash escapes and (invisible) zero-width spaces removed."""
    return _ESCAPE.sub(r"\1", text).replace("\u200b", "")


def interpreted(text: str) -> list[str]:
    """Markup constructs that ``text`` would produce (empty when it is all plain text)."""
    found = [f"autolink literal: {m.group(0)}" for m in _GFM_LITERAL.finditer(_ESCAPE.sub(r"\1", text))]
    for token in _PARSER.parse(text):
        for t in [token, *(token.children or [])]:
            if t.type in _DANGEROUS:
                found.append(f"{t.type}: {t.attrs or t.content}")
    return found
