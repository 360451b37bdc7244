"""Notifications a workflow's rules send when a case moves, written with the move.

:class:`TransitionNotifier` is an engine hook: it runs inside the transaction of
every open and fire, finds the workflow's ``notifications:`` rules that the
event matches, and writes one outbox row per recipient. The rows commit with
the new state or not at all, so a fristbrev is never recorded as sent without
its letter queued, and a rolled-back fire never mails anyone.

Each row's key is ``event:{case id}:{audit seq}:{rule id}:{address}``: the audit
row's sequence number makes it unique per event, and the same event enqueued
again (a retried transaction) is the same row.

Recipients are the rule's roles (via :mod:`caseflow.notifications.recipients`)
and the addresses kept in the rule's case fields. A blank or missing field is
skipped: a requester may have asked by post, and that letter goes by post. A
field that holds something that is not an e-mail address stops the fire with
:class:`InvalidInput`, because otherwise the step (``send_fristbrev``) would be
recorded as done while the letter can never arrive; the officer corrects the
address, in the same fire if they like, and fires again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from caseflow import policy
from caseflow.calendar import local_date
from caseflow.definitions.due import parse_field_date
from caseflow.domain import Actor, AuditKind, Case
from caseflow.engine import CaseEvent
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.notifications import recipients
from caseflow.notifications.message import Recipient
from caseflow.store import deadlines as deadline_rows
from caseflow.store import jsontext, organisation, outbox
from caseflow.store.cases import CaseReads
from caseflow.store.prepared import flush_deferred

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions import (
        CompiledWorkflow,
        LocalizedText,
        NotificationRule,
        WorkflowDefinition,
    )

Address = recipients.Address
_ORG_CHANGE = "org_change"  # the name of the counter among a fire's case reads

AUTHORITY: Mapping[str, str] = {"da": "Københavns Kommune", "en": "City of Copenhagen"}
"""The authority's name in letters to citizens, by language (the fristbrev's sender)."""

NEW_CASE: Mapping[str, str] = {"da": "(ny sag)", "en": "(new case)"}
"""What a case "moved from" when it was just opened."""

# The case fields the letters to a requester read (see workflows/access-request.yaml).
REQUESTER_NAME = "requester_name"
DELAY_REASON = "delay_reason"
EXPECTED_ANSWER_DATE = "expected_answer_date"

# Values a template cannot do without: (part, key) of the context, the field it comes
# from and what that field must hold. A letter to a citizen that could not be written
# is refused at the fire, not found broken later in the outbox.
REQUIRED: Mapping[str, tuple[tuple[str, str, str, str], ...]] = {
    "fristbrev": (
        ("request", "reason", DELAY_REASON, "the reason, in whole sentences"),
        ("request", "expected_answer_on", EXPECTED_ANSWER_DATE, "a date such as 2009-05-08"),
    ),
}


class TransitionNotifier:
    """The engine hook that turns a workflow's notification rules into outbox rows.

    ``language`` is the deployment's (``CASEFLOW_LANGUAGE``); a rule may fix its
    own. Anything but ``en`` means Danish, as the sender reads it. ``authority``
    names the sender of letters to citizens, by language.
    """

    def __init__(self, language: str = "da", authority: Mapping[str, str] = AUTHORITY) -> None:
        self.language = language
        self.authority = authority
        # Who a rule's roles reach, per organisation snapshot and case scope.
        self._reached: tuple[recipients.Directory | None, dict[tuple[Any, ...], list[Address]]]
        self._reached = (None, {})
        # The rules an event matches, by (id of the definition, kind, trigger, state); the
        # definition is kept with them, so an id reused by another is told apart.
        self._matched: dict[tuple[Any, ...], tuple[WorkflowDefinition, list[NotificationRule]]]
        self._matched = {}

    def idle_for(
        self, kind: AuditKind, changed_fields: frozenset[str], workflow: CompiledWorkflow
    ) -> bool:
        """Rules match opening and firing only (NotificationRule.matches): the rest is idle."""
        return kind not in (AuditKind.OPEN, AuditKind.FIRE)

    def case_reads(self, dialect: str) -> CaseReads:
        """The organisation's change counter, read with a fired case (Engine.case_reads):
        whether the cached directory still holds, without a query of its own."""
        del dialect  # the same query on both
        return ((_ORG_CHANGE, organisation.LAST_CHANGE_READ),)

    def __call__(self, conn: Connection, event: CaseEvent) -> None:
        if event.workflow is None:
            return
        definition = event.workflow.definition
        trigger = event.transition.trigger if event.transition else None
        rules = self._matching(definition, event.kind, trigger, event.case.state)
        if not rules:
            return
        # Who holds which role, read once per change of the organisation (not per fire).
        directory = organisation.cached_directory(
            conn, event.read.get(_ORG_CHANGE, organisation.UNREAD)
        )
        # A step of the minutes on a closed case carries a decision that a mail withholds.
        comment = policy.mail_comment(conn, event.case, event.transition, event.entry)
        rows: list[outbox.NewNotification] = []
        for rule in rules:
            rows += self._rows(conn, directory, event, definition, rule, comment)
        if rows:
            outbox.enqueue_many(conn, rows, event.at)  # the fire's rows in one statement

    def _rows(
        self,
        conn: Connection,
        directory: recipients.Directory,
        event: CaseEvent,
        definition: WorkflowDefinition,
        rule: NotificationRule,
        comment: str | None,
    ) -> list[outbox.NewNotification]:
        case = event.case
        addresses = rule_recipients(directory, case, rule, self._for_roles(directory, case, rule))
        if not addresses:
            return []
        language = "en" if (rule.language or self.language) == "en" else "da"
        authority = self.authority.get(language) or AUTHORITY[language]
        context = event_context(directory, event, definition, language, authority, comment)
        if rule.template == "fristbrev":
            tracked = _tracked_answer_day(conn, definition, case)
            if tracked is not None:
                context["request"]["expected_answer_on"] = tracked
        check_complete(rule, case, context)
        # The context's JSON but for its last member, the recipient's name: encoded once.
        shared = jsontext.dumps(context)[:-1]
        rows = []
        for address in addresses:
            recipient = jsontext.dumps({"recipient": {"name": address.get("name")}})
            rows.append(
                outbox.NewNotification(
                    key=f"event:{case.id}:{event.entry.seq}:{rule.id}:{address_key(address)}",
                    case_id=case.id,
                    template=rule.template,
                    language=language,
                    recipients=jsontext.dumps([address]),
                    context=f"{shared}, {recipient[1:]}",
                )
            )
        return rows

    def _matching(
        self, definition: WorkflowDefinition, kind: AuditKind, trigger: str | None, state: str
    ) -> list[NotificationRule]:
        """The rules an event matches, worked out once per workflow, kind, step and state."""
        key = (id(definition), kind, trigger, state)
        found = self._matched.get(key)
        if found is None or found[0] is not definition:
            if len(self._matched) >= 4096:
                self._matched.clear()
            rules = [r for r in definition.notifications if r.matches(kind, trigger, state)]
            found = self._matched[key] = (definition, rules)
        return found[1]

    def _for_roles(
        self, directory: recipients.Directory, case: Case, rule: NotificationRule
    ) -> list[Address]:
        """``recipients.resolve`` of the rule's roles, once per snapshot and scope: who
        holds a role on a case depends only on its officer, committee and
        administrations."""
        snapshot, found = self._reached
        if snapshot is not directory:
            found = {}
            self._reached = (directory, found)
        key = (
            tuple(rule.to_roles),
            case.case_officer,
            case.committee,
            case.lead_administration,
            tuple(case.participating_administrations),
        )
        addresses = found.get(key)
        if addresses is None:
            if len(found) >= 4096:
                found.clear()
            addresses = found[key] = recipients.resolve(directory, case, rule.to_roles)
        return addresses


# --- recipients -------------------------------------------------------------------------


def rule_recipients(
    directory: recipients.Directory,
    case: Case,
    rule: NotificationRule,
    by_role: list[Address] | None = None,
) -> list[Address]:
    """Everyone the rule reaches on this case, each address once (the first name wins);
    ``by_role`` is who its roles reach, if the caller has it."""
    found: dict[str, Address] = {}
    named = [field_recipient(case, name) for name in rule.to_fields]
    if by_role is None:
        by_role = recipients.resolve(directory, case, rule.to_roles)
    for address in [*by_role, *named]:
        if address is not None:
            found.setdefault(address_key(address), address)
    return list(found.values())


def address_key(address: Address) -> str:
    """An address as keys compare it: two spellings of one mailbox are one recipient."""
    return str(address["address"]).strip().lower()


def field_recipient(case: Case, name: str) -> Address | None:
    """The address in case field ``name``: None if blank, InvalidInput if not an address.

    The person's name is read from the field's sibling: ``requester_name`` for
    ``requester_email`` (``X_name`` for ``X_email``), when there is one.
    """
    value = case.fields.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    person = _text(case.fields.get(name.removesuffix("_email") + "_name"))
    problem = InvalidInput(
        f"case {case.journal_no}: field '{name}' holds {value!r}, which is not an e-mail "
        "address, so the notification could not reach it; correct it (e.g. to "
        "name@example.dk, with the same step) and try again",
        code=ErrorCode.FIELD_NOT_AN_ADDRESS,
        field=name,
    )
    if not isinstance(value, str):
        raise problem
    try:
        recipient = Recipient(value.strip(), person)  # the check the sender makes, made now
    except InvalidInput:
        raise problem from None
    return {"address": recipient.address, "name": recipient.name}


# --- the context ----------------------------------------------------------------------------


def event_context(
    directory: recipients.Directory,
    event: CaseEvent,
    definition: WorkflowDefinition,
    language: str,
    authority: str,
    comment: str | None,
) -> dict[str, Any]:
    """Every value the event templates read (see the headers of their ``.txt.j2``).

    ``transition`` reads ``case`` and ``transition``; ``fristbrev`` reads
    ``requester``, ``case``, ``request`` and ``authority``; a municipality's own
    template may read any of them. Dates and moments are ISO text (the outbox
    stores JSON), under keys ending in ``_on`` / ``_at`` that the sender revives.
    """
    case, english = event.case, language == "en"

    def state_title(name: str | None) -> str:
        if name is None:
            return NEW_CASE[language]
        state = definition.states.get(name)
        return _localized(state.title if state else None, english) or name

    step = event.transition.title if event.transition else None
    officer = _officer(directory, case, event.actor)
    return {
        "case": {
            "journal_no": case.journal_no,
            "title": case.title,
            "state_title": state_title(case.state),
            "committee": case.committee,
        },
        "transition": {
            "title": _localized(step, english),
            "from_state_title": state_title(event.entry.from_state),
            "to_state_title": state_title(case.state),
            "actor_name": event.actor.name,
            "at": event.at.isoformat(),
            "comment": comment,
        },
        "requester": {"name": _text(case.fields.get(REQUESTER_NAME))},
        "request": {
            "received_on": local_date(case.created_at).isoformat(),
            "subject": case.title,
            "reason": _text(case.fields.get(DELAY_REASON)),
            "expected_answer_on": _field_day(case, EXPECTED_ANSWER_DATE),
        },
        "authority": {
            "name": authority,
            "administration": _administration(directory, case.lead_administration, english),
            "officer_name": officer.name if officer else None,
            "contact": officer.email if officer else None,
        },
    }


def check_complete(rule: NotificationRule, case: Case, context: Mapping[str, Any]) -> None:
    """Refuse to queue a letter its template cannot write (see :data:`REQUIRED`)."""
    missing = [
        f"field {field} ({what})"
        for part, key, field, what in REQUIRED.get(rule.template, ())
        if context[part][key] is None
    ]
    if missing:
        raise InvalidInput(
            f"case {case.journal_no}: the {rule.template} (notification '{rule.id}') needs "
            f"{' and '.join(missing)}; give them with the same step",
            code=ErrorCode.FIELDS_MISSING,
            fields=missing,
        )


def _localized(text: LocalizedText | None, english: bool) -> str | None:
    if text is None:
        return None
    return text.en if english else text.da


def _text(value: Any) -> str | None:
    """A field's text, or None when it is blank or not text."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _tracked_answer_day(conn: Connection, definition: WorkflowDefinition, case: Case) -> str | None:
    """The day of the deadline tracked for the date the fristbrev gives, as ISO text.

    The letter promises what caseflow holds the administration to: a date in the field
    that falls on a day off is moved by the deadline's rule (a Saturday to the Monday),
    and the citizen is told that Monday. None when no such deadline runs (the field's
    own date is then used)."""
    wanted = f"at field {EXPECTED_ANSWER_DATE}"
    rule_ids = {r.id for r in definition.deadlines if " ".join(r.due.split()) == wanted}
    if not rule_ids:
        return None
    flush_deferred(conn)  # the deadline this fire wrote, on PostgreSQL still queued
    live = [d for d in deadline_rows.live_for_case(conn, case.id) if d.rule_id in rule_ids]
    if not live:
        return None
    return local_date(max(live, key=lambda d: d.id).due_at).isoformat()


def _field_day(case: Case, name: str) -> str | None:
    """The date in a field as ISO text; None when blank or unreadable.

    Unreadable is not an error here: only a template that needs the date minds
    (see :func:`check_complete`), and no other notification should be held up.
    """
    try:
        found = parse_field_date(case.fields.get(name), name)
    except ValueError:
        return None
    return found.last.isoformat() if found is not None else None


def _officer(directory: recipients.Directory, case: Case, actor: Actor) -> Actor | None:
    """Who signs for the authority: the case officer, else the person acting now."""
    if case.case_officer:
        officer = directory.actor(case.case_officer)
        if officer is not None:
            return officer
        # else they left the organisation: the person acting signs instead
    return actor if actor.email else None


def _administration(directory: recipients.Directory, code: str | None, english: bool) -> str | None:
    """The lead administration's name (its code if the tables do not know it)."""
    if code is None:
        return None
    row = directory.administration(code)
    if row is None:
        return code
    return str(row["name_en"] if english and row["name_en"] else row["name"])
