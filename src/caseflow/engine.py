"""The engine: open, fire, edit, history. One database transaction per operation.

A fire reads the case, checks the actor's role and the transition's guards,
moves the state through the workflow's compiled machine, runs the in-transaction
hooks (deadlines and the outbox attach here), writes the case with a version
check and appends the audit row. All of it commits together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy import Engine as SAEngine

from caseflow.calendar import COPENHAGEN, Calendars
from caseflow.changes import AppliedChanges, apply_changes
from caseflow.clock import Clock, SystemClock
from caseflow.definitions.guards import COMMENT_REQUIRED, check_guards
from caseflow.domain import ADMINISTRATOR, Actor, AuditEntry, AuditKind, Case, Origin, OriginKind
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.policy import not_visible, require_may_read, visible_case
from caseflow.records.state_hash import case_state_hash
from caseflow.registry import WorkflowRegistry
from caseflow.store import audit, journal, organisation
from caseflow.store import cases as case_rows
from caseflow.store import workflows as stored_workflows
from caseflow.store.db import CommitBehind, HeldWriteConnection, read_transaction
from caseflow.store.prepared import deferred_writes

if TYPE_CHECKING:
    # Annotations only: the loader (YAML, the schema's checks) and a definition's models
    # (pydantic) load with the first workflow, not with every process (an idle worker).
    from caseflow.definitions.loader import LoadedWorkflow
    from caseflow.definitions.machine import CompiledWorkflow
    from caseflow.definitions.meanings import ServiceName
    from caseflow.definitions.schema import TransitionDef

_COMMENT_TO_COME = "(the comment given when firing)"


# Where a step reserved for a service is taken (TransitionDef.service), for its refusal.
_TAKEN_THROUGH = {
    "agenda": "a meeting's agenda",
    "minutes": "a meeting's minutes",
    "approvals": "the case's approval chain",
}


@dataclass(frozen=True)
class CaseEvent:
    """What happened to a case, handed to in-transaction hooks."""

    kind: AuditKind
    before: Case | None
    case: Case
    actor: Actor
    at: datetime
    entry: AuditEntry
    transition: TransitionDef | None = None
    workflow: CompiledWorkflow | None = None
    # What the hooks' ``case_reads`` read with the case, by name (a fire's; else empty).
    read: Mapping[str, Any] = field(default_factory=dict)


TransactionHook = Callable[[Connection, CaseEvent], None]
"""A hook may also have ``case_reads(dialect) -> CaseReads``: values it needs of the case
(its live deadlines, say), which a fire reads with the case in one query and hands over
in :attr:`CaseEvent.read`. An event without them (an edit, a recorded event) has an
empty ``read``, and the hook reads for itself."""


@dataclass(frozen=True)
class TriggerOption:
    """A trigger the actor holds a role for in the case's state, and what blocks it."""

    trigger: str
    to_state: str
    title: str | None
    blocked_by: tuple[str, ...] = ()
    needs_comment: bool = False
    service: ServiceName | None = None  # a step only that service takes (TransitionDef.service)

    @property
    def ready(self) -> bool:
        return not self.blocked_by


@dataclass(frozen=True)
class NewCase:
    """What a user gives when opening a case."""

    workflow_id: str
    title: str
    origin: Origin = field(default_factory=lambda: Origin(OriginKind.OWN_INITIATIVE))
    journal_no: str | None = None
    lead_administration: str | None = None
    participating_administrations: Sequence[str] = ()
    committee: str | None = None
    summary: str = ""
    recommendations: Sequence[str] = ()
    sections: Mapping[str, str] = field(default_factory=dict)
    attachments: Sequence[Mapping[str, str]] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)
    case_officer: str | None = None


