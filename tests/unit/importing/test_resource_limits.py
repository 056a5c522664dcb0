"""Issue 7, classes 5-7: big or sparse uploads are refused while they are read (never held in full),
and the SMAA limit is one, shared limit. The big-file cases run in a subprocess whose address space
is capped with ``resource.setrlimit``, so a regression fails instead of eating the machine. The XLSX
and CSV readers' own limits (classes 5-6) are tested in ``readers/test_tabular.py``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from bench.bench_import_limits import far_corner, fill_file
from selection.cli.main import main
from selection.limits import MAX_SMAA_SAMPLES, Limits, smaa_samples_problem
from tests.support.factory import REPO, make_package

MEMORY_CAP_MB = 1024  # address space a single upload may add to the started server (the bench target)


# --------------------------------------------------------------------------- 7. SMAA


def test_one_smaa_limit_for_app_and_command_line(tmp_path, monkeypatch, capsys):
    assert smaa_samples_problem(MAX_SMAA_SAMPLES) is None
    assert "højst 100.000" in smaa_samples_problem(MAX_SMAA_SAMPLES + 1)
    monkeypatch.setenv("SELECTION_DATA", str(make_package(tmp_path / "pkg")))
    with pytest.raises(SystemExit) as exit_info:
        main(["rank", "--smaa", "100000000"])
    assert exit_info.value.code == 2
    assert "højst 100.000" in capsys.readouterr().err
    source = (REPO / "ui" / "robustness_panel.py").read_text(encoding="utf-8")
    assert "MAX_SMAA_SAMPLES" in source
    assert "100_000" not in source


# --------------------------------------------------------------------------- memory-bounded big files


ONE_UPLOAD = """
import json, resource, sys
from pathlib import Path
import openpyxl, pyogrio
from selection.data.dataset import load_dataset
from selection.importing import validate_import
current = load_dataset(sys.argv[2])
started = int(open("/proc/self/status").read().split("VmSize:")[1].split()[0]) * 1024  # Python, GDAL, PROJ
cap = started + int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
plan = validate_import([Path(sys.argv[3])], current)
print(json.dumps([p.message for p in plan.errors]))
"""


def test_big_uploads_are_refused_within_a_capped_address_space(tmp_path):
    cases = {
        "csv_tiny_rows": (
            "v.csv",
            lambda p: fill_file(p, b"area_id,t1\n", b"a,1\n", size=48 * 1024 * 1024),
            "flere end 100.000 datarækker",
        ),
        "csv_wide": (
            "v.csv",
            lambda p: fill_file(p, b"area_id", b",c", b"\na", size=30 * 1024 * 1024),
            "længere end 1024 KB",
        ),
        "xlsx_far_corner": ("v.xlsx", far_corner(dimension=True), "Arket angiver et område"),
        "xlsx_far_corner_undeclared": ("v.xlsx", far_corner(dimension=False), "kolonne 500"),
        "geojson_deep": ("a.geojson", lambda p: fill_file(p, b"", b"[", size=30 * 1024 * 1024), "kan ikke læses"),
    }
    pkg = make_package(tmp_path / "pkg")
    for name, (file_name, build, fragment) in cases.items():
        (tmp_path / name).mkdir()
        path = build(tmp_path / name / file_name)
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(ONE_UPLOAD), str(MEMORY_CAP_MB), str(pkg), str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, (name, proc.stderr[-2000:])
        found = json.loads(proc.stdout)
        assert any(fragment in m for m in found), (name, found)
        path.unlink()


def test_area_files_have_an_area_limit(tmp_path):
    from selection.data.dataset import load_dataset
    from selection.importing import validate_import
    from tests.support.factory import area_features

    current = load_dataset(make_package(tmp_path / "pkg"))
    plan = validate_import([("omr.geojson", json.dumps(area_features()).encode())], current, limits=Limits(max_areas=2))
    assert any("Filen har 3 områder; grænsen er 2" in p.message for p in plan.errors), plan.errors
