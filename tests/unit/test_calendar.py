"""Working days and Copenhagen time, checked against a real calendar.

Every expected date below was worked out by hand from a printed calendar; the
comment on each row says why. Weekdays of the years used:
2009: 1 Jan Thu; Easter Sunday 12 Apr; 24 Dec Thu, 31 Dec Thu.
2023: Easter Sunday 9 Apr, so Store Bededag (Easter + 26) is Fri 5 May.
2024: 1 Jan Mon; Easter Sunday 31 Mar; 26 Apr Fri; 24 Dec Tue, 31 Dec Tue.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseflow.calendar import (
    COPENHAGEN,
    COPENHAGEN_RULES,
    DANISH_DEFAULT,
    KINDS,
    BusinessCalendar,
    CalendarRules,
    at_local,
    end_of_day_utc,
    local_date,
)
from caseflow.errors import InvalidInput

D = date.fromisoformat

CPH = BusinessCalendar(COPENHAGEN_RULES, "working")
DK = BusinessCalendar(DANISH_DEFAULT, "working")
CPH_SAT = BusinessCalendar(COPENHAGEN_RULES, "weekdays")
DK_SAT = BusinessCalendar(DANISH_DEFAULT, "weekdays")
NATIONAL = BusinessCalendar(CalendarRules(name="national only"), "working")

CALENDARS = {"cph": CPH, "dk": DK, "cph-sat": CPH_SAT, "dk-sat": DK_SAT}


# ------------------------------------------------------------------ due dates (add)

ADD_TABLE: list[tuple[str, str, int, str, str]] = [
    # Easter 2009: Thu 9 and Fri 10 Apr holidays, weekend, Mon 13 Easter Monday.
    ("cph", "2009-04-08", 1, "2009-04-14", "Wed before Easter -> Tue after Easter Monday"),
    ("cph", "2009-04-08", 2, "2009-04-15", "one more: Wed 15 Apr"),
    ("cph", "2009-04-14", -1, "2009-04-08", "back over Easter to Wed 8 Apr"),
    ("cph", "2009-04-14", -3, "2009-04-06", "Wed 8 (1), Tue 7 (2), Mon 6 (3)"),
    ("cph", "2009-04-09", 1, "2009-04-14", "from a holiday: the day itself never counts"),
    # Easter 2024: Thu 28, Fri 29 Mar, Sun 31 Mar, Mon 1 Apr.
    ("cph", "2024-03-27", 1, "2024-04-02", "Wed 27 Mar -> Tue 2 Apr"),
    ("cph", "2024-04-02", -1, "2024-03-27", "and back"),
    # Christmas 2009: Thu 24, Fri 25 (Juledag), Sat 26 (Anden juledag), Sun 27.
    ("cph", "2009-12-23", 1, "2009-12-24", "Copenhagen works on Christmas Eve"),
    ("dk", "2009-12-23", 1, "2009-12-28", "24 off, 25 holiday, weekend -> Mon 28"),
    ("cph", "2009-12-24", 1, "2009-12-28", "25 holiday, 26-27 weekend"),
    # New Year 2009/10: Thu 31 Dec, Fri 1 Jan 2010, weekend, Mon 4 Jan.
    ("cph", "2009-12-30", 1, "2009-12-31", "Copenhagen works on New Year's Eve"),
    ("dk", "2009-12-30", 1, "2010-01-04", "31 off, 1 Jan holiday, weekend -> Mon 4 Jan"),
    ("cph", "2009-12-31", 1, "2010-01-04", "1 Jan 2010 is a Friday holiday"),
    ("dk", "2010-01-04", -1, "2009-12-30", "back over New Year to Wed 30 Dec"),
    # Christmas 2024: Tue 24, Wed 25, Thu 26; New Year: Tue 31, Wed 1 Jan 2025.
    ("cph", "2024-12-23", 1, "2024-12-24", "Tue 24 Dec worked in Copenhagen"),
    ("dk", "2024-12-23", 1, "2024-12-27", "24, 25, 26 off -> Fri 27"),
    ("cph", "2024-12-27", 2, "2024-12-31", "Mon 30 (1), Tue 31 (2)"),
    ("dk", "2024-12-27", 2, "2025-01-02", "Mon 30 (1), 31 and 1 Jan off, Thu 2 Jan (2)"),
    # Store Bededag: a holiday up to 2023, a working day from 2024.
    ("cph", "2023-05-04", 1, "2023-05-08", "Fri 5 May 2023 is Store Bededag -> Mon 8"),
    ("cph", "2024-04-25", 1, "2024-04-26", "Fri 26 Apr 2024 is a working day"),
    ("cph", "2009-05-07", 1, "2009-05-11", "Fri 8 May 2009 is Store Bededag -> Mon 11"),
    # Ascension (Easter + 39, a Thursday); the Friday after is a working day.
    ("cph", "2009-05-20", 1, "2009-05-22", "Thu 21 May 2009 Ascension -> Fri 22"),
    ("cph", "2024-05-08", 1, "2024-05-10", "Thu 9 May 2024 Ascension -> Fri 10"),
    # Whit Monday (Easter + 50).
    ("cph", "2009-05-29", 1, "2009-06-02", "weekend, Sun 31 Pentecost, Mon 1 Jun -> Tue 2"),
    ("cph", "2024-05-17", 1, "2024-05-21", "weekend, Mon 20 May 2024 Whit Monday -> Tue 21"),
    # Grundlovsdag: off in both presets (Fri 5 Jun 2009, Wed 5 Jun 2024).
    ("cph", "2009-06-04", 1, "2009-06-08", "Fri 5 Jun 2009 off -> Mon 8"),
    ("dk", "2024-06-04", 1, "2024-06-06", "Wed 5 Jun 2024 off -> Thu 6"),
    # 1 May is not a day off in either preset (Fri 1 May 2009).
    ("dk", "2009-04-30", 1, "2009-05-01", "1 May is a working day"),
    # Access to documents: 7 working days from Thu 14 May 2009 (Ascension Thu 21).
    ("cph", "2009-05-14", 7, "2009-05-26", "15, 18, 19, 20, 22, 25, 26 May"),
    # A whole year of Copenhagen working days 2009 is 252 (see test_whole_year).
    ("cph", "2008-12-31", 252, "2009-12-31", "the last working day of 2009"),
    # The weekdays calendar counts Saturdays.
    ("cph-sat", "2009-04-08", 1, "2009-04-11", "9, 10 holidays, Sat 11 Apr counts"),
    ("cph-sat", "2009-04-08", 2, "2009-04-14", "Sun 12, Mon 13 closed -> Tue 14"),
    ("cph-sat", "2009-04-14", -3, "2009-04-07", "Sat 11 (1), Wed 8 (2), Tue 7 (3)"),
    ("cph-sat", "2009-05-15", 1, "2009-05-16", "an ordinary Saturday"),
    ("cph", "2009-05-15", 1, "2009-05-18", "the same in the working calendar: Monday"),
    ("dk-sat", "2009-12-23", 1, "2009-12-28", "Sat 26 Dec is Anden juledag, not open"),
    ("cph-sat", "2009-12-23", 1, "2009-12-24", "Copenhagen: Thu 24 Dec"),
]


@pytest.mark.parametrize(
    ("cal", "start", "n", "expected", "why"), ADD_TABLE, ids=[r[4] for r in ADD_TABLE]
)
def test_add(cal: str, start: str, n: int, expected: str, why: str) -> None:
    assert CALENDARS[cal].add(D(start), n) == D(expected), why


def test_add_zero_is_next_open() -> None:
    assert CPH.add(D("2009-04-08"), 0) == D("2009-04-08")
    assert CPH.add(D("2009-04-10"), 0) == D("2009-04-14")  # Good Friday moves on


# -------------------------------------------------------- moving off a day off


NEXT_OPEN_TABLE: list[tuple[str, str, bool, str, str]] = [
    ("cph", "2009-04-09", True, "2009-04-14", "Maundy Thursday -> Tue after Easter Monday"),
    ("cph", "2009-04-08", True, "2009-04-08", "an open day stays"),
    ("cph", "2009-04-08", False, "2009-04-14", "strictly after: over Easter"),
    ("cph", "2023-05-05", True, "2023-05-08", "Store Bededag 2023 -> Mon 8 May"),
    ("cph", "2024-04-26", True, "2024-04-26", "26 Apr 2024 is no longer a holiday"),
    ("cph", "2009-12-24", True, "2009-12-24", "Copenhagen: Christmas Eve is open"),
    ("dk", "2009-12-24", True, "2009-12-28", "default: 24, 25 off, weekend"),
    ("dk", "2009-12-31", True, "2010-01-04", "default: 31 Dec, 1 Jan off, weekend"),
    ("cph", "2009-05-16", True, "2009-05-18", "Saturday -> Monday"),
    ("cph-sat", "2009-05-16", True, "2009-05-16", "Saturday is open for agendas"),
    ("cph-sat", "2009-05-17", True, "2009-05-18", "Sunday never is"),
]


@pytest.mark.parametrize(
    ("cal", "start", "include_self", "expected", "why"),
    NEXT_OPEN_TABLE,
    ids=[r[4] for r in NEXT_OPEN_TABLE],
)
def test_next_open(cal: str, start: str, include_self: bool, expected: str, why: str) -> None:
    assert CALENDARS[cal].next_open(D(start), include_self=include_self) == D(expected), why


PREVIOUS_OPEN_TABLE: list[tuple[str, str, bool, str, str]] = [
    ("cph", "2009-04-13", True, "2009-04-08", "Easter Monday -> Wed before Easter"),
    ("cph", "2010-01-01", True, "2009-12-31", "Copenhagen works 31 Dec"),
    ("dk", "2010-01-01", True, "2009-12-30", "default: 31 Dec off"),
    ("cph", "2009-04-14", True, "2009-04-14", "an open day stays"),
    ("cph", "2009-04-14", False, "2009-04-08", "strictly before"),
]


@pytest.mark.parametrize(
    ("cal", "start", "include_self", "expected", "why"),
    PREVIOUS_OPEN_TABLE,
    ids=[r[4] for r in PREVIOUS_OPEN_TABLE],
)
def test_previous_open(cal: str, start: str, include_self: bool, expected: str, why: str) -> None:
    assert CALENDARS[cal].previous_open(D(start), include_self=include_self) == D(expected), why


# ---------------------------------------------------------------------- between

BETWEEN_TABLE: list[tuple[str, str, str, int, str]] = [
    ("cph", "2009-04-08", "2009-04-14", 1, "only Tue 14 Apr is open after Wed 8"),
    ("cph", "2009-04-14", "2009-04-08", -1, "the other way round"),
    ("cph", "2009-04-08", "2009-04-08", 0, "the same day"),
    ("cph", "2009-04-09", "2009-04-13", 0, "10-13 Apr all closed"),
    ("cph", "2009-05-14", "2009-05-26", 7, "the access-to-documents example"),
    ("cph", "2009-04-04", "2009-04-06", 1, "(Sat 4, Mon 6]: Mon 6 only"),
    ("cph-sat", "2009-05-15", "2009-05-18", 2, "Sat 16 and Mon 18"),
    ("cph", "2009-05-15", "2009-05-18", 1, "Mon 18 only"),
    ("cph", "2009-12-23", "2010-01-04", 6, "24, 28, 29, 30, 31 Dec and 4 Jan"),
    ("dk", "2009-12-23", "2010-01-04", 4, "28, 29, 30 Dec and 4 Jan"),
]


@pytest.mark.parametrize(
    ("cal", "a", "b", "expected", "why"), BETWEEN_TABLE, ids=[r[4] for r in BETWEEN_TABLE]
)
def test_between(cal: str, a: str, b: str, expected: int, why: str) -> None:
    assert CALENDARS[cal].between(D(a), D(b)) == expected, why


def test_whole_year() -> None:
    # 2009 starts on a Thursday: 52 weeks and one Thursday, so 261 weekdays.
    # Weekday holidays: 1 Jan, 9, 10, 13 Apr, 8 May, 21 May, 1 Jun, 25 Dec (8),
    # plus Grundlovsdag Fri 5 Jun = 9 -> 252; the default also closes Thu 24 and
    # Thu 31 Dec -> 250.
    assert CPH.between(D("2008-12-31"), D("2009-12-31")) == 252
    assert DK.between(D("2008-12-31"), D("2009-12-31")) == 250
    assert NATIONAL.between(D("2008-12-31"), D("2009-12-31")) == 253


# --------------------------------------------------------------------- holidays


def test_what_holidays_dk_contains() -> None:
    """The package's public holidays: eleven, Store bededag only up to 2023."""
    assert NATIONAL.holidays(2009) == [
        (D("2009-01-01"), "Nytårsdag"),
        (D("2009-04-09"), "Skærtorsdag"),
        (D("2009-04-10"), "Langfredag"),
        (D("2009-04-12"), "Påskedag"),
        (D("2009-04-13"), "Anden påskedag"),
        (D("2009-05-08"), "Store bededag"),
        (D("2009-05-21"), "Kristi himmelfartsdag"),
        (D("2009-05-31"), "Pinsedag"),
        (D("2009-06-01"), "Anden pinsedag"),
        (D("2009-12-25"), "Juledag"),
        (D("2009-12-26"), "Anden juledag"),
    ]
    assert (D("2023-05-05"), "Store bededag") in NATIONAL.holidays(2023)
    names_2024 = [name for _, name in NATIONAL.holidays(2024)]
    assert "Store bededag" not in names_2024
    assert len(names_2024) == 10
    # Not public holidays: the package's "optional" ones, which we do not load.
    for day in ("2024-05-01", "2024-06-05", "2024-12-24", "2024-12-31"):
        assert NATIONAL.is_open(D(day)), day


