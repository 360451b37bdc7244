"""What the browser tests do on every page: check it with axe, and keep a picture."""

from __future__ import annotations

import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
OUTPUT = Path(os.environ.get("CASEFLOW_TEST_OUTPUT") or REPO / "test-output") / "browser"
PASSWORD = "correct horse battery"

_AXE = Axe()
SERIOUS = ("serious", "critical")


def accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    results = _AXE.run(page)
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    assert not found, f"{page.url}: " + "; ".join(found)


def snapshot(page: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{re.sub(r'[^a-z0-9-]+', '-', name)}.png"), full_page=True)


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(re.compile(r".*/inbox.*"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").first.click()
    page.wait_for_url(re.compile(r".*/signout|.*/signin.*"))
