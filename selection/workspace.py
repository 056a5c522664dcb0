"""The data in use: the data package, the assessments and register records in force, and the data set ranked
from them.

    ranked data set = package with each assessed cell replaced by the aggregate (median by default) of
                      the assessors' latest values (``assessments.aggregate``), and each cell of an indicator
                      computed from the registers replaced by its rule's value (``registers.in_force``)

This module is the one place where the three are put together. The app caches the pieces (per package file
signature and database revision, ``ui/data.py``) and calls ``with_assessments``; the command line, the report
and the decision record call ``open_workspace`` or ``workspace_of``. The database layer is loaded only when
there is a database to read, so ``rank`` on a fresh checkout never imports SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from selection.data.dataset import Dataset, load_dataset
from selection.registers.in_force import Computed, Registers, apply_registers, compute, registers_in_force
from selection.registers.vocabulary import load_vocabulary
from selection.text.formatting import local_today

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEFAULT_METHOD = "median"


@dataclass(frozen=True)
class Workspace:
    """The data in use: ``package`` as stored, the assessments in force and the data set ranked from both."""

    package: Dataset
    dataset: Dataset  # the package with the aggregated assessments applied (the package itself without any)
    assessments: pd.DataFrame | None = None  # each assessor's latest entry in force; None: no database
    versions: dict[tuple[str, str], int] = field(default_factory=dict)  # (area, indicator) -> value version
    method: str = DEFAULT_METHOD
    registers: Registers | None = None  # the register records in force (None: the package has no register rule)
    computed: dict[str, Computed] = field(default_factory=dict)  # indicator id -> every area's rule result


def with_assessments(package: Dataset, latest: pd.DataFrame, method: str = DEFAULT_METHOD) -> Dataset:
    """``package`` with the aggregate of the assessors' latest values (``latest``) in its assessed cells."""
    from selection.assessments import aggregate, apply_assessments

    return apply_assessments(package, aggregate(latest, method), method)


def uses_registers(package: Dataset) -> bool:
    """Some indicator of the package is computed from the registers."""
    return any(i.register_rule is not None for i in package.model.indicators)


def register_state(package: Dataset, engine: Engine | None, today: date | None = None) -> Registers:
    """The package's register records with the versions stored behind ``engine`` (None: the package's only),
    on ``today`` (default: today in Copenhagen)."""
    vocabulary = load_vocabulary(package.directory)
    return registers_in_force(package, vocabulary, engine, today or local_today())


def with_registers(dataset: Dataset, registers: Registers) -> tuple[Dataset, dict[str, Computed]]:
    """``dataset`` with the values computed from ``registers``, and the rules' results (DataError, Danish, for a
    rule that does not parse)."""
    computed = compute(dataset, registers)
    return apply_registers(dataset, computed, registers), computed


def workspace_of(
    package: Dataset, engine: Engine | None, method: str = DEFAULT_METHOD, today: date | None = None
) -> Workspace:
    """The data in use for a loaded ``package`` and the database behind ``engine`` (None: no database)."""
    registers = register_state(package, engine, today) if uses_registers(package) else None
    if engine is None:
        dataset, latest, versions = package, None, {}
    else:
        from selection.assessments import current_assessments, value_versions

        latest = current_assessments(engine)
        dataset, versions = with_assessments(package, latest, method), value_versions(engine)
    computed: dict[str, Computed] = {}
    if registers is not None:
        dataset, computed = with_registers(dataset, registers)
    return Workspace(package, dataset, latest, versions, method, registers, computed)


def open_workspace(
    data_dir: Path | str | None = None, url: str | None = None, method: str = DEFAULT_METHOD
) -> Workspace:
    """Load the data in use: ``data_dir`` (default: the stored import, else the bundled package) and the
    assessments of the database at ``url`` (default: ``config.database_url()``), if that database exists.

    Raises DataError for a package that does not load and StoreError (Danish) for a database that cannot be read.
    """
    from selection.storage.packages import active_data_dir

    package = load_dataset(active_data_dir() if data_dir is None else Path(data_dir))
    from selection.storage.database import open_store, store_exists

    if not store_exists(url):  # the database layer is loaded only when there are stored assessments to apply
        return workspace_of(package, None, method)
    engine = open_store(url)
    try:
        return workspace_of(package, engine, method)
    finally:
        engine.dispose()


DATA_ACTIONS = ("import", "reset", "restore")  # change_log actions that change the data package in use


def stored_since(engine: Engine, since: datetime) -> dict[str, int]:
    """How many assessments, register versions (initiatives, actors) and changes of the data package in use
    (imports, resets, restores: the areas, values and the criteria's rules) were stored after ``since`` (aware)."""
    from sqlalchemy import func, select

    from selection.storage.database import read_connection
    from selection.storage.database.tables import actor_version, assessment, change_log, initiative_version

    naive = since.astimezone(UTC).replace(tzinfo=None)  # the tables hold UTC, naive
    with read_connection(engine) as conn:
        counts = {
            name: int(conn.execute(select(func.count()).where(table.c.recorded_at > naive)).scalar_one())
            for name, table in (
                ("assessments", assessment),
                ("initiatives", initiative_version),
                ("actors", actor_version),
            )
        }
        counts["data"] = int(
            conn.execute(
                select(func.count()).where(change_log.c.recorded_at > naive, change_log.c.action.in_(DATA_ACTIONS))
            ).scalar_one()
        )
        return counts


def changed_since_sentence(counts: dict[str, int], what: str, when: str) -> str | None:
    """'Siden scenariet blev gemt (3. december 2026 kl. 10.14) er 2 vurderinger og 1 indsats ændret: …'; None if
    nothing was stored since."""
    words = {
        "assessments": ("vurdering", "vurderinger"),
        "initiatives": ("indsats i registret", "indsatser i registret"),
        "actors": ("aktør i registret", "aktører i registret"),
        "data": (
            "ændring af datapakken (områder, værdier eller regler)",
            "ændringer af datapakken (områder, værdier eller regler)",
        ),
    }
    parts = [f"{n} {words[k][0] if n == 1 else words[k][1]}" for k, n in counts.items() if n]
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]
    return (
        f"Siden {what} ({when}) er {listed} gemt. Rangeringen bygger på data, som de er i dag, så den kan afvige "
        "fra den, der blev vist dengang."
    )
