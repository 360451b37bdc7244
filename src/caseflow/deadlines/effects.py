"""What applying one due deadline writes, worked out in memory (pure: no I/O).

The dispatcher loads a batch of due deadlines with their cases and the
organisation, asks :func:`plan` what each one does (a reminder, an expiry's
notifications and marks, or closing a stale row), and :class:`Ledger` chains
the resulting audit events onto each case's hash chain in memory. Only then is
anything written, set-wise (see :mod:`caseflow.deadlines.dispatcher`). Firing a
trigger goes through the engine instead, since it may do anything a transition
does: :func:`needs_engine` says which deadlines that is.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

from caseflow.calendar import COPENHAGEN, local_date
from caseflow.deadlines.owners import owner_of
from caseflow.deadlines.rules import Calendars
from caseflow.deadlines.vocabulary import DeadlineOutcome, DeadlineStatus
from caseflow.domain import AuditEntry, AuditKind, Case, CaseHead
from caseflow.notifications import recipients
from caseflow.store import audit
from caseflow.store import deadlines as rows
from caseflow.store.cases import CaseWrite
from caseflow.store.outbox import NewNotification

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions import DeadlineRule, WorkflowDefinition

SYSTEM_USER = "caseflow"
AnyCase = Case | CaseHead  # a plan reads a case's head: the batch's, or the engine path's case
DEADLINE_EVENT = AuditKind.DEADLINE  # the audit kind of everything the dispatcher records

T = TypeVar("T")


@dataclass(frozen=True)
class Event:
    """An audit event to record on the deadline's case: field changes and a comment."""

    comment: str
    changes: Mapping[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def marks(self) -> dict[str, Any] | None:
        """The changes as case fields set to a JSON scalar (``mark: overdue``), by field
        name, if that is all they are; else None."""
        if not self.changes or not all(
            key.startswith("fields.") and type(value) in (bool, int, float, str)
            for key, value in self.changes.items()
        ):
            return None
        return {key.removeprefix("fields."): value for key, value in self.changes.items()}


@dataclass(slots=True)
class Plan:
    """Everything one deadline writes, before its audit events are chained.

    Slotted, not frozen: the deadline dispatcher builds thousands a second, and a
    frozen dataclass takes three times as long to build. Treat it as a value.
    """

    outcome: DeadlineOutcome
    deadline: rows.Applied
    events: tuple[Event, ...]
    notifications: tuple[NewNotification, ...]
    line: str


def needs_engine(record: rows.Due, rule: DeadlineRule | None, now: datetime) -> bool:
    """Whether applying ``record`` fires a trigger (the engine's full path, not a plan)."""
    return (
        rule is not None
        and now >= record.due_at
        and any(action.kind == "fire" for action in rule.on_expiry)
    )


def marked_fields(rule: DeadlineRule) -> frozenset[str]:
    """The case fields the rule's expiry sets (``mark: overdue``)."""
    return frozenset(a.mark or "overdue" for a in rule.on_expiry if a.kind == "mark")


def is_stale(record: rows.Due, rule: DeadlineRule, case: AnyCase) -> bool:
    """A deadline the case has moved past, which a transition should already have ended."""
    if case.state not in rule.active_in:
        return True
    return (
        rule.anchor.kind == "entering"
        and case.state == rule.anchor.name
        and case.state_generation != record.generation
    )


Scope = tuple[Any, ...]


def scope_of(case: AnyCase) -> Scope:
    """What decides who holds a role on ``case``: cases alike in it share recipients."""
    return (
        case.case_officer,
        case.committee,
        case.lead_administration,
        tuple(case.participating_administrations),
    )


@dataclass
class Setting:
    """What every plan of a batch shares, and what it has worked out already.

    A batch asks the same questions many times over (who receives a role's mail on
    cases of one administration; the JSON of one recipient; how late a backlog due
    at one moment is): the answers are kept.
    """

    calendars: Calendars
    directory: recipients.Directory
    language: str
    now: datetime
    _addresses: dict[tuple[Any, ...], list[tuple[str, str, str]]] = field(default_factory=dict)
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def addresses(
        self, case: AnyCase, scope: Scope, roles: Sequence[str]
    ) -> list[tuple[str, str, str]]:
        """For each recipient of ``roles`` on ``case`` (of ``scope``): the address in lower
        case, and the JSON of the outbox row's recipient list and of the context's
        ``recipient``."""
        key = (tuple(roles), scope)
        found = self._addresses.get(key)
        if found is None:
            found = self._addresses[key] = [
                (str(a["address"]).lower(), json.dumps([a]), json.dumps({"name": a.get("name")}))
                for a in recipients.resolve(self.directory, case, roles)
            ]
        return found

    def memo(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()``, worked out once per batch for each ``key``."""
        try:
            return cast(T, self._memo[key])
        except KeyError:
            value = self._memo[key] = make()
            return value

    def working_days(self, start: datetime, end: datetime) -> int:
        """Working days from ``start`` to ``end`` (Copenhagen dates), once per pair."""
        return self.memo(
            ("working days", start, end),
            lambda: self.calendars.working.between(local_date(start), local_date(end)),
        )

    def local(self, moment: datetime) -> str:
        """``moment`` as Copenhagen's wall clock shows it, once per moment."""
        return self.memo(("local", moment), lambda: local(moment))


def plan(
    setting: Setting,
    record: rows.Due,
    rule: DeadlineRule | None,
    case: AnyCase,
    definition: WorkflowDefinition,
) -> Plan:
    """What applying one open, due deadline of ``case`` writes (no fire actions)."""
    now = setting.now
    if rule is None or is_stale(record, rule, case):
        return Plan(
            DeadlineOutcome.STALE,
            _closed(record, DeadlineStatus.STALE, now),
            (),
            (),
            f"{case.journal_no}: stale deadline {record.rule_id} closed",
        )
    if now >= record.due_at:
        return _expire(setting, record, rule, case, definition)
    return _remind(setting, record, rule, case, definition)


def _remind(
    setting: Setting,
    record: rows.Due,
    rule: DeadlineRule,
    case: AnyCase,
    definition: WorkflowDefinition,
) -> Plan:
    now = setting.now
    # Reminders missed while no worker ran are not all sent: only the newest one.
    due_reminders = [i for i, t in enumerate(record.reminders_at) if t <= now]
    number = (due_reminders[-1] if due_reminders else record.reminders_sent) + 1
    days_left = setting.working_days(now, record.due_at)
    scope = scope_of(case)
    deadline_part = _deadline_json(
        setting, rule, record, definition, "working_days_left", days_left
    )
    shared = _shared_json(setting, case, scope, rule, definition, deadline_part)
    notes = notifications(
        setting,
        f"deadline:{record.id}:reminder:{number}",
        "reminder",
        case,
        scope,
        (rule.owner,),
        shared,
    )
    due = setting.local(record.due_at)
    comment = f"reminder {number} of '{rule.id}': due {due}, {days_left} working day(s) left"
    applied = rows.Applied(
        id=record.id,
        status=record.status,
        reminders_sent=number,
        next_action_at=rows.next_action(record.reminders_at, number, record.due_at),
        closed_at=None,
        attempts=0,
        last_error=None,
    )
    line = f"{case.journal_no}: reminder {number} for '{rule.id}'"
    return Plan(DeadlineOutcome.REMINDER, applied, (Event(comment),), tuple(notes), line)


def _expire(
    setting: Setting,
    record: rows.Due,
    rule: DeadlineRule,
    case: AnyCase,
    definition: WorkflowDefinition,
) -> Plan:
    """The expiry's notifications and its one audit event, which carries the marks."""
    moment = setting.memo(
        ("expiry", id(definition), rule.id, record.due_at),
        lambda: _Expiry.of(setting, rule, record, definition),
    )
    scope = scope_of(case)
    shared = _shared_json(setting, case, scope, rule, definition, moment.deadline_part)
    mail = setting.memo(
        ("expiry mail", id(definition), rule.id, scope),
        lambda: _expiry_mail(setting, rule, case, scope),
    )
    key, language = f"deadline:{record.id}:expiry:", setting.language
    notes = tuple(
        NewNotification(
            key + suffix,
            case.id,
            template,
            language,
            recipient_list,
            f'{{{shared}, "recipient": {recipient}}}',
        )
        for suffix, template, recipient_list, recipient in mail
    )
    line = f"{case.journal_no}: '{rule.id}' passed ({moment.late})"
    return Plan(
        DeadlineOutcome.EXPIRED,
        _closed(record, DeadlineStatus.EXPIRED, setting.now),
        (moment.event,),
        notes,
        line,
    )


def _expiry_mail(
    setting: Setting, rule: DeadlineRule, case: AnyCase, scope: Scope
) -> list[tuple[str, str, str, str]]:
    """What an expiry of ``rule`` mails on cases of ``scope``, one row per recipient: its
    key after ``deadline:ID:expiry:``, its template, and the JSON of its recipient list
    and of the context's ``recipient`` (as :func:`notifications` makes them)."""
    mail = []
    for index, action in enumerate(rule.on_expiry):
        if action.kind not in ("notify", "escalate"):
            continue
        template = "expired" if action.kind == "notify" else "escalation"
        for address, recipient_list, recipient in setting.addresses(case, scope, action.roles):
            mail.append((f"{index}:{address}", template, recipient_list, recipient))
    return mail


@dataclass(frozen=True)
class _Expiry:
    """What every expiry of a rule due at one moment shares (a backlog: one per batch)."""

    late: str
    deadline_part: str
    event: Event

    @staticmethod
    def of(
        setting: Setting, rule: DeadlineRule, record: rows.Due, definition: WorkflowDefinition
    ) -> _Expiry:
        now = setting.now
        late = describe_lateness(now - record.due_at)
        late_by = max(0, setting.working_days(record.due_at, now))
        marks = {
            f"fields.{action.mark or 'overdue'}": True
            for action in rule.on_expiry
            if action.kind == "mark"
        }
        comment = f"deadline '{rule.id}' passed: due {setting.local(record.due_at)}, applied {late}"
        if marks:
            comment += "; marked " + ", ".join(name.removeprefix("fields.") for name in marks)
        return _Expiry(
            late,
            _deadline_json(setting, rule, record, definition, "late_by", late_by),
            Event(comment, marks),
        )


def _closed(record: rows.Due, status: DeadlineStatus, now: datetime) -> rows.Applied:
    return rows.Applied(
        id=record.id,
        status=status,
        reminders_sent=record.reminders_sent,
        next_action_at=None,
        closed_at=now,
        attempts=record.attempts,
        last_error=record.last_error,
    )


def notifications(
    setting: Setting,
    key: str,
    template: str,
    case: AnyCase,
    scope: Scope,
    roles: Sequence[str],
    shared: str,
) -> list[NewNotification]:
    """One outbox row per recipient: each is delivered (and retried) on its own, once.

    The context is the template's (``shared``, from :func:`_shared_json`) plus the
    recipient's name, put together as JSON text: the same parts go to every
    recipient, so each is encoded once.
    """
    return [
        NewNotification(
            key=f"{key}:{address}",
            case_id=case.id,
            template=template,
            language=setting.language,
            recipients=recipient_list,
            context=f'{{{shared}, "recipient": {recipient}}}',
        )
        for address, recipient_list, recipient in setting.addresses(case, scope, roles)
    ]


def _shared_json(
    setting: Setting,
    case: AnyCase,
    scope: Scope,
    rule: DeadlineRule,
    definition: WorkflowDefinition,
    deadline_part: str,
) -> str:
    """The JSON of :func:`template_context` (its deadline part given, from
    :func:`_deadline_json`) and the deadline's ``owner``
    (:func:`caseflow.deadlines.owners.owner_of`).

    The owner part is the same for every case of one scope (:func:`scope_of`): it
    is encoded once per batch. The case part is written out directly, its texts
    escaped as ``json.dumps`` escapes them.
    """
    language = setting.language
    owner_part = setting.memo(
        ("owner", rule.owner, id(definition), scope),
        lambda: json.dumps(owner_of(setting.directory, case, rule, definition, language)),
    )
    state_title = setting.memo(
        ("state", id(definition), case.state), lambda: _state_title(case, definition, language)
    )
    committee = "null" if case.committee is None else _text(case.committee)
    case_part = (
        f'{{"journal_no": {_text(case.journal_no)}, "title": {_text(case.title)}, '
        f'"state_title": {_text(state_title)}, "committee": {committee}}}'
    )
    return f'"case": {case_part}, "deadline": {deadline_part}, "owner": {owner_part}'


_text = json.encoder.encode_basestring_ascii  # how json.dumps writes a str


def _deadline_json(
    setting: Setting,
    rule: DeadlineRule,
    record: rows.Due,
    definition: WorkflowDefinition,
    name: str,
    value: int,
) -> str:
    """The JSON of :func:`deadline_context` with ``NAME`` set to ``value``: the same for
    every deadline of a rule due at one moment (a backlog of them, typically)."""
    # By rule id, not id(rule): a follow-up's rule is made afresh for each row, and the
    # id of one freed may come back as another's with a different title.
    return setting.memo(
        ("deadline", id(definition), rule.id, record.due_at, name, value),
        lambda: json.dumps(deadline_context(rule, record, setting.language) | {name: value}),
    )


def template_context(
    case: AnyCase,
    rule: DeadlineRule,
    record: rows.Due,
    definition: WorkflowDefinition,
    language: str,
) -> dict[str, Any]:
    """What the deadline templates need (see their headers), as JSON for the outbox."""
    return {
        "case": {
            "journal_no": case.journal_no,
            "title": case.title,
            "state_title": _state_title(case, definition, language),
            "committee": case.committee,
        },
        "deadline": deadline_context(rule, record, language),
    }


def deadline_context(rule: DeadlineRule, record: rows.Due, language: str) -> dict[str, Any]:
    """The ``deadline`` part of :func:`template_context`."""
    return {
        "title": rule.title.pick(language),
        "due_at": record.due_at.isoformat(),
        "legal_source": rule.legal_source,
    }


def _state_title(case: AnyCase, definition: WorkflowDefinition, language: str) -> str:
    state = definition.states.get(case.state)
    titles = state.title if state is not None else None
    return titles.pick(language) if titles else case.state


class Ledger:
    """Audit events chained onto each case in memory, as the engine would record them.

    Each event is one audit row (kind ``deadline``, by ``caseflow``): the case's
    version goes up by one and its head hash moves on, so several deadlines of one
    case in a batch chain one after the other. Events change nothing but case fields
    set to a JSON scalar (a rule's ``mark: overdue``, :attr:`Event.marks`); anything
    more goes through the engine. :meth:`writes` gives what to store.
    """

    def __init__(self, cases: Mapping[int, CaseHead], now: datetime) -> None:
        self.now = now
        self._cases = cases  # as read: left as they are
        # case id -> its version, audit head and fields after the events so far
        self._moved: dict[int, tuple[int, str, Mapping[str, Any]]] = {}
        self._marked_cases: set[int] = set()  # whose fields changed
        self.entries: list[tuple[int, AuditEntry, str]] = []  # case id, entry, its changes
        # (event, old values, their types) -> the audit changes of its marks, and their JSON
        self._marked: dict[tuple[Any, ...], tuple[dict[str, Any], str]] = {}

    def case(self, case_id: int) -> CaseHead:
        """The case as the events so far left it."""
        case = self._cases[case_id]
        moved = self._moved.get(case_id)
        return case if moved is None else case.moved_on(*moved)

    def record(self, case_id: int, events: Sequence[Event]) -> None:
        """Chain ``events`` onto the case: all of them, or (on an error) none."""
        case = self._cases[case_id]
        version, head, fields = self._moved.get(case_id) or (
            case.version,
            case.audit_head,
            case.fields,
        )
        before = fields
        entries = []
        for event in events:
            marks = event.marks
            if marks is not None:
                fields, changes, encoded = self._mark(fields, event, marks)
            elif event.changes:
                raise ValueError(
                    "the ledger records field marks only; other changes go through the engine"
                )
            else:
                changes, encoded = {}, _NO_CHANGES
            entry = audit.sealed(
                case.journal_no,
                encoded,
                seq=version + 1,
                at=self.now,
                actor=SYSTEM_USER,
                kind=DEADLINE_EVENT,
                trigger=None,
                from_state=case.state,
                to_state=case.state,
                changes=changes,
                comment=event.comment,
                prev_hash=head,
            )
            version, head = version + 1, entry.hash
            entries.append((case_id, entry, encoded))
        if not entries:
            return
        if fields is not before:
            self._marked_cases.add(case_id)
        self._moved[case_id] = (version, head, fields)
        self.entries += entries

    def _mark(
        self, fields: Mapping[str, Any], event: Event, marks: Mapping[str, Any]
    ) -> tuple[Mapping[str, Any], dict[str, Any], str]:
        """What :func:`caseflow.changes.apply_changes` does with field marks (the fields
        after them, the audit changes and their JSON), without its generality: a backlog
        marks thousands of cases alike, and the changes of each kind of mark are worked
        out once (the entries share them: treat them as values)."""
        olds = tuple([fields.get(name) for name in marks])
        key = (id(event), olds, tuple(map(type, olds)))
        try:  # by type too: 0 and False are equal, and hash alike, but encode apart
            known, hashable = self._marked.get(key), True
        except TypeError:  # an old value that is a list or a mapping
            known, hashable = None, False
        if known is None:
            changes = {
                f"fields.{name}": [old, value]
                for (name, value), old in zip(marks.items(), olds, strict=True)
                if old != value
            }
            known = (changes, audit.encode_changes(changes))
            if hashable:
                self._marked[key] = known
        changes, encoded = known
        if not changes:
            return fields, changes, encoded
        return {**fields, **marks}, changes, encoded

    def writes(self) -> list[CaseWrite]:
        """What to store of each case an event touched (see
        :func:`caseflow.store.cases.save_many`): its new version and audit head, and its
        ``fields`` when marks changed them."""
        return [
            (
                self._cases[case_id],
                version,
                head,
                {"fields": dict(fields)} if case_id in self._marked_cases else {},
            )
            for case_id, (version, head, fields) in self._moved.items()
        ]


_NO_CHANGES = audit.encode_changes({})


def describe_lateness(late: timedelta) -> str:
    if late < timedelta(minutes=1):
        return "on time"
    days, seconds = late.days, late.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    return "late by " + " ".join(parts)


def local(moment: datetime) -> str:
    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
