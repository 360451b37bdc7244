"""Pictures drawn on the server as SVG: a workflow's diagram and the charts of the pages.

Pure code: typed data and the reader's words in, an SVG image (with its ``<title>``
and ``<desc>``) out; no I/O, no JavaScript, no service outside the process. The
pages put the same data beside each picture as a table, so a screen reader loses
nothing.
"""

from caseflow.diagrams.charts import (
    Bar,
    BarGroup,
    Lane,
    Moment,
    Series,
    bar_chart,
    series_chart,
    timeline_chart,
)
from caseflow.diagrams.layout import Layout, layered_layout
from caseflow.diagrams.workflow import Labels, Marks, Step, marks_of, workflow_svg

__all__ = [
    "Bar",
    "BarGroup",
    "Labels",
    "Lane",
    "Layout",
    "Marks",
    "Moment",
    "Series",
    "Step",
    "bar_chart",
    "layered_layout",
    "marks_of",
    "series_chart",
    "timeline_chart",
    "workflow_svg",
]
