"""Analyses of a ranking: robustness (sensitivity, stability, SMAA) and critical values; maths apart from wording."""
