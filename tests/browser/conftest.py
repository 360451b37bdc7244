"""Browser tests: the web app under a real uvicorn on 127.0.0.1, driven by Playwright
through Debian's chromium, with axe-core on every page visited.

Without /usr/bin/chromium the tests skip with a message on a developer's machine;
in CI (``CI`` set) a missing browser fails them instead, so it can never pass by
skipping. Screenshots go to ``test-output/browser/`` (or ``$CASEFLOW_TEST_OUTPUT``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from browsing import PASSWORD
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from caseflow.context import Context
from caseflow.services import accounts
from caseflow.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
USERS = (
    "admin",
    "bif.sagsbehandler",
    "bif.chef",
    "tmf.sagsbehandler",
    "biu.sekretariat",
    "biu.udvalg",
    "tmf.styregruppe",
)
# Chromium as root in a sandbox with no network: no sandbox of its own, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def live_server(ctx: Context) -> Iterator[str]:
    """The app over the test's database, served by uvicorn on a free port."""
    admin = ctx.engine.actor("admin")
    for username in USERS:
        accounts.set_password(ctx, admin, username, PASSWORD)
    port = _free_port()
    config = uvicorn.Config(
        create_app(ctx), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (its own cookies) and page: one person."""
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
