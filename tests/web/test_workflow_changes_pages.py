"""/admin/workflow-changes: an administrator compares an uploaded file with the newest
version, publishes it, sees a refused dry run, migrates with a mapping and reverts; nobody
else gets in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import update
from webtools import csrf_of

from approval_setup import CONTENT
from caseflow.context import Context
from caseflow.engine import NewCase
from caseflow.services import workflow_changes as changes
from caseflow.services import workflows as workflow_service
from caseflow.store.tables import workflow_migration_cases

Clients = Callable[[str], TestClient]
DATA = Path(__file__).resolve().parents[1] / "data" / "workflow_changes"
PAGE = "/admin/workflow-changes"


def _waiting_case(ctx: Context) -> str:
    admin = ctx.engine.actor("admin")
    text = (DATA / "v1.yaml").read_text(encoding="utf-8")
    workflow_service.publish_workflow(ctx, admin, workflow_service.PublishWorkflow(text, "v1.yaml"))
    officer = ctx.engine.actor("bif.sagsbehandler")
    case = ctx.engine.open_case(
        NewCase("change-request", "Et ønske", lead_administration="BIF"), officer
    )
    ctx.engine.fire(case.journal_no, "start", officer)
    ctx.engine.fire(case.journal_no, "submit", officer)
    return case.journal_no


def test_the_admin_compares_publishes_migrates_and_reverts(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    journal_no = _waiting_case(ctx)
    v1 = ctx.engine.get_case(journal_no).workflow_version
    admin = client_for("admin")
    page = admin.get(f"{PAGE}?lang=en")
    assert page.status_code == 200
    assert "No migrations yet." in page.text
    token = csrf_of(page.text)

    v2 = (DATA / "v2.yaml").read_bytes()
    diff = admin.post(
        f"{PAGE}/diff?lang=en",
        data={"csrf_token": token, "text": ""},
        files={"file": ("v2.yaml", v2, "application/yaml")},
    )
    assert diff.status_code == 200
    assert "<code>review</code>" in diff.text
    assert "<code>drafting_time</code>" in diff.text
    assert "within 12 working days → within 9 working days" in diff.text
    assert 'id="wfc-touched"' in diff.text  # one running case in approval, removed

    published = admin.post(
        f"{PAGE}/publish",
        data={"csrf_token": token, "text": v2.decode(), "name": "v2.yaml"},
        follow_redirects=False,
    )
    assert published.status_code == 303
    assert "new cases get it now" in admin.get(published.headers["location"] + "&lang=en").text

    refused = admin.post(
        f"{PAGE}/dry-run?lang=en", data={"csrf_token": token, "workflow": "change-request"}
    )
    assert refused.status_code == 200
    assert "1 cases: 0 ok, 1 blocked" in refused.text
    assert "The migration would be refused" in refused.text
    assert "/admin/workflow-changes/migrate" not in refused.text  # no run offered
    ran_refused = admin.post(
        f"{PAGE}/migrate?lang=en", data={"csrf_token": token, "workflow": "change-request"}
    )
    assert ran_refused.status_code == 409
    assert journal_no in ran_refused.text
    assert ctx.engine.get_case(journal_no).workflow_version == v1

    form = {"csrf_token": token, "workflow": "change-request", "map": "approval=review"}
    dry = admin.post(f"{PAGE}/dry-run?lang=en", data=form)
    assert "1 cases: 1 ok, 0 blocked" in dry.text
    assert "moves from &#39;approval&#39; to &#39;review&#39;" in dry.text
    ran = admin.post(f"{PAGE}/migrate", data=form, follow_redirects=False)
    assert ran.status_code == 303
    shown = admin.get(ran.headers["location"] + "?lang=en")
    assert 'id="wfc-status">done' in shown.text
    assert ctx.engine.get_case(journal_no).state == "review"

    reverted = admin.post(
        ran.headers["location"] + "/revert", data={"csrf_token": token}, follow_redirects=False
    )
    assert reverted.status_code == 303
    assert 'id="wfc-status">reverted' in admin.get(reverted.headers["location"] + "?lang=en").text
    case = ctx.engine.get_case(journal_no)
    assert (case.workflow_version, case.state) == (v1, "approval")


def test_a_broken_file_shows_each_problem_and_stores_nothing(
    with_passwords: Context, client_for: Clients
) -> None:
    admin = client_for("admin")
    token = csrf_of(admin.get(PAGE).text)
    broken = (DATA / "v2.yaml").read_text(encoding="utf-8").replace("to: review", "to: reveiw")
    page = admin.post(f"{PAGE}/publish", data={"csrf_token": token, "text": broken, "name": "x"})
    assert page.status_code == 422
    assert 'id="wfc-problems"' in page.text
    assert "reveiw" in page.text
    assert "change-request" not in with_passwords.engine.registry.current


def test_nobody_but_an_administrator_gets_in(with_passwords: Context, client_for: Clients) -> None:
    chef = client_for("bif.chef")
    assert chef.get(PAGE).status_code == 403
    token = csrf_of(chef.get("/").text)
    refused = chef.post(f"{PAGE}/dry-run", data={"csrf_token": token, "workflow": "committee-case"})
    assert refused.status_code == 403


def test_the_diff_page_lists_approval_steps_in_danish(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    admin_actor = ctx.engine.actor("admin")
    text = (DATA / "chain-v1.yaml").read_text(encoding="utf-8")
    workflow_service.publish_workflow(
        ctx, admin_actor, workflow_service.PublishWorkflow(text, "chain-v1.yaml")
    )
    admin = client_for("admin")
    token = csrf_of(admin.get(PAGE).text)
    diff = admin.post(
        f"{PAGE}/diff?lang=da",
        data={"csrf_token": token, "text": (DATA / "chain-v2.yaml").read_text(encoding="utf-8")},
    )
    assert diff.status_code == 200
    assert (
        "<tr><td>godkendelsestrin</td><td><code>approve: deputy</code></td><td>fjernet</td>"
        in diff.text
    )
    assert "<td>godkendelsestrin</td><td><code>approve: legal</code></td><td>tilføjet</td>" in (
        diff.text
    )
    assert (
        "<code>deadline</code>: within 3 working days; reminders 1; escalate to director → "
        "within 2 working days; reminders 1; escalate to director" in diff.text
    )


def _table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def test_a_dry_runs_warnings_are_in_danish_and_in_english_with_the_switch(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    waiting = _waiting_case(ctx)  # in approval, which v2 renames review
    officer = ctx.engine.actor("bif.sagsbehandler")
    drafting = ctx.engine.open_case(
        NewCase("change-request", "Et andet ønske", lead_administration="BIF"), officer
    ).journal_no
    ctx.engine.fire(drafting, "start", officer)  # drafting_time runs: 12 working days in v1
    admin_actor = ctx.engine.actor("admin")
    v2 = (DATA / "v2.yaml").read_text(encoding="utf-8")
    workflow_service.publish_workflow(ctx, admin_actor, workflow_service.PublishWorkflow(v2, "v2"))
    admin = client_for("admin")
    token = csrf_of(admin.get(PAGE).text)
    form = {"csrf_token": token, "workflow": "change-request", "map": "approval=review"}

    danish = _table(admin.post(f"{PAGE}/dry-run", data=form).text, "wfc-preview")
    assert '<th scope="col">Hvorfor og advarsler</th>' in danish
    assert "fristen »drafting_time« genberegnet fra 12 til 9 arbejdsdage" in danish
    assert "flyttes fra »approval« til »review«" in danish
    assert "fristen »approval_time« annulleret: den nye version har ingen sådan regel" in danish
    assert "ny frist »review_time« regnet fra, at sagen kom i »review« den 14. maj 2009" in danish
    assert "working days" not in danish
    assert 'lang="en"' not in danish

    switched = admin.get(f"{PAGE}?lang=en")  # the language switch; remembered by a cookie
    assert "Changing workflows" in switched.text
    english = _table(admin.post(f"{PAGE}/dry-run", data=form).text, "wfc-preview")
    assert "deadline &#39;drafting_time&#39; recomputed from 12 to 9 working days" in english
    assert "moves from &#39;approval&#39; to &#39;review&#39;" in english
    assert "on 14 May 2009" in english
    assert "arbejdsdage" not in english
    assert waiting in english
    assert drafting in english


def test_the_log_phrases_its_notes_and_shows_an_older_rows_text_as_stored(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    journal_no = _waiting_case(ctx)
    admin_actor = ctx.engine.actor("admin")
    v2 = (DATA / "v2.yaml").read_text(encoding="utf-8")
    workflow_service.publish_workflow(ctx, admin_actor, workflow_service.PublishWorkflow(v2, "v2"))
    request = changes.MigrateRequest("change-request", mapping={"approval": "review"})
    migration = changes.start_migration(ctx, admin_actor, request).migration
    admin = client_for("admin")
    log = _table(admin.get(f"{PAGE}/migrations/{migration.id}").text, "wfc-log")
    assert "flyttes fra »approval« til »review«" in log
    assert 'lang="en"' not in log

    # A row written before notes were typed holds English texts alone.
    older = ["moves from 'approval' to 'review'", "on a published agenda"]
    with ctx.engine.db.begin() as conn:
        conn.execute(
            update(workflow_migration_cases)
            .where(workflow_migration_cases.c.migration_id == migration.id)
            .values(warnings=older)
        )
    log = _table(admin.get(f"{PAGE}/migrations/{migration.id}").text, "wfc-log")
    assert (
        '<span lang="en">moves from &#39;approval&#39; to &#39;review&#39;</span>; '
        '<span lang="en">on a published agenda</span>'
    ) in log
    assert journal_no in log
    log = _table(admin.get(f"{PAGE}/migrations/{migration.id}?lang=en").text, "wfc-log")
    assert "moves from &#39;approval&#39; to &#39;review&#39;; on a published agenda" in log


def test_the_dry_run_and_the_log_say_an_approval_round_is_opened_in_both_languages(
    with_passwords: Context, client_for: Clients
) -> None:
    """A committee-case waiting for its single approver (the old file), moved onto the
    office head → director chain: 3 working days from Thursday 14 May 2009 (15, 18 and
    19 May) for the office head."""
    ctx = with_passwords
    admin_actor = ctx.engine.actor("admin")
    single = (DATA / "committee-case-single.yaml").read_text(encoding="utf-8")
    workflow_service.publish_workflow(ctx, admin_actor, workflow_service.PublishWorkflow(single))
    officer = ctx.engine.actor("tmf.sagsbehandler")
    journal_no = ctx.engine.open_case(
        NewCase("committee-case", "Styring", lead_administration="TMF", committee="BIU"), officer
    ).journal_no
    ctx.engine.edit(journal_no, CONTENT, officer)
    ctx.engine.fire(journal_no, "start_drafting", officer)
    ctx.engine.fire(journal_no, "submit_for_approval", officer)
    chained = (DATA.parents[2] / "workflows" / "committee-case.yaml").read_text(encoding="utf-8")
    workflow_service.publish_workflow(ctx, admin_actor, workflow_service.PublishWorkflow(chained))
    admin = client_for("admin")
    token = csrf_of(admin.get(PAGE).text)
    form = {"csrf_token": token, "workflow": "committee-case"}

    danish = _table(admin.post(f"{PAGE}/dry-run", data=form).text, "wfc-preview")
    assert (
        "en godkendelsesrunde for »approve« åbnes ved trin 1, »office_head«, med frist den "
        "19. maj 2009" in danish
    )
    english = _table(admin.post(f"{PAGE}/dry-run?lang=en", data=form).text, "wfc-preview")
    assert (
        "an approval round of &#39;approve&#39; is opened at step 1, &#39;office_head&#39;, "
        "due on 19 May 2009" in english
    )
    ran = admin.post(f"{PAGE}/migrate", data=form, follow_redirects=False)
    assert ran.status_code == 303
    log = _table(admin.get(ran.headers["location"] + "?lang=da").text, "wfc-log")
    assert "åbnes ved trin 1, »office_head«, med frist den 19. maj 2009" in log
    assert journal_no in log
