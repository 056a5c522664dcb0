"""Apply the read files to the candidate data: each file by its kind, then replace mode's removal of areas.

The only module that calls the importers of each kind; they and ``state`` (the candidate data they change)
never import it back.
"""

from __future__ import annotations

from typing import Any

from selection.importing.actors import import_actors
from selection.importing.areas import drop_unlisted, import_areas
from selection.importing.plan import ImportedFile
from selection.importing.readers.source import ImportFile
from selection.importing.state import ImportState
from selection.importing.values import import_values


def apply_file(state: ImportState, kind: str, item: ImportFile, data: Any) -> None:
    """Merge one read file into the candidate data; it counts as imported only if it added no error."""
    before = len(state.report.errors)
    if kind == "areas":
        details = import_areas(state, item.name, data)
    elif kind == "values":
        details = import_values(state, item.name, data)
    else:
        details = import_actors(state, item.name, data)
    if len(state.report.errors) == before:
        state.files.append(ImportedFile(item.name, kind, details))


def finish_areas(state: ImportState) -> None:
    """Replace mode, once every area file is read: remove the areas none of them lists."""
    if state.replace_areas and state.area_files and not state.report.errors:
        state.areas = drop_unlisted(state, state.areas, state.listed_areas, " + ".join(state.area_files))
