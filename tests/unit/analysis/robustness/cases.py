"""Score matrices and a small criteria model shared by the robustness tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, settings

from selection.data.criteria import parse_criteria

PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(rows, ids=None, cols=None) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=float)
    ids = ids or [f"a{i}" for i in range(rows.shape[0])]
    cols = cols or [f"c{j}" for j in range(rows.shape[1])]
    return pd.DataFrame(rows, index=ids, columns=cols)


TWO = frame([[100, 0], [0, 100]], ["a", "b"], ["x", "y"])

MODEL = parse_criteria(
    {
        "criteria": [
            {
                "id": "trust",
                "label": "Tillid",
                "default_weight": 1,
                "indicators": [
                    {"id": "t1", "direction": "benefit", "scale": {"min": 1, "max": 5}, "default_weight": 2},
                    {"id": "t2", "direction": "benefit", "scale": {"min": 0, "max": 2}, "default_weight": 1},
                ],
            },
            {
                "id": "need",
                "label": "Vurderet behov",
                "default_weight": 2,
                "indicators": [
                    {"id": "n1", "direction": "benefit", "scale": {"min": 1, "max": 5}, "default_weight": 1},
                    {"id": "n2", "direction": "cost", "scale": {"min": 0, "max": 100}, "default_weight": 1},
                ],
            },
            {
                "id": "size",
                "label": "Størrelse",
                "default_weight": 1,
                "indicators": [{"id": "s1", "direction": "cost", "scale": {"min": 10, "max": 60}, "default_weight": 1}],
            },
        ]
    }
)
RAW = pd.DataFrame(
    {
        "t1": [5, 3, 1, 2],
        "t2": [0, 2, np.nan, 1],
        "n1": [2, 4, 5, 1],
        "n2": [40, 20, 90, np.nan],
        "s1": [15, 30, 50, 20],
    },
    index=["a", "b", "c", "d"],
    dtype=float,
)
