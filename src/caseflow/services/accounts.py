"""Accounts: signing in to the web app, its sessions, API tokens, and users' passwords.

A user is an actor (:mod:`caseflow.store.organisation`) with credentials: an argon2id
hash of a password, a disabled mark, and the failed sign-ins since the last success.
No secret is stored: a session's cookie value and an API token's secret are kept as
their sha256 and looked up by it, and each is shown once, to whoever it was made for.

**Signing in.** A failed sign-in never tells whether the user exists: an unknown
user, a wrong password and a disabled user get the one answer (``sign_in_failed``)
after the same work (the password is checked against a dummy hash when there is no
real one). After 5 failures in a row an account is locked for 15 minutes
(``account_locked``, with when it opens; the right password is refused too
meanwhile). A username nobody has is locked the same way, counted from the account
events, so the lock does not tell either. More than 20 failures from one client (its
ip address and user agent, as the web app gives it) within 10 minutes refuse its
further tries until the window has passed (``sign_in_throttled``). The rules and
those figures are in :mod:`caseflow.services.passwords`. Each sign-in opens a new
session (its id is never reused), and ends the one it ``replaces``.

**Time.** ``now=None`` is the wall clock (UTC), not the engine's clock: that one may
stand still or be moved by a rehearsal (``CASEFLOW_NOW``), and a session must not
end because the case clock moved. Tests pass ``now``.

Every function owns its transaction, and every account action appends an account
event (:class:`AccountEventKind`): who, when, what, for whom, from which client.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from caseflow import policy
from caseflow.context import Context
from caseflow.domain import AccountEventKind as AccountEventKind
from caseflow.domain import Actor
from caseflow.domain import SignInVia as SignInVia
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.services import passwords
from caseflow.store import accounts as account_rows
from caseflow.store import organisation as org_rows
from caseflow.store.accounts import secret_hash
from caseflow.store.db import read_transaction

TokenView = account_rows.TokenView
"""An API token as :func:`list_tokens` shows it: never its secret."""
SessionView = account_rows.SessionView
"""A web session as :func:`list_sessions` shows it: never its secret."""
AccountEvent = account_rows.AccountEvent
"""One account event, as :func:`account_events` lists it."""
check_password = passwords.check_password
"""Refuse a password that breaks a rule (for a form to check before it posts)."""
PASSWORD_MIN_LENGTH = passwords.PASSWORD_MIN_LENGTH

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at / last_used_at, at most this often
TOKEN_DAYS = (1, 365)
TOKEN_PREFIX = "cft_"  # an API token's secret starts so: a scanner of leaked secrets sees it
TOKEN_NAME_LENGTH = 100


@dataclass(frozen=True)
class SignedIn:
    """A new web session. ``session_token`` is the cookie value: shown only here."""

    session_token: str
    csrf_token: str
    actor: Actor
    expires_at: datetime


@dataclass(frozen=True)
class WebSession:
    """The session a request's cookie names, while it lasts."""

    id: int
    actor: Actor
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    via: SignInVia


@dataclass(frozen=True)
class IssuedToken:
    """A new API token. ``secret`` is shown only here; it cannot be shown again."""

    id: int
    name: str
    secret: str
    expires_at: datetime


# -- passwords --------------------------------------------------------------------------------


def set_password(
    ctx: Context,
    actor: Actor,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    keep_session: str | None = None,
    client: str = "",
) -> None:
    """Set ``username``'s password: the user themself, or an administrator.

    A new password lifts a lock and ends the user's sessions, but the one whose cookie
    value is ``keep_session`` (the session the user changed it in); API tokens stay.
    """
    moment = _utc(now)
    _require_self_or_administrator(actor, username, f"set the password of {username}")
    check_password(username, password)
    password_hash = passwords.hashed(password)  # outside the transaction: it takes a while
    with ctx.engine.transaction() as conn:
        _existing(conn, username)
        account_rows.put_password(conn, username, password_hash, moment)
        keep = secret_hash(keep_session) if keep_session else None
        ended = account_rows.revoke_sessions(conn, username, moment, keep_hash=keep)
        _record(
            conn,
            moment,
            actor.username,
            AccountEventKind.PASSWORD_SET,
            username,
            client,
            f"{ended} session(s) ended" if ended else None,
        )


# -- signing in and out -----------------------------------------------------------------------


