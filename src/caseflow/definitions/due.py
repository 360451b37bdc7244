"""The one grammar of deadline dates: a rule's ``due`` text and the dates fields hold.

Workflow authors write deadlines the way the law and the politicians say them
("within 7 working days", "before the end of 2009", "in 2010"), and case
officers type dates into case fields the same way. Both are read here, and only
here, so that validation (which must explain a bad ``due`` with its line) and
the deadline maths in :mod:`caseflow.deadlines.rules` can never disagree about
what a text means.

Pure: no I/O, no clock. Keywords are read case-insensitively and extra spaces
are ignored; field names are kept exactly as written (they are case-field keys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from caseflow.calendar import local_date
from caseflow.definitions.names import NAME_PATTERN

DueKind = Literal["within", "before_field", "at_field", "by", "during"]
Unit = Literal["working", "weekdays", "days"]
Period = Literal["month", "quarter", "year"]

MAX_AMOUNT = 3660  # ten years of calendar days; more is a typing slip, and 9999 is the end

EXAMPLES = (
    "within 7 working days",
    "within 5 weekdays",
    "within 30 days",
    "5 working days before field meeting_date",
    "at field due_date",
    "by end of 2009",
    "by end of month",
    "by 2009-12-31",
    "during 2010",
)

_UNIT_WORDS: dict[str, Unit] = {
    "working day": "working",
    "working days": "working",
    "weekday": "weekdays",
    "weekdays": "weekdays",
    "day": "days",
    "days": "days",
}
_UNIT_NAMES: dict[Unit, str] = {"working": "working days", "weekdays": "weekdays", "days": "days"}

_N = r"(?P<n>\d+)"
_UNIT = r"(?P<unit>working days?|weekdays?|days?)"
_FIELD = r"(?P<field>\S+)"
_THE = r"(?:the )?"
_SOURCES: tuple[tuple[DueKind, str], ...] = (
    ("within", rf"within {_N} {_UNIT}"),
    ("before_field", rf"{_N} {_UNIT} before field {_FIELD}"),
    ("at_field", rf"at field {_FIELD}"),
    ("by", rf"by {_THE}end of (?P<year>\d{{4}})"),
    ("by", rf"by {_THE}end of {_THE}(?P<period>month|quarter|year)"),
    ("by", r"by (?P<date>\d{4}-\d{2}-\d{2})"),
    ("during", r"during (?P<year>\d{4})"),
)
_GRAMMAR: tuple[tuple[DueKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _SOURCES
)

# What each first word should be followed by, for a message that helps.
_HINTS = {
    "within": "write 'within N working days', 'within N weekdays' or 'within N days', "
    "N a whole number, e.g. 'within 7 working days'",
    "at": "write 'at field NAME', NAME a case field holding a date, e.g. 'at field due_date'",
    "by": "write 'by end of 2009', 'by end of month', 'by end of quarter', 'by end of year' "
    "or 'by 2009-12-31'",
    "during": "write 'during YEAR', e.g. 'during 2010'",
}
_BEFORE_HINT = (
    "write 'N working days before field NAME' (or weekdays, days), "
    "e.g. '8 working days before field meeting_date'"
)


@dataclass(frozen=True)
class DueSpec:
    """A parsed ``due`` text.

    ``kind`` says which form was written; the other attributes are those that
    form uses (``amount`` and ``unit`` for counting, ``field`` for field forms,
    ``year``/``period``/``on`` for the ``by`` and ``during`` forms).
    """

    kind: DueKind
    text: str  # as written
    amount: int | None = None
    unit: Unit | None = None
    field: str | None = None
    year: int | None = None  # "by end of 2009", "during 2010"
    period: Period | None = None  # "by end of month": of the start date
    on: date | None = None  # "by 2009-12-31"

    @property
    def reads_field(self) -> bool:
        """Whether the due date depends on a case field (so a missing field means none)."""
        return self.field is not None

    @property
    def counts(self) -> bool:
        """Whether the due date is counted from the start (so the clock can be paused)."""
        return self.kind == "within"

    def describe(self) -> str:
        """The rule in canonical words, e.g. 'within 7 working days'."""
        if self.kind in ("within", "before_field") and self.amount is not None:
            unit = _UNIT_NAMES[self.unit or "working"]
            if self.amount == 1:
                unit = unit.replace("days", "day")
            if self.kind == "within":
                return f"within {self.amount} {unit}"
            return f"{self.amount} {unit} before field {self.field}"
        if self.kind == "at_field":
            return f"at field {self.field}"
        if self.kind == "during":
            return f"during {self.year}"
        if self.on is not None:
            return f"by {self.on.isoformat()}"
        return f"by end of {self.year if self.year is not None else self.period}"


def parse_due(text: str) -> DueSpec:
    """Read a rule's ``due`` text; raise ValueError saying how to write it instead."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"'due' is empty; write e.g. '{EXAMPLES[0]}'")
    normal = " ".join(text.split())
    for kind, pattern in _GRAMMAR:
        match = pattern.fullmatch(normal)
        if match is not None:
            return _spec(kind, match.groupdict(), text)
    raise ValueError(f"cannot read due '{normal}': {_hint(normal)}")


