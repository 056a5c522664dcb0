"""Who is acting (an identity), how the deployment hands out rights (a policy), and the refusal."""

from __future__ import annotations

from dataclasses import dataclass

# How a person is known to the app.
OIDC = "oidc"  # signed in through Streamlit's st.login (OpenID Connect)
LOCAL = "local"  # local mode: no sign-in; the name as typed
CLI = "cli"  # the command line: a named local administrator
SEED = "seed"  # the first administrator named in the configuration (role seeding)
INVITATION = "invitation"  # a participant of a weighting round who came by an invitation link (no sign-in)
METHODS = (OIDC, LOCAL, CLI, SEED, INVITATION)

# What can be done. Which role may do what is data (the access_role table), not code.
ASSESS = "assess"
# Record assessments collected from others (a sheet naming another assessor), marked 'on behalf of' (revision 0010).
ASSESS_ON_BEHALF = "assess_on_behalf"
SAVE_SCENARIO = "save_scenario"
IMPORT_DATA = "import_data"
RESET_DATA = "reset_data"
RECORD_DECISION = "record_decision"
ASSIGN_ROLES = "assign_roles"
RUN_ROUNDS = "run_rounds"  # open a weighting round, invite, reveal, close, import answers collected on paper
SUBMIT_WEIGHTS = "submit_weights"  # answer in a round one is invited to (and nothing else)
EDIT_REGISTERS = "edit_registers"  # record, change, withdraw and import initiatives and actors (issue 28)
PERMISSION_TEXT = {  # "... må ikke <text>"
    ASSESS: "gemme vurderinger",
    ASSESS_ON_BEHALF: "registrere vurderinger på vegne af andre",
    SAVE_SCENARIO: "gemme scenarier",
    IMPORT_DATA: "indlæse data",
    RESET_DATA: "gå tilbage til det medleverede datasæt eller gendanne en import",
    RECORD_DECISION: "registrere beslutninger",
    ASSIGN_ROLES: "tildele roller",
    RUN_ROUNDS: "lede vægtningsrunder",
    SUBMIT_WEIGHTS: "svare i vægtningsrunder",
    EDIT_REGISTERS: "redigere registrene",
}

PARTICIPANT, READER, PLANNER, ADMINISTRATOR = "deltager", "laeser", "planlaegger", "administrator"
NO_ACCESS = "ingen"  # policy value: unknown users get no access
MAX_NAME = 200
MAX_SUBJECT = 400
MAX_EMAIL = 320


METHOD_TEXT = {
    "oidc": "logget ind",
    "local": "lokal tilstand",
    "cli": "kommandolinjen",
    "seed": "konfiguration",
    "invitation": "invitationslink",
}


def stored_by_text(subject: str | None, email: str | None, method: str | None) -> str:
    """'bo@kk.dk (logget ind, id 1234)' / 'Bo (lokal tilstand)'; '' when nothing was recorded."""
    if not method:
        return ""
    how = METHOD_TEXT.get(method, method)
    if method == "oidc":
        return f"{email or subject} ({how}, id {subject})"
    return f"{email or subject} ({how})" if (email or subject) else f"({how}, uden navn)"


class AccessDenied(ValueError):
    """A write the acting identity may not make (Danish message; nothing was changed)."""


@dataclass(frozen=True)
class Identity:
    """The person (or command line) acting: the provider's subject and e-mail when signed in."""

    subject: str  # OIDC 'sub'; local: the typed name; cli: 'user@host'
    email: str
    name: str
    method: str  # OIDC, LOCAL, CLI or SEED
    issuer: str = ""

    @property
    def label(self) -> str:
        """How the identity is shown in logs and history: 'Navn <e-mail>' or the name alone."""
        name = self.name or self.email or self.subject or "(intet navn)"
        return f"{name} <{self.email}>" if self.email and self.email != name else name

    def principals(self) -> list[str]:
        """The keys a role assignment may name this identity by: the case-folded e-mail and the subject."""
        keys = []
        if self.email:
            keys.append(principal_key(self.email))
        if self.subject:
            keys.append(f"sub:{self.subject}")
        return keys

    def columns(self) -> dict[str, str]:
        """What a stored row records about who made it."""
        return {
            "actor_subject": self.subject[:MAX_SUBJECT],
            "actor_email": self.email[:MAX_EMAIL],
            "actor_method": self.method,
        }


def principal_key(text: str) -> str:
    """The form an e-mail (or 'sub:<subject>') is stored in ``role_assignment.principal``."""
    text = text.strip()
    return text if text.startswith("sub:") else text.casefold()


@dataclass(frozen=True)
class AccessPolicy:
    """How this deployment hands out rights (from Streamlit secrets or the environment)."""

    read_only: bool = False  # SELECTION_READ_ONLY=1: nobody changes anything (a meeting-room screen)
    local_role: str = ADMINISTRATOR  # the role of the one person in local mode (SELECTION_LOCAL_ROLE)
    unknown_role: str | None = READER  # signed-in users without an assignment (SELECTION_UNKNOWN_ROLE; None: no access)
    seed: tuple[tuple[str, str], ...] = ()  # (principal, role id): first administrator(s) from the configuration


@dataclass(frozen=True)
class Actor:
    """An identity acting under a policy: what every write function of the core takes."""

    identity: Identity
    policy: AccessPolicy = AccessPolicy()
