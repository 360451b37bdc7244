"""``caseflow serve`` as an operator runs it: the demo's database, a real uvicorn
process, and a demo user signing in with the password the demo printed."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
def test_serve_the_demo_database_and_sign_in(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    caseflow = [sys.executable, "-m", "caseflow"]
    demo = subprocess.run(
        [*caseflow, "demo", "--db", str(db)], capture_output=True, text=True, timeout=120
    )
    assert demo.returncode == 0, demo.stderr
    assert f"caseflow serve --db {db}" in demo.stdout
    port = _free_port()
    server = subprocess.Popen(
        [*caseflow, "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "caseflow serve did not answer in 30 s"
            time.sleep(0.2)
        with httpx.Client(base_url=base) as browser:
            form = browser.get("/signin")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token is not None
            signed = browser.post(
                "/signin",
                data={
                    "username": "bif.sagsbehandler",
                    "password": "demo-bif.sagsbehandler",
                    "csrf_token": token.group(1),
                },
            )
            assert signed.status_code == 303
            inbox = browser.get("/inbox")
            assert inbox.status_code == 200
            assert "2009-68440" in inbox.text  # the reference case is the officer's
    finally:
        server.terminate()
        server.wait(timeout=15)
