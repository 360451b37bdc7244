"""The layout of a published agenda item, line by line (pure).

Municipal case systems print the same parts in different dress. This module
names the parts a line can be, so the importer assembles fields from parts and
never from one municipality's special case:

* a **meeting header** above the item (``Referat``, ``Mødedato: …``, a
  committee line, a weekday-and-date line) — kept as meeting data, never the title;
* the **item heading**: number and title (``18. Titel``, ``Pkt. 42``,
  ``Sag nr. 130``, ``1.Titel``, ``12Titel``);
* a **label line** (``Sagsnr.: … Dok.nr.: … Åbent``, ``J.nr.``, ``Sagsid.``,
  ``Initialer``), read label by label;
* a **heading**: a short line standing alone, which starts a section of its own
  even when no configuration knows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from caseflow.notifications.render import DA_MONTHS

_MONTHS = "|".join(m[:3] for m in DA_MONTHS)
_WEEKDAYS = r"mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag"
_DATE_WORDS = (
    rf"\d{{1,2}}(?:\.?\s*|-)(?:{_MONTHS})[a-zæøå]*(?:\.?\s+|-)\d{{4}}"  # "15-maj-2002" too
)
_DATE_NUMERIC = r"\d{1,2}[-./]\d{1,2}[-./]\d{4}"
DATE = re.compile(rf"(?:{_DATE_WORDS}|{_DATE_NUMERIC}|\d{{4}}-\d\d-\d\d)", re.IGNORECASE)

# ------------------------------------------------------------------ meeting header

_MEETING_FIELD = re.compile(
    r"^(?P<label>mødedato|dato|mødested|sted|lokale|mødetidspunkt|tidspunkt|mødetid|møde|udvalg|"
    r"medlemmer|mødedeltagere|udsendelsesdato|"
    r"deltagere|tilstede|til stede|bemærkninger|(?:start|slut)tidspunkt(?: for mødet?)?|"
    r"mødelokale|mødestart|mødeslut|afbud fra|afbud|fraværende)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_MEETING_KIND = re.compile(
    r"^(?:åbent\s+|lukket\s+)?(?P<kind>referat|dagsorden|beslutningsprotokol|tillægsdagsorden|"
    r"tillægsreferat)(?:er|et)?\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_COMMITTEE_KIND = re.compile(  # "Egebjerg Kommune Kommunalbestyrelsen Referat"
    r"^(?:[A-ZÆØÅ][\w-]+\s+Kommune\s+)?(?P<committee>.+?)\s+"
    r"(?P<kind>referat|dagsorden|beslutningsprotokol)$",
    re.IGNORECASE,
)
_COMMITTEE_WORD = re.compile(
    r"(?:udvalg(?:et)?|byråd(?:et)?|kommunalbestyrelsen|borgerrepræsentationen|magistraten|"
    r"regionsrådet|direktionen)$",
    re.IGNORECASE,
)
# "Udvalg Byrådet", "Fraværende Jakob Ekberg, N. J. Ottesen": a header's label and value
# without a colon, as some web pages print a table of them (read once a header has begun).
_MEETING_FIELD_BARE = re.compile(
    r"^(?P<label>(?i:udvalg|mødested|mødedeltagere|medlemmer|deltagere|fraværende|afbud))"
    r"\s+(?P<value>[A-ZÆØÅ].*)$"
)
_PLACE_WORD = re.compile(r"(?:salen|sal|lokale|lokalet|værelse|rådhus|rådhuset)$")
_BARE_LABEL_INSIDE = re.compile(r"\s+(?=(?:Fraværende|Afbud|Bemærkninger)(?:\s|$))")
_DATE_LED = re.compile(  # "24. april 2023 - referat fra byrådet"
    rf"^(?P<date>{DATE.pattern})\s*[-–]\s*(?P<kind>referat|dagsorden|beslutningsprotokol)\b"
    r"(?:\s+(?:fra|for|til)\s+(?P<committee>.+))?$",
    re.IGNORECASE,
)
_WEEKDAY_LINE = re.compile(rf"^(?:{_WEEKDAYS})(?:\s+den)?\s+\S", re.IGNORECASE)
_MEETING_AT = re.compile(rf"^(?P<committee>.+?)\s+(?:{_WEEKDAYS})\s+den\s+(?={DATE.pattern})", re.I)
_MEETING_OF = re.compile(  # "Møde i Økonomiudvalget den 10. juni 2013"
    rf"^møde\s+[i1]\s+(?P<committee>.+?)\s+den\s+(?={DATE.pattern})", re.I
)
_PLACE_LINE = re.compile(r"^(?:mødelokale|mødested|lokale)\b(?!\s*:)\s*(?P<place>.+)$", re.I)
_CHROME_LINE = re.compile(
    r"^(?:se (?:dagsordener|alle|referater)\b|(?:skip|gå|spring)\s+til\s+(?:hoved\s*)?indhold"
    r"|kopier link til punktet\b)",
    re.I,
)
_SITE_CHROME = frozenset(
    {
        "dagsordener og referater",
        "dagsordenpunkter",
        "dagsordenspunkter",
        "indhold",
        "indholdsfortegnelse",
        "udskriv",
        "udskriv hele dagsordnen",
        "udskriv hele dagsordenen",
        "fold alle ud",
        "se alle bilag",
        "til toppen",
        "åbne sager",
        "åbne punkter",
        "hent som fil:",
        "punkter",
        "møde",
        "sted",
        "starttidspunkt",
        "sluttidspunkt",
        "you are here",
    }
)


@dataclass
class Meeting:
    """What a meeting header said: which committee met, when, and the document's kind."""

    committee: str | None = None
    date: date | None = None
    kind: str | None = None  # "referat", "dagsorden", "beslutningsprotokol"
    place: str | None = None
    absent: list[str] = field(default_factory=list)
    pending: str | None = None  # a label on its own line ("UDVALG"), its value on the next

    def is_empty(self) -> bool:
        return not (self.committee or self.date or self.kind or self.place)

    def to_json(self) -> dict[str, object]:
        return {
            "committee": self.committee,
            "date": self.date.isoformat() if self.date else None,
            "kind": self.kind,
            "place": self.place,
        }


