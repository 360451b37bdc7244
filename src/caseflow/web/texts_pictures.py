"""The words of the pictures (diagrams and charts) and of the case's course
(Danish, then English)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # the workflow diagram
    "diagram": ("Arbejdsgang", "Workflow"),
    "diagram_heading": (
        "Arbejdsgangen {workflow} (version {version})",
        "The workflow {workflow} (version {version})",
    ),
    "diagram_description": (
        "Tilstandsdiagram med {states} tilstande og {steps} trin. Sagerne begynder i "
        "„{initial}“ og ender i {finals}. Stiplede pile er trin, sagen ikke har taget.",
        "State diagram with {states} states and {steps} steps. Cases begin in "
        "“{initial}” and end in {finals}. Dashed arrows are steps the case has not taken.",
    ),
    "diagram_case_description": (
        "Sagen er nu i „{state}“ (tyk ramme); dens vej: {path} (fuldt optrukne pile, "
        "farvede tilstande).",
        "The case is now in “{state}” (thick border); its path: {path} (solid arrows, "
        "tinted states).",
    ),
    "diagram_states_caption": ("Tilstande", "States"),
    "diagram_steps_caption": ("Trin", "Steps"),
    "diagram_owner": ("Ejer (rolle)", "Owner (role)"),
    "diagram_kind": ("Slags", "Kind"),
    "diagram_initial": ("første", "initial"),
    "diagram_final": ("sidste", "final"),
    "diagram_visited": ("Besøgt", "Visited"),
    "diagram_current": ("nu", "now"),
    "diagram_from": ("Fra", "From"),
    "diagram_step": ("Trin", "Step"),
    "diagram_to": ("Til", "To"),
    "diagram_roles": ("Roller", "Roles"),
    "diagram_taken": ("Taget", "Taken"),
    "diagrams_title": ("Diagrammer over versionerne", "Diagrams of the versions"),
}
TEXTS.update(
    {
        # cases per state per workflow
        "chart_states_heading": ("Sager pr. tilstand", "Cases per state"),
        "chart_states_description": (
            "Søjlediagram: {total} sager i {workflows} arbejdsgange, en søjle pr. tilstand.",
            "Bar chart: {total} cases in {workflows} workflows, a bar per state.",
        ),
        "chart_states_busiest": (
            "Flest står i „{state}“ ({workflow}): {count}.",
            "Most stand in “{state}” ({workflow}): {count}.",
        ),
        "chart_states_caption": (
            "Sager pr. tilstand og arbejdsgang",
            "Cases per state and workflow",
        ),
        "chart_cases": ("Sager", "Cases"),
        # live and overdue deadlines over time
        "chart_load_heading": (
            "Åbne og overskredne frister, {committee}",
            "Open and overdue deadlines, {committee}",
        ),
        "chart_load_description": (
            "Kurver over {weeks} uger ({first} til {last}): åbne frister (fuldt optrukket, "
            "cirkler) og overskredne (stiplet, firkanter). Nu {live} åbne, heraf {overdue} "
            "overskredne; flest åbne: {peak}. Kun de sager, du må se, tælles med.",
            "Lines over {weeks} weeks ({first} to {last}): open deadlines (solid, circles) "
            "and overdue ones (dashed, squares). Now {live} open, {overdue} of them overdue; "
            "most open: {peak}. Only the cases you may see are counted.",
        ),
        "chart_load_caption": (
            "Åbne og overskredne frister ved dagens slutning",
            "Open and overdue deadlines at the end of each day",
        ),
        "chart_day": ("Dag", "Day"),
        "chart_load_title": ("Fristerne over tid", "The deadlines over time"),
        "chart_live": ("Åbne", "Open"),
        "chart_overdue": ("Overskredne", "Overdue"),
        # one case's timeline
        "timeline_heading": ("Sagens forløb over tid", "The case over time"),
        "timeline_description": (
            "Tidslinje med {count} hændelser fra {first} til {last}: forvaltningens trin på "
            "første linje, behandlingerne i {committees} på hver sin linje; numrene svarer "
            "til tabellen.",
            "Timeline of {count} events from {first} to {last}: the administration's steps "
            "on the first line, the treatments in {committees} on a line each; the numbers "
            "match the table.",
        ),
        "timeline_caption": ("Sagens hændelser", "The case's events"),
        "timeline_administration": ("Forvaltningen {code}", "Administration {code}"),
        "timeline_item": ("punkt {number}: {outcome}", "item {number}: {outcome}"),
        "timeline_number": ("Nr.", "No."),
        "timeline_where": ("Hvor", "Where"),
        "timeline_what": ("Hvad", "What"),
        # the course across committees
        "course": ("Sagens gang", "The case's course"),
        "course_caption": (
            "Sagens behandlinger i udvalgene, i mødernes rækkefølge",
            "The case's treatments by the committees, in the order of the meetings",
        ),
        "course_none": (
            "Sagen har endnu ikke været behandlet i et udvalg.",
            "No committee has treated the case yet.",
        ),
        "course_closed": ("lukket punkt", "closed item"),
        "course_withheld": (
            "(lukket punkt: kun for udvalgets medlemmer og sekretariat)",
            "(closed item: for the committee's members and secretariat only)",
        ),
        "meeting_date": ("Mødedato", "Meeting date"),
        "course_item": ("Punkt", "Item"),
        "item_status_scheduled": ("på dagsordenen", "on the agenda"),
        "item_status_removed": ("taget af dagsordenen", "taken off the agenda"),
    }
)
TEXTS.update(
    {
        # attachments on the case page
        "attach_file": ("Tilføj bilag", "Add an attachment"),
        "attachment_title": ("Bilagets titel", "The attachment's title"),
        "attachment_number": (
            "Bilagets nummer (valgfrit, ellers det næste: 1, 2, ...)",
            "The attachment's number (optional; else the next: 1, 2, ...)",
        ),
        "attachment_file": ("Fil (højst {mib} MiB)", "File (at most {mib} MiB)"),
        "attach_button": ("Tilføj bilaget", "Add the attachment"),
        "attachment_added": ("Bilaget er tilføjet.", "The attachment was added."),
        "file_size": ("{kb} kB", "{kb} kB"),
    }
)
TEXTS.update(
    {
        "workflow_check_file": (
            "Upload en arbejdsgangsfil (YAML), eller indsæt teksten nedenfor",
            "Upload a workflow file (YAML), or paste its text below",
        ),
    }
)
TEXTS.update(
    {
        # a meeting's attendance
        "attendance": ("Fremmøde", "Attendance"),
        "attendance_present": ("Til stede", "Present"),
        "attendance_by": ("Registreret af", "Recorded by"),
        "attendance_none": (
            "Mødets fremmøde er ikke registreret endnu.",
            "The meeting's attendance is not recorded yet.",
        ),
        "attendance_absent_legend": (
            "Fraværende ved mødet (de øvrige medlemmer er til stede)",
            "Absent from the meeting (the other members are present)",
        ),
        "attendance_record": ("Registrér fremmødet", "Record the attendance"),
        "attendance_recorded": ("Fremmødet er registreret.", "The attendance was recorded."),
        "minutes_attendance": (
            "Til stede: {present}. Fraværende: {absent}.",
            "Present: {present}. Absent: {absent}.",
        ),
    }
)
