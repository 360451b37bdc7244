"""The import page: upload, preview every field and repair, import; CSRF and the size cap."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from webtools import csrf_of

from caseflow.context import Context
from caseflow.store import meetings as meeting_rows
from caseflow.testing import copenhagen_time
from caseflow.web.pages import imports as import_page

Clients = Callable[[str], TestClient]
MINUTES = """<html><body><h1>Beskæftigelses- og Integrationsudvalget</h1>
<p>Mødedato: 7. maj 2009</p>
<h2>1. Orientering om helhedsplaner &lt;b&gt;</h2><p>Sagsnr.: 330-2009-12345</p>
<h3>Indstilling</h3><p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<p>1. at udvalget tager orienteringen til efterretning.</p>
<h3>Problemstilling</h3><p>Planerne er forsinkede.</p>
<h3>L?sning</h3><p>En ny plan.</p>
<h3>Beslutning</h3><p>Taget til efterretning.</p><p>Fraværende: Medlem B</p>
</body></html>"""


def held_meeting(ctx: Context) -> int:
    with ctx.engine.transaction() as conn:
        return meeting_rows.create(
            conn,
            committee="BIU",
            starts_at=copenhagen_time("2009-05-07 16:00"),
            now=ctx.engine.clock.now(),
        ).id


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"the page carries {name}"
    return found.group(1)


def test_a_secretariat_previews_an_uploaded_agenda_then_imports_it(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    meeting = held_meeting(ctx)
    client = client_for("biu.sekretariat")
    form = client.get("/imports?lang=da")
    assert form.status_code == 200
    token = csrf_of(form.text)
    files = {"file": ("referat.html", MINUTES.encode(), "text/html")}
    shown = client.post(
        "/imports/preview", data={"csrf_token": token, "meeting": str(meeting)}, files=files
    )
    assert shown.status_code == 200, shown.text
    page = shown.text
    assert "Orientering om helhedsplaner &lt;b&gt;" in page  # the title as read, escaped
    assert "330-2009-12345" in page
    assert "form: kmd" in page
    assert "at udvalget tager orienteringen til efterretning" in page
    assert "Taget til efterretning." in page
    assert "Medlem B" in page
    assert (
        "<code>sections.losning</code>: heading &#39;L?sning&#39; read as &#39;Løsning&#39;" in page
    )
    assert "er afholdt: punkterne importeres som historik" in page
    assert "punkt 1 på mødet, besluttet" in page
    with ctx.engine.transaction() as conn:  # the preview wrote nothing
        assert meeting_rows.get(conn, meeting).status == "planned"

    done = client.post(
        "/imports",
        data={
            "csrf_token": token,
            "source": hidden(page, "source"),
            "text": hidden(page, "text"),
            "digest": hidden(page, "digest"),
            "meeting": str(meeting),
        },
    )
    assert done.status_code == 200, done.text
    assert "1 af 1 punkter er importeret" in done.text
    journal_no = re.search(r'href="/cases/(\d{4}-\d{5})"', done.text)
    assert journal_no
    case = ctx.engine.get_case(journal_no.group(1))
    assert case.state == "decided"
    assert case.fields["source_reference"] == "330-2009-12345"
    (entry,) = ctx.engine.history(case.journal_no)
    assert (entry.kind, entry.actor) == ("import", "biu.sekretariat")
    assert entry.comment is not None
    assert entry.comment.startswith("importeret fra referat.html")
    shown_case = client.get(f"/cases/{case.journal_no}?lang=da")
    assert "Kildens journalnr." in shown_case.text
    assert "330-2009-12345 (kmd)" in shown_case.text


def test_the_import_needs_its_csrf_token_a_file_within_the_cap_and_the_text_shown(
    with_passwords: Context, client_for: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_page, "MAX_UPLOAD", 2000)
    client = client_for("biu.sekretariat")
    token = csrf_of(client.get("/imports").text)
    files = {"file": ("referat.html", MINUTES.encode(), "text/html")}
    refused = client.post("/imports/preview", data={"csrf_token": "wrong"}, files=files)
    assert refused.status_code == 403
    for size, status in ((200_000, 413), (2001, 422)):  # its declared length; what it holds
        big = client.post(
            "/imports/preview",
            data={"csrf_token": token},
            files={"file": ("big.txt", b"x" * size, "text/plain")},
        )
        assert big.status_code == status
    assert "Filen er større end" in big.text
    altered = client.post(
        "/imports",
        data={"csrf_token": token, "source": "x.txt", "text": "aGVq", "digest": "0" * 64},
    )
    assert altered.status_code == 422
    assert "vis filen igen" in altered.text or "show the file again" in altered.text


def test_an_officer_may_not_import_a_meetings_minutes(
    with_passwords: Context, client_for: Clients
) -> None:
    meeting = held_meeting(with_passwords)
    client = client_for("bif.sagsbehandler")
    token = csrf_of(client.get("/imports").text)
    files = {"file": ("referat.html", MINUTES.encode(), "text/html")}
    refused = client.post(
        "/imports/preview?lang=en",
        data={"csrf_token": token, "meeting": str(meeting)},
        files=files,
    )
    assert refused.status_code == 403
    assert "may not import its minutes" in refused.text


NAV_LINK = re.compile(r'<a href="(/imports)"( aria-current="page")?>([^<]*)</a>')


def test_a_secretariat_finds_the_import_page_in_the_navigation_and_follows_it(
    client_for: Clients,
) -> None:
    client = client_for("biu.sekretariat")
    inbox = client.get("/inbox?lang=en")
    assert inbox.status_code == 200
    link = NAV_LINK.search(inbox.text)
    assert link is not None, "the navigation links to the import page"
    assert (link[2], link[3]) == (None, "Import")
    page = client.get(link[1] + "?lang=da")
    assert page.status_code == 200
    assert "Importér dagsordenspunkter" in page.text
    here = NAV_LINK.search(page.text)
    assert here is not None
    assert here[2] == ' aria-current="page"'


@pytest.mark.parametrize("username", ["biu.udvalg", "tmf.styregruppe"])
def test_a_member_who_cannot_import_is_not_offered_the_import_page(
    client_for: Clients, username: str
) -> None:
    inbox = client_for(username).get("/inbox")
    assert inbox.status_code == 200
    assert '<nav aria-label="' in inbox.text  # signed in: the navigation is there
    assert NAV_LINK.search(inbox.text) is None
