"""The web's words: Danish by default, English by a switch.

Every text a page shows comes from :data:`TEXTS` by key, and every service error
is phrased here from its stable code and parameters (:data:`ERRORS`), so a page
never shows the core's English message to a Danish reader. A test holds both
catalogues complete: every key in both languages, every :class:`ErrorCode` phrased.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from caseflow.definitions.migration_notes import LoggedNote, MigrationNote
from caseflow.errors import CaseflowError, ErrorCode
from caseflow.notifications.render import da_date, da_datetime, en_date, en_datetime
from caseflow.web import (
    texts_admin,
    texts_approvals,
    texts_imports,
    texts_meetings,
    texts_oidc,
    texts_pictures,
    texts_records,
    texts_workflows,
)


class Language(StrEnum):
    DA = "da"
    EN = "en"

    @classmethod
    def of(cls, text: str | None, default: Language | None = None) -> Language:
        """The language a cookie or query names; the default for anything else."""
        try:
            return cls(text or "")
        except ValueError:
            return default or cls.DA


# key: (Danish, English). Placeholders in braces are filled from keyword arguments.
TEXTS: dict[str, tuple[str, str]] = {
    "app_name": ("caseflow", "caseflow"),
    "skip_to_content": ("Gå til indholdet", "Skip to content"),
    "main_navigation": ("Hovedmenu", "Main navigation"),
    "language_switch": ("English", "Dansk"),
    "language_switch_label": ("Skift sprog til engelsk", "Switch language to Danish"),
    "signed_in_as": ("Logget ind som {name}", "Signed in as {name}"),
    "sign_in": ("Log ind", "Sign in"),
    "sign_in_title": ("Log ind i caseflow", "Sign in to caseflow"),
    "sign_in_oidc": ("Log ind med {issuer}", "Sign in with {issuer}"),
    "sign_out": ("Log ud", "Sign out"),
    "sign_out_everywhere": ("Log ud på alle enheder", "Sign out everywhere"),
    "signed_out": ("Du er logget ud.", "You are signed out."),
    "signed_out_everywhere": (
        "Du er logget ud på alle enheder ({count} sessioner).",
        "You are signed out everywhere ({count} sessions).",
    ),
    "username": ("Brugernavn", "Username"),
    "password": ("Adgangskode", "Password"),
    "sign_in_needed": ("Log ind for at fortsætte.", "Sign in to continue."),
    "inbox": ("Indbakke", "Inbox"),
    "cases": ("Sager", "Cases"),
    "new_case": ("Ny sag", "New case"),
    "nav_imports": ("Import", "Import"),  # the import page, for secretariats
    "account": ("Min konto", "My account"),
    "tab_mine": ("Mine sager", "My cases"),
    "tab_administration": ("Min forvaltning", "My administration"),
    "tab_due": ("Frist snart", "Due soon"),
    "tab_overdue": ("Overskredet", "Overdue"),
    "tab_approver": ("Venter på mig", "Waiting for me"),
    "tabs_label": ("Sagslister", "Case lists"),
    "filter": ("Filtrér", "Filter"),
    "filters": ("Filtre", "Filters"),
    "state": ("Tilstand", "State"),
    "any": ("Alle", "Any"),
    "committee": ("Udvalg", "Committee"),
    "sort": ("Sortering", "Sort"),
    "sort_newest": ("Nyeste først", "Newest first"),
    "sort_due": ("Frist først", "Deadline first"),
    "sort_updated": ("Senest ændret", "Last changed"),
    "journal_no": ("Journalnr.", "Journal no."),
    "title": ("Titel", "Title"),
    "case_officer": ("Sagsbehandler", "Case officer"),
    "lead_administration": ("Ansvarlig forvaltning", "Lead administration"),
    "participating_administrations": ("Deltagende forvaltninger", "Participating administrations"),
    "next_deadline": ("Næste frist", "Next deadline"),
    "updated": ("Ændret", "Changed"),
    "no_cases": ("Ingen sager her.", "No cases here."),
    "next_page": ("Næste side", "Next page"),
    "first_page": ("Første side", "First page"),
    "summary": ("Resumé", "Summary"),
    "recommendations": ("Indstilling", "Recommendations"),
    "recommendation_lines": (
        "Indstilling (ét punkt pr. linje)",
        "Recommendations (one per line)",
    ),
    "sections": ("Sagsfremstilling", "Sections"),
    "attachments": ("Bilag", "Attachments"),
    "no_attachments": ("Ingen bilag.", "No attachments."),
    "history": ("Historik", "History"),
    "deadlines": ("Frister", "Deadlines"),
    "no_deadlines": ("Ingen frister.", "No deadlines."),
    "deadline_rule": ("Regel", "Rule"),
    "due": ("Frist", "Due"),
    "status": ("Status", "Status"),
    "how_computed": ("Sådan er fristen beregnet", "How the deadline was computed"),
    "reminders": ("Påmindelser", "Reminders"),
    "actions": ("Handlinger", "Actions"),
    "no_actions": (
        "Du kan ikke tage et skridt på sagen lige nu.",
        "You cannot take a step on this case now.",
    ),
    "blocked_by": ("Blokeret: {reasons}", "Blocked: {reasons}"),
    "comment": ("Kommentar", "Comment"),
    "comment_required": ("Kommentar (skal udfyldes)", "Comment (required)"),
    "comment_for": (
        "Kommentar til »{step}« (skal udfyldes)",
        "Comment on “{step}” (required)",
    ),
    "via_service": (
        "Tages fra mødet og dagsordenen ({service}).",
        "Taken from the meeting and its agenda ({service}).",
    ),
    "edit_case": ("Ret sagen", "Edit the case"),
    "save": ("Gem", "Save"),
    "saved": ("Gemt.", "Saved."),
    "nothing_changed": ("Intet ændret.", "Nothing changed."),
    "create": ("Opret", "Create"),
    "case_opened": ("Sag {journal_no} er oprettet.", "Case {journal_no} was opened."),
    "case_advanced": (
        "Sagen gik fra {from_state} til {to_state}.",
        "The case went from {from_state} to {to_state}.",
    ),
    "workflow": ("Arbejdsgang", "Workflow"),
    "version": ("Version", "Version"),
    "reload": ("Hent siden igen", "Reload the page"),
    "conflict_hint": (
        "En anden har ændret sagen imens. Hent den igen, og prøv så igen.",
        "Someone else changed the case meanwhile. Reload it, then try again.",
    ),
    "error": ("Fejl", "Error"),
    "error_title": ("Noget gik galt", "Something went wrong"),
    "database_down": (
        "Databasen svarer ikke lige nu. Intet er ændret; prøv igen om lidt.",
        "The database does not answer just now. Nothing was changed; try again shortly.",
    ),
    "value_out_of_range": (
        "En værdi i formularen er uden for det, caseflow kan gemme.",
        "A value in the form is out of range for what caseflow stores.",
    ),
    "not_found_page": ("Siden findes ikke.", "There is no such page."),
    "forbidden_page": ("Du har ikke adgang til dette.", "You may not do this."),
    "csrf_failed": (
        "Formularen var for gammel eller kom ikke fra caseflow. Hent siden igen, og prøv igen.",
        "The form was too old or did not come from caseflow. Reload the page and try again.",
    ),
    "field_error": ("Fejl i feltet {field}", "Error in the field {field}"),
    "when": ("Tidspunkt", "When"),
    "who": ("Hvem", "Who"),
    "what": ("Hvad", "What"),
    "changes": ("Ændringer", "Changes"),
    "kind_open": ("oprettet", "opened"),
    "kind_fire": ("skridt", "step"),
    "kind_edit": ("rettet", "edited"),
    "kind_deadline": ("frist", "deadline"),
    "kind_made_public": ("gjort offentlig", "made public"),
    "kind_migrate": ("flyttet til ny version af arbejdsgangen", "moved to a new workflow version"),
    "kind_import": ("importeret", "imported"),
    "withheld": (
        "Indhold fra et lukket punkt er udeladt for dig.",
        "Content of a closed item is withheld from you.",
    ),
    "api_tokens": ("API-nøgler", "API tokens"),
    "token_name": ("Navn på nøglen", "Token name"),
    "token_days": ("Gyldig i dage", "Valid for days"),
    "token_create": ("Opret nøgle", "Create token"),
    "token_created": (
        "Din nye nøgle. Den vises kun denne ene gang:",
        "Your new token. It is shown this once only:",
    ),
    "token_revoke": ("Tilbagekald", "Revoke"),
    "token_revoked": ("Nøglen er tilbagekaldt.", "The token was revoked."),
    "no_tokens": ("Ingen nøgler.", "No tokens."),
    "expires": ("Udløber", "Expires"),
    "created": ("Oprettet", "Created"),
    "last_used": ("Sidst brugt", "Last used"),
    "sessions": ("Sessioner", "Sessions"),
    "client": ("Klient", "Client"),
    "this_session": ("denne session", "this session"),
    "change_password": ("Skift adgangskode", "Change password"),
    "new_password": ("Ny adgangskode", "New password"),
    "password_changed": ("Adgangskoden er skiftet.", "The password was changed."),
    "never": ("aldrig", "never"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "overdue": ("overskredet", "overdue"),
    "case_of": ("Sag {journal_no}", "Case {journal_no}"),
    "committee_none": ("(intet udvalg)", "(no committee)"),
    "new_case_title": ("Opret en ny sag", "Open a new case"),
    "from_to": ("{from_state} → {to_state}", "{from_state} → {to_state}"),
    "count_cases": ("{count} sager", "{count} cases"),
    "origin": ("Sagens oprindelse", "Where the case came from"),
    "origin_kind": ("Oprindelse", "Origin"),
    "origin_enquiry": ("Forespørgsel fra et medlem", "Enquiry by a member"),
    "origin_committee_request": ("Udvalgets ønske", "The committee's request"),
    "origin_own_initiative": ("Forvaltningens eget initiativ", "The administration's initiative"),
    "origin_member": ("Medlem (ved forespørgsel)", "Member (for an enquiry)"),
    "origin_date": ("Dato", "Date"),
    "deadline_open": ("løber", "running"),
    "deadline_paused": ("sat i bero", "paused"),
    "deadline_satisfied": ("overholdt", "met"),
    "deadline_cancelled": ("bortfaldet", "cancelled"),
    "deadline_expired": ("udløbet", "expired"),
    "deadline_stale": ("forældet", "stale"),
    "deadline_incident": ("venter på en person", "waits for a person"),
}

# What each service error says, by code. Placeholders name the error's parameters; an
# error whose parameters lack one is phrased by its kind's general text instead.
ERRORS: dict[ErrorCode, tuple[str, str]] = {
    ErrorCode.ERROR: ("Der opstod en fejl.", "An error occurred."),
    ErrorCode.INVALID_INPUT: ("Oplysningerne er ikke gyldige.", "The input is not valid."),
    ErrorCode.INVALID_DEFINITION: (
        "Definitionen har fejl.",
        "The definition has problems.",
    ),
    ErrorCode.NOT_FOUND: ("Findes ikke.", "Not found."),
    ErrorCode.NOT_ALLOWED: ("Det har du ikke lov til.", "You may not do this."),
    ErrorCode.CONFLICT: (
        "Det passer ikke med sagens nuværende tilstand.",
        "That conflicts with the current state.",
    ),
    ErrorCode.DATABASE_NOT_READY: (
        "Databasen er ikke klar; en driftsansvarlig skal opgradere den.",
        "The database is not ready; an operator must upgrade it.",
    ),
    ErrorCode.ACTOR_REQUIRED: ("Du skal være logget ind.", "You must be signed in."),
    ErrorCode.CASE_NOT_VISIBLE: (
        "Sag {journal_no}: findes ikke, eller du har ikke adgang.",
        "Case {journal_no}: not found or not allowed.",
    ),
    ErrorCode.ROLE_REQUIRED: (
        "Det kræver en af rollerne {roles}.",
        "That needs one of the roles {roles}.",
    ),
    ErrorCode.OPERATOR_REQUIRED: (
        "Det kræver en administrator eller et sekretariat.",
        "That needs an administrator or a secretariat.",
    ),
    ErrorCode.ADMINISTRATOR_REQUIRED: (
        "Det kræver en administrator.",
        "That needs an administrator.",
    ),
    ErrorCode.LAST_ADMINISTRATOR: (
        "{username} er den sidste administrator uden afgrænsning og kan ikke fjernes.",
        "{username} is the last unscoped administrator and cannot be removed.",
    ),
    ErrorCode.TRIGGER_NOT_AVAILABLE: (
        "Skridtet {trigger} kan ikke tages fra tilstanden {state}.",
        "The step {trigger} cannot be taken from the state {state}.",
    ),
    ErrorCode.TRIGGER_OWNED_BY_SERVICE: (
        "Skridtet {trigger} tages ikke for sig: det sker gennem et mødes dagsorden eller "
        "referat, eller gennem sagens godkendelsesrække.",
        "The step {trigger} is not taken on its own: it happens through a meeting's agenda "
        "or minutes, or through the case's approval chain.",
    ),
    ErrorCode.GUARDS_FAILED: (
        "Skridtet {trigger} er blokeret: {reasons}.",
        "The step {trigger} is blocked: {reasons}.",
    ),
    ErrorCode.STALE_VERSION: (
        "En anden har ændret sag {journal_no} imens (du så version {expected}, nu er den "
        "version {current}).",
        "Someone else changed case {journal_no} meanwhile (you saw version {expected}, it "
        "is now at {current}).",
    ),
    ErrorCode.NOTHING_TO_CHANGE: ("Der er intet at ændre.", "There is nothing to change."),
    ErrorCode.COMMENT_REQUIRED: (
        "Skriv en kommentar til dette skridt.",
        "Write a comment for this step.",
    ),
    ErrorCode.NOTE_REQUIRED: (
        "Skriv en note om ændringen af den offentliggjorte dagsorden.",
        "Write a note on the change to the published agenda.",
    ),
    ErrorCode.REASON_REQUIRED: ("Skriv en begrundelse.", "Give a reason."),
    ErrorCode.LATE_REASON_REQUIRED: (
        "Fristen for dagsordenen er overskredet; skriv hvorfor punktet kommer for sent.",
        "The agenda's deadline has passed; say why the item is late.",
    ),
    ErrorCode.TEXT_REQUIRED: ("Skriv en tekst.", "Write a text."),
    ErrorCode.REFERRAL_TARGET_REQUIRED: (
        "Vælg det udvalg, sagen sendes videre til.",
        "Choose the committee the case is referred to.",
    ),
    ErrorCode.NAME_REQUIRED: ("Skriv et navn.", "Give a name."),
    ErrorCode.LEAD_REQUIRED: (
        "Vælg den ansvarlige forvaltning.",
        "Choose the lead administration.",
    ),
    ErrorCode.VERSION_OR_DRAFT: (
        "Vælg en version eller udkastet.",
        "Choose a version or the draft.",
    ),
    ErrorCode.CHAIN_REQUIRED: (
        "Angiv udvalgene i den rækkefølge, sagen skal igennem dem.",
        "Give the committees in the order the case passes them.",
    ),
    ErrorCode.AGENDA_NOT_PUBLISHED: (
        "Dagsordenen for møde {meeting_id} er ikke offentliggjort.",
        "The agenda of meeting {meeting_id} is not published.",
    ),
    ErrorCode.POSTPONE_AT_MEETING: (
        "Punkt {item_no} på møde {meeting_id} kan kun udsættes på mødet.",
        "Item {item_no} of meeting {meeting_id} can only be postponed at the meeting.",
    ),
    ErrorCode.UNTREATED_ITEMS: (
        "Møde {meeting_id} har punkter uden beslutning: {items}.",
        "Meeting {meeting_id} has items without a decision: {items}.",
    ),
    ErrorCode.NO_RECEIVER_FOR_POSTPONEMENT: (
        "Der er intet senere møde at udsætte punktet til.",
        "There is no later meeting to postpone the item to.",
    ),
    ErrorCode.UNKNOWN_CASE: (
        "Sag {journal_no} findes ikke.",
        "There is no case {journal_no}.",
    ),
    ErrorCode.UNKNOWN_ACTOR: (
        "Brugeren {username} findes ikke.",
        "There is no user {username}.",
    ),
    ErrorCode.UNKNOWN_COMMITTEE: (
        "Udvalget {code_} findes ikke.",
        "There is no committee {code_}.",
    ),
    ErrorCode.UNKNOWN_MEETING: (
        "Møde {meeting_id} findes ikke.",
        "There is no meeting {meeting_id}.",
    ),
    ErrorCode.UNKNOWN_FOLLOWUP: (
        "Opfølgning {followup_id} findes ikke.",
        "There is no follow-up {followup_id}.",
    ),
    ErrorCode.COMMITTEE_EXISTS: (
        "Udvalget {code_} findes allerede.",
        "The committee {code_} exists already.",
    ),
    ErrorCode.MEETING_EXISTS: (
        "Møde {meeting_id} findes allerede.",
        "The meeting {meeting_id} exists already.",
    ),
    ErrorCode.FORMAT_UNAVAILABLE: (
        "Formatet {format} kan ikke laves her.",
        "The format {format} is not available here.",
    ),
    ErrorCode.UNKNOWN_ROLE: (
        "Ukendte roller: {roles}.",
        "Unknown roles: {roles}.",
    ),
    ErrorCode.INVALID_ACTOR: (
        "Brugerens navn, brugernavn eller e-mail er ikke gyldigt.",
        "The user's username, name or e-mail is not valid.",
    ),
    ErrorCode.FIELD_NOT_AN_ADDRESS: (
        "Feltet {field} er ikke en e-mailadresse.",
        "The field {field} is not an e-mail address.",
    ),
    ErrorCode.FIELDS_MISSING: (
        "Disse felter skal udfyldes: {fields}.",
        "These fields must be filled in: {fields}.",
    ),
    ErrorCode.UNKNOWN_NOTIFICATION: (
        "Ukendte meddelelser: {keys}.",
        "Unknown notifications: {keys}.",
    ),
    ErrorCode.UNKNOWN_INCIDENT: (
        "{count} af hændelserne findes ikke (længere).",
        "{count} of the incidents are not (or no longer) incidents.",
    ),
    ErrorCode.INVALID_INCIDENT_ID: (
        "{text} er ikke et hændelsesnummer.",
        "{text} is not an incident id.",
    ),
    ErrorCode.INCIDENTS_REQUIRED: (
        "Vælg hvilke hændelser, eller alle.",
        "Choose which incidents, or all.",
    ),
    ErrorCode.UNKNOWN_WORKFLOW: (
        "Arbejdsgangen {workflow_id} findes ikke (kendte: {known}).",
        "There is no workflow {workflow_id} (known: {known}).",
    ),
    ErrorCode.INVALID_PERIOD: (
        "{text} er ikke et antal arbejdsdage (f.eks. 10d).",
        "{text} is not a number of working days (e.g. 10d).",
    ),
    ErrorCode.ONE_UNIT_ONLY: (
        "Angiv kun én enhed ad gangen (fik {given}).",
        "Give one unit only (got {given}).",
    ),
    ErrorCode.ITEM_NOT_ON_AGENDA: (
        "Sag {journal_no} er ikke på dagsordenen for møde {meeting_id}.",
        "Case {journal_no} is not on the agenda of meeting {meeting_id}.",
    ),
    ErrorCode.ITEM_PUBLIC_ALREADY: (
        "Punkt {item_no} på møde {meeting_id} er allerede offentligt.",
        "Item {item_no} of meeting {meeting_id} is public already.",
    ),
    ErrorCode.STEP_NOT_DECLARED: (
        "Arbejdsgangen {workflow_id} siger ikke, hvilket skridt der er »{meaning}«; "
        "sager i den kan ikke på en dagsorden.",
        "The workflow {workflow_id} does not say which step is '{meaning}'; its cases "
        "cannot go on an agenda.",
    ),
    ErrorCode.SIGN_IN_FAILED: (
        "Brugernavnet eller adgangskoden er forkert.",
        "The username or the password is wrong.",
    ),
    ErrorCode.ACCOUNT_LOCKED: (
        "Kontoen er låst i 15 minutter efter for mange forkerte forsøg.",
        "The account is locked for 15 minutes after too many failed tries.",
    ),
    ErrorCode.SIGN_IN_THROTTLED: (
        "For mange forkerte forsøg herfra; vent lidt, og prøv igen.",
        "Too many failed tries from here; wait a while and try again.",
    ),
    ErrorCode.PASSWORD_TOO_SHORT: (
        "Adgangskoden skal have mindst 12 tegn.",
        "The password needs at least 12 characters.",
    ),
    ErrorCode.PASSWORD_TOO_LONG: (
        "Adgangskoden må højst have 1024 tegn.",
        "The password may have at most 1024 characters.",
    ),
    ErrorCode.PASSWORD_IS_USERNAME: (
        "Adgangskoden må ikke være brugernavnet.",
        "The password must not be the username.",
    ),
    ErrorCode.PASSWORD_ONE_CHARACTER: (
        "Adgangskoden må ikke være ét tegn gentaget.",
        "The password must not be one character repeated.",
    ),
    ErrorCode.USER_DISABLED: ("Brugeren er spærret.", "The user is disabled."),
    ErrorCode.UNKNOWN_TOKEN: ("Nøglen findes ikke.", "There is no such token."),
    ErrorCode.INVALID_TOKEN_DAYS: (
        "En nøgle gælder fra 1 til 365 dage.",
        "A token is valid for 1 to 365 days.",
    ),
    ErrorCode.INVALID_TOKEN_NAME: (
        "Giv nøglen et navn (højst 100 tegn).",
        "Give the token a name (at most 100 characters).",
    ),
    ErrorCode.NO_OPEN_APPROVAL: (
        "Sag {journal_no} har intet godkendelsestrin, som du kan handle på.",
        "Case {journal_no} has no approval step you can act on.",
    ),
    ErrorCode.APPROVAL_NOT_YOURS: (
        "{username} er ikke godkender på trinnet {step}.",
        "{username} is not an approver of the step {step}.",
    ),
    ErrorCode.ALREADY_APPROVED: (
        "{username} har allerede handlet på trinnet {step}.",
        "{username} has already acted on the step {step}.",
    ),
    ErrorCode.OWN_DRAFT: (
        "{username} har udarbejdet sagen og må ikke godkende den.",
        "{username} drafted the case and may not approve it.",
    ),
    ErrorCode.SKIP_NOT_ALLOWED: (
        "Trinnet {step} kan ikke springes over.",
        "The step {step} cannot be skipped.",
    ),
    ErrorCode.RETURN_NOT_DECLARED: (
        "Godkendelsen af {trigger} kan ikke sende sagen tilbage.",
        "The approval of {trigger} cannot send the case back.",
    ),
    ErrorCode.SUBSTITUTE_LOOP: (
        "Stedfortræderne går i ring ({chain}); vælg en, der ikke er fraværende.",
        "The substitutes go round in a loop ({chain}); choose someone who is not away.",
    ),
    ErrorCode.INVALID_PERIOD_DATES: (
        "Perioden skal slutte samme dag eller efter den begynder ({starts_on} til {ends_on}).",
        "The period must end on or after the day it starts ({starts_on} to {ends_on}).",
    ),
    ErrorCode.UNKNOWN_ABSENCE: (
        "Fravær {absence_id} findes ikke.",
        "Absence {absence_id} does not exist.",
    ),
    ErrorCode.UNKNOWN_DELEGATION: (
        "Fuldmagt {delegation_id} findes ikke.",
        "Delegation {delegation_id} does not exist.",
    ),
    ErrorCode.RESERVED_FIELD: (
        "Feltet {field} er godkendelseskædens; det ændres kun, når godkenderne handler.",
        "The field {field} is the approval chain's; it changes only as approvers act.",
    ),
    ErrorCode.MEETING_UNCHANGED: (
        "Ændringen ændrer ikke mødet.",
        "The change does not change the meeting.",
    ),
    ErrorCode.FILE_REQUIRED: (
        "Vælg en fil, der ikke er tom.",
        "Choose a file that is not empty.",
    ),
    ErrorCode.ATTACHMENT_TOO_LARGE: (
        "Filen er for stor: et bilag må højst fylde {limit_mib} MiB.",
        "The file is too large: an attachment may be at most {limit_mib} MiB.",
    ),
    ErrorCode.ATTACHMENT_EXISTS: (
        "Sag {journal_no} har allerede et bilag nr. {number}; giv bilaget et andet nummer.",
        "Case {journal_no} already has an attachment {number}; give it another number.",
    ),
    ErrorCode.UNKNOWN_ATTACHMENT: (
        "Sag {journal_no} har ingen bilagsfil nr. {number}.",
        "Case {journal_no} has no attachment file {number}.",
    ),
    ErrorCode.NOT_A_MEMBER: (
        "{names} er ikke medlem af {committee}; medlemmerne er: {members}.",
        "{names} is not a member of {committee}; its members are: {members}.",
    ),
    ErrorCode.UNKNOWN_VERSION: (
        "Arbejdsgangen {workflow_id} har ingen gemt version {version}.",
        "The workflow {workflow_id} has no stored version {version}.",
    ),
    ErrorCode.INVALID_STATE_MAP: (
        "{item} er ikke en flytning af en tilstand; skriv GAMMEL=NY.",
        "{item} is not a state mapping; write OLD=NEW.",
    ),
    ErrorCode.INVALID_PLAN: (
        "Planen passer ikke til versionerne: {problems}",
        "The plan does not fit the versions: {problems}",
    ),
    ErrorCode.UNMAPPED_STATES: (
        "Intet blev flyttet: tilstandene {states} findes ikke i den nye version og har "
        "sager ({cases}). Angiv hvor de skal hen.",
        "Nothing was moved: the states {states} are not in the new version and hold cases "
        "({cases}). Say where they go.",
    ),
    ErrorCode.UNKNOWN_MIGRATION: (
        "Flytning {migration_id} findes ikke.",
        "There is no migration {migration_id}.",
    ),
    ErrorCode.MIGRATION_STATUS: (
        "Flytning {migration_id} er {status}; det kan ikke lade sig gøre nu.",
        "Migration {migration_id} is {status}; that cannot be done now.",
    ),
    # Every input gets a clear answer (issue 16, input16).
    ErrorCode.NONEXISTENT_LOCAL_TIME: (
        "Klokkeslættet {text} findes ikke i København (sommertiden begynder); mente du {readings}?",
        "The time {text} does not exist in Copenhagen (summer time starts); "
        "did you mean {readings}?",
    ),
    ErrorCode.AMBIGUOUS_LOCAL_TIME: (
        "Klokkeslættet {text} findes to gange i København (sommertiden slutter): {readings}.",
        "The time {text} happens twice in Copenhagen (summer time ends): {readings}.",
    ),
    ErrorCode.MEETING_NOT_STARTED: (
        "Møde {meeting_id} er ikke begyndt endnu (det begynder {starts_at}).",
        "Meeting {meeting_id} has not started yet (it starts {starts_at}).",
    ),
    ErrorCode.MEETING_PASSED: (
        "Møde {meeting_id} er allerede begyndt ({starts_at}); der kan ikke komme flere punkter.",
        "Meeting {meeting_id} has already started ({starts_at}); no more items can be added.",
    ),
    ErrorCode.DATE_PASSED: (
        "{field} {date} er allerede overskredet (i dag er {today}).",
        "{field} {date} has already passed (today is {today}).",
    ),
    ErrorCode.PAST_REASON_REQUIRED: (
        "En frist i fortiden kræver en begrundelse.",
        "A deadline in the past needs a reason.",
    ),
    ErrorCode.TOO_LARGE: (
        "{field} er for lang: {size} tegn (højst {cap}).",
        "{field} is too long: {size} characters (at most {cap}).",
    ),
    ErrorCode.UNKNOWN_SECTION: (
        "Afsnittet {section} findes ikke i arbejdsgangen (kendte: {known}).",
        "There is no section {section} in the workflow (known: {known}).",
    ),
    ErrorCode.NUMBER_OUT_OF_RANGE: (
        "{field} skal være mellem {minimum} og {maximum}, ikke {value}.",
        "{field} must be from {minimum} to {maximum}, not {value}.",
    ),
    ErrorCode.UNKNOWN_ADMINISTRATION: (
        "Forvaltningen {code_} findes ikke (kendte: {known}).",
        "There is no administration {code_} (known: {known}).",
    ),
    ErrorCode.UNKNOWN_STATE: (
        "Tilstanden {state} findes ikke (kendte: {known}).",
        "There is no state {state} (known: {known}).",
    ),
    ErrorCode.UNKNOWN_TRIGGER: (
        "Trinnet {trigger} findes ikke i arbejdsgangen {workflow_id}.",
        "There is no step {trigger} in workflow {workflow_id}.",
    ),
    # The database and the command line's input (cli16).
    ErrorCode.NO_SIGNING_KEY: (
        "Der er ingen signeringsnøgle i {path}: kør caseflow records keygen.",
        "There is no signing key at {path}: run caseflow records keygen.",
    ),
    ErrorCode.NO_PUBLIC_KEY: (
        "Der er ingen offentlig nøgle i {path}: kør caseflow records keygen, eller læg "
        "revisorernes kopi dér.",
        "There is no public key at {path}: run caseflow records keygen, or put the "
        "auditors' copy there.",
    ),
    ErrorCode.NO_DATABASE: (
        "Der er ingen database her endnu; en driftsansvarlig skal oprette den.",
        "There is no database here yet; an operator must create it.",
    ),
    ErrorCode.DATABASE_BUSY: (
        "Databasen er optaget af en anden proces; intet er ændret, prøv igen.",
        "The database is busy with another process; nothing was changed, try again.",
    ),
    ErrorCode.DATABASE_READ_ONLY: (
        "Databasen kan kun læses; intet er ændret.",
        "The database is read-only; nothing was changed.",
    ),
    ErrorCode.DATABASE_DISK_FULL: (
        "Disken med databasen er fuld; intet er ændret.",
        "The database's disk is full; nothing was changed.",
    ),
    ErrorCode.DATABASE_CANNOT_OPEN: (
        "Databasen kan ikke åbnes.",
        "The database cannot be opened.",
    ),
    ErrorCode.NOT_A_DATABASE: (
        "Filen er ikke en caseflow-database.",
        "The file is not a caseflow database.",
    ),
    ErrorCode.DATABASE_ERROR: (
        "Databasen afviste handlingen; intet er ændret.",
        "The database refused the operation; nothing was changed.",
    ),
    ErrorCode.WORKER_BUSY: (
        "En anden afvikler arbejder allerede; intet er gjort.",
        "Another worker is already at work; nothing was done.",
    ),
    ErrorCode.NESTED_TOO_DEEP: (
        "Indholdet er indlejret for dybt (højst {limit} niveauer).",
        "The content is nested too deeply (at most {limit} levels).",
    ),
    ErrorCode.FILE_NOT_TEXT: (
        "Filen er ikke tekst (UTF-8).",
        "The file is not text (UTF-8).",
    ),
}


def _param(value: object) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return str(value)


def _fill(template: str, params: Mapping[str, object]) -> str | None:
    try:
        return template.format_map({k: _param(v) for k, v in params.items()})
    except (KeyError, IndexError, ValueError):
        return None


@dataclass(frozen=True)
class Phrased:
    """A text as a page shows it, and the language it is in when that is not the
    page's (an older migration log row holds the English it was written with)."""

    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Words:
    """One reader's language: the texts, the errors and the dates as that reader reads them."""

    language: Language

    @property
    def index(self) -> int:
        return 0 if self.language is Language.DA else 1

    def deadline_status(self, status: str) -> str:
        key = f"deadline_{status}"
        return self(key) if key in TEXTS else status

    def section(self, name: str) -> str:
        """A section's heading as the documents file names it (where a municipality adds
        its own sections), else its name as the case holds it."""
        from caseflow.documents.config import load_config

        spec = load_config().spec(name)
        return spec.title(self.language.value) if spec is not None else name

    def __call__(self, key: str, **params: object) -> str:
        pair = TEXTS.get(key)
        if pair is None:
            return key
        return _fill(pair[self.index], params) or pair[self.index]

    def error(self, error: CaseflowError) -> str:
        """A service error in this language. English readers get the core's own message
        (precise, with every parameter); Danish readers get the code's Danish text."""
        if self.language is Language.EN and error.message:
            return error.message[:1].upper() + error.message[1:]
        phrased = ERRORS.get(error.code)
        if phrased is not None:
            text = _fill(phrased[self.index], error.params)
            if text is not None:
                return text
        return ERRORS[type(error).default_code][self.index]

    def notes(self, notes: Iterable[MigrationNote | LoggedNote]) -> list[Phrased]:
        """A migration's notes on a case in this language, from each note's kind and
        params (``wfc_note_<kind>``); a note without a kind (an older log row), or whose
        phrasing its params do not fill, as its stored English text."""
        return [self._note(n) for n in notes]

    def _note(self, said: MigrationNote | LoggedNote) -> Phrased:
        typed = said if isinstance(said, MigrationNote) else said.note
        english = Phrased(said.text, None if self.language is Language.EN else "en")
        if typed is None:
            return english
        pair = TEXTS.get(f"wfc_note_{typed.kind}")
        params = {k: self._note_param(k, v) for k, v in typed.params.items()}
        text = _fill(pair[self.index], params) if pair is not None else None
        return Phrased(text) if text is not None else english

    def _note_param(self, name: str, value: object) -> object:
        if name == "date" and isinstance(value, str):  # an ISO day: as this reader writes it
            try:
                return self.date(date.fromisoformat(value))
            except ValueError:
                return value
        return value

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        return da_date(value) if self.language is Language.DA else en_date(value)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return da_datetime(value) if self.language is Language.DA else en_datetime(value)


TEXTS.update(texts_oidc.TEXTS)
TEXTS.update(texts_meetings.TEXTS)
TEXTS.update(texts_admin.TEXTS)
TEXTS.update(texts_pictures.TEXTS)
TEXTS.update(texts_workflows.TEXTS)
TEXTS.update(texts_imports.TEXTS)
ERRORS.update(texts_imports.ERRORS)
TEXTS.update(texts_records.TEXTS)
TEXTS.update(texts_approvals.TEXTS)
