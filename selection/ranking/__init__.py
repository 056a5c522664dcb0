"""Ranking: weighted-sum scoring against fixed reference scales, and one call from data and weights to a ranking."""
