"""Score the agenda-item importer field by field against an answer key.

Run: ``python bench/import_score.py [--verbose] [--min PERCENT]``

By default it scores caseflow's own layout files (``tests/data/layouts/answers.json``).
With ``CASEFLOW_IMPORT_CORPUS=DIR`` it scores the real published items listed in
``bench/import_corpus.json``: their texts live in DIR (outside the repository,
they are other people's words); the manifest holds each one's source address,
municipality, layout family, sha256 and answer key, so the check can be repeated.

Fields: number, title, journal_no, recommendations (count and first words),
decision (first words, or none), absent (the names), headings (section keys in
order), attachments (count). A field scores when it equals the key; "first
words" means the key's words begin what was read (case and punctuation aside).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from caseflow.documents.config import load_config
from caseflow.documents.importer import AgendaItemReader, ImportedItem
from caseflow.documents.inputs import items_of_file
from caseflow.errors import CaseflowError

ROOT = Path(__file__).resolve().parents[1]
OWN_KEY = ROOT / "tests" / "data" / "layouts" / "answers.json"
CORPUS_KEY = ROOT / "bench" / "import_corpus.json"
FIELDS = (
    "number",
    "title",
    "journal_no",
    "recommendations",
    "decision",
    "absent",
    "headings",
    "attachments",
)


def words(text: str) -> list[str]:
    return re.findall(r"[\wæøåÆØÅ-]+", text.casefold())


def begins(value: str, expected: str) -> bool:
    want = words(expected)
    return words(value)[: len(want)] == want


def field_scores(item: ImportedItem | None, key: dict[str, Any]) -> dict[str, bool]:
    """Which fields of ``item`` agree with the answer ``key`` (None: nothing imported)."""
    if item is None:
        return {name: False for name in FIELDS if name in key}
    count, first = key["recommendations"]
    read = {
        "number": item.number == key["number"],
        "title": " ".join(item.title.split()) == key["title"],
        "journal_no": item.journal_no == key["journal_no"],
        "recommendations": len(item.recommendations) == count
        and (count == 0 or begins(item.recommendations[0], first)),
        "decision": (item.decision is None)
        if key["decision"] is None
        else (item.decision is not None and begins(item.decision.text, key["decision"])),
        "absent": sorted(item.absent) == sorted(key["absent"]),
        "headings": [s.key for s in item.sections] == key["headings"],
        "attachments": len(item.attachments) == key["attachments"],
    }
    return {name: ok for name, ok in read.items() if name in key}


def load_key() -> tuple[list[dict[str, Any]], Path, str]:
    corpus = os.environ.get("CASEFLOW_IMPORT_CORPUS")
    if corpus:
        data = json.loads(CORPUS_KEY.read_text(encoding="utf-8"))
        return data["items"], Path(corpus), "the real corpus in " + corpus
    data = json.loads(OWN_KEY.read_text(encoding="utf-8"))
    return data["items"], OWN_KEY.parent, "caseflow's own layout files"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    parser.add_argument("--min", type=float, default=0.0, help="fail below this overall %%")
    args = parser.parse_args()
    entries, base, what = load_key()
    reader = AgendaItemReader(load_config())
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    layouts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    municipalities: set[str] = set()
    heldout = [0, 0]
    misses: list[str] = []
    for entry in entries:
        path = (base / entry["file"]).resolve()
        if "sha256" in entry:
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
            if digest != entry["sha256"]:
                misses.append(f"{entry['file']}: missing or changed (sha256 {digest})")
        item = _read(reader, path, entry.get("item", 0))
        scores = field_scores(item, entry)
        municipalities.add(entry.get("municipality", "caseflow"))
        for name, ok in scores.items():
            totals[name][0] += ok
            totals[name][1] += 1
            layouts[entry["layout"]][0] += ok
            layouts[entry["layout"]][1] += 1
            if entry.get("heldout"):
                heldout[0] += ok
                heldout[1] += 1
            if not ok:
                misses.append(f"{entry['file']} [{entry['layout']}]: {name}{_shown(item, name)}")
    right = sum(r for r, _ in totals.values())
    total = sum(t for _, t in totals.values()) or 1
    print(f"Import score on {what}: {len(entries)} items, {len(municipalities)} source(s)")
    for name in FIELDS:
        if name in totals:
            r, t = totals[name]
            print(f"  {name:16} {r:3}/{t:<3} {100 * r / t:5.1f}%")
    print(f"  {'all fields':16} {right:3}/{total:<3} {100 * right / total:5.1f}%")
    if heldout[1]:
        r, t = heldout
        print(f"  {'held out':16} {r:3}/{t:<3} {100 * r / t:5.1f}%  (items added after tuning)")
    print(
        "  by layout: "
        + ", ".join(f"{name} {100 * r / t:.0f}%" for name, (r, t) in sorted(layouts.items()))
    )
    if args.verbose:
        for miss in misses:
            print("  miss: " + miss)
    return 0 if 100 * right / total >= args.min else 1


def _read(reader: AgendaItemReader, path: Path, index: int) -> ImportedItem | None:
    try:
        items = items_of_file(path, reader)
    except (CaseflowError, OSError):
        return None
    return items[index] if index < len(items) else None


def _shown(item: ImportedItem | None, name: str) -> str:
    if item is None:
        return " (not imported)"
    value: Any = {
        "number": item.number,
        "title": item.title,
        "journal_no": item.journal_no,
        "recommendations": list(item.recommendations),
        "decision": item.decision.text[:60] if item.decision else None,
        "absent": list(item.absent),
        "headings": [s.key for s in item.sections],
        "attachments": [a.title for a in item.attachments],
    }[name]
    return f" read {value!r}"[:300]


if __name__ == "__main__":
    sys.exit(main())