def _hint(normal: str) -> str:
    first = normal.split(" ", 1)[0].lower()
    if first in _HINTS:
        return _HINTS[first]
    if first.isdigit():
        return _BEFORE_HINT
    return "write one of " + ", ".join(f"'{e}'" for e in EXAMPLES)


def _spec(kind: DueKind, groups: dict[str, str | None], text: str) -> DueSpec:
    n, unit, field = groups.get("n"), groups.get("unit"), groups.get("field")
    amount = _amount(n, kind) if n is not None else None
    if field is not None and not re.fullmatch(NAME_PATTERN, field):
        raise ValueError(
            f"'{field}' is not a field name: use lowercase letters, digits and '_', "
            "starting with a letter, e.g. meeting_date"
        )
    year = groups.get("year")
    if year is not None and int(year) < 1:
        raise ValueError(f"{year} is not a year")
    written = groups.get("date")
    on = None
    if written is not None:
        try:
            on = date.fromisoformat(written)
        except ValueError:
            raise ValueError(
                f"'{written}' is not a date; write YYYY-MM-DD, e.g. 2009-12-31"
            ) from None
    period = groups.get("period")
    return DueSpec(
        kind=kind,
        text=text,
        amount=amount,
        unit=_UNIT_WORDS[unit.lower()] if unit is not None else None,
        field=field,
        year=int(year) if year is not None else None,
        period=_period(period),
        on=on,
    )


def _amount(n: str, kind: DueKind) -> int:
    amount = int(n)
    if amount < 1:
        instead = "'at field NAME'" if kind == "before_field" else "'within 1 working day'"
        raise ValueError(
            f"the number of days must be at least 1; for the day itself write {instead}"
        )
    if amount > MAX_AMOUNT:
        raise ValueError(
            f"{amount} days is more than {MAX_AMOUNT}; for a deadline years ahead write a "
            "date ('by 2030-12-31') or a period ('by end of 2030')"
        )
    return amount


def _period(word: str | None) -> Period | None:
    if word is None:
        return None
    lowered = word.lower()
    if lowered == "month":
        return "month"
    if lowered == "quarter":
        return "quarter"
    return "year"


# --------------------------------------------------------------- dates in case fields


@dataclass(frozen=True)
class FieldDate:
    """A date a case field holds, possibly fuzzy.

    ``last`` is the day the deadline falls on. ``first`` is set for a period
    ("during 2010": not before 1 January). ``political`` marks a period's end
    ("end of 2009", "during 2010"), which stays the date politicians named even
    when it is a day off; an exact date does not.
    """

    last: date
    text: str
    first: date | None = None
    political: bool = False


_END_OF_YEAR = re.compile(
    r"(?:(?:by|before) )?(?:the )?end of (?P<year>\d{4})"
    r"|(?:(?:inden|ved) )?udgangen af (?P<aar>\d{4})",
    re.IGNORECASE,
)
_DURING_YEAR = re.compile(
    r"(?:(?:during|in) )?(?P<year>\d{4})|i (?:løbet af )?(?P<aar>\d{4})", re.IGNORECASE
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_field_date(value: Any, name: str) -> FieldDate | None:
    """Read the date in case field ``name``: None when blank, ValueError when unreadable.

    Accepts a date, an aware datetime (its Copenhagen date; a naive one is read
    as Copenhagen wall-clock time), an ISO text of either, ``"end of 2009"`` /
    ``"udgangen af 2009"``, and ``"2010"`` / ``"during 2010"`` / ``"i 2010"``
    (or the number 2010) for the whole year.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return FieldDate(_day_of(value), value.isoformat())
    if isinstance(value, date):
        return FieldDate(value, value.isoformat())
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        return _year(value, str(value))
    if isinstance(value, str):
        found = _from_text(" ".join(value.split()))
        if found is not None:
            return found
    raise ValueError(
        f"field '{name}' holds {value!r}, which is not a date: write 2009-12-31, "
        "'end of 2009' or 'during 2010'"
    )


def _from_text(text: str) -> FieldDate | None:
    end = _END_OF_YEAR.fullmatch(text)
    if end is not None:
        year = int(end.group("year") or end.group("aar"))
        return FieldDate(date(year, 12, 31), text, political=True) if year >= 1 else None
    during = _DURING_YEAR.fullmatch(text)
    if during is not None:
        year = int(during.group("year") or during.group("aar"))
        return _year(year, text) if year >= 1 else None
    try:
        if _ISO_DAY.fullmatch(text):
            return FieldDate(date.fromisoformat(text), text)
        return FieldDate(_day_of(datetime.fromisoformat(text)), text)
    except ValueError:
        return None


def _year(year: int, text: str) -> FieldDate:
    return FieldDate(date(year, 12, 31), text, first=date(year, 1, 1), political=True)


def _day_of(moment: datetime) -> date:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.date()  # wall-clock time in Copenhagen, as a person typed it
    return local_date(moment)
