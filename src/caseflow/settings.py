"""Settings, from CASEFLOW_* environment variables or ``caseflow.toml``.

The environment wins over the file, so a deployment can override one value
without editing the file. Nothing here opens a database.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from caseflow.errors import InvalidInput

DEFAULT_DATABASE_FILE = "caseflow.db"
CONFIG_FILE = "caseflow.toml"


@dataclass(frozen=True)
class Settings:
    database_url: str
    workflows_dir: Path
    user: str | None = None
    # A preset of caseflow.calendar.RULE_PRESETS, or the path of a calendar YAML file
    # (see caseflow.calendar_file).
    calendar: str = "copenhagen"
    mail_dir: Path = Path("mail")  # where the file channel writes when no SMTP host is set
    language: str = "da"
    # A fixed "now" (CASEFLOW_NOW) for rehearsals and tests: the engine's clock stands still.
    now: datetime | None = None
    # Tries before a failing deadline or notification becomes an incident (a person's turn).
    max_attempts: int = 8
    # The web app's sessions: signed out after this long without a request, and after
    # this long in any case (services.accounts).
    session_idle_minutes: int = 30
    session_hours: int = 12
    # Sign-in through the municipality's identity provider (OpenID Connect), for the web
    # app; unset: passwords only.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_username_claim: str = "preferred_username"  # the claim that names the actor
    # -- records (caseflow records; see _records below) --
    # The Ed25519 private key that signs checkpoints: a file, never a table (its public
    # key is written beside it, ".pub" added, by `caseflow records keygen`).
    records_key_file: Path = Path("caseflow-records.key")
    # The append-only JSON Lines copy of every checkpoint, for write-once storage.
    records_export: Path = Path("caseflow-checkpoints.jsonl")
    # How often the worker signs a checkpoint, in minutes; None: only when asked.
    records_checkpoint_minutes: int | None = None
    # Seconds a SQLite writer waits for another process's write lock before it is told
    # "database busy" (PostgreSQL's row locks need no such wait).
    busy_timeout: int = 5

    def with_overrides(
        self, *, database: str | None = None, workflows_dir: Path | None = None
    ) -> Settings:
        """These settings with a global flag's value in place; every other setting kept."""
        settings = self
        if database:
            settings = replace(settings, database_url=database_url_from(database))
        if workflows_dir:
            settings = replace(settings, workflows_dir=workflows_dir)
        return settings

    @classmethod
    def load(cls, cwd: Path | None = None) -> Settings:
        """Read ``caseflow.toml`` (section ``[caseflow]``) and the environment."""
        base = cwd or Path.cwd()
        file_values = _read_config(base / CONFIG_FILE)
        database = os.environ.get("CASEFLOW_DATABASE_URL") or file_values.get("database_url")
        workflows = os.environ.get("CASEFLOW_WORKFLOWS_DIR") or file_values.get("workflows_dir")
        user = os.environ.get("CASEFLOW_USER") or file_values.get("user")

        def value(name: str, default: str) -> str:
            return os.environ.get(f"CASEFLOW_{name.upper()}") or file_values.get(name) or default

        return cls(
            database_url=database_url_from(database or str(base / DEFAULT_DATABASE_FILE)),
            workflows_dir=Path(workflows) if workflows else default_workflows_dir(base),
            user=user,
            calendar=_calendar(value("calendar", "copenhagen"), base),
            mail_dir=base / value("mail_dir", "mail"),
            language=_language(value("language", "da")),
            now=_moment(os.environ.get("CASEFLOW_NOW")),
            max_attempts=_count("max_attempts", value("max_attempts", "8")),
            session_idle_minutes=_count(
                "session_idle_minutes", value("session_idle_minutes", "30"), MAX_IDLE_MINUTES
            ),
            session_hours=_count("session_hours", value("session_hours", "12"), MAX_SESSION_HOURS),
            oidc_issuer=_issuer(value("oidc_issuer", "")),
            oidc_client_id=value("oidc_client_id", "") or None,
            oidc_client_secret=value("oidc_client_secret", "") or None,
            oidc_username_claim=value("oidc_username_claim", "preferred_username"),
            **_records(value, base),
            busy_timeout=_count("busy_timeout", value("busy_timeout", "5"), MAX_BUSY_SECONDS),
        )


# -- records: the signing key, the export and the worker's schedule --------------------------
RECORDS_KEYS = ("records_key_file", "records_export", "records_checkpoint_minutes")
RECORDS_NUMBER_KEYS = ("records_checkpoint_minutes",)


