"""The assessment priority list (selection/analysis/critical/priorities.py), its CSV and the critical command."""

from __future__ import annotations

import pytest

from selection.analysis.critical.priorities import priority_list
from selection.analysis.critical.values import critical_values
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from selection.workspace import workspace_of


@pytest.fixture(scope="module")
def bundled():
    ds = load_dataset()
    perf, _ = evaluate(ds)
    return ds, perf


def test_priority_list_on_the_bundled_data(bundled):
    ds, perf = bundled
    _, result = evaluate(ds)
    names = ds.areas["name"].to_dict()
    table = critical_values(perf.matrix, ds.model, result, perf.provenance, 3)
    plist = priority_list(table, ds.model, names, 3)
    assert len(plist)
    assert list(plist["priority"]) == list(range(1, len(plist) + 1))
    # Changes of nr. 1 come first, placeholders before the rest inside each group.
    effects = list(plist["effect"])
    assert effects == sorted(effects, key=["first", "top"].index)
    for eff in ("first", "top"):
        kinds = list(plist.loc[plist["effect"] == eff, "kind"])
        placeholder = [k in ("illustrative", "missing") for k in kinds]
        assert placeholder == sorted(placeholder, reverse=True)
    # Every listed value's plausible range really reaches its critical value; sourced values are never listed.
    for row in plist.itertuples(index=False):
        assert row.kind != "sourced"
        assert row.plausible_lo <= row.critical <= row.plausible_hi
        assert row.sentence.startswith(f"Hvis '{row.indicator}' for {row.area} var ")
    # The winner's placeholders that can flip nr. 1 lead the list, with a plain sentence.
    first = plist.iloc[0]
    winner = result.ranked["area_id"].iloc[0]
    if first["effect"] == "first":
        assert first["area_id"] == winner or "nr. 1" in first["sentence"]
    # A value whose range cannot reach any change is absent: sourced values and fixed computed ones.
    listed = set(zip(plist["area_id"], plist["indicator_id"], strict=True))
    unreachable = table[table[[f"{e}_{d}" for e in ("first", "top") for d in ("up", "down")]].isna().all(axis=1)]
    assert not listed & set(zip(unreachable["area_id"], unreachable["indicator_id"], strict=True))


def test_critical_cli_writes_the_priority_csv(tmp_path):
    import subprocess
    import sys
    from datetime import datetime

    from selection.output.shortlist import priority_csv
    from tests.support.factory import REPO

    stamp = "2026-11-23T10:00:00+01:00"
    out = tmp_path / "prioriteter.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "selection",
            "critical",
            "--top",
            "2",
            "--weights",
            "need=2",
            "--out",
            str(out),
            "--timestamp",
            stamp,
        ],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    ds = workspace_of(load_dataset(), None).dataset  # the package with its registers applied, as the CLI ranks it
    perf, result = evaluate(ds, {"trust": 1, "actors": 1, "need": 2})
    expected = priority_csv(result, ds, perf, 2, "excel-da", datetime.fromisoformat(stamp))
    assert out.read_bytes() == expected
    text = expected.decode("utf-8-sig")
    assert text.startswith("Prioritet;Område-id;Område;")
    assert "Hvis '" in text
    assert "Skrev" in proc.stderr.decode()
    for bad, message in (
        (["--top", "0"], "--top"),
        (["--weights", "x=1"], "Ukendt kriterium"),
        (["--timestamp", "i går"], "ISO 8601"),
        (["--out", str(tmp_path / "nej" / "f.csv")], "Mappen"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "selection", "critical", *bad], cwd=REPO, capture_output=True, timeout=120
        )
        assert proc.returncode == 2, (bad, proc.stderr.decode())
        assert message in proc.stderr.decode(), (bad, proc.stderr.decode())
        assert "Traceback" not in proc.stderr.decode()


def test_ranks_stay_whole_numbers_when_an_unranked_area_is_in_the_priority_list(tmp_path):
    """An area with no value on the only weighted criterion is unranked: its rank cell is empty, the others' '2'."""
    import csv
    import io
    from datetime import datetime

    from selection.output.shortlist import priority_csv
    from tests.support.factory import VALUES, make_package

    ds = load_dataset(make_package(tmp_path / "p", values=[v for v in VALUES if v[0] != "a"]))
    perf, result = evaluate(ds, {"trust": 1, "actors": 0, "need": 0})
    data = priority_csv(result, ds, perf, 1, "excel-da", datetime(2026, 11, 23, 10))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    ranks = {r["Område-id"]: r["Nuværende rang"] for r in rows}
    assert "a" in ranks, ranks
    assert ranks["a"] == "", ranks
    assert all(v.isdigit() for a, v in ranks.items() if a != "a"), ranks
