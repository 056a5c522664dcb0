"""Save one assessment as a new row; refuse a save based on a stale version (no lost updates)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from selection.access import ASSESS, ASSESS_ON_BEHALF, OIDC, Actor, authorize
from selection.assessments.history import assessor_key, cell_version, entry_key, latest_entry, previous_value
from selection.assessments.model import Assessment, AssessmentConflict, AssessmentError, NewAssessment
from selection.assessments.validation import validate_assessment
from selection.assessments.wording import number_text, time_text
from selection.data.criteria import CriteriaModel
from selection.storage.database import read_connection, write_transaction
from selection.storage.database.tables import assessment


def record_assessment(
    engine: Engine,
    new: NewAssessment,
    model: CriteriaModel,
    area_ids: Collection[str],
    expected_version: int,
    *,
    actor: Actor,
) -> Assessment:
    """Validate and append ``new``; ``expected_version`` is the value's version when the form opened.

    Raises AccessDenied (the actor's role may not assess), AssessmentError (bad input) or
    AssessmentConflict (someone saved since); in all cases nothing is written. Database problems
    raise StoreError. The row records the actor's identity (subject, e-mail, how signed in).
    """
    return record_assessments(engine, [new], model, area_ids, [expected_version], actor=actor)[0]


def record_assessments(
    engine: Engine,
    news: Sequence[NewAssessment],
    model: CriteriaModel,
    area_ids: Collection[str],
    expected_versions: Sequence[int | None],
    labels: Sequence[str] | None = None,
    *,
    actor: Actor,
) -> list[Assessment]:
    """Validate and append several assessments in ONE transaction: all are saved or none.

    ``expected_versions[k]`` None skips the stale check for that one; entries of one value (e.g.
    several assessors in one sheet) are checked against the version before the batch.
    ``labels`` (e.g. 'række 5') prefix the message of the entry that fails.

    Who assessed is the saving identity unless an entry names someone else: such an entry is recorded on behalf
    of the named assessor (``on_behalf_of``), which the role must allow (``assess_on_behalf``), and never
    replaces a value of anyone's own.
    """
    if len(expected_versions) != len(news) or (labels is not None and len(labels) != len(news)):
        raise ValueError("news, expected_versions and labels must have the same length")
    cleaned = []
    for k, new in enumerate(news):
        try:
            clean = validate_assessment(new, model, area_ids)
        except AssessmentError as error:
            raise _labelled(error, labels, k) from None
        cleaned.append(replace(clean, on_behalf=on_behalf_of(clean, actor)))
    try:
        with write_transaction(engine, lock_table="assessment") as conn:
            authorize(conn, actor, ASSESS)  # in the write transaction: a role taken away meanwhile counts
            if any(clean.on_behalf for clean in cleaned):
                authorize(conn, actor, ASSESS_ON_BEHALF)
            saved = []
            written: dict[tuple[str, str], int] = {}  # entries this batch already added per value
            for k, clean in enumerate(cleaned):
                cell = (clean.area_id, clean.indicator_id)
                expected = expected_versions[k]
                if expected is not None:  # all entries were read at one version: count this batch's own
                    expected += written.get(cell, 0)
                written[cell] = written.get(cell, 0) + 1
                try:
                    saved.append(_append(conn, clean, expected, model.indicator(clean.indicator_id).label, actor))
                except AssessmentError as error:
                    raise _labelled(error, labels, k) from None
    except IntegrityError:  # another writer took a version first (the unique index caught it)
        raise _race_conflict(engine, cleaned, model, labels) from None
    return saved


def on_behalf_of(new: NewAssessment, actor: Actor) -> bool:
    """Whether ``new`` is recorded on behalf of its named assessor: asked for, or the name is not the saving
    identity's own (a cell or a typed name never makes an entry someone else's own)."""
    return new.on_behalf or assessor_key(new.assessor_name) != assessor_key(actor.identity.name)


def _race_conflict(
    engine: Engine, cleaned: Sequence[NewAssessment], model: CriteriaModel, labels: Sequence[str] | None
) -> AssessmentConflict:
    """The conflict after a lost race, read after the rollback: for one value, who saved what and its version
    now (so a form can stand on it and save again in one click); for several values, version -1."""
    cells = {(c.area_id, c.indicator_id) for c in cleaned}
    if len(cells) == 1:
        area_id, indicator_id = next(iter(cells))
        with read_connection(engine) as conn:
            latest, version = latest_entry(conn, area_id, indicator_id), cell_version(conn, area_id, indicator_id)
        conflict = _conflict(latest, version, model.indicator(indicator_id).label)
        if labels:
            return AssessmentConflict(f"{labels[0]}: {conflict}", conflict.latest, conflict.version)
        return conflict
    return AssessmentConflict(
        "En anden har gemt en vurdering af de samme værdier i samme øjeblik. Intet er gemt; hent arket igen.",
        None,
        -1,
    )


def _labelled(error: AssessmentError, labels: Sequence[str] | None, k: int) -> AssessmentError:
    if labels is None:
        return error
    text = f"{labels[k]}: {error}"
    if isinstance(error, AssessmentConflict):
        return AssessmentConflict(text, error.latest, error.version)
    return AssessmentError(text)


def _append(
    conn: Connection, clean: NewAssessment, expected_version: int | None, label: str, actor: Actor
) -> Assessment:
    """Insert one validated entry inside the caller's write transaction."""
    key = entry_key(clean.assessor_name, actor.identity, clean.on_behalf)
    recorded_by = actor.identity.name or actor.identity.email or actor.identity.subject
    version = cell_version(conn, clean.area_id, clean.indicator_id)
    if expected_version is not None and version != expected_version:
        raise _conflict(latest_entry(conn, clean.area_id, clean.indicator_id), version, label)
    before = previous_value(conn, clean.area_id, clean.indicator_id, key)
    if clean.value is None and before is None:
        who = f"{clean.assessor_name} (registreret af {recorded_by})" if clean.on_behalf else clean.assessor_name
        raise AssessmentError(f"{who} har ingen gældende vurdering af '{label}' at trække tilbage.")
    recorded_at = datetime.now(UTC)
    new_id = conn.execute(
        assessment.insert()
        .values(
            area_id=clean.area_id,
            indicator_id=clean.indicator_id,
            value=clean.value,
            reason=clean.reason,
            evidence=clean.evidence,
            assessor_name=clean.assessor_name,
            assessor_key=key,
            assessor_role=clean.assessor_role,
            assessed_on=clean.assessed_on,
            recorded_at=recorded_at.replace(tzinfo=None),
            value_version=version + 1,
            **actor.identity.columns(),
            on_behalf=clean.on_behalf,
            recorded_by=recorded_by[:200],
            actor_issuer=actor.identity.issuer[:400] if actor.identity.method == OIDC else "",
        )
        .returning(assessment.c.id)
    ).scalar_one()
    return Assessment(
        id=int(new_id),
        area_id=clean.area_id,
        indicator_id=clean.indicator_id,
        value=clean.value,
        previous_value=before,
        reason=clean.reason,
        evidence=clean.evidence,
        assessor_name=clean.assessor_name,
        assessor_role=clean.assessor_role,
        assessed_on=clean.assessed_on,
        recorded_at=recorded_at,
        version=version + 1,
        actor_subject=actor.identity.subject,
        actor_email=actor.identity.email,
        actor_method=actor.identity.method,
        on_behalf=clean.on_behalf,
        recorded_by=recorded_by[:200],
        assessor_key=key,
    )


def _conflict(latest: Assessment | None, version: int, label: str) -> AssessmentConflict:
    if latest is None:
        message = (
            f"Værdien for '{label}' er ændret, siden formularen eller arket blev åbnet. "
            "Din vurdering er ikke gemt; åbn værdien igen og gem på ny."
        )
    else:
        who = latest.assessor_name + (f" ({latest.assessor_role})" if latest.assessor_role else "")
        what = "trak sin vurdering tilbage" if latest.value is None else f"gemte værdien {number_text(latest.value)}"
        message = (
            f"Værdien for '{label}' er ændret, siden formularen eller arket blev åbnet: {who} {what} "
            f"{time_text(latest.recorded_at)}. Din vurdering er ikke gemt, så intet er overskrevet; "
            "se den nye værdi og gem igen, hvis du stadig vil."
        )
    return AssessmentConflict(message, latest, version)
