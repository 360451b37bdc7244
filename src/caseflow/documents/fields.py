"""The fields inside an item's blocks (pure): recommendations, decision heading, absence,
attachments.

Each reader takes the lines of one block (see :mod:`caseflow.documents.layout`) and
returns plain values; the importer decides where they go and what to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from caseflow.documents.layout import DATE, danish_date
from caseflow.documents.text import similarity, skeleton

# ------------------------------------------------------------------ recommendations

_LEAD_IN = re.compile(
    r"^(?P<who>.*?)\s*\b(?:indst[i1]ller|foreslår|anbefaler)\b(?P<routing>.*?)"
    r"(?:(?:,\s*|\s+)\bat\b\s*:?|[,:])\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_LEAD_IN_BARE = re.compile(r"^(?P<who>.+?)\s+(?:indst[i1]ller|foreslår)\s*[,:]?\s*$", re.I)
_IMPERSONAL = re.compile(r"^det\s+indstilles\s*,?\s*(?:at\s*:?)?\s*(?P<rest>.*)$", re.IGNORECASE)
_ENTRY_NUMBER = re.compile(r"^(?P<num>[0-9lI]{1,2})\s*[.)]\s*(?P<text>.+)$")
_AT = re.compile(r"^at\b", re.IGNORECASE)
_GOES_ON = re.compile(r"^(?!at\b)[a-zæøå]")  # no entry starts in lower case but with "at"
_DATE_ENTRY = re.compile(
    r"^(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-z]*\.?(?:\s|$)", re.I
)
_LEAD_IN_GOES_ON = re.compile(r"(?:anbefaler|indstiller|beslutter|godkender)\s*[,:]?$|:$")
_ROUTING = re.compile(r"\s*\((?P<routing>[^()]{1,80})\)\s*(?P<end>[.,;]?)\s*$")
_ROUTING_WORD = re.compile(
    r"^(?:[A-ZÆØÅ]{2,5}|og|via|til|→|->|[A-ZÆØÅ][\wæøå-]*(?:udvalg(?:et)?|byråd(?:et)?|"
    r"bestyrelsen|direktionen|repræsentationen))$"
)


@dataclass
class Recommendations:
    """What a recommendation block says: who recommends, the entries, their routing."""

    administration: str = ""
    entries: list[str] = field(default_factory=list)
    routing: list[str] = field(default_factory=list)
    unnumbered: bool = False  # entries not in a numbered or "at ..." form
    sentence: bool = False  # one sentence, not in the "at ..." form at all


def read_recommendations(lines: list[tuple[str, bool]]) -> Recommendations:
    """Entries from ``(line, bulleted)`` pairs: numbered, bulleted or ``at …`` lines, a
    ``<who> indstiller, at …`` lead-in, or ``Det indstilles, at …`` as one entry."""
    result = Recommendations()
    entries: list[list[str]] = []  # each entry's lines, joined at the end
    loose: list[str] = []
    current: list[str] | None = None
    before_blank: list[str] | None = None  # the entry a blank line ended, which may go on
    numbered = 0
    said_at = False  # the lead-in ended "..., at": entries continue it
    for raw, bulleted in _logical(lines):
        line = raw.strip()
        if not line:
            before_blank, current = current or before_blank, None
            continue
        if current is None and before_blank is not None and _GOES_ON.match(line):
            # "… fra den 3." / "" / "juli 2023.": a web page's line break inside an entry
            current = before_blank
        before_blank = None
        impersonal = _IMPERSONAL.match(line)
        if impersonal is not None:
            current = _start(entries, "at " + impersonal["rest"]) if impersonal["rest"] else None
            continue
        lead = _LEAD_IN.match(line) or _LEAD_IN_BARE.match(line)
        if lead is not None and not _AT.match(line) and not _ENTRY_NUMBER.match(line):
            if not result.administration:
                result.administration = lead["who"].strip(" ,")
                route = (lead.groupdict().get("routing") or "").strip(" ,")
                if route:
                    result.routing.append(route)
            rest = (lead.groupdict().get("rest") or "").strip()
            said_at = bool(re.search(r"\bat\b", line[: len(line) - len(rest)]))
            if not rest or _LEAD_IN_GOES_ON.search(rest):
                current = None  # "..., at Økonomiudvalget over for Byrådet anbefaler,"
            else:
                current = _start(entries, ("at " if said_at else "") + rest)
            continue
        number = _ENTRY_NUMBER.match(line)
        if number is not None and not _DATE_ENTRY.match(number["text"]):
            current = _start(entries, number["text"])
            numbered += 1
        elif bulleted or _AT.match(line):
            current = _start(entries, line)
        elif current is not None:
            current.append(line)
        else:
            loose.append(line)
    texts = [" ".join(parts) for parts in entries]
    if said_at:
        texts = [t if _AT.match(t) else f"at {t}" for t in texts]
    if not texts and loose:
        texts = [" ".join(loose)]
        result.sentence = True
    for text in texts:
        text, routing = split_routing(text)
        result.entries.append(text)
        if routing:
            result.routing.append(routing)
    result.unnumbered = bool(texts) and not result.sentence and not numbered
    return result


def _logical(lines: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Lines wrapped mid-sentence joined again (``Forvaltningen`` / ``indstiller,``); a
    bullet in front of such a continuation is a scan's stray mark, not an entry."""
    result: list[tuple[str, bool]] = []
    for line, bulleted in lines:
        text = line.strip()
        if result and result[-1][0] and text:
            before = result[-1][0]
            ends = before.endswith((".", ",", ":", ";", "!", "?")) or re.search(r"\bat$", before)
            starts = _ENTRY_NUMBER.match(text) or _AT.match(text) or _IMPERSONAL.match(text)
            if not ends and not starts:
                result[-1] = (f"{before} {text}", result[-1][1])
                continue
        result.append((text, bulleted))
    return result


