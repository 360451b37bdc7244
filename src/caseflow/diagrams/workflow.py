"""A workflow's diagram: its states as boxes, its steps as arrows, and (for one case)
the current state and the path taken marked.

Pure: a definition, the names to show and the marks in; SVG out. The marks never
rely on colour alone: the current state has a thick border and a bold name, a
state passed through a tinted box, a step taken a solid thick arrow (the others
are thin and dashed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from markupsafe import Markup

from caseflow.definitions.schema import WorkflowDefinition
from caseflow.diagrams import svg
from caseflow.diagrams.layout import Edge, Layout, Node, layered_layout


@dataclass(frozen=True)
class Marks:
    """What one case has done on its workflow: where it is, and how it got there."""

    current: str | None = None
    visited: frozenset[str] = frozenset()
    taken: frozenset[tuple[str, str]] = frozenset()  # (from state, trigger)


@dataclass(frozen=True)
class Step:
    """One of a case's moves, as its history records it."""

    source: str
    trigger: str
    target: str


def marks_of(current: str, steps: Iterable[Step], initial: str | None = None) -> Marks:
    """The marks of a case in ``current`` that took ``steps`` (oldest first)."""
    taken: set[tuple[str, str]] = set()
    visited: set[str] = {initial} if initial else set()
    for step in steps:
        taken.add((step.source, step.trigger))
        visited |= {step.source, step.target}
    return Marks(current, frozenset(visited | {current}), frozenset(taken))


@dataclass(frozen=True)
class Labels:
    """The names a reader sees for the states and steps (the workflow file's titles)."""

    state: Callable[[str], str]
    trigger: Callable[[str], str]


KEYS = "|"  # between the triggers of steps that share an arrow


@dataclass(frozen=True)
class WorkflowGraph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    roots: tuple[str, ...] = field(default=())


def workflow_graph(definition: WorkflowDefinition, labels: Labels) -> WorkflowGraph:
    """The states (file order) and an edge per pair of states a step joins.

    Steps between the same two states share one arrow, their names joined ("Udsæt /
    Henvis"); a step from many states (``from: "*"``) is named on its first arrow
    only, so the picture stays readable (the table beside it lists every step)."""
    nodes = tuple(Node(name, labels.state(name)) for name in definition.states)
    joined: dict[tuple[str, str], list[str]] = {}
    named: set[str] = set()
    names: dict[tuple[str, str], list[str]] = {}
    for t in definition.transitions:
        for source in t.sources:
            pair = (source, t.dest)
            joined.setdefault(pair, []).append(t.trigger)
            if t.trigger not in named:
                names.setdefault(pair, []).append(labels.trigger(t.trigger))
                named.add(t.trigger)
            else:
                names.setdefault(pair, [])
    edges = tuple(
        Edge(source, target, " / ".join(names[source, target]), KEYS.join(triggers))
        for (source, target), triggers in joined.items()
    )
    roots = tuple(s.name for s in definition.states.values() if s.initial)
    return WorkflowGraph(nodes, edges, roots)


def _taken(edge: Edge, marks: Marks) -> bool:
    return any((edge.source, key) in marks.taken for key in edge.key.split(KEYS))


def workflow_layout(definition: WorkflowDefinition, labels: Labels) -> Layout:
    graph = workflow_graph(definition, labels)
    return layered_layout(graph.nodes, graph.edges, graph.roots)


def _markers(ident: str) -> str:
    def marker(name: str, colour: str) -> str:
        return (
            f'<marker id="{ident}-{name}" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
        )

    return f"<defs>{marker('arrow', svg.GREY)}{marker('taken', svg.MARKED)}</defs>"


def workflow_svg(
    definition: WorkflowDefinition,
    labels: Labels,
    *,
    ident: str,
    title: str,
    description: str,
    marks: Marks | None = None,
) -> Markup:
    """The diagram as an SVG image with its ``title`` and ``description``."""
    marks = marks or Marks()
    layout = workflow_layout(definition, labels)
    parts = [_markers(ident)]
    for arrow in layout.arrows:
        taken = _taken(arrow.edge, marks)
        colour, width = (svg.MARKED, "2.5") if taken else (svg.GREY, "1.2")
        dash = ' data-taken="true"' if taken else ' stroke-dasharray="5 3"'
        parts.append(
            f'<path d="{arrow.path}" fill="none" stroke="{colour}" stroke-width="{width}"{dash} '
            f'marker-end="url(#{ident}-{"taken" if taken else "arrow"})" '
            f'data-step="{arrow.edge.source}:{arrow.edge.key}"/>'
        )
    for arrow in layout.arrows:
        if not arrow.edge.label:
            continue
        taken = _taken(arrow.edge, marks)
        parts.append(
            svg.text(
                arrow.label_at.x,
                arrow.label_at.y,
                arrow.edge.label,
                font_size="11",
                text_anchor=arrow.anchor,
                paint_order="stroke",
                stroke="#ffffff",
                stroke_width="3",
                fill=svg.MARKED if taken else svg.GREY,
            )
        )
    for box in layout.boxes:
        key = box.node.key
        state = definition.states[key]
        current = key == marks.current
        fill = (
            svg.CURRENT_FILL if current else svg.MARKED_FILL if key in marks.visited else "#ffffff"
        )
        stroke = svg.INK if current else svg.MARKED if key in marks.visited else svg.GREY
        x, y = box.x - box.width / 2, box.y - box.height / 2
        mark = ' data-current="true"' if current else ""
        parts.append(
            f'<rect x="{svg.n(x)}" y="{svg.n(y)}" width="{svg.n(box.width)}" '
            f'height="{svg.n(box.height)}" rx="{18 if state.initial else 6}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{3.5 if current else 1.5}" data-state="{key}"'
            f"{mark}/>"
        )
        if state.final:  # a final state: a second border inside, as state charts draw it
            parts.append(
                f'<rect x="{svg.n(x + 3)}" y="{svg.n(y + 3)}" width="{svg.n(box.width - 6)}" '
                f'height="{svg.n(box.height - 6)}" rx="4" fill="none" stroke="{stroke}" '
                'stroke-width="1"/>'
            )
        parts.append(
            svg.text(
                box.x,
                box.y + 4,
                box.node.label,
                font_size="12",
                text_anchor="middle",
                font_weight="bold" if current else "normal",
            )
        )
    return svg.frame(
        ident,
        layout.width,
        layout.height,
        title,
        description,
        "".join(parts),
        left=layout.left,
        top=layout.top,
    )
