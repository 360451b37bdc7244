"""Credentials, web sessions, API tokens and account events, in the caller's transaction.

No secret reaches these tables: a password arrives as its argon2id hash, a session's
cookie value and an API token's secret as their sha256 (:func:`secret_hash`), and are
looked up by it. Every statement binds its values as parameters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from caseflow.domain import AccountEventKind, SignInVia
from caseflow.store.tables import account_events, api_tokens, credentials, web_sessions

NAME_LENGTH = 100  # a username, as the tables keep it
CLIENT_LENGTH = 300  # a client's ip address and user agent, and an event's detail


def fit(text: str, limit: int) -> str:
    """``text`` on one line of printable characters, at most ``limit`` long: what the
    tables keep of a client's user agent or a typed username (PostgreSQL refuses a NUL,
    and a name with a line break in it would forge a line of a log)."""
    return "".join(c if c.isprintable() else " " for c in text)[:limit]


def secret_hash(secret: str) -> str:
    """What is stored of a session's cookie value or an API token's secret: its sha256
    (hex). The secrets are random (256 bits), so a plain hash is enough: nothing to
    guess, and a lookup by it is one indexed row."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


# -- credentials ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    username: str
    password_hash: str | None  # None: no password (OpenID Connect only, or never set)
    changed_at: datetime
    disabled_at: datetime | None
    failed_sign_ins: int  # since the last successful sign-in (or the last lock)
    locked_until: datetime | None


def credentials_of(conn: Connection, username: str, *, lock: bool = False) -> Credentials | None:
    """The user's credentials row (``lock``: held for this write transaction, on
    PostgreSQL; SQLite's write transaction holds the whole database already)."""
    query = select(credentials).where(credentials.c.username == username)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        return None
    return Credentials(
        row.username,
        row.password_hash,
        row.changed_at,
        row.disabled_at,
        row.failed_sign_ins,
        row.locked_until,
    )


def _upsert(conn: Connection, username: str, now: datetime, values: dict[str, Any]) -> None:
    changed = conn.execute(
        update(credentials).where(credentials.c.username == username).values(values)
    ).rowcount
    if changed == 0:
        conn.execute(
            insert(credentials).values(
                {"username": username, "changed_at": now, "failed_sign_ins": 0, **values}
            )
        )


def put_password(conn: Connection, username: str, password_hash: str, now: datetime) -> None:
    """Set the password (its hash); a new password also lifts a lock and clears the count."""
    _upsert(
        conn,
        username,
        now,
        {
            "password_hash": password_hash,
            "changed_at": now,
            "failed_sign_ins": 0,
            "locked_until": None,
        },
    )


def replace_hash(conn: Connection, username: str, old: str, new: str) -> None:
    """The same password under a new hash (stronger parameters), unless it changed since."""
    conn.execute(
        update(credentials)
        .where(credentials.c.username == username, credentials.c.password_hash == old)
        .values(password_hash=new)
    )


def set_disabled(conn: Connection, username: str, now: datetime, *, disabled: bool) -> None:
    """Mark the user disabled (since ``now``), or enabled again."""
    _upsert(conn, username, now, {"disabled_at": now if disabled else None})


def set_failures(
    conn: Connection, username: str, failed: int, locked_until: datetime | None
) -> None:
    conn.execute(
        update(credentials)
        .where(credentials.c.username == username)
        .values(failed_sign_ins=failed, locked_until=locked_until)
    )


def disabled_among(conn: Connection, usernames: Iterable[str]) -> set[str]:
    wanted = sorted(set(usernames))
    if not wanted:
        return set()
    found = conn.execute(
        select(credentials.c.username).where(
            credentials.c.username.in_(wanted), credentials.c.disabled_at.is_not(None)
        )
    ).scalars()
    return set(found)


# -- web sessions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    """A web session as its user (or an administrator) sees it: never its secret."""

    id: int
    username: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    client: str
    via: SignInVia

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "created_at": self.created_at.isoformat(),
            "last_seen_at": self.last_seen_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "client": self.client,
            "via": str(self.via),
        }


@dataclass(frozen=True)
class SessionRecord:
    """A session as a request finds it: the view, its CSRF token, and whether its user is
    disabled."""

    view: SessionView
    csrf_token: str
    user_disabled: bool


