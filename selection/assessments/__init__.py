"""Local assessments: validated, versioned, append-only entries in the store, aggregated into the data set.

Typical use (app and CLI)::

    engine = open_store()
    latest = current_assessments(engine)
    dataset = apply_assessments(dataset, aggregate(latest))
"""

from __future__ import annotations

from selection.assessments.aggregate import AGGREGATE_COLUMNS, METHODS, aggregate, apply_assessments
from selection.assessments.history import current_assessments, history, store_revision, value_version, value_versions
from selection.assessments.model import Assessment, AssessmentConflict, AssessmentError, NewAssessment
from selection.assessments.record import record_assessment, record_assessments
from selection.assessments.validation import assessment_indicators, validate_assessment

__all__ = [
    "AGGREGATE_COLUMNS",
    "METHODS",
    "Assessment",
    "AssessmentConflict",
    "AssessmentError",
    "NewAssessment",
    "aggregate",
    "apply_assessments",
    "assessment_indicators",
    "current_assessments",
    "history",
    "record_assessment",
    "record_assessments",
    "store_revision",
    "validate_assessment",
    "value_version",
    "value_versions",
]
