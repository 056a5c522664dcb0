"""A fingerprint of a data package's content: SHA-256 over its meta, criteria, areas, values and actors.

A decision stores it, so "the data changed since" is a comparison of two hashes, not of two packages.
"""

from __future__ import annotations

import hashlib
import json

from selection.data.dataset import Dataset


def content_hash(dataset: Dataset) -> str:
    """SHA-256 of the data package's content (meta, criteria, areas with boundaries, values, actors; the
    initiatives too when an indicator is computed from the registers)."""
    model = dataset.model
    criteria = [
        [
            c.id,
            c.label,
            c.default_weight,
            [
                [i.id, i.label, i.direction, i.scale_min, i.scale_max, i.default_weight, i.computed]
                + ([dict(i.register_rule)] if i.register_rule is not None else [])
                for i in c.indicators
            ],
        ]
        for c in model.criteria
    ]
    parts = [
        json.dumps(dataset.meta, sort_keys=True, ensure_ascii=False, default=str),
        json.dumps(criteria, ensure_ascii=False, default=str),
        dataset.areas.sort_index().to_json(sort_keys=True, default=str),
        dataset.values.sort_values(["area_id", "indicator_id"]).to_json(orient="records", default_handler=str),
        dataset.actors.to_json(sort_keys=True, default=str) if len(dataset.actors) else "",
    ]
    if any(i.register_rule is not None for i in model.indicators):  # the package's register records count too
        parts.append(dataset.initiatives.to_json(orient="records", default_handler=str))
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()