def read_meeting_line(line: str, meeting: Meeting, bulleted: bool = False) -> bool:
    """True if ``line`` is part of a meeting header (and what it says is put in ``meeting``).

    ``bulleted``: the line was a list entry; under a header's "Referat" or "Indhold" such
    entries are the agenda's table of contents, not the item's title."""
    folded = line.casefold().strip()
    if meeting.pending == _WRAPPED:
        meeting.pending = None
        if line[:1].islower():  # "… kom kl. 17.10 under" / "behandlingen af punkt 2."
            meeting.pending = None if line.rstrip().endswith(".") else _WRAPPED
            return True
    if meeting.pending is not None and meeting.pending.startswith(_CONTINUED):
        label, meeting.pending = meeting.pending.removeprefix(_CONTINUED), None
        if _NAMES_GO_ON.match(line.strip()) and not _BARE_LABEL_START.match(line.strip()):
            if label.startswith(("afbud", "fravær")):
                meeting.absent.extend(absent_names(line))
            return True  # the names of the line before, wrapped onto this one
    if meeting.pending == _CONTENTS:
        if bulleted and not item_heading(line):
            return True
        meeting.pending = None
    if folded.rstrip(":") in _CONTENTS_LABELS and not meeting.is_empty():
        meeting.kind = meeting.kind or (folded if folded in ("referat", "dagsorden") else None)
        meeting.pending = _CONTENTS
        return True
    if meeting.pending in _LIST_LABELS:
        if _NAME_LINE.match(line.strip()) and not line.isupper():
            if meeting.pending.startswith(("afbud", "fravær")):
                meeting.absent.append(line.strip())
            return True  # one more name under "Deltagere:" / "Afbud:"
        meeting.pending = None
    if folded.rstrip(":") in _LIST_LABELS:
        meeting.pending = folded.rstrip(":")
        return True
    if meeting.pending is not None:
        label, meeting.pending = meeting.pending, None
        if not (
            _ITEM_NUMBERED.match(line) or _ITEM_PREFIX.match(line) or _MEETING_FIELD.match(line)
        ):
            _meeting_value(label, line.strip(), meeting)
            return True
    if folded.rstrip(":") in _PENDING_LABELS:
        meeting.pending = folded.rstrip(":")
        return True
    if folded in _SITE_CHROME or _PAGE_CHROME.match(line.strip()) or _CHROME_LINE.match(line):
        return True
    if not meeting.is_empty() and _header_field(line, folded, meeting):
        return True
    led = _DATE_LED.match(line.strip())
    if led is not None:
        meeting.kind = meeting.kind or led["kind"].casefold()
        if led["committee"]:
            meeting.committee = meeting.committee or led["committee"].strip()
        _note_date(led["date"], meeting)
        return True
    at = _MEETING_AT.match(line) if len(line) < 120 else None
    if at is not None and not at["committee"].endswith(":"):  # not "Mødedato: Mandag den …"
        # "Teknik- og Bygningsudvalget tirsdag den 16. april 2024 kl. 16.30"
        meeting.committee = meeting.committee or at["committee"].strip()
        _note_date(line, meeting)
        return True
    of = _MEETING_OF.match(line) if len(line) < 100 else None
    if of is not None:
        meeting.committee = meeting.committee or of["committee"].strip()
        _note_date(line, meeting)
        return True
    place = _PLACE_LINE.match(line)
    if place is not None and meeting.date is not None:
        meeting.place = meeting.place or place["place"].strip()
        return True
    field_match = _MEETING_FIELD.match(line)
    if field_match is not None:
        label, value = field_match["label"].casefold(), field_match["value"].strip()
        if not value:
            meeting.pending = label
            return True
        _meeting_value(label, value, meeting)
        if not value.endswith("."):
            meeting.pending = _WRAPPED  # the value may go on, wrapped, on the next line
        return True
    kind = _MEETING_KIND.match(line)
    if kind is not None and _short_header(kind["rest"]):
        meeting.kind = meeting.kind or kind["kind"].casefold()
        _note_committee(kind["rest"], meeting)
        _note_date(line, meeting)
        return True
    committee_kind = _COMMITTEE_KIND.match(line.strip())
    if committee_kind is not None and _is_committee_line(committee_kind["committee"]):
        meeting.committee = meeting.committee or committee_kind["committee"]
        meeting.kind = meeting.kind or committee_kind["kind"].casefold()
        return True
    if _WEEKDAY_LINE.match(line) or _is_date_line(line):
        _note_date(line, meeting)
        return True
    title_line = re.match(r"^(?P<committee>.+?)\s+[-–•|]\s+(?P<rest>.+)$", line)
    if title_line and _COMMITTEE_WORD.search(title_line["committee"].split("(")[0].strip()):
        rest = title_line["rest"]
        if DATE.search(rest) or _MEETING_KIND.match(rest):
            meeting.committee = meeting.committee or title_line["committee"].strip()
            kind_in_rest = re.search(r"referat|dagsorden|beslutningsprotokol", rest, re.I)
            if kind_in_rest:
                meeting.kind = meeting.kind or kind_in_rest[0].casefold()
            _note_date(rest, meeting)
            return True
    if _is_committee_line(line):
        meeting.committee = meeting.committee or line.strip()
        return True
    return False


