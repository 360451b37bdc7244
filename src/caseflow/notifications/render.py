"""Rendering notification templates: the one place that builds the Jinja2 environment.

Templates live in ``{templates_dir}/notifications/{language}/`` as three files
per notification, ``NAME.subject.j2``, ``NAME.txt.j2`` and ``NAME.html.j2``, so a
municipality can change every word without touching code. The environment is
strict on purpose: a variable missing from the context is an error naming the
template file and the variable, never a silently empty sentence in a letter to
a citizen. HTML files are autoescaped, so a case title typed by a user cannot
inject markup into an e-mail; the subject and text files are not, so they read
as typed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, get_args

from caseflow.calendar import COPENHAGEN, local_date
from caseflow.errors import InvalidInput
from caseflow.notifications.message import RenderedMessage

if TYPE_CHECKING:
    from jinja2 import Environment

Language = Literal["da", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "da"

PARTS = ("subject", "txt", "html")
"""The file suffixes of one notification, in the order they are rendered."""

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")

DA_MONTHS = (
    *("januar", "februar", "marts", "april", "maj", "juni"),
    *("juli", "august", "september", "oktober", "november", "december"),
)
EN_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


# ------------------------------------------------------------------------ filters


def _as_local_date(value: object, filter_name: str) -> date:
    """A date as is; an aware moment as its Copenhagen date."""
    if isinstance(value, datetime):
        return local_date(_aware(value, filter_name))
    if isinstance(value, date):
        return value
    raise InvalidInput(f"{filter_name} needs a date or a datetime, got {value!r}")


def _aware(value: datetime, filter_name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"{filter_name} got {value.isoformat()} without a time zone; "
            "pass an aware datetime (caseflow stores UTC)"
        )
    return value


def _as_local_datetime(value: object, filter_name: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput(f"{filter_name} needs a datetime, got {value!r}")
    return _aware(value, filter_name).astimezone(COPENHAGEN)


def da_date(value: object) -> str:
    """``14. maj 2009``: a date as Danish letters write it (Copenhagen date of a moment)."""
    d = _as_local_date(value, "da_date")
    return f"{d.day}. {DA_MONTHS[d.month - 1]} {d.year}"


def en_date(value: object) -> str:
    """``14 May 2009`` (the Copenhagen date of a moment)."""
    d = _as_local_date(value, "en_date")
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


def da_datetime(value: object) -> str:
    """``14. maj 2009 kl. 10.00`` in Copenhagen time, summer or winter."""
    moment = _as_local_datetime(value, "da_datetime")
    return f"{da_date(moment.date())} kl. {moment:%H.%M}"


def en_datetime(value: object) -> str:
    """``14 May 2009 at 10:00`` in Copenhagen time, summer or winter."""
    moment = _as_local_datetime(value, "en_datetime")
    return f"{en_date(moment.date())} at {moment:%H:%M}"


def _count(value: object, filter_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{filter_name} needs a whole number of days, got {value!r}")
    return value


def da_working_days(value: object) -> str:
    """``1 arbejdsdag``, ``3 arbejdsdage``: Danish plural, which templates get wrong by hand."""
    n = _count(value, "da_working_days")
    return f"{n} arbejdsdag" if abs(n) == 1 else f"{n} arbejdsdage"


def en_working_days(value: object) -> str:
    """``1 working day``, ``3 working days``."""
    n = _count(value, "en_working_days")
    return f"{n} working day" if abs(n) == 1 else f"{n} working days"


FILTERS: dict[str, Callable[[object], str]] = {
    "da_date": da_date,
    "en_date": en_date,
    "da_datetime": da_datetime,
    "en_datetime": en_datetime,
    "da_working_days": da_working_days,
    "en_working_days": en_working_days,
}


# ----------------------------------------------------------------------- renderer


class Renderer:
    """Renders ``notifications/{language}/{name}.*.j2`` under ``templates_dir``.

    ``templates_dir`` is the folder that holds ``notifications/`` (usually
    :func:`caseflow.settings.default_templates_dir`). One environment per
    renderer, built on first use; templates are compiled once and cached by Jinja2.
    """

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir

    @functools.cached_property
    def environment(self) -> Environment:
        """The strict, autoescaping environment with caseflow's filters."""
        # Imported here: a worker holds a renderer from its start, and an idle one
        # renders nothing, so it need not hold Jinja2 (issue 19, memory).
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

        environment = Environment(
            loader=FileSystemLoader(self.templates_dir, encoding="utf-8"),
            # Templates are named *.html.j2: match the full double extension.
            autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        environment.filters.update(FILTERS)
        return environment

    def render(
        self, template: str, language: Language, context: Mapping[str, Any]
    ) -> RenderedMessage:
        """Subject (one line, whitespace collapsed), text and HTML of ``template``.

        The templates see ``context`` plus ``language`` (``"da"`` or ``"en"``).

        Raises :class:`InvalidInput` naming the template file when a file is
        missing or broken, or when the context lacks a variable the template uses.
        """
        self._check(template, language)
        values = {"language": language, **context}
        subject, text, html = (
            self._render_file(self._path(template, language, part), values) for part in PARTS
        )
        return RenderedMessage(
            subject=" ".join(subject.split()),
            text=text.strip() + "\n",
            html=html.strip() + "\n",
        )

    def list_templates(self) -> list[str]:
        """The notification names with all three files in at least one language."""
        found: set[str] = set()
        for language in LANGUAGES:
            folder = self.templates_dir / "notifications" / language
            if not folder.is_dir():
                continue
            for path in folder.glob("*.txt.j2"):
                name = path.name.removesuffix(".txt.j2")
                if _NAME.fullmatch(name) and all(
                    (folder / f"{name}.{part}.j2").is_file() for part in PARTS
                ):
                    found.add(name)
        return sorted(found)

    # -- helpers

    def _check(self, template: str, language: str) -> None:
        if language not in LANGUAGES:
            raise InvalidInput(
                f"no notification language {language!r}; use one of {', '.join(LANGUAGES)}"
            )
        if not _NAME.fullmatch(template):
            raise InvalidInput(
                f"{template!r} is not a notification template name: use lower-case letters, "
                "digits, '-' and '_' (files starting with '_' are layouts, not notifications)"
            )

    @staticmethod
    def _path(template: str, language: str, part: str) -> str:
        # Jinja2 template names always use '/', whatever the operating system.
        return f"notifications/{language}/{template}.{part}.j2"

    def _render_file(self, name: str, values: Mapping[str, Any]) -> str:
        environment = self.environment  # (imports Jinja2, whose errors are caught below)
        from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError

        try:
            return environment.get_template(name).render(values)
        except TemplateNotFound as exc:
            missing = exc.name or name
            known = ", ".join(self.list_templates()) or "none"
            raise InvalidInput(
                f"template {self.templates_dir / missing} does not exist; "
                f"create it or use one of the notifications that exist: {known}"
            ) from exc
        except TemplateSyntaxError as exc:
            where = exc.filename or str(self.templates_dir / name)
            raise InvalidInput(f"{where}:{exc.lineno}: {exc.message}; fix the template") from exc
        except UndefinedError as exc:
            raise InvalidInput(
                f"{self._where(name, exc.__traceback__)}: {exc.message}; add the missing value "
                "to the context (None when there is nothing to say) or change the template"
            ) from exc
        except InvalidInput as exc:  # from a filter, e.g. a datetime without a time zone
            raise InvalidInput(f"{self._where(name, exc.__traceback__)}: {exc}") from exc

    def _where(self, name: str, tb: TracebackType | None) -> str:
        """The template file, line and source line an error was raised at.

        Jinja2 rewrites tracebacks so that template code appears under the
        template's file name and line. The error may come from a layout the
        template extends, so the last template frame wins; without one, the
        file being rendered is named.
        """
        found: tuple[str, int] | None = None
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                found = (filename, tb.tb_lineno)
            tb = tb.tb_next
        if found is None:
            return str(self.templates_dir / name)
        filename, line = found
        try:
            source = Path(filename).read_text(encoding="utf-8").splitlines()[line - 1].strip()
        except (OSError, IndexError):
            return f"{filename}:{line}"
        return f"{filename}:{line} ({source[:120]})"
