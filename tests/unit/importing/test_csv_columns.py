"""CSV columns without a heading: Excel's trailing separators (an empty column) are ignored, and a
column with content but no heading is refused in the same words as in a workbook."""

from __future__ import annotations

import pytest

from selection.data.dataset import load_dataset
from selection.importing import validate_import
from tests.support.factory import make_package


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    return load_dataset(make_package(tmp_path_factory.mktemp("cols") / "p"))


@pytest.mark.parametrize(
    "text",
    [
        "area_id;t1;\r\na;4;\r\nb;2;\r\n",  # wide, one trailing ';' as Danish Excel writes it
        "area_id;t1;;;\r\na;4;;;\r\nb;2;;;\r\n",
        "area_id;indicator_id;value;\r\na;t1;4;\r\nb;t1;2;\r\n",  # long layout
        "area_id,t1,\na,4,\nb,2,\n",
    ],
)
def test_trailing_empty_columns_are_ignored(current, text):
    plan = validate_import([("v.csv", text.encode())], current)
    assert plan.ok, [str(p) for p in plan.report.errors]
    assert {(c.area_id, c.new) for c in plan.diff.values_changed} == {("a", 4.0), ("b", 2.0)}


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("area_id;;t1\r\na;x;4\r\n", 2),
        ("area_id;t1;\r\na;4;noget\r\n", 3),
    ],
)
def test_a_column_with_content_but_no_heading_is_refused(current, text, column):
    plan = validate_import([("v.csv", text.encode())], current)
    assert not plan.ok
    assert [p.message for p in plan.report.errors] == [
        f"Overskriften i kolonne {column} er tom; hver kolonne skal have en overskrift."
    ]
