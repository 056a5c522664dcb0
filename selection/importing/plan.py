"""What an import would do: the plan (report, candidate data, diff), never written by itself."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from selection.data.dataset import Dataset
from selection.errors import Problem, Report
from selection.text.formatting import count

KINDS = ("areas", "values", "actors")
KIND_LABELS = {"areas": "områder", "values": "indikatorværdier", "actors": "aktører"}


@dataclass(frozen=True)
class ValueChange:
    area_id: str
    indicator_id: str
    old: float | None
    new: float | None


@dataclass
class ImportDiff:
    """What the import would change compared with the current data."""

    areas_added: list[str] = field(default_factory=list)
    areas_removed: list[str] = field(default_factory=list)
    geometry_changed: list[str] = field(default_factory=list)
    values_changed: list[ValueChange] = field(default_factory=list)
    actors_before: int = 0
    actors_after: int = 0
    actors_replaced: bool = False
    values_removed: int = 0
    initiatives_removed: int = 0

    def lines(self) -> list[str]:
        """A short Danish summary for a preview."""

        def listed(ids: list[str]) -> str:
            return f"{len(ids)}" + (f" ({', '.join(ids)})" if ids else "")

        out = [
            f"Områder tilføjet: {listed(self.areas_added)}",
            f"Områder fjernet: {listed(self.areas_removed)}",
            f"Områder med ny grænse: {len(self.geometry_changed)}",
            f"Værdier ændret: {len(self.values_changed)}",
        ]
        if self.values_removed or self.initiatives_removed:
            out.append(
                f"Fjernet med områderne: {count(self.values_removed, 'værdi', 'værdier')}, "
                f"{count(self.initiatives_removed, 'kendt indsats', 'kendte indsatser')}"
            )
        if self.actors_replaced:
            out.append(f"Aktører: {self.actors_before} før, {self.actors_after} efter")
        return out


@dataclass(frozen=True)
class ImportedFile:
    name: str
    kind: str  # areas / values / actors
    details: str = ""  # what was detected (format, encoding, separator, layer, ...)


@dataclass
class ImportPlan:
    """Result of ``validate_import``: report, candidate package contents and diff. Never written by itself."""

    report: Report
    current: Dataset
    areas: gpd.GeoDataFrame
    values: pd.DataFrame
    actors: gpd.GeoDataFrame
    diff: ImportDiff
    files: list[ImportedFile]
    imported_at: str
    sector_mapping: dict[str, str | None] = field(default_factory=dict)
    initiatives: pd.DataFrame | None = None  # None: the current ones, unchanged

    @property
    def ok(self) -> bool:
        return not self.report.errors and bool(self.files)

    @property
    def errors(self) -> list[Problem]:
        return self.report.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.report.warnings

    def candidate(self) -> Dataset:
        """The new data set (not re-validated; ``apply_import`` validates the written package)."""
        c = self.current
        initiatives = c.initiatives if self.initiatives is None else self.initiatives
        return Dataset(self.areas, c.model, self.values, self.actors, initiatives, dict(c.meta), ())
