"""``caseflow serve``: the web application under uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from caseflow.cli.app import app, console, state


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each with its own pool).")
    ] = 1,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database to serve (as the global --db; e.g. the one `caseflow demo --db` kept).",
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Addresses of the reverse proxy whose X-Forwarded-* headers are trusted "
            "(default: 127.0.0.1)."
        ),
    ] = None,
) -> None:
    """Serve the web pages and the JSON API (/api/v1) until stopped (Ctrl-C)."""
    import uvicorn

    cli = state()
    if db:
        cli.settings = cli.settings.with_overrides(database=db)
    settings = cli.settings
    # Fail here, with caseflow's message, if the database is missing or too old, or the
    # identity provider's settings are half given.
    cli.context()
    from caseflow.web.oidc import client_for

    client_for(settings)
    # Each worker process builds its app from the environment: pass the flags on.
    os.environ["CASEFLOW_DATABASE_URL"] = settings.database_url
    os.environ["CASEFLOW_WORKFLOWS_DIR"] = str(settings.workflows_dir)
    console.print(f"caseflow: serving http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(
        "caseflow.web.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips or "127.0.0.1",
        log_level="info",
        server_header=False,
    )
