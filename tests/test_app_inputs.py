"""AppTest: what a planner chose stays sensible when the data under it changes during the session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.dataset import BUNDLED_DATA_DIR
from tests.folds import SHORTLIST, open_folds, open_section

APP = str(Path(__file__).resolve().parent.parent / "app.py")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SELECTION_DB_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    for name in ("SELECTION_DATA", "SELECTION_READ_ONLY", "SELECTION_LOCAL_ROLE", "SELECTION_ADMIN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def import_only(folder: Path, n_areas: int) -> None:
    """Another planner imports an area list that keeps only the first ``n_areas`` areas (command line)."""
    areas = json.loads((BUNDLED_DATA_DIR / "areas.geojson").read_text(encoding="utf-8"))
    areas["features"] = areas["features"][:n_areas]
    path = folder / "omraader.geojson"
    path.write_text(json.dumps(areas), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "selection", "import", str(path), "--replace-areas", "--user", "Gis Team"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_shortlist_longer_than_the_new_area_list_becomes_the_whole_list(store: Path) -> None:
    at = open_section(open_folds(AppTest.from_file(APP, default_timeout=120)), SHORTLIST).run()
    at.number_input(key="top_n").set_value(10).run()
    import_only(store, 3)
    at.run()
    assert not at.exception, at.exception
    assert at.number_input(key="top_n").value == 3  # as many as there are, not Streamlit's reset to the minimum
    shortlist = next(df.value for df in at.dataframe if "Datastatus" in df.value.columns and "Listestatus" in df.value)
    assert len(shortlist) == 3