def _records(value: Callable[[str, str], str], base: Path) -> dict[str, Any]:
    """The records settings; paths relative to the folder the settings were read in."""
    minutes = value("records_checkpoint_minutes", "")
    return {
        "records_key_file": base
        / Path(value("records_key_file", "caseflow-records.key")).expanduser(),
        "records_export": base
        / Path(value("records_export", "caseflow-checkpoints.jsonl")).expanduser(),
        "records_checkpoint_minutes": _count("records_checkpoint_minutes", minutes)
        if minutes
        else None,
    }


# -- end of records ---------------------------------------------------------------------------

LANGUAGES = ("da", "en")
"""The languages caseflow speaks: its workflow files, templates and documents have both."""

# The keys of ``[caseflow]`` in caseflow.toml (each also a CASEFLOW_* variable).
FILE_KEYS = (
    "database_url",
    "workflows_dir",
    "user",
    "calendar",
    "mail_dir",
    "language",
    "max_attempts",
    "session_idle_minutes",
    "session_hours",
    "oidc_issuer",
    "oidc_client_id",
    "oidc_client_secret",
    "oidc_username_claim",
    *RECORDS_KEYS,
    "busy_timeout",
)
# The keys a caseflow.toml may also give as a number.
NUMBER_KEYS = (
    "max_attempts",
    "session_idle_minutes",
    "session_hours",
    "busy_timeout",
    *RECORDS_NUMBER_KEYS,
)
MAX_IDLE_MINUTES = 24 * 60  # a day
MAX_SESSION_HOURS = 30 * 24  # a month
MAX_BUSY_SECONDS = 600  # ten minutes: longer is a hung process, not a busy one


def _language(text: str) -> str:
    if text not in LANGUAGES:
        raise InvalidInput(
            f"language {text!r} is not one caseflow speaks; use {' or '.join(LANGUAGES)}"
        )
    return text


def _calendar(setting: str, cwd: Path) -> str:
    """A calendar file is found relative to the folder the settings were read in."""
    if setting.endswith((".yaml", ".yml")) or "/" in setting:
        return str((cwd / Path(setting).expanduser()).resolve())
    return setting


def _count(name: str, text: str, most: int | None = None) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise InvalidInput(f"CASEFLOW_{name.upper()}={text!r}: give a whole number of 1 or more")
    if most is not None and number > most:
        raise InvalidInput(
            f"CASEFLOW_{name.upper()}={text!r}: give a whole number from 1 to {most}"
        )
    return number


def _issuer(text: str) -> str | None:
    """The identity provider's issuer URL (its discovery document is under it)."""
    if not text:
        return None
    if not text.startswith(("https://", "http://")) or " " in text:
        raise InvalidInput(
            f"CASEFLOW_OIDC_ISSUER={text!r}: give the identity provider's issuer URL, "
            "e.g. https://login.kk.example/realms/caseflow"
        )
    return text


def _moment(text: str | None) -> datetime | None:
    """An ISO time; without a zone it is Copenhagen time."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"CASEFLOW_NOW={text!r} is not a time; write e.g. 2009-04-20T09:00 (Copenhagen time)"
        ) from None
    from caseflow.calendar import COPENHAGEN  # the holidays it loads are not needed before

    return moment if moment.tzinfo else moment.replace(tzinfo=COPENHAGEN)


def database_url_from(value: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (which means SQLite)."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def default_workflows_dir(cwd: Path) -> Path:
    """``./workflows`` if the user has one, else the definitions shipped with caseflow."""
    local = cwd / "workflows"
    if local.is_dir():
        return local
    package = Path(__file__).resolve().parent
    bundled = package / "_bundled" / "workflows"  # a wheel install
    if bundled.is_dir():
        return bundled
    return package.parents[1] / "workflows"  # an editable install from the repository


def default_templates_dir() -> Path:
    package = Path(__file__).resolve().parent
    bundled = package / "_bundled" / "templates"
    return bundled if bundled.is_dir() else package.parents[1] / "templates"


def _read_config(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: not valid TOML ({exc}); fix or remove the file") from exc
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})") from exc
    section = data.get("caseflow", {})
    if not isinstance(section, dict):
        raise InvalidInput(f"{path}: [caseflow] must be a table of settings")
    unknown = sorted(set(section) - set(FILE_KEYS))
    if unknown:
        raise InvalidInput(
            f"{path}: unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"under [caseflow]; the settings are {', '.join(FILE_KEYS)}"
        )
    found: dict[str, str] = {}
    for key, value in section.items():
        if key in NUMBER_KEYS and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise InvalidInput(f"{path}: {key} = {value!r}: write it as text in quotes")
        found[key] = value
    return found
