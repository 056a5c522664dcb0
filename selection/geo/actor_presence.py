"""Actor presence per area and sector, measured in metres (EPSG:25832) with geopandas."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from selection.geo.geometry import metric_geometry


def actor_distances(areas: gpd.GeoDataFrame, actors: gpd.GeoDataFrame, max_distance_m: float) -> pd.DataFrame:
    """Pairs (area_id, actor index) within ``max_distance_m`` of the area, with the distance.

    Distance is 0 for an actor inside the area. Both layers are projected to EPSG:25832; candidate
    pairs come from a spatial index (STRtree) and their distances are computed in one vectorised call.
    """
    columns = ["area_id", "actor_index", "distance_m"]
    if len(areas) == 0 or len(actors) == 0:
        return pd.DataFrame(columns=columns)
    area_geoms = metric_geometry(areas)  # projected once per loaded frame (the map's area sizes use it too)
    actor_geoms = metric_geometry(actors)
    # No buffers: GEOS buffers of spiky uploaded boundaries can take seconds each; a distance query
    # on the spatial index is exact and linear (the exact distance filter below decides).
    tree = shapely.STRtree(area_geoms)
    if max_distance_m > 0:
        actor_pos, area_pos = tree.query(actor_geoms, predicate="dwithin", distance=max_distance_m + 1e-6)
    else:
        actor_pos, area_pos = tree.query(actor_geoms, predicate="intersects")
    if len(actor_pos) == 0:
        return pd.DataFrame(columns=columns)
    dist = shapely.distance(area_geoms[area_pos], actor_geoms[actor_pos])
    out = pd.DataFrame(
        {
            "area_id": areas.index.to_numpy()[area_pos],
            "actor_index": actor_pos.astype(int),
            "distance_m": dist.astype(float),
        }
    )
    out = out[out["distance_m"] <= max_distance_m + 1e-6]
    return out.sort_values(["area_id", "distance_m", "actor_index"]).reset_index(drop=True)


def sector_presence(
    areas: gpd.GeoDataFrame, actors: gpd.GeoDataFrame, sector_ids: list[str], max_distance_m: float
) -> pd.DataFrame:
    """Number of actors per area (rows, in area order) and sector (columns) within the distance."""
    return sector_counts(actor_distances(areas, actors, max_distance_m), areas, actors, sector_ids)


def sector_counts(
    pairs: pd.DataFrame, areas: gpd.GeoDataFrame, actors: gpd.GeoDataFrame, sector_ids: list[str]
) -> pd.DataFrame:
    """Count the (area, actor) pairs from ``actor_distances`` per area and sector."""
    counts = pd.DataFrame(0, index=list(areas.index), columns=sector_ids, dtype=int)
    if pairs.empty:
        return counts
    pairs = pairs.assign(sector=actors["sector"].to_numpy()[pairs["actor_index"].to_numpy(dtype=int)])
    table = pairs.groupby(["area_id", "sector"]).size().unstack(fill_value=0)
    return (
        table.reindex(index=counts.index, columns=sector_ids, fill_value=0)
        .astype(int)
        .rename_axis(index=None, columns=None)
    )


def actors_near(areas: gpd.GeoDataFrame, actors: gpd.GeoDataFrame, area_id: str, max_distance_m: float) -> pd.DataFrame:
    """The actors within the distance of one area, nearest first, with their distance."""
    return actors_in_pairs(actors, actor_distances(areas.loc[[area_id]], actors, max_distance_m), area_id)


def actors_in_pairs(actors: gpd.GeoDataFrame, pairs: pd.DataFrame, area_id: str) -> pd.DataFrame:
    """One area's actors from precomputed ``actor_distances`` pairs, nearest first."""
    pairs = pairs[pairs["area_id"] == area_id]
    if pairs.empty:
        return actors.iloc[0:0].drop(columns="geometry").assign(distance_m=[])
    rows = actors.iloc[pairs["actor_index"].to_numpy(dtype=int)].drop(columns="geometry").reset_index(drop=True)
    return rows.assign(distance_m=pairs["distance_m"].round(0).to_numpy())
