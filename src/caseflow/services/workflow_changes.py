"""Changing a workflow under running cases: what a new version changes (the diff, with the
cases it touches), and migrations that move running cases onto it and back.

A migration is a record of its own (``workflow_migrations``) with its plan, its actor,
its status and a per-case log. It runs in batches: one transaction per batch and a
SAVEPOINT per case, so a case that fails is logged and left on its version while the
rest go on. Between batches it reads its own status, so ``pause`` from another process
stops it there and ``resume`` goes on from its cursor. Moving a case is not a fire: the
row gets its new version and state, its live deadlines are recomputed under the new
rules from their original start (:mod:`caseflow.deadlines.migration`), and an audit
row of kind ``migrate`` names the migration, its plan, both versions and the actor.
A case that goes to a state where a chain of the new version runs, with no round of
it open, gets the chain's round as a fire into that state would open it
(:func:`caseflow.approvals.hook.plan_round`). Outbox rows are never touched. A revert
goes in batches too, and cancels the deadlines and rounds the move started. Only an
administrator migrates (:func:`caseflow.policy.require_may_migrate`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from caseflow import policy
from caseflow.approvals.hook import RoundOpening, open_round, plan_round
from caseflow.calendar import local_date
from caseflow.context import Context
from caseflow.deadlines.migration import (
    DeadlineAction,
    DeadlineBlocked,
    DeadlineMove,
    DueOf,
    LiveDeadline,
    due_in,
    plan_deadlines,
)
from caseflow.deadlines.scheduling import DueDates
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.definitions.approval_schema import ApprovalChain
from caseflow.definitions.diff import WorkflowDiff, diff_workflows
from caseflow.definitions.loader import LoadedWorkflow, load_workflow_text
from caseflow.definitions.migration_notes import MigrationNote, NoteKind, note, texts
from caseflow.definitions.migration_plan import MigrationPlan, check_plan, unmapped
from caseflow.definitions.schema import WorkflowDefinition
from caseflow.domain import Actor, AuditEntry, AuditKind
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed
from caseflow.services.workflows import MAX_WORKFLOW_TEXT, stored_version, unknown_workflow
from caseflow.store import approvals as approval_rows
from caseflow.store import audit
from caseflow.store import deadlines as deadline_rows
from caseflow.store import workflow_migrations as rows
from caseflow.store import workflows as stored
from caseflow.store.db import read_transaction
from caseflow.store.workflow_migrations import CaseOutcome, LiveRow, MigrationStatus, MovableCase
from caseflow.store.workflow_migrations import MigrationRecord as MigrationRecord

DEFAULT_BATCH = 500
MAX_BATCH = 10_000
MAX_LISTED = 50  # cases named in a refusal


# --- the diff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowText:
    """A workflow given as text (a file, a paste, an upload) and the name to report it by."""

    text: str
    name: str = "workflow.yaml"


VersionSource = WorkflowText | str
"""A workflow file's text, or a stored version by name (see :func:`stored_version`)."""


@dataclass(frozen=True)
class DiffResult:
    """The diff, and how many running cases of the old version sit in each state that the
    new version removes or changes."""

    diff: WorkflowDiff
    cases_in_touched_states: Mapping[str, int]

    def to_json(self) -> dict[str, Any]:
        return {**self.diff.to_json(), "running_cases": dict(self.cases_in_touched_states)}


def _load(ctx: Context, conn: Connection, source: VersionSource) -> LoadedWorkflow:
    """The version as cases would run on it: a text read as the database's versions are
    read (:func:`load_workflow_text` with ``stored``), with the version hash it has."""
    if isinstance(source, WorkflowText):
        _check_size(source)
        plain = load_workflow_text(source.text, source.name)
        as_run = load_workflow_text(source.text, source.name, stored=True)
        return dataclasses.replace(as_run, version=plain.version)
    return stored_version(ctx, conn, source)


def _check_size(source: WorkflowText) -> None:
    if len(source.text) > MAX_WORKFLOW_TEXT:
        raise InvalidInput(
            f"a workflow of at most {MAX_WORKFLOW_TEXT} characters is compared", field="text"
        )


def workflow_id_of(source: WorkflowText) -> str:
    """The id a workflow's text declares; every problem it has is raised at once."""
    _check_size(source)
    return load_workflow_text(source.text, source.name).definition.id


def diff_versions(ctx: Context, actor: Actor, old: VersionSource, new: VersionSource) -> DiffResult:
    """What ``new`` changes against ``old`` (an administrator's: it counts cases)."""
    policy.require_administrator(actor, "compare workflow versions")
    with read_transaction(ctx.engine.db) as conn:
        before = _load(ctx, conn, old)
        after = _load(ctx, conn, new)
        if before.definition.id != after.definition.id:
            raise InvalidInput(
                f"these are two workflows ({before.definition.id} and {after.definition.id}); "
                "compare two versions of one",
                field="new",
            )
        diff = diff_workflows(
            before.definition,
            after.definition,
            old_version=before.version,
            new_version=after.version,
        )
        counts = stored.cases_by_version_and_state(conn, before.definition.id)
    touched = {state: counts.get((before.version, state), 0) for state in diff.touched_states()}
    return DiffResult(diff, touched)


