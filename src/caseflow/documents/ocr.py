"""OCR repair that says what it changed (pure, apart from reading the shipped word list once).

A scan loses æ, ø and å (``Losning``, ``L?sning``, ``Loesning``), reads ``1``
for ``i`` and ``0`` for ``o``. A word is repaired only into a word of the Danish
word list (``data/da_words.txt``, see ``data/README.md`` for its source and
licence), and only when the document shows the damage: letters are restored
from ``a``/``o``/digraphs only in a text that has no æ, ø or å at all, and a
``1`` standing alone becomes ``i`` only in a text that reads ``1`` for ``i``
inside words too. So clean text is never "repaired"; every repair is returned
as (original, repaired) for the importer to report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice, product

from caseflow.documents.text import shape

_DANISH = re.compile(r"[æøåÆØÅ]")
_TOKEN = re.compile(r"[0-9A-Za-zÆØÅæøåÉéÄäÖö¢?�]+")
_LOST = "?�"
_LOOKALIKE = {"¢": "ø", "ö": "ø", "Ö": "Ø", "ä": "æ", "Ä": "Æ"}
_ONE_IN_WORD = re.compile(r"[a-zæøå]1[a-zæøå]|(?<![\w.])1[a-zæøå]{2,}")
_LONE_ONE = re.compile(r"(?<=[a-zæøå,] )1(?= [a-zæøå]{2,})")
_MAX_CANDIDATES = 64
_SENTENCE_END = re.compile(r"(?:^|[.!?:]\s+|\n\s*)$")


def _maybe_damaged(text: str) -> bool:
    """Anything a repair could apply to without the document's evidence: a lost or
    look-alike letter, or a 1 or 0 next to a letter."""
    if "?" in text or "\ufffd" in text or "¢" in text or "ö" in text or "ä" in text:
        return True  # (a chain of `in`: a generator over the letters costs more than the scan)
    if "Ö" in text or "Ä" in text:
        return True
    shaped = shape(text)
    return (
        b"a1" in shaped
        or b"1a" in shaped
        or b"a0" in shaped
        or b"0a" in shaped
        or b"A1" in shaped
        or b"A0" in shaped
    )


@dataclass(frozen=True)
class Evidence:
    """What damage a whole document shows, which decides what repairs are allowed."""

    lost_letters: bool  # no æ, ø, å anywhere: "a"/"o"/digraphs may stand for them
    one_for_i: bool  # "1" read for "i" inside words somewhere
    # False: nothing in the whole document a repair could apply to, so no part of it needs
    # a look (one scan of the document instead of one per line and field: clean text is
    # the common case, and the importer's speed)
    repairable: bool = True

    @classmethod
    def of(cls, text: str) -> Evidence:
        words = len(text.split())
        lost_letters = words >= 20 and _DANISH.search(text) is None
        one_for_i = _one_for_i(text)
        return cls(
            lost_letters=lost_letters,
            one_for_i=one_for_i,
            repairable=lost_letters or one_for_i or _maybe_damaged(text),
        )


CLEAN = Evidence(lost_letters=False, one_for_i=False)


def _one_for_i(text: str) -> bool:
    """``1`` inside a word (``beslutn1ng``) or starting one (``1ndstilling``) somewhere."""
    shaped = shape(text)
    if b"a1a" not in shaped and b"A1a" not in shaped and b"1aa" not in shaped:
        return False
    return _ONE_IN_WORD.search(text) is not None


@cache
def words() -> frozenset[str]:
    """The shipped Danish word list, casefolded."""
    return frozenset(_proper())


@cache
def _proper() -> dict[str, bool]:
    """Each word of the list, and whether it is written with a capital (a name: Åvej)."""
    data = resources.files("caseflow.documents").joinpath("data/da_words.txt")
    text = data.read_text(encoding="utf-8")
    entries = (w.strip() for w in text.splitlines())
    return {w.casefold(): w[:1].isupper() for w in entries if w and w[:1] != "#"}


def repair(
    text: str, evidence: Evidence = CLEAN, vocabulary: frozenset[str] | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with its damaged words repaired, and each repair as (original, repaired)."""
    if not evidence.repairable:
        return text, []  # a part of a document with nothing to repair anywhere
    if (
        not evidence.lost_letters
        and not _maybe_damaged(text)
        and (not evidence.one_for_i or _LONE_ONE.search(text) is None)
    ):
        return text, []  # the common case: nothing a repair could apply to
    known = words() if vocabulary is None else vocabulary
    repairs: list[tuple[str, str]] = []

    def fix(match: re.Match[str]) -> str:
        token = match[0]
        if token.casefold() in known or not _suspect(token, evidence):
            return token
        for candidate in islice(_candidates(token, evidence), _MAX_CANDIDATES):
            if candidate.casefold() in known:
                starts = match.start() == 0 or bool(_SENTENCE_END.search(text, 0, match.start()))
                repaired = _same_case(token, candidate, starts)
                repairs.append((token, repaired))
                return repaired
        return token

    fixed = _TOKEN.sub(fix, text)
    if evidence.one_for_i:
        for found in list(_LONE_ONE.finditer(fixed)):
            start = max(0, found.start() - 12)
            repairs.append((fixed[start : found.end() + 12], "1 -> i"))
        fixed = _LONE_ONE.sub("i", fixed)
    return fixed, repairs


