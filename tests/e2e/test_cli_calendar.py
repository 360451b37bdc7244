"""``caseflow calendar``: add, between, holidays, as a user types them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import caseflow.cli.calendar as calendar_cli  # registers the sub-app on the root app
from caseflow.calendar import COPENHAGEN_RULES
from caseflow.cli import main
from caseflow.cli.app import app
from caseflow.errors import InvalidInput

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["calendar", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_default_rules_are_copenhagen() -> None:
    result = runner.invoke(app, ["calendar", "holidays", "2009"], env={"COLUMNS": "200"})
    assert f"Days off 2009 ({COPENHAGEN_RULES.name})" in result.output
    assert calendar_cli.Rules.copenhagen.value == COPENHAGEN_RULES.name


def test_the_configured_calendar_file_is_the_default(tmp_path: Path) -> None:
    calendar = tmp_path / "aarhus.yaml"
    calendar.write_text("name: aarhus\nbase: danish\nextra_days_off: [2009-12-28]\n")
    env = {"COLUMNS": "200", "CASEFLOW_CALENDAR": str(calendar)}
    added = runner.invoke(app, ["calendar", "add", "2009-12-23", "1"], env=env)
    # 24 Dec off (danish base), 25-27 holidays and the weekend, 28 Dec its own day off.
    assert added.output == "2009-12-29\n", added.output
    listed = runner.invoke(app, ["calendar", "holidays", "2009"], env=env)
    assert "Days off 2009 (aarhus)" in listed.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nextra_days_of: []\n")
    refused = subprocess.run(
        [sys.executable, "-m", "caseflow", "calendar", "add", "2009-12-23", "1"],
        env=os.environ | {"CASEFLOW_CALENDAR": str(bad)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert f"{bad}:2: extra_days_of: unknown key" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["2009-04-08", "1"], "2009-04-14"),  # over Easter 2009
        (["2009-04-14", "-3"], "2009-04-06"),  # a negative N as a plain argument
        (["2009-04-14", "-3", "--calendar", "weekdays"], "2009-04-07"),  # Sat 11 Apr counts
        (["--calendar", "weekdays", "2009-04-08", "1"], "2009-04-11"),
        (["2009-12-23", "1"], "2009-12-24"),  # Copenhagen works on Christmas Eve
        (["2009-12-23", "1", "--rules", "danish"], "2009-12-28"),
        (["2009-04-08", "--", "-3"], "2009-04-03"),  # the POSIX way works too
        (["2009-04-10", "0"], "2009-04-14"),  # Good Friday moves to the next working day
    ],
)
def test_add_prints_only_the_date(args: list[str], expected: str) -> None:
    assert run("add", *args) == expected + "\n"


def test_between_prints_the_integer() -> None:
    assert run("between", "2009-05-14", "2009-05-26") == "7\n"
    assert run("between", "2009-04-14", "2009-04-08") == "-1\n"
    assert run("between", "2009-05-15", "2009-05-18", "--calendar", "weekdays") == "2\n"
    assert run("between", "2009-12-23", "2010-01-04", "--rules", "danish") == "4\n"


def test_holidays_table() -> None:
    out = run("holidays", "2023")
    assert "2023-05-05" in out
    assert "Store bededag" in out
    assert "Grundlovsdag" in out
    assert "Juleaftensdag" not in out  # Copenhagen works on 24 December
    out = run("holidays", "2024", "--rules", "danish")
    assert "Store bededag" not in out
    assert "2024-12-24" in out
    assert "Juleaftensdag" in out
    assert "Nytårsaftensdag" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "2009-02-30", "1"], "DATE '2009-02-30' is not a date; use YYYY-MM-DD"),
        (["add", "14/05/2009", "1"], "DATE '14/05/2009' is not a date"),
        (["between", "2009-05-14", "soon"], "TO 'soon' is not a date"),
        (["holidays", "0"], "YEAR 0 is out of range"),
        (["add", "9999-12-30", "5"], "outside the years 1 to 9999"),
    ],
)
def test_bad_input_is_a_clean_error(
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = runner.invoke(app, ["calendar", *args])
    assert isinstance(result.exception, InvalidInput)
    # Through main(), as the installed command runs: one line, exit code 2.
    monkeypatch.setattr(sys, "argv", ["caseflow", "calendar", *args])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err


def test_bad_choice_is_a_usage_error() -> None:
    result = runner.invoke(app, ["calendar", "add", "2009-04-08", "1", "--calendar", "sundays"])
    assert result.exit_code == 2


def test_installed_command_in_a_subprocess(tmp_path: Path) -> None:
    env = os.environ | {"COLUMNS": "200"}
    help_text = subprocess.run(
        [sys.executable, "-m", "caseflow", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    if "calendar" not in help_text:
        pytest.skip("`calendar` is not registered in caseflow.cli yet")
    result = subprocess.run(
        [sys.executable, "-m", "caseflow", "calendar", "add", "2009-04-08", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2009-04-14\n"


@pytest.mark.parametrize(
    "flags",
    [[], ["--db", "elsewhere.db"], ["--workflows", "."], ["--db", "x.db", "--workflows", "."]],
)
def test_the_configured_calendar_survives_every_global_flag(flags: list[str]) -> None:
    """``--db`` or ``--workflows`` once rebuilt the settings from three fields, so a
    configured calendar fell back to Copenhagen's: a wrong legal deadline, without a word."""
    env = {"COLUMNS": "200", "CASEFLOW_CALENDAR": "danish"}
    added = runner.invoke(app, [*flags, "calendar", "add", "2026-12-07", "15"], env=env)
    # The national calendar works 24 and 31 December; Copenhagen's (2026-12-29) does not.
    assert added.output == "2026-12-30\n", added.output
