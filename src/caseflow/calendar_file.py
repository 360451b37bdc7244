"""A municipality's calendar rules from a YAML file of its own.

The rules themselves (what a day off is) live in :mod:`caseflow.calendar`, which
does no I/O; this module reads a file and reports its mistakes with their lines,
like a workflow file. The ``calendar`` setting (``CASEFLOW_CALENDAR`` or
``calendar =`` in ``caseflow.toml``) names either a preset or such a file::

    # Aarhus Kommune: KL's days off, and 1 May from 2025
    name: aarhus
    base: danish                  # the preset to start from (default: danish)
    days_off_every_year: ["06-05", "12-24", "12-31", "05-01"]
    extra_days_off: [2025-05-02]  # the day after Kristi himmelfart, once
    extra_days_on: []

A key left out keeps the base's value, so a municipality that adds one closing
day does not lose Christmas Eve by accident.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from caseflow.calendar import RULE_PRESETS, CalendarRules
from caseflow.errors import DefinitionError, InvalidInput, Problem

FILE_SUFFIXES = (".yaml", ".yml")


def is_calendar_file(setting: str) -> bool:
    """Whether the ``calendar`` setting names a file rather than a preset."""
    return setting.endswith(FILE_SUFFIXES) or "/" in setting


def rules_from_setting(setting: str, cwd: Path) -> CalendarRules:
    """The rules the ``calendar`` setting names: a preset, or a YAML file (relative to ``cwd``)."""
    if is_calendar_file(setting):
        path = Path(setting).expanduser()
        return load_calendar_file(path if path.is_absolute() else cwd / path)
    try:
        return RULE_PRESETS[setting]
    except KeyError:
        known = ", ".join(sorted(RULE_PRESETS))
        raise InvalidInput(
            f"calendar {setting!r} is neither a preset ({known}) nor a YAML file; "
            "set CASEFLOW_CALENDAR (or calendar in caseflow.toml) to a preset or to "
            "the path of your municipality's calendar file, e.g. calendar.yaml"
        ) from None


def load_calendar_file(path: Path) -> CalendarRules:
    """Read one calendar file; raise DefinitionError naming the file, line and key."""
    if not path.is_file():
        raise InvalidInput(
            f"calendar file {path} does not exist; check CASEFLOW_CALENDAR "
            "(or calendar in caseflow.toml)"
        )
    from caseflow.definitions.loader import read_yaml_with_lines  # YAML only for a file

    data, lines = read_yaml_with_lines(path)
    file = str(path)
    if not isinstance(data, Mapping):
        raise DefinitionError(
            [Problem(file, 1, "calendar", "expected keys such as name, days_off_every_year")]
        )

    def line_of(key: str) -> int | None:
        return lines.get((key,)) or lines.get(())

    body = dict(data)
    base_name = body.pop("base", "danish")
    base = RULE_PRESETS.get(str(base_name))
    if base is None:
        known = ", ".join(sorted(RULE_PRESETS))
        raise DefinitionError(
            [Problem(file, line_of("base"), "base", f"{base_name!r} is no preset; use {known}")]
        )
    problems = []
    for key, value in body.items():  # each key alone first: its own line in the message
        try:
            CalendarRules.from_mapping({key: value}, key, base=CalendarRules(name=base.name))
        except InvalidInput as exc:
            problems.append(Problem(file, line_of(str(key)), str(key), _without_prefix(exc, key)))
    if problems:
        raise DefinitionError(problems)
    try:
        return CalendarRules.from_mapping(body, "calendar", base=base)
    except InvalidInput as exc:  # the keys together contradict each other or the base
        last = max(body, key=lambda k: line_of(str(k)) or 0, default="calendar")
        raise DefinitionError(
            [Problem(file, line_of(str(last)), "calendar", _without_prefix(exc, "calendar"))]
        ) from None


def _without_prefix(error: InvalidInput, where: object) -> str:
    text = str(error)
    prefix = f"{where}: "
    return text[len(prefix) :] if text.startswith(prefix) else text