class Engine:
    """The one entry point the CLI and the web app use to work on cases."""

    def __init__(
        self,
        db: SAEngine,
        registry: WorkflowRegistry,
        clock: Clock | None = None,
        hooks: Iterable[TransactionHook] = (),
        *,
        calendars: Calendars,
    ) -> None:
        self.db = db
        self._writes = HeldWriteConnection(db)
        self.registry = registry
        self.clock: Clock = clock or SystemClock()
        self.hooks: list[TransactionHook] = list(hooks)
        self._case_reads: dict[str, case_rows.CaseReads] = {}  # by dialect
        # The municipality's working days: what the hooks and the meeting use cases count in.
        self.calendars = calendars

    def close(self) -> None:
        self._writes.close()
        self.db.dispose()

    def transaction(self) -> AbstractContextManager[Connection]:
        """A write transaction on this engine's held connection (for the dispatcher)."""
        return self._writes.transaction()

    def commits_behind(self) -> CommitBehind:
        """Write transactions on the held connection, each committed while the caller goes
        on (see :class:`CommitBehind`); for the dispatcher's batches."""
        return CommitBehind(self._writes)

    # -- reading -------------------------------------------------------------

    def actor(self, username: str) -> Actor:
        with read_transaction(self.db) as conn:
            return organisation.get_actor(conn, username)

    def get_case(self, journal_no: str) -> Case:
        """The case, unchecked: for caseflow's own work; a person's view is :meth:`read_case`."""
        with read_transaction(self.db) as conn:
            return case_rows.get(conn, journal_no)

    def workflow_of(self, case: Case) -> CompiledWorkflow:
        with read_transaction(self.db) as conn:
            return self.registry.for_case(conn, case.workflow_id, case.workflow_version)

    def history(self, journal_no: str) -> list[AuditEntry]:
        with read_transaction(self.db) as conn:
            case = case_rows.get(conn, journal_no)
            return audit.entries(conn, case.id)

    def options_for(
        self, case: Case, workflow: CompiledWorkflow, actor: Actor
    ) -> list[TriggerOption]:
        """The steps ``actor`` holds a role for in the case's state, and what blocks each."""
        roles = actor.roles_for(case)
        return [
            TriggerOption(
                trigger=t.trigger,
                to_state=t.dest,
                title=t.title.en if t.title else None,
                # The comment is given when firing, so it never blocks in this list.
                blocked_by=tuple(check_guards(t.guards, case, actor, _COMMENT_TO_COME)),
                needs_comment=t.requires_comment
                or any(g.name == "comment_given" for g in t.guards),
                service=t.service,
            )
            for t in workflow.transitions_from(case.state)
            if roles & set(t.roles)
        ]

    def verify_audit(self, journal_nos: Iterable[str] | None = None) -> list[audit.ChainReport]:
        """Recompute the hash chains of ``journal_nos`` (default: every case), unchecked:
        for caseflow's own checks; a person's is :func:`caseflow.services.cases.verify_audit`."""
        with read_transaction(self.db) as conn:
            if journal_nos is not None:
                journal_nos = list(journal_nos)
                for journal_no in journal_nos:
                    case_rows.get(conn, journal_no)  # a clear error for an unknown number
            return audit.verify(conn, journal_nos)

    # -- writing -------------------------------------------------------------

    def register_workflows(self) -> list[tuple[str, str, bool]]:
        """Store every current definition's text; returns (id, version, was_new)."""
        with self._writes.transaction() as conn:
            return [
                (wid, loaded.version, self._register(conn, loaded.definition.id))
                for wid, loaded in sorted(self.registry.current.items())
            ]

    def check_open(self, new: NewCase, actor: Actor) -> None:
        """Every check :meth:`open_case` makes, without writing (an import's dry run
        promises only a case the real import would open)."""
        _, _, applied = self._draft(new, actor, self.clock.now())
        with read_transaction(self.db) as conn:
            self._check_references(conn, applied.case, applied.columns)

    def open_case(self, new: NewCase, actor: Actor) -> Case:
        """Open a case in its workflow's initial state, with its first audit row."""
        with self._writes.transaction() as conn:
            return self.open_in(conn, new, actor)

    def open_in(
        self,
        conn: Connection,
        new: NewCase,
        actor: Actor,
        *,
        imported_in: str | None = None,
        comment: str | None = None,
    ) -> Case:
        """:meth:`open_case` inside the caller's transaction (an import's, with its items).

        ``imported_in`` opens the case in that state as the record of what a published
        document shows (an agenda item decided years ago): no step is fired and no one
        approved anything here, so its first audit row is of kind ``import``, with
        ``comment`` naming the source, and no hook runs (history starts no deadline and
        notifies no one; the case's next step does as usual). Who may import is the
        caller's to check (:mod:`caseflow.services.imports`: the committee's secretariat).
        """
        now = self.clock.now()
        loaded, workflow, applied = self._draft(new, actor, now, imported_in)
        case = applied.case
        kind = AuditKind.OPEN if imported_in is None else AuditKind.IMPORT
        self._check_references(conn, case, applied.columns)
        self._register(conn, loaded.definition.id)
        if new.journal_no:
            journal.note_explicit(conn, new.journal_no)
        else:
            case.journal_no = journal.next_number(conn, _local_year(now))
        comment = (comment or "").strip() or None
        entry = self._entry(case, actor, now, kind, None, None, applied.audit, comment, 1)
        case.audit_head = entry.hash
        case.id = case_rows.insert_case(conn, case)
        audit.append(conn, case.id, entry)
        if kind is AuditKind.OPEN:
            self._run_hooks(conn, CaseEvent(kind, None, case, actor, now, entry, None, workflow))
        return case

    def _draft(
        self, new: NewCase, actor: Actor, now: datetime, imported_in: str | None = None
    ) -> tuple[LoadedWorkflow, CompiledWorkflow, AppliedChanges]:
        """The case ``new`` would open, checked for what needs no database."""
        loaded = self.registry.current_version(new.workflow_id)
        workflow = self.registry.compiled(loaded)
        if imported_in is not None and imported_in not in loaded.definition.states:
            raise InvalidInput(f"workflow {new.workflow_id} has no state {imported_in!r}")
        draft = Case(
            id=0,
            journal_no=new.journal_no or "",
            title="",
            workflow_id=loaded.definition.id,
            workflow_version=loaded.version,
            state=imported_in or loaded.definition.initial_state,
            version=1,
            origin=new.origin,
            lead_administration=None,
            participating_administrations=[],
            committee=None,
            summary="",
            recommendations=[],
            sections={},
            attachments=[],
            fields={},
            case_officer=None,
            created_at=now,
            updated_at=now,
            state_entered_at=now,
            audit_head="",
        )
        applied = apply_changes(draft, _initial_values(new, actor))
        if imported_in is None:
            self._check_may_open(workflow, applied.case, actor)
        if new.journal_no:
            journal.check_format(new.journal_no)
        return loaded, workflow, applied

    def fire(
        self,
        journal_no: str,
        trigger: str,
        actor: Actor,
        *,
        changes: Mapping[str, Any] | None = None,
        comment: str | None = None,
        expected_version: int | None = None,
        service: ServiceName | None = None,
    ) -> Case:
        """Fire ``trigger`` on a case as ``actor``, with optional field changes."""
        with self._writes.transaction() as conn:
            return self.fire_in(
                conn,
                journal_no,
                trigger,
                actor,
                changes=changes,
                comment=comment,
                expected_version=expected_version,
                service=service,
            )

    def fire_in(
        self,
        conn: Connection,
        journal_no: str,
        trigger: str,
        actor: Actor,
        *,
        changes: Mapping[str, Any] | None = None,
        comment: str | None = None,
        expected_version: int | None = None,
        service: ServiceName | None = None,
    ) -> Case:
        """:meth:`fire` inside the caller's transaction (a service's, the dispatcher's).

        A transition the workflow reserves for a service (``service: agenda``) fires only
        when that ``service`` fires it, so its row writes and checks are never skipped.
        """
        now = self.clock.now()
        try:
            before, read = case_rows.get_with(conn, journal_no, self.case_reads(conn))
        except NotFound:
            raise not_visible(journal_no) from None
        require_may_read(before, actor)
        _check_version(before, expected_version)
        workflow = self.registry.for_case(conn, before.workflow_id, before.workflow_version)
        transition = self._allowed_transition(workflow, before, trigger, actor)
        if transition.service is not None and transition.service != service:
            raise NotAllowed(
                f"'{trigger}' is done through "
                f"{_TAKEN_THROUGH.get(transition.service, transition.service)}, "
                "not as a step of its own",
                code=ErrorCode.TRIGGER_OWNED_BY_SERVICE,
                trigger=trigger,
                service=transition.service,
                journal_no=journal_no,
            )
        applied = apply_changes(before, changes or {})
        case = applied.case
        self._check_references(conn, case, applied.columns)
        comment = (comment or "").strip() or None
        reasons = check_guards(transition.guards, case, actor, comment)
        if transition.requires_comment and not comment and COMMENT_REQUIRED not in reasons:
            reasons.insert(0, COMMENT_REQUIRED)
        if reasons:
            raise NotAllowed(
                f"cannot '{trigger}' case {journal_no}: " + "; ".join(reasons),
                code=ErrorCode.GUARDS_FAILED,
                trigger=trigger,
                reasons=reasons,
                comment_required=COMMENT_REQUIRED in reasons,
            )
        case.state = workflow.apply(before.state, trigger)
        case.state_entered_at = now
        case.state_generation = before.version + 1
        return self._commit(
            conn,
            before,
            case,
            applied,
            actor,
            now,
            AuditKind.FIRE,
            transition,
            workflow,
            comment,
            read,
        )

    def case_reads(self, conn: Connection) -> case_rows.CaseReads:
        """What the hooks read with a fired case (see :data:`TransactionHook`)."""
        return self.case_reads_for(conn.dialect.name)

    def case_reads_for(self, dialect: str) -> case_rows.CaseReads:
        """:meth:`case_reads` on a database of ``dialect``."""
        found = self._case_reads.get(dialect)
        if found is None:
            found = self._case_reads[dialect] = tuple(
                pair
                for hook in self.hooks
                for pair in getattr(hook, "case_reads", _no_reads)(dialect)
            )
        return found

    def edit(
        self,
        journal_no: str,
        changes: Mapping[str, Any],
        actor: Actor,
        *,
        comment: str | None = None,
        expected_version: int | None = None,
    ) -> Case:
        """Change fields of a case without moving it; audited like a fire."""
        if not changes:
            raise InvalidInput(
                "nothing to change; give at least one field", code=ErrorCode.NOTHING_TO_CHANGE
            )
        with self._writes.transaction() as conn:
            before = visible_case(conn, journal_no, actor)
            _check_version(before, expected_version)
            workflow = self.registry.for_case(conn, before.workflow_id, before.workflow_version)
            self._check_may_edit(workflow, before, actor)
            return self.record_in(
                conn, before, changes, actor, kind=AuditKind.EDIT, comment=comment
            )

    def record_in(
        self,
        conn: Connection,
        before: Case,
        changes: Mapping[str, Any],
        actor: Actor,
        *,
        kind: AuditKind,
        comment: str | None = None,
    ) -> Case:
        """Audit an event that leaves the state alone (an edit, a deadline event).

        An event of kind "edit" with no actual change writes nothing; other kinds
        are recorded even without field changes (a reminder sent is history too).
        """
        now = self.clock.now()
        workflow = self.registry.for_case(conn, before.workflow_id, before.workflow_version)
        applied = apply_changes(before, changes)
        if not applied.audit and kind is AuditKind.EDIT:
            return before
        self._check_references(conn, applied.case, applied.columns)
        applied.case.state_entered_at = None  # unchanged: not written
        comment = (comment or "").strip() or None
        return self._commit(
            conn, before, applied.case, applied, actor, now, kind, None, workflow, comment
        )

    # -- internals -------------------------------------------------------------

    def _commit(
        self,
        conn: Connection,
        before: Case,
        case: Case,
        applied: AppliedChanges,
        actor: Actor,
        now: datetime,
        kind: AuditKind,
        transition: TransitionDef | None,
        workflow: CompiledWorkflow,
        comment: str | None,
        read: Mapping[str, Any] | None = None,
    ) -> Case:
        case.version = before.version + 1
        case.updated_at = now
        entry = self._entry(
            case,
            actor,
            now,
            kind,
            transition.trigger if transition else None,
            before.state,
            applied.audit,
            comment,
            before.version + 1,
            prev_hash=before.audit_head,
        )
        case.audit_head = entry.hash
        # On PostgreSQL the hooks' writes, the case's and its audit row's go to the server
        # together, in one round trip (the version check runs when they have).
        with deferred_writes(conn):
            if self.hooks:
                event = CaseEvent(
                    kind, before, case, actor, now, entry, transition, workflow, read or {}
                )
                self._run_hooks(conn, event)
            columns = case_rows.case_to_values(case, applied.columns | {"state"})
            case_rows.save(conn, case, before.version, columns, entry=entry)
        return case

    def hooks_idle(
        self, kind: AuditKind, changed_fields: frozenset[str], workflow: CompiledWorkflow
    ) -> bool:
        """Whether every hook would do nothing with an event of ``kind`` changing these fields.

        A hook says so with a method ``idle_for(kind, changed_fields, workflow)``; one
        without it (a plain function) may do anything, so then the answer is no. The
        deadline dispatcher asks, to record its events set-wise without the hooks.
        """
        for hook in self.hooks:
            idle_for = getattr(hook, "idle_for", None)
            if idle_for is None or not idle_for(kind, changed_fields, workflow):
                return False
        return True

    def _run_hooks(self, conn: Connection, event: CaseEvent) -> None:
        for hook in self.hooks:
            hook(conn, event)

    @staticmethod
    def _entry(
        case: Case,
        actor: Actor,
        now: datetime,
        kind: AuditKind,
        trigger: str | None,
        from_state: str | None,
        changes: dict[str, Any],
        comment: str | None,
        seq: int,
        prev_hash: str = audit.GENESIS,
    ) -> AuditEntry:
        entry = AuditEntry(
            seq=seq,
            at=now,
            actor=actor.username,
            kind=kind,
            trigger=trigger,
            from_state=from_state,
            to_state=case.state,
            changes=changes,
            comment=comment,
            prev_hash=prev_hash,
            state_hash=case_state_hash(case),  # records: the case row is checked against it
        )
        return audit.seal(case.journal_no, entry)

    def _register(self, conn: Connection, workflow_id: str) -> bool:
        loaded = self.registry.current_version(workflow_id)
        return stored_workflows.register(
            conn,
            workflow_id=workflow_id,
            version=loaded.version,
            title=loaded.definition.title.en,
            source_path=loaded.path,
            source_text=loaded.source_text,
            now=self.clock.now(),
        )

    def _allowed_transition(
        self, workflow: CompiledWorkflow, case: Case, trigger: str, actor: Actor
    ) -> TransitionDef:
        roles = actor.roles_for(case)
        transition = workflow.transition_for(case.state, trigger)
        if transition is None:
            open_now = [
                t.trigger for t in workflow.transitions_from(case.state) if roles & set(t.roles)
            ]
            allowed = ", ".join(open_now) if open_now else f"none for {actor.username}"
            known = any(t.trigger == trigger for t in workflow.definition.transitions)
            what = "in state" if known else "(no such step in its workflow) in state"
            raise NotAllowed(
                f"cannot '{trigger}' case {case.journal_no} {what} '{case.state}'; "
                f"allowed now: {allowed}",
                code=ErrorCode.TRIGGER_NOT_AVAILABLE,
                trigger=trigger,
                state=case.state,
                allowed=open_now,
                known=known,
            )
        if not roles & set(transition.roles):
            held = ", ".join(sorted(roles)) or "no role"
            raise NotAllowed(
                f"{actor.username} may not '{trigger}' case {case.journal_no}: it needs the role "
                f"{' or '.join(transition.roles)}, and {actor.username} holds {held} on this case",
                code=ErrorCode.ROLE_REQUIRED,
                roles=list(transition.roles),
                scope=case.journal_no,
            )
        return transition

    @staticmethod
    def _check_may_open(workflow: CompiledWorkflow, case: Case, actor: Actor) -> None:
        owner = workflow.definition.state(case.state).owner
        roles = actor.roles_for(case)
        if ADMINISTRATOR in roles or (owner in roles if owner else bool(roles)):
            return
        raise NotAllowed(
            f"{actor.username} may not open a {workflow.definition.id} case here: it needs the "
            f"role {owner or 'of the workflow'} in the case's administration or committee "
            f"(or {ADMINISTRATOR})"
        )

    @staticmethod
    def _check_may_edit(workflow: CompiledWorkflow, case: Case, actor: Actor) -> None:
        state = workflow.definition.state(case.state)
        if state.final:
            raise NotAllowed(
                f"case {case.journal_no} is {case.state} (a final state) and can no longer "
                "be edited"
            )
        roles = actor.roles_for(case)
        if ADMINISTRATOR in roles or (state.owner is not None and state.owner in roles):
            return
        raise NotAllowed(
            f"{actor.username} may not edit case {case.journal_no} in state '{case.state}': "
            f"that needs the role {state.owner or ADMINISTRATOR} on this case"
        )

    @staticmethod
    def _check_references(conn: Connection, case: Case, columns: Iterable[str]) -> None:
        """Administrations and committees named by a case must exist."""
        columns = set(columns)
        if columns & {"lead_administration", "participating_administrations"}:
            known = set(organisation.administration_codes(conn))
            for code in [case.lead_administration, *case.participating_administrations]:
                if code is not None and code not in known:
                    raise InvalidInput(f"no administration {code!r}; {_known(known)}")
        if "committee" in columns and case.committee is not None:
            known = set(organisation.committee_codes(conn))
            if case.committee not in known:
                raise InvalidInput(f"no committee {case.committee!r}; {_known(known)}")
        if "case_officer" in columns and case.case_officer is not None:
            try:
                organisation.get_actor(conn, case.case_officer)
            except NotFound:
                # Saved, the creator could lose sight of the case and a later actor of that
                # name gain it.
                raise InvalidInput(
                    f"no actor {case.case_officer!r} to be the case officer",
                    code=ErrorCode.UNKNOWN_ACTOR,
                    username=case.case_officer,
                ) from None

    def states_owned_by_any(self, actor: Actor) -> set[str]:
        """The states, in any current workflow, whose owner is a role ``actor`` holds."""
        roles = {g.role for g in actor.grants}
        states: set[str] = set()
        for loaded in self.registry.current.values():
            states |= {name for name, s in loaded.definition.states.items() if s.owner in roles}
        return states

    def is_mine(self, conn: Connection, case: Case, actor: Actor) -> bool:
        """Whether ``case`` is assigned to ``actor`` or waits for a role it holds on it."""
        if case.case_officer == actor.username:
            return True
        workflow = self.registry.for_case(conn, case.workflow_id, case.workflow_version)
        owner = workflow.definition.state(case.state).owner
        return owner is not None and owner in actor.roles_for(case)


def _no_reads(dialect: str) -> case_rows.CaseReads:
    del dialect
    return ()


def _initial_values(new: NewCase, actor: Actor) -> dict[str, Any]:
    officer = new.case_officer
    if officer is None and any(g.role == "case_officer" for g in actor.grants):
        officer = actor.username
    return {
        "title": new.title,
        "summary": new.summary,
        "lead_administration": new.lead_administration,
        "participating_administrations": list(new.participating_administrations),
        "committee": new.committee,
        "recommendations": list(new.recommendations),
        "sections": dict(new.sections),
        "attachments": [dict(a) for a in new.attachments],
        "fields": dict(new.fields),
        "case_officer": officer,
    }


def _known(codes: set[str]) -> str:
    if not codes:
        return "none are loaded yet (the organisation is empty)"
    return "known: " + ", ".join(sorted(codes))


def _check_version(case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.version:
        raise case_rows.stale_version(case, expected)


def _local_year(moment: datetime) -> int:
    return moment.astimezone(COPENHAGEN).year
