"""One place for every session-state key (ui/state.py): no other module of the app touches ``st.session_state``
or names a key with a string of its own, so a key cannot be misspelt in one place or defined twice."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui import state

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / "ui" / "state.py"
MODULES = sorted([*(ROOT / "ui").glob("*.py"), ROOT / "app.py"])


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def session_state_uses(tree: ast.Module) -> list[int]:
    """Lines that name ``session_state`` (``st.session_state``, an import of it, a bare name)."""
    lines = []
    for node in ast.walk(tree):
        if (
            (isinstance(node, ast.Attribute) and node.attr == "session_state")
            or (isinstance(node, ast.Name) and node.id == "session_state")
            or (isinstance(node, ast.alias) and "session_state" in node.name.split("."))
        ):
            lines.append(node.lineno)
    return lines


def _is_text(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr)


def literal_keys(tree: ast.Module) -> list[int]:
    """Lines of calls that pass a string literal or an f-string as ``key=`` (or as a form's key, its first argument)."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        keyword = any(k.arg == "key" and _is_text(k.value) for k in node.keywords)
        form = (
            isinstance(node.func, ast.Attribute) and node.func.attr == "form" and node.args and _is_text(node.args[0])
        )
        if keyword or form:
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", [p for p in MODULES if p != STATE], ids=lambda p: str(p.relative_to(ROOT)))
def test_only_ui_state_touches_the_session(path: Path) -> None:
    assert not session_state_uses(_tree(path)), (
        f"{path.relative_to(ROOT)} uses st.session_state; read and write through a key of ui/state.py"
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_key_is_a_string_literal(path: Path) -> None:
    assert not literal_keys(_tree(path)), (
        f"{path.relative_to(ROOT)} passes a string as key= on lines {literal_keys(_tree(path))}; "
        "declare the key in ui/state.py and pass KEY.name"
    )


def test_the_checks_find_what_they_look_for() -> None:
    """The two checks above do see a session_state use and a literal key (they would otherwise pass on anything)."""
    sample = ast.parse(
        'import streamlit as st\nst.session_state["a"] = 1\nst.slider("x", key="k")\nst.button("y", key=f"b_{1}")\n'
        'with st.form("f"):\n    pass\nst.slider("z", key=state.TOP_N.name)\n'
    )
    assert session_state_uses(sample) == [2]
    assert sorted(literal_keys(sample)) == [3, 4, 5]


def test_every_declared_key_has_its_own_name() -> None:
    keys = [v for v in vars(state).values() if isinstance(v, state.Key)]
    names = [k.name for k in keys]
    assert len(keys) > 50
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
