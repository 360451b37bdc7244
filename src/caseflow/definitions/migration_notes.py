"""What a migration says of each case it plans or moves, as typed notes (pure).

A note is a kind and its parameters: the dry run and the per-case log keep both, so
the web page phrases each kind in its reader's language, while the command line and
``--json`` give its English text (:attr:`MigrationNote.text`, the wording the
migration has always printed). A note is a warning (the case moves, but look at it)
or a reason (why the case stays, or why a revert left it) by the list it is in.

The per-case log stores notes as JSON objects (``kind``, ``params``, ``text``) in its
``warnings`` column; rows written before the notes were typed hold plain texts, which
:func:`logged_notes` reads back as text-only :class:`LoggedNote` values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Param = str | int


class NoteKind(StrEnum):
    """Every kind of note a migration writes. Each has an English text here and its
    Danish and English words on the web page (``wfc_note_<kind>`` in
    :mod:`caseflow.web.texts_workflows`); a test holds both complete."""

    # warnings: the case moves
    MOVES_STATE = "moves_state"
    ON_PUBLISHED_AGENDA = "on_published_agenda"
    APPROVAL_STEP_OPEN = "approval_step_open"
    APPROVAL_STEP_REPLACED = "approval_step_replaced"
    DEADLINE_RECOMPUTED = "deadline_recomputed"
    DEADLINE_REMINDERS_RECOMPUTED = "deadline_reminders_recomputed"
    DEADLINE_CANCELLED_RULE_REMOVED = "deadline_cancelled_rule_removed"
    DEADLINE_CANCELLED_NOT_IN_STATE = "deadline_cancelled_not_in_state"
    DEADLINE_CANCELLED_FIELD_MISSING = "deadline_cancelled_field_missing"
    DEADLINE_STARTED = "deadline_started"
    APPROVAL_ROUND_OPENED = "approval_round_opened"
    APPROVAL_ROUND_OPENED_UNTIMED = "approval_round_opened_untimed"
    # reasons: the case stays where it is
    STATE_NOT_IN_NEW_VERSION = "state_not_in_new_version"
    APPROVAL_CHAIN_NOT_IN_STATE = "approval_chain_not_in_state"
    APPROVAL_STEP_MISSING = "approval_step_missing"
    DEADLINE_NOT_RECOMPUTABLE = "deadline_not_recomputable"
    DEADLINE_NOT_STARTABLE = "deadline_not_startable"
    CHANGED_WHILE_MOVING = "changed_while_moving"
    DATABASE_REFUSED = "database_refused"
    # a revert's reason for leaving a case where it is
    EVENTS_SINCE = "events_since"
    # what a revert undoes that the migration had started (said in its audit row)
    REVERT_ROUND_CANCELLED = "revert_round_cancelled"
    REVERT_DEADLINE_CANCELLED = "revert_deadline_cancelled"


_OPEN = "an approval step is open: '{step}' of '{trigger}'"
_ROUND = ": move the case when its round has ended"

ENGLISH: Mapping[NoteKind, str] = {
    NoteKind.MOVES_STATE: "moves from '{from_state}' to '{to_state}'",
    NoteKind.ON_PUBLISHED_AGENDA: "on a published agenda",
    NoteKind.APPROVAL_STEP_OPEN: _OPEN,
    NoteKind.APPROVAL_STEP_REPLACED: _OPEN + "; the new version has '{new_step}' in its place",
    NoteKind.DEADLINE_RECOMPUTED: (
        "deadline '{rule}' recomputed from {old_days} to {new_days} working days"
    ),
    NoteKind.DEADLINE_REMINDERS_RECOMPUTED: "deadline '{rule}': its reminders recomputed",
    NoteKind.DEADLINE_CANCELLED_RULE_REMOVED: (
        "deadline '{rule}' cancelled: the new version has no such rule"
    ),
    NoteKind.DEADLINE_CANCELLED_NOT_IN_STATE: (
        "deadline '{rule}' cancelled: in the new version it does not run in state '{state}'"
    ),
    NoteKind.DEADLINE_CANCELLED_FIELD_MISSING: (
        "deadline '{rule}' cancelled: the new rule needs a field the case lacks"
    ),
    NoteKind.DEADLINE_STARTED: "new deadline '{rule}' started from entering '{state}' on {date}",
    NoteKind.APPROVAL_ROUND_OPENED: (
        "an approval round of '{trigger}' is opened at step {number} '{step}', due {date}"
    ),
    NoteKind.APPROVAL_ROUND_OPENED_UNTIMED: (
        "an approval round of '{trigger}' is opened at step {number} '{step}'"
    ),
    NoteKind.STATE_NOT_IN_NEW_VERSION: (
        "state '{state}' is not in the new version: map it with --map {state}=STATE"
    ),
    NoteKind.APPROVAL_CHAIN_NOT_IN_STATE: (
        _OPEN + ", and in the new version no chain of '{trigger}' runs in state '{state}'" + _ROUND
    ),
    NoteKind.APPROVAL_STEP_MISSING: (
        _OPEN + ", and the new version's chain of '{trigger}' has no step {number}" + _ROUND
    ),
    NoteKind.DEADLINE_NOT_RECOMPUTABLE: "deadline '{rule}' cannot be recomputed: {detail}",
    NoteKind.DEADLINE_NOT_STARTABLE: "deadline '{rule}' cannot be started: {detail}",
    NoteKind.CHANGED_WHILE_MOVING: ("it changed while being moved; run the migration again for it"),
    NoteKind.DATABASE_REFUSED: "the database refused it: {error}",
    NoteKind.EVENTS_SINCE: ("it had events since the migration (version {then} then, {now} now)"),
    NoteKind.REVERT_ROUND_CANCELLED: (
        "approval round {round} of '{trigger}' cancelled: migration {migration}, which "
        "opened it, is reverted"
    ),
    NoteKind.REVERT_DEADLINE_CANCELLED: (
        "deadline '{rule}' cancelled: migration {migration}, which started it, is reverted"
    ),
}


@dataclass(frozen=True)
class MigrationNote:
    """One thing a migration says of a case: its kind and the values it names."""

    kind: NoteKind
    params: Mapping[str, Param]

    def __hash__(self) -> int:  # the params are a mapping: hashed by their items
        return hash((self.kind, tuple(self.params.items())))

    @property
    def text(self) -> str:
        """In English, as the command line prints it."""
        return ENGLISH[self.kind].format_map(self.params)

    def to_json(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "params": dict(self.params), "text": self.text}


def note(kind: NoteKind, **params: Param) -> MigrationNote:
    return MigrationNote(kind, params)


def texts(notes: Iterable[MigrationNote]) -> list[str]:
    return [n.text for n in notes]


@dataclass(frozen=True)
class LoggedNote:
    """A note as the per-case log gives it back: its text always, its typed note when
    the row was written with one (None for older rows, and for a kind no longer known)."""

    text: str
    note: MigrationNote | None = None

    def to_json(self) -> dict[str, Any]:
        if self.note is None:
            return {"kind": None, "params": {}, "text": self.text}
        return self.note.to_json()


def logged(note: MigrationNote) -> LoggedNote:
    return LoggedNote(note.text, note)


def note_json(note: LoggedNote, *, reason: bool = False) -> Any:
    """How the log stores a note: an object with its kind, params and English text (and
    ``reason``: true for one that says why the case stayed), or its bare text for a
    note that has no kind (read from an older row)."""
    if note.note is None:
        return note.text
    found = note.note.to_json()
    if reason:
        found["reason"] = True
    return found


def logged_notes(stored: Sequence[Any]) -> tuple[tuple[LoggedNote, ...], tuple[LoggedNote, ...]]:
    """The warnings and the reasons of a log row's stored list (see :func:`note_json`)."""
    warnings: list[LoggedNote] = []
    reasons: list[LoggedNote] = []
    for item in stored:
        if isinstance(item, str):
            warnings.append(LoggedNote(item))
            continue
        if not isinstance(item, dict):
            continue
        text = str(item.get("text", ""))
        typed: MigrationNote | None = None
        try:
            typed = MigrationNote(NoteKind(str(item.get("kind"))), dict(item.get("params") or {}))
        except (ValueError, TypeError):
            typed = None
        (reasons if item.get("reason") else warnings).append(LoggedNote(text, typed))
    return tuple(warnings), tuple(reasons)
