"""Every command of the command line, fed generated input: never a traceback.

The commands are read from the Typer app itself, so a new command is covered
the day it is added. Hypothesis picks a command and fills its arguments and
options with text (markup, control characters, journal numbers), numbers (huge,
negative), and files (binary, deeply nested JSON and YAML, markup) and runs it
in-process on a small prepared SQLite database. Each run must end with an exit
code from the README's table, and a refused one (2 to 9, 130) must leave the
audit trail and the case rows as they were.

Bounded for CI (``CASEFLOW_FUZZ_EXAMPLES``, default 120, runs in about a minute);
set it higher to search longer locally.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import shutil
import sqlite3
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from caseflow.cli import COMMANDS, load_all, main
from caseflow.cli.app import app
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("CASEFLOW_FUZZ_EXAMPLES", "120"))

DOCUMENTED_EXIT_CODES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130}
"""The README's table of exit codes (A tour of the CLI)."""
REFUSED = DOCUMENTED_EXIT_CODES - {0, 1}  # 1 is a check's finding, after work that may stand

# Commands that do not end by themselves or build a world of their own; each is
# exercised by its own tests (serve: test_cli_serve, demo: test_cli).
NOT_FUZZED = {("serve",), ("demo",)}
# Options forced on so a command ends: the worker runs once.
FORCED = {("worker",): ["--once"]}


@dataclass(frozen=True)
class Param:
    name: str  # the option's first flag, or "" for an argument
    kind: str  # "int", "float", "flag", "choice", "path", "text"
    required: bool
    multiple: bool
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    params: tuple[Param, ...]


def _kind(param: Any) -> str:
    """The kind of value the parameter takes, from the Click type Typer built for it."""
    kind = type(param.type).__name__
    if getattr(param, "is_flag", False) or kind == "BoolParamType":
        return "flag"
    return {
        "IntParamType": "int",
        "IntRange": "int",
        "FloatParamType": "float",
        "FloatRange": "float",
        "Choice": "choice",
        "TyperChoice": "choice",
        "Path": "path",
        "TyperPath": "path",
    }.get(kind, "text")


def _choices(param: Any) -> tuple[str, ...]:
    return tuple(str(choice) for choice in getattr(param.type, "choices", ()))


def commands() -> list[Command]:
    """Every leaf command of the app, with its parameters, as Click sees them."""
    load_all()
    root = typer.main.get_command(app)
    found: list[Command] = []

    def walk(group: Any, path: tuple[str, ...]) -> None:
        for name, command in sorted(getattr(group, "commands", {}).items()):
            here = (*path, name)
            if hasattr(command, "commands"):
                walk(command, here)
                continue
            params = tuple(
                Param(
                    "" if type(p).__name__.endswith("Argument") else p.opts[0],
                    _kind(p),
                    bool(p.required),
                    bool(getattr(p, "multiple", False) or p.nargs == -1),
                    _choices(p),
                )
                for p in command.params
                if p.name not in {"help"}
            )
            found.append(Command(here, params))

    walk(root, ())
    return [c for c in found if c.path[:1] not in NOT_FUZZED and c.path not in NOT_FUZZED]


COMMAND_LIST = commands()

# --- generated input ---------------------------------------------------------------------

WORDS = [
    "[/]",
    "[red]rød[/red]",
    "Budget [udkast]",
    ":smile:",
    "\x1b[31mred\x1b[0m",
    "line\r\nBcc: x@example.dk",
    "",
    " ",
    "-",
    "2009-68440",
    "2026-00001",
    "2009-05-14",
    "2027-03-28 02:30",
    "admin",
    "bif.sagsbehandler",
    "BIU",
    "BIF",
    "committee-case",
    "drafting",
    "start_drafting",
    "10d",
    "99999999999d",
    "N-1",
    "D-1",
    "æøå ÆØÅ",
    "x" * 300,
]
NUMBERS = [0, 1, -1, 2, 31, 2**31, 2**63, 10**23, 999999999, -(10**20)]
text = st.one_of(
    st.sampled_from(WORDS),
    st.text(
        st.characters(codec="utf-8", exclude_characters="\x00", exclude_categories=("Cs",)),
        max_size=30,
    ),
)
number = st.one_of(st.sampled_from(NUMBERS), st.integers()).map(str)


def _deep_json(levels: int) -> bytes:
    return ('{"a": ' * levels + "1" + "}" * levels).encode()


def _deep_yaml(levels: int) -> bytes:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(levels)).encode() + b"  " * levels + b"x"


