"""Copenhagen wall-clock times as people type them, read strictly (pure).

Every time a person types (``meeting new --at``, the web's meeting form, the API
without an offset, a plan file) is read here, so each interface refuses the same
two hours a year the same way. :func:`caseflow.calendar.at_local` reads them with
a rule ("compatible") that suits times computed by caseflow itself, such as the
end of a day; a typed time that does not exist or happens twice is instead
refused, with the readings it could have, so that nobody's meeting silently
moves an hour:

* when summer time starts (last Sunday of March) 02:00-02:59 does not exist;
* when it ends (last Sunday of October) 02:00-02:59 happens twice, first in
  summer time (+02:00) and then in winter time (+01:00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from caseflow.calendar import COPENHAGEN
from caseflow.errors import ErrorCode, InvalidInput


def strict_local(day: date, clock: time, label: str = "time") -> datetime:
    """Wall-clock ``clock`` on ``day`` in Copenhagen as aware UTC; refuses a gap or a fold.

    The refusal's params hold ``readings``: the moments (ISO, with their offsets)
    the typed time could mean, so an interface can offer them.
    """
    if clock.tzinfo is not None:
        raise ValueError("strict_local takes a wall-clock time without a time zone")
    first = datetime.combine(day, clock.replace(fold=0), tzinfo=COPENHAGEN)
    second = datetime.combine(day, clock.replace(fold=1), tzinfo=COPENHAGEN)
    typed = f"{day.isoformat()} {clock:%H:%M}"
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    earlier, later = first.astimezone(UTC), second.astimezone(UTC)
    if _round_trips(first) and _round_trips(second):
        readings = [_shown(earlier), _shown(later)]
        raise InvalidInput(
            f"{label} {typed} happens twice in Copenhagen (summer time ends): it is "
            f"{readings[0]} or {readings[1]}",
            code=ErrorCode.AMBIGUOUS_LOCAL_TIME,
            label=label,
            text=typed,
            readings=readings,
        )
    readings = sorted({_shown(earlier), _shown(later)})
    raise InvalidInput(
        f"{label} {typed} does not exist in Copenhagen (summer time starts: the clocks "
        f"go from 02:00 to 03:00); did you mean {' or '.join(readings)}?",
        code=ErrorCode.NONEXISTENT_LOCAL_TIME,
        label=label,
        text=typed,
        readings=readings,
    )


def parse_local_datetime(text: str, label: str = "time") -> datetime:
    """``2009-06-11 16:30`` (or with a ``T``; ``16.30`` the Danish way) in Copenhagen
    time → aware UTC. A time with an offset (``+02:00``) is taken as it says."""
    stripped = text.strip()
    try:
        given = datetime.fromisoformat(stripped)
    except ValueError:
        given = None
    if given is not None and given.tzinfo is not None:
        return given.astimezone(UTC)
    day_text, _, clock_text = stripped.replace("T", " ").partition(" ")
    clock = parse_clock(clock_text) if clock_text else None
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        day = None
    if day is None or clock is None:
        raise InvalidInput(
            f'{label} {text!r} is not a date and time; write e.g. "2009-06-11 16:30" '
            "(Copenhagen time)",
            label=label,
            text=text,
        )
    return strict_local(day, clock, label)


def aware(moment: datetime, label: str = "time") -> datetime:
    """A moment as sent (UTC); one without an offset is Copenhagen wall-clock time."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    return strict_local(moment.date(), moment.time().replace(fold=0), label)


def parse_clock(text: str) -> time | None:
    """``"16:30"`` (or ``"16.30"``, the Danish way) → 16:30; None if it is no time of day."""
    hours, sep, minutes = text.strip().replace(".", ":").partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    h, m = int(hours), int(minutes)
    return time(h, m) if h < 24 and m < 60 else None


def _round_trips(local: datetime) -> bool:
    back = local.astimezone(UTC).astimezone(COPENHAGEN)
    return back.replace(tzinfo=None, fold=0) == local.replace(tzinfo=None, fold=0)


def _shown(moment: datetime) -> str:
    return moment.astimezone(COPENHAGEN).isoformat(timespec="minutes")
