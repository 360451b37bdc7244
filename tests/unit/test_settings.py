"""Settings: a global flag changes its own setting and keeps every other one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from caseflow.errors import InvalidInput
from caseflow.settings import Settings


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    for name, value in {
        "CASEFLOW_CALENDAR": "danish",
        "CASEFLOW_NOW": "2026-12-07T09:00",
        "CASEFLOW_MAIL_DIR": "outgoing",
        "CASEFLOW_LANGUAGE": "en",
        "CASEFLOW_MAX_ATTEMPTS": "3",
        "CASEFLOW_USER": "bif.sagsbehandler",
    }.items():
        monkeypatch.setenv(name, value)
    return Settings.load(tmp_path)


def test_overriding_the_database_and_workflows_keeps_every_other_setting(
    configured: Settings, tmp_path: Path
) -> None:
    overridden = configured.with_overrides(database="other.db", workflows_dir=tmp_path / "wf")
    assert overridden.database_url == f"sqlite:///{(Path.cwd() / 'other.db').resolve()}"
    assert overridden.workflows_dir == tmp_path / "wf"
    for field in dataclasses.fields(Settings):
        if field.name not in {"database_url", "workflows_dir"}:
            assert getattr(overridden, field.name) == getattr(configured, field.name), field.name
    assert overridden.calendar == "danish"
    assert overridden.max_attempts == 3


def test_no_flag_changes_nothing(configured: Settings) -> None:
    assert configured.with_overrides() == configured


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[caseflow]\ndatabase_url = 5\n", "database_url = 5: write it as text"),
        ("[caseflow]\ndatabse_url = 'x.db'\n", "unknown setting databse_url"),
        ("\x00\x01\x02binary", "not valid TOML"),
    ],
)
def test_a_bad_settings_file_is_refused_with_what_is_wrong(
    tmp_path: Path, toml: str, message: str
) -> None:
    (tmp_path / "caseflow.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        Settings.load(tmp_path)
    assert not (tmp_path / "5").exists()


def test_a_language_caseflow_does_not_speak_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CASEFLOW_LANGUAGE", "fr")
    with pytest.raises(InvalidInput, match="'fr' is not one caseflow speaks; use da or en"):
        Settings.load(tmp_path)