def test_store_bededag_2023_against_2024() -> None:
    assert not CPH.is_open(D("2023-05-05"))
    assert CPH.is_open(D("2024-04-26"))
    assert not DK.is_open(D("2023-05-05"))
    assert DK.is_open(D("2024-04-26"))


def test_municipal_days_off_with_names() -> None:
    dk_2024 = dict(DK.holidays(2024))
    assert dk_2024[D("2024-06-05")] == "Grundlovsdag"
    assert dk_2024[D("2024-12-24")] == "Juleaftensdag"
    assert dk_2024[D("2024-12-31")] == "Nytårsaftensdag"
    cph_2024 = dict(CPH.holidays(2024))
    assert cph_2024[D("2024-06-05")] == "Grundlovsdag"
    assert D("2024-12-24") not in cph_2024
    assert D("2024-12-31") not in cph_2024
    assert CPH.is_open(D("2024-12-24"))
    assert CPH.is_open(D("2024-12-31"))
    assert not DK.is_open(D("2024-12-24"))
    assert list(cph_2024) == sorted(cph_2024)


def test_weekend_is_closed_but_not_listed() -> None:
    assert not CPH.is_open(D("2009-05-16"))
    assert D("2009-05-16") not in dict(CPH.holidays(2009))
    assert CPH_SAT.is_open(D("2009-05-16"))
    assert not CPH_SAT.is_open(D("2009-05-17"))