def _header_field(line: str, folded: str, meeting: Meeting) -> bool:
    """Within a header: a label and its value without a colon, an empty "Bemærkninger",
    and the committee's name with the meeting's date (``Byrådet 24. april 2023``)."""
    if folded == "bemærkninger":
        return True
    bare = _MEETING_FIELD_BARE.match(line.strip())
    if bare is not None:
        # one line may hold several (a table's rows joined): "Mødedeltagere … Fraværende …"
        for piece in _BARE_LABEL_INSIDE.split(line.strip()):
            field_match = _MEETING_FIELD_BARE.match(piece)
            if field_match is not None:
                label = field_match["label"].casefold()
                _meeting_value(label, field_match["value"], meeting)
                if not piece.endswith("."):
                    meeting.pending = _CONTINUED + label
        return True
    if meeting.date is not None and _PLACE_WORD.search(folded) and len(folded.split()) <= 4:
        meeting.place = meeting.place or line.strip()  # "Byrådssalen", "Borgmesterens mødelokale"
        return True
    dated = DATE.search(line)
    if dated is not None and dated.end() == len(line.strip()):
        before = line.strip()[: dated.start()].strip(" ,-–")
        if before and _is_committee_line(before):
            meeting.committee = meeting.committee or before
            _note_date(dated[0], meeting)
            return True
    return False


