"""The web app in-process over the test's database, and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from webtools import PASSWORD, sign_in

from caseflow.context import Context
from caseflow.services import accounts
from caseflow.web.app import create_app


@pytest.fixture
def with_passwords(ctx: Context) -> Context:
    """Every demo user has :data:`PASSWORD`."""
    admin = ctx.engine.actor("admin")
    for username in (
        "admin",
        "bif.sagsbehandler",
        "bif.chef",
        "tmf.sagsbehandler",
        "tmf.kontorchef",
        "tmf.direktor",
        "biu.sekretariat",
        "biu.udvalg",
        "tmf.styregruppe",
    ):
        accounts.set_password(ctx, admin, username, PASSWORD)
    return ctx


@pytest.fixture
def app_client(with_passwords: Context) -> Iterator[TestClient]:
    with TestClient(create_app(with_passwords)) as client:
        yield client


@pytest.fixture
def client_for(with_passwords: Context) -> Iterator[Callable[[str], TestClient]]:
    """A new signed-in client per user (each with its own cookies)."""
    app = create_app(with_passwords)
    opened: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(app)
        opened.append(client)
        return sign_in(client, username)

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def token_for(with_passwords: Context) -> Callable[[str], dict[str, str]]:
    """API headers carrying a fresh token of ``username``."""

    def make(username: str) -> dict[str, str]:
        actor = with_passwords.engine.actor(username)
        issued = accounts.issue_token(with_passwords, actor, "tests")
        return {"Authorization": f"Bearer {issued.secret}"}

    return make