def test_extra_days_and_days_on() -> None:
    rules = CalendarRules.from_mapping(
        {
            "name": "test",
            "days_off_every_year": ["12-24", "12-31", "06-05", "05-01"],
            "days_on_every_year": [],
            "extra_days_off": ["2025-05-02"],
            "extra_days_on": ["2009-12-24"],
        },
        "test.yaml: calendar",
    )
    cal = BusinessCalendar(rules)
    assert not cal.is_open(D("2025-05-02"))  # a Friday closed once
    assert dict(cal.holidays(2025))[D("2025-05-02")] == "Ekstra lukkedag"
    assert not cal.is_open(D("2009-05-01"))  # 1 May closed every year
    assert dict(cal.holidays(2009))[D("2009-05-01")] == "Arbejdernes kampdag"
    assert cal.is_open(D("2009-12-24"))  # opened once
    assert not cal.is_open(D("2010-12-24"))


def test_a_day_on_never_opens_a_weekend() -> None:
    rules = CalendarRules(name="t", annual_days_on=((12, 24), (12, 26)))
    cal = BusinessCalendar(rules)
    assert not cal.is_open(D("2022-12-24"))  # a Saturday
    assert cal.is_open(D("2024-12-26"))  # Thursday: cancels Anden juledag
    assert D("2024-12-26") not in dict(cal.holidays(2024))
    sat = BusinessCalendar(rules, "weekdays")
    assert sat.is_open(D("2022-12-24"))
    assert not sat.is_open(D("2022-12-25"))  # Sunday


