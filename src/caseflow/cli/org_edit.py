"""``caseflow org committee|administration|steering-group``: small edits by administrators."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from caseflow.cli.app import AsOption, JsonOption, console, state
from caseflow.cli.output import styled
from caseflow.cli.setup import org_app
from caseflow.meetings import committees as edit
from caseflow.organisation import CommitteeSpec
from caseflow.services import organisation

committee_app = typer.Typer(help="Show, add and change committees.", no_args_is_help=True)
administration_app = typer.Typer(
    help="Add and change administrations (name, e-mail).", no_args_is_help=True
)
steering_app = typer.Typer(help="Members of steering groups.", no_args_is_help=True)
org_app.add_typer(committee_app, name="committee")
org_app.add_typer(administration_app, name="administration")
org_app.add_typer(steering_app, name="steering-group")


class Kind(StrEnum):
    standing = "standing"
    temporary = "temporary"  # Styrelsesloven § 17 stk. 4


class LateItems(StrEnum):
    refuse = "refuse"
    approval = "approval"


NameOption = Annotated[str | None, typer.Option(help="Danish name.")]
NameEnOption = Annotated[str | None, typer.Option(help="English name.")]
KindOption = Annotated[
    Kind | None, typer.Option(help="standing, or temporary (§ 17 stk. 4).", show_default=False)
]
EmailOption = Annotated[str | None, typer.Option(help="Secretariat e-mail address ('' clears it).")]
ChairOption = Annotated[str | None, typer.Option(help="The chair ('' clears it).")]
AddMemberOption = Annotated[list[str] | None, typer.Option(help="Add a member (repeatable).")]
RemoveMemberOption = Annotated[list[str] | None, typer.Option(help="Remove a member (repeatable).")]
DeadlineOption = Annotated[
    int | None,
    typer.Option(help="Agenda deadline: working days before the meeting.", show_default=False),
]
SendOption = Annotated[
    int | None,
    typer.Option(help="The agenda is sent this many weekdays before.", show_default=False),
]
SaturdayOption = Annotated[
    bool | None,
    typer.Option(
        "--saturday-counts/--saturday-does-not-count",
        help="Whether Saturday counts when sending the agenda.",
        show_default=False,
    ),
]
LateOption = Annotated[
    LateItems | None,
    typer.Option(help="Items after the deadline: refuse, or need approval.", show_default=False),
]


def _change(
    name: str | None,
    name_en: str | None,
    kind: Kind | None,
    secretariat_email: str | None,
    chair: str | None,
    add_member: list[str] | None,
    remove_member: list[str] | None,
    agenda_deadline: int | None,
    agenda_send: int | None,
    saturday_counts: bool | None,
    late_items: LateItems | None,
) -> edit.CommitteeChange:
    return edit.CommitteeChange(
        name=name,
        name_en=name_en,
        kind=kind.value if kind else None,
        secretariat_email=secretariat_email,
        chair=chair,
        add_members=tuple(add_member or ()),
        remove_members=tuple(remove_member or ()),
        deadline_working_days=agenda_deadline,
        send_weekdays_before=agenda_send,
        saturday_counts=saturday_counts,
        late_items=late_items.value if late_items else None,
    )


def _print(spec: CommitteeSpec, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps(spec.model_dump(), ensure_ascii=False))
        return
    rules = spec.agenda
    console.print(
        styled(
            (spec.code, "bold"), f"  {spec.name}" + (f" ({spec.name_en})" if spec.name_en else "")
        )
    )
    lines = [
        ("kind", spec.kind + (" (§ 17 stk. 4)" if spec.kind == "temporary" else "")),
        ("secretariat", spec.secretariat_email or "-"),
        ("chair", spec.chair or "-"),
        ("members", ", ".join(spec.members) or "-"),
        ("agenda deadline", f"{rules.deadline_working_days} working days before the meeting"),
        (
            "agenda sent",
            f"{rules.send_weekdays_before} weekdays before"
            + (" (Saturday counts)" if rules.saturday_counts else " (Monday–Friday)"),
        ),
        ("late items", rules.late_items),
    ]
    for label, value in lines:
        console.print(f"  {label:<16}{value}")


@committee_app.command("show")
def committee_show(code: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """A committee with its members and agenda rules (--as: anyone in the organisation)."""
    ctx, actor = state().acting(as_user)
    _print(organisation.show_committee(ctx, actor, code), as_json)


@committee_app.command("set")
def committee_set(
    code: str,
    name: NameOption = None,
    name_en: NameEnOption = None,
    kind: KindOption = None,
    secretariat_email: EmailOption = None,
    chair: ChairOption = None,
    add_member: AddMemberOption = None,
    remove_member: RemoveMemberOption = None,
    agenda_deadline: DeadlineOption = None,
    agenda_send: SendOption = None,
    saturday_counts: SaturdayOption = None,
    late_items: LateOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change a committee; what is not given stays as it is (administrators only)."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    change = _change(
        name,
        name_en,
        kind,
        secretariat_email,
        chair,
        add_member,
        remove_member,
        agenda_deadline,
        agenda_send,
        saturday_counts,
        late_items,
    )
    _print(edit.update_committee(engine, actor, code, change), as_json)


@committee_app.command("add")
def committee_add(
    code: str,
    name: NameOption = None,
    name_en: NameEnOption = None,
    kind: KindOption = None,
    secretariat_email: EmailOption = None,
    chair: ChairOption = None,
    add_member: AddMemberOption = None,
    agenda_deadline: DeadlineOption = None,
    agenda_send: SendOption = None,
    saturday_counts: SaturdayOption = None,
    late_items: LateOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a committee, e.g. a temporary § 17 stk. 4 committee (administrators only)."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    change = _change(
        name,
        name_en,
        kind,
        secretariat_email,
        chair,
        add_member,
        None,
        agenda_deadline,
        agenda_send,
        saturday_counts,
        late_items,
    )
    _print(edit.add_committee(engine, actor, code, change), as_json)


@administration_app.command("set")
def administration_set(
    code: str,
    name: Annotated[str | None, typer.Option(help="Danish name (needed for a new one).")] = None,
    name_en: NameEnOption = None,
    email: Annotated[
        str | None,
        typer.Option(help="Shared mailbox for the follow-up actions it owns ('' clears it)."),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Add an administration or change one; what is not given stays (administrators only)."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    spec = edit.set_administration(engine, actor, code, name, name_en, email)
    mailbox = spec.email or "no e-mail address: its follow-up actions go to the case officer"
    console.print(f"saved administration {spec.code}: {spec.name} ({mailbox})")


@steering_app.command("set-member")
def steering_set_member(
    group: str,
    administration: Annotated[str, typer.Option(help="The administration represented.")],
    actor_name: Annotated[
        str | None, typer.Option("--actor", help="Its representative (a username).")
    ] = None,
    remove: Annotated[bool, typer.Option(help="Remove the administration instead.")] = False,
    as_user: AsOption = None,
) -> None:
    """Add, replace or remove an administration's seat in a steering group."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    spec = edit.set_steering_member(engine, actor, group, administration, actor_name, remove=remove)
    members = ", ".join(
        m.administration + (f" ({m.actor})" if m.actor else "") for m in spec.members
    )
    console.print(f"steering group {spec.code}: {members}")
