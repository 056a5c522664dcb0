"""The steering group's report (HTML and PDF from one template), built from a frozen snapshot.

``take_snapshot`` freezes everything a report needs (data version and hash, every value with its
provenance, the assessments, weights, ranking and robustness figures) as plain JSON; ``render_html``
and ``render_pdf`` draw the report from such a snapshot only, so a decision's report shows the data
of the day it was taken.
"""

from .render import render_html, render_pdf
from .snapshot import SNAPSHOT_FORMAT, take_snapshot

__all__ = ["SNAPSHOT_FORMAT", "render_html", "render_pdf", "take_snapshot"]
