"""Import of official data: read, check and match files (``validate_import``), then apply them with rights.

Modules: ``readers/`` (files → tables/layers, one module per format, with limits), ``matching`` (names and
sectors), ``columns`` (recognised column names), ``areas`` / ``values`` / ``actors`` (one kind of file each),
``state`` (the candidate data while files are applied), ``apply_files`` (applies each file by its kind),
``plan`` (the result: report, candidate, diff), ``validate`` (the entry point) and ``apply`` (apply an import,
reset, restore: the rights check and the change log around ``selection.storage.packages``).
"""

from __future__ import annotations

from selection.importing.plan import KINDS, ImportDiff, ImportedFile, ImportPlan, ValueChange
from selection.importing.readers.vector import list_layers
from selection.importing.validate import validate_import
from selection.limits import Limits

__all__ = [
    "KINDS",
    "ImportDiff",
    "ImportPlan",
    "ImportedFile",
    "Limits",
    "ValueChange",
    "list_layers",
    "validate_import",
]
