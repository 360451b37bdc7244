"""One family of errors, each with a stable code and its parameters.

Every error a user can provoke is a :class:`CaseflowError`. Its ``code`` (an
:class:`ErrorCode`) is stable and its ``params`` name what it is about, so each
interface phrases it its own way: the CLI adds the flag or command to use
(:mod:`caseflow.cli.phrasing`), the web app the field to point at. The message
itself says what went wrong in plain words and names no flag, form or command.
Each class keeps its exit code, which the CLI uses (2 bad input, 3 not found,
4 not allowed now, 5 conflict, 6 database not initialised, 7 database error,
8 database busy, 9 another worker holds the lease; 130 interrupted, by the CLI).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """What went wrong, for an interface to phrase; never renamed once published."""

    # The general kinds, one per class: the code when nothing more specific applies.
    ERROR = "error"
    INVALID_INPUT = "invalid_input"
    INVALID_DEFINITION = "invalid_definition"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    CONFLICT = "conflict"
    DATABASE_NOT_READY = "database_not_ready"
    # Who is asking.
    ACTOR_REQUIRED = "actor_required"  # params: none; the command needs to know who acts
    CASE_NOT_VISIBLE = "case_not_visible"  # params: journal_no (not found or not allowed)
    ROLE_REQUIRED = "role_required"  # params: roles, scope
    OPERATOR_REQUIRED = "operator_required"  # params: doing
    ADMINISTRATOR_REQUIRED = "administrator_required"  # params: doing
    LAST_ADMINISTRATOR = "last_administrator"  # params: username
    # Moving a case.
    TRIGGER_NOT_AVAILABLE = "trigger_not_available"  # params: trigger, state, allowed
    TRIGGER_OWNED_BY_SERVICE = "trigger_owned_by_service"  # params: trigger, service
    GUARDS_FAILED = "guards_failed"  # params: trigger, reasons, comment_required
    STALE_VERSION = "stale_version"  # params: journal_no, expected, current
    NOTHING_TO_CHANGE = "nothing_to_change"
    # What a step needs to be told.
    COMMENT_REQUIRED = "comment_required"
    NOTE_REQUIRED = "note_required"  # a change to a published agenda
    REASON_REQUIRED = "reason_required"  # taking an item off, making closed content public
    LATE_REASON_REQUIRED = "late_reason_required"  # params: passed
    TEXT_REQUIRED = "text_required"  # a decision, a follow-up action
    REFERRAL_TARGET_REQUIRED = "referral_target_required"
    NAME_REQUIRED = "name_required"
    LEAD_REQUIRED = "lead_required"
    VERSION_OR_DRAFT = "version_or_draft"
    CHAIN_REQUIRED = "chain_required"  # backward planning's committees, in order
    # Meetings, agendas and minutes.
    AGENDA_NOT_PUBLISHED = "agenda_not_published"  # params: meeting_id
    POSTPONE_AT_MEETING = "postpone_at_meeting"  # params: meeting_id, item_no
    UNTREATED_ITEMS = "untreated_items"  # params: meeting_id, items
    NO_RECEIVER_FOR_POSTPONEMENT = "no_receiver_for_postponement"
    STEP_NOT_DECLARED = "step_not_declared"  # params: workflow_id, meaning (of a meeting step)
    # Names that must exist, or must not.
    UNKNOWN_CASE = "unknown_case"  # params: journal_no
    UNKNOWN_ACTOR = "unknown_actor"  # params: username
    UNKNOWN_COMMITTEE = "unknown_committee"  # params: code_
    UNKNOWN_MEETING = "unknown_meeting"  # params: meeting_id
    UNKNOWN_FOLLOWUP = "unknown_followup"  # params: followup_id
    COMMITTEE_EXISTS = "committee_exists"  # params: code_
    MEETING_EXISTS = "meeting_exists"  # params: meeting_id
    FORMAT_UNAVAILABLE = "format_unavailable"  # params: format
    UNKNOWN_ROLE = "unknown_role"  # params: roles
    INVALID_ACTOR = "invalid_actor"  # an actor's username, name or e-mail
    # Notifications a step would send.
    FIELD_NOT_AN_ADDRESS = "field_not_an_address"  # params: field
    FIELDS_MISSING = "fields_missing"  # params: fields
    # Operations: deadlines, the outbox, incidents, workflows.
    UNKNOWN_NOTIFICATION = "unknown_notification"  # params: keys (unknown or not visible)
    UNKNOWN_INCIDENT = "unknown_incident"  # params: count (not, or no longer, incidents)
    INVALID_INCIDENT_ID = "invalid_incident_id"  # params: text
    INCIDENTS_REQUIRED = "incidents_required"  # params: none; which ones, or all
    UNKNOWN_WORKFLOW = "unknown_workflow"  # params: workflow_id, known
    INVALID_PERIOD = "invalid_period"  # params: text (working days, e.g. 10d)
    ONE_UNIT_ONLY = "one_unit_only"  # params: given (the kinds of unit given at once)
    # Meetings concern: closed items, follow-ups (svc-meetings).
    ITEM_NOT_ON_AGENDA = "item_not_on_agenda"  # params: meeting_id, journal_no
    ITEM_PUBLIC_ALREADY = "item_public_already"  # params: meeting_id, item_no
    MEETING_UNCHANGED = "meeting_unchanged"  # a change to a meeting that changes nothing
    # Accounts: sign-in for the web app, its sessions, API tokens (svc-accounts).
    SIGN_IN_FAILED = "sign_in_failed"  # params: none (never says whether the user exists)
    ACCOUNT_LOCKED = "account_locked"  # params: until (ISO time, UTC)
    SIGN_IN_THROTTLED = "sign_in_throttled"  # params: until (ISO time, UTC)
    PASSWORD_TOO_SHORT = "password_too_short"  # params: min_length, length
    PASSWORD_TOO_LONG = "password_too_long"  # params: max_length
    PASSWORD_IS_USERNAME = "password_is_username"
    PASSWORD_ONE_CHARACTER = "password_one_character"  # one character, repeated
    USER_DISABLED = "user_disabled"  # params: username
    UNKNOWN_TOKEN = "unknown_token"  # params: token_id (not found or not allowed)
    INVALID_TOKEN_DAYS = "invalid_token_days"  # params: days, min_days, max_days
    INVALID_TOKEN_NAME = "invalid_token_name"  # params: max_length
    # The web app's extras: attachment files, a meeting's attendance (web17).
    FILE_REQUIRED = "file_required"  # params: field
    ATTACHMENT_TOO_LARGE = "attachment_too_large"  # params: size, limit (bytes)
    ATTACHMENT_EXISTS = "attachment_exists"  # params: journal_no, number
    UNKNOWN_ATTACHMENT = "unknown_attachment"  # params: journal_no, number
    NOT_A_MEMBER = "not_a_member"  # params: committee, names, members
    # Workflow changes: versions, publishing, migrations of running cases (wf18).
    UNKNOWN_VERSION = "unknown_version"  # params: workflow_id, version (or several match)
    INVALID_STATE_MAP = "invalid_state_map"  # params: item (as typed: OLD=NEW)
    INVALID_PLAN = "invalid_plan"  # params: problems (states or targets that do not exist)
    UNMAPPED_STATES = "unmapped_states"  # params: states, cases (journal numbers)
    UNKNOWN_MIGRATION = "unknown_migration"  # params: migration_id
    MIGRATION_STATUS = "migration_status"  # params: migration_id, status, wanted
    # Importing published agenda items (import21).
    JOURNAL_NO_TAKEN = "journal_no_taken"  # params: journal_no (a case has it already)
    IMPORTED_ALREADY = "imported_already"  # params: reference, journal_no (the source's no.)
    IMPORT_DECISION_EARLY = "import_decision_early"  # params: meeting_id, number
    IMPORT_MEETING_CLOSED = "import_meeting_closed"  # params: meeting_id, status
    # Every input gets a clear answer (issue 16, input16).
    NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"  # params: label, text, readings
    AMBIGUOUS_LOCAL_TIME = "ambiguous_local_time"  # params: label, text, readings
    MEETING_NOT_STARTED = "meeting_not_started"  # params: meeting_id, starts_at
    MEETING_PASSED = "meeting_passed"  # params: meeting_id, starts_at
    DATE_PASSED = "date_passed"  # params: field, date, today (an obligation already past)
    PAST_REASON_REQUIRED = "past_reason_required"  # params: field
    TOO_LARGE = "too_large"  # params: field, cap, size (characters)
    UNKNOWN_SECTION = "unknown_section"  # params: section, known
    NUMBER_OUT_OF_RANGE = "number_out_of_range"  # params: field, value, minimum, maximum
    UNKNOWN_ADMINISTRATION = "unknown_administration"  # params: code_, known
    UNKNOWN_STATE = "unknown_state"  # params: state, known
    UNKNOWN_TRIGGER = "unknown_trigger"  # params: trigger, workflow_id, allowed
    # The database and its file, the command line's input (cli16).
    NO_DATABASE = "no_database"  # params: path (nothing there yet)
    DATABASE_BUSY = "database_busy"  # params: path, seconds (another process writes)
    DATABASE_READ_ONLY = "database_read_only"  # params: path, cause
    DATABASE_DISK_FULL = "database_disk_full"  # params: path
    DATABASE_CANNOT_OPEN = "database_cannot_open"  # params: path, cause
    NOT_A_DATABASE = "not_a_database"  # params: path
    DATABASE_ERROR = "database_error"  # params: path, cause (any other refusal)
    WORKER_BUSY = "worker_busy"  # params: holder, waited (another worker holds the lease)
    NESTED_TOO_DEEP = "nested_too_deep"  # params: what, limit (JSON or YAML)
    FILE_NOT_TEXT = "file_not_text"  # params: path (binary, or not UTF-8)
    # The records' keys (records20).
    NO_SIGNING_KEY = "no_signing_key"  # params: path (`records keygen` makes it)
    NO_PUBLIC_KEY = "no_public_key"  # params: path (the auditors' copy)
    # Approval chains, on behalf of, absence (chain18).
    NO_OPEN_APPROVAL = "no_open_approval"  # params: journal_no (no step open for the actor)
    APPROVAL_NOT_YOURS = "approval_not_yours"  # params: step, username
    ALREADY_APPROVED = "already_approved"  # params: step, username
    OWN_DRAFT = "own_draft"  # params: username, step (the drafter may not approve)
    SKIP_NOT_ALLOWED = "skip_not_allowed"  # params: step
    RETURN_NOT_DECLARED = "return_not_declared"  # params: trigger
    SUBSTITUTE_LOOP = "substitute_loop"  # params: chain (usernames, in order)
    INVALID_PERIOD_DATES = "invalid_period_dates"  # params: starts_on, ends_on
    UNKNOWN_ABSENCE = "unknown_absence"  # params: absence_id (not found or not yours)
    UNKNOWN_DELEGATION = "unknown_delegation"  # params: delegation_id
    RESERVED_FIELD = "reserved_field"  # params: field (only the approval chain writes it)


class CaseflowError(Exception):
    """Base of every error caseflow raises on purpose."""

    exit_code = 1
    default_code = ErrorCode.ERROR

    def __init__(self, message: str = "", *, code: ErrorCode | None = None, **params: object):
        super().__init__(message)
        self.message = message
        self.code: ErrorCode = code or self.default_code
        self.params: dict[str, object] = params


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a definition file: where it is and what is wrong."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line is not None else self.file
        where = f" {self.where}:" if self.where else ""
        return f"{location}:{where} {self.message}"


class DefinitionError(CaseflowError):
    """A workflow (or organisation) file has one or more problems."""

    exit_code = 2
    default_code = ErrorCode.INVALID_DEFINITION

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(problems, key=lambda p: (p.file, p.line or 0))
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} found:\n{lines}",
            problems=[str(p) for p in self.problems],
        )


class NotFound(CaseflowError):
    """A case, workflow, actor or other named thing does not exist."""

    exit_code = 3
    default_code = ErrorCode.NOT_FOUND


class InvalidInput(CaseflowError):
    """Input that cannot be accepted as given (bad date, unknown field, ...)."""

    exit_code = 2
    default_code = ErrorCode.INVALID_INPUT


class NotAllowed(CaseflowError):
    """The action is not possible now: wrong state, missing role or a failing guard."""

    exit_code = 4
    default_code = ErrorCode.NOT_ALLOWED


class Conflict(CaseflowError):
    """Somebody else changed the case first (optimistic locking)."""

    exit_code = 5
    default_code = ErrorCode.CONFLICT


class DatabaseNotReady(CaseflowError):
    """The database is missing tables or is behind the code's migrations."""

    exit_code = 6
    default_code = ErrorCode.DATABASE_NOT_READY


class DatabaseUnavailable(DatabaseNotReady):
    """The database cannot be used as asked: its file is read-only, the disk is full,
    it is not a database, it cannot be opened. ``params`` name the path and the cause.
    A kind of "not ready" for the web (503): nothing was written, an operator must act."""

    exit_code = 7
    default_code = ErrorCode.DATABASE_ERROR


class DatabaseBusy(DatabaseUnavailable):
    """Another process held the write lock for longer than the busy timeout; nothing
    was written, and the same command may simply be run again."""

    exit_code = 8
    default_code = ErrorCode.DATABASE_BUSY


class WorkerBusy(CaseflowError):
    """Another worker holds the worker lease (``worker --once --wait``); nothing was done."""

    exit_code = 9
    default_code = ErrorCode.WORKER_BUSY