def sign_in(
    ctx: Context,
    username: str,
    password: str,
    *,
    client: str = "",
    replaces: str | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Check ``username``'s password and open a web session; ``replaces`` (the cookie
    value of the session the browser had) ends. ``client`` says where the try came from
    (the ip address, then the user agent): the throttle counts per client text.

    Refused with ``sign_in_failed`` for an unknown or disabled user and a wrong password
    alike, ``account_locked`` while locked, ``sign_in_throttled`` while the client waits.
    """
    moment = _utc(now)
    where = account_rows.fit(client, account_rows.CLIENT_LENGTH)
    typed = account_rows.fit(username, account_rows.NAME_LENGTH)  # as the events record it
    usable_name = typed == username  # a name with control characters names nobody
    engine = ctx.engine
    with read_transaction(engine.db) as conn:
        passwords.refuse_throttled(conn, where, moment)
        actor = _actor(conn, username) if usable_name else None
        row = account_rows.credentials_of(conn, username) if usable_name else None
        _failures, locked_until = passwords.lock_state(conn, typed, row, moment)
    if locked_until is not None:
        raise passwords.locked(locked_until)
    stored = row.password_hash if row is not None else None
    matches = passwords.verify(stored, password)  # always hashes, so every answer takes as long
    allowed = matches and actor is not None and row is not None and row.disabled_at is None
    rehashed = passwords.hashed(password) if allowed and passwords.needs_rehash(stored) else None
    with engine.transaction() as conn:
        current = account_rows.credentials_of(conn, username, lock=True) if row else None
        still = (
            allowed
            and current is not None
            and current.password_hash == stored
            and current.disabled_at is None
            and not passwords.is_locked(current, moment)
        )
        if not still or actor is None or stored is None:
            locked_until = passwords.count_failure(conn, typed, current, where, moment)
            signed_in = None
        else:
            account_rows.set_failures(conn, username, 0, None)
            if rehashed is not None:
                account_rows.replace_hash(conn, username, stored, rehashed)
            signed_in = _open_session(ctx, conn, actor, where, replaces, moment, SignInVia.PASSWORD)
    if signed_in is not None:
        return signed_in
    if locked_until is not None:
        raise passwords.locked(locked_until)
    raise passwords.sign_in_failed()


def sign_in_external(
    ctx: Context,
    username: str,
    *,
    client: str = "",
    replaces: str | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Open a web session for ``username`` after the identity provider vouched for them
    (OpenID Connect): they must be an actor of the organisation and not disabled; no
    actor is ever created here. A password lock does not apply (no password was tried).
    """
    moment = _utc(now)
    where = account_rows.fit(client, account_rows.CLIENT_LENGTH)
    typed = account_rows.fit(username, account_rows.NAME_LENGTH)
    with ctx.engine.transaction() as conn:
        actor = _actor(conn, username) if typed == username else None
        row = account_rows.credentials_of(conn, username) if actor is not None else None
        if actor is not None and (row is None or row.disabled_at is None):
            return _open_session(ctx, conn, actor, where, replaces, moment, SignInVia.OIDC)
        _record(
            conn,
            moment,
            typed,
            AccountEventKind.SIGN_IN_FAILED,
            typed,
            where,
            "through the identity provider",
        )
    raise passwords.sign_in_failed()


def session(ctx: Context, token: str, *, now: datetime | None = None) -> WebSession | None:
    """The session whose cookie value is ``token``; None when there is none, or it was
    ended, has been idle too long, is past its absolute expiry, or its user is disabled
    or gone. Its ``last_seen_at`` is written at most once a minute, so the idle limit
    holds to within a minute."""
    moment = _utc(now)
    if not token:
        return None
    engine = ctx.engine
    with read_transaction(engine.db) as conn:
        found = account_rows.session_by_hash(conn, secret_hash(token))
        if found is None or found.user_disabled or not _is_open(ctx, found.view, moment):
            return None
        actor = _actor(conn, found.view.username)
    if actor is None:
        return None
    view = found.view
    if moment - view.last_seen_at >= TOUCH_EVERY:
        with engine.transaction() as conn:
            account_rows.touch_session(conn, view.id, moment, moment - TOUCH_EVERY)
    return WebSession(view.id, actor, found.csrf_token, view.created_at, view.expires_at, view.via)


def sign_out(ctx: Context, token: str, *, now: datetime | None = None, client: str = "") -> None:
    """End the session whose cookie value is ``token`` (nothing, if there is none)."""
    moment = _utc(now)
    if not token:
        return
    with ctx.engine.transaction() as conn:
        ended = account_rows.revoke_session(conn, secret_hash(token), moment)
        if ended is not None:
            _record(
                conn,
                moment,
                ended.username,
                AccountEventKind.SIGNED_OUT,
                ended.username,
                client or ended.client,
                f"session {ended.id}",
            )


