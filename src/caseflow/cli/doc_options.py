"""The options of the commands that print documents: format, language, output, config.

A module of its own, light to import: ``case render`` is defined with the ``case``
commands, which must not load the documents machinery to start.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    html = "html"
    pdf = "pdf"
    md = "md"


class Language(StrEnum):
    da = "da"
    en = "en"


FormatOption = Annotated[Format, typer.Option("--format", help="html, pdf or md.")]
LanguageOption = Annotated[Language, typer.Option(help="da or en.")]
OutputOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write to FILE (default: standard output).")
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="The municipality's documents file (sections and headings; default: "
        "$CASEFLOW_DOCUMENTS_CONFIG, else Copenhagen's).",
    ),
]
