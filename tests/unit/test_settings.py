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


def test_the_web_apps_sessions_and_identity_provider_default_to_passwords_only(
    tmp_path: Path,
) -> None:
    settings = Settings.load(tmp_path)
    assert (settings.session_idle_minutes, settings.session_hours) == (30, 12)
    assert (settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret) == (
        None,
        None,
        None,
    )
    assert settings.oidc_username_claim == "preferred_username"


def test_session_and_identity_provider_settings_come_from_the_file_or_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "caseflow.toml").write_text(
        "[caseflow]\nsession_idle_minutes = 20\nsession_hours = '8'\n"
        "oidc_issuer = 'https://login.kk.example/realms/caseflow'\n"
        "oidc_client_id = 'caseflow'\noidc_client_secret = 's3cret'\n"
        "oidc_username_claim = 'upn'\n",
        encoding="utf-8",
    )
    settings = Settings.load(tmp_path)
    assert (settings.session_idle_minutes, settings.session_hours) == (20, 8)
    assert settings.oidc_issuer == "https://login.kk.example/realms/caseflow"
    assert (settings.oidc_client_id, settings.oidc_client_secret) == ("caseflow", "s3cret")
    assert settings.oidc_username_claim == "upn"
    monkeypatch.setenv("CASEFLOW_SESSION_HOURS", "24")
    monkeypatch.setenv("CASEFLOW_OIDC_CLIENT_ID", "caseflow-test")
    overridden = Settings.load(tmp_path)
    assert (overridden.session_idle_minutes, overridden.session_hours) == (20, 24)
    assert overridden.oidc_client_id == "caseflow-test"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SESSION_IDLE_MINUTES", "0", "give a whole number of 1 or more"),
        ("SESSION_IDLE_MINUTES", "half an hour", "give a whole number of 1 or more"),
        ("SESSION_IDLE_MINUTES", "1441", "from 1 to 1440"),
        ("SESSION_HOURS", "-3", "give a whole number of 1 or more"),
        ("SESSION_HOURS", "721", "from 1 to 720"),
        ("OIDC_ISSUER", "login.kk.example", "the identity provider's issuer URL"),
    ],
)
def test_a_bad_session_or_identity_provider_setting_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"CASEFLOW_{name}", value)
    with pytest.raises(InvalidInput, match=f"CASEFLOW_{name}=.*{message}"):
        Settings.load(tmp_path)
