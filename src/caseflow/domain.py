"""The domain objects a case handler talks about, free of any database.

These are plain dataclasses: the store turns rows into them, the engine reasons
about them, guards inspect them. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol


class OriginKind(StrEnum):
    """How a case came about."""

    ENQUIRY = "enquiry"  # forespørgsel filed by a committee member at a meeting
    COMMITTEE_REQUEST = "committee_request"  # e.g. a theme discussion (temadrøftelse)
    OWN_INITIATIVE = "own_initiative"  # the administration's own initiative


@dataclass(frozen=True)
class Origin:
    """Where a case came from: an enquiry by a named member on a date, and so on."""

    kind: OriginKind
    member: str | None = None
    date: date | None = None
    committee: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "member": self.member,
            "date": self.date.isoformat() if self.date else None,
            "committee": self.committee,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Origin:
        raw_date = data.get("date")
        return cls(
            kind=OriginKind(data["kind"]),
            member=data.get("member"),
            date=date.fromisoformat(raw_date) if raw_date else None,
            committee=data.get("committee"),
        )

    def describe(self) -> str:
        if self.kind is OriginKind.ENQUIRY:
            who = self.member or "a member"
            where = f" at {self.committee}" if self.committee else ""
            when = f" on {self.date.isoformat()}" if self.date else ""
            return f"enquiry by {who}{where}{when}"
        if self.kind is OriginKind.COMMITTEE_REQUEST:
            where = f" from {self.committee}" if self.committee else ""
            when = f" on {self.date.isoformat()}" if self.date else ""
            return f"committee request{where}{when}"
        return "the administration's own initiative"


@dataclass(frozen=True)
class Attachment:
    """A bilag: its own number (e.g. ``2009-300035``) and title."""

    number: str
    title: str

    def to_json(self) -> dict[str, str]:
        return {"number": self.number, "title": self.title}


@dataclass(frozen=True)
class RoleGrant:
    """A role an actor holds, optionally limited to one administration or committee.

    A grant with neither scope applies to every case (administrators, say).
    """

    role: str
    administration: str | None = None
    committee: str | None = None

    @property
    def text(self) -> str:
        """``case_officer@BIF``, ``administrator``: as the organisation file writes it."""
        scope = self.administration or self.committee
        return f"{self.role}@{scope}" if scope else self.role

    def applies_to(self, case: CaseScope) -> bool:
        if self.administration is not None:
            return self.administration in case.administrations
        if self.committee is not None:
            return case.committee == self.committee
        return True


ADMINISTRATOR = "administrator"
"""The role that runs the organisation; without scope it acts for every case and committee."""


class OrgKind(StrEnum):
    """The kinds of entry in the organisation (and in its history, ``org_changes.kind``)."""

    ADMINISTRATION = "administration"
    COMMITTEE = "committee"
    STEERING_GROUP = "steering_group"
    ACTOR = "actor"


# Who watches over the outbox and the incidents, and retries what failed.
OPERATOR_ROLES: tuple[str, ...] = ("administrator", "secretariat")


@dataclass(frozen=True)
class Actor:
    """A person who acts on cases, with the roles they hold."""

    username: str
    name: str
    email: str | None = None
    grants: tuple[RoleGrant, ...] = ()

    def roles_for(self, case: CaseScope) -> frozenset[str]:
        """The roles this actor may use on ``case``."""
        return frozenset(g.role for g in self.grants if g.applies_to(case))

    def may_read(self, case: CaseScope) -> bool:
        """Whether this actor may see ``case``: its case officer, and whoever holds a role
        on it (in one of its administrations or its committee, or with no scope)."""
        return case.case_officer == self.username or any(g.applies_to(case) for g in self.grants)

    @property
    def sees_every_case(self) -> bool:
        """Whether :meth:`may_read` allows every case: a grant with no scope."""
        return any(g.administration is None and g.committee is None for g in self.grants)

    @property
    def operates(self) -> bool:
        """Whether this actor may look into and restart caseflow's machinery (the outbox,
        incidents): an administrator or a secretariat, each within the cases it may see."""
        return any(g.role in OPERATOR_ROLES for g in self.grants)

    @property
    def administrations(self) -> frozenset[str]:
        return frozenset(g.administration for g in self.grants if g.administration)


# Case attributes a user may edit directly; the rest change only through the engine.
EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    "summary",
    "committee",
    "lead_administration",
    "participating_administrations",
    "recommendations",
    "sections",
    "attachments",
    "fields",
    "case_officer",
)


@dataclass
class Case:
    """A case (sag) as the engine sees it at one version."""

    id: int
    journal_no: str
    title: str
    workflow_id: str
    workflow_version: str
    state: str
    version: int
    origin: Origin
    lead_administration: str | None
    participating_administrations: list[str]
    committee: str | None
    summary: str
    recommendations: list[str]
    sections: dict[str, str]
    attachments: list[Attachment]
    fields: dict[str, Any]
    case_officer: str | None
    created_at: datetime
    updated_at: datetime
    audit_head: str
    state_entered_at: datetime | None = None
    state_generation: int = 1  # the version whose fire entered the current state

    @property
    def administrations(self) -> frozenset[str]:
        """Every administration with a hand in the case: lead and participants."""
        names = set(self.participating_administrations)
        if self.lead_administration:
            names.add(self.lead_administration)
        return frozenset(names)

    @property
    def head(self) -> CaseHead:
        """The case without its texts, as :func:`caseflow.store.cases.heads` reads it."""
        return CaseHead(
            id=self.id,
            journal_no=self.journal_no,
            title=self.title,
            workflow_id=self.workflow_id,
            workflow_version=self.workflow_version,
            state=self.state,
            version=self.version,
            lead_administration=self.lead_administration,
            participating_administrations=tuple(self.participating_administrations),
            committee=self.committee,
            fields=dict(self.fields),
            case_officer=self.case_officer,
            state_generation=self.state_generation,
            audit_head=self.audit_head,
        )


class CaseScope(Protocol):
    """What decides who may see a case and who holds a role on it (:meth:`Actor.may_read`,
    :meth:`RoleGrant.applies_to`): a whole :class:`Case` has it, and so has a
    :class:`CaseHead`."""

    @property
    def case_officer(self) -> str | None: ...

    @property
    def committee(self) -> str | None: ...

    @property
    def lead_administration(self) -> str | None: ...

    @property
    def administrations(self) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class CaseHead:
    """A case without its texts, as readers of many cases at once read it (the deadline
    dispatcher, lists of deadlines and notifications, visibility checks): who it is,
    its workflow and state, its version and audit head, its scope and custom fields.

    No summary, sections, recommendations, attachments, origin or times: a head is not
    a :class:`Case` to be saved whole. What changes on one (the dispatcher's marks, its
    version and audit head) is written column by column
    (:func:`caseflow.store.cases.save_many`).
    """

    id: int
    journal_no: str
    title: str
    workflow_id: str
    workflow_version: str
    state: str
    version: int
    lead_administration: str | None
    participating_administrations: tuple[str, ...]
    committee: str | None
    fields: Mapping[str, Any]
    case_officer: str | None
    state_generation: int
    audit_head: str

    @property
    def administrations(self) -> frozenset[str]:
        """Every administration with a hand in the case: lead and participants."""
        names = set(self.participating_administrations)
        if self.lead_administration:
            names.add(self.lead_administration)
        return frozenset(names)

    def moved_on(self, version: int, audit_head: str, fields: Mapping[str, Any]) -> CaseHead:
        """The head after audit rows that changed no more than its fields (the deadline
        dispatcher's): built by position, as ``dataclasses.replace`` takes twice as long."""
        return CaseHead(
            self.id,
            self.journal_no,
            self.title,
            self.workflow_id,
            self.workflow_version,
            self.state,
            version,
            self.lead_administration,
            self.participating_administrations,
            self.committee,
            fields,
            self.case_officer,
            self.state_generation,
            audit_head,
        )


class AuditKind(StrEnum):
    """What an audit row records."""

    OPEN = "open"  # the case was opened
    FIRE = "fire"  # a transition moved it
    EDIT = "edit"  # its fields changed, its state did not
    DEADLINE = "deadline"  # a deadline reminded, expired or was marked
    MADE_PUBLIC = "made_public"  # a closed agenda item was made public, with its reason
    MIGRATE = "migrate"  # an administrator moved it onto another workflow version (or back)
    IMPORT = "import"  # opened as the record of a published item (its source in the comment)
    APPROVAL = "approval"  # an action on an approval chain's step (approve, return, skip)


class SignInVia(StrEnum):
    """How a web session was signed in."""

    PASSWORD = "password"  # caseflow checked the password
    OIDC = "oidc"  # the municipality's identity provider vouched (OpenID Connect)


class AccountEventKind(StrEnum):
    """What an account event (``account_events``, append-only) records."""

    PASSWORD_SET = "password_set"
    DISABLED = "disabled"
    ENABLED = "enabled"
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED = "locked"  # too many failed sign-ins in a row: closed for a while
    SIGNED_OUT = "signed_out"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REVOKED = "token_revoked"


@dataclass(frozen=True)
class AuditEntry:
    """One append-only audit row; ``hash`` chains it to the row before."""

    seq: int
    at: datetime
    actor: str
    kind: AuditKind
    trigger: str | None
    from_state: str | None
    to_state: str
    changes: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    prev_hash: str = ""
    hash: str = ""
    # The hash of the case's state after the event (caseflow.records.state_hash); None on
    # rows written before it existed and on the deadline dispatcher's set-wise rows.
    state_hash: str | None = None
