"""The tables as SQLAlchemy Core objects, matching the newest migration (``migrations/versions``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

ID_LENGTH = 200

# Append-only: the database refuses UPDATE and DELETE (triggers, see the migrations).
assessment = Table(
    "assessment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("area_id", String(ID_LENGTH), nullable=False),
    Column("indicator_id", String(ID_LENGTH), nullable=False),
    Column("value", Float, nullable=True),  # NULL: the assessor withdraws their assessment
    Column("reason", Text, nullable=False),
    Column("assessor_name", String(ID_LENGTH), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
    # added by revision 0002
    Column("assessor_role", String(ID_LENGTH), nullable=True),
    Column("evidence", Text, nullable=True),
    Column("value_version", Integer, nullable=True),  # 1, 2, ... per area x indicator
    Column("assessor_key", String(ID_LENGTH), nullable=True),  # case-folded assessor name
    Index("ix_assessment_cell", "area_id", "indicator_id"),
    Index("ix_assessment_cell_version", "area_id", "indicator_id", "value_version", unique=True),
    Index("ix_assessment_assessor", "area_id", "indicator_id", "assessor_key", "id"),
    # added by revision 0005: the identity that stored the row (NULL for rows from before sign-in)
    Column("actor_subject", String(400), nullable=True),
    Column("actor_email", String(320), nullable=True),
    Column("actor_method", String(20), nullable=True),
    # added by revision 0010: recorded on behalf of the named assessor by the identity above (NULL: before 0010),
    # that identity's name as shown, and its issuer (signed in)
    Column("on_behalf", Boolean, nullable=True),
    Column("recorded_by", String(ID_LENGTH), nullable=True),
    Column("actor_issuer", String(400), nullable=True),
)

# Append-only (revision 0003): the steering group's decisions; a correction is a new row (corrects_id).
decision = Table(
    "decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decided_on", Date, nullable=False),
    Column("participants", Text, nullable=False),  # JSON list of {"name", "role"}
    Column("scenario", Text, nullable=False),
    Column("chosen_area_id", String(ID_LENGTH), nullable=False),
    Column("reasons", Text, nullable=False),
    Column("dissent", Text, nullable=False),
    Column("conditions", Text, nullable=False),
    Column("recorded_by", String(ID_LENGTH), nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
    Column("corrects_id", Integer, ForeignKey("decision.id"), nullable=True),
    Column("data_version", String(ID_LENGTH), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON (selection.report.snapshot)
    # added by revision 0005: the identity that stored the row (NULL for rows from before sign-in)
    Column("actor_subject", String(400), nullable=True),
    Column("actor_email", String(320), nullable=True),
    Column("actor_method", String(20), nullable=True),
    # added by revision 0009: the decision form's one-time token (one submission, one decision; NULL: none given)
    Column("submission_id", String(64), nullable=True),
    Index("ix_decision_submission", "submission_id", unique=True),
)


def _actor(prefix: str) -> list[Column]:
    return [
        Column(f"{prefix}_name", String(ID_LENGTH), nullable=False),
        Column(f"{prefix}_subject", String(400), nullable=False),
        Column(f"{prefix}_email", String(320), nullable=False),
        Column(f"{prefix}_method", String(20), nullable=False),
    ]


# Revision 0005: the roles and what each may do (data, seeded by the migration).
access_role = Table(
    "access_role",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("label", String(80), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("permissions", Text, nullable=False),  # space-separated permission names
)

# Append-only (revision 0005): who has which role; the newest row per principal counts (role_id NULL: no access).
role_assignment = Table(
    "role_assignment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("principal", String(400), nullable=False),  # case-folded e-mail, or "sub:<subject>"
    Column("role_id", String(40), ForeignKey("access_role.id"), nullable=True),
    Column("reason", Text, nullable=False),
    *_actor("assigned_by"),
    Column("assigned_at", DateTime, nullable=False),  # UTC, naive
    Index("ix_role_assignment_principal", "principal", "id"),
)

# Append-only (revision 0005): data imports, resets and restores, with who made them.
change_log = Table(
    "change_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    *_actor("actor"),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
)

# Append-only (revision 0004): one row per version of a weighting scenario; the newest version is current.
scenario_version = Table(
    "scenario_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scenario_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),  # 1, 2, ... per scenario
    Column("name", String(ID_LENGTH), nullable=False),
    Column("name_key", String(ID_LENGTH), nullable=False),  # case-folded name
    Column("rationale", Text, nullable=False),
    Column("author", String(ID_LENGTH), nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
    Column("settings", Text, nullable=False),  # JSON (selection.scenarios.settings)
    Column("archived", Boolean, nullable=False),
    Column("change_reason", Text, nullable=False),
    Column("actor_subject", String(400), nullable=True),  # who stored the version (NULL: before sign-in existed)
    Column("actor_email", String(320), nullable=True),
    Column("actor_method", String(20), nullable=True),
    Index("ix_scenario_version", "scenario_id", "version", unique=True),
)

# Revision 0007: weighting rounds. All append-only; a round's state comes from its events.
weighting_round = Table(
    "weighting_round",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(ID_LENGTH), nullable=False),
    Column("name_key", String(ID_LENGTH), nullable=False),  # case-folded name (unique)
    Column("anonymous", Boolean, nullable=False),
    Column("scenario_id", Integer, nullable=True),  # the saved scenario it was opened on (None: the sliders)
    Column("scenario_version", Integer, nullable=True),
    Column("scenario_name", String(ID_LENGTH), nullable=False),
    Column("settings", Text, nullable=False),  # JSON (selection.scenarios.settings), frozen at opening
    Column("data_version", String(ID_LENGTH), nullable=False),
    Column("sub_indicators", Boolean, nullable=False),  # participants may weigh the sub-indicators too
    Column("created_at", DateTime, nullable=False),  # UTC, naive
    *_actor("created_by"),
    Index("ix_weighting_round_name", "name_key", unique=True),
)

round_event = Table(
    "round_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("weighting_round.id"), nullable=False),
    Column("action", String(20), nullable=False),  # 'reveal' or 'close'
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
    *_actor("actor"),
    Index("ix_round_event_round", "round_id", "id"),
)

round_participant = Table(
    "round_participant",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("weighting_round.id"), nullable=False),
    Column("number", Integer, nullable=False),  # 1, 2, ... per round ('Deltager 3')
    Column("name", String(ID_LENGTH), nullable=False),  # '' in an anonymous round
    Column("name_key", String(ID_LENGTH), nullable=False),  # case-folded name; a salted hash when anonymous
    Column("principal", String(400), nullable=True),  # e-mail or sub:... of a signed-in invitee (hashed if anonymous)
    Column("invited_at", DateTime, nullable=False),  # UTC, naive
    *_actor("invited_by"),
    Index("ix_round_participant_number", "round_id", "number", unique=True),
    Index("ix_round_participant_name", "round_id", "name_key", unique=True),
    Index("ix_round_participant_principal", "principal"),
)

round_invitation = Table(
    "round_invitation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("weighting_round.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("code_hash", String(64), nullable=False),  # SHA-256 of the code; the code itself is never stored
    Column("expires_at", DateTime, nullable=False),  # UTC, naive
    Column("issued_at", DateTime, nullable=False),  # UTC, naive
    *_actor("issued_by"),
    Index("ix_round_invitation_code", "code_hash", unique=True),
    Index("ix_round_invitation_participant", "round_id", "number", "id"),
)

round_submission = Table(
    "round_submission",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("weighting_round.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("version", Integer, nullable=False),  # 1, 2, ... per participant
    Column("method", String(20), nullable=False),  # 'shares', 'swing' or 'import'
    Column("weights", Text, nullable=False),  # JSON: criterion id -> share of 1
    Column("sub_weights", Text, nullable=True),  # JSON; NULL: the round's sub-weights
    Column("inputs", Text, nullable=False),  # JSON: what the participant entered
    Column("reason", Text, nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive, with microseconds
    *_actor("submitted_by"),
    Index("ix_round_submission_version", "round_id", "number", "version", unique=True),
)


def _register_common() -> list[Column]:
    """What every register version records besides the record: withdrawn, why, when and by whom."""
    return [
        Column("source", Text, nullable=False),
        Column("verification", String(40), nullable=False),
        Column("recorded_by", String(ID_LENGTH), nullable=False),  # the person as written in the record
        Column("reason", Text, nullable=False),  # why it was recorded (part of the record)
        Column("withdrawn", Boolean, nullable=False),  # a withdrawal is a version too
        Column("change_reason", Text, nullable=False),  # why this version ('' for version 1)
        Column("recorded_at", DateTime, nullable=False),  # UTC, naive, with microseconds
        Column("actor_subject", String(400), nullable=False),  # the identity that stored the version
        Column("actor_email", String(320), nullable=False),
        Column("actor_method", String(20), nullable=False),
    ]


# Revision 0008: the registers of initiatives and actors (issue 28). Append-only; the newest version is current.
initiative_version = Table(
    "initiative_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(40), nullable=False),  # 'i-000001'
    Column("version", Integer, nullable=False),  # 1, 2, ... per record
    Column("area_ids", Text, nullable=False),  # JSON list
    Column("name", String(ID_LENGTH), nullable=False),
    Column("type", String(80), nullable=False),  # vocabulary ids (selection.registers.vocabulary)
    Column("operator", String(80), nullable=False),
    Column("target_groups", Text, nullable=False),  # JSON list
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("status", String(40), nullable=False),
    Column("relevance", String(40), nullable=False),
    Column("trust_evidence", String(40), nullable=False),
    Column("evidence_text", Text, nullable=False),
    *_register_common(),
    Index("ix_initiative_version", "record_id", "version", unique=True),
)

actor_version = Table(
    "actor_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(40), nullable=False),  # 'a-000001'
    Column("version", Integer, nullable=False),
    Column("sector", String(80), nullable=False),  # a sector id of criteria.json
    Column("name", String(ID_LENGTH), nullable=False),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("area_ids", Text, nullable=False),  # JSON list
    Column("relation", Text, nullable=False),
    Column("motivation", String(40), nullable=False),
    Column("motivation_reason", Text, nullable=False),
    Column("learned_via", String(40), nullable=False),
    Column("nsk_competence", Boolean, nullable=False),
    Column("competence_text", Text, nullable=False),
    Column("extra", Text, nullable=False),  # JSON object of further text fields
    *_register_common(),
    Index("ix_actor_version", "record_id", "version", unique=True),
)