_CONTENTS = "contents"
_CONTINUED = "continued:"  # a header's list of names, which may wrap onto the next line
_WRAPPED = "wrapped"  # a header field's value, whose sentence may wrap onto the next line
_NAMES_GO_ON = re.compile(r"^[A-ZÆØÅ][\w.'-]*(?:,?\s+(?:og\s+)?[A-ZÆØÅ][\w.'-]*)*$")
_BARE_LABEL_START = re.compile(
    r"^(?:udvalg|mødested|mødedeltagere|medlemmer|deltagere|fraværende|afbud|bemærkninger)\b",
    re.I,
)
_CONTENTS_LABELS = frozenset(("referat", "dagsorden", "indhold", "indholdsfortegnelse"))
_LIST_LABELS = frozenset(
    ("deltagere", "medlemmer", "tilstede", "til stede", "fraværende", "afbud", "mødedeltagere")
)
_NAME_LINE = re.compile(
    r"^(?:\d+\.\s+)?[A-ZÆØÅ][\w.'-]*(?:\s+[A-ZÆØÅ][\w.'-]*){0,4}"
    r"(?:,\s*[A-ZÆØÅ]{1,2}|\s*\([A-ZÆØÅ][\wæøå]{0,11}\))?$"
)
_PAGE_CHROME = re.compile(
    r"^(?:side\s+\d+\.?|[A-ZÆØÅ][\w-]+(?:\s+[A-ZÆØÅ][\w-]+)?\s+kommune)$", re.I
)
_PENDING_LABELS = frozenset(
    ("udvalg", "møde", "sted", "starttidspunkt", "sluttidspunkt", "mødedato", "mødested")
)


def _meeting_value(label: str, value: str, meeting: Meeting) -> None:
    if label == "udvalg" or (label == "møde" and _COMMITTEE_WORD.search(value)):
        meeting.committee = meeting.committee or value
    elif label in ("mødested", "sted", "lokale", "mødelokale"):
        meeting.place = meeting.place or value
    elif label.startswith(("afbud", "fravær")):
        names = absent_names(value)
        meeting.absent.extend(names)
        if names:
            return  # "Lone Langballe. Åse Kubel Høeg forlod mødet kl. 16.35": no date here
        # else a flattened header's values out of place: "Afbud fra: Onsdag den 15-maj-2002"
    elif label == "møde" and _MEETING_KIND.match(value):
        meeting.kind = meeting.kind or _MEETING_KIND.match(value)["kind"].casefold()  # type: ignore[index]
    _note_date(value, meeting)


_SENTENCE_END = re.compile(r"(?<![A-ZÆØÅ])\.\s+(?=[A-ZÆØÅ])")  # not after an initial: "N. J."


def absent_names(value: str) -> list[str]:
    """The names a header's absence label gives (``A, B og C``; ``Ingen``: none), up to the
    end of its first sentence, which a remark may follow."""
    value = _SENTENCE_END.split(value.strip(), maxsplit=1)[0].strip(" .")
    if value.casefold() in ("ingen", "-", ""):
        return []
    parts = re.split(r",\s*|\s+og\s+", value)
    # no name holds a digit (but a remark in brackets may, "Anna Holm (til kl. 18)"): "Onsdag
    # den 15-maj-2002" is a flattened header's values out of place, "sag 129-138" a remark
    return [
        p.strip(" .")
        for p in parts
        if p.strip(" .")
        and p.casefold() != "ingen"
        and not re.search(r"\d", re.sub(r"\([^)]*\)", "", p))
    ]


