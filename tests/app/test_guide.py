"""The short guide (ui.layout.guide, issue 29, class 17): up to date with the views of the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.factory import make_package
from tests.support.folds import open_folds
from ui import layout, state

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    return folder


def test_the_guide_names_every_view(package: Path) -> None:
    """The guide was out of date: it named the ranking and Robusthed, not the views added since."""
    at = open_folds(AppTest.from_file(APP, default_timeout=60), state.GUIDE_FOLD.name).run()
    assert not at.exception, at.exception
    views = at.segmented_control(key=state.VIEW.name).options
    guide = "\n".join(layout.GUIDE)
    assert any(m.value == guide for m in at.markdown), "the guide is drawn while open"
    missing = [v for v in views if v not in guide]
    assert not missing, f"the guide does not name {missing}"
