"""The page with more areas than can be labelled or charted (AppTest): what is shown is said, and a
weight move sends no geometry."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.output.map_layers import LABEL_ALL_MAX, LABEL_TOP_N
from tests.support.factory import REPO
from tests.support.folds import WHY, open_section
from tests.support.fragments import run_fragment
from tests.support.markup import shown
from ui.ranking import CHART_MAX_AREAS
from ui.state import RANKED_FRAGMENT

sys.path.insert(0, str(REPO / "bench"))
from make_package import generate

N_AREAS = max(LABEL_ALL_MAX, CHART_MAX_AREAS) + 5


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = generate(tmp_path / "pkg", N_AREAS, 40, actors_per_area=1)
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    return folder


def test_many_areas_say_what_the_map_and_chart_show_and_moves_carry_no_geometry(many: Path) -> None:
    at = open_section(AppTest.from_file(str(REPO / "app.py"), default_timeout=120), WHY).run()
    assert not at.exception, at.exception
    texts = " ".join(shown(e.value) for e in [*at.caption, *at.markdown])
    assert f"Viser de {CHART_MAX_AREAS} bedst rangerede af {N_AREAS} rangerede områder" in texts
    assert f"kun rang og navn for de {LABEL_TOP_N} bedste og det valgte område" in texts
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert "/app/static/areas/" in " ".join(args["js_links"]), "the geometry is a file loaded once"
    at.slider(key="w_trust").set_value(100)
    run_fragment(at, RANKED_FRAGMENT.name)
    assert not at.exception, at.exception
    (component,) = at.get("component_instance")
    moved = json.loads(component.proto.json_args)["feature_group"]
    assert "coordinates" not in moved
    assert len(moved) < 20_000
