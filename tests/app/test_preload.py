"""serve.py imports the core at start-up (ui.preload), so the first visitor after a (re)start does not wait for it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from ui import preload

ROOT = Path(__file__).resolve().parents[2]


def core_imports_of_the_page() -> set[str]:
    """The ``selection`` modules that app.py and the ui modules import (``from selection.x import y``)."""
    found: set[str] = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("selection"):
                found.add(node.module)
    return found


def test_the_core_the_page_imports_is_loaded_at_start_up() -> None:
    names = preload.core_modules()
    assert all(name in sys.modules for name in names)
    wanted = {m for m in core_imports_of_the_page() if not preload.is_lazy(m) and m != "selection"}
    assert "selection.output.map_layers" in wanted
    assert wanted <= set(names), f"the page imports core modules the start-up does not load: {wanted - set(names)}"


def test_ui_reports_and_command_line_stay_lazy() -> None:
    names = preload.core_modules()
    assert not [n for n in names if not n.startswith("selection.")], "a ui module (the map component) was preloaded"
    assert not [n for n in names if n.startswith(("selection.report", "selection.cli"))]
    assert preload.is_lazy("selection.cli.main")
    assert preload.is_lazy("selection.report.render")
    assert not preload.is_lazy("selection.analysis.robustness.report")


def test_serve_preloads_before_it_builds_the_app() -> None:
    tree = ast.parse((ROOT / "serve.py").read_text(encoding="utf-8"))
    calls = sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)),
        key=lambda n: n.lineno,
    )
    assert [n.func.attr for n in calls if n.func.attr in ("core_modules", "App")] == ["core_modules", "App"]
