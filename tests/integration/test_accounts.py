"""Accounts: sign-in, sessions, API tokens and passwords, against a real database."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.errors import CaseflowError, ErrorCode, InvalidInput, NotAllowed
from caseflow.services import accounts, passwords
from caseflow.services import organisation as org_services
from caseflow.services.accounts import AccountEventKind as Kind
from caseflow.services.accounts import SignInVia
from caseflow.store import accounts as account_rows
from caseflow.store.db import read_transaction, write_transaction
from caseflow.store.tables import account_events, api_tokens, credentials, web_sessions

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OFFICER = "bif.sagsbehandler"
PASSWORD = "sara-holm-2026-bif"
CLIENT = "10.0.0.7 Firefox/140.0"


class CountingHasher(PasswordHasher):
    """argon2id at the lowest cost, so the tests sign in quickly; counts its checks."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture(autouse=True)
def hasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingHasher]:
    counting = CountingHasher()
    monkeypatch.setattr(passwords, "HASHER", counting)
    passwords._dummy_hash.cache_clear()
    yield counting
    passwords._dummy_hash.cache_clear()


def at(minutes: float = 0, *, hours: float = 0, days: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, hours=hours, days=days)


def actor(ctx: Context, username: str = OFFICER) -> Actor:
    return ctx.engine.actor(username)


@pytest.fixture
def officer(ctx: Context) -> Actor:
    """The case officer of BIF, with a password of her own."""
    sara = actor(ctx)
    accounts.set_password(ctx, sara, OFFICER, PASSWORD, now=at())
    return sara


def refused(code: ErrorCode, call: Any, *args: Any, **kwargs: Any) -> CaseflowError:
    with pytest.raises(CaseflowError) as caught:
        call(*args, **kwargs)
    assert caught.value.code is code, caught.value
    return caught.value


def kinds(ctx: Context, username: str) -> list[Kind]:
    admin = actor(ctx, "admin")
    return [e.kind for e in reversed(accounts.account_events(ctx, admin, username))]


# -- signing in -------------------------------------------------------------------------------


@pytest.mark.usefixtures("officer")
def test_a_sign_in_opens_a_session_that_its_cookie_finds(ctx: Context) -> None:
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, client=CLIENT, now=at(1))
    assert signed.actor.username == OFFICER
    assert signed.expires_at == at(1, hours=12)
    assert signed.session_token != signed.csrf_token
    found = accounts.session(ctx, signed.session_token, now=at(2))
    assert found is not None
    assert (found.actor, found.csrf_token, found.via) == (
        signed.actor,
        signed.csrf_token,
        SignInVia.PASSWORD,
    )
    assert (found.created_at, found.expires_at) == (at(1), at(1, hours=12))
    assert accounts.session(ctx, signed.session_token + "x", now=at(2)) is None
    assert accounts.session(ctx, "", now=at(2)) is None
    (listed,) = accounts.list_sessions(ctx, actor(ctx), now=at(2))
    assert (listed.id, listed.client, listed.via) == (found.id, CLIENT, SignInVia.PASSWORD)
    assert kinds(ctx, OFFICER) == [Kind.PASSWORD_SET, Kind.SIGNED_IN]


@pytest.mark.usefixtures("officer")
def test_a_wrong_password_an_unknown_user_and_a_disabled_one_get_one_answer_after_one_check(
    ctx: Context, hasher: CountingHasher
) -> None:
    accounts.set_password(ctx, actor(ctx, "admin"), "bif.chef", "peter-lund-2026-bif", now=at())
    accounts.disable_user(ctx, actor(ctx, "admin"), "bif.chef", now=at())
    answers = []
    for username, password in [
        (OFFICER, "not-her-password"),
        ("nobody.here", PASSWORD),
        ("tmf.sagsbehandler", PASSWORD),  # an actor with no password
        ("bif.chef", "peter-lund-2026-bif"),  # disabled: the right password fails too
        ("bad\x00name", PASSWORD),
    ]:
        before = hasher.verified
        failed = refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, username, password)
        assert hasher.verified == before + 1, username  # a hash was checked, real or dummy
        answers.append((str(failed), failed.params, failed.exit_code))
    assert len(set(map(repr, answers))) == 1
    assert "nobody.here" not in answers[0][0]
    assert kinds(ctx, "nobody.here") == [Kind.SIGN_IN_FAILED]


