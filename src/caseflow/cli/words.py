"""The command line's own words in the user's language (CASEFLOW_LANGUAGE: da or en).

The user's content is shown as typed; what the program itself labels (table
headers, the lines of ``case show``) follows the language setting, as the
workflow files' titles do.
"""

from __future__ import annotations

DANISH = {
    "Journal no": "Journalnr.",
    "Title": "Titel",
    "State": "Tilstand",
    "Committee": "Udvalg",
    "Lead": "Ressort",
    "Officer": "Sagsbehandler",
    "Updated": "Opdateret",
    "workflow": "arbejdsgang",
    "state": "tilstand",
    "version": "version",
    "origin": "oprindelse",
    "lead": "ressort",
    "participants": "deltagere",
    "committee": "udvalg",
    "officer": "sagsbehandler",
    "Recommendations": "Indstilling",
    "Attachments": "Bilag",
    "Fields": "Felter",
    "case": "sag",
    "cases": "sager",
    "Deadline": "Frist",
    "Owner": "Ansvarlig",
    "Due (Copenhagen)": "Forfalder (København)",
    "Status": "Status",
    "Key": "Nøgle",
    "Template": "Skabelon",
    "To": "Til",
    "Tries": "Forsøg",
    "Last error": "Seneste fejl",
    "Workflow": "Arbejdsgang",
    "Version": "Version",
    "States": "Tilstande",
    "Transitions": "Overgange",
    "Source": "Fil",
}


def words(language: str, *texts: str) -> list[str]:
    """Each of ``texts`` in ``language`` (a table's headers)."""
    return [word(text, language) for text in texts]


def word(text: str, language: str) -> str:
    """``text`` (English, as written in the code) in ``language``."""
    return DANISH.get(text, text) if language == "da" else text