def _short_header(rest: str) -> bool:
    """``Referat`` alone, or ``Referat til/fra mødet i <udvalg> …`` — not a sentence."""
    rest = rest.strip(" .:•-–")
    return not rest or bool(re.match(r"^(?:til|fra|for|af)\b|^\S+\s*[•–-]|^\d", rest, re.I))


def _note_committee(rest: str, meeting: Meeting) -> None:
    found = re.search(r"\b(?:i|fra)\s+(?P<c>.*?(?:udvalg|byråd|kommunalbestyrelse)\w*)", rest, re.I)
    if found and not meeting.committee:
        meeting.committee = found["c"]


def _note_date(text: str, meeting: Meeting) -> None:
    found = DATE.search(text)
    if found and meeting.date is None:
        meeting.date = danish_date(found[0])


_MONTH_YEAR = re.compile(rf"^(?:{_MONTHS})[a-zæøå]*\.?\s+\d{{4}}\b", re.IGNORECASE)


def _is_date_line(line: str) -> bool:
    """A line that is a date (and a time), nothing more: ``24-06-2014 10:00:00``; or the end
    of one wrapped onto the next line (``oktober 2014``)."""
    if _MONTH_YEAR.match(line) and len(line) < 40:
        return True
    rest = DATE.sub("", line, count=1)
    return rest != line and not re.search(r"[A-Za-zÆØÅæøå]{3,}", rest.replace("kl", ""))


def _is_committee_line(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 7
        and not line.endswith((".", ":", ","))
        and bool(_COMMITTEE_WORD.search(line.strip()))
        and not re.search(r"\d", line)
        and line[:1].isupper()
    )


# -------------------------------------------------------------------- item heading

_ITEM_PREFIX = re.compile(
    r"^(?:pkt\.?|punkt|sag\s+nr\.?|sagsnr\.?\s*(?=\d{1,3}\b(?![-/.]\d)))\s*(?P<num>\d{1,4})\b"
    r"\s*[.:)-]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_ITEM_NUMBERED = re.compile(r"^(?P<num>[0-9lIO]{1,4})\s*(?:[.)]|\s:)\s*(?P<title>\S.*)$")
_ITEM_STATUS = re.compile(  # "1  Åbent  Kommuneplan 2013", "3 (Åben) Lokalplan 367"
    r"^(?P<num>\d{1,4})\s+\(?(?i:(?:å|aa|\?)bent?|lukket)\)?\s+(?P<title>[A-ZÆØÅa-zæøå].*)$"
)
_ITEM_BULLETED = re.compile(r"^(?P<num>\d{1,4})\s+(?P<title>[A-ZÆØÅ].*)$")  # "• 1 Title"
_ITEM_ALONE = re.compile(r"^(?P<num>\d{1,4})\.(?P<title>)$")
_ITEM_GLUED = re.compile(r"^(?P<num>\d{1,3})(?P<title>[A-ZÆØÅ][a-zæøå].*)$")
_REPEATED_NUMBER = re.compile(r"^(?P<num>\d{1,4})\s*\.\s*(?P=num)\s*\.\s*")
_MONTH_START = re.compile(rf"^(?:{_MONTHS})[a-zæøå]*\.?(?:\s+\d{{4}}|\s*$)", re.IGNORECASE)


@dataclass(frozen=True)
class ItemHeading:
    number: int | None
    title: str