def test_a_one_off_day_off_beats_an_annual_day_on() -> None:
    rules = CalendarRules(
        name="t", annual_days_on=((12, 24),), extra_days_off=frozenset({D("2024-12-24")})
    )
    assert not BusinessCalendar(rules).is_open(D("2024-12-24"))


def test_unknown_kind() -> None:
    with pytest.raises(InvalidInput, match="working, weekdays"):
        BusinessCalendar(COPENHAGEN_RULES, "sundays")  # type: ignore[arg-type]


# ---------------------------------------------------------------- period ends


def test_period_ends_are_calendar_dates() -> None:
    assert CPH.end_of_month(D("2024-02-10")) == D("2024-02-29")
    assert CPH.end_of_month(D("2009-02-10")) == D("2009-02-28")
    assert CPH.end_of_month(D("2009-05-14")) == D("2009-05-31")  # Pentecost: not moved
    assert CPH.end_of_quarter(D("2009-01-01")) == D("2009-03-31")
    assert CPH.end_of_quarter(D("2009-05-14")) == D("2009-06-30")
    assert CPH.end_of_quarter(D("2009-09-30")) == D("2009-09-30")
    assert CPH.end_of_quarter(D("2009-11-02")) == D("2009-12-31")
    assert CPH.end_of_year(D("2009-05-14")) == D("2009-12-31")  # "before the end of 2009"


