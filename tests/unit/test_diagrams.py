"""The pictures drawn on the server: the layered layout, the workflow's marks, the SVG's
title, description and escaping, and the charts (pure: no database)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from caseflow.definitions.loader import load_workflow_text
from caseflow.definitions.schema import WorkflowDefinition
from caseflow.diagrams import (
    Bar,
    BarGroup,
    Labels,
    Lane,
    Moment,
    Series,
    Step,
    bar_chart,
    layered_layout,
    marks_of,
    series_chart,
    timeline_chart,
    workflow_svg,
)
from caseflow.diagrams.layout import Edge, Node, Route, back_edges
from caseflow.diagrams.workflow import workflow_graph

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SVG = "{http://www.w3.org/2000/svg}"


def _definition() -> WorkflowDefinition:
    path = WORKFLOWS / "committee-case.yaml"
    return load_workflow_text(path.read_text(encoding="utf-8"), str(path)).definition


def _plain() -> Labels:
    return Labels(lambda s: s, lambda t: t)


def test_layers_follow_the_longest_path_and_back_edges_curve_to_the_side() -> None:
    nodes = [Node(k, k) for k in ("a", "b", "c", "d")]
    edges = [
        Edge("a", "b", "ab", "ab"),
        Edge("b", "c", "bc", "bc"),
        Edge("c", "b", "back", "cb"),  # closes a cycle
        Edge("a", "c", "skip", "ac"),  # skips a layer
        Edge("c", "d", "cd", "cd"),
    ]
    assert back_edges(nodes, edges, ["a"]) == {2}
    layout = layered_layout(nodes, edges, ["a"])
    assert [layout.box(k).layer for k in "abcd"] == [0, 1, 2, 3]
    routes = {a.edge.key: a.route for a in layout.arrows}
    assert routes == {
        "ab": Route.DOWN,
        "bc": Route.DOWN,
        "cb": Route.BACK,
        "ac": Route.LONG,
        "cd": Route.DOWN,
    }
    # Everything drawn lies inside the picture's rectangle.
    for arrow in layout.arrows:
        for p in (arrow.start, arrow.control1, arrow.control2, arrow.end):
            assert layout.left <= p.x <= layout.left + layout.width


def test_nodes_of_a_layer_sit_side_by_side_under_their_predecessors() -> None:
    nodes = [Node(k, k) for k in ("top", "left", "right", "under_right")]
    edges = [
        Edge("top", "left", "", "1"),
        Edge("top", "right", "", "2"),
        Edge("right", "under_right", "", "3"),
    ]
    layout = layered_layout(nodes, edges, ["top"])
    left, right = layout.box("left"), layout.box("right")
    assert left.layer == right.layer == 1
    assert left.x < right.x
    assert left.x + left.width / 2 < right.x - right.width / 2  # they do not overlap


def test_the_marks_of_a_case_come_from_its_steps() -> None:
    steps = [
        Step("registered", "start_drafting", "drafting"),
        Step("drafting", "submit_for_approval", "approval"),
        Step("approval", "send_back", "drafting"),
    ]
    marks = marks_of("drafting", steps, "registered")
    assert marks.current == "drafting"
    assert marks.visited == {"registered", "drafting", "approval"}
    assert ("approval", "send_back") in marks.taken
    assert ("approval", "approve") not in marks.taken


def test_steps_between_the_same_states_share_an_arrow_and_a_star_step_is_named_once() -> None:
    graph = workflow_graph(_definition(), _plain())
    pairs = [(e.source, e.target) for e in graph.edges]
    assert len(pairs) == len(set(pairs))
    shared = next(
        e for e in graph.edges if e.source == "on_agenda" and e.target == "ready_for_agenda"
    )
    assert set(shared.key.split("|")) == {"postpone", "refer", "take_off_agenda"}
    withdrawals = [e for e in graph.edges if e.key == "withdraw"]
    assert len(withdrawals) > 3
    assert [e.label for e in withdrawals].count("withdraw") == 1


def test_the_workflow_svg_has_its_title_description_and_marks() -> None:
    marks = marks_of(
        "approval",
        [
            Step("registered", "start_drafting", "drafting"),
            Step("drafting", "submit_for_approval", "approval"),
        ],
        "registered",
    )
    svg = str(
        workflow_svg(
            _definition(),
            _plain(),
            ident="d1",
            title="Sagens <arbejdsgang>",
            description="Beskrivelse & mere",
            marks=marks,
        )
    )
    root = ElementTree.fromstring(svg)  # well-formed XML, user text escaped
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "d1-title d1-desc"
    assert root.find(f"{SVG}title").text == "Sagens <arbejdsgang>"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Beskrivelse & mere"  # type: ignore[union-attr]
    current = [r.get("data-state") for r in root.iter(f"{SVG}rect") if r.get("data-current")]
    assert current == ["approval"]
    taken = sorted(p.get("data-step") for p in root.iter(f"{SVG}path") if p.get("data-taken"))
    assert taken == ["drafting:submit_for_approval", "registered:start_drafting"]
    assert "style=" not in svg  # the CSP forbids inline styles


def test_a_label_with_markup_is_text_in_every_chart() -> None:
    evil = '<script>alert("x")</script>'
    pictures = [
        bar_chart([BarGroup(evil, [Bar(evil, 3)])], ident="b", title=evil, description=evil),
        series_chart(
            [date(2009, 5, 1), date(2009, 5, 8)],
            [Series(evil, [1, 2]), Series("b", [0, 1])],
            "%d/%m",
            ident="s",
            title="t",
            description="d",
        ),
        timeline_chart(
            [Lane(evil, [Moment(date(2009, 5, 14), 1), Moment(date(2009, 6, 11), 2)])],
            "%d/%m %Y",
            ident="t",
            title="t",
            description="d",
        ),
    ]
    for picture in pictures:
        assert "<script>" not in str(picture)
        ElementTree.fromstring(str(picture))


def test_bars_are_as_long_as_their_values() -> None:
    svg = str(
        bar_chart(
            [BarGroup("w", [Bar("one", 1), Bar("four", 4)])], ident="b", title="t", description="d"
        )
    )
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[1] == pytest.approx(4 * widths[0])


def test_series_points_rise_with_their_values() -> None:
    svg = series_chart(
        [date(2009, 5, d) for d in (1, 8, 15)],
        [Series("open", [0, 4, 2])],
        "%d/%m",
        ident="s",
        title="t",
        description="d",
    )
    points = re.search(r'<polyline points="([^"]+)"', str(svg))
    assert points
    ys = [float(p.split(",")[1]) for p in points.group(1).split()]
    assert ys[1] < ys[2] < ys[0]  # SVG's y grows downwards


def test_a_timeline_needs_a_moment() -> None:
    with pytest.raises(ValueError, match="at least one"):
        timeline_chart([Lane("x", [])], "%d/%m", ident="t", title="t", description="d")
