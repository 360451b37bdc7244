"""Working days and Copenhagen time: the only module that knows about either.

Deadlines in Danish public administration are counted in working days
("arbejdsdage", "hverdage") and fall due on a date in Copenhagen. Everything
else in caseflow asks this module, so the rules live in one place:

* :class:`CalendarRules` is a municipality's own days off on top of the
  national public holidays (from the ``holidays`` package, category "public").
* :class:`BusinessCalendar` counts open days under those rules, either Monday
  to Friday (``"working"``) or Monday to Saturday (``"weekdays"``, the calendar
  that rules of procedure use for sending agendas).
* :func:`local_date`, :func:`at_local` and :func:`end_of_day_utc` convert
  between the aware UTC moments the engine stores and Copenhagen dates.

Pure: no I/O, no clock; every date comes in as an argument.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import difflib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from caseflow.errors import InvalidInput

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

CalendarKind = Literal["working", "weekdays"]
"""``working``: Monday–Friday; ``weekdays``: Monday–Saturday (both minus days off)."""

KINDS: tuple[CalendarKind, ...] = get_args(CalendarKind)

# Weekday numbers (Monday is 0) that are never open, per kind.
_CLOSED_WEEKDAYS: dict[CalendarKind, frozenset[int]] = {
    "working": frozenset({5, 6}),
    "weekdays": frozenset({6}),
}

# Names for the usual municipal days off; other annual days get a generic name.
_ANNUAL_NAMES: dict[tuple[int, int], str] = {
    (5, 1): "Arbejdernes kampdag",
    (6, 5): "Grundlovsdag",
    (12, 24): "Juleaftensdag",
    (12, 31): "Nytårsaftensdag",
}
_ANNUAL_FALLBACK_NAME = "Kommunal fridag"
_EXTRA_NAME = "Ekstra lukkedag"

MonthDay = tuple[int, int]


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class CalendarRules:
    """A municipality's days off beyond the national public holidays.

    A date is off when it is a national holiday or an annual day off, unless
    a day on (annual or one-off) cancels it; a one-off day off closes it
    whatever the rest says (so it beats an annual day on). Listing the same
    day as off and on in the same pair of lists is refused as a contradiction.
    A day "on" only cancels a holiday or day off: it never opens a Sunday, nor
    a Saturday in the ``working`` calendar, because the same rules serve both
    calendar kinds and an annual day on (say 24 December) must not open
    24 December in a year when it is a Saturday.

    Annual days are (month, day); 29 February applies in leap years only.
    """

    name: str = "custom"
    annual_days_off: tuple[MonthDay, ...] = ()
    annual_days_on: tuple[MonthDay, ...] = ()
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_days_on: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        where = f"calendar rules {self.name!r}"
        for label, days in (
            ("annual_days_off", self.annual_days_off),
            ("annual_days_on", self.annual_days_on),
        ):
            for month, day in days:
                if not _is_month_day(month, day):
                    raise InvalidInput(
                        f"{where}: {label} has ({month}, {day}), which is no day of the year"
                    )
        _refuse_overlap(
            where,
            ("annual_days_off", self.annual_days_off),
            ("annual_days_on", self.annual_days_on),
        )
        _refuse_overlap(
            where, ("extra_days_off", self.extra_days_off), ("extra_days_on", self.extra_days_on)
        )

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], where: str, *, base: CalendarRules | None = None
    ) -> CalendarRules:
        """Read rules from configuration, e.g. a municipality's YAML file.

        ``data`` looks like ``{"days_off_every_year": ["12-24", "12-31"],
        "days_on_every_year": [], "extra_days_off": ["2025-05-02"],
        "extra_days_on": [], "name": "aarhus"}``. Every key is optional: a
        missing key keeps ``base``'s value (default :data:`DANISH_DEFAULT`), so
        a municipality that only adds one closing day does not lose Christmas
        Eve by accident; write an empty list to clear a key. Dates may be
        ISO strings or ``date`` objects (YAML reads an unquoted 2025-05-02 as a
        date). ``where`` names the place in the file for error messages.
        """
        base = DANISH_DEFAULT if base is None else base
        if not isinstance(data, Mapping):
            raise InvalidInput(
                f"{where}: expected a mapping with keys {', '.join(_KEYS)}, "
                f"got {type(data).__name__}"
            )
        unknown = [str(k) for k in data if k not in _KEYS]
        if unknown:
            key = unknown[0]
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(_KEYS)}"
            raise InvalidInput(f"{where}: unknown key {key!r}; {hint}")
        name = data.get("name", base.name)
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(f"{where}: name: give a non-empty text, e.g. name: aarhus")
        annual_off = (
            _month_days(data, "days_off_every_year", where)
            if "days_off_every_year" in data
            else base.annual_days_off
        )
        annual_on = (
            _month_days(data, "days_on_every_year", where)
            if "days_on_every_year" in data
            else base.annual_days_on
        )
        extra_off = (
            _dates(data, "extra_days_off", where)
            if "extra_days_off" in data
            else base.extra_days_off
        )
        extra_on = (
            _dates(data, "extra_days_on", where) if "extra_days_on" in data else base.extra_days_on
        )
        _refuse_overlap(
            where, ("days_off_every_year", annual_off), ("days_on_every_year", annual_on)
        )
        _refuse_overlap(where, ("extra_days_off", extra_off), ("extra_days_on", extra_on))
        return cls(name.strip(), annual_off, annual_on, extra_off, extra_on)


_KEYS = ("name", "days_off_every_year", "days_on_every_year", "extra_days_off", "extra_days_on")


def _is_month_day(month: object, day: object) -> bool:
    if not isinstance(month, int) or not isinstance(day, int):
        return False
    if not 1 <= month <= 12:
        return False
    return 1 <= day <= _stdlib_calendar.monthrange(2000, month)[1]  # 2000: a leap year


def _refuse_overlap(
    where: str, off: tuple[str, Iterable[Any]], on: tuple[str, Iterable[Any]]
) -> None:
    both = sorted(set(off[1]) & set(on[1]))
    if both:
        shown = ", ".join(_show(x) for x in both)
        raise InvalidInput(
            f"{where}: {off[0]} and {on[0]} both list {shown}; "
            "a day is either off or on: remove it from one of them"
        )


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return f"{value[0]:02d}-{value[1]:02d}"
    return str(value)


def _items(data: Mapping[str, Any], key: str, where: str, example: str) -> list[Any]:
    value = data[key]
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInput(f"{where}: {key}: give a list, e.g. {key}: [{example!r}]")
    return list(value)


def _month_days(data: Mapping[str, Any], key: str, where: str) -> tuple[MonthDay, ...]:
    result: list[MonthDay] = []
    for i, item in enumerate(_items(data, key, where, "12-24")):
        parsed = _parse_month_day(item)
        if parsed is None:
            raise InvalidInput(
                f"{where}: {key}[{i}]: {item!r} is not a day of the year; "
                'write MM-DD in quotes, e.g. "12-24" for Christmas Eve'
            )
        if parsed not in result:
            result.append(parsed)
    return tuple(sorted(result))


def _parse_month_day(item: object) -> MonthDay | None:
    if not isinstance(item, str):
        return None
    month_text, sep, day_text = item.strip().partition("-")
    if not sep or not month_text.isdigit() or not day_text.isdigit():
        return None
    if len(month_text) > 2 or len(day_text) > 2:
        return None
    month, day = int(month_text), int(day_text)
    return (month, day) if _is_month_day(month, day) else None


def _dates(data: Mapping[str, Any], key: str, where: str) -> frozenset[date]:
    result: set[date] = set()
    for i, item in enumerate(_items(data, key, where, "2025-05-02")):
        parsed = _parse_date(item)
        if parsed is None:
            raise InvalidInput(
                f'{where}: {key}[{i}]: {item!r} is not a date; write YYYY-MM-DD, e.g. "2025-05-02"'
            )
        result.add(parsed)
    return frozenset(result)


def _parse_date(item: object) -> date | None:
    if isinstance(item, datetime):
        return None  # a moment, not a day: say which day is meant
    if isinstance(item, date):
        return item
    if not isinstance(item, str):
        return None
    try:
        return date.fromisoformat(item.strip())
    except ValueError:
        return None


DANISH_DEFAULT = CalendarRules(
    name="danish",
    annual_days_off=((6, 5), (12, 24), (12, 31)),
)
"""What a typical Danish municipality closes beyond the public holidays.

