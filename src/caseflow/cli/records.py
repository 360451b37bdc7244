"""``caseflow records ...``: the signing key, signed checkpoints and verification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from caseflow.cli.app import JsonOption, app, console, state
from caseflow.services import records

records_app = typer.Typer(
    help="Tamper-evident records: signing key, signed checkpoints, verification.",
    no_args_is_help=True,
)
app.add_typer(records_app, name="records")


@records_app.command("keygen")
def keygen() -> None:
    """Make the Ed25519 key that signs checkpoints, at the settings' key file, and print
    its public key for the auditors (written beside it too, ".pub" added)."""
    made = records.keygen(state().context(check_schema=False))
    console.print(
        f"private key: {made.key_file} (keep it off the database server's backups)", markup=False
    )
    console.print(f"public key:  {made.public_file} (key id {made.key_id})", markup=False)
    console.print(made.public_pem.rstrip(), markup=False, highlight=False)


@records_app.command("checkpoint")
def checkpoint() -> None:
    """Sign the heads of every chain that moved since the last checkpoint; store it and
    append it to the export (settings records_export)."""
    made = records.checkpoint(state().context())
    console.print(
        f"checkpoint {made.seq} at {made.at.isoformat(timespec='seconds')}: signed {made.heads} "
        f"of {made.chains} chains with key {made.key_id}; {made.exported} line(s) appended to "
        f"{made.export}",
        markup=False,
    )
    for chain in made.withheld:
        console.print(
            Text.assemble(
                ("warning:", "bold yellow"),
                f" {chain} went back since it was signed; "
                "not signed again (run `caseflow records verify`)",
            ),
            highlight=False,
        )


@records_app.command("verify")
def verify(
    since: Annotated[
        int | None,
        typer.Option(
            "--since",
            metavar="CHECKPOINT",
            help="Take rows that checkpoint (or one before it) signed as verified then.",
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            metavar="FILE",
            help="The auditors' public key (default: the key file's, with .pub).",
        ),
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="The checkpoint export to compare (default: settings)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute every chain and check cases, agendas, decisions, minutes and org changes
    against them and against the signed checkpoints; exits 1 on any discrepancy."""
    report = records.verify_records(
        state().context(), since=since, public_key=public_key, export_file=export
    )
    if as_json:
        import json

        console.print_json(
            json.dumps(
                {
                    "ok": report.ok,
                    "discrepancies": [
                        {"finding": d.finding, "chain": d.chain, "message": d.message}
                        for d in report.discrepancies
                    ],
                    "counts": report.counts,
                    "cases": report.cases,
                    "audit_rows": report.audit_rows,
                    "links": report.links,
                    "checkpoints": report.checkpoints,
                    "trusted_checkpoints": report.trusted_checkpoints,
                    "seconds": round(report.seconds, 3),
                }
            )
        )
    else:
        for problem in report.discrepancies:
            console.print(
                Text.assemble((f"{problem.finding}:", "bold red"), " ", problem.message),
                highlight=False,
                soft_wrap=True,
            )
        exported = "no export file" if report.exported is None else f"{report.exported} exported"
        console.print(
            f"checked {report.cases} cases ({report.audit_rows} audit rows), {report.records} "
            f"records ({report.links} chain rows) against {report.trusted_checkpoints} of "
            f"{report.checkpoints} checkpoints ({exported}), key {report.key_id}, "
            f"in {report.seconds:.1f} s",
            markup=False,
        )
        if report.uncovered_cases:
            console.print(
                f"{report.uncovered_cases} cases have no state hash yet (no event since "
                "records were added): their rows are chained, the case row is not checked",
                markup=False,
            )
        console.print(
            "all records verify" if report.ok else f"{len(report.discrepancies)} discrepancies",
            markup=False,
        )
    if not report.ok:
        raise typer.Exit(1)
