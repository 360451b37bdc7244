"""The words of the import pages: a published item or agenda uploaded, previewed field by
field with every repair the reader made, and imported (Danish, then English); and the
phrasing of the import's errors."""

from __future__ import annotations

from caseflow.errors import ErrorCode

TEXTS: dict[str, tuple[str, str]] = {
    "imports": ("Import", "Import"),
    "imports_title": ("Importér dagsordenspunkter", "Import agenda items"),
    "imports_intro": (
        "Upload et offentliggjort dagsordenspunkt eller en hel dagsorden (HTML, PDF eller "
        "tekst). Du ser først, hvad der er læst, og hvad der er usikkert; intet gemmes, før "
        "du importerer.",
        "Upload a published agenda item or a whole agenda (HTML, PDF or text). You first see "
        "what was read and what is uncertain; nothing is saved until you import.",
    ),
    "imports_file": ("Fil", "File"),
    "imports_file_hint": ("Højst {size}.", "At most {size}."),
    "imports_meeting": ("Møde (nummer, valgfrit)", "Meeting (number, optional)"),
    "imports_meeting_hint": (
        "Med et møde bliver punkterne mødets: et afholdt mødes med deres beslutninger, et "
        "kommende mødes på dagsordenen efter dens regler. Uden møde oprettes hvert punkt "
        "som en ny sag.",
        "With a meeting the items become the meeting's: a held meeting's with their "
        "decisions, a coming meeting's on its agenda by its rules. Without one each item "
        "opens a new case.",
    ),
    "imports_lead": ("Ansvarlig forvaltning (valgfri)", "Lead administration (optional)"),
    "imports_committee": ("Udvalg (valgfrit, uden møde)", "Committee (optional, no meeting)"),
    "imports_late_reason": (
        "Begrundelse for sene punkter (hvis reglerne kræver det)",
        "Reason for late items (if the rules ask)",
    ),
    "imports_note": (
        "Note om ændringen (hvis dagsordenen er offentliggjort)",
        "Note on the change (if the agenda is published)",
    ),
    "imports_preview_button": ("Vis hvad der læses", "Show what is read"),
    "imports_import_button": ("Importér", "Import"),
    "imports_preview_title": ("Forhåndsvisning: {source}", "Preview: {source}"),
    "imports_preview_note": (
        "Intet er gemt endnu. Sådan bliver importen:",
        "Nothing is saved yet. This is what the import will do:",
    ),
    "imports_done_title": ("Importeret: {source}", "Imported: {source}"),
    "imports_done_dry": (
        "{imported} af {count} punkter kan importeres.",
        "{imported} of {count} items can be imported.",
    ),
    "imports_done_count": (
        "{imported} af {count} punkter er importeret.",
        "{imported} of {count} items were imported.",
    ),
    "imports_mode_history": (
        "Møde {meeting_id} ({committee}, {day}) er afholdt: punkterne importeres som historik "
        "med deres beslutninger.",
        "Meeting {meeting_id} ({committee}, {day}) was held: the items are imported as history "
        "with their decisions.",
    ),
    "imports_mode_agenda": (
        "Møde {meeting_id} ({committee}, {day}) er ikke holdt endnu: punkterne sættes på "
        "dagsordenen efter dens regler.",
        "Meeting {meeting_id} ({committee}, {day}) is still to come: the items go on its agenda "
        "by its rules.",
    ),
    "imports_mode_cases": ("Hvert punkt bliver en ny sag.", "Each item opens a new case."),
    "imports_outcome_opened": ("ny sag i {state}", "new case in {state}"),
    "imports_outcome_on_agenda": (
        "på dagsordenen som punkt {item_no}",
        "on the agenda as item {item_no}",
    ),
    "imports_outcome_decided": (
        "punkt {item_no} på mødet, besluttet",
        "item {item_no} of the meeting, decided",
    ),
    "imports_outcome_postponed": (
        "punkt {item_no} på mødet, udsat",
        "item {item_no} of the meeting, postponed",
    ),
    "imports_outcome_awaiting_decision": (
        "punkt {item_no} på mødet; beslutningen skal registreres",
        "item {item_no} of the meeting; its decision is still to be recorded",
    ),
    "imports_outcome_refused": ("afvist: {reason}", "refused: {reason}"),
    "imports_outcome": ("Udfald", "Outcome"),
    "imports_case": ("Sag", "Case"),
    "imports_item": ("Punkt {number}: {title}", "Item {number}: {title}"),
    "imports_no_number": ("uden nummer", "no number"),
    "imports_journal": ("Journalnr. (kilden)", "Journal no. (the source's)"),
    "imports_journal_form": ("form: {form}", "form: {form}"),
    "imports_source_reference": ("Kildens nummer", "The source's number"),
    "imports_administration": ("Forvaltning", "Administration"),
    "imports_closed": ("Lukket punkt", "Closed item"),
    "imports_routing": ("Behandles i", "Goes through"),
    "imports_decision": ("Beslutning", "Decision"),
    "imports_decision_of": ("{committee} {day}", "{committee} {day}"),
    "imports_absent": ("Fraværende", "Absent"),
    "imports_meeting_read": ("Mødet i kilden", "The source's meeting"),
    "imports_uncertain": ("Usikkert ({count})", "Uncertain ({count})"),
    "imports_nothing_uncertain": ("Intet usikkert.", "Nothing uncertain."),
    "imports_repaired": ("»{original}« læst som »{repaired}«", "“{original}” read as “{repaired}”"),
    "imports_no_items": (
        "Filen indeholder ingen dagsordenspunkter.",
        "The file holds no agenda items.",
    ),
    "imports_file_required": ("Vælg en fil.", "Choose a file."),
    "imports_file_too_large": (
        "Filen er større end {size}; importér den med kommandoen caseflow import.",
        "The file is larger than {size}; import it with the command caseflow import.",
    ),
    "imports_text_too_long": (
        "Teksten i filen er for lang til browseren; importér den med kommandoen caseflow import.",
        "The file's text is too long for the browser; import it with the command caseflow import.",
    ),
    "imports_meeting_invalid": (
        "Skriv mødets nummer, f.eks. 12.",
        "Give the meeting's number, e.g. 12.",
    ),
    "imports_text_changed": (
        "Teksten er ikke den, der blev vist; vis filen igen.",
        "The text is not the one shown; show the file again.",
    ),
    "source_reference": ("Kildens journalnr.", "The source's journal no."),
}

ERRORS: dict[ErrorCode, tuple[str, str]] = {
    ErrorCode.JOURNAL_NO_TAKEN: (
        "Sag {journal_no} findes allerede; punktet er ikke importeret.",
        "Case {journal_no} exists already; the item was not imported.",
    ),
    ErrorCode.IMPORTED_ALREADY: (
        "Kildens nummer {reference} er allerede importeret som sag {journal_no}.",
        "The source's number {reference} was imported already, as case {journal_no}.",
    ),
    ErrorCode.IMPORT_DECISION_EARLY: (
        "Punkt {number} har en beslutning, men møde {meeting_id} er ikke holdt endnu.",
        "Item {number} records a decision, and meeting {meeting_id} has not been held.",
    ),
    ErrorCode.IMPORT_MEETING_CLOSED: (
        "Møde {meeting_id} er {status}; dets punkter kan ikke længere ændres.",
        "Meeting {meeting_id} is {status}; its items can no longer change.",
    ),
}
