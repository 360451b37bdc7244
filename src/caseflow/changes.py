"""Applying a user's field changes to a case (pure: no I/O).

A change is ``{"summary": "..."}``, ``{"sections.losning": "..."}`` or
``{"fields.meeting": "BIU 2009-06-11"}``. Every value is checked for its type here,
so a bad edit is refused before anything is written, and the audit row records
exactly what changed, old and new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from caseflow.domain import EDITABLE_FIELDS, Attachment, Case
from caseflow.errors import InvalidInput

_DOTTED = ("sections", "fields")


@dataclass(slots=True)
class AppliedChanges:
    """The case after the changes, what the audit row records, and the columns to write.

    Slotted, not frozen: the deadline dispatcher builds thousands a second, and a
    frozen dataclass takes three times as long to build. Treat it as a value.
    """

    case: Case
    audit: dict[str, list[Any]]
    columns: frozenset[str]


def apply_changes(case: Case, changes: Mapping[str, Any]) -> AppliedChanges:
    """Return a changed copy of ``case``; ``case`` itself is left untouched.

    The copy shares the containers (lists, mappings) that no change touches with
    ``case``; one that a change edits inside (``sections.X``, ``fields.X``) is
    copied first. Neither is ever changed in place after this.
    """
    new = _copy(case)
    if not changes:
        return AppliedChanges(new, {}, frozenset())
    audit: dict[str, list[Any]] = {}
    columns: set[str] = set()
    copied: set[str] = set()
    for key, value in changes.items():
        column, _, entry = key.partition(".")
        if column not in EDITABLE_FIELDS or (entry and column not in _DOTTED):
            allowed = ", ".join((*EDITABLE_FIELDS, "sections.NAME", "fields.NAME"))
            raise InvalidInput(f"cannot change {key!r}; changeable: {allowed}")
        if entry:
            if column not in copied:
                setattr(new, column, _copy_json(getattr(new, column)))
                copied.add(column)
            container: dict[str, Any] = getattr(new, column)
            old = container.get(entry)
            checked = (
                _check_section(key, value) if column == "sections" else _check_json(key, value)
            )
            if checked is None:
                container.pop(entry, None)
            else:
                container[entry] = checked
        else:
            old = _jsonable(getattr(new, column))
            checked = _CHECKS[column](key, value)
            setattr(new, column, checked)
        new_value = _jsonable(
            getattr(new, column)[entry] if entry and checked is not None else checked
        )
        if new_value != old:
            audit[key] = [old, new_value]
            columns.add(column)
    return AppliedChanges(new, audit, frozenset(columns))


def _copy(case: Case) -> Case:
    """A shallow copy: what ``dataclasses.replace`` would build, at a tenth of its cost
    (the deadline dispatcher marks thousands of cases a second)."""
    new = object.__new__(Case)
    new.__dict__.update(case.__dict__)
    return new


def _copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (its scalars are immutable, so only containers)."""
    if type(value) is dict:
        return {key: _copy_json(item) for key, item in value.items()}
    if type(value) is list:
        return [_copy_json(item) for item in value]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Attachment):
        return value.to_json()
    return value


def _check_text(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{key} must be text, not {type(value).__name__}")
    return value.strip()


def _check_title(key: str, value: Any) -> str:
    text = _check_text(key, value)
    if not text:
        raise InvalidInput("a case needs a title; give a non-empty one")
    return text


def _check_optional_code(key: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    return _check_text(key, value)


def _check_text_list(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{key} must be a list of texts")
    return [v.strip() for v in value if v.strip()]


def _check_section(key: str, value: Any) -> str | None:
    if value is None:
        return None
    return _check_text(key, value)


def _check_sections(key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{key} must be a mapping of section name to text")
    return {str(k): _check_text(f"{key}.{k}", v) for k, v in value.items()}


def _check_attachments(key: str, value: Any) -> list[Attachment]:
    if not isinstance(value, list):
        raise InvalidInput(f"{key} must be a list of {{number, title}}")
    result = []
    for position, item in enumerate(value, start=1):
        if isinstance(item, Attachment):
            result.append(item)
            continue
        if not isinstance(item, dict) or set(item) != {"number", "title"}:
            raise InvalidInput(f"{key} item {position} must have exactly 'number' and 'title'")
        result.append(Attachment(_check_text(key, item["number"]), _check_text(key, item["title"])))
    return result


def _check_json(key: str, value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list):
        return [_check_json(key, v) for v in value]
    if isinstance(value, dict):
        return {str(k): _check_json(key, v) for k, v in value.items()}
    raise InvalidInput(f"{key} must be text, a number, a list or a mapping")


def _check_fields(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{key} must be a mapping")
    checked = _check_json(key, value)
    assert isinstance(checked, dict)
    return checked


_CHECKS = {
    "title": _check_title,
    "summary": _check_text,
    "committee": _check_optional_code,
    "lead_administration": _check_optional_code,
    "participating_administrations": _check_text_list,
    "recommendations": _check_text_list,
    "sections": _check_sections,
    "attachments": _check_attachments,
    "fields": _check_fields,
    "case_officer": _check_optional_code,
}