def diff_with_current(ctx: Context, actor: Actor, new: WorkflowText) -> DiffResult:
    """What a workflow's text changes against the version its workflow's new cases get now;
    for a workflow that does not exist yet, everything in it is added."""
    policy.require_administrator(actor, "compare workflow versions")
    workflow_id = workflow_id_of(new)
    if workflow_id in ctx.engine.registry.fresh():
        return diff_versions(ctx, actor, workflow_id, new)
    after = load_workflow_text(new.text, new.name, stored=True)
    empty = WorkflowDefinition(
        id=workflow_id, title=after.definition.title, roles={}, states={}, transitions=()
    )
    diff = diff_workflows(empty, after.definition, new_version=after.version)
    return DiffResult(diff, {})


# --- planning a migration -----------------------------------------------------------------------


@dataclass(frozen=True)
class MigrateRequest:
    """``caseflow workflow migrate ID --to VERSION [--from VERSION] [--map old=new]
    [--where state=S]``: versions by name (:func:`stored_version`); ``to`` None: the
    version new cases get now."""

    workflow_id: str
    to: str | None = None
    from_: Sequence[str] = ()
    mapping: Mapping[str, str] = field(default_factory=dict)
    where_states: Sequence[str] = ()
    batch_size: int = DEFAULT_BATCH