def _session_view(row: Row[Any]) -> SessionView:
    return SessionView(
        row.id,
        row.username,
        row.created_at,
        row.last_seen_at,
        row.expires_at,
        row.revoked_at,
        row.client,
        SignInVia(row.via),
    )


def create_session(
    conn: Connection,
    *,
    token_hash: str,
    username: str,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
    client: str,
    via: SignInVia,
) -> int:
    found = conn.execute(
        insert(web_sessions)
        .values(
            token_hash=token_hash,
            username=username,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            client=client,
            via=str(via),
        )
        .returning(web_sessions.c.id)
    ).scalar_one()
    return int(found)


def session_by_hash(conn: Connection, token_hash: str) -> SessionRecord | None:
    row = conn.execute(
        select(web_sessions, credentials.c.disabled_at)
        .select_from(
            web_sessions.outerjoin(credentials, credentials.c.username == web_sessions.c.username)
        )
        .where(web_sessions.c.token_hash == token_hash)
    ).first()
    if row is None:
        return None
    return SessionRecord(_session_view(row), row.csrf_token, row.disabled_at is not None)


def touch_session(conn: Connection, session_id: int, now: datetime, seen_before: datetime) -> None:
    """Note that the session was used at ``now``, unless that was noted after
    ``seen_before`` (by another request)."""
    conn.execute(
        update(web_sessions)
        .where(web_sessions.c.id == session_id, web_sessions.c.last_seen_at <= seen_before)
        .values(last_seen_at=now)
    )


