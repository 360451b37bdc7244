"""Cleaning scanned text (pure): bullets, hyphenated line breaks, OCR letter confusions.

Archives are scanned, so the text an importer meets has lost its æ, ø and å
(``Losning``, ``L?sning``, ``Loesning``), reads ``1`` for ``i``, splits words
across lines and carries stray bullets. These functions undo what can be
undone safely and give a *skeleton* of a word for comparing what cannot.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_BULLET = re.compile(r"^\s*(?:[•▪◦●■□·∙‣⁃*]|[-–—](?=\s))\s*")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")
# Symbol-font bullets that PDF extraction leaves in the private use area (U+F0B7 ...).
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_UNUSUAL = re.compile("[\ue000-\uf8ffﬁﬂ\u00ad\t\u00a0]")  # what the cleaning replaces
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*")
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "\u00ad": None, "\t": " ", "\u00a0": " "})
# Words after "Beskæftigelses-" that show the hyphen belongs to a Danish compound
# ("Beskæftigelses- og Integrationsudvalget"), not to a word split across lines.
_COMPOUND_JOINERS = frozenset({"og", "eller", "samt", "til", "som", "and", "or"})

LOWER = "a-zæøå"
_ONE_FOR_I = (
    # "1" inside or at the start of a word: "1ndstilling", "beslutn1ng"
    (re.compile(rf"(?<=[{LOWER}])1(?=[{LOWER}])"), "i"),
    (re.compile(rf"(?<![\w.])1(?=[{LOWER}]{{2,}})"), "i"),
    # "1" standing alone between words: "drøftet 1 udvalget"
    (re.compile(rf"(?<=[{LOWER},] )1(?= [{LOWER}])"), "i"),
)
_NUMBERISH = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1", " ": None})


def fix_number(text: str) -> str:
    """A number as OCR misread it (``2OO9-6844O``, ``l8``) with its digits restored."""
    return text.translate(_NUMBERISH)


def clean_line(line: str) -> tuple[str, bool]:
    """A line without bullets or Markdown marks; True if it was a Markdown heading."""
    if _UNUSUAL.search(line) is not None or not unicodedata.is_normalized("NFC", line):
        line = _PRIVATE_USE.sub(" ", unicodedata.normalize("NFC", line).translate(_LIGATURES))
    heading = line.lstrip()[:1] == "#" and bool(_MARKDOWN_HEADING.match(line))
    if heading:
        line = _MARKDOWN_HEADING.sub("", line)
    if "**" in line:
        line = _EMPHASIS.sub(r"\1", line)
    line = _BULLET.sub("", line)
    return " ".join(line.split()), heading


def has_bullet(line: str) -> bool:
    """The line starts with a bullet (•, ▪, a dash and a space ...), as list items do."""
    return bool(_BULLET.match(_PRIVATE_USE.sub("•", line)))


_LONE_BULLETS = frozenset("•▪◦●■□·∙‣⁃*-–—")


def is_lone_bullet(line: str) -> bool:
    """A line that holds nothing but a bullet: a scan's leftover, not a paragraph break."""
    text = _PRIVATE_USE.sub("", line).strip()
    return (len(text) == 1 and text in _LONE_BULLETS) or (not text and bool(line.strip()))


def repair(text: str) -> tuple[str, int]:
    """Undo the OCR confusions that are safe to undo; returns the text and how many."""
    count = 0
    for pattern, replacement in _ONE_FOR_I:
        text, n = pattern.subn(replacement, text)
        count += n
    return text, count


def joins_next(line: str, following: str) -> str | None:
    """``line`` joined with ``following`` if a word or number was split between them."""
    if not line.endswith("-") or not following or len(line) < 2:
        return None
    before = line[-2]
    if before.isdigit() and following[0].isdigit():
        return line + following  # "(2009-" + "68440)"
    first = following.split(" ", 1)[0].lower()
    if before.isalpha() and following[0].islower() and first not in _COMPOUND_JOINERS:
        return line[:-1] + following  # "Integrations-" + "forvaltningen"
    return None


_FOLD = str.maketrans({"æ": "a", "ø": "o", "å": "a", "1": "i", "|": "l", "é": "e"})
_DIGRAPHS = re.compile(r"ae|oe|aa")
_LOST = re.compile(r"[?�]")
_NOT_LETTER = re.compile(r"[^a-z ]+")


def skeleton(text: str) -> str:
    """A form of ``text`` that damaged and sound spellings share: ``Løsning``, ``Loesning``,
    ``Losning`` all give ``losning``; ``L?sning`` gives ``lsning``, close to it."""
    folded = _DIGRAPHS.sub(lambda m: m[0][0], _LOST.sub("", text.lower())).translate(_FOLD)
    return " ".join(_NOT_LETTER.sub(" ", folded).split())


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def at_least(a: str, b: str, threshold: float) -> float:
    """``similarity(a, b)`` if it reaches ``threshold``, else 0 (cheap upper bounds first)."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= threshold else 0.0


_SUSPECT = re.compile(rf"\w*[?�]\w+|\w+[?�](?=\w)|\b\w*[{LOWER}]\d[{LOWER}]\w*", re.IGNORECASE)


_MAYBE_SUSPECT = re.compile(r"[?�]\w|[^\W\d]\d[^\W\d]")


def _shape_table() -> bytes:
    table = bytearray(range(256))
    for byte in range(256):
        char = chr(byte)
        if ("a" <= char <= "z") or byte >= 0x80:  # UTF-8 bytes of æ, ø, å, é ... count as "a"
            table[byte] = ord("a")
        elif "A" <= char <= "Z":
            table[byte] = ord("A")
        elif "0" <= char <= "9":
            table[byte] = ord("1") if char == "1" else ord("0")
    return bytes(table)


_SHAPE = _shape_table()
_DIGIT_IN_SHAPE = re.compile(rb"[aA][01][aA]")


def shape(text: str) -> bytes:
    """``text`` as letter (``a``, ``A``), ``1`` and other-digit (``0``) classes, byte by
    byte: a C-speed scan for where OCR damage can be, long before any regular expression.
    (Python's ``re`` scans character classes slowly; this is ten times faster.)"""
    return text.encode("utf-8", "surrogatepass").translate(_SHAPE)


def digit_among_letters(text: str) -> bool:
    shaped = shape(text)
    return _DIGIT_IN_SHAPE.search(shaped) is not None


def suspect_words(text: str) -> list[str]:
    """Words that look damaged by OCR: a lost letter (``L?sning``) or a digit among letters."""
    if "?" not in text and "\ufffd" not in text and not digit_among_letters(text):
        return []  # the common case, without the slower scan
    if _MAYBE_SUSPECT.search(text) is None:
        return []
    return _SUSPECT.findall(text)