# A PDF page's head before a line: its number, the municipality and the labels of a page
# header whose values were lost ("3 Vordingborg Kommune Dato Side"), the page's number
# after "Side" (or an OCR "i"/"l" for it) and a section letter ("2 Side Ø").
_PAGE_MARK = re.compile(
    r"^\d{1,3}\s+(?:[A-ZÆØÅ][\w-]+\s+Kommune\s+)?(?:Dato\s+)?Side\s+(?:\d+\s+|[il]\s+)?"
    r"(?:[A-ZÆØÅ]{1,3}\s+)?(?=[A-ZÆØÅ])"
)
# What a page's running header prints after the mark: the committee ("Erhvervsudvalget",
# "Teknik- og Miljøudvalget"), or the agenda's part the item stands in ("Til efterretning -
# for åbne døre") before the item's own numbered heading.
_RUNNING_COMMITTEE = re.compile(
    r"^(?P<committee>(?:[A-ZÆØÅ][\w-]*\s+(?:og\s+)?){0,3}[A-ZÆØÅ][\w-]*?"
    r"(?:udvalg(?:et)?|byrådet|kommunalbestyrelsen|direktionen))\s+(?=[A-ZÆØÅ])"
)
_RUNNING_PART = re.compile(r"^[A-ZÆØÅ][^.!?:]{2,60}?\s+(?=\d{1,4}\.\s+[A-ZÆØÅ])")


def without_page_mark(line: str) -> list[str]:
    """``2 Side Ø Budget …`` -> ``Budget …``: a PDF page's number and header before a line,
    taken away; a committee its running header names is kept, on a line of its own before
    (``Erhvervsudvalget``, meeting data), an agenda part before the item's number is not."""
    if "Side" not in line[:50]:
        return [line]
    marked = _PAGE_MARK.match(line)
    if marked is None:
        return [line]
    rest = line[marked.end() :]
    committee = _RUNNING_COMMITTEE.match(rest)
    if committee is not None:
        return [committee["committee"], "", rest[committee.end() :]]
    part = _RUNNING_PART.match(rest)
    if part is not None and len(part[0].split()) <= 8:
        return [rest[part.end() :]]
    return [rest]


def item_heading(line: str, bulleted: bool = False) -> ItemHeading | None:
    """An item's number and title in the common forms; None for a date ("9. maj 2009").

    ``bulleted``: the line was a list entry whose bullet is already taken away (a web
    page's list of items, ``• 1 Titel``), where a number and a space are heading enough."""
    bulleted = bulleted or line.lstrip()[:1] in ("•", "·")
    line = _REPEATED_NUMBER.sub(lambda m: f"{m['num']}. ", line.lstrip("•· "))
    patterns = (_ITEM_PREFIX, _ITEM_STATUS, _ITEM_NUMBERED, _ITEM_GLUED, _ITEM_ALONE)
    for pattern in (*patterns, _ITEM_BULLETED) if bulleted else patterns:
        found = pattern.match(line)
        if found is None:
            continue
        title = found["title"].strip()
        if _MONTH_START.match(title) or re.match(r"^\d", title):
            return None
        digits = found["num"].translate(str.maketrans("lIO", "110"))
        return ItemHeading(int(digits), title)
    return None


# ---------------------------------------------------------------------- label line

JOURNAL_LABELS = ("sagsnr", "sagsnummer", "sag", "sagsid", "jnr", "journalnr", "journalnummer")
_LABEL = re.compile(
    r"(?:(?<=\s)|^)(?P<label>Sags?\s?nr\.?|Sagsnummer|Sags-?id\.?|J\.\s?nr\.?|Journal(?:nr|nummer)\.?|"
    r"Dok\.?\s?nr\.?|Dokumentnr\.?|Dok\.(?=\s*\d)|Sag(?=\s+\d)|Sagsinitialer|Initialer|"
    r"Sagsbehandler|Sagsbeh\.?(?=\s*:)|Område(?=\s*:)|Øvrige sagsbehandlere|Åbent punkt|"
    r"Lukket punkt|Åben sag|Lukket sag|Åbent|Åben|"
    r"Lukket)(?=[\s.:;,-]|$)\s*[.:]?",
    re.IGNORECASE,
)
_STATUS = {"åbent", "åben", "åbent punkt", "åben sag", "lukket", "lukket punkt", "lukket sag"}


