"""serve.py imports the page's modules at start-up (ui.preload), so the first visitor does not wait for them."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from ui import preload

ROOT = Path(__file__).resolve().parent.parent


def app_imports() -> set[str]:
    """The project modules app.py imports (``from ui import a, b`` -> ui.a, ui.b; ``from selection.x import y``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("ui", "selection"):
            if node.module == "ui":
                found |= {f"ui.{a.name}" for a in node.names}
            else:
                found.add(node.module)
    return found


def test_every_module_the_page_imports_is_loaded_at_start_up() -> None:
    names = preload.page_modules()
    assert "ui.ranked_view" in names
    assert all(name in sys.modules for name in names)
    assert app_imports(), "app.py's imports were not found"
    not_preloaded = {m for m in app_imports() if m.startswith("ui.") and m not in names}
    assert not not_preloaded, f"app.py imports page modules the start-up does not load: {not_preloaded}"
    assert all(m in sys.modules for m in app_imports())


def test_serve_preloads_before_it_builds_the_app() -> None:
    tree = ast.parse((ROOT / "serve.py").read_text(encoding="utf-8"))
    names = [
        n.func.attr
        for n in sorted(
            (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)),
            key=lambda n: n.lineno,
        )
        if n.func.attr in ("page_modules", "App")
    ]
    assert names == ["page_modules", "App"], names
