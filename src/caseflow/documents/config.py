"""Which sections an agenda item has, in which order, under which headings.

A municipality describes its own agenda-item format in a YAML file (the
default, Copenhagen's, is ``templates/documents/documents.yaml``)::

    sections:
      - key: kompetence                       # the key in Case.sections
        heading: {da: Kompetence, en: Authority}
        aliases: [Beslutningskompetence]      # other headings the importer accepts
        placement: head                       # head: before "Indstilling"; body: after

Rendering shows the sections an item has in this order; the importer
recognises these headings (and their aliases) in scanned text. Adding a
municipal field is a new entry here, never code. The file is checked like the
workflow files: every problem with its file and line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caseflow.definitions import read_yaml_with_lines
from caseflow.errors import DefinitionError, Problem
from caseflow.settings import default_templates_dir

CONFIG_ENV = "CASEFLOW_DOCUMENTS_CONFIG"
"""Environment variable naming a municipality's own documents file."""

Placement = Literal["head", "body"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Heading(_Model):
    da: str = Field(min_length=1)
    en: str = Field(min_length=1)


class SectionSpec(_Model):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    heading: Heading
    aliases: tuple[str, ...] = ()
    placement: Placement = "body"

    def title(self, language: str) -> str:
        return self.heading.en if language == "en" else self.heading.da


class _File(_Model):
    sections: tuple[SectionSpec, ...] = Field(min_length=1)


@dataclass(frozen=True)
class DocumentsConfig:
    """The ordered sections of an agenda item, looked up by key."""

    sections: tuple[SectionSpec, ...]
    source: str = "<built in>"

    def spec(self, key: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.key == key), None)

    def order(self, key: str) -> int:
        """Position of ``key``; a key the file does not know sorts after all known ones."""
        for index, spec in enumerate(self.sections):
            if spec.key == key:
                return index
        return len(self.sections)


def default_config_file() -> Path:
    return default_templates_dir() / "documents" / "documents.yaml"


def load_config(path: str | Path | None = None) -> DocumentsConfig:
    """The documents file at ``path``, else ``$CASEFLOW_DOCUMENTS_CONFIG``, else the default."""
    chosen = path or os.environ.get(CONFIG_ENV) or default_config_file()
    return _load(str(Path(chosen).resolve()))


@cache
def _load(path: str) -> DocumentsConfig:
    data, lines = read_yaml_with_lines(path)
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(part) for part in loc)
            problems.append(Problem(path, _nearest_line(loc, lines), where, error["msg"]))
        raise DefinitionError(problems) from None
    problems = []
    seen: set[str] = set()
    for index, spec in enumerate(parsed.sections):
        if spec.key in seen:
            message = f"section {spec.key!r} is listed twice; keep one entry"
            problems.append(Problem(path, lines.get(("sections", index)), spec.key, message))
        seen.add(spec.key)
    if problems:
        raise DefinitionError(problems)
    return DocumentsConfig(parsed.sections, path)


def _nearest_line(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None
