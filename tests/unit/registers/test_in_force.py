"""The registers in force feed the ranking: package records, rules from criteria.json, values with provenance,
missing data for an area without records, the what-if in register terms, and bad rules refused in Danish."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from selection.data.dataset import load_dataset
from selection.errors import DataError
from selection.ranking.evaluate import evaluate
from selection.registers.critical import reaches, register_critical_sentence
from selection.registers.in_force import register_what_if, registers_in_force
from selection.registers.package import package_records
from selection.registers.rules import WhatIf
from selection.registers.vocabulary import load_vocabulary
from selection.workspace import with_registers, workspace_of

BUNDLED = Path(__file__).resolve().parents[3] / "data" / "areas"
TODAY = date(2026, 12, 7)
COLUMNS = (
    "initiative_id,area_id,name,type,operator,target_groups,start,end,period,status,relevance,trust_evidence,"
    "evidence,verification,source,recorded_by,reason"
)


def package(tmp_path: Path, rows: list[str], criteria: dict | None = None) -> Path:
    folder = tmp_path / "pkg"
    shutil.copytree(BUNDLED, folder)
    (folder / "initiatives.csv").write_text("\n".join([COLUMNS, *rows]) + "\n", encoding="utf-8")
    if criteria is not None:
        (folder / "criteria.json").write_text(json.dumps(criteria, ensure_ascii=False), encoding="utf-8")
    return folder


STRONG = (
    "s1,{area},Bydelsmødre,bydelsmoedre,civilsamfund,kvinder;foraeldre,2021-01-01,,,aktiv,direct,independent,"
    "Evaluering 2024,verified,https://example.org/eval,Anna,Kendt fra evaluering"
)
WEAK = "w{n},{area},Svag indsats {n},andet,kommune,,2026-06-01,,,aktiv,none,none,,unverified,Møde,Bo,Nævnt på møde"


def test_the_package_records_become_values_with_provenance_and_kind(tmp_path):
    area = "bispeparken"
    folder = package(tmp_path, [STRONG.format(area=area), WEAK.format(n=1, area=area)])
    ws = workspace_of(load_dataset(folder), None, today=TODAY)
    assert ws.registers is not None
    assert not ws.registers.problems
    values = ws.dataset.values.set_index(["area_id", "indicator_id"])
    trust = values.loc[(area, "trust_initiatives")]
    # strong: 3 evidence + 2 continuity (more than 2 years) + 2 relevance = 7; weak: 0 → 1 + 4 × 7 / 21
    assert trust["value"] == pytest.approx(1 + 4 * 7 / 21)
    assert trust["source"] == "beregnet fra 2 registreringer (1 kildebelagt)"
    assert trust["kind"] == "assessed"  # one counted record is not verified in a source
    assert values.loc[(area, "trust_breadth"), "value"] == pytest.approx(100 * 2 / 6)
    others = [a for a in ws.dataset.area_ids if a != area]
    assert not any((a, "trust_initiatives") in values.index for a in others)  # no records: missing, not 0
    result = ws.computed["trust_initiatives"].results[others[0]]
    assert result.value is None
    assert result.value_text() == "ingen registreringer"


def test_an_area_with_records_ranks_higher_and_one_without_is_missing_not_zero(tmp_path):
    dataset = load_dataset(package(tmp_path, []))
    weights = {c.id: 0.0 for c in dataset.model.criteria} | {"trust": 1.0}
    only = {"trust_plans": 0.0, "trust_breadth": 0.0}  # trust from the initiative register alone
    empty = workspace_of(dataset, None, today=TODAY).dataset
    _, before = evaluate(empty, weights, only)
    assert before.ranked.empty  # nobody has a register value: nobody is ranked on it (missing, not 0)
    assert all("trust_initiatives" in m for m in before.table["missing"])
    full = workspace_of(load_dataset(package(tmp_path / "b", [STRONG.format(area="folehaven")])), None, today=TODAY)
    _, after = evaluate(full.dataset, weights, only)
    assert list(after.ranked["area_id"]) == ["folehaven"]


def test_a_stronger_record_never_lowers_and_the_order_of_rows_does_not_matter(tmp_path):
    area = "tingbjerg-utterslevhuse"
    rows = [WEAK.format(n=n, area=area) for n in range(1, 6)]
    one = workspace_of(load_dataset(package(tmp_path / "a", rows)), None, today=TODAY)
    more = workspace_of(load_dataset(package(tmp_path / "b", [*rows, STRONG.format(area=area)])), None, today=TODAY)
    shuffled = workspace_of(
        load_dataset(package(tmp_path / "c", [STRONG.format(area=area), *reversed(rows)])), None, today=TODAY
    )
    value = lambda ws: ws.computed["trust_initiatives"].results[area].value  # noqa: E731
    assert value(more) > value(one)
    assert value(shuffled) == value(more)


def test_bad_package_rows_are_named_and_the_good_rows_still_count(tmp_path):
    rows = [
        STRONG.format(area="folehaven"),
        WEAK.format(n=1, area="folehaven").replace("2026-06-01", "juni"),
        STRONG.format(area="folehaven"),  # the same id again
        WEAK.format(n=2, area="folehaven").replace(",aktiv,", ",igang,"),
    ]
    records = package_records(load_dataset(package(tmp_path, rows)), load_vocabulary(), TODAY)
    assert [r.id for r in records.initiatives] == ["s1"]
    text = " ".join(records.problems)
    assert "række 3" in text
    assert "række 4" in text
    assert "række 5" in text


def test_an_initiative_in_an_area_not_in_the_package_stops_the_package_in_danish(tmp_path):
    rows = [STRONG.format(area="folehaven;ukendt-omraade")]
    with pytest.raises(DataError, match="Ukendt område-id 'ukendt-omraade'"):
        load_dataset(package(tmp_path, rows))


def test_a_bad_rule_in_criteria_json_is_refused_in_danish(tmp_path):
    criteria = json.loads((BUNDLED / "criteria.json").read_text(encoding="utf-8"))
    trust = next(i for c in criteria["criteria"] for i in c["indicators"] if i["id"] == "trust_initiatives")
    trust["register_rule"] = {"method": "initiative_trus", "params": {}}
    dataset = load_dataset(package(tmp_path, [], criteria))
    with pytest.raises(DataError, match="Mente du 'initiative_trust'"):
        workspace_of(dataset, None, today=TODAY)


def test_values_for_a_register_indicator_in_values_csv_are_refused(tmp_path):
    folder = package(tmp_path, [])
    with (folder / "values.csv").open("a", encoding="utf-8") as f:
        f.write("folehaven,trust_initiatives,3,illustrative,x,y\n")
    with pytest.raises(DataError, match="beregnes automatisk"):
        load_dataset(folder)


def test_the_what_if_speaks_in_register_terms_and_says_what_it_would_do(tmp_path):
    area = "folehaven"
    ws = workspace_of(load_dataset(package(tmp_path, [WEAK.format(n=1, area=area)])), None, today=TODAY)
    assert ws.registers is not None
    what = register_what_if(ws.computed["trust_initiatives"], ws.registers, area)
    assert what is not None
    assert what.now == pytest.approx(1.0)
    assert what.after == pytest.approx(1 + 4 * 7 / 21)
    row = {"first_up": 2.0, "first_up_closed": True, "top_up": 1.5, "top_up_closed": False}
    sentence = register_critical_sentence(row, what, "Folehaven", 3)
    assert sentence.startswith("Én aktiv indsats mere med direkte relevans")
    assert "i Folehaven ville give 2,33 (nu 1) og gøre området nr. 1." in sentence
    assert "top 3" in register_critical_sentence({"first_up": 4.0, "top_up": 2.0}, what, "F", 3)
    assert "ikke alene" in register_critical_sentence({"first_up": 4.0}, what, "F", 3)
    assert reaches({"rank_up": 2.0, "rank_up_closed": True}, "rank", 2.0)
    assert not reaches({"rank_up": 2.0, "rank_up_closed": False}, "rank", 2.0)
    same = WhatIf(3.0, 3.0, "", "én indsats mere")
    assert "ville ikke ændre værdien" in register_critical_sentence({}, same, "F", 3)


def test_with_registers_replaces_only_the_register_cells(tmp_path):
    dataset = load_dataset(package(tmp_path, [STRONG.format(area="folehaven")]))
    registers = registers_in_force(dataset, load_vocabulary(), None, TODAY)
    applied, computed = with_registers(dataset, registers)
    others = dataset.values[~dataset.values["indicator_id"].isin(list(computed))]
    kept = applied.values[~applied.values["indicator_id"].isin(list(computed))]
    pd.testing.assert_frame_equal(others.reset_index(drop=True), kept.reset_index(drop=True))
    assert set(applied.values[applied.values["indicator_id"].isin(list(computed))]["area_id"]) == {"folehaven"}


def test_an_unverified_record_is_a_local_assessment_only_when_a_person_is_named_for_it(tmp_path):
    """The kind a computed value carries: a package record nobody is named for ('datapakken') and not verified is
    an illustrative placeholder, never a 'lokal vurdering'; one a named person recorded is an assessment."""
    import dataclasses

    from selection.registers.in_force import record_kind
    from selection.registers.model import package_entry

    area = "folehaven"
    anonymous = WEAK.format(n=1, area=area).replace(",Bo,", ",,")
    ws = workspace_of(load_dataset(package(tmp_path, [anonymous])), None, today=TODAY)
    assert ws.registers is not None
    (entry,) = ws.registers.initiatives
    assert (entry.record.verification, entry.stored_by) == ("unverified", "datapakken")
    assert record_kind(entry) == "illustrative"
    values = ws.dataset.values.set_index(["area_id", "indicator_id"])
    assert values.loc[(area, "trust_initiatives"), "kind"] == "illustrative"
    named = package_entry(dataclasses.replace(entry.record, recorded_by="Bo"))
    assert record_kind(named) == "assessed"
    stored = dataclasses.replace(entry, version=1)
    assert record_kind(
        dataclasses.replace(stored, record=dataclasses.replace(entry.record, verification="verified"))
    ) == ("sourced")
