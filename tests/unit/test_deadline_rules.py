"""Deadline rules: the ``due`` grammar, due dates checked by hand, pausing, validation.

Every expected date below was worked out by hand from a printed calendar; the
comment on each row says why. The calendar facts used:

* 2009: Easter Sunday 12 Apr, so Skærtorsdag Thu 9, Langfredag Fri 10 and Anden
  påskedag Mon 13 Apr are off; Kristi himmelfart Thu 21 May; Anden pinsedag
  Mon 1 Jun; Grundlovsdag Fri 5 Jun (closed in Copenhagen and by default);
  24 and 31 Dec are Thursdays, working days in Copenhagen, off by the Danish
  default; Juledag Fri 25 Dec; Nytårsdag Fri 1 Jan 2010.
* Summer time 2009 ends Sun 25 Oct: 23:59:59 Copenhagen time is 21:59:59 UTC
  before, 22:59:59 UTC after. Reminders at 08:00 are 06:00 / 07:00 UTC.
* 2011: 31 Dec is a Saturday.

The brief guessed that 7 working days from Wed 8 Apr 2009 end on Fri 17 Apr;
counting shows Wed 22 Apr: Tue 14 (1), Wed 15 (2), Thu 16 (3), Fri 17 (4),
Mon 20 (5), Tue 21 (6), Wed 22 (7), since Thu 9 to Mon 13 are all off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from caseflow.calendar import COPENHAGEN_RULES, DANISH_DEFAULT
from caseflow.deadlines.rules import (
    Calendars,
    DueSpec,
    compute_due,
    ends_rule,
    parse_due,
    remaining_working_days,
    resume_due,
    rules_starting,
)
from caseflow.definitions import DeadlineRule, load_directory, load_workflow_text, validate_files
from caseflow.definitions.due import parse_field_date
from caseflow.definitions.loader import definition_version
from caseflow.definitions.schema import (
    DeadlineAnchor,
    ExpiryAction,
    LocalizedText,
    WorkflowDefinition,
    json_schema,
)
from caseflow.errors import Problem
from caseflow.testing import marked_line, replaced
from caseflow.testing import problems_in as problems_of

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"

CPH = Calendars.for_rules(COPENHAGEN_RULES)
DK = Calendars.for_rules(DANISH_DEFAULT)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def rule(due: str, **changes: Any) -> DeadlineRule:
    """A rule as the loader would resolve it, with ``due`` and any attribute changed."""
    values: dict[str, Any] = {
        "id": "answer",
        "title": LocalizedText(da="Svarfrist", en="Time limit"),
        "anchor": DeadlineAnchor(kind="entering", name="received"),
        "due": due,
        "active_in": ("received", "assessing"),
        "owner": "case_officer",
        "on_expiry": (ExpiryAction(kind="mark", mark="overdue"),),
    }
    values.update(changes)
    return DeadlineRule(**values)


# --- the due grammar ------------------------------------------------------------------------

PARSED: list[tuple[str, dict[str, Any]]] = [
    ("within 7 working days", {"kind": "within", "amount": 7, "unit": "working"}),
    ("within 1 working day", {"kind": "within", "amount": 1, "unit": "working"}),
    ("  Within   7  Working   Days ", {"kind": "within", "amount": 7, "unit": "working"}),
    ("within 5 weekdays", {"kind": "within", "amount": 5, "unit": "weekdays"}),
    ("within 1 weekday", {"kind": "within", "amount": 1, "unit": "weekdays"}),
    ("within 30 days", {"kind": "within", "amount": 30, "unit": "days"}),
    ("within 1 day", {"kind": "within", "amount": 1, "unit": "days"}),
    (
        "8 working days before field meeting_date",
        {"kind": "before_field", "amount": 8, "unit": "working", "field": "meeting_date"},
    ),
    (
        "1 WEEKDAY BEFORE FIELD meeting_date",
        {"kind": "before_field", "amount": 1, "unit": "weekdays", "field": "meeting_date"},
    ),
    (
        "14 days before field meeting_date",
        {"kind": "before_field", "amount": 14, "unit": "days", "field": "meeting_date"},
    ),
    ("at field due_date", {"kind": "at_field", "field": "due_date"}),
    ("by end of 2009", {"kind": "by", "year": 2009}),
    ("by the end of 2009", {"kind": "by", "year": 2009}),
    ("by end of month", {"kind": "by", "period": "month"}),
    ("by end of quarter", {"kind": "by", "period": "quarter"}),
    ("By End Of The Year", {"kind": "by", "period": "year"}),
    ("by 2009-12-31", {"kind": "by", "on": date(2009, 12, 31)}),
    ("during 2010", {"kind": "during", "year": 2010}),
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[t for t, _ in PARSED])
def test_parse_due_reads_every_form(text: str, expected: dict[str, Any]) -> None:
    spec = parse_due(text)
    assert isinstance(spec, DueSpec)
    assert spec.text == text
    for name, value in expected.items():
        assert getattr(spec, name) == value, name
    assert spec.reads_field == ("field" in expected)
    assert spec.counts == (expected["kind"] == "within")
    assert parse_due(spec.describe()) == DueSpec(**{**spec.__dict__, "text": spec.describe()})


BAD_DUE: list[tuple[str, str]] = [
    ("", "'due' is empty"),
    ("   ", "'due' is empty"),
    ("witin 7 working days", "write one of 'within 7 working days'"),
    ("within seven working days", "'within N working days'"),
    ("within 7 hours", "'within N working days', 'within N weekdays' or 'within N days'"),
    ("within 0 working days", "at least 1"),
    ("within 99999 days", "more than 3660"),
    ("0 working days before field meeting_date", "'at field NAME'"),
    ("5 working days after field meeting_date", "'N working days before field NAME'"),
    ("at field Due_Date", "'Due_Date' is not a field name"),
    ("at meeting_date", "write 'at field NAME'"),
    ("by 2009-02-30", "'2009-02-30' is not a date"),
    ("by next spring", "'by end of 2009', 'by end of month'"),
    ("during next year", "write 'during YEAR'"),
    ("by end of 0000", "0000 is not a year"),
]


@pytest.mark.parametrize(("text", "needle"), BAD_DUE, ids=[t or "empty" for t, _ in BAD_DUE])
def test_parse_due_explains_what_to_write(text: str, needle: str) -> None:
    with pytest.raises(ValueError, match=re.escape(needle)):
        parse_due(text)


FIELD_VALUES: list[tuple[Any, date, date | None, bool]] = [
    # value, due day, first day of the period, political (kept on a day off)
    ("2009-12-31", date(2009, 12, 31), None, False),
    (date(2009, 6, 11), date(2009, 6, 11), None, False),
    ("2009-06-11T10:00:00", date(2009, 6, 11), None, False),  # naive: Copenhagen wall clock
    (utc(2009, 6, 10, 22, 30), date(2009, 6, 11), None, False),  # 00:30 summer time on the 11th
    ("2009-06-10T22:30:00+00:00", date(2009, 6, 11), None, False),
    ("end of 2009", date(2009, 12, 31), None, True),
    ("By the End of 2009", date(2009, 12, 31), None, True),
    ("before the end of 2009", date(2009, 12, 31), None, True),
    ("inden udgangen af 2009", date(2009, 12, 31), None, True),
    ("2010", date(2010, 12, 31), date(2010, 1, 1), True),
    ("during 2010", date(2010, 12, 31), date(2010, 1, 1), True),
    ("i løbet af 2010", date(2010, 12, 31), date(2010, 1, 1), True),
    (2010, date(2010, 12, 31), date(2010, 1, 1), True),
]


@pytest.mark.parametrize(("value", "last", "first", "political"), FIELD_VALUES)
def test_field_values_may_be_fuzzy(
    value: Any, last: date, first: date | None, political: bool
) -> None:
    read = parse_field_date(value, "due")
    assert read is not None
    assert (read.last, read.first, read.political) == (last, first, political)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_field_is_no_date(value: Any) -> None:
    assert parse_field_date(value, "due") is None


@pytest.mark.parametrize("value", ["next spring", "2009-13-01", True, [2009], 2.5, "end of 0"])
def test_unreadable_field_value_is_an_error(value: Any) -> None:
    with pytest.raises(ValueError, match=r"field 'due' holds .* which is not a date"):
        parse_field_date(value, "due")


# --- compute_due, against the calendar ----------------------------------------------------

# (due, start, fields, calendars, expected due_at in UTC, why)
TABLE: list[tuple[str, datetime, dict[str, Any], Calendars, datetime, str]] = [
    (
        "within 7 working days",
        utc(2009, 4, 8, 8),
        {},
        CPH,
        utc(2009, 4, 22, 21, 59, 59),
        "Wed 8 Apr: Thu 9 - Mon 13 Easter off; Tue 14 (1) .. Wed 22 (7); summer time",
    ),
    (
        "within 7 working days",
        utc(2009, 4, 7, 22, 30),
        {},
        CPH,
        utc(2009, 4, 22, 21, 59, 59),
        "22:30 UTC on 7 Apr is 00:30 on Wed 8 Apr in Copenhagen: the same count",
    ),
    (
        "within 7 working days",
        utc(2009, 4, 7, 21, 30),
        {},
        CPH,
        utc(2009, 4, 21, 21, 59, 59),
        "23:30 on Tue 7 Apr: Wed 8 (1), Tue 14 (2) .. Tue 21 (7)",
    ),
    (
        "within 7 working days",
        utc(2009, 10, 16, 8),
        {},
        CPH,
        utc(2009, 10, 27, 22, 59, 59),
        "Fri 16 Oct: Mon 19 (1) .. Fri 23 (5), Mon 26 (6), Tue 27 (7); winter time by then",
    ),
    (
        "within 7 working days",
        utc(2009, 12, 18, 9),
        {},
        CPH,
        utc(2009, 12, 30, 22, 59, 59),
        "Copenhagen works 24 Dec: Mon 21, Tue 22, Wed 23, Thu 24, Mon 28, Tue 29, Wed 30",
    ),
    (
        "within 7 working days",
        utc(2009, 12, 18, 9),
        {},
        DK,
        utc(2010, 1, 4, 22, 59, 59),
        "default: 24, 25, 31 Dec, 1 Jan off: 21, 22, 23, 28, 29, 30 Dec, Mon 4 Jan",
    ),
    (
        "within 10 working days",
        utc(2009, 5, 14, 8),
        {},
        CPH,
        utc(2009, 5, 29, 21, 59, 59),
        "Thu 14 May: Fri 15 (1), 18-20 (2-4), Ascension Thu 21 off, Fri 22 (5), 25-29 (6-10)",
    ),
    (
        "within 6 weekdays",
        utc(2009, 12, 7, 9),
        {},
        CPH,
        utc(2009, 12, 14, 22, 59, 59),
        "Mon 7 Dec: Tue 8 .. Sat 12 (5), Mon 14 (6): Saturdays count",
    ),
    (
        "within 5 weekdays",
        utc(2009, 12, 7, 9),
        {},
        CPH,
        utc(2009, 12, 14, 22, 59, 59),
        "Mon 7 Dec: Sat 12 (5) is no working day, so it moves to Mon 14",
    ),
    (
        "within 2 days",
        utc(2009, 4, 8, 8),
        {},
        CPH,
        utc(2009, 4, 14, 21, 59, 59),
        "Wed 8 + 2 = Fri 10 Apr, Langfredag: moves past Easter to Tue 14",
    ),
    (
        "within 7 days",
        utc(2009, 4, 1, 8),
        {},
        CPH,
        utc(2009, 4, 8, 21, 59, 59),
        "Wed 1 + 7 = Wed 8 Apr, a working day: stays",
    ),
    (
        "8 working days before field meeting_date",
        utc(2009, 5, 14, 8),
        {"meeting_date": "2009-06-11"},
        CPH,
        utc(2009, 5, 28, 21, 59, 59),
        "back from Thu 11 Jun: 10, 9, 8, (5 Jun off) 4, 3, 2, (1 Jun off) 29, 28 May",
    ),
    (
        "6 days before field meeting_date",
        utc(2009, 5, 14, 8),
        {"meeting_date": "2009-06-11"},
        CPH,
        utc(2009, 6, 4, 21, 59, 59),
        "11 - 6 = Fri 5 Jun, Grundlovsdag: moves BACK to Thu 4 Jun",
    ),
    (
        "4 days before field meeting_date",
        utc(2009, 5, 14, 8),
        {"meeting_date": date(2009, 6, 11)},
        CPH,
        utc(2009, 6, 4, 21, 59, 59),
        "11 - 4 = Sun 7 Jun; Sat 6 and Fri 5 (Grundlovsdag) are off too: Thu 4 Jun",
    ),
    (
        "8 working days before field obligation_due",
        utc(2009, 5, 14, 8),
        {"obligation_due": "end of 2009"},
        CPH,
        utc(2009, 12, 18, 22, 59, 59),
        "back from Thu 31 Dec: 30, 29, 28, (25 off) 24, 23, 22, 21, Fri 18 Dec",
    ),
    (
        "at field due_date",
        utc(2009, 5, 14, 8),
        {"due_date": "2009-12-31"},
        CPH,
        utc(2009, 12, 31, 22, 59, 59),
        "31 Dec 2009 is a Thursday and a Copenhagen working day",
    ),
    (
        "at field due_date",
        utc(2009, 5, 14, 8),
        {"due_date": "2009-12-31"},
        DK,
        utc(2010, 1, 4, 22, 59, 59),
        "an exact date on a day off (Nytårsaftensdag by default) moves: Fri 1 Jan off: Mon 4",
    ),
    (
        "at field due_date",
        utc(2009, 5, 14, 8),
        {"due_date": "end of 2009"},
        DK,
        utc(2009, 12, 31, 22, 59, 59),
        "the political 'end of 2009' is kept even where 31 Dec is a day off",
    ),
    (
        "at field due_date",
        utc(2009, 5, 14, 8),
        {"due_date": utc(2009, 6, 10, 22, 30)},
        CPH,
        utc(2009, 6, 11, 21, 59, 59),
        "an aware datetime counts by its Copenhagen date, 11 Jun",
    ),
    (
        "by end of 2009",
        utc(2009, 5, 14, 8),
        {},
        CPH,
        utc(2009, 12, 31, 22, 59, 59),
        "end of 2009: 23:59:59 on 31 Dec, winter time",
    ),
    (
        "by end of 2011",
        utc(2011, 5, 2, 8),
        {},
        CPH,
        utc(2011, 12, 31, 22, 59, 59),
        "31 Dec 2011 is a Saturday; a period's end is kept",
    ),
    (
        "by end of month",
        utc(2009, 5, 14, 8),
        {},
        CPH,
        utc(2009, 5, 31, 21, 59, 59),
        "the end of May 2009 is Sun 31 May, kept; summer time",
    ),
    (
        "by end of quarter",
        utc(2009, 5, 14, 8),
        {},
        CPH,
        utc(2009, 6, 30, 21, 59, 59),
        "Q2 ends Tue 30 Jun",
    ),
    (
        "by end of year",
        utc(2009, 5, 14, 8),
        {},
        CPH,
        utc(2009, 12, 31, 22, 59, 59),
        "the year the deadline starts in",
    ),
    (
        "by 2009-06-05",
        utc(2009, 5, 14, 8),
        {},
        CPH,
        utc(2009, 6, 8, 21, 59, 59),
        "an exact date on Grundlovsdag (Fri) moves to Mon 8 Jun",
    ),
]


@pytest.mark.parametrize(
    ("due", "start", "fields", "calendars", "expected", "why"),
    TABLE,
    ids=[f"{row[0]}|{row[5][:30]}" for row in TABLE],
)
def test_compute_due_table(
    due: str,
    start: datetime,
    fields: Mapping[str, Any],
    calendars: Calendars,
    expected: datetime,
    why: str,
) -> None:
    result = compute_due(rule(due), start=start, fields=fields, calendars=calendars)
    assert result is not None
    assert result.due_at == expected, why
    assert result.due_at.tzinfo == UTC
    assert result.not_before is None


def test_summer_and_winter_offsets() -> None:
    summer = compute_due(rule("by 2009-06-30"), start=utc(2009, 5, 1), fields={}, calendars=CPH)
    winter = compute_due(rule("by 2009-11-30"), start=utc(2009, 5, 1), fields={}, calendars=CPH)
    assert summer is not None
    assert winter is not None
    assert summer.due_at == utc(2009, 6, 30, 21, 59, 59)  # +2
    assert winter.due_at == utc(2009, 11, 30, 22, 59, 59)  # +1


def test_end_of_2009() -> None:
    result = compute_due(rule("by end of 2009"), start=utc(2009, 5, 14), fields={}, calendars=CPH)
    assert result is not None
    assert result.due_at == utc(2009, 12, 31, 22, 59, 59)


@pytest.mark.parametrize(
    ("due", "fields"),
    [
        ("during 2010", {}),
        ("at field follow_up_due", {"follow_up_due": "during 2010"}),
        ("at field follow_up_due", {"follow_up_due": "2010"}),
    ],
)
def test_during_2010_is_an_interval(due: str, fields: dict[str, Any]) -> None:
    result = compute_due(rule(due), start=utc(2009, 10, 8), fields=fields, calendars=CPH)
    assert result is not None
    assert result.not_before == utc(2009, 12, 31, 23)  # 00:00 on 1 Jan 2010, winter time
    assert result.due_at == utc(2010, 12, 31, 22, 59, 59)  # Fri 31 Dec 2010, a working day
    assert any("Not before Fri 2010-01-01" in line for line in result.explanation)


@pytest.mark.parametrize("fields", [{}, {"due_date": None}, {"due_date": ""}, {"due_date": " "}])
def test_missing_field_gives_no_deadline(fields: dict[str, Any]) -> None:
    for due in ("at field due_date", "5 working days before field due_date"):
        assert compute_due(rule(due), start=utc(2009, 5, 14), fields=fields, calendars=CPH) is None


def test_unreadable_field_is_an_error() -> None:
    with pytest.raises(ValueError, match="field 'due_date' holds 'soon'"):
        compute_due(
            rule("at field due_date"),
            start=utc(2009, 5, 14),
            fields={"due_date": "soon"},
            calendars=CPH,
        )


def test_start_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        compute_due(
            rule("within 7 working days"), start=datetime(2009, 4, 8), fields={}, calendars=CPH
        )


# --- reminders and the explanation --------------------------------------------------------


def test_reminders_at_eight_on_working_days_before() -> None:
    # Due Wed 22 Apr 2009: 2 working days before is Mon 20, 1 is Tue 21; 08:00 summer time.
    result = compute_due(
        rule("within 7 working days", reminders=(2, 1)),
        start=utc(2009, 4, 8, 8),
        fields={},
        calendars=CPH,
    )
    assert result is not None
    assert result.reminders == (utc(2009, 4, 20, 6), utc(2009, 4, 21, 6))


def test_reminders_skip_days_off_and_cross_summer_time() -> None:
    # Due Tue 27 Oct 2009 (winter): 1 before is Mon 26 (winter, 07:00 UTC), 2 before is
    # Fri 23 (summer, 06:00 UTC), 5 before is Tue 20 Oct.
    result = compute_due(
        rule("within 7 working days", reminders=(5, 2, 1)),
        start=utc(2009, 10, 16, 8),
        fields={},
        calendars=CPH,
    )
    assert result is not None
    assert result.reminders == (utc(2009, 10, 20, 6), utc(2009, 10, 23, 6), utc(2009, 10, 26, 7))


def test_reminders_before_a_kept_day_off() -> None:
    # 'end of 2011' is Sat 31 Dec, kept: 1 working day before is Fri 30 Dec.
    result = compute_due(
        rule("by end of 2011", reminders=(1,)), start=utc(2011, 5, 2), fields={}, calendars=CPH
    )
    assert result is not None
    assert result.reminders == (utc(2011, 12, 30, 7),)


def test_explanation_tells_the_whole_story() -> None:
    result = compute_due(
        rule("within 7 working days", reminders=(2, 1), legal_source="Offentlighedsloven § 36"),
        start=utc(2009, 4, 8, 8),
        fields={},
        calendars=CPH,
    )
    assert result is not None
    text = "\n".join(result.explanation)
    for needle in (
        "Rule 'answer' (Time limit): within 7 working days.",
        "Started 2009-04-08 10:00 Copenhagen time, a Wednesday.",
        "Calendar: copenhagen, working days",
        "7 working days after Wed 2009-04-08 (that day not counted) is Wed 2009-04-22",
        "days off skipped: 2009-04-09 Skærtorsdag, 2009-04-10 Langfredag, "
        "2009-04-13 Anden påskedag",
        "Due at the end of Wed 2009-04-22: 23:59:59 Copenhagen time (21:59:59 UTC).",
        "Mon 2009-04-20 (2 working days before), Tue 2009-04-21 (1 working day before)",
        "Legal source: Offentlighedsloven § 36.",
    ):
        assert needle in text


@pytest.mark.parametrize(
    ("due", "fields", "calendars", "needle"),
    [
        ("within 2 days", {}, CPH, "Fri 2009-04-10 is not a working day (Langfredag); moved "),
        (
            "6 days before field meeting_date",
            {"meeting_date": "2009-06-11"},
            CPH,
            "(Grundlovsdag); moved back to the previous working day, Thu 2009-06-04",
        ),
        (
            "at field due",
            {"due": "end of 2009"},
            DK,
            "Thu 2009-12-31 is not a working day (Nytårsaftensdag); it is kept",
        ),
        ("by end of month", {}, CPH, "Sun 2009-05-31 is not a working day (Pinsedag); it is kept"),
    ],
)
def test_explanation_says_how_days_off_were_handled(
    due: str, fields: dict[str, Any], calendars: Calendars, needle: str
) -> None:
    start = utc(2009, 4, 8, 8) if due.startswith("within") else utc(2009, 5, 14, 8)
    result = compute_due(rule(due), start=start, fields=fields, calendars=calendars)
    assert result is not None
    assert any(needle in line for line in result.explanation), result.explanation


def test_explanation_says_when_it_was_already_past() -> None:
    result = compute_due(rule("by end of 2009"), start=utc(2010, 2, 1), fields={}, calendars=CPH)
    assert result is not None
    assert "already passed" in result.explanation[-1]


def test_calendars_are_shared_per_rules() -> None:
    assert Calendars.for_rules(COPENHAGEN_RULES) is CPH
    assert CPH.working.kind == "working"
    assert CPH.weekdays.kind == "weekdays"
    assert CPH.working.rules is COPENHAGEN_RULES


# --- pausing and resuming ------------------------------------------------------------------


def test_pause_after_three_of_seven_and_resume_a_week_later() -> None:
    answer = rule("within 7 working days", reminders=(2, 1))
    first = compute_due(answer, start=utc(2009, 4, 8, 8), fields={}, calendars=CPH)
    assert first is not None
    # Paused on Thu 16 Apr after Tue 14, Wed 15 and Thu 16 were used: 4 of 7 are left.
    left = remaining_working_days(first.due_at, utc(2009, 4, 16, 12), CPH)
    assert left == 4
    # Resumed on Thu 23 Apr (not counted): Fri 24 (1), Mon 27 (2), Tue 28 (3), Wed 29 (4).
    resumed = resume_due(left, utc(2009, 4, 23, 7), answer, CPH)
    assert resumed.due_at == utc(2009, 4, 29, 21, 59, 59)
    assert resumed.reminders == (utc(2009, 4, 27, 6), utc(2009, 4, 28, 6))
    assert resumed.not_before is None
    assert "with 4 working days left" in "\n".join(resumed.explanation)


def test_days_off_during_a_pause_cost_nothing() -> None:
    # Started Tue 7 Apr, due Tue 21 Apr; paused on Wed 8 Apr (1 used): left are Tue 14,
    # Wed 15, Thu 16, Fri 17, Mon 20, Tue 21 = 6; Easter lies in between and is not counted.
    left = remaining_working_days(utc(2009, 4, 21, 21, 59, 59), utc(2009, 4, 8, 9), CPH)
    assert left == 6


def test_pause_at_a_copenhagen_day_boundary() -> None:
    # 22:30 UTC on Wed 15 Apr is 00:30 on Thu 16 Apr in Copenhagen: Thu 16 counts as used.
    assert remaining_working_days(utc(2009, 4, 22, 21, 59, 59), utc(2009, 4, 15, 22, 30), CPH) == 4


def test_paused_when_already_due_leaves_nothing() -> None:
    assert remaining_working_days(utc(2009, 4, 22, 21, 59, 59), utc(2009, 4, 24, 9), CPH) == 0
    assert remaining_working_days(utc(2009, 4, 22, 21, 59, 59), utc(2009, 4, 22, 9), CPH) == 0


def test_resume_with_nothing_left_is_due_that_working_day() -> None:
    answer = rule("within 7 working days")
    assert resume_due(0, utc(2009, 4, 23, 7), answer, CPH).due_at == utc(2009, 4, 23, 21, 59, 59)
    # Resumed on Sat 25 Apr: the next working day, Mon 27 Apr.
    assert resume_due(0, utc(2009, 4, 25, 7), answer, CPH).due_at == utc(2009, 4, 27, 21, 59, 59)


def test_resume_refuses_negative_days() -> None:
    with pytest.raises(ValueError, match="negative"):
        resume_due(-1, utc(2009, 4, 23), rule("within 7 working days"), CPH)


# --- which rules start, and what a fire does to them ---------------------------------------

ON_ENTRY = rule("within 7 working days", id="on_entry", active_in=("received",))
ON_FIRE = rule(
    "within 5 working days",
    id="on_fire",
    anchor=DeadlineAnchor(kind="transition", name="start_assessment"),
    active_in=("assessing",),
)
ON_FIELD = rule(
    "at field expected_answer_date",
    id="on_field",
    anchor=DeadlineAnchor(kind="field", name="expected_answer_date"),
    active_in=("assessing",),
)
DEFINITION = load_directory(WORKFLOWS)["access-request"].definition.model_copy(
    update={"deadlines": (ON_ENTRY, ON_FIRE, ON_FIELD)}
)


def starting(**kwargs: Any) -> list[str]:
    values: dict[str, Any] = {"entered": None, "trigger": None, "changed_fields": ()}
    return [r.id for r in rules_starting(DEFINITION, **{**values, **kwargs})]


def test_rules_starting_on_entering_a_state() -> None:
    assert starting(entered="received") == ["on_entry"]
    assert starting(entered="assessing") == []


def test_rules_starting_on_a_transition() -> None:
    assert starting(entered="assessing", trigger="start_assessment") == ["on_fire"]
    assert starting(entered="granted", trigger="grant") == []


def test_rules_starting_on_a_field() -> None:
    assert starting(changed_fields=["delay_reason", "expected_answer_date"]) == ["on_field"]
    assert starting(changed_fields=iter(["delay_reason"])) == []


def test_rules_starting_in_file_order_and_only_where_they_run() -> None:
    everything = {
        "entered": "received",
        "trigger": "start_assessment",
        "changed_fields": ["expected_answer_date"],
    }
    assert starting(**everything) == ["on_entry", "on_fire", "on_field"]
    assert starting(**everything, state="assessing") == ["on_fire", "on_field"]
    assert starting(**everything, state="received") == ["on_entry"]


@pytest.mark.parametrize(
    ("new_state", "trigger", "effect"),
    [
        ("granted", "grant", "satisfied"),
        ("assessing", "send_fristbrev", "satisfied"),  # satisfied even where it would run
        ("waiting_for_requester", "suspend", "paused"),
        ("assessing", "resume", "running"),  # a paused deadline resumes
        ("assessing", "start_assessment", "running"),
        ("assessing", None, "running"),  # an edit
        ("withdrawn", "withdraw", "cancelled"),
        ("refused", None, "cancelled"),
    ],
)
def test_ends_rule(new_state: str, trigger: str | None, effect: str) -> None:
    answer = rule(
        "within 7 working days",
        paused_in=("waiting_for_requester",),
        satisfied_by=("grant", "send_fristbrev"),
    )
    assert ends_rule(answer, new_state=new_state, trigger=trigger) == effect


# --- the file format: resolved rules -------------------------------------------------------

BASE = """\
id: mini
title: {da: Mini, en: Mini}
roles:
  clerk: {da: Sagsbehandler, en: Clerk}
  boss: {da: Chef, en: Boss}