# ------------------------------------------------------------------ from_mapping


def test_from_mapping_example() -> None:
    rules = CalendarRules.from_mapping(
        {
            "days_off_every_year": ["12-24", "12-31"],
            "days_on_every_year": [],
            "extra_days_off": ["2025-05-02"],
            "extra_days_on": [],
        },
        "kk.yaml: calendar",
    )
    assert rules.annual_days_off == ((12, 24), (12, 31))
    assert rules.annual_days_on == ()
    assert rules.extra_days_off == frozenset({D("2025-05-02")})
    assert rules.extra_days_on == frozenset()


def test_from_mapping_missing_keys_keep_the_base() -> None:
    rules = CalendarRules.from_mapping({"extra_days_off": [D("2025-05-02")]}, "x")
    assert rules.annual_days_off == DANISH_DEFAULT.annual_days_off
    assert rules.name == DANISH_DEFAULT.name
    assert rules.extra_days_off == frozenset({D("2025-05-02")})  # a YAML date object
    based = CalendarRules.from_mapping({"name": "kk"}, "x", base=COPENHAGEN_RULES)
    assert based.annual_days_off == COPENHAGEN_RULES.annual_days_off
    assert based.name == "kk"
    cleared = CalendarRules.from_mapping({"days_off_every_year": []}, "x")
    assert cleared.annual_days_off == ()
    assert CalendarRules.from_mapping({"extra_days_on": None}, "x").extra_days_on == frozenset()


def test_presets_round_trip_through_from_mapping() -> None:
    data = {"name": "copenhagen", "days_off_every_year": ["06-05"]}
    assert CalendarRules.from_mapping(data, "x") == COPENHAGEN_RULES


