"""The words meetings, agenda items and follow-up actions are stored with (pure).

Each is a :class:`~enum.StrEnum`: its values are the texts in the database's
``status`` and ``owner_kind`` columns, so code compares and writes members and
the store reads them back typed (:mod:`caseflow.store.meetings`,
:mod:`caseflow.store.agenda`, :mod:`caseflow.store.followups`). The JSON a
command prints is the same text.
"""

from __future__ import annotations

from enum import StrEnum


class MeetingStatus(StrEnum):
    """Where a meeting is in its life (:data:`caseflow.store.meetings.NEXT_STATUSES`)."""

    PLANNED = "planned"  # in the meeting plan; its agenda is being built
    HELD = "held"  # the committee has met: decisions are being recorded
    CLOSED = "closed"  # its minutes are approved: history
    CANCELLED = "cancelled"  # called off (it may be planned again)


class ItemStatus(StrEnum):
    """An agenda item: waiting for the meeting, treated (its outcome), or taken off."""

    SCHEDULED = "scheduled"  # on the agenda, waiting for the meeting
    DECIDED = "decided"
    POSTPONED = "postponed"
    REFERRED = "referred"
    REMOVED = "removed"  # the case left the agenda another way (taken off, withdrawn)


class ItemOutcome(StrEnum):
    """What the committee did with an item at its meeting (the minutes)."""

    DECIDED = "decided"  # with the decision's text; perhaps sent on to another committee
    POSTPONED = "postponed"  # back to the queue, for the committee's next planned meeting
    REFERRED = "referred"  # to another committee's queue

    @property
    def status(self) -> ItemStatus:
        """The item's status once it has this outcome."""
        return ItemStatus(self.value)


class FollowupStatus(StrEnum):
    """A follow-up action: open until its owner reports it done (or it is cancelled)."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class FollowupOwnerKind(StrEnum):
    """Who owns a follow-up action (``steering_group:OMR``, ``administration:TMF``)."""

    STEERING_GROUP = "steering_group"
    ADMINISTRATION = "administration"