@pytest.mark.usefixtures("officer")
def test_five_failures_in_a_row_lock_the_account_for_fifteen_minutes(ctx: Context) -> None:
    for minute in range(4):
        refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, OFFICER, "wrong", now=at(minute))
    locked = refused(ErrorCode.ACCOUNT_LOCKED, accounts.sign_in, ctx, OFFICER, "x", now=at(4))
    assert locked.params == {"until": at(19).isoformat()}
    assert isinstance(locked, NotAllowed)
    # The right password is refused too while the lock lasts.
    again = refused(ErrorCode.ACCOUNT_LOCKED, accounts.sign_in, ctx, OFFICER, PASSWORD, now=at(18))
    assert again.params == locked.params
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at(19))
    assert accounts.session(ctx, signed.session_token, now=at(20)) is not None
    with read_transaction(ctx.engine.db) as conn:
        row = account_rows.credentials_of(conn, OFFICER)
    assert row is not None
    assert (row.failed_sign_ins, row.locked_until) == (0, None)
    assert kinds(ctx, OFFICER)[-3:] == [Kind.SIGN_IN_FAILED, Kind.LOCKED, Kind.SIGNED_IN]


@pytest.mark.usefixtures("officer")
def test_a_success_starts_the_count_again(ctx: Context) -> None:
    for minute in range(4):
        refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, OFFICER, "wrong", now=at(minute))
    accounts.sign_in(ctx, OFFICER, PASSWORD, now=at(4))
    for minute in range(5, 9):
        refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, OFFICER, "wrong", now=at(minute))
    accounts.sign_in(ctx, OFFICER, PASSWORD, now=at(9))


def test_an_unknown_name_is_locked_like_a_real_one(ctx: Context) -> None:
    """Else the lock would tell which names exist."""
    for minute in range(4):
        refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, "ghost", "guess", now=at(minute))
    locked = refused(ErrorCode.ACCOUNT_LOCKED, accounts.sign_in, ctx, "ghost", "g", now=at(4))
    assert locked.params == {"until": at(19).isoformat()}
    refused(ErrorCode.ACCOUNT_LOCKED, accounts.sign_in, ctx, "ghost", "g", now=at(18))
    refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, "ghost", "g", now=at(19))


@pytest.mark.usefixtures("officer")
def test_more_than_twenty_failures_from_one_client_make_it_wait_out_the_window(
    ctx: Context,
) -> None:
    bot = "203.0.113.9 curl/8.5"
    for n in range(21):  # other names each time: no account gets locked
        moment = at(n / 10)
        refused(
            ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, f"u{n}", "x", client=bot, now=moment
        )
    throttled = refused(
        ErrorCode.SIGN_IN_THROTTLED,
        accounts.sign_in,
        ctx,
        OFFICER,
        PASSWORD,  # the right password waits too
        client=bot,
        now=at(3),
    )
    assert throttled.params == {"until": at(10).isoformat()}  # the first failure leaves it
    # Another client is not held up, and this one may try again once the window passed.
    accounts.sign_in(ctx, OFFICER, PASSWORD, client=CLIENT, now=at(3))
    refused(
        ErrorCode.SIGN_IN_THROTTLED, accounts.sign_in, ctx, OFFICER, PASSWORD, client=bot, now=at(9)
    )
    accounts.sign_in(ctx, OFFICER, PASSWORD, client=bot, now=at(10))


def test_the_business_clock_does_not_age_a_session(ctx: Context) -> None:
    """The engine's clock stands in May 2009 (a rehearsal); sessions live in real time."""
    sara = actor(ctx)
    accounts.set_password(ctx, sara, OFFICER, PASSWORD)
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD)
    assert abs(signed.expires_at - (datetime.now(UTC) + timedelta(hours=12))) < timedelta(minutes=1)
    assert ctx.engine.clock.now().year == 2009
    assert accounts.session(ctx, signed.session_token) is not None


