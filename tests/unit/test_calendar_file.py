"""A municipality's own calendar file: read, merged with its base, mistakes with their lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from caseflow.calendar import COPENHAGEN_RULES, DANISH_DEFAULT, BusinessCalendar
from caseflow.calendar_file import load_calendar_file, rules_from_setting
from caseflow.errors import DefinitionError, InvalidInput
from caseflow.testing import marked_line

AARHUS = """\
    # Aarhus: KL's days off and 1 May; the Friday after Ascension 2025 once
    name: aarhus
    base: danish
    days_off_every_year: ["06-05", "12-24", "12-31", "05-01"]
    extra_days_off: [2025-05-30]
"""


def write(folder: Path, text: str) -> Path:
    path = folder / "calendar.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return path


def test_a_file_adds_the_municipalitys_days(tmp_path: Path) -> None:
    rules = load_calendar_file(write(tmp_path, AARHUS))
    assert rules.name == "aarhus"
    working = BusinessCalendar(rules, "working")
    assert not working.is_open(date(2025, 5, 1))  # its own annual day off
    assert not working.is_open(date(2025, 5, 30))  # its one-off closing day
    assert not working.is_open(date(2025, 12, 24))
    # 1 May is off, 2 May open; Ascension (29 May) and the 30th are off.
    assert working.add(date(2025, 4, 30), 1) == date(2025, 5, 2)
    assert working.add(date(2025, 5, 28), 1) == date(2025, 6, 2)


def test_keys_left_out_keep_the_base(tmp_path: Path) -> None:
    rules = load_calendar_file(
        write(tmp_path, "name: kolding\nbase: copenhagen\nextra_days_off: [2010-05-14]\n")
    )
    assert rules.annual_days_off == COPENHAGEN_RULES.annual_days_off
    assert rules.extra_days_off == frozenset({date(2010, 5, 14)})
    default_base = load_calendar_file(write(tmp_path, "name: vejle\n"))
    assert default_base.annual_days_off == DANISH_DEFAULT.annual_days_off


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('name: x\ndays_off_every_year: ["13-01"]  #!\n', "'13-01' is not a day of the year"),
        ("name: x\nextra_day_off: [2025-05-02]  #!\n", "did you mean 'extra_days_off'"),
        ("name: x\nbase: aarhus  #!\n", "'aarhus' is no preset"),
        (
            "name: x\nextra_days_on: [2025-05-02]\nextra_days_off: [2025-05-02]  #!\n",
            "a day is either off or on",
        ),
        ("name: x\nextra_days_off: 2025-05-02  #!\n", "give a list"),
    ],
    ids=["bad-month-day", "misspelt-key", "unknown-base", "contradiction", "not-a-list"],
)
def test_a_mistake_names_file_line_and_key(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DefinitionError) as caught:
        load_calendar_file(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.line == marked_line(text)
    assert needle in problem.message


def test_the_setting_names_a_preset_or_a_file(tmp_path: Path) -> None:
    assert rules_from_setting("danish", tmp_path) is DANISH_DEFAULT
    write(tmp_path, AARHUS)
    assert rules_from_setting("calendar.yaml", tmp_path).name == "aarhus"
    with pytest.raises(InvalidInput, match="neither a preset"):
        rules_from_setting("aarhus", tmp_path)
    with pytest.raises(InvalidInput, match="does not exist"):
        rules_from_setting("missing.yaml", tmp_path)