def _suspect(token: str, evidence: Evidence) -> bool:
    if not any(c.isalpha() for c in token) or token.isdigit():
        return False
    if any(c in _LOST or c in _LOOKALIKE for c in token):
        return True
    if re.search(r"[A-Za-zæøå][10]|[10][a-zæøå]", token):
        return True
    return evidence.lost_letters and bool(re.search(r"[aoAO]", token))


def _candidates(token: str, evidence: Evidence) -> Iterator[str]:
    """Spellings ``token`` may have had, fewest changes first."""
    base = "".join(_LOOKALIKE.get(c, c) for c in token)
    base = re.sub(r"(?<=[A-Za-zæøå])1|1(?=[a-zæøå])", "i", base)
    base = re.sub(r"(?<=[A-Za-zæøå])0|0(?=[a-zæøå])", "o", base)
    lost = [i for i, c in enumerate(base) if c in _LOST]
    if lost:
        for letters in product("øæå", repeat=min(len(lost), 3)):
            chars = list(base)
            for index, letter in zip(lost, letters, strict=False):
                chars[index] = letter
            yield "".join(chars).replace("?", "").replace("�", "")
        return
    if base != token:
        yield base
    if evidence.lost_letters:
        yield from _restored(base)


_DIGRAPH = re.compile(r"ae|oe|aa|Ae|Oe|Aa|AE|OE|AA")
_DIGRAPH_TO = {"ae": "æ", "oe": "ø", "aa": "å", "Ae": "Æ", "Oe": "Ø", "Aa": "Å"}
_DIGRAPH_TO.update({"AE": "Æ", "OE": "Ø", "AA": "Å"})
_PLAIN = {"a": "æå", "o": "ø", "A": "ÆÅ", "O": "Ø"}


def _restored(word: str) -> Iterator[str]:
    """``Loesning`` -> ``Løsning``, ``Losning`` -> ``Løsning``: digraphs first, then letters."""
    digraphs = list(_DIGRAPH.finditer(word))
    if digraphs:
        for choice in product((False, True), repeat=min(len(digraphs), 4)):
            if not any(choice):
                continue
            out, last = [], 0
            for found, use in zip(digraphs, choice, strict=False):
                out.append(word[last : found.start()])
                out.append(_DIGRAPH_TO[found[0]] if use else found[0])
                last = found.end()
            yield "".join(out) + word[last:]
    positions = [i for i, c in enumerate(word) if c in _PLAIN][:5]
    for options in product(*(("", *tuple(_PLAIN[word[i]])) for i in positions)):
        if not any(options):
            continue
        chars = list(word)
        for index, letter in zip(positions, options, strict=True):
            if letter:
                chars[index] = letter
        yield "".join(chars)


def _same_case(original: str, candidate: str, starts_sentence: bool = False) -> str:
    """``candidate`` in the case of ``original``; when the first letter itself was lost
    (``?konomi``, ``1ngen``), a name or a sentence's first word gets its capital."""
    if original.isupper() and len(original) > 1:
        return candidate.upper()
    first = original[:1]
    capital = (
        first.isupper()
        if first.isalpha()
        else (_proper().get(candidate.casefold(), False) or starts_sentence)
    )
    return candidate[:1].upper() + candidate[1:] if capital else candidate


def vocabulary_of(texts: Iterable[str]) -> list[str]:
    """The distinct words of ``texts`` (for building the list), sorted: lower case, or
    with a capital when the texts write them so wherever a sentence does not begin
    (names: Åvej, Økonomiudvalget), so a repair that lost the first letter restores it."""
    proper: dict[str, bool] = {}
    for text in texts:
        for found in re.finditer(r"[A-Za-zÆØÅæøåÉé]{2,}", text):
            word, before = found[0], text[: found.start()].rstrip(" \t\"'(•-–")
            if word.isupper():
                proper.setdefault(word.casefold(), False)
                continue
            starts = (
                not before or before.endswith(("\n", ".", "!", "?", ":")) or before[-1].isdigit()
            )
            key = word.casefold()
            if starts:
                proper.setdefault(key, word[:1].isupper())
            else:
                proper[key] = word[:1].isupper() and proper.get(key, True)
    return sorted(w.capitalize() if cap else w for w, cap in proper.items())
