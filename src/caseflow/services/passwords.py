"""Passwords: their rules, their argon2id hashes, and what guards a sign-in.

The parts :mod:`caseflow.services.accounts` signs in with, in the caller's
transaction: the password rules (:func:`check_password`), the check of a password
against its hash, or against a dummy one when there is none (:func:`verify`: every
answer costs one argon2 check), the lock after :data:`LOCK_AFTER` failures in a row
(:func:`lock_state`, :func:`count_failure`) and the throttle per client
(:func:`refuse_throttled`), both of which read the account events.
"""

from __future__ import annotations

import functools
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from caseflow.domain import AccountEventKind
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed
from caseflow.store import accounts as account_rows
from caseflow.store.accounts import Credentials

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024  # argon2 takes any length; a form post should not take more
LOCK_AFTER = 5  # failed sign-ins in a row
LOCK_FOR = timedelta(minutes=15)
CLIENT_FAILURES = 20  # more failed sign-ins than this from one client ...
CLIENT_WINDOW = timedelta(minutes=10)  # ... within this long: its further tries wait

HASHER = PasswordHasher()  # argon2id with argon2-cffi's recommended parameters


def check_password(username: str, password: str) -> None:
    """Refuse a password that breaks a rule, with the rule: at least
    :data:`PASSWORD_MIN_LENGTH` characters, not the username, not one character repeated."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidInput(
            f"a password needs at least {PASSWORD_MIN_LENGTH} characters; this one has "
            f"{len(password)}",
            code=ErrorCode.PASSWORD_TOO_SHORT,
            min_length=PASSWORD_MIN_LENGTH,
            length=len(password),
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidInput(
            f"a password may have at most {PASSWORD_MAX_LENGTH} characters",
            code=ErrorCode.PASSWORD_TOO_LONG,
            max_length=PASSWORD_MAX_LENGTH,
        )
    if password.strip().casefold() == username.strip().casefold():
        raise InvalidInput(
            "a password must not be the username", code=ErrorCode.PASSWORD_IS_USERNAME
        )
    if len(set(password)) == 1:
        raise InvalidInput(
            "a password must not be one character repeated",
            code=ErrorCode.PASSWORD_ONE_CHARACTER,
        )
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("a password must be text (it holds a broken character)") from None


def hashed(password: str) -> str:
    """The argon2id hash of ``password`` (some 100 ms: outside a transaction)."""
    return HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, for a sign-in with no real hash to check: the answer
    takes as long as for a user who exists."""
    return HASHER.hash(secrets.token_urlsafe(32))


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the hash ``stored``; with no hash, it is checked
    against a dummy one all the same (and fails), so that the answer takes as long."""
    try:
        return HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


def needs_rehash(stored: str | None) -> bool:
    """Whether ``stored`` was made with weaker parameters than :data:`HASHER`'s."""
    try:
        return stored is not None and HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return False


def is_locked(row: Credentials, moment: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > moment


def lock_state(
    conn: Connection, typed: str, row: Credentials | None, moment: datetime
) -> tuple[int, datetime | None]:
    """The failed sign-ins in a row so far, and until when the account is locked (None:
    it is not).

    A user with credentials keeps them in their row. A username without (nobody's, or
    an actor who never had a password) is counted from its account events the same
    way, so that an unknown name is locked after as many tries as a real one.
    """
    if row is not None:
        return row.failed_sign_ins, row.locked_until if is_locked(row, moment) else None
    recent = account_rows.latest_events(
        conn, typed, (AccountEventKind.SIGN_IN_FAILED, AccountEventKind.LOCKED), LOCK_AFTER
    )
    failures = 0
    for event in recent:
        if event.kind is AccountEventKind.LOCKED:
            opens = event.at + LOCK_FOR
            if failures == 0 and opens > moment:
                return 0, opens
            break
        failures += 1
    return failures, None


def count_failure(
    conn: Connection, typed: str, row: Credentials | None, client: str, moment: datetime
) -> datetime | None:
    """Record a failed sign-in; returns until when the account is now locked, if it is."""
    failures, locked_until = lock_state(conn, typed, row, moment)
    if locked_until is not None:
        return locked_until  # locked by another try since this one began
    _record(conn, AccountEventKind.SIGN_IN_FAILED, typed, client, moment)
    failures += 1
    if failures < LOCK_AFTER:
        if row is not None:
            account_rows.set_failures(conn, row.username, failures, None)
        return None
    opens = moment + LOCK_FOR
    if row is not None:
        account_rows.set_failures(conn, row.username, 0, opens)
    until = opens.isoformat(timespec="seconds")
    detail = f"after {LOCK_AFTER} failed sign-ins, until {until}"
    _record(conn, AccountEventKind.LOCKED, typed, client, moment, detail)
    return opens


def _record(
    conn: Connection,
    kind: AccountEventKind,
    typed: str,
    client: str,
    moment: datetime,
    detail: str | None = None,
) -> None:
    """An event of a sign-in: by and for the name typed."""
    account_rows.record(
        conn, at=moment, actor=typed, kind=kind, username=typed, client=client, detail=detail
    )


def refuse_throttled(conn: Connection, client: str, moment: datetime) -> None:
    """Refuse a try from a client that failed more than :data:`CLIENT_FAILURES` times
    within :data:`CLIENT_WINDOW`, until enough of those failures are older than that.
    The refused tries are not recorded (no write for each): the failures are."""
    failures = account_rows.failures_from(conn, client, moment - CLIENT_WINDOW)
    if len(failures) <= CLIENT_FAILURES:
        return
    opens = failures[len(failures) - CLIENT_FAILURES - 1] + CLIENT_WINDOW
    raise NotAllowed(
        f"too many failed sign-ins from here; try again after "
        f"{opens.isoformat(timespec='seconds')}",
        code=ErrorCode.SIGN_IN_THROTTLED,
        until=opens.isoformat(),
    )


def locked(until: datetime) -> NotAllowed:
    return NotAllowed(
        f"the account is locked after {LOCK_AFTER} failed sign-ins in a row; it opens "
        f"again at {until.isoformat(timespec='seconds')}",
        code=ErrorCode.ACCOUNT_LOCKED,
        until=until.isoformat(),
    )


def sign_in_failed() -> NotAllowed:
    """The one answer to a wrong password, an unknown user and a disabled one."""
    return NotAllowed(
        "sign-in failed: the username or the password is not right",
        code=ErrorCode.SIGN_IN_FAILED,
    )
