"""Read imported files safely (being split into one module per format; the names below move with it)."""

from __future__ import annotations

from selection.importing.readers.xlsx import (
    TABLE_EXTENSIONS,
    VECTOR_EXTENSIONS,
    ImportFile,
    Limits,
    Source,
    Table,
    VectorData,
    list_layers,
    load_source,
    read_table,
    read_vector,
)

__all__ = [
    "TABLE_EXTENSIONS",
    "VECTOR_EXTENSIONS",
    "ImportFile",
    "Limits",
    "Source",
    "Table",
    "VectorData",
    "list_layers",
    "load_source",
    "read_table",
    "read_vector",
]
