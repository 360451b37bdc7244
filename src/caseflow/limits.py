"""How large a typed text and how large a number may be: one table, one refusal (pure).

A 20 MB title would be stored, hashed into the audit chain, mailed and printed on
every agenda; a negative lease or number of days means nothing. The services check
what people type against :data:`CAPS` and :func:`check_range` before anything is
written, and each refusal names the field, the cap and the size, so the CLI and the
web give the same answer. Sizes count characters (what a person sees), not bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from caseflow.errors import ErrorCode, InvalidInput


class Capped(StrEnum):
    """The kinds of typed text that have a cap."""

    TITLE = "title"
    SUMMARY = "summary"
    SECTION = "section"
    RECOMMENDATION = "recommendation"
    COMMENT = "comment"  # a step's comment, a decision, a reason or a note
    FIELD = "field"  # a workflow field's text (fields.*)


# Characters. An agenda item's title is a line; the longest sections of Copenhagen's
# published items run to some tens of thousands of characters.
CAPS: Mapping[Capped, int] = {
    Capped.TITLE: 500,
    Capped.SUMMARY: 20_000,
    Capped.SECTION: 200_000,
    Capped.RECOMMENDATION: 5_000,
    Capped.COMMENT: 20_000,
    Capped.FIELD: 20_000,
}
MAX_RECOMMENDATIONS = 100


def check_size(kind: Capped, text: object, field: str | None = None) -> None:
    """Refuse a text longer than its kind's cap; ``field`` names it (``sections.okonomi``)."""
    if not isinstance(text, str):
        return
    cap = CAPS[kind]
    if len(text) > cap:
        name = field or kind.value
        raise InvalidInput(
            f"{name} is {len(text):,} characters long; at most {cap:,} are accepted",
            code=ErrorCode.TOO_LARGE,
            field=name,
            cap=cap,
            size=len(text),
        )


def check_changes(changes: Mapping[str, Any]) -> None:
    """The caps over a case's changes as the services receive them (``title``,
    ``summary``, ``recommendations``, ``sections.KEY`` or ``sections``, ``fields.NAME``)."""
    for key, value in changes.items():
        if key == "title":
            check_size(Capped.TITLE, value, key)
        elif key == "summary":
            check_size(Capped.SUMMARY, value, key)
        elif key == "recommendations" and isinstance(value, list | tuple):
            check_recommendations(value)
        elif key == "sections" and isinstance(value, Mapping):
            for name, text in value.items():
                check_size(Capped.SECTION, text, f"sections.{name}")
        elif key.startswith("sections."):
            check_size(Capped.SECTION, value, key)
        elif key.startswith("fields."):
            check_size(Capped.FIELD, value, key)


def check_recommendations(items: list[Any] | tuple[Any, ...]) -> None:
    if len(items) > MAX_RECOMMENDATIONS:
        raise InvalidInput(
            f"recommendations: {len(items)} given; at most {MAX_RECOMMENDATIONS} are accepted",
            code=ErrorCode.TOO_LARGE,
            field="recommendations",
            cap=MAX_RECOMMENDATIONS,
            size=len(items),
        )
    for number, text in enumerate(items, 1):
        check_size(Capped.RECOMMENDATION, text, f"recommendation {number}")


def check_range(field: str, value: float, minimum: float, maximum: float) -> None:
    """Refuse a number outside ``minimum``..``maximum`` (a lease, a number of days)."""
    if not minimum <= value <= maximum:  # also refuses NaN
        raise InvalidInput(
            f"{field} must be from {minimum:g} to {maximum:g}, not {value:g}",
            code=ErrorCode.NUMBER_OUT_OF_RANGE,
            field=field,
            value=value,
            minimum=minimum,
            maximum=maximum,
        )
