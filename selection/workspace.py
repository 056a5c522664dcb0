"""The data in use: the data package, the assessments in force, and the data set that is ranked from them.

    ranked data set = package with each assessed cell replaced by the aggregate (median by default) of
                      the assessors' latest values (``assessments.aggregate``)

This module is the one place where the three are put together. The app caches the pieces (per package file
signature and database revision, ``ui/data.py``) and calls ``with_assessments``; the command line, the report
and the decision record call ``open_workspace`` or ``workspace_of``. The database layer is loaded only when
there is a database to read, so ``rank`` on a fresh checkout never imports SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from selection.data.dataset import Dataset, load_dataset

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


def with_assessments(package: Dataset, latest: pd.DataFrame, method: str = DEFAULT_METHOD) -> Dataset:
    """``package`` with the aggregate of the assessors' latest values (``latest``) in its assessed cells."""
    from selection.assessments import aggregate, apply_assessments

    return apply_assessments(package, aggregate(latest, method), method)


def workspace_of(package: Dataset, engine: Engine | None, method: str = DEFAULT_METHOD) -> Workspace:
    """The data in use for a loaded ``package`` and the database behind ``engine`` (None: no database)."""
    if engine is None:
        return Workspace(package, package, method=method)
    from selection.assessments import current_assessments, value_versions

    latest = current_assessments(engine)
    return Workspace(package, with_assessments(package, latest, method), latest, value_versions(engine), method)


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
