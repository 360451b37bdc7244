"""``caseflow user``: passwords, API tokens, sessions and disabling, as an operator types them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import caseflow.cli.user  # noqa: F401  (registers the sub-app on the root app, for the prompt test)
from caseflow.cli.app import app
from caseflow.context import Context
from caseflow.errors import ErrorCode, NotAllowed
from caseflow.services import accounts, organisation
from caseflow.settings import Settings
from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]
OFFICER = "bif.sagsbehandler"
PASSWORD = "sara-holm-2026-bif"
ADMIN = ("--as", "admin")


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    cli = Cli(tmp_path, database_url, REPO / "workflows")
    cli("init")
    cli("org", "load", str(demo_organisation_file()), *ADMIN)
    return cli


@pytest.fixture
def ctx(database_url: str) -> Iterator[Context]:
    """The services on the CLI's database: what the web app will see of its work."""
    context = Context.from_settings(Settings(database_url, REPO / "workflows"))
    yield context
    context.close()


def set_password(cli: Cli, password: str, *args: str, expect: int = 0) -> str:
    done = cli(
        "user", "set-password", OFFICER, "--password-stdin", *args,
        expect=expect, input_text=f"{password}\n",
    )  # fmt: skip
    return done.stdout + done.stderr


def test_a_password_set_from_standard_input_signs_in(cli: Cli, ctx: Context) -> None:
    assert "password of bif.sagsbehandler set" in set_password(cli, PASSWORD, "--as", OFFICER)
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD)
    assert signed.actor.username == OFFICER
    # The rules, each in its words; others' passwords are an administrator's.
    assert "at least 12 characters; this one has 5" in set_password(
        cli, "short", "--as", OFFICER, expect=2
    )
    assert "must not be the username" in set_password(cli, OFFICER, "--as", OFFICER, expect=2)
    refused = set_password(cli, "another-password", "--as", "bif.chef", expect=4)
    assert "may not set the password of bif.sagsbehandler" in refused
    assert "give --as one who holds it" in refused
    assert "say who you are" in set_password(cli, "another-password", expect=2)
    assert "password of bif.sagsbehandler set" in set_password(cli, "set-by-the-admin", *ADMIN)
    with pytest.raises(NotAllowed) as failed:
        accounts.sign_in(ctx, OFFICER, PASSWORD)
    assert failed.value.code is ErrorCode.SIGN_IN_FAILED
    assert accounts.session(ctx, signed.session_token) is None  # a new password: signed out
    events = cli.json("user", "events", OFFICER, *ADMIN)
    assert [(e["kind"], e["actor"]) for e in events] == [
        ("sign_in_failed", OFFICER),
        ("password_set", "admin"),
        ("signed_in", OFFICER),
        ("password_set", OFFICER),
    ]


