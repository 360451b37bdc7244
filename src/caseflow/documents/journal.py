"""Journal numbers as municipalities write them (pure): which form, and is it ours.

Every case system numbers cases its own way, so an imported item's number says
which system wrote it. :func:`read_journal` finds the first number of a known
form in a label's value and names the form; only the forms caseflow itself can
hold (:data:`CASE_FORMS`) become the case's number, any other is kept as the
source's reference and the case gets a number of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from caseflow.documents.text import fix_number

# Form name -> pattern of the whole number. Order matters: the first that matches wins.
FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kle", re.compile(r"\d\d\.\d\d\.\d\d-[A-ZÆØÅ]\d\d-\d+-\d\d")),  # 00.22.00-G01-1-16
    ("kmd", re.compile(r"\d{3}-(?:19|20)\d\d-\d{1,9}")),  # 330-2016-89665 (KMD, SBSYS)
    ("copenhagen", re.compile(r"(?:19|20)\d\d-\d{3,9}")),  # 2009-68440
    ("jnr", re.compile(r"\d{1,6}(?:\.[0-9A-ZÆØÅ]{1,6})+/\d\d")),  # 12345.6789/16
    ("short", re.compile(r"\d\d/\d{1,7}")),  # 20/33839
    ("serial_year", re.compile(r"\d{6}-(?:19|20)\d\d")),  # 018520-2013 (serial, then year)
    ("bare", re.compile(r"\d{5,8}")),  # 299835
)
CASE_FORMS = frozenset({"copenhagen"})
"""The form of caseflow's own numbers (YYYY-NNNNN, :mod:`caseflow.store.journal`). Any other,
KMD's and SBSYS's 330-YYYY-NNNNN too, is another system's number: kept as the case's
``source_reference`` (with its form), while the case gets a number of its own, so that one
municipality's series never mixes with ours."""

_ANY = re.compile(
    r"(?<![\w./-])(?:" + "|".join(f"(?:{p.pattern})" for _, p in FORMS) + r")(?![\w/-]|\.\d)"
)
_OCR_CANDIDATE = re.compile(r"(?<![\w./-])[0-9OolI|][0-9OolI|.\-/]{4,}[0-9OolI|](?![\w/-])")


@dataclass(frozen=True)
class JournalNo:
    """A journal number as read, the form it has, and whether OCR digits were restored."""

    number: str
    form: str
    repaired_from: str | None = None

    @property
    def is_case_number(self) -> bool:
        return self.form in CASE_FORMS


def form_of(number: str) -> str | None:
    """The form's name if ``number`` is entirely a journal number of a known form."""
    for name, pattern in FORMS:
        if pattern.fullmatch(number):
            return name
    return None


def read_journal(value: str) -> JournalNo | None:
    """The first journal number in ``value`` (a label's value, e.g. ``"20/33839, Sagsinit…"``).

    Clean digits are taken as they are; only when no number of a known form is
    there are OCR look-alikes (``O`` for ``0``, ``l`` for ``1``) restored, so a
    clean reference is never "repaired".
    """
    found = _ANY.search(value)
    if found is not None:
        number = found[0]
        return JournalNo(number, form_of(number) or "other")
    for candidate in _OCR_CANDIDATE.finditer(value):
        fixed = fix_number(candidate[0])
        form = form_of(fixed)
        if form is not None:
            return JournalNo(fixed, form, candidate[0])
    return None
