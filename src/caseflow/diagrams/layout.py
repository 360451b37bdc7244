"""A layered layout of a directed graph: the boxes and arrows of a workflow diagram.

Our own, small on purpose. Graphviz needs a program outside Python and grandalf (the
pure-Python Sugiyama layout) is unmaintained; a workflow has a dozen states, and this
four-step layout is enough for it:

1. Back edges (those that return to a state on the current path of a depth-first walk
   from the initial nodes, file order kept) are set aside, so the rest is acyclic.
2. Each node's layer is the longest path to it over the remaining edges.
3. Within a layer, nodes are ordered by the mean position of their predecessors (one
   sweep down), ties in the file's order: crossings stay few and the result is stable.
4. Layers are rows from top to bottom, nodes centred in their row. An edge to the next
   layer is a straight line; one that skips layers or goes back is a curve out to the
   side (right for back edges, left for long forward ones), so arrows rarely cross boxes.

Pure: no I/O, the same graph always gives the same picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

NODE_HEIGHT = 36.0
LAYER_GAP = 64.0  # between the bottom of one row and the top of the next
NODE_GAP = 40.0  # between boxes in a row
CHAR_WIDTH = 7.2  # of a 12px sans-serif glyph, on average: boxes fit their labels
LABEL_CHAR_WIDTH = 6.2  # of an arrow's 11px label
PADDING = 16.0
MARGIN = 24.0


@dataclass(frozen=True)
class Node:
    key: str
    label: str


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    key: str  # what names the edge (a trigger), unique with its source


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Box:
    node: Node
    layer: int
    x: float  # centre
    y: float  # centre
    width: float
    height: float = NODE_HEIGHT

    @property
    def top(self) -> Point:
        return Point(self.x, self.y - self.height / 2)

    @property
    def bottom(self) -> Point:
        return Point(self.x, self.y + self.height / 2)

    @property
    def left(self) -> Point:
        return Point(self.x - self.width / 2, self.y)

    @property
    def right(self) -> Point:
        return Point(self.x + self.width / 2, self.y)


class Route(StrEnum):
    DOWN = "down"  # to the next layer: a straight line
    LONG = "long"  # forward past one layer or more: a curve on the left
    BACK = "back"  # to an earlier or the same layer: a curve on the right
    SELF = "self"  # a loop back to its own node


@dataclass(frozen=True)
class Arrow:
    edge: Edge
    route: Route
    start: Point
    control1: Point
    control2: Point
    end: Point
    label_at: Point
    anchor: str  # of the label's text: "start", "middle" or "end"

    @property
    def path(self) -> str:
        """The SVG path data: one cubic Bézier from start to end."""
        points = (self.start, self.control1, self.control2, self.end)
        c = [f"{p.x:.1f},{p.y:.1f}" for p in points]
        return f"M {c[0]} C {c[1]} {c[2]} {c[3]}"


@dataclass(frozen=True)
class Layout:
    """Boxes and arrows, and the rectangle that holds them all (the SVG's viewBox)."""

    boxes: Sequence[Box]
    arrows: Sequence[Arrow]
    left: float
    top: float
    width: float
    height: float

    def box(self, key: str) -> Box:
        return next(b for b in self.boxes if b.node.key == key)


def back_edges(nodes: Sequence[Node], edges: Sequence[Edge], roots: Sequence[str]) -> set[int]:
    """The indexes of the edges that close a cycle, found by a depth-first walk from
    ``roots`` (then from any node not yet reached), edges in their given order."""
    outgoing: dict[str, list[int]] = {n.key: [] for n in nodes}
    for index, edge in enumerate(edges):
        outgoing[edge.source].append(index)
    on_path: set[str] = set()
    done: set[str] = set()
    found: set[int] = set()

    def walk(key: str) -> None:
        on_path.add(key)
        for index in outgoing[key]:
            target = edges[index].target
            if target in on_path:
                found.add(index)
            elif target not in done:
                walk(target)
        on_path.discard(key)
        done.add(key)

    for key in [*roots, *(n.key for n in nodes)]:
        if key not in done:
            walk(key)
    return found


def _layers(nodes: Sequence[Node], edges: Sequence[Edge], skip: set[int]) -> dict[str, int]:
    """Each node's layer: the longest path to it over the edges not in ``skip``."""
    layer = {n.key: 0 for n in nodes}
    forward = [e for i, e in enumerate(edges) if i not in skip and e.source != e.target]
    for _ in range(len(nodes)):  # at most n rounds settle an acyclic graph
        changed = False
        for edge in forward:
            if layer[edge.target] < layer[edge.source] + 1:
                layer[edge.target] = layer[edge.source] + 1
                changed = True
        if not changed:
            break
    return layer


def _order(nodes: Sequence[Node], edges: Sequence[Edge], layer: dict[str, int]) -> list[list[Node]]:
    rows: list[list[Node]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for node in nodes:
        rows[layer[node.key]].append(node)
    position: dict[str, float] = {}
    file_order = {n.key: i for i, n in enumerate(nodes)}
    for row in rows:

        def weight(node: Node) -> tuple[float, int]:
            above = [
                position[e.source]
                for e in edges
                if e.target == node.key
                and e.source in position
                and layer[e.source] < layer[node.key]
            ]
            mean = sum(above) / len(above) if above else float(file_order[node.key])
            return (mean, file_order[node.key])

        row.sort(key=weight)
        for index, node in enumerate(row):
            position[node.key] = float(index)
    return rows


def _width(node: Node) -> float:
    return max(80.0, len(node.label) * CHAR_WIDTH + 2 * PADDING)


def layered_layout(
    nodes: Sequence[Node], edges: Sequence[Edge], roots: Sequence[str] = ()
) -> Layout:
    """Boxes in layers from ``roots`` (the initial states) down, and an arrow per edge."""
    skip = back_edges(nodes, edges, roots)
    layer = _layers(nodes, edges, skip)
    rows = _order(nodes, edges, layer)
    row_widths = [sum(_width(n) for n in row) + NODE_GAP * (len(row) - 1) for row in rows]
    inner = max(row_widths, default=0.0)
    width = inner + 2 * MARGIN
    boxes: list[Box] = []
    for index, row in enumerate(rows):
        x = MARGIN + (inner - row_widths[index]) / 2
        y = MARGIN + NODE_HEIGHT / 2 + index * (NODE_HEIGHT + LAYER_GAP)
        for node in row:
            w = _width(node)
            boxes.append(Box(node, index, x + w / 2, y, w))
            x += w + NODE_GAP
    height = 2 * MARGIN + len(rows) * NODE_HEIGHT + max(len(rows) - 1, 0) * LAYER_GAP
    by_key = {b.node.key: b for b in boxes}
    arrows = [_arrow(edge, by_key, i in skip, i) for i, edge in enumerate(edges)]
    xs = [0.0, width]
    for a in arrows:
        xs += [a.control1.x, a.control2.x, a.start.x, a.end.x]
        text = len(a.edge.label) * LABEL_CHAR_WIDTH
        start = {"start": 0.0, "middle": -text / 2, "end": -text}[a.anchor]
        xs += [a.label_at.x + start, a.label_at.x + start + text]
    left, right = min(xs) - MARGIN / 2, max(xs) + MARGIN / 2
    return Layout(boxes, arrows, left, 0.0, right - left, height)


def _arrow(edge: Edge, boxes: dict[str, Box], back: bool, n: int) -> Arrow:
    """The curve of one edge; ``n`` (its index) spreads parallel curves apart."""
    source, target = boxes[edge.source], boxes[edge.target]
    spread = 14.0 * (n % 4)  # parallel curves apart, so their labels are too
    if source is target:
        s, e = source.right, Point(source.right.x, source.right.y + 8)
        c1 = Point(s.x + 40 + spread, s.y - 30)
        c2 = Point(s.x + 40 + spread, e.y + 30)
        label = _beside(s, c1, c2, e, 4)
        return Arrow(edge, Route.SELF, s, c1, c2, e, label, "start")
    if back or target.layer <= source.layer:
        s, e = source.right, target.right
        bend = max(s.x, e.x) + 50 + spread + 10 * abs(source.layer - target.layer)
        c1, c2 = Point(bend, s.y), Point(bend, e.y)
        label = _beside(s, c1, c2, e, 4)
        return Arrow(edge, Route.BACK, s, c1, c2, e, label, "start")
    if target.layer == source.layer + 1:
        s, e = source.bottom, target.top
        c1 = Point(s.x, s.y + LAYER_GAP / 3)
        c2 = Point(e.x, e.y - LAYER_GAP / 3)
        label = _beside(s, c1, c2, e, 6)
        return Arrow(edge, Route.DOWN, s, c1, c2, e, label, "start")
    s, e = source.left, target.left
    bend = min(s.x, e.x) - 50 - spread - 10 * (target.layer - source.layer)
    c1, c2 = Point(bend, s.y), Point(bend, e.y)
    label = _beside(s, c1, c2, e, -4)
    return Arrow(edge, Route.LONG, s, c1, c2, e, label, "end")


def _beside(start: Point, c1: Point, c2: Point, end: Point, dx: float) -> Point:
    """A label's place: ``dx`` beside the curve's midpoint, on its text's baseline."""
    x = (start.x + 3 * c1.x + 3 * c2.x + end.x) / 8
    y = (start.y + 3 * c1.y + 3 * c2.y + end.y) / 8
    return Point(x + dx, y + 4)