# -- sessions ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("officer")
def test_a_session_ends_after_the_idle_limit(ctx: Context) -> None:
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at())
    token = signed.session_token
    assert accounts.session(ctx, token, now=at(29)) is not None  # seen: the clock restarts
    assert accounts.session(ctx, token, now=at(58)) is not None
    assert accounts.session(ctx, token, now=at(88)) is None  # 30 minutes since 58
    assert accounts.list_sessions(ctx, actor(ctx), now=at(88)) == []
    # The limit is a setting.
    short = dataclasses.replace(
        ctx, settings=dataclasses.replace(ctx.settings, session_idle_minutes=5)
    )
    other = accounts.sign_in(short, OFFICER, PASSWORD, now=at(100))
    assert accounts.session(short, other.session_token, now=at(104)) is not None
    assert accounts.session(short, other.session_token, now=at(109)) is None


@pytest.mark.usefixtures("officer")
def test_a_session_ends_at_its_absolute_expiry_however_busy(ctx: Context) -> None:
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at())
    for minutes in range(20, 12 * 60, 20):
        assert accounts.session(ctx, signed.session_token, now=at(minutes)) is not None, minutes
    assert accounts.session(ctx, signed.session_token, now=at(hours=12)) is None


@pytest.mark.usefixtures("officer")
def test_a_session_is_touched_at_most_once_a_minute(ctx: Context) -> None:
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at())

    def last_seen() -> datetime:
        (view,) = accounts.list_sessions(ctx, actor(ctx), now=at(2))
        return view.last_seen_at

    accounts.session(ctx, signed.session_token, now=at(0.5))
    assert last_seen() == at()
    accounts.session(ctx, signed.session_token, now=at(1))
    assert last_seen() == at(1)


@pytest.mark.usefixtures("officer")
def test_each_sign_in_is_a_new_session_and_ends_the_one_it_replaces(ctx: Context) -> None:
    first = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at())
    second = accounts.sign_in(ctx, OFFICER, PASSWORD, replaces=first.session_token, now=at(1))
    assert second.session_token != first.session_token
    assert accounts.session(ctx, first.session_token, now=at(2)) is None
    now_open = accounts.session(ctx, second.session_token, now=at(2))
    assert now_open is not None
    (listed,) = accounts.list_sessions(ctx, actor(ctx), now=at(2))
    assert listed.id == now_open.id


@pytest.mark.usefixtures("officer")
def test_signing_out_ends_the_session(ctx: Context) -> None:
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at())
    accounts.sign_out(ctx, signed.session_token, now=at(1))
    assert accounts.session(ctx, signed.session_token, now=at(2)) is None
    accounts.sign_out(ctx, signed.session_token, now=at(3))  # again: nothing, no error
    accounts.sign_out(ctx, "no-such-cookie", now=at(3))
    assert kinds(ctx, OFFICER) == [Kind.PASSWORD_SET, Kind.SIGNED_IN, Kind.SIGNED_OUT]


@pytest.mark.usefixtures("officer")
def test_signing_out_everywhere_ends_ones_own_sessions_or_an_administrators_choice(
    ctx: Context,
) -> None:
    admin = actor(ctx, "admin")
    accounts.set_password(ctx, admin, "admin", "admin-password-1", now=at())
    mine = [accounts.sign_in(ctx, OFFICER, PASSWORD, now=at(n)) for n in range(2)]
    theirs = accounts.sign_in(ctx, "admin", "admin-password-1", now=at())
    assert accounts.sign_out_everywhere(ctx, actor(ctx), now=at(3)) == 2
    assert all(accounts.session(ctx, s.session_token, now=at(4)) is None for s in mine)
    assert accounts.session(ctx, theirs.session_token, now=at(4)) is not None
    refused(
        ErrorCode.ADMINISTRATOR_REQUIRED, accounts.sign_out_everywhere, ctx, actor(ctx), "admin"
    )
    again = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at(5))
    assert accounts.sign_out_everywhere(ctx, admin, OFFICER, now=at(6)) == 1
    assert accounts.session(ctx, again.session_token, now=at(7)) is None
    events = accounts.account_events(ctx, admin, OFFICER)
    assert (events[0].kind, events[0].actor, events[0].detail) == (
        Kind.SIGNED_OUT_EVERYWHERE,
        "admin",
        "1 session(s) ended",
    )


