"""The words of the records page (Danish, then English)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "records_title": ("Dokumentation og kontrol", "Records and verification"),
    "records_intro": (
        "Sager, dagsordener, beslutninger, referater og organisationsændringer er "
        "hash-kædet; kontrolpunkter underskrives med en nøgle uden for databasen.",
        "Cases, agendas, decisions, minutes and organisation changes are hash-chained; "
        "checkpoints are signed with a key kept outside the database.",
    ),
    "records_latest": ("Seneste kontrolpunkt", "Latest checkpoint"),
    "records_none": (
        "Intet kontrolpunkt endnu: kør caseflow records checkpoint.",
        "No checkpoint yet: run caseflow records checkpoint.",
    ),
    "records_seq": ("Nummer", "Number"),
    "records_at": ("Tidspunkt", "Time"),
    "records_heads": ("Kæder underskrevet", "Chains signed"),
    "records_key_id": ("Nøgle", "Key"),
    "records_public_key": ("Offentlig nøgle (til revisorerne)", "Public key (for the auditors)"),
    "records_no_public_key": (
        "Ingen offentlig nøgle i {path}: kør caseflow records keygen.",
        "No public key at {path}: run caseflow records keygen.",
    ),
    "records_export": ("Eksport", "Export"),
    "records_verify": ("Kontrollér alt nu", "Verify everything now"),
    "records_ok": (
        "Alt stemmer: {cases} sager ({rows} revisionsrækker) og {records} andre "
        "dokumenter mod {checkpoints} kontrolpunkter.",
        "All records verify: {cases} cases ({rows} audit rows) and {records} other records "
        "against {checkpoints} checkpoints.",
    ),
    "records_found": (
        "{count} uoverensstemmelser fundet (højst {shown} vises).",
        "{count} discrepancies found (at most {shown} shown).",
    ),
    "records_finding": ("Fund", "Finding"),
    "records_chain": ("Kæde", "Chain"),
    "records_message": ("Hvad", "What"),
}