states:
  new:
    owner: clerk
    initial: true
  working:
    owner: clerk
  waiting:
    owner: clerk
  done:
    final: true
transitions:
  - trigger: start
    from: new
    to: working
    roles: [clerk]
  - trigger: pause
    from: working
    to: waiting
    roles: [clerk]
  - trigger: resume
    from: waiting
    to: working
    roles: [clerk]
  - trigger: finish
    from: [new, working]
    to: done
    roles: [clerk, boss]
deadlines:
  - id: answer
    title: {da: Svarfrist, en: Time limit}
    starts: {entering: new}
    due: within 7 working days
    active_in: [new, working]
    paused_in: [waiting]
    satisfied_by: [finish]
    reminders: [1, 2]
    owner: clerk
    legal_source: "Offentlighedsloven § 36, stk. 1"
    on_expiry:
      - notify: [clerk, boss]
      - escalate: boss
      - fire: finish
      - mark: overdue
  - id: by_date
    title: {da: Dato, en: Date}
    starts: {field: due_date}
    due: at field due_date
    satisfied_by: [finish]
    owner: clerk
    on_expiry:
      - mark: overdue
  - id: after_start
    title: {da: Efter start, en: After start}
    starts: {transition: start}
    due: within 3 working days
    owner: boss
    on_expiry:
      - notify: [boss]