class Verdict(StrEnum):
    OK = "ok"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class CasePreview:
    journal_no: str
    from_version: str
    from_state: str
    to_state: str | None
    verdict: Verdict
    reasons: tuple[MigrationNote, ...] = ()
    warnings: tuple[MigrationNote, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``reasons`` and ``warnings`` in English, as always; ``notes`` the same with
        each note's kind and params."""
        return {
            "journal_no": self.journal_no,
            "from_version": self.from_version,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "verdict": str(self.verdict),
            "reasons": texts(self.reasons),
            "warnings": texts(self.warnings),
            "notes": {
                "reasons": [n.to_json() for n in self.reasons],
                "warnings": [n.to_json() for n in self.warnings],
            },
        }


@dataclass(frozen=True)
class MigrationPreview:
    """A dry run: per case what would happen, and the totals."""

    workflow_id: str
    to_version: str
    plan: MigrationPlan
    cases: Sequence[CasePreview]
    refused: bool  # an occupied state has no place in the new version

    @property
    def totals(self) -> dict[str, int]:
        return {
            "cases": len(self.cases),
            "ok": sum(1 for c in self.cases if c.verdict is Verdict.OK),
            "blocked": sum(1 for c in self.cases if c.verdict is Verdict.BLOCKED),
            "with_warnings": sum(1 for c in self.cases if c.warnings),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow_id,
            "to_version": self.to_version,
            "plan": self.plan.to_json(),
            "refused": self.refused,
            "totals": self.totals,
            "cases": [c.to_json() for c in self.cases],
        }


@dataclass(frozen=True)
class _Setting:
    """What a run or a dry run works from, read in its transaction."""

    plan: MigrationPlan
    new: WorkflowDefinition
    old: Mapping[str, WorkflowDefinition]  # by version moved from
    states_by_version: Mapping[str, tuple[str, ...]]  # the states selected, by version
    due_of: DueOf  # due dates, worked out once per rule, start and field value
    chains_in: Mapping[str, tuple[ApprovalChain, ...]]  # the new version's, by state run in
    due_dates: DueDates  # a round's step deadline, as the chain starter computes it


def _chains_by_state(definition: WorkflowDefinition) -> dict[str, tuple[ApprovalChain, ...]]:
    """The chains of ``definition`` by each state they run in (their transition's
    sources): a case moved into such a state waits on them."""
    found: dict[str, list[ApprovalChain]] = {}
    for transition in definition.approval_transitions:
        if transition.approval is not None:
            for state in transition.sources:
                found.setdefault(state, []).append(transition.approval)
    return {state: tuple(chains) for state, chains in found.items()}


def _setting(ctx: Context, conn: Connection, request: MigrateRequest) -> _Setting:
    registry = ctx.engine.registry
    if request.workflow_id not in registry.fresh() and not stored.versions_of(
        conn, request.workflow_id
    ):
        raise unknown_workflow(request.workflow_id, sorted(registry.current))
    target = _load(ctx, conn, request.to or request.workflow_id)
    if target.definition.id != request.workflow_id:
        raise InvalidInput(
            f"version {target.version[:12]} is of {target.definition.id}, "
            f"not of {request.workflow_id}",
            field="to",
        )
    from_versions = tuple(
        _load(ctx, conn, f"{request.workflow_id}@{ref}" if "@" not in ref else ref).version
        for ref in request.from_
    )
    plan = MigrationPlan(
        request.workflow_id,
        target.version,
        from_versions,
        dict(request.mapping),
        tuple(request.where_states),
    )
    old: dict[str, WorkflowDefinition] = {}
    for version in stored.versions_of(conn, request.workflow_id):
        if plan.moves_from(version.version):
            old[version.version] = registry.for_case(
                conn, request.workflow_id, version.version
            ).definition
    problems = check_plan(plan, list(old.values()), target.definition)
    if problems:
        raise InvalidInput(
            "the plan does not fit the versions: " + "; ".join(problems),
            code=ErrorCode.INVALID_PLAN,
            problems=problems,
        )
    states = {
        version: tuple(
            name for name, s in definition.states.items() if not s.final and plan.selects(name)
        )
        for version, definition in old.items()
    }
    return _Setting(
        plan,
        target.definition,
        old,
        states,
        due_in(ctx.calendars),
        _chains_by_state(target.definition),
        DueDates(ctx.calendars),
    )


def _unmapped_cases(conn: Connection, setting: _Setting) -> list[MovableCase]:
    counts = stored.cases_by_version_and_state(conn, setting.plan.workflow_id)
    occupied = {
        key: n
        for key, n in counts.items()
        if key[0] in setting.states_by_version and key[1] in setting.states_by_version[key[0]]
    }
    missing = unmapped(setting.plan, occupied, setting.new)
    if not missing:
        return []
    by_version: dict[str, list[str]] = {}
    for version, state in missing:
        by_version.setdefault(version, []).append(state)
    return rows.candidates(conn, setting.plan.workflow_id, by_version)


def _refusal(found: Sequence[MovableCase]) -> NotAllowed:
    states = sorted({c.state for c in found})
    listed = [c.journal_no for c in found[:MAX_LISTED]]
    more = f" and {len(found) - MAX_LISTED} more" if len(found) > MAX_LISTED else ""
    return NotAllowed(
        f"nothing was moved: {len(found)} running case(s) sit in states the new version "
        f"does not have ({', '.join(states)}): {', '.join(listed)}{more}; map each state "
        "to one of the new version's",
        code=ErrorCode.UNMAPPED_STATES,
        states=states,
        cases=listed,
    )


def _live(row: LiveRow) -> LiveDeadline:
    return LiveDeadline(
        row.id, row.rule_id, row.status, row.started_at, row.due_at, row.reminders_at
    )


@dataclass(frozen=True)
class _CaseMove:
    """One case's planned move, or why it cannot move."""

    case: MovableCase
    to_state: str | None
    moves: tuple[DeadlineMove, ...]
    blocked: tuple[MigrationNote, ...]
    warnings: tuple[MigrationNote, ...]
    rounds: tuple[RoundOpening, ...] = ()  # opened with the move
    drafters: tuple[str, ...] = ()  # of those rounds


@dataclass(frozen=True)
class _Standing:
    """What a case's place outside its own row says about moving it (filled in by
    :func:`_standing` only)."""

    warnings: list[MigrationNote] = field(default_factory=list)
    blocked: list[MigrationNote] = field(default_factory=list)
    # Chains the case will wait on in its new state with no round open: each with the
    # newest round of its trigger (where a returned one restarts); and their drafters.
    to_open: list[tuple[ApprovalChain, approval_rows.ChainRecord | None]] = field(
        default_factory=list
    )
    drafters: tuple[str, ...] = ()


_NOWHERE = _Standing()


def _standing(
    conn: Connection, setting: _Setting, selected: Sequence[MovableCase]
) -> dict[int, _Standing]:
    """By case id, what comes from where each case of ``selected`` stands outside its
    own row: on a published agenda, an approval step open. Read once per batch (or dry
    run), in its transaction."""
    ids = [c.id for c in selected]
    found: dict[int, _Standing] = {}
    for case_id in rows.on_published_agenda(conn, ids):
        found.setdefault(case_id, _Standing()).warnings.append(note(NoteKind.ON_PUBLISHED_AGENDA))
    steps = approval_rows.open_steps(conn, ids)
    for case in selected:
        target = setting.plan.target(case.state, setting.new)
        for trigger, index in steps.get(case.id, ()):
            _open_step(
                found.setdefault(case.id, _Standing()),
                _chain_of(setting.old[case.workflow_version], trigger, case.state),
                _chain_of(setting.new, trigger, target),
                (trigger, index, target),
            )
    if setting.chains_in:
        _rounds_to_open(conn, setting, selected, steps, found)
    return found


def _rounds_to_open(
    conn: Connection,
    setting: _Setting,
    selected: Sequence[MovableCase],
    steps: Mapping[int, list[tuple[str, int]]],
    found: dict[int, _Standing],
) -> None:
    """Note in ``found`` each case that goes to a state where a chain of the new version
    runs and has no round of that chain open (it sat there under a version whose step
    had no chain): the move opens the round, or the case would wait for an approval
    nobody can give. Read per such case only: most cases of a batch are not one."""
    waiting: list[int] = []
    for case in selected:
        target = setting.plan.target(case.state, setting.new)
        chains = setting.chains_in.get(target) if target is not None else None
        if not chains:
            continue
        running = {trigger for trigger, _ in steps.get(case.id, ())}
        for chain in chains:
            if chain.trigger not in running:
                last = approval_rows.last_chain(conn, case.id, chain.trigger)
                found.setdefault(case.id, _Standing()).to_open.append((chain, last))
                if not waiting or waiting[-1] != case.id:
                    waiting.append(case.id)
    for case_id, (actor, officer) in rows.last_movers(conn, waiting).items():
        standing = found[case_id]
        found[case_id] = dataclasses.replace(standing, drafters=_drafters(actor, officer))


def _drafters(last_mover: str, case_officer: str | None) -> tuple[str, ...]:
    """Who drafted a round a migration opens: whoever took the case's last step (the
    fire that brought it where it waits, usually its submission) and its case officer.

    That is who the chain starter would have recorded had the chain existed when the
    case entered the state (the fire's actor and the case officer), so the rule that a
    drafter may not approve their own draft holds as if the round had opened then. Not
    the administrator who migrates: they drafted nothing, and naming them would let
    the person who submitted the draft approve it.
    """
    return tuple(sorted({last_mover, *([case_officer] if case_officer else [])}))


def _open_step(
    standing: _Standing,
    old: ApprovalChain | None,
    new: ApprovalChain | None,
    where: tuple[str, int, str | None],
) -> None:
    """A round of ``trigger``'s chain open at step ``index``, for a case going to state
    ``target`` (``where``). The round goes on at the same place in the new version's chain, in the
    new state: another step there is named; no step there, or no chain of the trigger
    in that state, blocks the case, whose round would wait for a step that is not."""
    trigger, index, target = where
    step = old.steps[index].name if old and index < len(old.steps) else f"step {index + 1}"
    warning = note(NoteKind.APPROVAL_STEP_OPEN, step=step, trigger=trigger)
    if target is None:  # the case is blocked for its state already
        standing.warnings.append(warning)
    elif new is None:
        standing.blocked.append(
            note(NoteKind.APPROVAL_CHAIN_NOT_IN_STATE, step=step, trigger=trigger, state=target)
        )
    elif index >= len(new.steps):
        standing.blocked.append(
            note(NoteKind.APPROVAL_STEP_MISSING, step=step, trigger=trigger, number=index + 1)
        )
    elif new.steps[index].name != step:
        standing.warnings.append(
            note(
                NoteKind.APPROVAL_STEP_REPLACED,
                step=step,
                trigger=trigger,
                new_step=new.steps[index].name,
            )
        )
    else:
        standing.warnings.append(warning)


def _chain_of(
    definition: WorkflowDefinition, trigger: str, state: str | None
) -> ApprovalChain | None:
    """The chain of ``trigger`` that runs in ``state``, if the version has one."""
    for transition in definition.approval_transitions:
        if transition.trigger == trigger and state in transition.sources:
            return transition.approval
    return None


def _plan_case(
    ctx: Context,
    setting: _Setting,
    case: MovableCase,
    live: Sequence[LiveRow],
    standing: _Standing,
    now: datetime,
) -> _CaseMove:
    target = setting.plan.target(case.state, setting.new)
    warnings = list(standing.warnings)
    if target is None:
        why = note(NoteKind.STATE_NOT_IN_NEW_VERSION, state=case.state)
        return _CaseMove(case, None, (), (why,), tuple(warnings))
    if standing.blocked:
        return _CaseMove(case, target, (), tuple(standing.blocked), tuple(warnings))
    try:
        moves = plan_deadlines(
            [_live(r) for r in live],
            old=setting.old[case.workflow_version],
            new=setting.new,
            new_state=target,
            state_entered_at=case.state_entered_at or case.created_at,
            fields=case.fields,
            calendars=ctx.calendars,
            due_of=setting.due_of,
        )
    except DeadlineBlocked as blocked:
        return _CaseMove(case, target, (), (blocked.note,), tuple(warnings))
    if target != case.state:
        warnings.insert(0, note(NoteKind.MOVES_STATE, from_state=case.state, to_state=target))
    warnings += [said for m in moves if (said := m.warning) is not None]
    if not standing.to_open:
        return _CaseMove(case, target, tuple(moves), (), tuple(warnings))
    rounds = tuple(
        plan_round(setting.new, chain, last, case.fields, now, setting.due_dates)
        for chain, last in standing.to_open
    )
    warnings += [_round_note(r) for r in rounds]
    return _CaseMove(case, target, tuple(moves), (), tuple(warnings), rounds, standing.drafters)


def _round_note(opening: RoundOpening) -> MigrationNote:
    said: dict[str, str | int] = {
        "trigger": opening.trigger,
        "number": opening.step_index + 1,
        "step": opening.step,
    }
    if opening.due is None:
        return note(NoteKind.APPROVAL_ROUND_OPENED_UNTIMED, **said)
    due = local_date(opening.due.due_at).isoformat()
    return note(NoteKind.APPROVAL_ROUND_OPENED, **said, date=due)


def preview_migration(ctx: Context, actor: Actor, request: MigrateRequest) -> MigrationPreview:
    """The dry run: what would happen to each selected case; nothing is written."""
    policy.require_may_migrate(actor)
    with read_transaction(ctx.engine.db) as conn:
        setting = _setting(ctx, conn, request)
        selected = rows.candidates(conn, request.workflow_id, setting.states_by_version)
        live = rows.live_deadlines(conn, [c.id for c in selected])
        standing = _standing(conn, setting, selected)
    now = ctx.engine.clock.now()
    previews = []
    for case in selected:
        planned = _plan_case(
            ctx, setting, case, live.get(case.id, []), standing.get(case.id, _NOWHERE), now
        )
        previews.append(
            CasePreview(
                case.journal_no,
                case.workflow_version,
                case.state,
                planned.to_state,
                Verdict.BLOCKED if planned.blocked else Verdict.OK,
                planned.blocked,
                planned.warnings,
            )
        )
    refused = any(p.to_state is None for p in previews)
    return MigrationPreview(
        request.workflow_id, setting.plan.to_version, setting.plan, previews, refused
    )


# --- running it ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MigrationReport:
    """What a run (or a resume) did, and where the migration is now."""

    migration: rows.MigrationRecord
    moved: int
    failed: Sequence[tuple[str, str]]  # journal number, why
    batches: int

    def to_json(self) -> dict[str, Any]:
        return {
            "migration": migration_json(self.migration),
            "moved": self.moved,
            "failed": [{"journal_no": j, "reason": r} for j, r in self.failed],
            "batches": self.batches,
        }


def migration_json(record: rows.MigrationRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "workflow": record.workflow_id,
        "to_version": record.to_version,
        "plan": dict(record.plan),
        "actor": record.actor,
        "status": str(record.status),
        "moved": record.moved,
        "failed": record.failed,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        "reverted_at": record.reverted_at.isoformat() if record.reverted_at else None,
        "reverted_by": record.reverted_by,
    }


def start_migration(
    ctx: Context, actor: Actor, request: MigrateRequest, *, max_batches: int | None = None
) -> MigrationReport:
    """Create the migration and move its cases batch by batch (``max_batches``: stop after
    so many, leaving it paused). Refused before any change if an occupied state has no
    place in the new version."""
    policy.require_may_migrate(actor)
    if not 1 <= request.batch_size <= MAX_BATCH:
        raise InvalidInput(
            f"a batch holds 1 to {MAX_BATCH} cases, not {request.batch_size}", field="batch_size"
        )
    now = ctx.engine.clock.now()
    with ctx.engine.transaction() as conn:
        setting = _setting(ctx, conn, request)
        found = _unmapped_cases(conn, setting)
        if found:
            raise _refusal(found)
        migration_id = rows.create(
            conn,
            workflow_id=request.workflow_id,
            to_version=setting.plan.to_version,
            plan=setting.plan.to_json(),
            actor=actor.username,
            batch_size=request.batch_size,
            now=now,
        )
    return _run(ctx, actor, migration_id, max_batches)


def resume_migration(
    ctx: Context, actor: Actor, migration_id: int, *, max_batches: int | None = None
) -> MigrationReport:
    """Go on with a paused (or interrupted) migration from where it stopped."""
    policy.require_may_migrate(actor)
    with ctx.engine.transaction() as conn:
        record = rows.get(conn, migration_id)
        if record.status not in (MigrationStatus.PAUSED, MigrationStatus.RUNNING):
            raise _wrong_status(record, "resume")
        rows.set_status(conn, migration_id, MigrationStatus.RUNNING, ctx.engine.clock.now())
    return _run(ctx, actor, migration_id, max_batches)


def pause_migration(ctx: Context, actor: Actor, migration_id: int) -> rows.MigrationRecord:
    """Stop a running migration after its current batch (from any process)."""
    policy.require_may_migrate(actor)
    with ctx.engine.transaction() as conn:
        record = rows.get(conn, migration_id)
        if record.status is not MigrationStatus.RUNNING:
            raise _wrong_status(record, "pause")
        rows.set_status(conn, migration_id, MigrationStatus.PAUSED, ctx.engine.clock.now())
        return rows.get(conn, migration_id)


def _wrong_status(record: rows.MigrationRecord, doing: str) -> NotAllowed:
    return NotAllowed(
        f"migration {record.id} is {record.status}: it cannot {doing} now",
        code=ErrorCode.MIGRATION_STATUS,
        migration_id=record.id,
        status=str(record.status),
        wanted=doing,
    )


def _run(ctx: Context, actor: Actor, migration_id: int, max_batches: int | None) -> MigrationReport:
    moved = 0
    failed: list[tuple[str, str]] = []
    batches = 0
    # The setting is read again only when the workflow's stored versions change (a
    # version published meanwhile): loading and checking the versions is most of
    # what a batch costs beyond its cases.
    known: tuple[tuple[str, ...], _Setting] | None = None
    while max_batches is None or batches < max_batches:
        with ctx.engine.transaction() as conn:
            record = rows.get(conn, migration_id)
            if record.status is not MigrationStatus.RUNNING:
                break
            versions = tuple(v.version for v in stored.versions_of(conn, record.workflow_id))
            if known is None or known[0] != versions:
                request = MigrateRequest(
                    record.workflow_id,
                    f"{record.workflow_id}@{record.to_version}",
                    tuple(record.plan.get("from", ())),
                    dict(record.plan.get("map", {})),
                    tuple(record.plan.get("where", ())),
                )
                known = (versions, _setting(ctx, conn, request))
            setting = known[1]
            batch = rows.candidates(
                conn,
                record.workflow_id,
                setting.states_by_version,
                after_id=record.last_case_id,
                limit=record.batch_size,
            )
            now = ctx.engine.clock.now()
            if not batch:
                rows.set_status(conn, migration_id, MigrationStatus.DONE, now)
                break
            done, lost = _move_batch(ctx, conn, actor, record, setting, batch, now)
            rows.advance(
                conn,
                migration_id,
                last_case_id=batch[-1].id,
                moved=done,
                failed=len(lost),
                now=now,
            )
        moved += done
        failed += lost
        batches += 1
    if max_batches is not None and batches >= max_batches:
        with ctx.engine.transaction() as conn:
            if rows.get(conn, migration_id).status is MigrationStatus.RUNNING:
                rows.set_status(conn, migration_id, MigrationStatus.PAUSED, ctx.engine.clock.now())
    with read_transaction(ctx.engine.db) as conn:
        record = rows.get(conn, migration_id)
    return MigrationReport(record, moved, failed, batches)


class _Changed(Exception):
    """The case was written by someone else after the batch read it."""


class _SomeChanged(SQLAlchemyError):
    """A case of a set-wise batch was written meanwhile: redo the batch case by case."""


@dataclass
class _Writes:
    """A batch's writes other than the case rows, made set-wise after them."""

    audit: list[tuple[int, AuditEntry, str]] = field(default_factory=list)
    rescheduled: list[rows.Rescheduled] = field(default_factory=list)
    other: list[tuple[MovableCase, DeadlineMove]] = field(default_factory=list)
    rounds: list[_CaseMove] = field(default_factory=list)  # moves that open rounds

    def add(self, plan: _CaseMove) -> None:
        case = plan.case
        if plan.rounds:
            self.rounds.append(plan)
        for move in plan.moves:
            if move.action is DeadlineAction.RECOMPUTE and move.deadline_id and move.due:
                due = move.due
                self.rescheduled.append(
                    (move.deadline_id, due.due_at, due.reminders, due.explanation)
                )
            elif move.action is not DeadlineAction.KEEP:
                self.other.append((case, move))

    def write(self, conn: Connection, now: datetime) -> None:
        rows.reschedule_many(conn, self.rescheduled, now)
        for case, move in self.other:
            _apply(conn, case, move, now)
        for plan in self.rounds:
            for opening in plan.rounds:
                open_round(conn, plan.case, opening, plan.drafters, now)
        audit.append_many(conn, self.audit)


def _move_batch(
    ctx: Context,
    conn: Connection,
    actor: Actor,
    record: rows.MigrationRecord,
    setting: _Setting,
    batch: Sequence[MovableCase],
    now: datetime,
) -> tuple[int, list[tuple[str, str]]]:
    """Move the cases of ``batch`` and log every one.

    Set-wise first: each case row is moved with its version check (a case changed since
    it was read is left and reported), then the batch's deadline and audit rows are
    written together. Should the database refuse any of it, the batch goes back to its
    savepoint and is moved again case by case, each in a SAVEPOINT of its own, so that
    only the case it refuses is left on its version.
    """
    ids = [c.id for c in batch]
    live = rows.live_deadlines(conn, ids)
    standing = _standing(conn, setting, batch)
    mark = rows.newest_deadline_id(conn)
    planned = [
        _plan_case(ctx, setting, c, live.get(c.id, []), standing.get(c.id, _NOWHERE), now)
        for c in batch
    ]
    # Rounds opened now get higher ids than this: a revert cancels the case's open ones.
    round_mark = approval_rows.newest_chain_id(conn) if any(p.rounds for p in planned) else None
    try:
        with rows.savepoint(conn):
            outcomes = _move_set_wise(conn, actor, record, planned, now)
    except SQLAlchemyError:
        outcomes = _move_one_by_one(conn, actor, record, planned, now)
    log: list[rows.LogRow] = []
    failed: list[tuple[str, str]] = []
    for plan, reasons in zip(planned, outcomes, strict=True):
        case = plan.case
        if reasons is None:
            touched = {m.deadline_id for m in plan.moves if m.action is not DeadlineAction.KEEP}
            before = [r.to_json() for r in live.get(case.id, []) if r.id in touched]
            undo: dict[str, Any] = {"before": before, "mark": mark}
            if plan.rounds:
                undo["rounds_after"] = round_mark
            log.append(_log_row(record, plan, CaseOutcome.MOVED, case.version + 1, (), undo, now))
        else:
            failed.append((case.journal_no, "; ".join(texts(reasons))))
            log.append(_log_row(record, plan, CaseOutcome.FAILED, None, reasons, {}, now))
    rows.log_many(conn, log)
    return len(batch) - len(failed), failed


def _log_row(
    record: rows.MigrationRecord,
    plan: _CaseMove,
    outcome: CaseOutcome,
    version: int | None,
    reasons: tuple[MigrationNote, ...],
    undo: dict[str, Any],
    now: datetime,
) -> rows.LogRow:
    """The case's log row: why it stays (``reasons``, empty if it moved) in English as
    its message, and every note with its kind and params."""
    case = plan.case
    return (
        record.id,
        case.id,
        outcome,
        case.workflow_version,
        case.state,
        plan.to_state or case.state,
        version,
        "; ".join(texts(reasons)) if reasons else None,
        (plan.warnings, reasons),
        undo,
        now,
    )


_CHANGED = (note(NoteKind.CHANGED_WHILE_MOVING),)

Outcome = tuple[MigrationNote, ...] | None
"""A planned case's outcome in a batch: why it stays, or None: moved."""


def _move_set_wise(
    conn: Connection,
    actor: Actor,
    record: rows.MigrationRecord,
    planned: Sequence[_CaseMove],
    now: datetime,
) -> list[Outcome]:
    """Each case's reasons for staying, or None: moved. Raises if a case changed since it
    was read (the caller then goes case by case)."""
    writes = _Writes()
    # Most cases' changes are alike (same versions, same deadline notes): encoded once.
    shared: dict[tuple[Any, ...], tuple[dict[str, Any], str]] = {}
    moved: list[tuple[MovableCase, str, str, str]] = []
    outcomes: list[Outcome] = []
    for plan in planned:
        if plan.blocked or plan.to_state is None:
            outcomes.append(plan.blocked)
            continue
        key = (
            plan.case.workflow_version,
            tuple((m.rule_id, m.action, m.note) for m in plan.moves),
        )
        found = None if plan.rounds else shared.get(key)
        if found is None:
            changes = _changes(record, plan)
            found = (changes, audit.encode_changes(changes))
            if not plan.rounds:
                shared[key] = found
        changes, text = found
        entry = _sealed(plan.case, actor, now, plan.to_state, changes, text)
        moved.append((plan.case, record.to_version, plan.to_state, entry.hash))
        writes.add(plan)
        writes.audit.append((plan.case.id, entry, text))
        outcomes.append(None)
    if not rows.move_many(conn, moved, now):
        raise _SomeChanged("a case changed while its batch was moved")
    writes.write(conn, now)
    return outcomes


def _move_one_by_one(
    conn: Connection,
    actor: Actor,
    record: rows.MigrationRecord,
    planned: Sequence[_CaseMove],
    now: datetime,
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for plan in planned:
        if plan.blocked or plan.to_state is None:
            outcomes.append(plan.blocked)
            continue
        try:
            with rows.savepoint(conn):
                entry, text = _audit_entry(
                    plan.case, actor, now, plan.to_state, _changes(record, plan)
                )
                if not _move_row(conn, record, plan, entry, now):
                    raise _Changed
                writes = _Writes(audit=[(plan.case.id, entry, text)])
                writes.add(plan)
                writes.write(conn, now)
        except _Changed:
            outcomes.append(_CHANGED)
        except SQLAlchemyError as exc:
            outcomes.append((note(NoteKind.DATABASE_REFUSED, error=type(exc).__name__),))
        else:
            outcomes.append(None)
    return outcomes


def _changes(record: rows.MigrationRecord, plan: _CaseMove) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "workflow_version": [plan.case.workflow_version, record.to_version],
        "migration": record.id,
        "plan": dict(record.plan),
    }
    noted = [
        {"rule": m.rule_id, "action": str(m.action), "reason": m.reason}
        for m in plan.moves
        if m.action is not DeadlineAction.KEEP
    ]
    if noted:
        changes["deadlines"] = noted
    if plan.rounds:
        changes["approval_rounds"] = [
            {
                "action": "open",
                "trigger": r.trigger,
                "round": r.round,
                "step": r.step,
                "deadline": r.rule_id if r.due is not None else None,
                "due_at": r.due.due_at.isoformat() if r.due is not None else None,
                "drafters": list(plan.drafters),
                "reason": _round_note(r).text,
            }
            for r in plan.rounds
        ]
    return changes


def _audit_entry(
    case: MovableCase,
    actor: Actor,
    now: datetime,
    to_state: str,
    changes: dict[str, Any],
) -> tuple[AuditEntry, str]:
    """The sealed audit row of a move (or a move back), and its changes as JSON text."""
    text = audit.encode_changes(changes)
    return _sealed(case, actor, now, to_state, changes, text), text


def _sealed(
    case: MovableCase,
    actor: Actor,
    now: datetime,
    to_state: str,
    changes: dict[str, Any],
    text: str,
) -> AuditEntry:
    entry = AuditEntry(
        seq=case.version + 1,
        at=now,
        actor=actor.username,
        kind=AuditKind.MIGRATE,
        trigger=None,
        from_state=case.state,
        to_state=to_state,
        changes=changes,
        comment=None,
        prev_hash=case.audit_head,
    )
    return audit.seal(case.journal_no, entry, text)


def _move_row(
    conn: Connection,
    record: rows.MigrationRecord,
    plan: _CaseMove,
    entry: AuditEntry,
    now: datetime,
) -> bool:
    assert plan.to_state is not None
    return rows.move_case(
        conn,
        plan.case,
        workflow_version=record.to_version,
        state=plan.to_state,
        audit_head=entry.hash,
        now=now,
    )


def _apply(conn: Connection, case: MovableCase, move: DeadlineMove, now: datetime) -> None:
    if move.action is DeadlineAction.CANCEL and move.deadline_id is not None:
        deadline_rows.close(conn, move.deadline_id, DeadlineStatus.CANCELLED, now)
    elif move.action is DeadlineAction.RECOMPUTE and move.deadline_id and move.due:
        rows.reschedule(
            conn,
            move.deadline_id,
            due_at=move.due.due_at,
            reminders_at=move.due.reminders,
            explanation=move.due.explanation,
            now=now,
        )
    elif move.action is DeadlineAction.START and move.due and move.started_at:
        deadline_rows.create(
            conn,
            case_id=case.id,
            rule_id=move.rule_id,
            generation=case.state_generation,
            started_at=move.started_at,
            not_before=move.due.not_before,
            due_at=move.due.due_at,
            reminders_at=move.due.reminders,
            explanation=move.due.explanation,
            now=now,
        )


# --- reverting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevertReport:
    """What a revert (or its resumption) did, and where the migration is now: reverted
    once every case it moved is back or listed, else reverting (run it again)."""

    migration: rows.MigrationRecord
    reverted: Sequence[str]  # journal numbers moved back
    kept: Sequence[tuple[str, str]]  # journal number, why it stays
    batches: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "migration": migration_json(self.migration),
            "reverted": list(self.reverted),
            "kept": [{"journal_no": j, "reason": r} for j, r in self.kept],
            "batches": self.batches,
        }


