"""One of two processes firing on the same case in lockstep (run by test_concurrent_fires).

Usage: ``python fire_loop.py DATABASE_URL JOURNAL_NO WORKFLOWS_DIR``. For each line
``go`` or ``go-checked`` on stdin it fires the case's next trigger and prints the
outcome: ``ok VERSION``, ``conflict``, ``not-allowed`` or ``error TEXT``. Before
each round it reads the case and prints ``ready VERSION``, so that the test can
let both processes go only when both have read the same version. With
``go-checked`` the fire carries that version (as the web form does) and must
lose with a Conflict; with ``go`` the engine reads the case itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from caseflow.errors import Conflict, NotAllowed
from caseflow.testing import make_test_engine

STEPS = {
    "drafting": ("submit_for_approval", "bif.sagsbehandler", None),
    "approval": ("send_back", "tmf.kontorchef", "Uddyb økonomien"),
}


def main() -> None:
    url, journal_no, workflows = sys.argv[1:4]
    engine = make_test_engine(url, workflows_dir=Path(workflows), load_demo_organisation=False)
    actors = {name: engine.actor(name) for _, name, _ in STEPS.values()}
    while True:
        case = engine.get_case(journal_no)
        print("ready", case.version, flush=True)
        command = sys.stdin.readline().strip()
        if command not in ("go", "go-checked"):
            break
        trigger, actor, comment = STEPS[case.state]
        checked = case.version if command == "go-checked" else None
        try:
            fired = engine.fire(
                journal_no, trigger, actors[actor], comment=comment, expected_version=checked
            )
        except Conflict:
            print("conflict", flush=True)
        except NotAllowed:
            print("not-allowed", flush=True)
        except Exception as exc:  # reported to the test, which fails on it
            print("error", type(exc).__name__, str(exc).replace("\n", " "), flush=True)
        else:
            print("ok", fired.version, flush=True)
    engine.close()


if __name__ == "__main__":
    main()
