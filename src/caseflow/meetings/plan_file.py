"""Reading a year's meeting plan from YAML or CSV, every problem with file and line.

A secretariat writes the plan once a year; a typo must point at its line, and
all the problems of a file are reported at once, as for workflow files.

YAML::

    defaults:                        # optional, per committee
      BIU: {time: "16:30", until: "18:30", place: "Københavns Rådhus"}
    meetings:
      - {committee: BIU, date: 2009-06-11}
      - {committee: BIU, date: 2009-08-13, time: "15:00", note: Ekstraordinært møde}

CSV (first line the header; ``until``, ``place`` and ``note`` may be left out)::

    committee,date,time,until,place,note
    BIU,2009-06-11,16:30,18:30,Københavns Rådhus,

Times are Copenhagen wall-clock times. An unquoted ``16:30`` in YAML is read
by YAML 1.1 as the number 990 (sixty-based); we read it back as 16:30 rather
than make people quote every time.

Pure apart from reading the file: which committees exist is checked by the
importer against the database, with the lines kept here.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from caseflow.definitions.loader import read_yaml
from caseflow.errors import DefinitionError, InvalidInput, Problem
from caseflow.local_time import parse_clock, strict_local

ENTRY_KEYS = ("committee", "date", "time", "until", "place", "note")
DEFAULT_KEYS = ("time", "until", "place")


@dataclass(frozen=True)
class PlanEntry:
    """One meeting of the plan file, and the line it came from."""

    committee: str
    starts_at: datetime  # aware UTC
    ends_at: datetime | None
    place: str | None
    note: str | None
    line: int | None


def read_plan(path: str | Path, committees: frozenset[str] | None = None) -> list[PlanEntry]:
    """Read and check a plan file (``.csv`` or YAML); DefinitionError lists every problem.

    With ``committees`` (the codes that exist) a meeting of another is an unknown
    committee, reported as such rather than as the time its defaults would give."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        rows, problems = _csv_rows(path)
        defaults: dict[str, dict[str, Any]] = {}
    else:
        rows, defaults, problems = _yaml_rows(path)
    entries: list[PlanEntry] = []
    first_line: dict[tuple[str, datetime], int | None] = {}
    for values, line in rows:
        entry = _entry(str(path), values, line, defaults, problems, committees)
        if entry is None:
            continue
        key = (entry.committee, entry.starts_at)
        if key in first_line:
            problems.append(
                Problem(
                    str(path),
                    line,
                    entry.committee,
                    f"the same meeting is listed twice (first on line {first_line[key]})",
                )
            )
            continue
        first_line[key] = line
        entries.append(entry)
    if problems:
        raise DefinitionError(problems)
    return entries