_REVERTABLE = (MigrationStatus.DONE, MigrationStatus.PAUSED, MigrationStatus.REVERTING)


def revert_migration(
    ctx: Context, actor: Actor, migration_id: int, *, max_batches: int | None = None
) -> RevertReport:
    """Move back every case the migration moved that has had no event since (its version
    is the one the move gave it), restoring its deadlines as they were and cancelling
    the deadlines and approval rounds the move started; list the others, which stay
    where they are now.

    In batches of the migration's batch size, one transaction each, as the run went:
    the migration is ``reverting`` until the last batch, and a revert stopped on the
    way (``max_batches``, a crash) goes on from the cases still moved when it is run
    again; a case reverted or listed is done with.
    """
    policy.require_may_migrate(actor)
    with ctx.engine.transaction() as conn:
        record = rows.get(conn, migration_id)
        if record.status not in _REVERTABLE:
            raise _wrong_status(record, "be reverted")
        if record.status is not MigrationStatus.REVERTING:
            rows.set_status(conn, migration_id, MigrationStatus.REVERTING, ctx.engine.clock.now())
    reverted: list[str] = []
    kept: list[tuple[str, str]] = []
    batches = 0
    while True:
        with ctx.engine.transaction() as conn:
            record = rows.get(conn, migration_id)
            if record.status is not MigrationStatus.REVERTING:
                break  # another process finished it
            logs = rows.case_log(conn, migration_id, [CaseOutcome.MOVED], limit=record.batch_size)
            now = ctx.engine.clock.now()
            if not logs:
                rows.set_status(
                    conn, migration_id, MigrationStatus.REVERTED, now, reverted_by=actor.username
                )
                record = rows.get(conn, migration_id)
                break
            if max_batches is not None and batches >= max_batches:
                break
            _revert_batch(conn, actor, record, logs, now, (reverted, kept))
        batches += 1
    return RevertReport(record, reverted, kept, batches)