def revoke_session(conn: Connection, token_hash: str, now: datetime) -> SessionView | None:
    """End the session with this hash; the session ended (None: none, or it had ended)."""
    row = conn.execute(
        update(web_sessions)
        .where(web_sessions.c.token_hash == token_hash, web_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(*web_sessions.c)
    ).first()
    return _session_view(row) if row is not None else None


def revoke_sessions(
    conn: Connection, username: str, now: datetime, *, keep_hash: str | None = None
) -> int:
    """End every session of ``username`` that has not ended (but the one ``keep_hash``);
    returns how many were still open (not revoked, not past their absolute expiry)."""
    conditions = [web_sessions.c.username == username, web_sessions.c.revoked_at.is_(None)]
    if keep_hash is not None:
        conditions.append(web_sessions.c.token_hash != keep_hash)
    ended = conn.execute(
        update(web_sessions)
        .where(*conditions)
        .values(revoked_at=now)
        .returning(web_sessions.c.expires_at)
    ).scalars()
    return sum(1 for expires_at in ended if expires_at > now)


def open_sessions(
    conn: Connection, username: str | None, now: datetime, seen_since: datetime
) -> list[SessionView]:
    """Sessions not revoked, not past their absolute expiry and seen since ``seen_since``
    (the idle limit), newest first; every user's when ``username`` is None."""
    query = select(web_sessions).where(
        web_sessions.c.revoked_at.is_(None),
        web_sessions.c.expires_at > now,
        web_sessions.c.last_seen_at > seen_since,
    )
    if username is not None:
        query = query.where(web_sessions.c.username == username)
    rows = conn.execute(query.order_by(web_sessions.c.id.desc()))
    return [_session_view(row) for row in rows]


# -- API tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenView:
    """An API token as its user (or an administrator) sees it: never its secret."""

    id: int
    username: str
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def status(self, now: datetime) -> str:
        """``revoked``, ``expired`` or ``active`` at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
        }


@dataclass(frozen=True)
class TokenRecord:
    view: TokenView
    user_disabled: bool


def _token_view(row: Row[Any]) -> TokenView:
    return TokenView(
        row.id,
        row.username,
        row.name,
        row.created_at,
        row.expires_at,
        row.revoked_at,
        row.last_used_at,
    )


def create_token(
    conn: Connection,
    *,
    username: str,
    name: str,
    token_hash: str,
    now: datetime,
    expires_at: datetime,
) -> int:
    found = conn.execute(
        insert(api_tokens)
        .values(
            username=username,
            name=name,
            token_hash=token_hash,
            created_at=now,
            expires_at=expires_at,
        )
        .returning(api_tokens.c.id)
    ).scalar_one()
    return int(found)


def token_by_hash(conn: Connection, token_hash: str) -> TokenRecord | None:
    row = conn.execute(
        select(api_tokens, credentials.c.disabled_at)
        .select_from(
            api_tokens.outerjoin(credentials, credentials.c.username == api_tokens.c.username)
        )
        .where(api_tokens.c.token_hash == token_hash)
    ).first()
    if row is None:
        return None
    return TokenRecord(_token_view(row), row.disabled_at is not None)


def token_by_id(conn: Connection, token_id: int) -> TokenView | None:
    row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
    return _token_view(row) if row is not None else None


def touch_token(conn: Connection, token_id: int, now: datetime, used_before: datetime) -> None:
    """Note that the token was used at ``now``, unless that was noted after ``used_before``."""
    conn.execute(
        update(api_tokens)
        .where(
            api_tokens.c.id == token_id,
            (api_tokens.c.last_used_at.is_(None)) | (api_tokens.c.last_used_at <= used_before),
        )
        .values(last_used_at=now)
    )


def revoke_token(conn: Connection, token_id: int, now: datetime) -> bool:
    """Revoke the token; whether it was not revoked before."""
    changed = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    return bool(changed)


def revoke_tokens(conn: Connection, username: str, now: datetime) -> int:
    """Revoke every token of ``username`` not revoked yet; how many were still valid."""
    ended = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.username == username, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(api_tokens.c.expires_at)
    ).scalars()
    return sum(1 for expires_at in ended if expires_at > now)


def tokens(conn: Connection, username: str | None) -> list[TokenView]:
    """The tokens of ``username`` (every user's when None), newest first."""
    query = select(api_tokens)
    if username is not None:
        query = query.where(api_tokens.c.username == username)
    return [_token_view(row) for row in conn.execute(query.order_by(api_tokens.c.id.desc()))]


# -- account events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountEvent:
    """One row of the append-only account events."""

    id: int
    at: datetime
    actor: str  # who did it
    kind: AccountEventKind
    username: str  # for whom
    client: str
    detail: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": str(self.kind),
            "username": self.username,
            "client": self.client,
            "detail": self.detail,
        }


def record(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    kind: AccountEventKind,
    username: str,
    client: str = "",
    detail: str | None = None,
) -> None:
    """Append an event; its texts are cut to fit their columns (:func:`fit`)."""
    conn.execute(
        insert(account_events).values(
            at=at,
            actor=fit(actor, NAME_LENGTH),
            kind=str(kind),
            username=fit(username, NAME_LENGTH),
            client=fit(client, CLIENT_LENGTH),
            detail=fit(detail, CLIENT_LENGTH) if detail is not None else None,
        )
    )


def _event(row: Row[Any]) -> AccountEvent:
    return AccountEvent(
        row.id,
        row.at,
        row.actor,
        AccountEventKind(row.kind),
        row.username,
        row.client,
        row.detail,
    )


def events(conn: Connection, username: str | None, limit: int) -> list[AccountEvent]:
    """The newest ``limit`` events for ``username`` (every user's when None), newest first."""
    query = select(account_events)
    if username is not None:
        query = query.where(account_events.c.username == username)
    rows = conn.execute(query.order_by(account_events.c.id.desc()).limit(limit))
    return [_event(row) for row in rows]


def latest_events(
    conn: Connection, username: str, kinds: Sequence[AccountEventKind], limit: int
) -> list[AccountEvent]:
    """The newest ``limit`` events of these kinds for ``username``, newest first."""
    rows = conn.execute(
        select(account_events)
        .where(
            account_events.c.username == username,
            account_events.c.kind.in_([str(kind) for kind in kinds]),
        )
        .order_by(account_events.c.id.desc())
        .limit(limit)
    )
    return [_event(row) for row in rows]


def failures_from(conn: Connection, client: str, since: datetime) -> list[datetime]:
    """When the failed sign-ins from ``client`` after ``since`` happened, oldest first."""
    return list(
        conn.execute(
            select(account_events.c.at)
            .where(
                account_events.c.client == client,
                account_events.c.at > since,
                account_events.c.kind == str(AccountEventKind.SIGN_IN_FAILED),
            )
            .order_by(account_events.c.at)
        ).scalars()
    )
