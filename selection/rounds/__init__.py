"""Weighting rounds ("vægtningsrunder"): each steering-group member weighs, the group sees the result.

* ``weights``: a participant's answer (shares or swing weighting) as normalised weights; the group's weights.
* ``result``: the group ranking, every participant's own ranking, "nr. 1 for k of n", the spread.
* ``store``: rounds, participants, invitations and submissions in the database (append-only).
* ``exchange``: answers collected on paper (CSV/XLSX) in, the group result out.
"""
