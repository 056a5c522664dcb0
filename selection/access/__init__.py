"""Sign-in and edit rights (pure core, no Streamlit): identities, roles as data, the permission check.

Typical use::

    actor = Actor(oidc_identity(st_user_claims), policy_from_settings(secret))
    role = role_of(engine, actor)                 # None: no access
    authorize(conn_or_engine, actor, ASSESS)      # AccessDenied (Danish) if not allowed
    assign_role(engine, admin_actor, "bo@kk.dk", PLANNER, "Ny planlægger")

Every write function of the core (assessments, decisions, imports, role changes) takes ``actor=`` and
calls ``authorize`` itself; the app's hidden buttons are only a convenience on top.
"""

import importlib
from typing import TYPE_CHECKING, Any

from selection.access.exposure import loopback_only, write_refused_reason
from selection.access.identity import cli_identity, issuer_of, local_identity, oidc_identity
from selection.access.model import (
    ADMINISTRATOR,
    ASSESS,
    ASSESS_ON_BEHALF,
    ASSIGN_ROLES,
    CLI,
    EDIT_REGISTERS,
    IMPORT_DATA,
    INVITATION,
    LOCAL,
    OIDC,
    PARTICIPANT,
    PLANNER,
    READER,
    RECORD_DECISION,
    RESET_DATA,
    RUN_ROUNDS,
    SAVE_SCENARIO,
    SUBMIT_WEIGHTS,
    AccessDenied,
    AccessPolicy,
    Actor,
    Identity,
)
from selection.access.policy import PolicyError, policy_from_settings, read_roles_file

if TYPE_CHECKING:
    from selection.access.roles import (
        Role,
        RoleAssignment,
        access_revision,
        assign_role,
        authorize,
        change_history,
        current_assignments,
        log_change,
        role_assignments,
        role_of,
        roles,
        seed_roles,
    )

# The role functions read and write the database: SQLAlchemy loads on their first use, so that the
# command line's ``rank`` and the import store's readers do not import it. They are the names of ``__all__``
# that this module does not define when it is imported.
_EAGER = frozenset(globals())


def __getattr__(name: str) -> Any:
    if name not in __all__ or name in _EAGER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(".roles", __name__)
    # Loading the submodule sets the package's ``roles`` to the module: bind every lazy name (and so the
    # function ``roles``) afterwards.
    globals().update({n: getattr(module, n) for n in __all__ if n not in _EAGER})
    return globals()[name]


__all__ = [
    "ADMINISTRATOR",
    "ASSESS",
    "ASSESS_ON_BEHALF",
    "ASSIGN_ROLES",
    "CLI",
    "EDIT_REGISTERS",
    "IMPORT_DATA",
    "INVITATION",
    "LOCAL",
    "OIDC",
    "PARTICIPANT",
    "PLANNER",
    "READER",
    "RECORD_DECISION",
    "RESET_DATA",
    "RUN_ROUNDS",
    "SAVE_SCENARIO",
    "SUBMIT_WEIGHTS",
    "AccessDenied",
    "AccessPolicy",
    "Actor",
    "Identity",
    "PolicyError",
    "Role",
    "RoleAssignment",
    "access_revision",
    "assign_role",
    "authorize",
    "change_history",
    "cli_identity",
    "current_assignments",
    "issuer_of",
    "local_identity",
    "log_change",
    "loopback_only",
    "oidc_identity",
    "policy_from_settings",
    "read_roles_file",
    "role_assignments",
    "role_of",
    "roles",
    "seed_roles",
    "write_refused_reason",
]
