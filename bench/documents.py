"""Documents: a 30-item agenda to HTML and to PDF, and agenda items imported per second.

Run: ``python bench/documents.py [--runs N] [--pdf-runs N]``

1. HTML: a 30-item agenda (the example item 18 thirty times, every fifth item
   closed) through :class:`DocumentRenderer`, templates compiled once (the first,
   cold render is printed apart). Median of ``--runs``. Baseline in the same
   run: the same compiled template rendered straight by Jinja2 with a context
   prepared beforehand, i.e. the cost of templating alone; the difference is
   what caseflow adds (building the template's view, the public filter).
   Target: < 20 ms.
2. PDF: the same agenda through WeasyPrint (median of ``--pdf-runs``), with its
   page count.
3. Import: items read per second from the example as is and from damaged scans
   of it (æøå lost, 1 for i, split words, stray bullets), one reader built once.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from caseflow.documents.config import load_config
from caseflow.documents.damage import all_damage
from caseflow.documents.importer import AgendaItemReader
from caseflow.documents.model import AgendaDocument
from caseflow.documents.render import DocumentRenderer

EXAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data"
EXAMPLE_FILE = EXAMPLE / "agenda-item-2009-68440-biu-item18.txt"


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--imports", type=int, default=200)
    args = parser.parse_args()

    config = load_config()
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    reader = AgendaItemReader(config)
    item = reader.read(text).to_document()
    items = tuple(dataclasses.replace(item, number=n, closed=n % 5 == 0) for n in range(1, 31))
    agenda = AgendaDocument(
        "BIU",
        "Beskæftigelses- og Integrationsudvalget",
        datetime(2009, 6, 11, 15, 0, tzinfo=ZoneInfo("Europe/Copenhagen")),
        items,
        place="Rådhuset",
    )
    renderer = DocumentRenderer(config=config)

    start = time.perf_counter()
    html = str(renderer.agenda(agenda))
    cold = (time.perf_counter() - start) * 1000
    ours = median_ms(lambda: renderer.agenda(agenda), args.runs)
    ours_public = median_ms(lambda: renderer.agenda(agenda, public=True), args.runs)
    template = renderer.environment.get_template("documents/da/agenda.html.j2")
    values = renderer._meeting(agenda, False, "da")  # the context, prepared beforehand
    bare = median_ms(lambda: template.render(values), args.runs)
    print(f"30-item agenda, {len(html) // 1024} KiB of HTML ({sys.version.split()[0]})")
    print(f"  HTML, caseflow          median {ours:7.2f} ms  (target < 20 ms; cold {cold:.0f} ms)")
    print(f"  HTML, public version    median {ours_public:7.2f} ms")
    print(f"  HTML, bare Jinja2       median {bare:7.2f} ms  (baseline: templating alone)")

    pdf_times = []
    pdf = b""
    for _ in range(args.pdf_runs):
        start = time.perf_counter()
        rendered = renderer.agenda(agenda, "pdf")
        assert isinstance(rendered, bytes)
        pdf = rendered
        pdf_times.append((time.perf_counter() - start) * 1000)
    pages = _pages(pdf)
    print(
        f"  PDF (WeasyPrint)        median {statistics.median(pdf_times):7.0f} ms  "
        f"({pages} pages, {len(pdf) // 1024} KiB)"
    )

    scans = [all_damage(text, seed) for seed in range(6)]
    # The PDF renders leave a large heap behind (WeasyPrint's fonts and boxes); collect it
    # and freeze what lives on, so that the collector's passes over it are not counted
    # against the importer.
    gc.collect()
    gc.freeze()
    for label, texts in (("clean example", [text]), ("damaged scans", scans)):
        reader.read(texts[0])  # warm
        start, cpu = time.perf_counter(), time.process_time()
        for n in range(args.imports):
            reader.read(texts[n % len(texts)])
        elapsed, used = time.perf_counter() - start, time.process_time() - cpu
        # CPU time too: on a shared machine the wall clock counts the other processes' turns
        print(
            f"  import, {label:14}  {args.imports / elapsed:7.0f} items/s  "
            f"({args.imports / used:.0f} items per CPU second)"
        )


def _pages(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        return "?"
    return str(len(PdfReader(io.BytesIO(pdf)).pages))


if __name__ == "__main__":
    main()