BAD_MAPPINGS: list[tuple[Any, str]] = [
    ({"days_off_every_year": ["12-32"]}, r"kk\.yaml: calendar: days_off_every_year\[0\]: '12-32'"),
    ({"days_off_every_year": ["24-12"]}, r"is not a day of the year; write MM-DD"),
    ({"days_off_every_year": ["12-24", 1224]}, r"days_off_every_year\[1\]: 1224"),
    ({"days_on_every_year": ["02-30"]}, r"days_on_every_year\[0\]: '02-30'"),
    ({"extra_days_off": ["2025-13-01"]}, r"extra_days_off\[0\]: '2025-13-01' is not a date"),
    ({"extra_days_on": ["tomorrow"]}, r"write YYYY-MM-DD"),
    ({"extra_days_off": "2025-05-02"}, r"extra_days_off: give a list"),
    ({"extra_days_of": []}, r"unknown key 'extra_days_of'; did you mean 'extra_days_off'"),
    ({"holidays": []}, r"unknown key 'holidays'; use one of"),
    ({"name": ""}, r"name: give a non-empty text"),
    (["12-24"], r"expected a mapping"),
    (
        {"extra_days_off": ["2025-05-02"], "extra_days_on": ["2025-05-02"]},
        r"extra_days_off and extra_days_on both list 2025-05-02; a day is either off or on",
    ),
    (
        {"days_off_every_year": ["12-24"], "days_on_every_year": ["12-24"]},
        r"days_off_every_year and days_on_every_year both list 12-24",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_MAPPINGS)
def test_from_mapping_refuses_bad_input(data: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as raised:
        CalendarRules.from_mapping(data, "kk.yaml: calendar")
    assert str(raised.value).startswith("kk.yaml: calendar: ")


def test_february_29_counts_in_leap_years_only() -> None:
    rules = CalendarRules.from_mapping({"days_off_every_year": ["02-29"]}, "x")
    cal = BusinessCalendar(rules)
    assert not cal.is_open(D("2024-02-29"))  # Thursday, leap year
    assert cal.holidays(2023) == NATIONAL.holidays(2023)  # no 29 Feb in 2023


# --------------------------------------------------------------- time zone


DST_TABLE: list[tuple[str, time, datetime, str]] = [
    # 29 Mar 2009: clocks go 02:00 CET -> 03:00 CEST at 01:00 UTC.
    ("2009-03-29", time(1, 30), datetime(2009, 3, 29, 0, 30, tzinfo=UTC), "still CET, +1"),
    ("2009-03-29", time(2, 30), datetime(2009, 3, 29, 1, 30, tzinfo=UTC), "gap: as 03:30 CEST"),
    ("2009-03-29", time(3, 30), datetime(2009, 3, 29, 1, 30, tzinfo=UTC), "CEST, +2"),
    # 25 Oct 2009: clocks go 03:00 CEST -> 02:00 CET at 01:00 UTC.
    ("2009-10-25", time(1, 30), datetime(2009, 10, 24, 23, 30, tzinfo=UTC), "CEST, +2"),
    ("2009-10-25", time(2, 30), datetime(2009, 10, 25, 0, 30, tzinfo=UTC), "twice: the first"),
    ("2009-10-25", time(3, 30), datetime(2009, 10, 25, 2, 30, tzinfo=UTC), "CET, +1"),
    # 31 Mar 2024 and 27 Oct 2024: the same rules.
    ("2024-03-31", time(1, 59), datetime(2024, 3, 31, 0, 59, tzinfo=UTC), "CET, +1"),
    ("2024-03-31", time(2, 0), datetime(2024, 3, 31, 1, 0, tzinfo=UTC), "gap starts"),
    ("2024-03-31", time(3, 0), datetime(2024, 3, 31, 1, 0, tzinfo=UTC), "CEST, +2"),
    ("2024-10-27", time(2, 0), datetime(2024, 10, 27, 0, 0, tzinfo=UTC), "twice: the first"),
    ("2024-10-27", time(3, 0), datetime(2024, 10, 27, 2, 0, tzinfo=UTC), "CET, +1"),
    ("2024-10-27", time(12, 0), datetime(2024, 10, 27, 11, 0, tzinfo=UTC), "noon CET"),
]


@pytest.mark.parametrize(("day", "t", "expected", "why"), DST_TABLE, ids=[r[3] for r in DST_TABLE])
def test_at_local(day: str, t: time, expected: datetime, why: str) -> None:
    result = at_local(D(day), t)
    assert result == expected, why
    assert result.utcoffset() == timedelta(0)


END_OF_DAY_TABLE: list[tuple[str, datetime, str]] = [
    ("2009-03-28", datetime(2009, 3, 28, 22, 59, 59, tzinfo=UTC), "the last CET evening"),
    ("2009-03-29", datetime(2009, 3, 29, 21, 59, 59, tzinfo=UTC), "a 23-hour day, ends CEST"),
    ("2009-10-24", datetime(2009, 10, 24, 21, 59, 59, tzinfo=UTC), "the last CEST evening"),
    ("2009-10-25", datetime(2009, 10, 25, 22, 59, 59, tzinfo=UTC), "a 25-hour day, ends CET"),
    ("2024-03-31", datetime(2024, 3, 31, 21, 59, 59, tzinfo=UTC), "CEST"),
    ("2024-10-27", datetime(2024, 10, 27, 22, 59, 59, tzinfo=UTC), "CET"),
    ("2009-12-31", datetime(2009, 12, 31, 22, 59, 59, tzinfo=UTC), "before the end of 2009"),
]


@pytest.mark.parametrize(
    ("day", "expected", "why"), END_OF_DAY_TABLE, ids=[r[2] for r in END_OF_DAY_TABLE]
)
def test_end_of_day_utc(day: str, expected: datetime, why: str) -> None:
    assert end_of_day_utc(D(day)) == expected, why


def test_local_date() -> None:
    assert local_date(datetime(2009, 5, 14, 22, 30, tzinfo=UTC)) == D("2009-05-15")  # +2
    assert local_date(datetime(2009, 5, 14, 21, 59, tzinfo=UTC)) == D("2009-05-14")
    assert local_date(datetime(2009, 12, 31, 22, 59, tzinfo=UTC)) == D("2009-12-31")  # +1
    assert local_date(datetime(2009, 12, 31, 23, 0, tzinfo=UTC)) == D("2010-01-01")
    assert local_date(datetime(2009, 5, 15, 0, 30, tzinfo=COPENHAGEN)) == D("2009-05-15")
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2009, 5, 14, 12, 0))