def sign_out_everywhere(
    ctx: Context,
    actor: Actor,
    username: str | None = None,
    *,
    now: datetime | None = None,
    client: str = "",
) -> int:
    """End every session of ``actor`` or (an administrator's) of ``username``; returns
    how many were open. API tokens are not sessions: :func:`revoke_token` ends those."""
    moment = _utc(now)
    whose = username or actor.username
    _require_self_or_administrator(actor, whose, f"sign {whose} out")
    with ctx.engine.transaction() as conn:
        ended = account_rows.revoke_sessions(conn, whose, moment)
        _record(
            conn,
            moment,
            actor.username,
            AccountEventKind.SIGNED_OUT_EVERYWHERE,
            whose,
            client,
            f"{ended} session(s) ended",
        )
    return ended


# -- disabling and enabling -------------------------------------------------------------------


def disable_user(
    ctx: Context, actor: Actor, username: str, *, now: datetime | None = None, client: str = ""
) -> None:
    """Disable ``username`` (an administrator's): every session ends and every API token
    is revoked at once, and no sign-in succeeds until :func:`enable_user`. The last
    enabled administrator without scope cannot be disabled."""
    moment = _utc(now)
    policy.require_administrator(actor, f"disable {username}")
    with ctx.engine.transaction() as conn:
        _existing(conn, username)
        current = account_rows.credentials_of(conn, username, lock=True)
        if current is not None and current.disabled_at is not None:
            return  # disabled already: its sessions and tokens ended then
        if policy.last_administrators(conn) == [username]:
            raise NotAllowed(
                f"{username} is the last enabled administrator (the role administrator "
                "without scope); disabled, nobody could change the organisation",
                code=ErrorCode.LAST_ADMINISTRATOR,
                username=username,
            )
        account_rows.set_disabled(conn, username, moment, disabled=True)
        sessions = account_rows.revoke_sessions(conn, username, moment)
        tokens = account_rows.revoke_tokens(conn, username, moment)
        _record(
            conn,
            moment,
            actor.username,
            AccountEventKind.DISABLED,
            username,
            client,
            f"{sessions} session(s) ended, {tokens} token(s) revoked",
        )


def enable_user(
    ctx: Context, actor: Actor, username: str, *, now: datetime | None = None, client: str = ""
) -> None:
    """Let a disabled user sign in again (an administrator's). Their revoked tokens stay
    revoked: they are issued anew."""
    moment = _utc(now)
    policy.require_administrator(actor, f"enable {username}")
    with ctx.engine.transaction() as conn:
        _existing(conn, username)
        current = account_rows.credentials_of(conn, username, lock=True)
        if current is None or current.disabled_at is None:
            return  # not disabled: nothing to do
        account_rows.set_disabled(conn, username, moment, disabled=False)
        _record(conn, moment, actor.username, AccountEventKind.ENABLED, username, client)


# -- the administrators' view of the users ---------------------------------------------------


@dataclass(frozen=True)
class UserRow:
    """One user as the administrators' list shows it."""

    actor: Actor
    disabled: bool
    open_sessions: int


def list_users(ctx: Context, actor: Actor, *, now: datetime | None = None) -> list[UserRow]:
    """Every actor with its roles, whether it is disabled and how many web sessions it has
    open: an administrator's view."""
    moment = _utc(now)
    policy.require_administrator(actor, "list the users and their sessions")
    seen_since = moment - timedelta(minutes=ctx.settings.session_idle_minutes)
    with read_transaction(ctx.engine.db) as conn:
        found = org_rows.list_actors(conn)
        disabled = account_rows.disabled_among(conn, [a.username for a in found])
        sessions = account_rows.open_sessions(conn, None, moment, seen_since)
    counts = Counter(s.username for s in sessions)
    return [UserRow(a, a.username in disabled, counts[a.username]) for a in found]


@dataclass(frozen=True)
class UserAccount:
    """One user's account as an administrator sees it: roles, open sessions, API tokens
    (never their secrets) and the newest account events."""

    actor: Actor
    disabled: bool
    sessions: list[account_rows.SessionView]
    tokens: list[account_rows.TokenView]
    events: list[account_rows.AccountEvent]


