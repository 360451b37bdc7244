"""How the command line words a service error: the message, then what to type.

The services say what went wrong and name no flag (:mod:`caseflow.errors`); this
module adds, per error code, the option or command that puts it right here. The
web app phrases the same codes its own way, next to the field concerned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from caseflow.errors import CaseflowError, ErrorCode

Hint = Callable[[Mapping[str, object]], str | None]


def _service_hint(params: Mapping[str, object]) -> str:
    journal_no = params.get("journal_no", "JOURNAL_NO")
    if params.get("service") == "agenda":
        return (
            f"use `caseflow agenda add MEETING {journal_no}` to put it on an agenda, or "
            f"`caseflow agenda withdraw MEETING {journal_no} --reason TEXT` to take it off"
        )
    if params.get("service") == "approvals":
        return f"it fires when its approval chain is done: `caseflow approval approve {journal_no}`"
    return "record it in the minutes: `caseflow minutes decide MEETING ITEM --outcome ...`"


def _actor_hint(params: Mapping[str, object]) -> str:
    hint = "give --as USER or set CASEFLOW_USER"
    if params.get("public_possible"):
        hint += ", or ask for the public version with --public"
    return hint


def _guards_hint(params: Mapping[str, object]) -> str | None:
    return "give --comment TEXT" if params.get("comment_required") else None


def _postpone_hint(params: Mapping[str, object]) -> str:
    meeting, item = params.get("meeting_id"), params.get("item_no")
    return f"caseflow minutes decide {meeting} {item} --outcome postponed"


HINTS: dict[ErrorCode, Hint] = {
    ErrorCode.ACTOR_REQUIRED: _actor_hint,
    ErrorCode.ADMINISTRATOR_REQUIRED: lambda p: "give --as one who holds it",
    ErrorCode.TRIGGER_OWNED_BY_SERVICE: _service_hint,
    ErrorCode.GUARDS_FAILED: _guards_hint,
    ErrorCode.COMMENT_REQUIRED: lambda p: "give --comment TEXT",
    ErrorCode.NO_OPEN_APPROVAL: lambda p: "see what waits for you with `caseflow approval list`",
    ErrorCode.SUBSTITUTE_LOOP: lambda p: "name a substitute who is not away, or end an absence",
    ErrorCode.STALE_VERSION: lambda p: f"see it with `caseflow case show {p.get('journal_no')}`",
    ErrorCode.NOTHING_TO_CHANGE: lambda p: "give --set KEY=VALUE",
    ErrorCode.NOTE_REQUIRED: lambda p: "give --note TEXT",
    ErrorCode.REASON_REQUIRED: lambda p: "give --reason TEXT",
    ErrorCode.LATE_REASON_REQUIRED: lambda p: "give --late-reason TEXT",
    ErrorCode.TEXT_REQUIRED: lambda p: "give --text TEXT",
    ErrorCode.REFERRAL_TARGET_REQUIRED: lambda p: "give --to COMMITTEE",
    ErrorCode.NO_RECEIVER_FOR_POSTPONEMENT: lambda p: "leave out --to",
    ErrorCode.NAME_REQUIRED: lambda p: "give --name",
    ErrorCode.LEAD_REQUIRED: lambda p: "give --lead CODE",
    ErrorCode.VERSION_OR_DRAFT: lambda p: "give --version N or --draft",
    ErrorCode.CHAIN_REQUIRED: lambda p: "give --via with each committee once, e.g. BIU,ØU,BR",
    ErrorCode.AGENDA_NOT_PUBLISHED: lambda p: (
        f"publish it with `caseflow agenda publish {p.get('meeting_id')}`, or leave out --public"
    ),
    ErrorCode.POSTPONE_AT_MEETING: _postpone_hint,
    ErrorCode.UNTREATED_ITEMS: lambda p: "record them with `caseflow minutes decide`",
    ErrorCode.UNKNOWN_CASE: lambda p: "`caseflow case list` shows the cases",
    ErrorCode.UNKNOWN_ACTOR: lambda p: (
        "`caseflow actor list` shows who exists and `caseflow actor add` creates one"
    ),
    ErrorCode.UNKNOWN_COMMITTEE: lambda p: "`caseflow org show` lists the committees",
    ErrorCode.UNKNOWN_MEETING: lambda p: "`caseflow meeting list --committee CODE` shows the plan",
    ErrorCode.UNKNOWN_FOLLOWUP: lambda p: "`caseflow followup list` shows them",
    ErrorCode.COMMITTEE_EXISTS: lambda p: "change it with `caseflow org committee set`",
    ErrorCode.MEETING_EXISTS: lambda p: f"`caseflow meeting show {p.get('meeting_id')}`",
    ErrorCode.FORMAT_UNAVAILABLE: lambda p: "--format html or md",
    ErrorCode.DATABASE_NOT_READY: lambda p: (
        "run `caseflow init` to create or upgrade it (back it up first)"
    ),
    ErrorCode.FIELD_NOT_AN_ADDRESS: lambda p: f"--set fields.{p.get('field')}=name@example.dk",
    ErrorCode.FIELDS_MISSING: lambda p: "--set fields.NAME=... with the same step",
    ErrorCode.LAST_ADMINISTRATOR: lambda p: "give another actor the role administrator first",
    # Operations.
    ErrorCode.UNKNOWN_NOTIFICATION: lambda p: "`caseflow notifications list` shows the keys",
    ErrorCode.UNKNOWN_INCIDENT: lambda p: "`caseflow incidents list` shows those there are",
    ErrorCode.INCIDENTS_REQUIRED: lambda p: "e.g. D-42 N-17, or give --all",
    ErrorCode.INVALID_INCIDENT_ID: lambda p: "as `caseflow incidents list` shows them",
    ErrorCode.UNKNOWN_WORKFLOW: lambda p: "`caseflow workflow list` shows them",
    ErrorCode.INVALID_PERIOD: lambda p: "give --due-within as working days, e.g. 10d",
    ErrorCode.ONE_UNIT_ONLY: lambda p: (
        "give one of --committee, --administration and --steering-group"
    ),
    # Workflow changes (wf18).
    ErrorCode.UNKNOWN_VERSION: lambda p: (
        f"`caseflow workflow versions {p.get('workflow_id')}` lists the stored versions"
    ),
    ErrorCode.INVALID_STATE_MAP: lambda p: "give --map OLD=NEW, e.g. --map approval=review",
    ErrorCode.UNMAPPED_STATES: lambda p: "give --map OLD=NEW for each of those states",
    ErrorCode.UNKNOWN_MIGRATION: lambda p: "`caseflow workflow migrations` lists them",
    ErrorCode.MIGRATION_STATUS: lambda p: "`caseflow workflow migrations` shows each status",
    # Meetings concern (svc-meetings).
    ErrorCode.ITEM_NOT_ON_AGENDA: lambda p: f"`caseflow agenda show {p.get('meeting_id')}`",
    ErrorCode.ITEM_PUBLIC_ALREADY: lambda p: f"`caseflow agenda show {p.get('meeting_id')}`",
    ErrorCode.MEETING_UNCHANGED: lambda p: "give --at, --until, --place or --note",
    # Attachments and attendance (web17).
    ErrorCode.ATTACHMENT_EXISTS: lambda p: "give --number another number",
    ErrorCode.UNKNOWN_ATTACHMENT: lambda p: f"`caseflow case show {p.get('journal_no')}`",
    ErrorCode.NOT_A_MEMBER: lambda p: "`caseflow org show` lists the committee's members",
    # Accounts (caseflow user).
    ErrorCode.UNKNOWN_TOKEN: lambda p: "`caseflow user token list` shows yours",
    ErrorCode.INVALID_TOKEN_DAYS: lambda p: (
        f"give --days from {p.get('min_days')} to {p.get('max_days')}"
    ),
    ErrorCode.USER_DISABLED: lambda p: (
        f"enable them first: `caseflow user enable {p.get('username')}`"
    ),
    ErrorCode.ACCOUNT_LOCKED: lambda p: (
        "a new password lifts the lock: `caseflow user set-password USER --as ADMIN`"
    ),
    # Every input gets a clear answer (issue 16, input16).
    ErrorCode.NONEXISTENT_LOCAL_TIME: lambda p: "give another time, or one with its offset",
    ErrorCode.AMBIGUOUS_LOCAL_TIME: lambda p: 'give the offset, e.g. "2027-10-31T02:30+01:00"',
    ErrorCode.MEETING_NOT_STARTED: lambda p: "record it once the meeting has begun",
    ErrorCode.DATE_PASSED: lambda p: "give a later date, or --allow-past --reason TEXT",
    ErrorCode.PAST_REASON_REQUIRED: lambda p: "give --reason TEXT with --allow-past",
    ErrorCode.UNKNOWN_SECTION: lambda p: "`caseflow workflow show WORKFLOW` lists its sections",
    ErrorCode.UNKNOWN_ADMINISTRATION: lambda p: "`caseflow org show` lists the administrations",
    ErrorCode.UNKNOWN_STATE: lambda p: "`caseflow workflow show WORKFLOW` lists its states",
    ErrorCode.UNKNOWN_TRIGGER: lambda p: "`caseflow case show JOURNAL_NO` lists the steps open now",
    # The database and its file (cli16).
    ErrorCode.NO_SIGNING_KEY: lambda p: "`caseflow records keygen` makes one",
    ErrorCode.NO_PUBLIC_KEY: lambda p: "give --public-key FILE, the auditors' copy",
    ErrorCode.NO_DATABASE: lambda p: (
        "create it with `caseflow init`, or give --db PATH (or CASEFLOW_DATABASE_URL) for the "
        "database you have"
    ),
    ErrorCode.DATABASE_BUSY: lambda p: "CASEFLOW_BUSY_TIMEOUT=SECONDS waits longer",
    ErrorCode.DATABASE_READ_ONLY: lambda p: (
        "give this user write access to the file and its folder, or use --db for a writable copy"
    ),
    ErrorCode.NOT_A_DATABASE: lambda p: (
        "give --db the path of the caseflow database, or move this file away and run "
        "`caseflow init`"
    ),
    ErrorCode.WORKER_BUSY: lambda p: "give --wait SECONDS to wait for it",
}


def phrase(error: CaseflowError) -> str:
    """The error's message, with what to type at the command line where there is something."""
    message = str(error)
    hint_for = HINTS.get(error.code)
    hint = hint_for(error.params) if hint_for is not None else None
    return f"{message} ({hint})" if hint else message
