"""The candidate data accumulated while imported files are applied one by one (areas, values, actors).

The importers of each kind (``areas``, ``values``, ``actors``) change it; ``apply_files`` calls them.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely

from selection.data.dataset import Dataset
from selection.errors import Report
from selection.geo.extent import ExtentFinding
from selection.importing.plan import ImportDiff, ImportedFile, ImportPlan, ValueChange
from selection.limits import Limits


class ImportState:
    """Accumulates the candidate data while the files are applied one by one."""

    def __init__(
        self, current: Dataset, report: Report, stamp: str, limits: Limits, crs: str | None, replace_areas: bool = False
    ):
        self.current, self.report, self.stamp, self.limits, self.crs = current, report, stamp, limits, crs
        self.replace_areas = replace_areas
        self.areas = current.areas.copy()
        self.values = current.values.copy()
        self.initiatives = current.initiatives.copy()
        self.removed_values = self.removed_initiatives = 0
        self.actors: gpd.GeoDataFrame | None = None
        self.files: list[ImportedFile] = []
        self.changes: dict[tuple[str, str], ValueChange] = {}
        self.sector_mapping: dict[str, str | None] = {}
        self.model = current.model
        # Across the files of one import: where each area and each value came from (one place each),
        # and the areas the area files list together (the complete list in replace mode).
        self.area_origins: dict[str, str] = {}
        self.value_origins: dict[tuple[str, str], str] = {}
        self.listed_areas: set[str] = set()
        self.area_files: list[str] = []

    def provenance(self, file: str) -> str:
        return f"{file}, importeret {self.stamp}"

    def place(self, finding: ExtentFinding | None, file: str, label: str) -> None:
        """Report an extent finding (error or warning) for one feature."""
        if finding is not None:
            (self.report.error if finding.severity == "error" else self.report.warn)(finding.message, file, label)

    def plan(self) -> ImportPlan:
        cur = self.current
        actors = self.actors if self.actors is not None else cur.actors.copy()
        diff = ImportDiff(
            areas_added=[a for a in self.areas.index if a not in cur.areas.index],
            areas_removed=[a for a in cur.areas.index if a not in self.areas.index],
            geometry_changed=[
                a
                for a in cur.areas.index
                if a in self.areas.index
                and not _same_geometry(cur.areas.at[a, "geometry"], self.areas.at[a, "geometry"])
            ],
            values_changed=sorted(
                (c for c in self.changes.values() if c.old != c.new), key=lambda c: (c.area_id, c.indicator_id)
            ),
            actors_before=len(cur.actors),
            actors_after=len(actors),
            actors_replaced=self.actors is not None,
            values_removed=self.removed_values,
            initiatives_removed=self.removed_initiatives,
        )
        if self.files and not self.report.errors and not _changes_anything(diff):
            self.report.warn(
                "Importen ændrer ingen områder, grænser, værdier eller aktører; kun kilderne og "
                "importhistorikken opdateres, hvis du anvender den."
            )
        return ImportPlan(
            self.report,
            cur,
            self.areas,
            self.values,
            actors,
            diff,
            self.files,
            self.stamp,
            self.sector_mapping,
            self.initiatives,
        )


def _changes_anything(diff: ImportDiff) -> bool:
    return bool(
        diff.areas_added or diff.areas_removed or diff.geometry_changed or diff.values_changed or diff.actors_replaced
    )


def _same_geometry(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-9))
