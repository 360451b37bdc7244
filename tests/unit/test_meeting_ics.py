"""The ICS export parses back with icalendar and keeps Copenhagen's local times."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar

from caseflow.meetings.ics import DEFAULT_LENGTH, build_calendar
from caseflow.meetings.vocabulary import MeetingStatus
from caseflow.store.meetings import MeetingRecord
from caseflow.testing import copenhagen_time

CREATED = datetime(2009, 5, 1, 8, 0, tzinfo=UTC)


def meeting(
    meeting_id: int,
    local: str,
    *,
    uid: str,
    status: MeetingStatus = MeetingStatus.PLANNED,
    ends: str | None = None,
) -> MeetingRecord:
    return MeetingRecord(
        id=meeting_id,
        committee="BIU",
        starts_at=copenhagen_time(local).astimezone(UTC),
        ends_at=copenhagen_time(ends).astimezone(UTC) if ends else None,
        place="Københavns Rådhus, udvalgsværelse 2",
        status=status,
        uid=uid,
        sequence=2 if status is MeetingStatus.CANCELLED else 0,
        note=None,
        created_at=CREATED,
        updated_at=CREATED + timedelta(days=meeting_id),
    )


SUMMER = meeting(1, "2009-06-11 16:30", uid="summer@caseflow", ends="2009-06-11 18:00")
WINTER = meeting(2, "2009-12-10 16:30", uid="winter@caseflow")
CANCELLED = meeting(3, "2009-10-08 16:30", uid="gone@caseflow", status=MeetingStatus.CANCELLED)


def events(data: bytes) -> dict[str, Any]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_summer_and_winter_meetings_keep_their_local_time() -> None:
    data = build_calendar([SUMMER, WINTER], {"BIU": "Beskæftigelses- og Integrationsudvalget"})
    found = events(data)
    summer, winter = found["summer@caseflow"], found["winter@caseflow"]
    for event in (summer, winter):
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    start = summer.decoded("DTSTART")
    assert (start.hour, start.minute) == (16, 30)
    assert start.utcoffset() == timedelta(hours=2)
    assert start.astimezone(UTC) == datetime(2009, 6, 11, 14, 30, tzinfo=UTC)
    assert summer.decoded("DTEND").astimezone(UTC) == datetime(2009, 6, 11, 16, 0, tzinfo=UTC)
    start = winter.decoded("DTSTART")
    assert (start.hour, start.minute) == (16, 30)
    assert start.astimezone(UTC) == datetime(2009, 12, 10, 15, 30, tzinfo=UTC)
    assert winter.decoded("DTEND") - start == DEFAULT_LENGTH
    assert b"DTSTART;TZID=Europe/Copenhagen:20091210T163000" in data


def test_the_vtimezone_itself_gives_the_right_offsets() -> None:
    """A reader that does not know the zone by name builds it from our VTIMEZONE."""
    cal = Calendar.from_ical(build_calendar([SUMMER]))
    (zone,) = cal.walk("VTIMEZONE")
    tz = zone.to_tz(lookup_tzid=False)
    assert datetime(2009, 6, 11, 16, 30, tzinfo=tz).utcoffset() == timedelta(hours=2)
    assert datetime(2009, 12, 10, 16, 30, tzinfo=tz).utcoffset() == timedelta(hours=1)
    # The day summer time starts in 2010 (28 March) and ends (31 October).
    assert datetime(2010, 3, 28, 1, 30, tzinfo=tz).utcoffset() == timedelta(hours=1)
    assert datetime(2010, 3, 28, 3, 30, tzinfo=tz).utcoffset() == timedelta(hours=2)
    assert datetime(2010, 10, 31, 4, 0, tzinfo=tz).utcoffset() == timedelta(hours=1)


def test_uids_and_bytes_are_stable_across_exports() -> None:
    first = build_calendar([SUMMER, WINTER, CANCELLED])
    again = build_calendar([SUMMER, WINTER, CANCELLED])
    assert first == again
    assert set(events(first)) == {"summer@caseflow", "winter@caseflow", "gone@caseflow"}


def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence() -> None:
    moved = replace(
        SUMMER,
        starts_at=SUMMER.starts_at + timedelta(days=7),
        ends_at=None,
        sequence=1,
        updated_at=SUMMER.updated_at + timedelta(days=3),
    )
    before = events(build_calendar([SUMMER]))["summer@caseflow"]
    after = events(build_calendar([moved]))["summer@caseflow"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_cancelled_meetings_are_marked_not_dropped() -> None:
    found = events(build_calendar([SUMMER, CANCELLED]))
    assert str(found["gone@caseflow"]["STATUS"]) == "CANCELLED"
    assert str(found["summer@caseflow"]["STATUS"]) == "CONFIRMED"
    assert int(found["gone@caseflow"]["SEQUENCE"]) == 2


def test_required_properties_are_present() -> None:
    data = build_calendar([SUMMER], title="BIU møder")
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0"
    assert "PRODID" in cal
    (event,) = cal.walk("VEVENT")
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION"):
        assert name in event
    assert "Rådhus" in str(event["LOCATION"])
    assert data.count(b"\r\n") > 10  # RFC 5545 line endings