contents = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [
            _deep_json(600),
            b"[" * 600 + b"]" * 600,
            _deep_yaml(500),
            b"[" * 500,
            b"\xff\xfe\x00binary",
            b"[/] [red]x[/red] :smile:",
            demo_organisation_file().read_bytes(),
            b"",
        ]
    ),
    text.map(lambda t: t.encode()),
)
SET_KEYS = [
    "summary",
    "title",
    "sections",
    "fields",
    "recommendations",
    "sections.problemstilling",
    "fields.x",
    "case_officer",
    "nosuch",
]


@dataclass
class Files:
    """Files written for one run, in its own folder."""

    folder: Path
    count: int = 0

    def write(self, data: bytes) -> str:
        self.count += 1
        path = self.folder / f"input-{self.count}.dat"
        path.write_bytes(data)
        return str(path)


@st.composite
def invocation(draw: st.DrawFn, files: Files) -> list[str]:
    command = draw(st.sampled_from(COMMAND_LIST))
    args = [*command.path, *FORCED.get(command.path, [])]
    for param in command.params:
        if param.name in FORCED.get(command.path, []):
            continue
        if not param.required and not draw(st.booleans()):
            continue
        count = draw(st.integers(1, 2)) if param.multiple else 1
        for _ in range(count):
            if param.kind == "flag":
                args.append(param.name)
                continue
            value = draw(_value(param, files))
            args.extend([param.name, value] if param.name else [value])
    return args


@st.composite
def _value(draw: st.DrawFn, param: Param, files: Files) -> str:
    if param.kind in ("int", "float"):
        return draw(st.one_of(number, text)) if draw(st.integers(0, 9)) == 0 else draw(number)
    if param.kind == "choice" and param.choices and draw(st.integers(0, 4)):
        return str(draw(st.sampled_from(param.choices)))
    if param.kind == "path":
        return draw(
            st.one_of(
                contents.map(files.write),
                st.just(str(files.folder / "missing" / "x.yaml")),
                st.just(str(files.folder)),
            )
        )
    if param.name == "--set":
        key = draw(st.sampled_from(SET_KEYS))
        value = draw(st.one_of(text, contents.map(lambda data: "@" + files.write(data))))
        if draw(st.booleans()):
            value = draw(st.sampled_from(['["a"]', '{"a": "b"}', "[" * 700, '{"a":' * 650]))
        return f"{key}={value}"
    return str(draw(text))


# --- the prepared database ---------------------------------------------------------------