"""


def test_base_workflow_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "wf.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert validate_files([path]) == []


def test_rules_are_resolved_with_their_defaults() -> None:
    answer, by_date, after_start = load_workflow_text(BASE).definition.deadlines
    assert answer.anchor == DeadlineAnchor(kind="entering", name="new")
    assert answer.due == "within 7 working days"
    assert answer.reminders == (2, 1)  # sorted descending
    assert answer.legal_source == "Offentlighedsloven § 36, stk. 1"
    assert answer.on_expiry == (
        ExpiryAction(kind="notify", roles=("clerk", "boss")),
        ExpiryAction(kind="escalate", roles=("boss",)),
        ExpiryAction(kind="fire", trigger="finish"),
        ExpiryAction(kind="mark", mark="overdue"),
    )
    assert answer.line == 34
    assert by_date.active_in == ("new", "working", "waiting")  # every non-final state
    assert by_date.anchor == DeadlineAnchor(kind="field", name="due_date")
    assert after_start.active_in == ("working",)  # the transition's destination
    assert after_start.paused_in == ()
    assert after_start.satisfied_by == ()


def test_entering_rule_defaults_to_the_entered_state() -> None:
    text = BASE.replace("    active_in: [new, working]\n    paused_in: [waiting]\n", "")
    assert load_workflow_text(text).definition.deadlines[0].active_in == ("new",)


def test_field_rule_default_leaves_out_paused_states() -> None:
    text = BASE.replace("    due: at field due_date\n", "    due: within 5 working days\n").replace(
        "starts: {field: due_date}", "starts: {entering: working}"
    )
    text = text.replace(
        "    due: within 5 working days\n    satisfied_by",
        "    due: within 5 working days\n    paused_in: [waiting]\n    satisfied_by",
    )
    rule_ = load_workflow_text(text).definition.deadline("by_date")
    assert rule_.active_in == ("working",)
    assert rule_.paused_in == ("waiting",)


def test_deadline_lookup_by_id() -> None:
    definition = load_workflow_text(BASE).definition
    assert definition.deadline("by_date").id == "by_date"
    with pytest.raises(Exception, match="no deadline rule 'nope'; its rules are: answer"):
        definition.deadline("nope")


def test_version_ignores_where_a_rule_is_written() -> None:
    base = load_workflow_text(BASE).definition
    moved = load_workflow_text(BASE.replace("deadlines:\n", "\n# rules\ndeadlines:\n"))
    assert definition_version(moved.definition) == definition_version(base)
    changed = load_workflow_text(BASE.replace("within 7 working", "within 8 working"))
    assert definition_version(changed.definition) != definition_version(base)


def broken(*pairs: tuple[str, str]) -> str:
    return replaced(BASE, *pairs)


# --- validation: one test per kind of problem ----------------------------------------------


def assert_single(tmp_path: Path, text: str, rule_id: str, *needles: str) -> Problem:
    """One problem, in this file, on the marked line, naming the rule and every needle."""
    problems, path = problems_of(tmp_path, text)
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    shown = str(problem)
    assert problem.file == str(path)
    assert problem.line == marked_line(text), shown
    assert problem.where == f"deadline '{rule_id}'", shown
    for needle in needles:
        assert needle in shown, f"{needle!r} not in {shown!r}"
    return problem


def test_unknown_state_in_starts(tmp_path: Path) -> None:
    text = broken(
        ("starts: {entering: new}", "starts: {entering: nwe} #!"),
        ("    active_in: [new, working]\n", "    active_in: [working]\n"),
    )
    assert_single(tmp_path, text, "answer", "unknown state 'nwe'", "did you mean 'new'")


def test_unknown_state_in_active_in(tmp_path: Path) -> None:
    text = broken(("active_in: [new, working]", "active_in: [new, wroking] #!"))
    assert_single(tmp_path, text, "answer", "'active_in' names unknown state 'wroking'")


def test_unknown_state_in_paused_in(tmp_path: Path) -> None:
    text = broken(("paused_in: [waiting]", "paused_in: [wiating] #!"))
    assert_single(tmp_path, text, "answer", "'paused_in' names unknown state 'wiating'")


def test_final_state_in_active_in(tmp_path: Path) -> None:
    text = broken(("active_in: [new, working]", "active_in: [new, working, done] #!"))
    assert_single(tmp_path, text, "answer", "final state 'done'")


def test_unknown_trigger_in_starts(tmp_path: Path) -> None:
    text = broken(("starts: {transition: start}", "starts: {transition: strat} #!"))
    assert_single(tmp_path, text, "after_start", "unknown trigger 'strat'", "did you mean 'start'")


def test_unknown_trigger_in_satisfied_by(tmp_path: Path) -> None:
    text = broken(
        ("    satisfied_by: [finish]\n    reminders", "    satisfied_by: [finsh] #!\n    reminders")
    )
    assert_single(tmp_path, text, "answer", "'satisfied_by' names unknown trigger 'finsh'")


def test_satisfied_by_a_trigger_it_never_meets(tmp_path: Path) -> None:
    text = broken(
        (
            "    satisfied_by: [finish]\n    reminders",
            "    satisfied_by: [resume] #!\n    reminders",
        )
    )
    # resume leads out of 'waiting', where the rule waits, so it is fine there; 'start'
    # leaves only 'new', also fine. A rule running only in 'working' cannot meet 'start':
    assert problems_of(tmp_path, text)[0] == []
    text = broken(
        ("active_in: [new, working]", "active_in: [working]"),
        ("starts: {entering: new}", "starts: {entering: working}"),
        (
            "    satisfied_by: [finish]\n    reminders",
            "    satisfied_by: [start] #!\n    reminders",
        ),
    )
    assert_single(tmp_path, text, "answer", "trigger 'start' cannot be fired from any state")


def test_unknown_trigger_to_fire(tmp_path: Path) -> None:
    text = broken(("      - fire: finish\n", "      - fire: finnish #!\n"))
    assert_single(tmp_path, text, "answer", "'fire' names unknown trigger 'finnish'")


def test_fire_trigger_missing_from_an_active_state(tmp_path: Path) -> None:
    text = broken(("      - fire: finish\n", "      - fire: pause #!\n"))
    assert_single(tmp_path, text, "answer", "trigger 'pause' cannot be fired from state(s) new")


def test_unknown_role_as_owner(tmp_path: Path) -> None:
    text = broken(("    owner: boss\n", "    owner: bos #!\n"))
    assert_single(tmp_path, text, "after_start", "unknown role 'bos'", "did you mean 'boss'")


def test_unknown_role_to_notify(tmp_path: Path) -> None:
    text = broken(("      - notify: [clerk, boss]\n", "      - notify: [clerk, mayor] #!\n"))
    assert_single(tmp_path, text, "answer", "unknown role 'mayor'", "boss, clerk")


def test_unknown_role_to_escalate_to(tmp_path: Path) -> None:
    text = broken(("      - escalate: boss\n", "      - escalate: mayor #!\n"))
    assert_single(tmp_path, text, "answer", "unknown role 'mayor'")


def test_unreadable_due(tmp_path: Path) -> None:
    text = broken(("due: within 7 working days", "due: within 7 workdays #!"))
    assert_single(
        tmp_path, text, "answer", "cannot read due 'within 7 workdays'", "'within N weekdays'"
    )


@pytest.mark.parametrize(
    ("reminders", "needle"),
    [
        ("[2, 0]", "must be a whole number greater than 0, got 0"),
        ("[-1]", "greater than 0, got -1"),
        ("[two]", "should be a whole number, got the text 'two'"),
        ("[true]", "should be a whole number"),
        ("2", "'reminders' should be a list"),
    ],
)
def test_reminders_must_be_positive_whole_numbers(
    tmp_path: Path, reminders: str, needle: str
) -> None:
    text = broken(("reminders: [1, 2]", f"reminders: {reminders} #!"))
    assert_single(tmp_path, text, "answer", needle)


def test_reminder_twice(tmp_path: Path) -> None:
    text = broken(("reminders: [1, 2]", "reminders: [1, 1] #!"))
    assert_single(tmp_path, text, "answer", "reminder 1 is listed more than once")


def test_reminder_before_the_deadline_starts(tmp_path: Path) -> None:
    text = broken(("reminders: [1, 2]", "reminders: [7] #!"))
    assert_single(tmp_path, text, "answer", "would come before the deadline starts")


def test_duplicate_rule_id(tmp_path: Path) -> None:
    text = broken(("  - id: after_start\n", "  - id: answer #!\n"))
    problem = assert_single(tmp_path, text, "answer", "duplicate deadline id 'answer'")
    assert "first on line 34" in problem.message


def test_paused_in_overlapping_active_in(tmp_path: Path) -> None:
    text = broken(("paused_in: [waiting]", "paused_in: [working] #!"))
    assert_single(tmp_path, text, "answer", "'working' is in both active_in and paused_in")


def test_only_a_counted_deadline_can_pause(tmp_path: Path) -> None:
    text = broken(
        (
            "    due: at field due_date\n",
            "    due: at field due_date\n    paused_in: [waiting] #!\n",
        )
    )
    assert_single(tmp_path, text, "by_date", "only a deadline counted from its start")


def test_field_anchor_whose_due_reads_no_field(tmp_path: Path) -> None:
    text = broken(("due: at field due_date", "due: within 5 working days #!"))
    assert_single(
        tmp_path, text, "by_date", "starts when field 'due_date' is set", "reads no field"
    )


def test_field_read_by_another_anchor_is_fine(tmp_path: Path) -> None:
    text = broken(("due: within 3 working days", "due: 2 working days before field meeting_date"))
    assert problems_of(tmp_path, text)[0] == []


def test_starting_outside_active_in(tmp_path: Path) -> None:
    text = broken(
        ("active_in: [new, working]", "active_in: [working]"),
        ("{entering: new}", "{entering: new} #!"),
    )
    assert_single(tmp_path, text, "answer", "starts in state(s) new, which active_in")


def test_starts_needs_exactly_one_key(tmp_path: Path) -> None:
    text = broken(("starts: {entering: new}", "starts: {entering: new, field: due_date} #!"))
    assert_single(tmp_path, text, "answer", "needs exactly one of entering, transition or field")


def test_expiry_action_needs_exactly_one_key(tmp_path: Path) -> None:
    text = broken(("      - escalate: boss\n", "      - {escalate: boss, mark: overdue} #!\n"))
    assert_single(tmp_path, text, "answer", "an 'on_expiry' entry needs exactly one of notify")


def test_only_mark_is_overdue(tmp_path: Path) -> None:
    text = broken(
        ("      - mark: overdue\n  - id: by_date", "      - mark: late #!\n  - id: by_date")
    )
    assert_single(tmp_path, text, "answer", "'mark' is 'late'; it must be 'overdue'")


def test_unknown_key_in_a_rule(tmp_path: Path) -> None:
    text = broken(("    owner: boss\n", "    owner: boss\n    colour: red #!\n"))
    assert_single(tmp_path, text, "after_start", "unknown key 'colour'", "allowed here: id, title")


def test_missing_due(tmp_path: Path) -> None:
    text = broken(
        ("    due: within 3 working days\n", ""),
        ("  - id: after_start\n", "  - id: after_start #!\n"),
    )
    assert_single(tmp_path, text, "after_start", "missing required key 'due'", "within 7 working")


def test_every_deadline_problem_at_once(tmp_path: Path) -> None:
    text = broken(
        ("starts: {entering: new}", "starts: {entering: nwe}"),
        ("due: within 7 working days", "due: soon"),
        ("      - escalate: boss\n", "      - escalate: mayor\n"),
        ("    owner: boss\n", "    owner: bos\n"),
    )
    problems, _ = problems_of(tmp_path, text)
    assert [(p.line, p.where) for p in problems] == [
        (36, "deadline 'answer'"),
        (37, "deadline 'answer'"),
        (46, "deadline 'answer'"),
        (61, "deadline 'after_start'"),
    ], "\n".join(map(str, problems))


# --- the shipped workflows and the schema --------------------------------------------------


def test_shipped_workflows_have_their_rules() -> None:
    workflows = load_directory(WORKFLOWS)
    access = workflows["access-request"].definition
    answer = access.deadline("answer_in_time")
    assert answer.due == "within 7 working days"
    assert answer.active_in == ("received", "assessing")
    assert answer.paused_in == ("waiting_for_requester",)
    assert answer.legal_source == "Offentlighedsloven § 36, stk. 1"
    assert [a.kind for a in answer.on_expiry] == ["notify", "escalate", "mark"]
    assert access.deadline("answer_by_expected_date").anchor.kind == "field"
    fristbrev = next(t for t in access.transitions if t.trigger == "send_fristbrev")
    assert (fristbrev.sources, fristbrev.dest) == (("assessing",), "assessing")
    committee = workflows["committee-case"].definition
    assert {r.id for r in committee.deadlines} >= {"agenda_deadline", "political_obligation"}


def test_access_request_scenario() -> None:
    """A request received Wed 8 Apr 2009, suspended, resumed, then a fristbrev."""
    access = load_directory(WORKFLOWS)["access-request"].definition
    assert [
        r.id for r in rules_starting(access, entered="received", trigger=None, changed_fields=())
    ] == ["answer_in_time"]
    answer = access.deadline("answer_in_time")
    due = compute_due(answer, start=utc(2009, 4, 8, 8), fields={}, calendars=CPH)
    assert due is not None
    assert due.due_at == utc(2009, 4, 22, 21, 59, 59)
    assert ends_rule(answer, new_state="waiting_for_requester", trigger="suspend") == "paused"
    assert ends_rule(answer, new_state="assessing", trigger="resume") == "running"
    assert ends_rule(answer, new_state="assessing", trigger="send_fristbrev") == "satisfied"
    assert ends_rule(answer, new_state="withdrawn", trigger="withdraw") == "cancelled"
    started = rules_starting(
        access,
        entered="assessing",
        trigger="send_fristbrev",
        changed_fields=["expected_answer_date"],
    )
    assert [r.id for r in started] == ["answer_by_expected_date"]
    expected = compute_due(
        started[0],
        start=utc(2009, 4, 20, 8),
        fields={"expected_answer_date": "2009-05-08"},
        calendars=CPH,
    )
    assert expected is not None
    # Fri 8 May 2009 is Store bededag (Easter + 26), still a holiday then: Mon 11 May.
    assert expected.due_at == utc(2009, 5, 11, 21, 59, 59)


def test_schema_accepts_rules_and_rejects_bad_ones() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    jsonschema.validate(yaml.safe_load(BASE), schema)
    for old, new in (
        ("starts: {entering: new}", "starts: {entering: new, field: due_date}"),
        ("starts: {entering: new}", "starts: {}"),
        ("      - escalate: boss\n", "      - {escalate: boss, mark: overdue}\n"),
        ("      - mark: overdue\n  - id: by_date", "      - mark: late\n  - id: by_date"),
        ("reminders: [1, 2]", "reminders: [0]"),
        ("    owner: boss\n", "    owner: boss\n    colour: red\n"),
        ("  - id: answer\n", "  - id: Answer\n"),
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(yaml.safe_load(broken((old, new))), schema)


def test_definition_type_holds_rules() -> None:
    assert WorkflowDefinition.model_fields["deadlines"].annotation == tuple[DeadlineRule, ...]