``holidays.DK`` (category "public") holds the eleven statutory holidays:
Nytårsdag, Skærtorsdag, Langfredag, Påskedag, Anden påskedag, Store bededag
(up to and including 2023 only: abolished by Act no. 214 of 6 March 2023 from
2024, which the package gets right), Kristi himmelfartsdag, Pinsedag, Anden
pinsedag, Juledag and Anden juledag. Grundlovsdag (5 June), Juleaftensdag
(24 December), Nytårsaftensdag (31 December) and 1 May are *not* public
holidays; the package files them under its "optional" category, which we do
not load. Those four are the usual candidates for a municipality's own list.
We close 5 June, 24 and 31 December: they are the days the Danish shop-closing
rules also close public life on (31 December from the afternoon), and KL's
agreements for municipal staff give 24 and 31 December off and Grundlovsdag
off from noon; a deadline should not fall on a half day, so all of
Grundlovsdag is closed. 1 May is at most an afternoon off under some
agreements and stays a working day; a municipality that closes adds
``"05-01"``.
"""

COPENHAGEN_RULES = CalendarRules(
    name="copenhagen",
    annual_days_off=((6, 5),),
)
"""The City of Copenhagen: as :data:`DANISH_DEFAULT`, but 24 and 31 December
are ordinary working days (Copenhagen's and Frederiksberg's staff agreements,
unlike KL's, do not give them off). Grundlovsdag stays closed as in the
default. One secondary source says Copenhagen's agreements also treat 1 May
as a day off; that is unconfirmed, so 1 May stays open until Copenhagen's
configuration says otherwise.
"""

RULE_PRESETS: dict[str, CalendarRules] = {
    "copenhagen": COPENHAGEN_RULES,
    "danish": DANISH_DEFAULT,
}


@lru_cache(maxsize=512)
def _national(year: int) -> dict[date, str]:
    """Denmark's public holidays in ``year``, Danish names (never the locale's).

    Store bededag is in this list up to and including 2023 only; the package
    has that right (checked for holidays 0.109, and pinned by
    ``test_what_holidays_dk_contains``), so we correct nothing here.
    """
    if not 1 <= year <= 9999:
        return {}
    # Imported here, not at the top: a process that counts no days (a command, an idle
    # worker) does without the package's tables, some 10 MB.
    import holidays as _holidays

    found = _holidays.country_holidays("DK", years=year, language="da", categories=("public",))
    return {day: str(name) for day, name in found.items() if day.year == year}


# --------------------------------------------------------------------- the calendar


class BusinessCalendar:
    """Counts open days under a municipality's rules.

    ``kind="working"`` is Monday–Friday, ``kind="weekdays"`` is Monday–Saturday
    (the "hverdage" of rules of procedure for agenda dispatch); both minus the
    national holidays and the municipality's days off.

    The open days of each year are computed once, as a sorted tuple of
    ordinals, so :meth:`add` and :meth:`between` are a binary search per year
    touched (a microsecond or two for any ``n`` up to a few hundred), never a
    walk day by day. The per-year caches are plain dict entries, set whole,
    so one calendar can be shared between threads.
    """

    def __init__(self, rules: CalendarRules, kind: CalendarKind = "working") -> None:
        if kind not in _CLOSED_WEEKDAYS:
            raise InvalidInput(f"unknown calendar kind {kind!r}; use one of {', '.join(KINDS)}")
        self.rules = rules
        self.kind: CalendarKind = kind
        self._closed_weekdays = _CLOSED_WEEKDAYS[kind]
        self._days_off: dict[int, dict[date, str]] = {}
        self._open: dict[int, tuple[int, ...]] = {}

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.rules.name!r}, kind={self.kind!r})"

    # -- days off

    def holidays(self, year: int) -> list[tuple[date, str]]:
        """Every day off in ``year`` with its name, sorted: national and municipal.

        Weekends are not listed; national holidays that fall on a weekend are.
        A national holiday cancelled by a day on is left out.
        """
        return sorted(self._days_off_in(year).items())

    def _days_off_in(self, year: int) -> dict[date, str]:
        cached = self._days_off.get(year)
        if cached is not None:
            return cached
        rules = self.rules
        off = dict(_national(year))
        for month, day in rules.annual_days_off:
            if _is_real(year, month, day):
                off.setdefault(
                    date(year, month, day), _ANNUAL_NAMES.get((month, day)) or _ANNUAL_FALLBACK_NAME
                )
        for month, day in rules.annual_days_on:
            if _is_real(year, month, day):
                off.pop(date(year, month, day), None)
        for one_off in rules.extra_days_on:
            if one_off.year == year:
                off.pop(one_off, None)
        for one_off in rules.extra_days_off:
            if one_off.year == year:
                off.setdefault(one_off, _EXTRA_NAME)
        self._days_off[year] = off
        return off

    def is_open(self, d: date) -> bool:
        """Whether ``d`` is a day on which the administration works."""
        return d.weekday() not in self._closed_weekdays and d not in self._days_off_in(d.year)

    # -- counting

    def add(self, d: date, n: int) -> date:
        """The ``n``-th open day after ``d`` (before it when ``n`` < 0).

        ``d`` itself is not counted and need not be open: ``add(friday, 1)``
        is the next Monday, ``add(saturday, 1)`` too. ``add(d, 0)`` is
        :meth:`next_open` of ``d``, so the result is always an open day.
        """
        if n == 0:
            return self.next_open(d)
        year, o = d.year, d.toordinal()
        days = self._open_in(year)
        if n > 0:
            i = bisect_right(days, o) + n - 1
            while i >= len(days):
                i -= len(days)
                year += 1
                days = self._open_in(year)
        else:
            i = bisect_left(days, o) + n
            while i < 0:
                year -= 1
                days = self._open_in(year)
                i += len(days)
        return date.fromordinal(days[i])

    def between(self, a: date, b: date) -> int:
        """The number of open days after ``a`` up to and including ``b``.

        Negative when ``b`` < ``a``: then minus the open days after ``b`` up to
        and including ``a``. Put differently, ``between(a, b)`` is the number
        of open days on or before ``b`` minus those on or before ``a``, so
        ``between(d, add(d, n)) == n`` for every open ``d`` and any ``n``, and
        ``between(a, b) + between(b, c) == between(a, c)``.
        """
        if b < a:
            return -self.between(b, a)
        whole_years = sum(len(self._open_in(y)) for y in range(a.year, b.year))
        return (
            whole_years
            + bisect_right(self._open_in(b.year), b.toordinal())
            - bisect_right(self._open_in(a.year), a.toordinal())
        )

    def next_open(self, d: date, include_self: bool = True) -> date:
        """The first open day on or after ``d`` (strictly after without ``include_self``).

        A deadline that falls on a day off moves to the next working day.
        """
        if include_self and self.is_open(d):
            return d
        return self.add(d, 1)

    def previous_open(self, d: date, include_self: bool = True) -> date:
        """The last open day on or before ``d`` (strictly before without ``include_self``).

        For planning backwards: the last day on which something can still be done.
        """
        if include_self and self.is_open(d):
            return d
        return self.add(d, -1)

    def _open_in(self, year: int) -> tuple[int, ...]:
        """The ordinals of the open days of ``year``, ascending (cached)."""
        cached = self._open.get(year)
        if cached is not None:
            return cached
        if not 1 <= year <= 9999:
            raise OverflowError(
                f"working days can only be counted in the years 1 to 9999, not {year}"
            )
        off = self._days_off_in(year)
        closed = self._closed_weekdays
        days = tuple(
            o
            for o in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1)
            if (o - 1) % 7 not in closed and date.fromordinal(o) not in off
        )
        self._open[year] = days
        return days

    # -- period ends (calendar dates, never moved)

    @staticmethod
    def end_of_month(d: date) -> date:
        """The last calendar day of ``d``'s month (not moved to an open day)."""
        return date(d.year, d.month, _stdlib_calendar.monthrange(d.year, d.month)[1])

    @staticmethod
    def end_of_quarter(d: date) -> date:
        """The last calendar day of ``d``'s quarter: 31 Mar, 30 Jun, 30 Sep or 31 Dec."""
        month = ((d.month - 1) // 3 + 1) * 3
        return date(d.year, month, _stdlib_calendar.monthrange(d.year, month)[1])

    @staticmethod
    def end_of_year(d: date) -> date:
        """31 December of ``d``'s year ("before the end of 2009")."""
        return date(d.year, 12, 31)


def _is_real(year: int, month: int, day: int) -> bool:
    return day <= _stdlib_calendar.monthrange(year, month)[1]


# ------------------------------------------------------------------------ time zone


def local_date(moment: datetime) -> date:
    """The Copenhagen calendar date of an aware moment (e.g. 22:30 UTC in summer is tomorrow)."""
    _require_aware(moment)
    return moment.astimezone(COPENHAGEN).date()


def at_local(d: date, t: time) -> datetime:
    """Copenhagen wall-clock time ``t`` on ``d``, as an aware UTC datetime.

    Two wall-clock hours a year need a rule (the same as JavaScript Temporal's
    "compatible" and ``zoneinfo``'s ``fold=0``):

    * the hour that does not exist when summer time starts (02:00–02:59 on
      the last Sunday of March) is read with the winter offset, which lands
      it one hour later on the clock: 02:30 becomes 03:30 summer time
      (01:30 UTC);
    * the hour that happens twice when summer time ends (02:00–02:59 on the
      last Sunday of October) is the first of the two, in summer time: 02:30
      becomes 00:30 UTC, the earlier moment, which is the safe side for a
      deadline.
    """
    if t.tzinfo is not None:
        raise ValueError("at_local takes a wall-clock time without a time zone")
    local = datetime.combine(d, t.replace(fold=0), tzinfo=COPENHAGEN)
    return local.astimezone(UTC)


def end_of_day_utc(d: date) -> datetime:
    """The last whole second of ``d`` in Copenhagen (23:59:59), as UTC.

    A deadline "on" a date is met by anything done up to that moment; it is
    21:59:59 UTC in summer and 22:59:59 UTC in winter.
    """
    return at_local(d, time(23, 59, 59))


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment must be an aware datetime (with a time zone), e.g. UTC")


# --------------------------------------------------------------------------- both kinds


@dataclass(frozen=True)
class Calendars:
    """The two calendars deadlines count in, under one municipality's rules."""

    working: BusinessCalendar  # Monday–Friday
    weekdays: BusinessCalendar  # Monday–Saturday ("hverdage")

    @classmethod
    def for_rules(cls, rules: CalendarRules) -> Calendars:
        """Shared per rules, so each year's open days are worked out once per process."""
        return _calendars_for(rules)

    def counting(self, unit: str | None) -> BusinessCalendar | None:
        """The calendar a unit counts in; None for calendar days."""
        if unit == "weekdays":
            return self.weekdays
        return None if unit == "days" else self.working


@lru_cache(maxsize=32)
def _calendars_for(rules: CalendarRules) -> Calendars:
    return Calendars(BusinessCalendar(rules, "working"), BusinessCalendar(rules, "weekdays"))