@contextlib.contextmanager
def environment(database: Path, folder: Path) -> Iterator[None]:
    """The command's settings and working folder, as a user's shell would give them."""
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    for name in list(os.environ):
        if name.startswith("CASEFLOW_"):
            del os.environ[name]
    os.environ.update(
        {
            "CASEFLOW_DATABASE_URL": f"sqlite:///{database}",
            "CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows"),
            "CASEFLOW_MAIL_DIR": str(folder / "mail"),
            "CASEFLOW_BUSY_TIMEOUT": "1",
            "COLUMNS": "80",
        }
    )
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def run(args: list[str], stdin: str = "") -> Outcome:
    """``caseflow ARGS`` in this process; an exception escaping main is a traceback."""
    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(args)
    except SystemExit as exc:
        code = exc.code
    except BaseException:
        pytest.fail(f"caseflow {args!r} raised:\n{traceback.format_exc()}")
    finally:
        sys.stdin = saved_stdin
    assert isinstance(code, int | None), (args, code)
    return Outcome(code or 0, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small database: the demo organisation and one case in drafting."""
    folder = tmp_path_factory.mktemp("fuzz-template")
    database = folder / "caseflow.db"
    with environment(database, folder):
        for args in (
            ["init"],
            ["org", "load", str(demo_organisation_file())],
            ["case", "new", "--title", "Styring [udkast]", "--lead", "BIF", "--committee",
             "BIU", "--as", "bif.sagsbehandler", "--journal-no", "2009-68440"],
            ["case", "advance", "2009-68440", "start_drafting", "--as", "bif.sagsbehandler"],
        ):  # fmt: skip
            done = run(args)
            assert done.code == 0, (args, done)
    return database


def fingerprint(database: Path) -> str:
    """The audit trail and the case rows, as one digest."""
    connection = sqlite3.connect(database)
    try:
        digest = hashlib.sha256()
        for table in ("audit_events", "cases"):
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY id"):  # noqa: S608
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        connection.close()


def test_every_command_is_fuzzed() -> None:
    """The list comes from the app: every command in COMMANDS has leaves in it."""
    fuzzed = {c.path[0] for c in COMMAND_LIST}
    assert fuzzed == set(COMMANDS) - {p[0] for p in NOT_FUZZED}
    assert len(COMMAND_LIST) > 50


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
    # No shrinking: each failure names its arguments already, and a CI run stays bounded.
    phases=(Phase.explicit, Phase.generate),
)
@given(data=st.data())
def test_no_input_gets_a_traceback(
    data: st.DataObject, template: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    database = folder / "caseflow.db"
    shutil.copy(template, database)
    args = data.draw(invocation(Files(folder)), label="args")
    before = fingerprint(database)
    with environment(database, folder):
        done = run(args, stdin=data.draw(text, label="stdin"))
    assert done.code in DOCUMENTED_EXIT_CODES, (args, done)
    assert "Traceback" not in done.err, (args, done.err)
    if done.code in REFUSED:
        assert fingerprint(database) == before, (args, done)


# --- the findings of issue 16, each as an explicit case -------------------------------------


@pytest.fixture
def prepared(template: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the prepared database, the commands run in its folder."""
    database = tmp_path / "caseflow.db"
    shutil.copy(template, database)
    with environment(database, tmp_path):
        yield database


MARKUP_TITLE = "[/] Budget [udkast] [red]x[/red] :smile:"


def test_user_text_is_printed_as_typed_by_every_command(prepared: Path) -> None:
    opened = run(
        ["case", "new", "--title", MARKUP_TITLE, "--lead", "BIF", "--committee", "BIU",
         "--summary", "[bold]resumé[/bold]", "--as", "bif.sagsbehandler"]
    )  # fmt: skip
    assert opened.code == 0, opened
    meeting = run(
        ["meeting", "new", "--committee", "BIU", "--at", "2030-05-14 16:00",
         "--place", "[/] Rådhuset [lokale 1]", "--as", "admin"]
    )  # fmt: skip
    assert meeting.code == 0, meeting
    for args in (
        ["case", "list", "--as", "bif.sagsbehandler"],
        ["case", "show", "2009-68440", "--as", "bif.sagsbehandler"],
        ["meeting", "list", "--committee", "BIU", "--as", "admin"],
        ["deadlines", "list", "--as", "admin"],
        ["notifications", "list", "--as", "admin"],
    ):
        done = run(args)
        assert done.code == 0, (args, done)
        assert "MarkupError" not in done.err
    listed = run(["case", "list", "--as", "bif.sagsbehandler"])
    assert "[udkast]" in listed.out
    assert "[/]" in listed.out
    plan = run(["meeting", "list", "--committee", "BIU", "--as", "admin"])
    assert "[lokale 1]" in plan.out


def test_the_programs_own_messages_keep_their_brackets(prepared: Path, tmp_path: Path) -> None:
    workflow = tmp_path / "committee-case.yaml"
    workflow.write_text(
        (REPO / "workflows" / "committee-case.yaml")
        .read_text(encoding="utf-8")
        .replace("roles: [case_officer]", "roles: case_officer", 1),
        encoding="utf-8",
    )
    done = run(["workflow", "validate", str(workflow)])
    assert done.code == 2, done
    assert "'roles' should be a list: write [case_officer]" in done.err


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["meeting", "show", "99999999999999999999999", "--as", "admin"], 2, "larger than"),
        (["agenda", "show", str(2**63), "--as", "admin"], 2, "larger than"),
        (["followup", "done", str(10**30), "--as", "admin"], 2, "larger than"),
        (["deadlines", "list", "--due-within", "99999999999d", "--as", "admin"], 2, "working days"),
        (["notifications", "digest", "--days", "999999999", "--as", "admin"], 2, "--days"),
        (["worker", "--once", "--poll", "-86399999913601"], 2, "--poll"),
    ],
)
def test_numbers_beyond_what_is_stored_are_bad_input(
    prepared: Path, args: list[str], code: int, words: str
) -> None:
    done = run(args)
    assert done.code == code, done
    assert words in done.err


