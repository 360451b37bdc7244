"""The pages a case officer and management use: sign-in, inbox, case, steps, edits."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from webtools import csrf_of

from caseflow.context import Context
from caseflow.testing import open_test_case


def _draft(ctx: Context, journal_no: str) -> None:
    officer = ctx.engine.actor("bif.sagsbehandler")
    ctx.engine.edit(
        journal_no,
        {
            "summary": "Resumé.",
            "sections.problemstilling": "P.",
            "sections.losning": "L.",
            "sections.okonomi": "Ø.",
            "recommendations": ["at udvalget drøfter sagen."],
        },
        officer,
    )
    ctx.engine.fire(journal_no, "start_drafting", officer)


def test_a_page_needs_a_session_and_sends_back_after_sign_in(app_client: TestClient) -> None:
    response = app_client.get("/inbox?tab=due", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Finbox%3Ftab%3Ddue"
    page = app_client.get(response.headers["location"])
    assert "Log ind" in page.text
    signed = app_client.post(
        "/signin",
        data={
            "username": "bif.sagsbehandler",
            "password": "correct horse battery",
            "csrf_token": csrf_of(page.text),
            "next": "/inbox?tab=due",
        },
        follow_redirects=False,
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/inbox?tab=due"
    assert app_client.get("/inbox?tab=due").status_code == 200


def test_a_wrong_password_is_refused_on_the_form_without_saying_why(
    app_client: TestClient,
) -> None:
    page = app_client.get("/signin")
    refused = app_client.post(
        "/signin",
        data={
            "username": "bif.sagsbehandler",
            "password": "wrong",
            "csrf_token": csrf_of(page.text),
        },
    )
    unknown = app_client.post(
        "/signin",
        data={"username": "nobody", "password": "wrong", "csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == unknown.status_code == 401
    assert 'value="bif.sagsbehandler"' in refused.text  # the form keeps what was typed
    assert refused.text.count('role="alert"') == 1
    message = refused.text.split('role="alert"')[1].split("</div>")[0]
    assert message == unknown.text.split('role="alert"')[1].split("</div>")[0]


def test_the_inbox_lists_my_cases_with_counts_and_keeps_filters_in_the_url(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    ctx = with_passwords
    first = open_test_case(ctx.engine, title="Første <sag> & co")
    second = open_test_case(ctx.engine, title="Anden sag")
    _draft(ctx, second)
    officer = client_for("bif.sagsbehandler")
    page = officer.get("/inbox")
    assert page.status_code == 200
    assert f'href="/cases/{first}"' in page.text
    assert "Første &lt;sag&gt; &amp; co" in page.text  # user text escaped, shown as typed
    assert 'Mine sager <span class="count">(2)</span>' in page.text
    drafting = officer.get("/inbox?tab=mine&state=drafting")
    assert f'href="/cases/{second}"' in drafting.text
    assert f'href="/cases/{first}"' not in drafting.text
    assert 'href="/inbox?tab=due&amp;state=drafting&amp;sort=newest"' in drafting.text


def test_the_case_officer_drafts_submits_and_management_approves(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    ctx = with_passwords
    journal_no = open_test_case(ctx.engine)
    _draft(ctx, journal_no)
    officer = client_for("bif.sagsbehandler")
    page = officer.get(f"/cases/{journal_no}")
    assert 'value="submit_for_approval"' in page.text
    assert 'value="approve"' not in page.text  # management's, through its chain
    done = officer.post(
        f"/cases/{journal_no}/advance",
        data={"trigger": "submit_for_approval", "version": "3", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert ctx.engine.get_case(journal_no).state == "approval"

    # Management approves through its chain: the office head, then the director.
    head = client_for("tmf.kontorchef")
    waiting = head.get("/inbox?tab=approver")
    assert f'href="/cases/{journal_no}"' in waiting.text
    case_page = head.get(f"/cases/{journal_no}")
    assert 'value="approve"' not in case_page.text  # taken when the chain is done
    for username in ("tmf.kontorchef", "tmf.direktor"):
        approver = client_for(username)
        token = csrf_of(approver.get("/approvals").text)
        done = approver.post(
            f"/approvals/{journal_no}",
            data={"action": "approve", "csrf_token": token},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
    assert ctx.engine.get_case(journal_no).state == "ready_for_agenda"
    history = head.get(f"/cases/{journal_no}").text
    assert "tmf.direktor" in history
    assert "bif.sagsbehandler" in history


def test_a_stale_version_offers_reloading(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    ctx = with_passwords
    journal_no = open_test_case(ctx.engine)
    officer = client_for("bif.sagsbehandler")
    page = officer.get(f"/cases/{journal_no}")
    ctx.engine.edit(
        journal_no, {"summary": "Someone else's"}, ctx.engine.actor("bif.sagsbehandler")
    )
    refused = officer.post(
        f"/cases/{journal_no}/edit",
        data={
            "summary": "Mine",
            "title": "T",
            "version": "1",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert refused.status_code == 409
    assert "En anden har ændret sag" in refused.text
    assert f'href="/cases/{journal_no}">Hent siden igen' in refused.text
    assert ctx.engine.get_case(journal_no).summary == "Someone else's"


def test_an_edit_is_saved_and_shown_in_the_history(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    ctx = with_passwords
    journal_no = open_test_case(ctx.engine)
    officer = client_for("bif.sagsbehandler")
    page = officer.get(f"/cases/{journal_no}")
    saved = officer.post(
        f"/cases/{journal_no}/edit",
        data={
            "title": "Ny titel [b]",
            "summary": "Nyt resumé",
            "recommendations": "at udvalget godkender\n\nat sagen sendes videre",
            "comment": "rettet efter møde",
            "version": "1",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert saved.status_code == 200
    case = ctx.engine.get_case(journal_no)
    assert case.title == "Ny titel [b]"
    assert case.recommendations == ["at udvalget godkender", "at sagen sendes videre"]
    assert "rettet efter møde" in saved.text
    assert "Gemt." in saved.text


def test_a_new_case_from_the_form(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    officer = client_for("bif.sagsbehandler")
    form = officer.get("/cases/new")
    assert '<option value="BIF" selected>' in form.text  # the officer's one administration
    empty = officer.post(
        "/cases/new",
        data={"workflow": "committee-case", "title": " ", "csrf_token": csrf_of(form.text)},
    )
    assert empty.status_code == 422
    assert 'aria-invalid="true" aria-describedby="new-error"' in empty.text
    created = officer.post(
        "/cases/new",
        data={
            "workflow": "committee-case",
            "title": "Ny sag fra web",
            "summary": "Om noget",
            "lead_administration": "BIF",
            "committee": "BIU",
            "csrf_token": csrf_of(form.text),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    page = officer.get(created.headers["location"])
    assert "Ny sag fra web" in page.text


def test_danish_by_default_and_english_by_the_switch(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    officer = client_for("bif.sagsbehandler")
    assert '<html lang="da">' in officer.get("/inbox").text
    english = officer.get("/inbox?lang=en")
    assert '<html lang="en">' in english.text
    assert "My cases" in english.text
    assert '<html lang="en">' in officer.get("/inbox").text  # the cookie remembers
    missing = officer.get("/cases/2000-99999")
    assert missing.status_code == 404
    assert "Case 2000-99999: not found or not allowed" in missing.text
    danish = officer.get("/cases/2000-99999?lang=da")
    assert "Sag 2000-99999: findes ikke, eller du har ikke adgang." in danish.text


def test_a_case_outside_the_readers_view_is_not_found(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    ctx = with_passwords
    hidden = open_test_case(ctx.engine, actor="tmf.sagsbehandler", participating_administrations=[])
    officer = client_for("bif.sagsbehandler")
    response = officer.get(f"/cases/{hidden}")
    assert response.status_code == 404
    assert "Styring" not in response.text


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    with_passwords: Context, client_for: Callable[[str], TestClient]
) -> None:
    here = client_for("bif.sagsbehandler")
    elsewhere = client_for("bif.sagsbehandler")
    page = here.get("/account")
    short = here.post(
        "/account/password", data={"password": "kort", "csrf_token": csrf_of(page.text)}
    )
    assert short.status_code == 422
    changed = here.post(
        "/account/password",
        data={"password": "et nyt og langt kodeord", "csrf_token": csrf_of(page.text)},
    )
    assert changed.status_code == 200
    assert "Adgangskoden er skiftet." in changed.text
    assert here.get("/inbox").status_code == 200
    assert elsewhere.get("/inbox", follow_redirects=False).status_code == 303