@dataclass(frozen=True)
class Label:
    name: str  # normalised: "sagsnr", "doknr", "initialer", "status", ...
    value: str


def label_line(line: str) -> list[Label] | None:
    """The labels of a line that starts with one (``Sagsnr.: A  Dok.nr.: B  Åbent``), else None."""
    if _LABEL.match(line) is None:
        return None
    found = list(_LABEL.finditer(line))
    first = _norm_label(found[0]["label"])
    if first == "sagsnr" and re.fullmatch(r"\d{1,4}", line[found[0].end() :].strip()):
        return None  # "Sag nr. 130": the item's number (see item_heading)
    if first == "status" and len(found) == 1 and line.strip(" .-–") != found[0][0].strip(" .:"):
        rest = line[found[0].end() :].strip(" -–")
        if not re.match(r"^[\dA-Z]", rest) or re.match(r"^[A-ZÆØÅ][a-zæøå]+\s+[a-zæøå]", rest):
            return None  # "Åben dialog med borgerne ..." is a sentence
    labels: list[Label] = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(line)
        name = _norm_label(match["label"])
        value = line[match.end() : end].strip(" ,;.-–")
        if name == "status":
            labels.append(Label(name, match["label"].strip(" .:").casefold()))
            if value:
                labels.append(Label("value", value))
        else:
            labels.append(Label(name, value))
    return labels


def _norm_label(label: str) -> str:
    folded = re.sub(r"[^a-zæøå ]", "", label.casefold()).strip()
    if folded in _STATUS:
        return "status"
    compact = folded.replace(" ", "")
    if compact in ("sagsnr", "sagnr", "sagsnummer", "sag"):
        return "sagsnr"
    if compact in ("sagsid",):
        return "sagsid"
    if compact in ("jnr", "journalnr", "journalnummer"):
        return "jnr"
    if compact.startswith("dok"):
        return "doknr"
    return compact


# ----------------------------------------------------------------- heading shape

_FUNCTION_WORDS = frozenset(
    (
        "og",
        "i",
        "af",
        "at",
        "til",
        "for",
        "med",
        "på",
        "om",
        "den",
        "det",
        "de",
        "en",
        "et",
        "som",
        "der",
        "fra",
        "ved",
        "samt",
        "eller",
        "efter",
        "under",
        "over",
        "mod",
        "hvor",
        "når",
    )
)
_PARTY = re.compile(r"\([A-ZÆØÅ]{1,3}\)")
_AMOUNT = re.compile(r"^\d[\d.,\s]*(?:kr\.?|mio\.?(?:\s*kr\.?)?|%)?$", re.IGNORECASE)
_CASE_TYPES = frozenset(
    ("beslutningssag", "orienteringssag", "drøftelsessag", "temasag", "godkendelsessag")
)


def looks_like_heading(line: str, previous: str, following: str) -> bool:
    """A line that a case system prints as a heading: short, alone, no sentence.

    ``previous`` is the line before (``""`` if blank), ``following`` the line after.
    Used for headings no configuration knows (Baggrund, Retligt grundlag, Høring …),
    so each starts its own section instead of vanishing into the one before.
    """
    text = line.strip()
    if text.casefold().rstrip(".") in _CASE_TYPES:
        return False  # the value under "Sagsgang og sagstype"
    if re.search(r"\b(?:indstiller|foreslår|anbefaler)\s*[,:]?$", text):
        return False  # a recommendation's lead-in printed again
    if text.endswith(":"):
        if following:  # "Budgetnotat august:" introduces the text under it
            return False
        text = text[:-1].rstrip()
    words = text.split()
    if not (1 <= len(words) <= 7) or len(text) > 60 or not text[:1].isupper():
        return False
    if text[-1] in ".,;!?)-–" or _PARTY.search(text) or ", " in text:
        return False
    if words[-1].casefold() in _FUNCTION_WORDS or any(w.isdigit() for w in words):
        return False
    if words[0].casefold() in ("at", "og", "men", "der", "som") or following[:1].islower():
        return False  # a clause, or a sentence wrapped onto the next line
    if _AMOUNT.match(following.strip()):
        return False  # a table's row label with its amount under it ("Udgift" / "2.000 kr.")
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or (text.isupper() and len(words) == 1 and len(letters) < 5):
        return False
    last_word = previous.rsplit(" ", 1)[-1].casefold() if previous else ""
    if last_word in _FUNCTION_WORDS or previous.endswith(("-", ",")):
        return False  # the sentence before goes on: "Beskæftigelses- og" / "Integrations..."
    return (
        not previous
        or previous.endswith((".", ":", "!", "?"))
        or len(previous.split()) <= 8  # a list entry or a short line, not a wrapped sentence
    )