def test_a_binary_file_and_deep_json_in_set_are_refused(prepared: Path, tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    done = run(["case", "edit", "2009-68440", "--set", f"summary=@{binary}", "--as", "admin"])
    assert done.code == 2, done
    assert f"{binary} is not text (UTF-8)" in done.err
    deep = "[" * 600 + "]" * 600
    done = run(["case", "edit", "2009-68440", "--set", f"fields={deep}", "--as", "admin"])
    assert done.code == 2, done
    assert "the JSON nests 600 levels deep; at most 32" in done.err


def test_a_deep_yaml_file_stops_only_its_own_workflow(prepared: Path, tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    shutil.copytree(REPO / "workflows", folder)
    (folder / "deep.yaml").write_bytes(b"id: deep\n" + _deep_yaml(500))
    os.environ["CASEFLOW_WORKFLOWS_DIR"] = str(folder)
    shown = run(["case", "show", "2009-68440", "--as", "bif.sagsbehandler"])
    assert shown.code == 0, shown
    listed = run(["workflow", "list"])
    assert listed.code == 2, listed
    assert "deep.yaml" in listed.err
    assert "more than 64 levels deep" in listed.err
    opened = run(["case", "new", "--title", "T", "--workflow", "deep", "--as", "admin"])
    assert opened.code == 2, opened
    assert "more than 64 levels deep" in opened.err


def test_deep_yaml_in_an_organisation_or_calendar_file_is_a_problem(
    prepared: Path, tmp_path: Path
) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_bytes(_deep_yaml(500))
    loaded = run(["org", "load", str(deep), "--as", "admin"])
    assert loaded.code == 2, loaded
    assert "more than 64 levels deep" in loaded.err
    os.environ["CASEFLOW_CALENDAR"] = str(deep)
    counted = run(["calendar", "add", "2009-12-23", "1"])
    assert counted.code == 2, counted
    assert "more than 64 levels deep" in counted.err


def test_worker_once_gives_up_when_another_worker_holds_the_lock(prepared: Path) -> None:
    lock = os.open(f"{prepared}-worker.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        os.write(lock, b"host:4242")
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a running `caseflow worker`
        started = time.monotonic()
        done = run(["worker", "--once", "--wait", "1"])
        waited = time.monotonic() - started
        at_once = run(["worker", "--once"])
    finally:
        os.close(lock)
    assert done.code == 9, done
    assert "another worker (host:4242) is dispatching" in done.err
    assert "gave up after 1 s" in done.err
    assert 1 <= waited < 10
    assert at_once.code == 9, at_once  # --wait 0, the default: cron runs do not pile up
    assert run(["worker", "--once"]).code == 0  # once the other has stopped


def test_at_80_columns_identifiers_are_whole_and_labels_in_the_language(
    prepared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseflow.cli import output

    monkeypatch.setattr(output.console, "width", 80)
    key = "a-very-long-notification-key:2009-68440:reminder:1:sara.holm@bif.kk.example"
    connection = sqlite3.connect(prepared)
    connection.execute(
        "INSERT INTO outbox (key, template, language, recipients, context, status, attempts,"
        " next_attempt_at, created_at) VALUES (?, 'reminder', 'da', "
        '\'[{"address": "sara.holm@bif.kk.example", "name": "Sara Holm"}]\', \'{}\', '
        "'failed', 8, '2009-05-14 08:00:00.000000', '2009-05-14 08:00:00.000000')",
        (key,),
    )
    connection.commit()
    connection.close()
    listed = run(["notifications", "list", "--as", "admin"])
    assert listed.code == 0, listed
    assert key in listed.out  # on one line, whole: `notifications retry KEY` needs it
    assert all(len(line) <= 80 for line in listed.out.splitlines())
    cases = run(["case", "list", "--as", "bif.sagsbehandler"])
    assert "2009-68440" in cases.out
    assert "Journalnr." in cases.out  # CASEFLOW_LANGUAGE is Danish by default
    workflows = run(["workflow", "list"])
    assert "committee-case" in workflows.out
    assert "access-request" in workflows.out


def test_case_show_prints_headings_and_no_python_reprs(prepared: Path) -> None:
    edited = run(
        ["case", "edit", "2009-68440", "--set", "sections.problemstilling=Et problem",
         "--set", 'fields.noter={"a": [1, 2]}', "--as", "bif.sagsbehandler"]
    )  # fmt: skip
    assert edited.code == 0, edited
    shown = run(["case", "show", "2009-68440", "--as", "bif.sagsbehandler"])
    assert shown.code == 0, shown
    assert "Problemstilling\nEt problem" in shown.out
    assert "problemstilling" not in shown.out
    assert '{"a": [1, 2]}' in shown.out
    assert "{'a'" not in shown.out
    assert "tilstand" in shown.out
    assert "(Udarbejdelse" in shown.out or "(Under udarbejdelse" in shown.out, shown.out
    os.environ["CASEFLOW_LANGUAGE"] = "en"
    english = run(["case", "show", "2009-68440", "--as", "bif.sagsbehandler"])
    assert "Problem\nEt problem" in english.out
    assert "state" in english.out


def test_ctrl_c_in_a_command_exits_130_and_writes_nothing(
    prepared: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from caseflow.services import cases

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    before = fingerprint(prepared)
    monkeypatch.setattr(cases, "edit", interrupted)
    done = run(["case", "edit", "2009-68440", "--set", "summary=x", "--as", "bif.sagsbehandler"])
    assert done.code == 130, done
    assert "Traceback" not in done.err
    assert capfd.readouterr().err == "interrupted: nothing more was done\n"
    assert fingerprint(prepared) == before