@pytest.mark.usefixtures("officer")
def test_a_new_password_ends_the_other_sessions(ctx: Context) -> None:
    here = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at())
    there = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at())
    accounts.set_password(
        ctx, actor(ctx), OFFICER, "a-new-one-for-sara", keep_session=here.session_token, now=at(1)
    )
    assert accounts.session(ctx, here.session_token, now=at(2)) is not None
    assert accounts.session(ctx, there.session_token, now=at(2)) is None
    refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, OFFICER, PASSWORD, now=at(3))
    accounts.sign_in(ctx, OFFICER, "a-new-one-for-sara", now=at(3))


# -- signing in through the identity provider -------------------------------------------------


def test_an_external_sign_in_needs_an_enabled_actor_and_creates_none(ctx: Context) -> None:
    admin = actor(ctx, "admin")
    signed = accounts.sign_in_external(ctx, "biu.sekretariat", client=CLIENT, now=at())
    found = accounts.session(ctx, signed.session_token, now=at(1))
    assert found is not None
    assert (found.actor.username, found.via) == ("biu.sekretariat", SignInVia.OIDC)
    refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in_external, ctx, "new.person", now=at())
    assert "new.person" not in [a.username for a in org_services.list_actors(ctx, admin)]
    accounts.disable_user(ctx, admin, "biu.sekretariat", now=at(2))
    assert accounts.session(ctx, signed.session_token, now=at(3)) is None
    refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in_external, ctx, "biu.sekretariat", now=at(3))
    # No password was ever set: a password sign-in fails as for anyone.
    refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, "biu.sekretariat", "", now=at(4))


# -- disabling --------------------------------------------------------------------------------


@pytest.mark.usefixtures("officer")
def test_disabling_ends_every_session_and_token_at_once(ctx: Context) -> None:
    admin = actor(ctx, "admin")
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, now=at())
    token = accounts.issue_token(ctx, actor(ctx), "laptop", now=at())
    assert accounts.token_actor(ctx, token.secret, now=at(1)) == actor(ctx)
    accounts.disable_user(ctx, admin, OFFICER, now=at(2))
    assert accounts.session(ctx, signed.session_token, now=at(3)) is None
    assert accounts.token_actor(ctx, token.secret, now=at(3)) is None
    refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, OFFICER, PASSWORD, now=at(3))
    (view,) = accounts.list_tokens(ctx, admin, OFFICER)
    assert view.revoked_at == at(2)
    assert accounts.list_sessions(ctx, admin, OFFICER, now=at(3)) == []
    refused(ErrorCode.USER_DISABLED, accounts.issue_token, ctx, admin, "again", username=OFFICER)
    (disabled,) = [e for e in accounts.account_events(ctx, admin, OFFICER) if e.kind == "disabled"]
    assert (disabled.actor, disabled.detail) == ("admin", "1 session(s) ended, 1 token(s) revoked")

    accounts.enable_user(ctx, admin, OFFICER, now=at(4))
    accounts.sign_in(ctx, OFFICER, PASSWORD, now=at(5))
    assert accounts.token_actor(ctx, token.secret, now=at(5)) is None  # revoked for good
    assert kinds(ctx, OFFICER)[-3:] == [Kind.SIGN_IN_FAILED, Kind.ENABLED, Kind.SIGNED_IN]


