"""The README's "A tour of the CLI" runs as written, top to bottom, on a fresh database.

The commands are read from the README itself, so a change to the tour is tested: the
first ``sh`` block of the section, with the optional parts in brackets
(``[--as USER]``, ``[--json]``) left out, runs in bash with ``set -e`` in an empty
folder holding a copy of the clone's ``workflows/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## A tour of the CLI"
# An optional part: a space, then "[" and a flag or a value, up to its "]". A JSON list
# in quotes ('recommendations=["..."]') starts with [" and is left alone.
OPTIONAL = re.compile(r" \[(?=--|\w)[^\]\"']*\]")


def tour_commands(readme: str) -> str:
    """The tour's shell block, its optional parts left out."""
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return OPTIONAL.sub("", block)


def test_optional_parts_are_left_out_and_json_kept() -> None:
    line = "caseflow case list [--state drafting] [--mine] --set 'r=[\"at x.\"]' [2009-1]"
    assert OPTIONAL.sub("", line) == "caseflow case list --set 'r=[\"at x.\"]'"


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    script = tour_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "caseflow init" in script
    assert "submit_for_approval" in script
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFLOW_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "200"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-x", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"the tour stopped:\n{done.stderr[-4000:]}"
    assert "approval" in done.stdout  # submit_for_approval moved the case on
    assert (tmp_path / "workflow.schema.json").stat().st_size > 0
