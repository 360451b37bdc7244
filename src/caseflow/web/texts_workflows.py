"""The words of the administrators' page for changing workflows: the diff of a file
against the version new cases get, publishing it, migrations with their dry run, pause,
resume and revert (Danish, then English); merged into :data:`caseflow.web.i18n.TEXTS`.

``wfc_note_<kind>`` phrases each :class:`~caseflow.definitions.migration_notes.NoteKind`
from the note's params (the command line's English is the note's own text). Names a
user gave (states, rules, steps) are quoted as given; the web's English differs from
the command line's only where that one names a flag (``--map``) or an ISO date."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "wfc_title": ("Ændring af arbejdsgange", "Changing workflows"),
    "wfc_diff": ("Sammenlign og offentliggør", "Compare and publish"),
    "wfc_diff_help": (
        "Indsæt eller upload en arbejdsgang: den sammenlignes med den version, nye sager "
        "får nu. Intet gemmes, før du offentliggør.",
        "Paste or upload a workflow: it is compared with the version new cases get now. "
        "Nothing is stored until you publish.",
    ),
    "wfc_upload": ("Eller upload filen", "Or upload its file"),
    "wfc_diff_button": ("Sammenlign", "Compare"),
    "wfc_diff_of": ("Ændringer i {workflow}", "Changes to {workflow}"),
    "wfc_versions": ("Fra version {old} til {new}.", "From version {old} to {new}."),
    "wfc_identical": ("Ingen ændringer.", "No changes."),
    "wfc_changes_caption": ("Ændringer efter art", "Changes by kind"),
    "wfc_kind": ("Art", "Kind"),
    "wfc_entry": ("Hvad", "What"),
    "wfc_change": ("Ændring", "Change"),
    "wfc_fields": ("Felter (før → efter)", "Fields (before → after)"),
    "wfc_added": ("tilføjet", "added"),
    "wfc_removed": ("fjernet", "removed"),
    "wfc_changed": ("ændret", "changed"),
    "wfc_category_workflow": ("arbejdsgang", "workflow"),
    "wfc_category_states": ("tilstand", "state"),
    "wfc_category_transitions": ("overgang", "transition"),
    "wfc_category_roles": ("rolle", "role"),
    "wfc_category_guards": ("betingelse", "guard"),
    "wfc_category_deadline_rules": ("fristregel", "deadline rule"),
    "wfc_category_notification_rules": ("beskedregel", "notification rule"),
    "wfc_category_approval_steps": ("godkendelsestrin", "approval step"),
    "wfc_touched_caption": (
        "Igangværende sager i tilstande, den nye version fjerner eller ændrer",
        "Running cases in states the new version removes or changes",
    ),
    "wfc_publish": ("Offentliggør som ny version", "Publish as the new version"),
    "wfc_published": (
        "Versionen er offentliggjort: nye sager får den nu. Igangværende sager bliver, hvor "
        "de er, til de flyttes.",
        "The version is published: new cases get it now. Running cases stay where they "
        "are until they are migrated.",
    ),
    "wfc_back": ("Tilbage til ændring af arbejdsgange", "Back to changing workflows"),
    "wfc_migrate": ("Flyt igangværende sager", "Migrate running cases"),
    "wfc_migrate_help": (
        "Sager flyttes til den version, nye sager får nu. Se først en prøvekørsel: intet "
        "ændres, før du kører flytningen.",
        "Cases move to the version new cases get now. See a dry run first: nothing changes "
        "until you run the migration.",
    ),
    "wfc_map": (
        "Tilstande der skifter navn (GAMMEL=NY, én pr. linje)",
        "States that move (OLD=NEW, one a line)",
    ),
    "wfc_map_help": (
        "En tilstand med samme navn i den nye version behøver ingen linje.",
        "A state with the same name in the new version needs no line.",
    ),
    "wfc_where": (
        "Kun sager i tilstandene (kommasepareret)",
        "Only cases in the states (comma-separated)",
    ),
    "wfc_dry_run": ("Prøvekørsel", "Dry run"),
    "wfc_dry_run_of": ("Prøvekørsel: {workflow}", "Dry run: {workflow}"),
    "wfc_totals": (
        "{cases} sager: {ok} kan flyttes, {blocked} er blokeret, {warned} med advarsler. "
        "Intet er ændret.",
        "{cases} cases: {ok} ok, {blocked} blocked, {warned} with warnings. Nothing was changed.",
    ),
    "wfc_refused": (
        "Flytningen ville blive afvist: angiv hvor hver blokeret tilstand skal hen.",
        "The migration would be refused: say where each blocked state goes.",
    ),
    "wfc_preview_caption": ("Hvad der sker med hver sag", "What happens to each case"),
    "wfc_case": ("Sag", "Case"),
    "wfc_from": ("Fra tilstand", "From state"),
    "wfc_to": ("Til tilstand", "To state"),
    "wfc_result": ("Resultat", "Result"),
    "wfc_notes": ("Hvorfor og advarsler", "Why and warnings"),
    "wfc_verdict_ok": ("kan flyttes", "ok"),
    "wfc_verdict_blocked": ("blokeret", "blocked"),
    "wfc_run": ("Kør flytningen", "Run the migration"),
    "wfc_migrations": ("Flytninger", "Migrations"),
    "wfc_migrations_caption": ("Flytninger, nyeste først", "Migrations, newest first"),
    "wfc_no_migrations": ("Ingen flytninger endnu.", "No migrations yet."),
    "wfc_migration": ("Flytning {id}", "Migration {id}"),
    "wfc_to_version": ("Til version", "To version"),
    "wfc_plan": ("Plan", "Plan"),
    "wfc_same_names": ("samme navne", "same names"),
    "wfc_by": ("Kørt af", "Run by"),
    "wfc_status": ("Status", "Status"),
    "wfc_status_running": ("i gang", "running"),
    "wfc_status_paused": ("sat på pause", "paused"),
    "wfc_status_done": ("færdig", "done"),
    "wfc_status_reverting": ("rulles tilbage", "reverting"),
    "wfc_status_reverted": ("rullet tilbage", "reverted"),
    "wfc_moved": ("Flyttet", "Moved"),
    "wfc_failed": ("Fejlet", "Failed"),
    "wfc_actions": ("Handlinger", "Actions"),
    "wfc_pause": ("Sæt på pause", "Pause"),
    "wfc_resume": ("Fortsæt", "Resume"),
    "wfc_revert": ("Rul tilbage", "Revert"),
    "wfc_pause_label": ("Sæt flytning {id} på pause", "Pause migration {id}"),
    "wfc_resume_label": ("Fortsæt flytning {id}", "Resume migration {id}"),
    "wfc_revert_label": ("Rul flytning {id} tilbage", "Revert migration {id}"),
    "wfc_paused": ("Flytningen er sat på pause.", "The migration is paused."),
    "wfc_log_caption": ("Hver sag i flytningen", "Each case of the migration"),
    "wfc_outcome": ("Udfald", "Outcome"),
    "wfc_outcome_moved": ("flyttet", "moved"),
    "wfc_outcome_failed": ("fejlet, blev hvor den var", "failed, left where it was"),
    "wfc_outcome_reverted": ("flyttet tilbage", "moved back"),
    "wfc_outcome_kept": ("ikke flyttet tilbage (ændret siden)", "not moved back (changed since)"),
}

_OPEN = (
    "et godkendelsestrin er åbent: »{step}« i skridtet »{trigger}«",
    "an approval step is open: '{step}' of '{trigger}'",
)
_ROUND = (": flyt sagen, når runden er afsluttet", ": move the case when its round has ended")
_NOT_A_DATE = "sagens felt »{field}« indeholder ikke en dato"

# What a migration says of a case, by NoteKind (see caseflow.definitions.migration_notes).
NOTES: dict[str, tuple[str, str]] = {
    "wfc_note_moves_state": (
        "flyttes fra »{from_state}« til »{to_state}«",
        "moves from '{from_state}' to '{to_state}'",
    ),
    "wfc_note_on_published_agenda": (
        "er på en offentliggjort dagsorden",
        "on a published agenda",
    ),
    "wfc_note_approval_step_open": _OPEN,
    "wfc_note_approval_step_replaced": (
        _OPEN[0] + "; den nye version har »{new_step}« i stedet",
        _OPEN[1] + "; the new version has '{new_step}' in its place",
    ),
    "wfc_note_deadline_recomputed": (
        "fristen »{rule}« genberegnet fra {old_days} til {new_days} arbejdsdage",
        "deadline '{rule}' recomputed from {old_days} to {new_days} working days",
    ),
    "wfc_note_deadline_reminders_recomputed": (
        "fristen »{rule}«: påmindelserne genberegnet",
        "deadline '{rule}': its reminders recomputed",
    ),
    "wfc_note_deadline_cancelled_rule_removed": (
        "fristen »{rule}« annulleret: den nye version har ingen sådan regel",
        "deadline '{rule}' cancelled: the new version has no such rule",
    ),
    "wfc_note_deadline_cancelled_not_in_state": (
        "fristen »{rule}« annulleret: i den nye version løber den ikke i tilstanden »{state}«",
        "deadline '{rule}' cancelled: in the new version it does not run in state '{state}'",
    ),
    "wfc_note_deadline_cancelled_field_missing": (
        "fristen »{rule}« annulleret: den nye regel kræver et felt, som sagen ikke har",
        "deadline '{rule}' cancelled: the new rule needs a field the case lacks",
    ),
    "wfc_note_deadline_started": (
        "ny frist »{rule}« regnet fra, at sagen kom i »{state}« den {date}",
        "new deadline '{rule}' started from entering '{state}' on {date}",
    ),
    "wfc_note_approval_round_opened": (
        "en godkendelsesrunde for »{trigger}« åbnes ved trin {number}, »{step}«, med frist "
        "den {date}",
        "an approval round of '{trigger}' is opened at step {number}, '{step}', due on {date}",
    ),
    "wfc_note_approval_round_opened_untimed": (
        "en godkendelsesrunde for »{trigger}« åbnes ved trin {number}, »{step}«",
        "an approval round of '{trigger}' is opened at step {number}, '{step}'",
    ),
    "wfc_note_state_not_in_new_version": (
        "tilstanden »{state}« findes ikke i den nye version: angiv under tilstande der "
        "skifter navn, hvor den skal hen ({state}=NY)",
        "state '{state}' is not in the new version: say under states that move where it "
        "goes ({state}=NEW)",
    ),
    "wfc_note_approval_chain_not_in_state": (
        _OPEN[0]
        + ", og i den nye version løber ingen godkendelseskæde for »{trigger}« i tilstanden "
        "»{state}«" + _ROUND[0],
        _OPEN[1] + ", and in the new version no chain of '{trigger}' runs in state "
        "'{state}'" + _ROUND[1],
    ),
    "wfc_note_approval_step_missing": (
        _OPEN[0]
        + ", og den nye versions godkendelseskæde for »{trigger}« har intet trin {number}"
        + _ROUND[0],
        _OPEN[1] + ", and the new version's chain of '{trigger}' has no step {number}" + _ROUND[1],
    ),
    "wfc_note_deadline_not_recomputable": (
        "fristen »{rule}« kan ikke genberegnes: " + _NOT_A_DATE,
        "deadline '{rule}' cannot be recomputed: {detail}",
    ),
    "wfc_note_deadline_not_startable": (
        "fristen »{rule}« kan ikke startes: " + _NOT_A_DATE,
        "deadline '{rule}' cannot be started: {detail}",
    ),
    "wfc_note_changed_while_moving": (
        "sagen blev ændret, mens den blev flyttet; kør flytningen igen for den",
        "it changed while being moved; run the migration again for it",
    ),
    "wfc_note_database_refused": (
        "databasen afviste den: {error}",
        "the database refused it: {error}",
    ),
    "wfc_note_events_since": (
        "der er sket noget på sagen siden flytningen (version {then} dengang, {now} nu)",
        "it had events since the migration (version {then} then, {now} now)",
    ),
    "wfc_note_revert_round_cancelled": (
        "godkendelsesrunde {round} for »{trigger}« annulleret: flytning {migration}, som "
        "åbnede den, er rullet tilbage",
        "approval round {round} of '{trigger}' cancelled: migration {migration}, which "
        "opened it, is reverted",
    ),
    "wfc_note_revert_deadline_cancelled": (
        "fristen »{rule}« annulleret: flytning {migration}, som startede den, er rullet tilbage",
        "deadline '{rule}' cancelled: migration {migration}, which started it, is reverted",
    ),
}
TEXTS.update(NOTES)