def test_at_local_refuses_an_aware_time() -> None:
    with pytest.raises(ValueError, match="without a time zone"):
        at_local(D("2009-05-14"), time(12, 0, tzinfo=UTC))


# --------------------------------------------------------------- properties

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
steps = st.integers(min_value=-400, max_value=400)
calendars = st.sampled_from(
    [BusinessCalendar(r, k) for r in (COPENHAGEN_RULES, DANISH_DEFAULT) for k in KINDS]
)


def _open(cal: BusinessCalendar, d: date) -> date:
    return cal.next_open(d)


@settings(max_examples=300, deadline=None)
@given(cal=calendars, d=days, n=steps)
def test_add_then_subtract_returns(cal: BusinessCalendar, d: date, n: int) -> None:
    start = _open(cal, d)
    assert cal.add(cal.add(start, n), -n) == start


@settings(max_examples=300, deadline=None)
@given(cal=calendars, d=days, n=steps)
def test_between_inverts_add(cal: BusinessCalendar, d: date, n: int) -> None:
    start = _open(cal, d)
    assert cal.between(start, cal.add(start, n)) == n


@settings(max_examples=300, deadline=None)
@given(cal=calendars, d=days, n=steps)
def test_results_are_open_days(cal: BusinessCalendar, d: date, n: int) -> None:
    assert cal.is_open(cal.add(d, n))
    assert cal.is_open(cal.next_open(d))
    assert cal.is_open(cal.previous_open(d))
    assert cal.next_open(d) >= d >= cal.previous_open(d)
    assert cal.next_open(d, include_self=False) > d > cal.previous_open(d, include_self=False)


@settings(max_examples=300, deadline=None)
@given(cal=calendars, d=days, n1=steps, n2=steps)
def test_add_is_monotonic_in_n(cal: BusinessCalendar, d: date, n1: int, n2: int) -> None:
    lo, hi = sorted((n1, n2))
    assert cal.add(d, lo) <= cal.add(d, hi)
    start = _open(cal, d)
    if lo < hi:  # from an open day every step lands on a new day
        assert cal.add(start, lo) < cal.add(start, hi)


@settings(max_examples=300, deadline=None)
@given(cal=calendars, d1=days, d2=days, n=steps)
def test_add_is_monotonic_in_d(cal: BusinessCalendar, d1: date, d2: date, n: int) -> None:
    lo, hi = sorted((d1, d2))
    assert cal.add(lo, n) <= cal.add(hi, n)


@settings(max_examples=200, deadline=None)
@given(cal=calendars, a=days, b=days, c=days)
def test_between_adds_up(cal: BusinessCalendar, a: date, b: date, c: date) -> None:
    assert cal.between(a, b) == -cal.between(b, a)
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)


@settings(max_examples=200, deadline=None)
@given(cal=calendars, d=days, n=st.integers(min_value=-40, max_value=40))
def test_add_agrees_with_counting_day_by_day(cal: BusinessCalendar, d: date, n: int) -> None:
    """The binary search against the obvious slow walk."""
    expected = d
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    if n == 0:
        while not cal.is_open(expected):
            expected += step
    while remaining:
        expected += step
        if cal.is_open(expected):
            remaining -= 1
    assert cal.add(d, n) == expected


@settings(max_examples=200, deadline=None)
@given(cal=calendars, d=days)
def test_is_open_agrees_with_holidays(cal: BusinessCalendar, d: date) -> None:
    closed_weekdays = {5, 6} if cal.kind == "working" else {6}
    listed = {day for day, _ in cal.holidays(d.year)}
    assert cal.is_open(d) == (d.weekday() not in closed_weekdays and d not in listed)


@settings(max_examples=200, deadline=None)
@given(
    d=days,
    t=st.times(),
)
def test_local_round_trip(d: date, t: time) -> None:
    moment = at_local(d, t)
    assert moment.tzinfo is UTC
    assert local_date(moment) == d
    assert moment <= end_of_day_utc(d) + timedelta(seconds=1)
    assert local_date(end_of_day_utc(d) + timedelta(seconds=1)) == d + timedelta(days=1)


# --------------------------------------------------------------------- speed
