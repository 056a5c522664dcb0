"""The data set as the app and the command line rank it: bundled/imported values plus stored assessments."""

from __future__ import annotations

from selection.assessments.aggregate import aggregate, apply_assessments
from selection.assessments.history import current_assessments
from selection.data.dataset import Dataset
from selection.storage.database import open_store, store_exists


def dataset_with_assessments(dataset: Dataset, url: str | None = None, method: str = "median") -> Dataset:
    """``dataset`` with the stored assessments applied; unchanged if the SQLite store does not exist yet.

    Raises StoreError (Danish) if the database cannot be read.
    """
    if not store_exists(url):
        return dataset
    engine = open_store(url)
    try:
        return apply_assessments(dataset, aggregate(current_assessments(engine), method), method)
    finally:
        engine.dispose()