def user_account(
    ctx: Context, actor: Actor, username: str, *, now: datetime | None = None, limit: int = 100
) -> UserAccount:
    """``username``'s account (an administrator's view); an unknown user is not found."""
    moment = _utc(now)
    policy.require_administrator(actor, f"look into the account of {username}")
    seen_since = moment - timedelta(minutes=ctx.settings.session_idle_minutes)
    with read_transaction(ctx.engine.db) as conn:
        whom = org_rows.get_actor(conn, username)
        return UserAccount(
            whom,
            bool(account_rows.disabled_among(conn, [username])),
            account_rows.open_sessions(conn, username, moment, seen_since),
            account_rows.tokens(conn, username),
            account_rows.events(conn, username, limit),
        )


# -- API tokens -------------------------------------------------------------------------------


def issue_token(
    ctx: Context,
    actor: Actor,
    name: str,
    *,
    days: int = 90,
    username: str | None = None,
    now: datetime | None = None,
    client: str = "",
) -> IssuedToken:
    """A new API token for ``actor``, or (an administrator's) for ``username``, valid for
    ``days`` (1 to 365). Its secret is in the answer and nowhere else."""
    moment = _utc(now)
    whose = username or actor.username
    _require_self_or_administrator(actor, whose, f"issue an API token for {whose}")
    label = name.strip()
    if (
        not label
        or len(label) > TOKEN_NAME_LENGTH
        or account_rows.fit(label, TOKEN_NAME_LENGTH) != label
    ):
        raise InvalidInput(
            f"a token needs a name of one line, at most {TOKEN_NAME_LENGTH} characters",
            code=ErrorCode.INVALID_TOKEN_NAME,
            max_length=TOKEN_NAME_LENGTH,
        )
    low, high = TOKEN_DAYS
    if not low <= days <= high:
        raise InvalidInput(
            f"a token is valid for {low} to {high} days, not {days}",
            code=ErrorCode.INVALID_TOKEN_DAYS,
            days=days,
            min_days=low,
            max_days=high,
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = moment + timedelta(days=days)
    with ctx.engine.transaction() as conn:
        _existing(conn, whose)
        if account_rows.disabled_among(conn, [whose]):
            raise NotAllowed(
                f"{whose} is disabled and cannot have API tokens",
                code=ErrorCode.USER_DISABLED,
                username=whose,
            )
        token_id = account_rows.create_token(
            conn,
            username=whose,
            name=label,
            token_hash=secret_hash(secret),
            now=moment,
            expires_at=expires_at,
        )
        _record(
            conn,
            moment,
            actor.username,
            AccountEventKind.TOKEN_ISSUED,
            whose,
            client,
            f"token {token_id} {label!r}, valid until {expires_at.date().isoformat()}",
        )
    return IssuedToken(token_id, label, secret, expires_at)


def token_actor(ctx: Context, secret: str, *, now: datetime | None = None) -> Actor | None:
    """Who an API request with ``secret`` acts as; None when the token is unknown,
    expired or revoked, or its user is disabled or gone. Its ``last_used_at`` is written
    at most once a minute."""
    moment = _utc(now)
    if not secret.startswith(TOKEN_PREFIX):
        return None
    engine = ctx.engine
    with read_transaction(engine.db) as conn:
        found = account_rows.token_by_hash(conn, secret_hash(secret))
        if found is None or found.user_disabled or found.view.status(moment) != "active":
            return None
        actor = _actor(conn, found.view.username)
    if actor is None:
        return None
    used = found.view.last_used_at
    if used is None or moment - used >= TOUCH_EVERY:
        with engine.transaction() as conn:
            account_rows.touch_token(conn, found.view.id, moment, moment - TOUCH_EVERY)
    return actor


def revoke_token(
    ctx: Context, actor: Actor, token_id: int, *, now: datetime | None = None, client: str = ""
) -> None:
    """Revoke an API token: one's own, or (an administrator) anyone's. Another's token is
    answered as one that does not exist."""
    moment = _utc(now)
    with ctx.engine.transaction() as conn:
        token = account_rows.token_by_id(conn, token_id)
        if token is None or (
            token.username != actor.username and not policy.is_administrator(actor)
        ):
            raise NotFound(
                f"API token {token_id}: not found or not allowed",
                code=ErrorCode.UNKNOWN_TOKEN,
                token_id=token_id,
            )
        if account_rows.revoke_token(conn, token_id, moment):
            _record(
                conn,
                moment,
                actor.username,
                AccountEventKind.TOKEN_REVOKED,
                token.username,
                client,
                f"token {token_id} {token.name!r}",
            )


def list_tokens(
    ctx: Context, actor: Actor, username: str | None = None, *, every_user: bool = False
) -> list[TokenView]:
    """API tokens (never their secrets), newest first: one's own, or (an administrator)
    ``username``'s or, with ``every_user``, everyone's."""
    whose = _whose(actor, username, every_user, "list the API tokens")
    with read_transaction(ctx.engine.db) as conn:
        return account_rows.tokens(conn, whose)


def list_sessions(
    ctx: Context,
    actor: Actor,
    username: str | None = None,
    *,
    every_user: bool = False,
    now: datetime | None = None,
) -> list[SessionView]:
    """The web sessions that are open (not ended, idle or expired), newest first: one's
    own, or (an administrator) ``username``'s or, with ``every_user``, everyone's."""
    moment = _utc(now)
    whose = _whose(actor, username, every_user, "list the sessions")
    seen_since = moment - timedelta(minutes=ctx.settings.session_idle_minutes)
    with read_transaction(ctx.engine.db) as conn:
        return account_rows.open_sessions(conn, whose, moment, seen_since)


def account_events(
    ctx: Context,
    actor: Actor,
    username: str | None = None,
    limit: int = 100,
    *,
    every_user: bool = False,
) -> list[AccountEvent]:
    """The newest ``limit`` account events, newest first: those for oneself, or (an
    administrator) for ``username`` (who need not exist: failed sign-ins name whoever
    was typed) or, with ``every_user``, for everyone."""
    whose = _whose(actor, username, every_user, "read the account events")
    if not 1 <= limit <= 1000:
        raise InvalidInput(f"a list holds 1 to 1000 events, not {limit}")
    with read_transaction(ctx.engine.db) as conn:
        return account_rows.events(conn, whose, limit)


# -- the parts --------------------------------------------------------------------------------


def _utc(now: datetime | None) -> datetime:
    """``now`` in UTC; None is the wall clock (never the engine's, see the module)."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("a naive datetime; give an aware one (UTC)")
    return now.astimezone(UTC)


def _require_self_or_administrator(actor: Actor, username: str, doing: str) -> None:
    if username != actor.username:
        policy.require_administrator(actor, doing)


def _whose(actor: Actor, username: str | None, every_user: bool, doing: str) -> str | None:
    """Whose rows a list shows (None: everyone's), if ``actor`` may see them."""
    if every_user and username:
        raise InvalidInput(f"name one user or ask for every user's, not both ({username})")
    if every_user:
        policy.require_administrator(actor, f"{doing} of every user")
        return None
    whose = username or actor.username
    _require_self_or_administrator(actor, whose, f"{doing} of {whose}")
    return whose


def _actor(conn: Connection, username: str) -> Actor | None:
    """The active actor, or None."""
    try:
        return org_rows.get_actor(conn, username)
    except NotFound:
        return None


def _existing(conn: Connection, username: str) -> None:
    """Refuse a user who is not an (active) actor: an account is an actor's."""
    org_rows.get_actor(conn, username)


def _record(
    conn: Connection,
    at: datetime,
    actor: str,
    kind: AccountEventKind,
    username: str,
    client: str = "",
    detail: str | None = None,
) -> None:
    account_rows.record(
        conn, at=at, actor=actor, kind=kind, username=username, client=client, detail=detail
    )


def _is_open(ctx: Context, view: SessionView, moment: datetime) -> bool:
    idle = timedelta(minutes=ctx.settings.session_idle_minutes)
    return (
        view.revoked_at is None and view.expires_at > moment and view.last_seen_at + idle > moment
    )


def _open_session(
    ctx: Context,
    conn: Connection,
    actor: Actor,
    client: str,
    replaces: str | None,
    moment: datetime,
    via: SignInVia,
) -> SignedIn:
    """A new session for ``actor`` (a new id and secret: never the one it replaces)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires_at = moment + timedelta(hours=ctx.settings.session_hours)
    replaced = (
        account_rows.revoke_session(conn, secret_hash(replaces), moment) if replaces else None
    )
    session_id = account_rows.create_session(
        conn,
        token_hash=secret_hash(token),
        username=actor.username,
        csrf_token=csrf,
        now=moment,
        expires_at=expires_at,
        client=client,
        via=via,
    )
    detail = f"session {session_id} ({via})"
    if replaced is not None:
        detail += f", replacing session {replaced.id}"
    _record(
        conn, moment, actor.username, AccountEventKind.SIGNED_IN, actor.username, client, detail
    )
    return SignedIn(token, csrf, actor, expires_at)
