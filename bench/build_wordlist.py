"""Build the OCR repair word list ``src/caseflow/documents/data/da_words.txt``.

Run: ``python bench/build_wordlist.py``

The list is derived from caseflow's own texts only — the agenda items in
``tests/data`` (our made-up items and the project's example item), the
documents templates and the documents config — plus the extra words in
``src/caseflow/documents/data/extra_words.txt``. So it is the project's own
material under the project's licence (MIT), small, and repeatable: rerun this
after adding a test item and commit the result.
"""

from __future__ import annotations

from pathlib import Path

from caseflow.documents.ocr import vocabulary_of

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "caseflow" / "documents" / "data"
SOURCES = [
    *sorted((ROOT / "tests" / "data").rglob("*.txt")),
    *sorted((ROOT / "templates" / "documents").rglob("*")),
    DATA / "extra_words.txt",
]


def main() -> None:
    texts = [p.read_text(encoding="utf-8") for p in SOURCES if p.is_file()]
    found = vocabulary_of(texts)
    header = (
        "# Danish words for OCR repair (caseflow.documents.ocr), one a line, casefolded.\n"
        "# Built by bench/build_wordlist.py from caseflow's own texts; MIT like caseflow.\n"
    )
    (DATA / "da_words.txt").write_text(header + "\n".join(found) + "\n", encoding="utf-8")
    print(f"{len(found)} words from {len(texts)} files")


if __name__ == "__main__":
    main()
