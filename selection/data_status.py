"""How much of the loaded data is verified: counts and a plain-Danish notice."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .dataset import Dataset


@dataclass(frozen=True)
class DataStatus:
    """Counts behind the data-status notice shown above the ranking."""

    n_areas: int
    list_confidence: dict[str, int]  # verified / inferred / estimate
    geometry_quality: dict[str, int]  # official / approximate / placeholder
    value_kinds: dict[str, int]  # sourced / assessed / illustrative (incl. computed values)
    n_missing: int  # (area, weighted indicator) pairs with no value
    sourced_per_area: dict[str, tuple[int, int]]  # area_id -> (sourced, total values)

    @property
    def n_values(self) -> int:
        return sum(self.value_kinds.values())

    def summary(self) -> str:
        """One Danish paragraph that never hides what is estimated."""
        lc, gq, vk = self.list_confidence, self.geometry_quality, self.value_kinds
        parts = [
            f"**{self.n_areas} områder.** Listestatus: {lc.get('verified', 0)} verificeret, "
            f"{lc.get('inferred', 0)} udledt og {lc.get('estimate', 0)} kandidater (ikke verificeret).",
            f"Grænser: {gq.get('official', 0)} officielle, {gq.get('approximate', 0)} omtrentlige"
            + (f", {gq['placeholder']} pladsholder(e)" if gq.get("placeholder") else "") + ".",
            f"Værdier: {vk.get('sourced', 0)} kildebelagte, {vk.get('assessed', 0)} lokale vurderinger og "
            f"{vk.get('illustrative', 0)} illustrative af {self.n_values}"
            + (f"; {self.n_missing} mangler" if self.n_missing else "") + ".",
        ]
        if vk.get("illustrative", 0) or lc.get("estimate", 0) or gq.get("approximate", 0) or gq.get("placeholder", 0):
            parts.append(
                "Illustrative værdier er pladsholdere, ikke fakta: rangeringen viser metoden og skal bygge på "
                "officielle data og lokale vurderinger, før den bruges til en beslutning."
            )
        return " ".join(parts)


def data_status(dataset: Dataset, provenance: pd.DataFrame, weighted_indicators: list[str]) -> DataStatus:
    """Count list confidence, geometry quality and value kinds of the loaded data set."""
    areas = dataset.areas
    prov = provenance[provenance["indicator_id"].isin(weighted_indicators) & provenance["value"].notna()]
    kinds = prov["kind"].value_counts().to_dict()
    expected = len(areas) * len(weighted_indicators)
    per_area = {
        aid: (int((grp["kind"] == "sourced").sum()), int(len(grp)))
        for aid, grp in prov.groupby("area_id")
    }
    return DataStatus(
        n_areas=len(areas),
        list_confidence=areas["list_confidence"].value_counts().to_dict(),
        geometry_quality=areas["geometry_quality"].value_counts().to_dict(),
        value_kinds={k: int(kinds.get(k, 0)) for k in ("sourced", "assessed", "illustrative")},
        n_missing=max(expected - len(prov), 0),
        sourced_per_area={aid: per_area.get(aid, (0, 0)) for aid in areas.index},
    )