def _yaml_rows(
    path: Path,
) -> tuple[list[tuple[Mapping[str, Any], int | None]], dict[str, dict[str, Any]], list[Problem]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([Problem(file, None, "", f"cannot read the file: {exc}")]) from None
    # A value YAML cannot read (2009-02-30) is a problem of its own; the rest of the
    # file is still checked, so every problem is reported at once.
    data, lines, problems = read_yaml(text, file)
    if data is None:
        raise DefinitionError(problems)
    if not isinstance(data, dict):
        problems.append(Problem(file, 1, "", "expected a mapping with 'meetings' (and 'defaults')"))
        return [], {}, problems
    for key in data:
        if key not in ("defaults", "meetings"):
            problems.append(
                Problem(file, lines.get((key,)), str(key), _unknown(key, ("defaults", "meetings")))
            )
    defaults: dict[str, dict[str, Any]] = {}
    raw_defaults = data.get("defaults") or {}
    if not isinstance(raw_defaults, dict):
        problems.append(
            Problem(file, lines.get(("defaults",)), "defaults", "give a mapping per committee")
        )
        raw_defaults = {}
    for code, values in raw_defaults.items():
        line = lines.get(("defaults", code))
        if not isinstance(values, dict):
            problems.append(
                Problem(file, line, f"defaults.{code}", 'give e.g. {time: "16:30", place: ...}')
            )
            continue
        for key in values:
            if key not in DEFAULT_KEYS:
                problems.append(
                    Problem(
                        file,
                        lines.get(("defaults", code, key), line),
                        f"defaults.{code}",
                        _unknown(key, DEFAULT_KEYS),
                    )
                )
        defaults[str(code)] = dict(values)
    meetings = data.get("meetings")
    if not isinstance(meetings, list):
        problems.append(
            Problem(file, lines.get(("meetings",), 1), "meetings", "give a list of meetings")
        )
        return [], defaults, problems
    rows: list[tuple[Mapping[str, Any], int | None]] = []
    for index, item in enumerate(meetings):
        line = lines.get(("meetings", index))
        if not isinstance(item, dict):
            problems.append(
                Problem(file, line, f"meetings[{index}]", "give {committee: ..., date: ...}")
            )
            continue
        for key in item:
            if key not in ENTRY_KEYS:
                problems.append(
                    Problem(
                        file,
                        lines.get(("meetings", index, key), line),
                        f"meetings[{index}]",
                        _unknown(key, ENTRY_KEYS),
                    )
                )
        rows.append(({k: v for k, v in item.items() if k in ENTRY_KEYS}, line))
    return rows, defaults, problems


def _csv_rows(path: Path) -> tuple[list[tuple[Mapping[str, Any], int | None]], list[Problem]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([Problem(file, None, "", f"cannot read the file: {exc}")]) from None
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    problems = [
        Problem(file, 1, "header", _unknown(name, ENTRY_KEYS))
        for name in header
        if name not in ENTRY_KEYS
    ]
    for needed in ("committee", "date", "time"):
        if needed not in header:
            problems.append(Problem(file, 1, "header", f"column {needed!r} is missing"))
    if problems:
        return [], problems
    rows: list[tuple[Mapping[str, Any], int | None]] = []
    for record in reader:
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items() if k}
        if not any(values.values()):
            continue
        rows.append(({k: v for k, v in values.items() if v}, reader.line_num))
    return rows, []


def _entry(
    file: str,
    values: Mapping[str, Any],
    line: int | None,
    defaults: Mapping[str, Mapping[str, Any]],
    problems: list[Problem],
    committees: frozenset[str] | None = None,
) -> PlanEntry | None:
    """One meeting of the file, or None with every problem it has added to ``problems``."""
    committee = values.get("committee")
    if not isinstance(committee, str) or not committee.strip():
        problems.append(Problem(file, line, "committee", "missing: give the committee's code"))
        return None
    committee = committee.strip()
    if committees is not None and committee not in committees:
        known = ", ".join(sorted(committees)) or "none loaded"
        problems.append(
            Problem(
                file,
                line,
                committee,
                f"no committee {committee!r} (unknown committee); known: {known}",
            )
        )
        return None
    merged = {**defaults.get(committee, {}), **values}
    where = f"{committee} meeting"
    found = len(problems)
    day = _date(merged.get("date"))
    unread = merged.get("date") is None and any(p.line == line for p in problems[:found])
    if day is None and not unread:  # an unreadable value is reported already
        problems.append(
            Problem(file, line, where, f"date {merged.get('date')!r}: write YYYY-MM-DD")
        )
    starts = _time(merged.get("time"))
    if starts is None:
        shown = "missing" if merged.get("time") is None else repr(merged.get("time"))
        problems.append(
            Problem(
                file,
                line,
                where,
                f'time {shown}: write HH:MM, e.g. time: "16:30", or give defaults for {committee}',
            )
        )
    ends: time | None = None
    if merged.get("until") is not None:
        ends = _time(merged.get("until"))
        if ends is None or (starts is not None and ends <= starts):
            after = f", after {starts:%H:%M}" if starts is not None else ""
            problems.append(
                Problem(
                    file,
                    line,
                    where,
                    f"until {merged.get('until')!r}: write the end as HH:MM{after}",
                )
            )
    if day is None or starts is None or len(problems) > found:
        return None
    try:
        starts_at = strict_local(day, starts, "time")
        ends_at = strict_local(day, ends, "until") if ends is not None else None
    except InvalidInput as refused:
        problems.append(Problem(file, line, where, refused.message))
        return None
    return PlanEntry(
        committee=committee,
        starts_at=starts_at,
        ends_at=ends_at,
        place=_text(merged.get("place")),
        note=_text(merged.get("note")),
        line=line,
    )


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _time(value: Any) -> time | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)  # YAML 1.1 read 16:30 as 990
    if isinstance(value, str):
        return parse_clock(value)
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _unknown(key: object, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"use {', '.join(known)}"
    return f"unknown key {key!r}; {hint}"
