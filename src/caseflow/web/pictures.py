"""The pictures of the pages, drawn from typed data in the reader's words.

Each :class:`Picture` is an SVG image (with its ``<title>`` and ``<desc>``), the
same description as visible text, and its data as tables to put beside it: a
screen reader, or anyone who would rather read, loses nothing. Drawing is
:mod:`caseflow.diagrams`' (pure); this module only chooses the words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from caseflow.calendar import COPENHAGEN
from caseflow.definitions.schema import WorkflowDefinition
from caseflow.diagrams import (
    Bar,
    BarGroup,
    Labels,
    Lane,
    Marks,
    Moment,
    Series,
    Step,
    bar_chart,
    marks_of,
    series_chart,
    timeline_chart,
    workflow_svg,
)
from caseflow.domain import AuditEntry, AuditKind
from caseflow.services.pictures import DeadlineLoad, WorkflowStates
from caseflow.web.i18n import TEXTS, Words
from caseflow.web.labels import WorkflowLabels


@dataclass(frozen=True)
class DataTable:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Picture:
    ident: str  # unique on its page: the ids of its title, description and tables
    heading: str
    svg: Markup
    description: str
    tables: tuple[DataTable, ...]


def definition_labels(definition: WorkflowDefinition, words: Words) -> Labels:
    """The workflow file's own titles of its states and steps in the reader's language
    (an older version's, too: it is read from the version itself)."""
    language = str(words.language)
    titles = {t.trigger: t.title for t in definition.transitions}

    def state(name: str) -> str:
        found = definition.states.get(name)
        return found.title.pick(language) if found and found.title else name

    def trigger(name: str) -> str:
        title = titles.get(name)
        return title.pick(language) if title else name

    return Labels(state, trigger)


def steps_of(entries: Sequence[AuditEntry]) -> list[Step]:
    """The moves a case's history records (oldest first)."""
    return [
        Step(e.from_state, e.trigger, e.to_state)
        for e in entries
        if e.trigger and e.from_state is not None
    ]


def workflow_picture(
    definition: WorkflowDefinition,
    words: Words,
    *,
    ident: str,
    version: str,
    current: str | None = None,
    entries: Sequence[AuditEntry] = (),
) -> Picture:
    """The workflow's diagram; with ``current``, one case's state and path marked."""
    labels = definition_labels(definition, words)
    title = definition.title.pick(str(words.language))
    steps = steps_of(entries)
    marks = marks_of(current, steps, definition.initial_state) if current else Marks()
    finals = [labels.state(s.name) for s in definition.states.values() if s.final]
    description = words(
        "diagram_description",
        states=len(definition.states),
        steps=len(definition.transitions),
        initial=labels.state(definition.initial_state),
        finals=", ".join(finals),
    )
    if current:
        path = [labels.state(definition.initial_state)] + [labels.state(s.target) for s in steps]
        description += " " + words(
            "diagram_case_description", state=labels.state(current), path=" → ".join(path)
        )
    heading = words("diagram_heading", workflow=title, version=version[:8])
    svg = workflow_svg(
        definition, labels, ident=ident, title=heading, description=description, marks=marks
    )
    yes, no = words("yes"), words("no")
    state_rows = tuple(
        (
            labels.state(name),
            s.owner or "",
            words("diagram_initial") if s.initial else words("diagram_final") if s.final else "",
            (words("diagram_current") if name == current else yes if name in marks.visited else no)
            if current
            else "",
        )
        for name, s in definition.states.items()
    )
    step_rows = tuple(
        (
            labels.state(source),
            labels.trigger(t.trigger),
            labels.state(t.dest),
            ", ".join(t.roles),
            (yes if (source, t.trigger) in marks.taken else no) if current else "",
        )
        for t in definition.transitions
        for source in t.sources
    )
    marked = bool(current)
    states = DataTable(
        words("diagram_states_caption"),
        (
            words("state"),
            words("diagram_owner"),
            words("diagram_kind"),
            *((words("diagram_visited"),) if marked else ()),
        ),
        tuple(row if marked else row[:3] for row in state_rows),
    )
    transitions = DataTable(
        words("diagram_steps_caption"),
        (
            words("diagram_from"),
            words("diagram_step"),
            words("diagram_to"),
            words("diagram_roles"),
            *((words("diagram_taken"),) if marked else ()),
        ),
        tuple(row if marked else row[:4] for row in step_rows),
    )
    return Picture(ident, heading, svg, description, (states, transitions))


def cases_per_state_picture(
    found: Sequence[WorkflowStates], labels: WorkflowLabels, words: Words
) -> Picture:
    """Bars: how many cases stand in each state, a group per workflow."""
    groups = [
        BarGroup(
            labels.workflow(w.workflow_id),
            [Bar(labels.state(w.workflow_id, s.state), s.cases) for s in w.states],
        )
        for w in found
    ]
    total = sum(s.cases for w in found for s in w.states)
    busiest = max(
        ((g.label, b.label, b.value) for g in groups for b in g.bars),
        key=lambda x: x[2],
        default=None,
    )
    description = words("chart_states_description", total=total, workflows=len(groups))
    if busiest and busiest[2]:
        description += " " + words(
            "chart_states_busiest", workflow=busiest[0], state=busiest[1], count=busiest[2]
        )
    heading = words("chart_states_heading")
    svg = bar_chart(groups, ident="cases-per-state", title=heading, description=description)
    table = DataTable(
        words("chart_states_caption"),
        (words("workflow"), words("state"), words("chart_cases")),
        tuple((g.label, b.label, str(b.value)) for g in groups for b in g.bars),
    )
    return Picture("cases-per-state", heading, svg, description, (table,))


def deadline_load_picture(load: DeadlineLoad, committee_name: str, words: Words) -> Picture:
    """Two lines over the last weeks: live deadlines and overdue ones."""
    days = [p.day for p in load.points]
    live = Series(words("chart_live"), [p.live for p in load.points])
    late = Series(words("chart_overdue"), [p.overdue for p in load.points])
    heading = words("chart_load_heading", committee=committee_name)
    last = load.points[-1]
    description = words(
        "chart_load_description",
        weeks=len(load.points) - 1,
        first=words.date(days[0]),
        last=words.date(days[-1]),
        live=last.live,
        overdue=last.overdue,
        peak=max(p.live for p in load.points),
    )
    svg = series_chart(
        days, [live, late], "%d/%m", ident="deadline-load", title=heading, description=description
    )
    table = DataTable(
        words("chart_load_caption"),
        (words("chart_day"), words("chart_live"), words("chart_overdue")),
        tuple((words.date(p.day), str(p.live), str(p.overdue)) for p in load.points),
    )
    return Picture("deadline-load", heading, svg, description, (table,))


@dataclass(frozen=True)
class _Happening:
    day: date
    lane: str
    what: str


def case_timeline_picture(
    entries: Sequence[AuditEntry],
    treatments: Sequence[Mapping[str, Any]],
    definition: WorkflowDefinition,
    lead: str | None,
    words: Words,
) -> Picture:
    """A lane for the administration (the case opened and moved) and one per committee
    (each treatment at a meeting), numbered dots on one time axis."""
    labels = definition_labels(definition, words)
    administration = words("timeline_administration", code=lead or "")
    happenings = [
        _Happening(
            e.at.astimezone(COPENHAGEN).date(),
            administration,
            words("kind_open")
            if e.kind is AuditKind.OPEN
            else f"{labels.trigger(e.trigger or '')} → {labels.state(e.to_state)}",
        )
        for e in entries
        if e.kind is AuditKind.OPEN or (e.kind is AuditKind.FIRE and e.trigger)
    ]
    for t in treatments:
        key = f"outcome_{t['outcome']}" if t.get("outcome") else f"item_status_{t['status']}"
        shown = words(key) if key in TEXTS else str(t.get("outcome") or t.get("status"))
        item = words("timeline_item", number=t["item_no"], outcome=shown)
        happenings.append(
            _Happening(date.fromisoformat(str(t["meeting_date"])), str(t["committee"]), item)
        )
    happenings.sort(key=lambda h: h.day)
    lanes: dict[str, list[Moment]] = {administration: []}
    for number, h in enumerate(happenings, start=1):
        lanes.setdefault(h.lane, []).append(Moment(h.day, number))
    heading = words("timeline_heading")
    committees = [lane for lane in lanes if lane != administration]
    description = words(
        "timeline_description",
        count=len(happenings),
        committees=", ".join(committees) or words("committee_none"),
        first=words.date(happenings[0].day) if happenings else "",
        last=words.date(happenings[-1].day) if happenings else "",
    )
    svg = timeline_chart(
        [Lane(label, moments) for label, moments in lanes.items() if moments],
        "%d/%m %Y",
        ident="case-timeline",
        title=heading,
        description=description,
    )
    table = DataTable(
        words("timeline_caption"),
        (
            words("timeline_number"),
            words("chart_day"),
            words("timeline_where"),
            words("timeline_what"),
        ),
        tuple(
            (str(n), words.date(h.day), h.lane, h.what) for n, h in enumerate(happenings, start=1)
        ),
    )
    return Picture("case-timeline", heading, svg, description, (table,))
