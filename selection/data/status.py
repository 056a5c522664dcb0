"""How much of the loaded data is verified: counts and a plain-Danish notice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from selection.data.dataset import Dataset
from selection.text.formatting import count, integer

KIND_ORDER = ("sourced", "assessed", "illustrative")
LIST_CONFIDENCE_LABELS = {
    "verified": "Verificeret",
    "inferred": "Udledt (ikke set i kilde)",
    "estimate": "Kandidat (ikke verificeret)",
}


def kinds_per_area(provenance: pd.DataFrame, weighted_indicators: list[str]) -> dict[str, dict[str, int]]:
    """Per area: how many weighted values are sourced, assessed and illustrative."""
    prov = provenance[provenance["indicator_id"].isin(weighted_indicators) & provenance["value"].notna()]
    counts = prov.groupby(["area_id", "kind"]).size()
    out: dict[str, dict[str, int]] = {}
    for (aid, kind), n in counts.items():
        out.setdefault(str(aid), dict.fromkeys(KIND_ORDER, 0))[str(kind)] = int(n)
    return out


def value_status(kinds: Mapping[str, int], incomplete: bool, short: bool = False) -> str:
    """Plain-Danish data status of one area's values: never "complete" when any is illustrative."""
    parts = []
    if kinds.get("illustrative", 0):
        parts.append("Illustrative værdier" if short else "Illustrative værdier (pladsholdere)")
    elif kinds.get("assessed", 0):
        parts.append(
            "Kildebelagte og lokalt vurderede værdier" if kinds.get("sourced", 0) else "Lokalt vurderede værdier"
        )
    elif kinds.get("sourced", 0):
        parts.append("Kildebelagte værdier")
    if incomplete:
        parts.append("ufuldstændige data" if parts else "Ufuldstændige data")
    return "; ".join(parts) or "Ingen værdier"


def list_status_text(confidence: object, status: object) -> str:
    """The area's list status: the confidence label, then the package's own status text if it adds to it."""
    label = LIST_CONFIDENCE_LABELS.get(str(confidence), str(confidence))
    text = "" if status is None or pd.isna(status) else str(status).strip()
    if not text or text.lower().startswith(label.split(" ")[0].lower()):
        return text or label
    return f"{label}: {text}"


@dataclass(frozen=True)
class DataStatus:
    """Counts behind the data-status notice shown above the ranking."""

    n_areas: int
    list_confidence: dict[str, int]  # verified / inferred / estimate
    geometry_quality: dict[str, int]  # official / approximate / placeholder
    value_kinds: dict[str, int]  # sourced / assessed / illustrative (incl. computed values)
    n_missing: int  # (area, weighted indicator) pairs with no value
    sourced_per_area: dict[str, tuple[int, int]]  # area_id -> (sourced, total values)
    kinds_per_area: dict[str, dict[str, int]] | None = None  # area_id -> {sourced, assessed, illustrative}

    @property
    def n_values(self) -> int:
        return sum(self.value_kinds.values())

    def summary(self) -> str:
        """One Danish paragraph that never hides what is estimated."""
        lc, gq, vk = self.list_confidence, self.geometry_quality, self.value_kinds
        lists = (
            f"{count(lc.get('verified', 0), 'verificeret', 'verificerede')}, "
            f"{count(lc.get('inferred', 0), 'udledt', 'udledte')} og "
            f"{count(lc.get('estimate', 0), 'kandidat (ikke verificeret)', 'kandidater (ikke verificerede)')}"
        )
        bounds = ", ".join(
            count(n, singular, plural)
            for n, singular, plural in (
                (gq.get("official", 0), "officiel", "officielle"),
                (gq.get("approximate", 0), "omtrentlig", "omtrentlige"),
                (gq.get("placeholder", 0), "pladsholder", "pladsholdere"),
            )
            if n
        )
        values = (
            f"{count(vk.get('sourced', 0), 'kildebelagt', 'kildebelagte')}, "
            f"{count(vk.get('assessed', 0), 'lokal vurdering', 'lokale vurderinger')} og "
            f"{count(vk.get('illustrative', 0), 'illustrativ', 'illustrative')} af {integer(self.n_values)}"
            + (f"; {integer(self.n_missing)} mangler" if self.n_missing else "")
        )
        parts = [
            f"**{count(self.n_areas, 'område', 'områder')}:** {lists} · **grænser:** {bounds or 'ingen'} · "
            f"**værdier:** {values}."
        ]
        if vk.get("illustrative", 0) or lc.get("estimate", 0) or gq.get("approximate", 0) or gq.get("placeholder", 0):
            parts.append(
                "Illustrative værdier er pladsholdere, ikke fakta: rangeringen viser metoden og er ikke en anbefaling, "
                "før den bygger på officielle data og lokale vurderinger."
            )
        return " ".join(parts)


def data_status(dataset: Dataset, provenance: pd.DataFrame, weighted_indicators: list[str]) -> DataStatus:
    """Count list confidence, geometry quality and value kinds of the loaded data set."""
    areas = dataset.areas
    prov = provenance[provenance["indicator_id"].isin(weighted_indicators) & provenance["value"].notna()]
    kinds = prov["kind"].value_counts().to_dict()
    expected = len(areas) * len(weighted_indicators)
    grouped = prov.assign(sourced=prov["kind"].eq("sourced")).groupby("area_id")["sourced"].agg(["sum", "size"])
    per_area = {
        aid: (int(n_sourced), int(n))
        for aid, n_sourced, n in zip(grouped.index, grouped["sum"], grouped["size"], strict=True)
    }  # one grouped pass
    return DataStatus(
        n_areas=len(areas),
        list_confidence=areas["list_confidence"].value_counts().to_dict(),
        geometry_quality=areas["geometry_quality"].value_counts().to_dict(),
        value_kinds={k: int(kinds.get(k, 0)) for k in ("sourced", "assessed", "illustrative")},
        n_missing=max(expected - len(prov), 0),
        sourced_per_area={aid: per_area.get(aid, (0, 0)) for aid in areas.index},
        kinds_per_area=kinds_per_area(provenance, weighted_indicators),
    )
