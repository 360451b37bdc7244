"""``caseflow calendar ...``: count working days and list days off, as the engine does."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from caseflow.calendar import RULE_PRESETS, BusinessCalendar, CalendarRules
from caseflow.cli.app import app, console, state
from caseflow.context import calendar_rules
from caseflow.errors import InvalidInput

calendar_app = typer.Typer(
    help="Working days and days off: add, count, list.", no_args_is_help=True
)
app.add_typer(calendar_app, name="calendar")


def default_rules() -> CalendarRules:
    """The rules used when ``--rules`` is not given: the municipality's configured calendar
    (``CASEFLOW_CALENDAR``: a preset or its own calendar file), as the engine uses."""
    return calendar_rules(state().settings)


class Kind(StrEnum):
    """The ``--calendar`` choices (see :data:`caseflow.calendar.CalendarKind`)."""

    working = "working"
    weekdays = "weekdays"


class Rules(StrEnum):
    """The ``--rules`` choices: the presets in :data:`caseflow.calendar.RULE_PRESETS`."""

    copenhagen = "copenhagen"
    danish = "danish"


KindOption = Annotated[
    Kind,
    typer.Option(
        "--calendar",
        help="working: Monday–Friday; weekdays: Monday–Saturday (agenda dispatch).",
    ),
]
RulesOption = Annotated[
    Rules | None,
    typer.Option(
        "--rules",
        help="Days off beyond the public holidays (default: copenhagen).",
        show_default=False,
    ),
]


# Not strftime("%a"): that follows the locale, and the output should not.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _calendar(kind: Kind, rules: Rules | None) -> BusinessCalendar:
    chosen = RULE_PRESETS[rules.value] if rules is not None else default_rules()
    return BusinessCalendar(chosen, kind.value)


def _date(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{label} {text!r} is not a date; use YYYY-MM-DD, e.g. 2009-04-08"
        ) from None


@calendar_app.command(
    "add",
    # So that a negative N such as -3 is read as the argument, not as an option.
    context_settings={"ignore_unknown_options": True},
)
def add(
    day: Annotated[str, typer.Argument(metavar="DATE", help="Start date, YYYY-MM-DD.")],
    n: Annotated[
        int,
        typer.Argument(metavar="N", help="Working days to add; negative counts backwards."),
    ],
    kind: KindOption = Kind.working,
    rules: RulesOption = None,
) -> None:
    """Print the date N open days after DATE (before it when N < 0); DATE itself is not counted."""
    start = _date(day, "DATE")
    try:
        result = _calendar(kind, rules).add(start, n)
    except OverflowError:
        raise InvalidInput(
            f"{n} working days from {start.isoformat()} is outside the years 1 to 9999"
        ) from None
    console.print(result.isoformat())


@calendar_app.command("between")
def between(
    first: Annotated[str, typer.Argument(metavar="FROM", help="Start date, YYYY-MM-DD.")],
    last: Annotated[str, typer.Argument(metavar="TO", help="End date, YYYY-MM-DD.")],
    kind: KindOption = Kind.working,
    rules: RulesOption = None,
) -> None:
    """Print the number of open days after FROM up to and including TO (negative if TO < FROM)."""
    a, b = _date(first, "FROM"), _date(last, "TO")
    console.print(str(_calendar(kind, rules).between(a, b)))


@calendar_app.command("holidays")
def holidays(
    year: Annotated[int, typer.Argument(metavar="YEAR", help="The year, e.g. 2009.")],
    rules: RulesOption = None,
) -> None:
    """List the days off in YEAR: public holidays and the municipality's own."""
    if not 1 <= year <= 9999:
        raise InvalidInput(f"YEAR {year} is out of range; give a year from 1 to 9999, e.g. 2009")
    calendar = _calendar(Kind.working, rules)
    table = Table("Date", "Day", "Name", title=f"Days off {year} ({calendar.rules.name})")
    for day, name in calendar.holidays(year):
        table.add_row(day.isoformat(), _WEEKDAYS[day.weekday()], name)
    console.print(table)