@pytest.mark.usefixtures("cli")
def test_the_prompt_asks_twice_and_hides_the_password(database_url: str) -> None:
    runner = CliRunner()
    args = ["--db", database_url, "user", "set-password", OFFICER, *ADMIN]
    env = {"CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows")}
    result = runner.invoke(
        app, args, input=f"{PASSWORD}\ntypo-{PASSWORD}\n{PASSWORD}\n{PASSWORD}\n", env=env
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.output.count("New password:") == 2
    assert "do not match" in result.output
    assert PASSWORD not in result.output
    assert "password of bif.sagsbehandler set" in result.output
    context = Context.from_settings(Settings(database_url, REPO / "workflows"))
    try:
        assert accounts.sign_in(context, OFFICER, PASSWORD).actor.username == OFFICER
    finally:
        context.close()


def test_a_token_is_shown_once_listed_without_its_secret_and_revoked(
    cli: Cli, ctx: Context
) -> None:
    created = cli("user", "token", "create", "nightly report", "--days", "30", "--as", OFFICER)
    secret = created.stdout.strip()
    assert secret.startswith("cft_")
    assert "cannot be shown again" in created.stderr
    assert accounts.token_actor(ctx, secret) == ctx.engine.actor(OFFICER)
    (listed,) = cli.json("user", "token", "list", "--as", OFFICER)
    assert (listed["name"], listed["status"], listed["username"]) == (
        "nightly report",
        "active",
        OFFICER,
    )
    assert listed["last_used_at"] is not None
    table = cli("user", "token", "list", "--as", OFFICER).stdout
    assert "nightly report" in table
    assert secret not in table
    assert secret not in str(listed)
    # Another's token: an administrator lists and issues them; others are refused.
    assert cli.json("user", "token", "list", "--for", OFFICER, *ADMIN)[0]["id"] == listed["id"]
    refused = cli("user", "token", "list", "--for", "admin", "--as", OFFICER, expect=4)
    assert "needs the role administrator" in refused.stderr
    too_long = cli("user", "token", "create", "x", "--days", "400", "--as", OFFICER, expect=2)
    assert "give --days from 1 to 365" in too_long.stderr
    unknown = cli("user", "token", "revoke", str(listed["id"]), "--as", "bif.chef", expect=3)
    assert "not found or not allowed" in unknown.stderr
    assert "`caseflow user token list` shows yours" in unknown.stderr

    assert "revoked" in cli("user", "token", "revoke", str(listed["id"]), "--as", OFFICER).stdout
    assert accounts.token_actor(ctx, secret) is None
    (after,) = cli.json("user", "token", "list", "--as", OFFICER)
    assert after["status"] == "revoked"
    issued_for = cli("user", "token", "create", "for sara", "--for", OFFICER, "--json", *ADMIN)
    shown = json.loads(issued_for.stdout)
    assert set(shown) == {"id", "name", "secret", "expires_at"}
    assert accounts.token_actor(ctx, shown["secret"]) == ctx.engine.actor(OFFICER)


def test_disabling_a_user_ends_their_sessions_and_tokens(cli: Cli, ctx: Context) -> None:
    set_password(cli, PASSWORD, "--as", OFFICER)
    signed = accounts.sign_in(ctx, OFFICER, PASSWORD, client="10.0.0.7 Firefox")
    secret = cli("user", "token", "create", "laptop", "--as", OFFICER).stdout.strip()
    (session,) = cli.json("user", "sessions", "--as", OFFICER)
    assert (session["client"], session["via"]) == ("10.0.0.7 Firefox", "password")
    refused = cli("user", "disable", OFFICER, "--as", "bif.chef", expect=4)
    assert "may not disable bif.sagsbehandler" in refused.stderr
    last = cli("user", "disable", "admin", *ADMIN, expect=4)
    assert "last enabled administrator" in last.stderr

    assert "is disabled" in cli("user", "disable", OFFICER, *ADMIN).stdout
    assert accounts.session(ctx, signed.session_token) is None
    assert accounts.token_actor(ctx, secret) is None
    with pytest.raises(NotAllowed) as failed:
        accounts.sign_in(ctx, OFFICER, PASSWORD)
    assert failed.value.code is ErrorCode.SIGN_IN_FAILED
    assert cli.json("user", "sessions", "--for", OFFICER, *ADMIN) == []
    (token,) = cli.json("user", "token", "list", "--for", OFFICER, *ADMIN)
    assert token["status"] == "revoked"
    disabled = cli("user", "token", "create", "again", "--for", OFFICER, *ADMIN, expect=4)
    assert "caseflow user enable bif.sagsbehandler" in disabled.stderr

    assert "is enabled" in cli("user", "enable", OFFICER, *ADMIN).stdout
    again = accounts.sign_in(ctx, OFFICER, PASSWORD)
    assert "1 session(s) of bif.sagsbehandler ended" in (
        cli("user", "sign-out-everywhere", OFFICER, *ADMIN).stdout
    )
    assert accounts.session(ctx, again.session_token) is None
    shown = cli("user", "events", OFFICER, *ADMIN).stdout
    for words in ("disabled", "enabled", "sign in failed", "signed out everywhere"):
        assert words in shown
    assert "8 event(s)" in shown


def test_the_demo_prints_how_to_serve_it_and_its_users_sign_in(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "demo.db"
    out = Cli(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}", REPO / "workflows")(
        "demo", "--db", str(path)
    ).stdout
    assert f"caseflow serve --db {path}\n" in out
    table = out[out.index("Demo users") :]
    context = Context.from_settings(Settings(f"sqlite:///{path}", REPO / "workflows"))
    try:
        admin = context.engine.actor("admin")
        users = [a.username for a in organisation.list_actors(context, admin)]
        assert len(users) == 9  # with TMF's office head and director
        for username in users:
            password = f"demo-{username}".ljust(12, "0")
            assert password in table
            signed = accounts.sign_in(context, username, password)
            assert accounts.session(context, signed.session_token) is not None
        assert "demo-admin00" in table
        set_by_demo = accounts.account_events(context, admin, "bif.chef")[-1]
        assert (set_by_demo.kind, set_by_demo.client) == ("password_set", "caseflow demo")
    finally:
        context.close()