def test_the_last_enabled_administrator_cannot_be_disabled(ctx: Context) -> None:
    admin = actor(ctx, "admin")
    last = refused(ErrorCode.LAST_ADMINISTRATOR, accounts.disable_user, ctx, admin, "admin")
    assert isinstance(last, NotAllowed)
    org_services.put_actor(
        ctx, "admin", org_services.ActorRequest("eva", "Eva Admin", roles=["administrator"])
    )
    accounts.disable_user(ctx, admin, "admin", now=at())
    eva = actor(ctx, "eva")
    refused(ErrorCode.LAST_ADMINISTRATOR, accounts.disable_user, ctx, eva, "eva", now=at(1))
    # Nor may eva, now the only enabled one, be demoted: the disabled one does not count.
    demoted = org_services.ActorRequest("eva", "Eva", roles=["administrator@BIF"])
    refused(ErrorCode.LAST_ADMINISTRATOR, org_services.put_actor, ctx, "eva", demoted)
    accounts.enable_user(ctx, eva, "admin", now=at(2))
    accounts.disable_user(ctx, eva, "eva", now=at(3))


# -- API tokens -------------------------------------------------------------------------------


@pytest.mark.usefixtures("officer")
def test_a_token_acts_as_its_user_until_it_expires(ctx: Context) -> None:
    sara = actor(ctx)
    issued = accounts.issue_token(ctx, sara, "ci", days=1, now=at())
    assert issued.secret.startswith("cft_")
    assert (issued.name, issued.expires_at) == ("ci", at(days=1))
    assert accounts.token_actor(ctx, issued.secret, now=at(hours=23)) == sara
    assert accounts.token_actor(ctx, issued.secret, now=at(days=1)) is None
    assert accounts.token_actor(ctx, issued.secret[:-1], now=at()) is None
    assert accounts.token_actor(ctx, "not-a-token", now=at()) is None
    (view,) = accounts.list_tokens(ctx, sara)
    assert view.status(at(days=1)) == "expired"
    assert view.last_used_at == at(hours=23)


@pytest.mark.usefixtures("officer")
def test_a_revoked_token_is_refused(ctx: Context) -> None:
    sara = actor(ctx)
    issued = accounts.issue_token(ctx, sara, "script", now=at())
    accounts.revoke_token(ctx, sara, issued.id, now=at(1))
    assert accounts.token_actor(ctx, issued.secret, now=at(2)) is None
    (view,) = accounts.list_tokens(ctx, sara)
    assert (view.status(at(2)), view.revoked_at) == ("revoked", at(1))
    assert kinds(ctx, OFFICER)[-2:] == [Kind.TOKEN_ISSUED, Kind.TOKEN_REVOKED]


@pytest.mark.usefixtures("officer")
def test_a_token_is_touched_at_most_once_a_minute(ctx: Context) -> None:
    sara = actor(ctx)
    issued = accounts.issue_token(ctx, sara, "script", now=at())
    for moment, seen in [(at(1), at(1)), (at(1.5), at(1)), (at(2), at(2))]:
        accounts.token_actor(ctx, issued.secret, now=moment)
        assert accounts.list_tokens(ctx, sara)[0].last_used_at == seen


@pytest.mark.parametrize(
    ("name", "days", "code"),
    [
        ("ci", 0, ErrorCode.INVALID_TOKEN_DAYS),
        ("ci", 366, ErrorCode.INVALID_TOKEN_DAYS),
        ("  ", 90, ErrorCode.INVALID_TOKEN_NAME),
        ("two\nlines", 90, ErrorCode.INVALID_TOKEN_NAME),
        ("x" * 101, 90, ErrorCode.INVALID_TOKEN_NAME),
    ],
)
def test_a_token_needs_a_name_and_one_to_365_days(
    ctx: Context, name: str, days: int, code: ErrorCode
) -> None:
    error = refused(code, accounts.issue_token, ctx, actor(ctx), name, days=days, now=at())
    assert isinstance(error, InvalidInput)
    assert accounts.list_tokens(ctx, actor(ctx)) == []


