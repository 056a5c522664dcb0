"""The bundled data package speaks Danish: display texts come from research_mapping.json (display_da)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from selection.data.dataset import AREA_TEXT_COLUMNS, load_dataset
from tests.support.factory import REPO

ENGLISH = (
    "verified",
    "memory",
    "not found",
    "administered",
    "unknown",
    "inferred",
    " the ",
    " and ",
    " by ",
    "fra hukommelsen",
)


def test_area_and_initiative_texts_are_danish():
    dataset = load_dataset()
    texts = [
        str(v)
        for col in AREA_TEXT_COLUMNS
        if col not in ("list_source", "residents_source", "dwellings_source")
        for v in dataset.areas[col].dropna()
    ]
    texts += [str(v) for col in ("name", "reason") for v in dataset.initiatives[col].dropna()]
    texts += [str(v) for col in ("name", "note") for v in dataset.actors[col].dropna()]
    leaks = sorted({(w, t[:80]) for t in texts for w in ENGLISH if w in f" {t.lower()} "})
    assert leaks == []


def test_honesty_marks_survive_the_translation():
    dataset = load_dataset()
    # the research's marks became the register's verification ids, and their wording stays in each reason
    assert set(dataset.initiatives["verification"]) == {"verified", "unverified", "illustrative"}
    reasons = " ".join(dataset.initiatives["reason"])
    assert "verifikation: verificeret i kilde" in reasons
    assert "verifikation: skøn uden kilde" in reasons
    assert "verifikation: udledt af verificerede fakta" in reasons
    notes = " ".join(dataset.areas["bydel_note"].dropna())
    assert "skøn uden kilde" in notes
    assert "delvist verificeret" in notes.lower()


def test_bundled_files_match_a_fresh_build():
    research = REPO.parent / "shared" / "research" / "areas.json"
    if not research.exists():
        pytest.skip(f"the research file {research} is not on this machine")
    proc = subprocess.run(
        [sys.executable, "scripts/build_bundled_data.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
