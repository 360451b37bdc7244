"""The database tables, as SQLAlchemy Core metadata.

Core rather than the ORM: the write path of a fire is three statements, and the
ORM's unit of work alone would cost more than the disk's fsync. Alembic
migrations in ``migrations/`` create exactly these tables (a test checks it).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from caseflow.store.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

workflow_versions = Table(
    "workflow_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workflow_id", String(100), nullable=False),
    Column("version", String(64), nullable=False),
    Column("title", String(300), nullable=False),
    Column("source_path", String(1000), nullable=False),
    Column("source_text", Text, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    UniqueConstraint("workflow_id", "version"),
)

administrations = Table(
    "administrations",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("name_en", String(300), nullable=True),
    # Its shared mailbox, for the follow-up actions it owns (migration 0005).
    Column("email", String(300), nullable=True),
)

committees = Table(
    "committees",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("name_en", String(300), nullable=True),
    Column("kind", String(20), nullable=False),  # standing | temporary (§ 17 stk. 4)
    Column("secretariat_email", String(300), nullable=True),
    Column("details", JSON, nullable=False),  # members, chair, agenda rules: see organisation.py
)

steering_groups = Table(
    "steering_groups",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("members", JSON, nullable=False),  # list of {administration, actor}
)

actors = Table(
    "actors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("email", String(300), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
)

actor_roles = Table(
    "actor_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("actor_id", Integer, ForeignKey("actors.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(100), nullable=False),
    Column("administration", String(16), ForeignKey("administrations.code"), nullable=True),
    Column("committee", String(16), ForeignKey("committees.code"), nullable=True),
    Index(None, "actor_id"),
)

journal_counters = Table(
    "journal_counters",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last_serial", Integer, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("journal_no", String(32), nullable=False, unique=True),
    Column("title", String(500), nullable=False),
    Column("workflow_id", String(100), nullable=False),
    Column("workflow_version", String(64), nullable=False),
    Column("state", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("origin", JSON, nullable=False),
    Column("lead_administration", String(16), nullable=True),
    Column("participating_administrations", JSON, nullable=False),
    Column("committee", String(16), nullable=True),
    Column("summary", Text, nullable=False),
    Column("recommendations", JSON, nullable=False),
    Column("sections", JSON, nullable=False),
    Column("attachments", JSON, nullable=False),
    Column("fields", JSON, nullable=False),
    Column("case_officer", String(100), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("state_entered_at", UTCDateTime, nullable=False),
    # Counts entries into states (the version of the fire that entered the current one).
    Column("state_generation", Integer, nullable=False, server_default="1"),
    Column("audit_head", String(64), nullable=False),
    ForeignKeyConstraint(
        ["workflow_id", "workflow_version"],
        ["workflow_versions.workflow_id", "workflow_versions.version"],
        name="fk_cases_workflow_versions",
    ),
    Index(None, "state"),
    Index(None, "committee"),
    Index(None, "case_officer"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("kind", String(20), nullable=False),  # a caseflow.domain.AuditKind
    Column("trigger", String(100), nullable=True),
    Column("from_state", String(100), nullable=True),
    Column("to_state", String(100), nullable=False),
    Column("changes", JSON, nullable=False),
    Column("comment", Text, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("case_id", "seq"),
)

# -- deadlines and the outbox (migration 0002) -----------------------------------------------

# A deadline's status is a caseflow.deadlines.vocabulary.DeadlineStatus.
deadlines = Table(
    "deadlines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("rule_id", String(100), nullable=False),
    # The state entry (the case's state_generation) that created it: a deadline from an
    # earlier visit to a state can never fire.
    Column("generation", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("not_before", UTCDateTime, nullable=True),
    Column("due_at", UTCDateTime, nullable=False),
    Column("reminders_at", JSON, nullable=False),  # UTC ISO times, in order
    Column("reminders_sent", Integer, nullable=False),
    Column("next_action_at", UTCDateTime, nullable=True),  # null when nothing is left to do
    Column("remaining_working_days", Integer, nullable=True),  # while paused
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("lease_owner", String(100), nullable=True),
    Column("lease_expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Index(
        "ix_deadlines_open_next_action",
        "next_action_at",
        sqlite_where=text("status = 'open'"),
    ),
    Index(
        "ix_deadlines_live_case",
        "case_id",
        sqlite_where=text("status IN ('open', 'paused')"),
    ),
)

# How each deadline's due date was computed (``caseflow deadlines explain``), kept apart
# from its row: the dispatcher rewrites that row twice per deadline (its claim, then its
# outcome), and this text was three quarters of it (migration 0006).
deadline_explanations = Table(
    "deadline_explanations",
    metadata,
    Column(
        "deadline_id",
        Integer,
        ForeignKey("deadlines.id"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("explanation", JSON, nullable=False),
)

# A notification's status is a caseflow.notifications.vocabulary.OutboxStatus.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),  # idempotency key
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=True),
    Column("template", String(100), nullable=False),
    Column("language", String(5), nullable=False),
    Column("recipients", JSON, nullable=False),  # [{address, name}]
    Column("context", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("lease_owner", String(100), nullable=True),
    Column("lease_expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    Index(
        "ix_outbox_pending_next_attempt",
        "next_attempt_at",
        sqlite_where=text("status = 'pending'"),
    ),
)

# -- committee meetings (migration 0003) -------------------------------------------------------

# A meeting's status is a caseflow.meetings.vocabulary.MeetingStatus.
meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee", String(16), ForeignKey("committees.code"), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=True),
    Column("place", String(300), nullable=True),
    Column("status", String(20), nullable=False),
    # Stable for the meeting's lifetime: calendar programs update, not duplicate, it.
    Column("uid", String(200), nullable=False, unique=True),
    # RFC 5545 SEQUENCE: raised when the time, place or status changes, so that calendar
    # programs take the new version over the one they hold.
    Column("sequence", Integer, nullable=False, server_default="0"),
    Column("note", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("committee", "starts_at"),
    Index(None, "starts_at"),
)

# -- agendas, minutes and follow-up (migration 0004) --------------------------------------------

# Statuses, outcomes and follow-up owners are StrEnums of caseflow.meetings.vocabulary.
agenda_items = Table(
    "agenda_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("committee", String(16), ForeignKey("committees.code"), nullable=False),
    Column("item_no", Integer, nullable=False),  # the number printed: 1..n in position order
    Column("position", Integer, nullable=False),
    Column("is_public", Boolean, nullable=False),  # False: a closed item (lukket punkt)
    Column("is_late", Boolean, nullable=False),  # added after the committee's agenda deadline
    Column("late_reason", Text, nullable=True),
    Column("late_approved_by", String(100), nullable=True),
    Column("status", String(20), nullable=False),
    Column("decision", Text, nullable=True),
    Column("absent", JSON, nullable=False),  # members absent when the item was treated
    Column("outcome", String(20), nullable=True),  # decided | postponed | referred
    Column("referred_to", String(16), ForeignKey("committees.code"), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", String(100), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    UniqueConstraint("meeting_id", "case_id"),
    Index(None, "case_id"),
)

agenda_versions = Table(
    "agenda_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("published_by", String(100), nullable=False),
    Column("change_note", Text, nullable=True),
    Column("snapshot", JSON, nullable=False),  # the agenda as published, closed items included
    UniqueConstraint("meeting_id", "version"),
)

meeting_minutes = Table(
    "meeting_minutes",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id"), primary_key=True),
    Column("approved_at", UTCDateTime, nullable=False),
    Column("approved_by", String(100), nullable=False),
    Column("note", Text, nullable=True),
)

followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("agenda_item_id", Integer, ForeignKey("agenda_items.id"), nullable=True),
    Column("description", Text, nullable=False),
    Column("owner_kind", String(20), nullable=False),  # steering_group | administration
    Column("owner_code", String(32), nullable=False),
    Column("due", String(200), nullable=False),  # as written: "by end of 2009", "during 2010"
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("done_at", UTCDateTime, nullable=True),
    Column("done_by", String(100), nullable=True),
    Column("note", Text, nullable=True),
    Index(None, "case_id"),
    Index(None, "status"),
)

# -- the organisation's history (migration 0005) ------------------------------------------------

org_changes = Table(
    "org_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),  # who: a username, or os:LOGIN for a load
    Column("via", String(1000), nullable=False),  # the command, or the file loaded
    Column("kind", String(20), nullable=False),  # a caseflow.domain.OrgKind
    Column("code", String(100), nullable=False),  # its code, or an actor's username
    # The values before (null: it was added) and after, as the organisation file writes them.
    Column("old", JSON, nullable=True),
    Column("new", JSON, nullable=False),
    Index(None, "kind", "code"),
)

# -- accounts: sign-in for the web app (migration 0007) -----------------------------------------
#
# A user is an actor with credentials. No secret is stored: a password as its argon2id
# hash, a session's cookie value and an API token's secret as their sha256 (hex), looked
# up by that hash. Times are UTC, like every other table's.

credentials = Table(
    "credentials",
    metadata,
    Column("username", String(100), ForeignKey("actors.username"), primary_key=True),
    # Null: no password (a user who signs in through OpenID Connect only, or one disabled
    # before a password was ever set).
    Column("password_hash", String(200), nullable=True),
    Column("changed_at", UTCDateTime, nullable=False),  # the password's, or the row's creation
    Column("disabled_at", UTCDateTime, nullable=True),
    Column(
        "failed_sign_ins", Integer, nullable=False, server_default="0"
    ),  # since the last success
    Column("locked_until", UTCDateTime, nullable=True),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the cookie value
    Column("username", String(100), ForeignKey("actors.username"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),  # touched at most once a minute
    Column("expires_at", UTCDateTime, nullable=False),  # absolute: the idle limit comes first
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("client", String(300), nullable=False),  # ip / user agent, truncated
    Column("via", String(20), nullable=False),  # password | oidc (services.accounts.SignInVia)
    Index(None, "username"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), ForeignKey("actors.username"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the secret
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),  # touched at most once a minute
    Index(None, "username"),
)

# Every account action, append-only like the case audit trail (triggers): who did it,
# when, what (store.accounts.AccountEventKind), for which user and from which client.
# The sign-in throttle and lockout read it too.
account_events = Table(
    "account_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),  # who: the user signing in, or an administrator
    Column("kind", String(30), nullable=False),
    Column("username", String(100), nullable=False),  # for whom (as typed, for a failed sign-in)
    Column("client", String(300), nullable=False),
    Column("detail", String(300), nullable=True),  # e.g. which token, how many sessions ended
    Index(None, "username", "id"),
    Index(None, "client", "at"),
)

# -- web17: the web app's extras (migration 0008) ------------------------------------------------

# Open deadlines by due date with their case: the inbox sorted by deadline reads them from
# this index alone (its condition as the queries write it, so SQLite sees it applies).
Index(
    "ix_deadlines_open_due",
    deadlines.c.due_at,
    deadlines.c.case_id,
    sqlite_where=text("status = 'open'"),
)

# The file of an attachment (bilag) of a case; the case's ``attachments`` names it by number.
attachment_files = Table(
    "attachment_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("number", String(100), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False),
    UniqueConstraint("case_id", "number"),
)

# Who attended a meeting and who was absent, recorded once for the whole meeting.
meeting_attendance = Table(
    "meeting_attendance",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id"), primary_key=True),
    Column("member", String(200), primary_key=True),
    Column("present", Boolean, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)
# -- end web17 ----------------------------------------------------------------------------------
# -- wf18: publishing workflow versions and migrating running cases (migration 0009) ------------

# Each publication of a workflow version: the newest one per workflow is what new cases get
# (store.workflows.published), in every process at its next operation.
workflow_publications = Table(
    "workflow_publications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workflow_id", String(100), nullable=False),
    Column("version", String(64), nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("published_by", String(100), nullable=False),
    Column("source_path", String(1000), nullable=False),  # the file it was published from
    ForeignKeyConstraint(
        ["workflow_id", "version"],
        ["workflow_versions.workflow_id", "workflow_versions.version"],
        name="fk_workflow_publications_workflow_versions",
    ),
    Index(None, "workflow_id", "id"),
)

# A migration of running cases from one version to another: its plan (the state mapping,
# the versions moved from, the states selected), who ran it, and where it is. Its status
# is a caseflow.store.workflow_migrations.MigrationStatus.
workflow_migrations = Table(
    "workflow_migrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workflow_id", String(100), nullable=False),
    Column("to_version", String(64), nullable=False),
    Column("plan", JSON, nullable=False),  # {"from": [...], "map": {...}, "where": [...]}
    Column("actor", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("batch_size", Integer, nullable=False),
    Column("last_case_id", Integer, nullable=False),  # the cursor: cases after it are left
    Column("moved", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("reverted_at", UTCDateTime, nullable=True),
    Column("reverted_by", String(100), nullable=True),
    Index(None, "workflow_id", "id"),
)

# What a migration did to each case: moved (with the case's version after the move, so a
# revert can tell whether anything happened since), failed (and why), reverted or kept
# (not reverted: it changed since). ``undo`` holds what a revert needs: the live deadline
# rows as they were before the move, and the deadlines the move started.
workflow_migration_cases = Table(
    "workflow_migration_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("migration_id", Integer, ForeignKey("workflow_migrations.id"), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("outcome", String(20), nullable=False),  # a store.workflow_migrations.CaseOutcome
    Column("from_version", String(64), nullable=False),
    Column("from_state", String(100), nullable=False),
    Column("to_state", String(100), nullable=False),
    Column("case_version", Integer, nullable=True),  # after the move
    Column("message", Text, nullable=True),  # why it failed, or was kept
    Column("warnings", JSON, nullable=False),
    Column("undo", JSON, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index(None, "migration_id", "case_id"),
)

# -- records that prove themselves (migration 0011) ---------------------------------------------
#
# Each audit row carries the hash of its case's state after the event (see
# caseflow.records.state_hash), so the case row can be checked against its chain; null on
# rows written before 0011 and on the deadline dispatcher's set-wise rows.
audit_events.append_column(Column("state_hash", String(64), nullable=True))

# The record chains of every other kind (caseflow.records.chains.ChainKind): one row per
# link, fed in the transaction of the write it covers. Append-only (triggers).
record_links = Table(
    "record_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("key", String(100), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("ref", String(100), nullable=False),  # the row it covers
    Column("at", UTCDateTime, nullable=False),
    Column("digest", String(64), nullable=False),  # of that row's content
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("kind", "key", "seq"),
)

# Signed checkpoints (caseflow.records.checkpoints) and the heads each one lists (the
# chains whose head moved since the one before). Append-only (triggers); the private key
# that signs them is never stored here.
record_checkpoints = Table(
    "record_checkpoints",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("prev", String(64), nullable=False),
    Column("heads_digest", String(64), nullable=False),
    Column("heads", Integer, nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(100), nullable=False),
)

checkpoint_heads = Table(
    "checkpoint_heads",
    metadata,
    Column(
        "checkpoint",
        Integer,
        ForeignKey("record_checkpoints.seq"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("chain", String(130), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)


# --- approval chains, absence and on-behalf-of rights (chain18, migration 0010) ---------
# A chain row per round of a case's approval chain (a return ends a round; the next
# submission starts the next at the step the workflow file says); a vote row per action
# taken on a step, with for whom (principal) and by whom (actor: the principal, their
# substitute or their delegate). Every action is also a row in the case's audit chain.

approval_chains = Table(
    "approval_chains",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("trigger", String(100), nullable=False),
    Column("round", Integer, nullable=False),
    Column("step_index", Integer, nullable=False),
    Column("status", String(20), nullable=False),  # approvals.store ChainStatus
    Column("drafters", JSON, nullable=False),  # usernames who may not approve
    Column("restart_index", Integer, nullable=True),  # after a return: where the next starts
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Index(None, "case_id", "status"),
    Index(None, "status"),
)

approval_votes = Table(
    "approval_votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chain_id", Integer, ForeignKey("approval_chains.id"), nullable=False),
    Column("step_index", Integer, nullable=False),
    Column("step", String(100), nullable=False),
    Column("principal", String(100), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(30), nullable=False),  # approvals.chain.Action
    Column("text", Text, nullable=True),  # the condition or the comment
    Column("at", UTCDateTime, nullable=False),
    Index(None, "chain_id", "step_index"),
)

absences = Table(
    "absences",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), ForeignKey("actors.username"), nullable=False),
    Column("substitute", String(100), ForeignKey("actors.username"), nullable=False),
    Column("starts_on", String(10), nullable=False),  # ISO date, Copenhagen
    Column("ends_on", String(10), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ended_by", String(100), nullable=True),
    Index(None, "username"),
)

delegations = Table(
    "delegations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("principal", String(100), ForeignKey("actors.username"), nullable=False),
    Column("delegate", String(100), ForeignKey("actors.username"), nullable=False),
    Column("scope", String(20), nullable=False),  # approvals.routing.DelegationScope
    Column("starts_on", String(10), nullable=False),  # ISO date, Copenhagen
    Column("ends_on", String(10), nullable=False),
    Column("granted_by", String(100), nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("revoked_by", String(100), nullable=True),
    Index(None, "delegate"),
)


# -- start16: the partial indexes' condition on PostgreSQL, added when it is used ----------------
# Each partial index above gives its condition once, as ``sqlite_where``: naming a
# dialect's option makes SQLAlchemy import that dialect to check it, and every command
# on SQLite would load PostgreSQL's for nothing (issue 16: ``case list`` starts fast).


def partial_indexes_on_postgresql() -> None:
    """Give the partial indexes their condition on PostgreSQL too: the same condition as
    on SQLite, so that what the metadata creates (``create_all``) is what the migrations
    create. :func:`caseflow.store.db.make_engine` calls it for a PostgreSQL URL, before
    anything emits DDL or compares the schema; calling it again changes nothing."""
    for table in metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                index.dialect_kwargs["postgresql_where"] = where
