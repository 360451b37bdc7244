"""Attachments added on the case page (multipart, CSRF-checked, size-capped) and from the
command line, through the same service; fetched by whoever may see the case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from webtools import csrf_of

from caseflow.context import Context
from caseflow.services import attachments
from caseflow.testing import CommandLine, demo_organisation_file, open_test_case

Clients = Callable[[str], TestClient]
REPO = Path(__file__).resolve().parents[2]
NOTE = "Notat om den horisontale søjle\n".encode() * 50


def _post(client: TestClient, journal_no: str, token: str | None, **files: bytes) -> Response:
    data = {"title": "TMF's notat", "number": "2009-300035"}
    if token is not None:
        data["csrf_token"] = token
    return client.post(
        f"/cases/{journal_no}/attachments",
        data=data,
        files={name: ("notat.txt", content, "text/plain") for name, content in files.items()},
        follow_redirects=False,
    )


def test_an_officer_attaches_a_file_that_the_case_lists_and_a_reader_fetches(
    with_passwords: Context, client_for: Clients
) -> None:
    journal_no = open_test_case(with_passwords.engine)
    officer = client_for("bif.sagsbehandler")
    page = officer.get(f"/cases/{journal_no}")
    assert 'enctype="multipart/form-data"' in page.text
    response = _post(officer, journal_no, csrf_of(page.text), file=NOTE)
    assert response.status_code == 303
    shown = officer.get(f"/cases/{journal_no}?flash=attachment_added")
    assert "Bilaget er tilføjet." in shown.text
    link = f"/cases/{journal_no}/attachments/2009-300035"
    assert f'href="{link}"' in shown.text
    case = with_passwords.engine.get_case(journal_no)
    assert [(a.number, a.title) for a in case.attachments] == [("2009-300035", "TMF's notat")]
    assert with_passwords.engine.history(journal_no)[-1].kind == "edit"  # audited
    fetched = client_for("biu.sekretariat").get(link)  # a reader of the case
    assert fetched.status_code == 200
    assert fetched.content == NOTE
    assert fetched.headers["content-disposition"].startswith("attachment;")
    again = _post(officer, journal_no, csrf_of(shown.text), file=NOTE)
    assert again.status_code == 422
    assert "har allerede et bilag nr. 2009-300035" in again.text


def test_without_the_csrf_token_or_the_right_to_edit_nothing_is_stored(
    with_passwords: Context, client_for: Clients
) -> None:
    journal_no = open_test_case(with_passwords.engine)
    officer = client_for("bif.sagsbehandler")
    refused = _post(officer, journal_no, None, file=NOTE)
    assert refused.status_code == 403
    secretariat = client_for("biu.sekretariat")  # may read the case, not edit it now
    page = secretariat.get(f"/cases/{journal_no}")
    denied = _post(secretariat, journal_no, csrf_of(page.text), file=NOTE)
    assert denied.status_code == 403
    assert with_passwords.engine.get_case(journal_no).attachments == []
    outsider = client_for("tmf.sagsbehandler")
    assert outsider.get(f"/cases/{journal_no}/attachments/1").status_code == 404


def test_a_file_past_the_cap_or_none_at_all_is_refused_beside_its_field(
    with_passwords: Context, client_for: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments, "MAX_BYTES", 1000)
    journal_no = open_test_case(with_passwords.engine)
    officer = client_for("bif.sagsbehandler")
    token = csrf_of(officer.get(f"/cases/{journal_no}").text)
    large = _post(officer, journal_no, token, file=b"x" * 1001)
    assert large.status_code == 422
    assert "Filen er for stor: et bilag må højst fylde 0 MiB." in large.text
    assert 'id="attach-file" name="file" type="file" required aria-invalid="true"' in large.text
    huge = _post(officer, journal_no, token, file=b"x" * 200_000)  # refused by its length
    assert huge.status_code == 422
    assert "Filen er for stor" in huge.text
    empty = _post(officer, journal_no, token, file=b"")
    assert empty.status_code == 422
    assert "Vælg en fil, der ikke er tom." in empty.text
    assert with_passwords.engine.get_case(journal_no).attachments == []


def test_the_command_line_attaches_through_the_same_service(
    tmp_path: Path, database_url: str
) -> None:
    cli = CommandLine(tmp_path, database_url, REPO / "workflows")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    opened = cli.json(
        "case", "new", "--title", "Styring", "--lead", "TMF", "--participant", "BIF",
        "--committee", "BIU", "--as", "bif.sagsbehandler",
    )  # fmt: skip
    journal_no = str(opened["journal_no"])
    note = tmp_path / "notat.txt"
    note.write_bytes(NOTE)
    done = cli.json(
        "case", "attach", journal_no, str(note), "--title", "Notat", "--as", "bif.sagsbehandler"
    )
    assert (done["number"], done["size"]) == ("1", len(NOTE))
    cli("case", "attach", journal_no, str(note), "--title", "Notat", "--number", "1",
        "--as", "bif.sagsbehandler", expect=2)  # fmt: skip
    out = tmp_path / "back.txt"
    cli("case", "attachment", journal_no, "1", "--out", str(out), "--as", "biu.sekretariat")
    assert out.read_bytes() == NOTE