def _revert_batch(
    conn: Connection,
    actor: Actor,
    record: rows.MigrationRecord,
    logs: Sequence[rows.CaseLog],
    now: datetime,
    into: tuple[list[str], list[tuple[str, str]]],
) -> None:
    """Revert the cases of ``logs`` (moved ones), noting each in ``into`` (reverted, kept)."""
    reverted, kept = into
    found = rows.cases_by_id(conn, [log.case_id for log in logs])
    for log in logs:
        case = found[log.case_id]
        if case.version == log.case_version and case.workflow_version == record.to_version:
            if _revert_case(conn, actor, record, log, case, now):
                rows.set_outcome(conn, log, CaseOutcome.REVERTED)
                reverted.append(case.journal_no)
                continue
            # Written by someone else after it was read here: it had an event since.
            case = rows.cases_by_id(conn, [case.id])[case.id]
        why = note(NoteKind.EVENTS_SINCE, then=log.case_version or 0, now=case.version)
        rows.set_outcome(conn, log, CaseOutcome.KEPT, why)
        kept.append((case.journal_no, why.text))


def _revert_case(
    conn: Connection,
    actor: Actor,
    record: rows.MigrationRecord,
    log: rows.CaseLog,
    case: MovableCase,
    now: datetime,
) -> bool:
    """Move one case back as its log row says; False (nothing written) if somebody
    changed it since it was read."""
    started = rows.started_since(conn, case.id, int(log.undo.get("mark", 0)))
    rounds = (
        approval_rows.open_since(conn, case.id, int(log.undo["rounds_after"]))
        if log.undo.get("rounds_after") is not None
        else []
    )
    changes = _revert_changes(record, log, started, rounds)
    entry, _ = _audit_entry(case, actor, now, log.from_state, changes)
    if not rows.move_case(
        conn,
        case,
        workflow_version=log.from_version,
        state=log.from_state,
        audit_head=entry.hash,
        now=now,
    ):
        return False
    for deadline_id, _rule in started:
        deadline_rows.close(conn, deadline_id, DeadlineStatus.CANCELLED, now)
    for opened in rounds:
        approval_rows.end(conn, opened.id, approval_rows.ChainStatus.CANCELLED, now)
    for snapshot in log.undo.get("before", ()):
        rows.restore(conn, snapshot)
    audit.append(conn, case.id, entry)
    return True


