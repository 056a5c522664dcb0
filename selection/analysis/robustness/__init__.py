"""Robustness of the weighted-sum ranking: sensitivity sweeps, stability intervals, SMAA-2, wording, heat map."""
