"""The performance matrix: one value per area and indicator, with its provenance.

Stored values come from values.csv; computed indicators (actor sector coverage) are
derived here from the actor layer at the chosen distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from selection.data.dataset import Dataset
from selection.geo.actor_presence import actor_distances, sector_counts
from selection.text.formatting import count, integer


@dataclass(frozen=True)
class Performance:
    """Raw indicator values (NaN = missing) and where each one comes from."""

    matrix: pd.DataFrame  # index area_id, columns indicator ids, float
    provenance: pd.DataFrame  # long: area_id, indicator_id, value, kind, source, note
    sector_counts: pd.DataFrame  # area_id x sector id: number of actors within the distance
    actor_pairs: pd.DataFrame  # area_id, actor_index, distance_m for every actor within the distance


def build_performance(dataset: Dataset, distance_m: float | None = None) -> Performance:
    """Assemble the matrix for all areas and indicators at the given actor distance."""
    model = dataset.model
    distance = model.actor_distance_m if distance_m is None else float(distance_m)
    matrix = _stored_matrix(dataset)
    provenance = [dataset.values]
    sector_ids = [s.id for s in model.sectors]
    pairs = actor_distances(dataset.areas, dataset.actors, distance)
    counts = sector_counts(pairs, dataset.areas, dataset.actors, sector_ids)
    for ind in model.indicators:
        if ind.computed != "sector_coverage":
            continue
        matrix[ind.id] = 100.0 * (counts > 0).sum(axis=1) / max(len(sector_ids), 1)
        provenance.append(_coverage_provenance(dataset, pairs, counts, ind.id, distance))
    prov = pd.concat([p for p in provenance if len(p)], ignore_index=True)
    return Performance(matrix, prov, counts, pairs)


def with_stored_values(perf: Performance, dataset: Dataset) -> Performance:
    """``perf`` with the stored values of ``dataset`` (same areas and actors, e.g. after local assessments
    were applied), keeping the computed indicators so actor distances are not measured again."""
    computed = [i.id for i in dataset.model.indicators if i.computed]
    matrix = _stored_matrix(dataset)
    matrix[computed] = perf.matrix[computed]
    derived = perf.provenance[perf.provenance["indicator_id"].isin(computed)]
    provenance = pd.concat([p for p in (dataset.values, derived) if len(p)], ignore_index=True)
    return Performance(matrix, provenance, perf.sector_counts, perf.actor_pairs)


def _stored_matrix(dataset: Dataset) -> pd.DataFrame:
    """Areas x indicators with the values from the values table (NaN where none is stored), in one pivot."""
    columns = [i.id for i in dataset.model.indicators]
    values = dataset.values.dropna(subset=["value"])
    values = values[values["area_id"].isin(dataset.areas.index) & values["indicator_id"].isin(columns)]
    wide = values.drop_duplicates(["area_id", "indicator_id"], keep="last").pivot(
        index="area_id", columns="indicator_id", values="value"
    )
    return wide.reindex(index=dataset.area_ids, columns=columns).rename_axis(index=None, columns=None).astype(float)


def _coverage_provenance(
    dataset: Dataset, pairs: pd.DataFrame, counts: pd.DataFrame, indicator_id: str, distance: float
) -> pd.DataFrame:
    """Describe computed coverage values (one grouped pass over the actor pairs).

    A value counts as illustrative if any actor behind it is not sourced, or, for an area
    with no actor nearby, if the actor layer holds any illustrative actor at all.
    """
    kinds = dataset.actors["kind"].to_numpy() if len(dataset.actors) else np.array([], dtype=object)
    layer_sourced = bool(len(kinds)) and bool((kinds == "sourced").all())
    labels = dataset.model.sector_labels
    short = [labels[s].split(" (")[0] for s in counts.columns]
    actor_index = pairs["actor_index"].to_numpy(dtype=int)
    per_area = pd.DataFrame(
        {
            "area_id": pairs["area_id"].to_numpy(),
            "illustrative": (kinds[actor_index] != "sourced") if len(actor_index) else [],
        }
    )
    grouped = per_area.groupby("area_id", sort=False)["illustrative"].agg(["size", "sum"])
    n_used = grouped["size"].reindex(counts.index, fill_value=0).to_numpy(dtype=int)
    n_illustrative = grouped["sum"].reindex(counts.index, fill_value=0).to_numpy(dtype=int)
    present = counts.to_numpy() > 0
    n_present = present.sum(axis=1)
    n_sectors = len(counts.columns)
    sectors = sector_lists(present, short)
    kind = np.where(
        n_used > 0,
        np.where(n_illustrative > 0, "illustrative", "sourced"),
        "sourced" if layer_sourced else "illustrative",
    )
    notes = [
        f"Beregnet af aktørlaget inden for {integer(distance)} m: {p} af {count(n_sectors, 'sektor', 'sektorer')} "
        f"({count(u, 'aktør', 'aktører')}, heraf {i} {'illustrativ' if i == 1 else 'illustrative'}). Sektorer: {s}."
        for p, u, i, s in zip(n_present, n_used, n_illustrative, sectors, strict=True)
    ]
    return pd.DataFrame(
        {
            "area_id": list(counts.index),
            "indicator_id": indicator_id,
            "value": 100.0 * n_present / max(n_sectors, 1),
            "kind": kind,
            "source": "Beregnet af aktørlaget (actors.geojson)",
            "note": notes,
        }
    )


def sector_lists(present: np.ndarray, short: list[str]) -> list[str]:
    """Per area (row) the names of the sectors present, or "ingen"; each distinct set is joined once."""
    if present.shape[0] == 0 or present.shape[1] == 0:
        return ["ingen"] * present.shape[0]
    distinct, which = np.unique(present, axis=0, return_inverse=True)
    names = [", ".join(short[j] for j in np.flatnonzero(row)) or "ingen" for row in distinct]
    return [names[i] for i in which.ravel()]