_CELL_WORDS = 5
_LIST_ENTRY = re.compile(r"^\d{1,2}\s*[.)]\s")


def in_table(lines: Sequence[str], index: int) -> bool:
    """Whether line ``index`` stands in a table: a run of three or more short lines one after
    another, with no blank line between and none a sentence or a list's entry, that holds a
    number or has one next after it (``Udgift`` / ``Indtægt`` / ``Rådighedsbeløb fordeles
    således`` / ``2014``). Such lines are cells, none a heading. (``Sagsgang og sagstype`` /
    ``Udvalget`` / ``Beslutningssag`` holds no number: a heading and its text.)"""
    if not _is_cell(lines[index]):
        return False
    first = last = index
    while first > 0 and _is_cell(lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and _is_cell(lines[last + 1]):
        last += 1
    if last - first < 2:
        return False
    if any(_AMOUNT.match(lines[i].strip()) for i in range(first, last + 1)):
        return True
    after = next((t.strip() for t in lines[last + 1 :] if t.strip()), "")
    return bool(_AMOUNT.match(after))


def _is_cell(line: str) -> bool:
    text = line.strip()
    if not text or len(text) > 50:
        return False
    if text[0].isdigit():
        if _AMOUNT.match(text):
            return True
        if _LIST_ENTRY.match(text):
            return False
    elif text[0].islower():  # a sentence wrapped at a narrow column goes on so
        return False
    return text[-1] not in ".!?:;," and len(text.split()) <= _CELL_WORDS


def danish_date(text: str) -> date | None:
    """A date written ``5. maj 2016``, ``05-05-2016``, ``5.5.2016`` or ``2016-05-05``."""
    text = text.strip(" .:")
    numeric = re.match(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$", text)
    if numeric:
        day, month, year = (int(x) for x in numeric.groups())
        return _date(year, month, day)
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", text)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    words = _ordinal_words(text.casefold())
    written = re.match(r"^(\d{1,2})(?:\.?\s*|-)([^\W\d]+)(?:\.?\s+|-)(\d{4})$", words)
    if written:
        prefix = written[2][:3]
        for month_no, name in enumerate(DA_MONTHS, start=1):
            if name[:3] == prefix:
                return _date(int(written[3]), month_no, int(written[1]))
    return None


_ORDINALS = {
    word: number
    for number, word in enumerate(
        (
            "første",
            "anden",
            "tredje",
            "fjerde",
            "femte",
            "sjette",
            "syvende",
            "ottende",
            "niende",
            "tiende",
            "ellevte",
            "tolvte",
            "trettende",
            "fjortende",
            "femtende",
            "sekstende",
            "syttende",
            "attende",
            "nittende",
            "tyvende",
            "enogtyvende",
            "toogtyvende",
            "treogtyvende",
            "fireogtyvende",
            "femogtyvende",
            "seksogtyvende",
            "syvogtyvende",
            "otteogtyvende",
            "niogtyvende",
            "tredivte",
            "enogtredivte",
        ),
        start=1,
    )
}


def _ordinal_words(text: str) -> str:
    """``den femte maj 2016`` -> ``5. maj 2016``: dates written in words."""
    text = re.sub(r"^den\s+", "", text)
    first, _, rest = text.partition(" ")
    if first in _ORDINALS:
        return f"{_ORDINALS[first]}. {rest}"
    return text


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
