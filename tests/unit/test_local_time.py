"""Typed Copenhagen times: the hour that does not exist and the hour that happens twice are
refused with their readings (issue 16, finding 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from caseflow.errors import ErrorCode, InvalidInput
from caseflow.local_time import aware, parse_local_datetime, strict_local


def test_an_ordinary_time_is_read_as_copenhagen_time() -> None:
    assert parse_local_datetime("2009-06-11 16:30") == datetime(2009, 6, 11, 14, 30, tzinfo=UTC)
    assert parse_local_datetime("2009-12-11T16.30") == datetime(2009, 12, 11, 15, 30, tzinfo=UTC)
    given = parse_local_datetime("2027-10-31T02:30+01:00")
    assert given == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


def test_a_time_in_the_spring_gap_is_refused_with_its_readings() -> None:
    with pytest.raises(InvalidInput, match="does not exist") as refused:
        parse_local_datetime("2027-03-28 02:30", "--at")
    assert refused.value.code is ErrorCode.NONEXISTENT_LOCAL_TIME
    assert refused.value.params["readings"] == ["2027-03-28T01:30+01:00", "2027-03-28T03:30+02:00"]
    assert "--at 2027-03-28 02:30" in refused.value.message


def test_a_time_in_the_autumn_fold_is_refused_with_both_readings() -> None:
    with pytest.raises(InvalidInput, match="happens twice") as refused:
        strict_local(date(2027, 10, 31), time(2, 30))
    assert refused.value.code is ErrorCode.AMBIGUOUS_LOCAL_TIME
    assert refused.value.params["readings"] == ["2027-10-31T02:30+02:00", "2027-10-31T02:30+01:00"]


def test_the_hours_around_the_changes_are_fine() -> None:
    assert strict_local(date(2027, 3, 28), time(3, 0)) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert strict_local(date(2027, 10, 31), time(3, 0)) == datetime(2027, 10, 31, 2, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        aware(datetime(2027, 3, 28, 2, 15))  # the API's time without an offset, too


def test_no_date_and_time_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a date and time"):
        parse_local_datetime("tomorrow 10:00")