def _revert_changes(
    record: rows.MigrationRecord,
    log: rows.CaseLog,
    started: Sequence[tuple[int, str]],
    rounds: Sequence[approval_rows.ChainRecord],
) -> dict[str, Any]:
    """A revert's audit row: both versions, the migration it reverts, and each deadline
    and approval round the migration had started that the revert cancels, with the
    reason (as the move's own row gives its deadlines')."""
    changes: dict[str, Any] = {
        "workflow_version": [record.to_version, log.from_version],
        "reverts": record.id,
    }
    if started:
        changes["deadlines"] = [
            {
                "rule": rule_id,
                "action": str(DeadlineAction.CANCEL),
                "reason": note(
                    NoteKind.REVERT_DEADLINE_CANCELLED, rule=rule_id, migration=record.id
                ).text,
            }
            for _, rule_id in started
        ]
    if rounds:
        changes["approval_rounds"] = [
            {
                "action": "cancel",
                "trigger": r.trigger,
                "round": r.round,
                "reason": note(
                    NoteKind.REVERT_ROUND_CANCELLED,
                    trigger=r.trigger,
                    round=r.round,
                    migration=record.id,
                ).text,
            }
            for r in rounds
        ]
    return changes


# --- the record ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MigrationShown:
    migration: rows.MigrationRecord
    cases: Sequence[rows.CaseLog]

    def to_json(self) -> dict[str, Any]:
        return {
            "migration": migration_json(self.migration),
            "cases": [
                {
                    "journal_no": c.journal_no,
                    "outcome": str(c.outcome),
                    "from_version": c.from_version,
                    "from_state": c.from_state,
                    "to_state": c.to_state,
                    "message": c.message,
                    "warnings": [n.text for n in c.warnings],
                    "notes": {
                        "reasons": [n.to_json() for n in c.reasons],
                        "warnings": [n.to_json() for n in c.warnings],
                    },
                    "at": c.at.isoformat(),
                }
                for c in self.cases
            ],
        }


def list_migrations(
    ctx: Context, actor: Actor, workflow_id: str | None = None
) -> list[rows.MigrationRecord]:
    """Every migration, newest first: plan, who ran it, status, counts."""
    policy.require_may_migrate(actor)
    with read_transaction(ctx.engine.db) as conn:
        return rows.search(conn, workflow_id)


def show_migration(ctx: Context, actor: Actor, migration_id: int) -> MigrationShown:
    """A migration with its per-case log."""
    policy.require_may_migrate(actor)
    with read_transaction(ctx.engine.db) as conn:
        return MigrationShown(rows.get(conn, migration_id), rows.case_log(conn, migration_id))
