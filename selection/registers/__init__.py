"""Registers of initiatives and actors (issue 28): what planners record about each area, and the trust and
actor criteria computed from it by rules anyone can read.

* ``vocabulary``: the lists a record's fields are chosen from (data: ``registers.json`` in the package).
* ``model``: an initiative or actor record, checked against the vocabulary, with Danish messages.
* ``rules``: the criterion values computed from the records (``initiative_trust``, ``initiative_breadth``,
  ``actor_commitment``), each with its two Danish sentences, what every record contributed, and the parameters
  read from an indicator's ``register_rule`` in ``criteria.json``.
"""
