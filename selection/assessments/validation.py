"""Check a ``NewAssessment`` before it is stored; every problem gets a Danish message."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime

from selection.assessments.model import (
    EARLIEST_DATE,
    MAX_EVIDENCE,
    MAX_NAME,
    MAX_REASON,
    MAX_ROLE,
    AssessmentError,
    NewAssessment,
)
from selection.assessments.wording import LOCAL_ZONE, exact_number_text
from selection.data.criteria import CriteriaModel, Indicator
from selection.text.form_fields import clean_text


def assessment_indicators(model: CriteriaModel) -> list[Indicator]:
    """The indicators whose values are local assessments (``"assessment": true`` in criteria.json)."""
    return [i for i in model.indicators if i.assessment]


def _clean(text: object, field: str, limit: int, *, required: bool, multiline: bool) -> str:
    return clean_text(text, field, limit, required=required, multiline=multiline, error=AssessmentError)


def validate_assessment(new: NewAssessment, model: CriteriaModel, area_ids: Collection[str]) -> NewAssessment:
    """Return the cleaned assessment (text trimmed, value as float) or raise AssessmentError."""
    if new.area_id not in area_ids:
        raise AssessmentError(f"Ukendt område '{new.area_id}'.")
    try:
        indicator = model.indicator(new.indicator_id)
    except KeyError:
        raise AssessmentError(f"Ukendt indikator '{new.indicator_id}'.") from None
    if not indicator.assessment:
        names = ", ".join(i.id for i in assessment_indicators(model)) or "ingen"
        raise AssessmentError(
            f"Indikatoren '{indicator.label}' er ikke en lokal vurdering og kan ikke vurderes her "
            f"(vurderingsindikatorer: {names})."
        )
    value = new.value
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise AssessmentError(f"Værdien for '{indicator.label}' skal være et tal (fik {value!r}).")
        value = float(value)
        if not indicator.scale_min <= value <= indicator.scale_max:
            raise AssessmentError(
                f"Værdien {exact_number_text(value)} for '{indicator.label}' ligger uden for skalaen "
                f"{indicator.scale_text}."
            )
    reason = _clean(new.reason, "Begrundelsen", MAX_REASON, required=True, multiline=True)
    evidence = _clean(new.evidence, "Dokumentationen", MAX_EVIDENCE, required=False, multiline=False)
    name = _clean(new.assessor_name, "Vurdererens navn", MAX_NAME, required=True, multiline=False)
    role = _clean(new.assessor_role, "Rolle/organisation", MAX_ROLE, required=False, multiline=False)
    on = new.assessed_on
    if isinstance(on, datetime) or not isinstance(on, date):
        raise AssessmentError("Datoen skal være en dato (fx 2026-11-29).")
    today = datetime.now(LOCAL_ZONE).date()
    if on > today:
        raise AssessmentError(f"Datoen {on.isoformat()} ligger i fremtiden.")
    if on < EARLIEST_DATE:
        raise AssessmentError(f"Datoen {on.isoformat()} er for gammel (tidligst {EARLIEST_DATE.isoformat()}).")
    return replace(new, value=value, reason=reason, evidence=evidence, assessor_name=name, assessor_role=role)