@pytest.mark.usefixtures("officer")
def test_no_secret_is_stored_only_its_hash(ctx: Context) -> None:
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, client=CLIENT, now=at())
    issued = accounts.issue_token(ctx, actor(ctx), "ci", now=at())
    secrets = [PASSWORD, signed.session_token, issued.secret]
    with read_transaction(ctx.engine.db) as conn:
        rows = {
            table.name: [dict(row._mapping) for row in conn.execute(select(table))]
            for table in (credentials, web_sessions, api_tokens, account_events)
        }
    stored = repr(rows)
    for secret in secrets:
        assert secret not in stored
    (session_row,) = rows["web_sessions"]
    assert session_row["token_hash"] == hashlib.sha256(signed.session_token.encode()).hexdigest()
    (token_row,) = rows["api_tokens"]
    assert token_row["token_hash"] == hashlib.sha256(issued.secret.encode()).hexdigest()
    (credential,) = rows["credentials"]
    assert credential["password_hash"].startswith("$argon2id$")
    shown = repr([t.to_json() for t in accounts.list_tokens(ctx, actor(ctx))])
    assert issued.secret not in shown
    assert signed.session_token not in repr(accounts.list_sessions(ctx, actor(ctx), now=at()))


def test_a_weaker_hash_is_replaced_at_the_next_sign_in(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher())  # the real parameters
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with write_transaction(ctx.engine.db) as conn:
        account_rows.put_password(conn, OFFICER, weak, at())
    accounts.sign_in(ctx, OFFICER, PASSWORD, now=at(1))
    with read_transaction(ctx.engine.db) as conn:
        row = account_rows.credentials_of(conn, OFFICER)
    assert row is not None
    assert row.password_hash is not None
    assert row.password_hash != weak
    assert not passwords.HASHER.check_needs_rehash(row.password_hash)
    assert row.changed_at == at()  # the same password: not a change
    accounts.sign_in(ctx, OFFICER, PASSWORD, now=at(2))


# -- passwords and permissions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code", "message"),
    [
        ("short-pw", ErrorCode.PASSWORD_TOO_SHORT, "at least 12 characters; this one has 8"),
        ("", ErrorCode.PASSWORD_TOO_SHORT, "at least 12 characters"),
        ("Bif.Sagsbehandler", ErrorCode.PASSWORD_IS_USERNAME, "must not be the username"),
        ("a" * 20, ErrorCode.PASSWORD_ONE_CHARACTER, "one character repeated"),
        ("x" * 1024 + "y", ErrorCode.PASSWORD_TOO_LONG, "at most 1024 characters"),
    ],
)
def test_a_password_breaking_a_rule_is_refused_with_the_rule(
    ctx: Context, password: str, code: ErrorCode, message: str
) -> None:
    error = refused(code, accounts.set_password, ctx, actor(ctx), OFFICER, password, now=at())
    assert message in str(error)
    assert "--" not in str(error)
    with read_transaction(ctx.engine.db) as conn:
        assert account_rows.credentials_of(conn, OFFICER) is None
    assert kinds(ctx, OFFICER) == []


