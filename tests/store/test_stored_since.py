"""What was stored after a moment (both databases): assessments, register versions and changes of the data
package in use, the counts behind 'Siden scenariet … blev gemt' (issue 29, class 13)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from selection.access import log_change
from selection.assessments import NewAssessment, record_assessment, value_version
from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.storage.database import write_transaction
from selection.workspace import changed_since_sentence, stored_since
from tests.support.factory import ADMIN


def test_stored_since_counts_assessments_and_data_package_changes_after_the_moment(engine) -> None:
    before = datetime.now(UTC) - timedelta(seconds=2)
    assert stored_since(engine, before) == {"assessments": 0, "initiatives": 0, "actors": 0, "data": 0}
    package = load_dataset(BUNDLED_DATA_DIR)
    record_assessment(
        engine,
        NewAssessment("folehaven", "need_assessed", 4, "Nyt fra SSP", "", "Bo", "SSP", date(2026, 12, 1)),
        package.model,
        package.area_ids,
        value_version(engine, "folehaven", "need_assessed"),
        actor=ADMIN,
    )
    with write_transaction(engine) as conn:
        log_change(conn, ADMIN, "import", "Version x: values.csv")
        log_change(conn, ADMIN, "restore", "Version y")
        log_change(conn, ADMIN, "role", "not a data change")
    counts = stored_since(engine, before)
    assert counts == {"assessments": 1, "initiatives": 0, "actors": 0, "data": 2}
    assert stored_since(engine, datetime.now(UTC) + timedelta(seconds=2))["data"] == 0
    said = changed_since_sentence(counts, "scenariet «A» blev gemt", "1. december 2026 kl. 10.00")
    assert said is not None
    assert "er 1 vurdering og 2 ændringer af datapakken (områder, værdier eller regler) gemt" in said
