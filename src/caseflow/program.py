"""The ``caseflow`` process: how it starts and how it ends, around the command line.

Its own module, apart from ``caseflow.cli`` (which parses, calls a service and
presents, and writes only through its consoles): what is here is the process's, the
garbage collector during start-up and the exit that skips Python's teardown.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import NoReturn

_collector_held = False
"""Set by :func:`run` until :func:`start_up_done`: the collector waits for the start."""


def run() -> NoReturn:
    """The ``caseflow`` program (and ``python -m caseflow``): the command line's
    :func:`caseflow.cli.main`, then the process's end without Python's teardown of
    every module and object: about 60 ms of each command here (an eighth of a
    ``case list``), spent on memory the process gives back anyway.

    What an ending must do still happens: ``main`` has closed what the command opened
    (its database connections), the exit functions run (logging's flush, temporary
    files' clean-up), the output is flushed, and the exit code is the one ``sys.exit``
    gives. An exit with a message, or threads still running, take Python's ordinary
    exit. Tests call ``main``, which ends nothing.

    The cyclic garbage collector waits until the command's start is over
    (:func:`start_up_done`): the imports make about 100,000 objects, none of them
    garbage, and the collector's full passes over them were about 40 ms of each start.
    """
    global _collector_held
    gc.disable()
    _collector_held = True
    from caseflow.cli import main

    try:
        main()
    except SystemExit as exc:
        _end(exc.code)
    _end(0)


def start_up_done() -> None:
    """The command has what it starts with (its modules and its context): under
    :func:`run`, those objects are set aside from the garbage collector for good
    (``gc.freeze``: they live as long as the process) and collecting resumes for what
    the command does, a worker's hours included. Elsewhere (tests) a no-op."""
    global _collector_held
    if _collector_held:
        _collector_held = False
        gc.freeze()
        gc.enable()


def _end(code: object) -> NoReturn:
    if not (code is None or isinstance(code, int)) or threading.active_count() > 1:
        raise SystemExit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away, or a stream is closed
        raise SystemExit(code) from None  # Python's own exit reports it, as before
    os._exit(code or 0)