def _start(entries: list[list[str]], text: str) -> list[str]:
    parts = [text]
    entries.append(parts)
    return parts


def split_routing(text: str) -> tuple[str, str | None]:
    """``at planen godkendes (ØU, KB).`` -> (``at planen godkendes.``, ``ØU, KB``)."""
    found = _ROUTING.search(text)
    if found is None:
        return text, None
    words = re.split(r"[\s,/]+", found["routing"].strip())
    if not words or not all(_ROUTING_WORD.match(w) for w in words if w):
        return text, None
    return text[: found.start()] + found["end"], found["routing"].strip()


# ------------------------------------------------------------------ decision heading

_DECISION_FORMS = (
    # Beslutning i Økonomiudvalget den 5. maj 2016:  /  Beslutning Teknik- og ... den 11-08-2021
    re.compile(
        r"^(?P<word>\S+)(?:\s+(?:i|1|fra)\s+|\s+(?=\S))?(?P<committee>.*?)"
        r"(?:,?\s+den(?:\s+(?P<date>.+?))?)?\s*:?\s*$"  # "den" alone: a PDF lost the date
    ),
)
_COMMITTEE_MEETING = re.compile(  # Økonomiudvalgets beslutning i mødet den femte maj 2016
    r"^(?P<committee>.+?)s\s+beslutning\s+(?:i|på)\s+mødet\s+den\s+(?P<date>.+?)\s*:?\s*$",
    re.IGNORECASE,
)
_COMMITTEE_DATE_ITEM = re.compile(  # Kultur- og Idrætsudvalget, 03-04-2019, pkt. 42
    rf"^(?:beslutning\s+(?:fra|i)\s+)?(?P<committee>[^,:]+?),\s*(?P<date>{DATE.pattern}),"
    r"\s*pkt\.\s*\d+\s*:?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DecisionHeading:
    committee: str | None
    date: date | None
    raw_date: str | None
    inline: str = ""


def decision_heading(line: str) -> DecisionHeading | None:
    """A decision heading in its common forms; None for ``Beslutningssag``, ``Beslutningstema``.

    The word itself must be "Beslutning" (OCR-damaged at most by a letter): a
    case-type line such as ``Beslutningssag`` is not a decision.
    """
    label, colon, inline = line.partition(":")
    if "pkt" not in label and "eslutning" not in label and label[:1] not in "Bb8":
        return None  # no form of a decision heading can match: the common case
    for pattern in (_COMMITTEE_DATE_ITEM, _COMMITTEE_MEETING):
        found = pattern.match(label.strip())
        if found is not None:
            return _heading(found["committee"], found["date"], inline)
    if len(label) > 90:
        return None
    first = label.split(" ", 1)[0]
    if label[:1] not in "Bb8" or not 9 <= len(first) <= 12:
        return None
    found = _DECISION_FORMS[0].match(label.strip())
    if found is None or not _is_word_beslutning(found["word"]):
        return None
    committee = (found["committee"] or "").strip() or None
    if committee is not None and (committee[:1].islower() or len(committee.split()) > 8):
        return None  # "Beslutning om ..." is a title or a sentence
    if committee and found["date"] is None and not re.search(r"udvalg|råd|bestyrelse", committee):
        return None
    if not colon and inline:
        return None
    return _heading(committee, found["date"], inline)


def _heading(committee: str | None, raw_date: str | None, inline: str) -> DecisionHeading:
    when = danish_date(raw_date) if raw_date else None
    return DecisionHeading(committee.strip() if committee else None, when, raw_date, inline.strip())


def _is_word_beslutning(word: str) -> bool:
    folded = skeleton(word)
    if folded == "beslutning":
        return True
    return abs(len(folded) - len("beslutning")) <= 1 and similarity(folded, "beslutning") >= 0.85


# ------------------------------------------------------------------------- absence

ABSENCE_LABEL = re.compile(
    r"^(?P<label>fraværende|afbud|ikke til stede|fravær)(?:\s+fra)?\s*(?::|-(?=\s))"
    r"\s*(?P<names>.*)$",
    re.IGNORECASE,
)
_NAME = r"(?:[A-ZÆØÅ][\w.'-]*\s+){0,4}[A-ZÆØÅ][\w.'-]*(?:\s*\([^()]{1,12}\))?"
_WAS_ABSENT = re.compile(
    rf"(?P<names>{_NAME}(?:(?:,\s*|\s+og\s+){_NAME})*)\s+(?:var|er|har været)\s+"
    r"(?:fraværende|forhindret i at deltage|ikke til stede|ikke mødt)"
    r"|(?P<names2>[A-ZÆØÅ][\w.-]*(?:\s+[A-ZÆØÅ][\w.-]*){0,4})\s+deltog\s+ikke\s+i\s+mødet",
)
_SENT_APOLOGIES = re.compile(
    r"\b(?:der\s+(?:var|er)\s+)?afbud\s+fra\s+(?P<names>[A-ZÆØÅ][^.:;]*?)(?=\.|$|\s+pga\b|"
    r"\s+grundet\b|\s+på grund\b)",
    re.IGNORECASE,
)
_NONE = frozenset({"ingen", "-", "ingen fraværende", "ingen afbud"})
_PARTY_END = re.compile(r"\([A-ZÆØÅ][\wæøå]{0,11}\)")


def split_names(text: str) -> list[str]:
    """``A (V), B og C`` -> [A (V), B, C]; a party after a comma (``Robert Sørensen, Ø``) stays."""
    text = text.strip(" .")
    if text.casefold() in _NONE:
        return []
    parts = re.split(r",\s*(?![A-ZÆØÅ]{1,2}\b(?:\s|$|,))|\s+og\s+", text)
    return [p.strip(" .") for p in parts if p.strip(" .") and p.casefold() not in _NONE]


def names_and_rest(text: str) -> tuple[list[str], str]:
    """The names after ``Fraværende:``, and what follows them on the line (a decision).

    ``Anne Bjergvang (A) Godkendt.`` -> ([Anne Bjergvang (A)], ``Godkendt.``).
    """
    text = text.strip()
    parties = list(_PARTY_END.finditer(text))
    if parties:
        end = parties[-1].end()
        rest = text[end:].strip(" ,.")
        if rest and not re.match(r"^(?:og|,)\b", rest):
            return split_names(text[:end]), text[end:].strip(" ,")
    if re.search(r"\.\s+[A-ZÆØÅ]", text):
        names, _, rest = text.partition(". ")
        return split_names(names), rest
    return split_names(text), ""


def absence_in_text(text: str) -> list[str]:
    """Names in sentences such as ``A og B var fraværende.`` or ``Der var afbud fra A.``."""
    names: list[str] = []
    for pattern in (_WAS_ABSENT, _SENT_APOLOGIES):
        for found in pattern.finditer(text):
            group = found.groupdict()
            names.extend(split_names(group.get("names") or group.get("names2") or ""))
    return names


def normal_name(name: str) -> str:
    """``Robert Sørensen, Ø`` and ``Robert Sørensen (Ø)`` are one person: the latter form;
    ``Hans Østergaard ()``, a party left empty, is ``Hans Østergaard``."""
    name = re.sub(r"\s*\(\s*\)$", "", name)
    found = re.match(r"^(?P<name>.+?),\s*(?P<party>[A-ZÆØÅ]{1,2})$", name.strip())
    return f"{found['name']} ({found['party']})" if found else name.strip()


# --------------------------------------------------------------------- attachments

FILE_NAME = re.compile(
    r"[^\s/\\][^/\\]*?\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|txt|msg|jpe?g|png|tiff?|zip)\b",
    re.IGNORECASE,
)
_FILE_ICON = re.compile(r"^(?:application|image|text)/[\w.+-]+\s+icon\s+", re.IGNORECASE)


def file_names(line: str) -> list[str]:
    """Attachment file names on a line (``Bilag_1.pdf Notat om x.pdf``), else []."""
    line = _FILE_ICON.sub("", line.strip())
    if not re.search(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|msg|jpe?g|png|zip)\b", line, re.I):
        return []
    found = [m[0].strip() for m in FILE_NAME.finditer(line)]
    rest = FILE_NAME.sub("", line).strip(" ,;")
    return found if found and not rest else []
