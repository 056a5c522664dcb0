"""The docs name only what exists: every relative link resolves and every path of the code they mention is there."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.support.factory import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
CODE_PATH = re.compile(r"`((?:selection|ui|tests|bench|scripts|data|docs)/[\w./-]*)`")


def _ignored(path: str) -> bool:
    """A path git ignores (made by a script, e.g. bench/results/): named in the docs, absent in a clean clone."""
    return subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO, check=False).returncode == 0


def _links(page: Path) -> list[str]:
    return [m for m in LINK.findall(page.read_text(encoding="utf-8")) if not re.match(r"[a-z]+:", m)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    missing = [link for link in _links(page) if not (page.parent / link).exists()]
    assert missing == [], f"{page.name} links to files that do not exist: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_code_path_named_exists(page: Path) -> None:
    named = CODE_PATH.findall(page.read_text(encoding="utf-8"))
    missing = sorted(
        {p for p in named if "<" not in p and "*" not in p and not (REPO / p.rstrip("/")).exists() and not _ignored(p)}
    )
    assert missing == [], f"{page.name} names paths that do not exist: {missing}"


def test_the_readme_is_a_front_page() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    commands = [line for line in lines[:8] if line.startswith("bash scripts/")]
    assert [c.split()[1] for c in commands] == ["scripts/run_app.sh", "scripts/test.sh"]