def test_only_the_user_or_an_administrator_manages_an_account(ctx: Context) -> None:
    sara, admin = actor(ctx), actor(ctx, "admin")
    chef = "bif.chef"
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.set_password, ctx, sara, chef, PASSWORD)
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.disable_user, ctx, sara, chef)
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.disable_user, ctx, sara, OFFICER)
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.enable_user, ctx, sara, chef)
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.issue_token, ctx, sara, "x", username=chef)
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.list_tokens, ctx, sara, chef)
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.list_tokens, ctx, sara, every_user=True)
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.list_sessions, ctx, sara, chef)
    refused(ErrorCode.ADMINISTRATOR_REQUIRED, accounts.account_events, ctx, sara, chef)
    refused(ErrorCode.UNKNOWN_ACTOR, accounts.set_password, ctx, admin, "ghost", PASSWORD)
    # An administrator may do each for another.
    accounts.set_password(ctx, admin, chef, "peter-lund-2026", now=at())
    theirs = accounts.issue_token(ctx, admin, "for peter", username=chef, now=at())
    assert accounts.token_actor(ctx, theirs.secret, now=at()) == actor(ctx, chef)
    # Another's token is answered as no token at all; an administrator may revoke it.
    missing = refused(ErrorCode.UNKNOWN_TOKEN, accounts.revoke_token, ctx, sara, theirs.id)
    nothing = refused(ErrorCode.UNKNOWN_TOKEN, accounts.revoke_token, ctx, sara, theirs.id + 99)
    assert str(missing).replace(str(theirs.id), "N") == str(nothing).replace(
        str(theirs.id + 99), "N"
    )
    accounts.revoke_token(ctx, admin, theirs.id, now=at(1))
    assert accounts.token_actor(ctx, theirs.secret, now=at(2)) is None
    (password_set, *_) = reversed(accounts.account_events(ctx, admin, chef))
    assert (password_set.kind, password_set.actor) == (Kind.PASSWORD_SET, "admin")
    assert [t.username for t in accounts.list_tokens(ctx, admin, every_user=True)] == [chef]


@pytest.mark.usefixtures("officer")
def test_every_account_action_is_an_event_with_who_when_and_from_where(ctx: Context) -> None:
    admin = actor(ctx, "admin")
    sara = actor(ctx)
    refused(
        ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, OFFICER, "nope", client=CLIENT, now=at(1)
    )
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, client=CLIENT, now=at(2))
    token = accounts.issue_token(ctx, sara, "ci", now=at(3))
    accounts.revoke_token(ctx, sara, token.id, now=at(4))
    accounts.sign_out(ctx, signed.session_token, now=at(5))
    accounts.sign_out_everywhere(ctx, sara, now=at(6))
    accounts.disable_user(ctx, admin, OFFICER, now=at(7))
    accounts.enable_user(ctx, admin, OFFICER, now=at(8))
    mine = accounts.account_events(ctx, sara)
    assert [(e.kind, e.at, e.actor) for e in reversed(mine)] == [
        (Kind.PASSWORD_SET, at(), OFFICER),
        (Kind.SIGN_IN_FAILED, at(1), OFFICER),
        (Kind.SIGNED_IN, at(2), OFFICER),
        (Kind.TOKEN_ISSUED, at(3), OFFICER),
        (Kind.TOKEN_REVOKED, at(4), OFFICER),
        (Kind.SIGNED_OUT, at(5), OFFICER),
        (Kind.SIGNED_OUT_EVERYWHERE, at(6), OFFICER),
        (Kind.DISABLED, at(7), "admin"),
        (Kind.ENABLED, at(8), "admin"),
    ]
    assert {e.client for e in mine if e.kind in ("sign_in_failed", "signed_in")} == {CLIENT}
    assert accounts.account_events(ctx, sara, limit=2) == mine[:2]
    assert mine[-1].to_json()["kind"] == "password_set"
    # Failed sign-ins for a name nobody has are an administrator's to read.
    refused(ErrorCode.SIGN_IN_FAILED, accounts.sign_in, ctx, "root", "toor", now=at(9))
    (root,) = accounts.account_events(ctx, admin, "root")
    assert (root.kind, root.username) == (Kind.SIGN_IN_FAILED, "root")
    assert accounts.account_events(ctx, admin, every_user=True)[0] == root
    with pytest.raises(InvalidInput, match="1 to 1000"):
        accounts.account_events(ctx, sara, limit=0)
    with pytest.raises(InvalidInput, match="not both"):
        accounts.account_events(ctx, admin, OFFICER, every_user=True)


def test_the_account_events_are_append_only(ctx: Context) -> None:
    accounts.set_password(ctx, actor(ctx), OFFICER, PASSWORD, now=at())
    with write_transaction(ctx.engine.db) as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(account_events.update().values(actor="someone else"))
    with write_transaction(ctx.engine.db) as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(account_events.delete())
    assert kinds(ctx, OFFICER) == [Kind.PASSWORD_SET]
