"""A committee's meetings as an iCalendar file (RFC 5545) that calendar programs import.

Pure: meeting records in, bytes out; the same rows give the same bytes, so a
file exported twice is identical and a subscribed calendar sees no change.

* Times are written as Copenhagen wall-clock times with ``TZID=Europe/Copenhagen``
  and the file carries that zone's VTIMEZONE, so a meeting at 16:30 stays at
  16:30 in summer and in winter whatever zone the reader is in.
* The VTIMEZONE is the EU rule (last Sunday of March and of October, since
  1996) as two RRULEs: the form Outlook, Google and Apple calendars all read,
  valid for every year a plan will hold, unlike a list of dated transitions.
* ``UID`` is the row's stored uid; ``SEQUENCE`` the row's counter, raised when
  time, place or status change; ``DTSTAMP`` and ``LAST-MODIFIED`` the row's
  last change (without a METHOD, DTSTAMP is exactly that, RFC 5545 3.8.7.2).
* A cancelled meeting stays in the file with ``STATUS:CANCELLED``, so
  calendars that hold it strike it out instead of keeping a ghost.
* A meeting without an end time is given :data:`DEFAULT_LENGTH`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from caseflow.calendar import COPENHAGEN
from caseflow.store.meetings import MeetingRecord

TZID = "Europe/Copenhagen"
PRODID = "-//caseflow//meetings//EN"
DEFAULT_LENGTH = timedelta(hours=2)


def copenhagen_vtimezone() -> Timezone:
    """Europe/Copenhagen: CET (+01:00) and CEST (+02:00), EU summer time rules."""
    zone = Timezone()
    zone.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def meeting_event(meeting: MeetingRecord, committee_name: str | None = None) -> Event:
    """One VEVENT for a meeting."""
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    name = committee_name or meeting.committee
    event.add("summary", f"{meeting.committee}: møde i {name}")
    start = meeting.starts_at.astimezone(COPENHAGEN)
    end = (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH).astimezone(COPENHAGEN)
    event.add("dtstart", start)
    event.add("dtend", end)
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.note:
        event.add("description", meeting.note)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("categories", [meeting.committee])
    return event


def build_calendar(
    meetings: Iterable[MeetingRecord],
    committee_names: Mapping[str, str] | None = None,
    title: str | None = None,
) -> bytes:
    """The iCalendar file for ``meetings`` (in the order given)."""
    names = committee_names or {}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if title:
        cal.add("x-wr-calname", title)
        cal.add("name", title)
    cal.add("x-wr-timezone", TZID)
    cal.add_component(copenhagen_vtimezone())
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, names.get(meeting.committee)))
    data: bytes = cal.to_ical()
    return data
