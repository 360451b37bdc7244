"""Notification templates render in Danish and English, strictly and safely.

The contexts below are the documented contexts of the shipped templates (see
the comment at the top of each ``.txt.j2``), filled as the reference case
2009-68440 would fill them.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from caseflow.calendar import end_of_day_utc
from caseflow.errors import InvalidInput
from caseflow.notifications.render import (
    LANGUAGES,
    Renderer,
    da_date,
    da_datetime,
    da_working_days,
    en_date,
    en_datetime,
    en_working_days,
)

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"

CASE = {
    "journal_no": "2009-68440",
    "title": "Styring af de politiske processer i forbindelse med boligsociale helhedsplaner",
    "state_title": "Under udarbejdelse",
    "committee": "Beskæftigelses- og Integrationsudvalget",
}
DEADLINE = {
    "title": "Udkast til dagsordenspunkt",
    "due_at": end_of_day_utc(date(2009, 5, 28)),
    "working_days_left": 3,
    "late_by": 2,
    "legal_source": "Styrelsesloven § 11",
}
OWNER = {"name": "Sara Holm", "role_title": "Sagsbehandler", "administration": "BIF"}


def full_contexts() -> dict[str, dict[str, Any]]:
    """A complete context for every shipped template (fresh copies: tests change them)."""
    case = dict(CASE)
    deadline = dict(DEADLINE)
    return {
        "reminder": {
            "recipient": {"name": "Sara Holm"},
            "case": case,
            "deadline": deadline,
            "owner": dict(OWNER),
        },
        "expired": {
            "recipient": {"name": "Sara Holm"},
            "case": case,
            "deadline": deadline,
            "owner": dict(OWNER),
        },
        "escalation": {
            "recipient": {"name": "Søren Ørsted"},
            "case": case,
            "deadline": deadline,
            "owner": dict(OWNER),
        },
        "transition": {
            "recipient": {"name": None},
            "case": case,
            "transition": {
                "title": "Send til godkendelse",
                "from_state_title": "Under udarbejdelse",
                "to_state_title": "Til godkendelse",
                "actor_name": "Sara Holm",
                "at": datetime(2009, 10, 8, 8, 30, tzinfo=UTC),
                "comment": "Økonomien er uddybet.\nSe afsnit 3.",
            },
        },
        "fristbrev": {
            "requester": {"name": "Åse Møller"},
            "case": {"journal_no": "2009-70001"},
            "request": {
                "received_on": date(2009, 5, 14),
                "subject": "dokumenterne i sagen om boligsociale helhedsplaner",
                "reason": "Din anmodning omfatter mange dokumenter, og vi skal høre "
                "Teknik- og Miljøforvaltningen om nogle af dem.",
                "expected_answer_on": date(2009, 6, 4),
            },
            "authority": {
                "name": "Københavns Kommune",
                "administration": "Beskæftigelses- og Integrationsforvaltningen",
                "officer_name": "Sara Holm",
                "contact": "aktindsigt@bif.kk.example",
            },
        },
        "digest": {
            "recipient": {"name": "BIU-sekretariatet"},
            "committee": {"code": "BIU", "name": "Beskæftigelses- og Integrationsudvalget"},
            "period": {
                "working_days": 5,
                "first_day": date(2009, 5, 25),
                "last_day": date(2009, 5, 29),
            },
            "items": [
                {
                    "journal_no": "2009-68440",
                    "title": case["title"],
                    "rule": "Udkast klar",
                    "due_at": date(2009, 5, 20),
                    "owner": "Sara Holm",
                    "overdue": True,
                },
                {
                    "journal_no": "2009-70001",
                    "title": "Anmodning om aktindsigt",
                    "rule": "Svar på aktindsigt",
                    "due_at": end_of_day_utc(date(2009, 5, 28)),
                    "owner": None,
                    "overdue": False,
                },
            ],
        },
    }


SHIPPED = sorted(full_contexts())


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(TEMPLATES)


def copy_templates(tmp_path: Path) -> Path:
    """A private copy of the shipped notification templates, to break on purpose."""
    target = tmp_path / "templates"
    for source in (TEMPLATES / "notifications").rglob("*.j2"):
        destination = target / source.relative_to(TEMPLATES)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(source.read_bytes())
    return target


# ------------------------------------------------------------------ every template


def test_the_shipped_templates_are_listed(renderer: Renderer) -> None:
    assert renderer.list_templates() == SHIPPED


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SHIPPED)
def test_every_template_has_three_files_and_a_documented_context(name: str, language: str) -> None:
    folder = TEMPLATES / "notifications" / language
    for part in ("subject", "txt", "html"):
        assert (folder / f"{name}.{part}.j2").is_file()
    header = (folder / f"{name}.txt.j2").read_text(encoding="utf-8")
    assert header.startswith("{#-")
    assert "Context;" in header.split("-#}")[0]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SHIPPED)
def test_every_template_renders_with_a_full_context(
    renderer: Renderer, name: str, language: str
) -> None:
    context = full_contexts()[name]
    message = renderer.render(name, language, context)  # type: ignore[arg-type]

    assert message.subject
    assert "\n" not in message.subject
    assert message.subject == message.subject.strip()
    journal_no = context["case"]["journal_no"] if "case" in context else "BIU"
    assert journal_no in message.subject
    assert journal_no in message.text
    assert message.html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in message.html
    assert message.html.rstrip().endswith("</html>")
    assert "{{" not in message.text + message.html  # nothing left unrendered
    assert "None" not in message.text + message.html  # optional values never print "None"


# The values each template documents as "or None".
OPTIONAL: dict[str, list[tuple[str, str]]] = {
    "reminder": [
        ("recipient", "name"),
        ("case", "committee"),
        ("deadline", "legal_source"),
        ("owner", "name"),
        ("owner", "administration"),
    ],
    "expired": [
        ("recipient", "name"),
        ("case", "committee"),
        ("deadline", "legal_source"),
        ("owner", "name"),
        ("owner", "administration"),
    ],
    "escalation": [
        ("recipient", "name"),
        ("case", "committee"),
        ("deadline", "legal_source"),
        ("owner", "name"),
        ("owner", "administration"),
    ],
    "transition": [
        ("recipient", "name"),
        ("case", "committee"),
        ("transition", "title"),
        ("transition", "comment"),
    ],
    "fristbrev": [
        ("requester", "name"),
        ("request", "subject"),
        ("authority", "administration"),
        ("authority", "officer_name"),
        ("authority", "contact"),
    ],
    "digest": [("recipient", "name")],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SHIPPED)
def test_optional_values_may_be_none(renderer: Renderer, name: str, language: str) -> None:
    context = full_contexts()[name]
    for part, key in OPTIONAL[name]:
        context[part][key] = None
    for item in context.get("items", []):
        item["owner"] = None

    message = renderer.render(name, language, context)  # type: ignore[arg-type]

    assert "None" not in message.subject + message.text + message.html


# ----------------------------------------------------------------- Danish letters


def test_danish_letters_survive_subject_text_and_html(renderer: Renderer) -> None:
    context = full_contexts()["reminder"]
    context["case"]["title"] = "Æbletræer på Øresundsvej og Ågade"
    context["deadline"]["title"] = "Høring i Østerbro Lokaludvalg"

    message = renderer.render("reminder", "da", context)

    assert message.subject.startswith("Påmindelse: Høring i Østerbro Lokaludvalg")
    assert "Æbletræer på Øresundsvej og Ågade" in message.text
    assert "Æbletræer på Øresundsvej og Ågade" in message.html
    assert "28. maj 2009 (om 3 arbejdsdage)" in message.text


def test_fristbrev_says_what_the_law_asks_for(renderer: Renderer) -> None:
    context = full_contexts()["fristbrev"]

    da = renderer.render("fristbrev", "da", context)
    en = renderer.render("fristbrev", "en", context)

    assert "Kære Åse Møller" in da.text
    assert "offentlighedslovens § 36, stk. 2" in da.text
    assert "7 arbejdsdage" in da.text
    assert context["request"]["reason"] in da.text
    assert "svar senest den 4. juni 2009" in da.text
    assert "modtog den 14. maj 2009" in da.text
    assert "sagsnummer 2009-70001" in da.text
    assert da.text.rstrip().endswith("Københavns Kommune")
    assert "section 36(2)" in en.text
    assert "by 4 June 2009 at the latest" in en.text


def test_digest_lists_each_deadline_and_flags_the_overdue(renderer: Renderer) -> None:
    context = full_contexts()["digest"]

    da = renderer.render("digest", "da", context)
    en = renderer.render("digest", "en", context)

    assert da.subject == "BIU: 2 frister de næste 5 arbejdsdage (1 overskredet)"
    assert en.subject == "BIU: 2 deadlines in the next 5 working days (1 overdue)"
    assert "20. maj 2009  OVERSKREDET" in da.text
    assert "28. maj 2009\n" in da.text
    assert da.html.count("<tr style=") == 2
    assert "ingen tilknyttet" in da.html


def test_an_empty_digest_says_so(renderer: Renderer) -> None:
    context = full_contexts()["digest"]
    context["items"] = []

    da = renderer.render("digest", "da", context)

    assert da.subject == "BIU: 0 frister de næste 5 arbejdsdage"
    assert "Der er ingen frister i perioden." in da.text
    assert "<table cellpadding" not in da.html


@pytest.mark.parametrize("name", ["reminder", "expired", "escalation"])
def test_a_deadline_message_names_its_owner(renderer: Renderer, name: str) -> None:
    context = full_contexts()[name]
    context["owner"] = {
        "name": "Socialforvaltningen",
        "role_title": "Forvaltning",
        "administration": "SOF",
    }

    da = renderer.render(name, "da", context)
    en = renderer.render(name, "en", context)

    assert "Ansvarlig:    Socialforvaltningen (Forvaltning, SOF)" in da.text
    assert "Socialforvaltningen (Forvaltning, SOF)</td>" in da.html
    assert "Owner:        Socialforvaltningen (Forvaltning, SOF)" in en.text


@pytest.mark.parametrize("name", ["reminder", "expired"])
def test_a_reminder_queued_before_owners_were_named_still_renders(
    renderer: Renderer, name: str
) -> None:
    context = full_contexts()[name]
    del context["owner"]  # an outbox row written by an older caseflow

    message = renderer.render(name, "da", context)

    assert "Ansvarlig" not in message.text + message.html
    assert context["deadline"]["title"] in message.text


@pytest.mark.parametrize(
    ("left", "danish", "english"),
    [(0, "(i dag)", "(today)"), (1, "(om 1 arbejdsdag)", "(in 1 working day)")],
)
def test_reminder_counts_the_days_left(
    renderer: Renderer, left: int, danish: str, english: str
) -> None:
    context = full_contexts()["reminder"]
    context["deadline"]["working_days_left"] = left

    assert danish in renderer.render("reminder", "da", context).text
    assert english in renderer.render("reminder", "en", context).text


# ---------------------------------------------------------------------- escaping


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["reminder", "expired", "escalation", "transition", "digest"])
def test_a_case_title_is_escaped_in_html_and_plain_in_text(
    renderer: Renderer, name: str, language: str
) -> None:
    context = full_contexts()[name]
    if name == "digest":
        context["items"][0]["title"] = SCRIPT
    else:
        context["case"]["title"] = SCRIPT

    message = renderer.render(name, language, context)  # type: ignore[arg-type]

    assert ESCAPED_SCRIPT in message.html
    assert "<script" not in message.html
    assert SCRIPT in message.text


def test_every_user_text_is_escaped_in_html(renderer: Renderer) -> None:
    context = full_contexts()["transition"]
    context["transition"]["comment"] = 'Se <a href="http://evil.example">her</a> & "dér"'
    context["transition"]["actor_name"] = "<b>Sara</b>"

    message = renderer.render("transition", "da", context)

    assert "&lt;a href=&#34;http://evil.example&#34;&gt;her&lt;/a&gt; &amp; &#34;dér&#34;" in (
        message.html
    )
    assert "&lt;b&gt;Sara&lt;/b&gt;" in message.html
    assert 'Se <a href="http://evil.example">her</a> & "dér"' in message.text


# --------------------------------------------------------------------- mistakes


def test_a_missing_variable_names_the_template_and_the_variable(renderer: Renderer) -> None:
    context = full_contexts()["reminder"]
    del context["deadline"]["legal_source"]

    with pytest.raises(InvalidInput) as caught:
        renderer.render("reminder", "da", context)

    text = str(caught.value)
    assert "notifications/da/reminder.txt.j2" in text
    assert "legal_source" in text
    assert "add the missing value" in text


def test_a_missing_top_level_variable_names_it(renderer: Renderer) -> None:
    context = full_contexts()["escalation"]
    del context["owner"]

    with pytest.raises(InvalidInput, match=r"escalation\.txt\.j2.*'owner' is undefined"):
        renderer.render("escalation", "en", context)


def test_a_missing_variable_in_the_subject_names_the_subject_file(renderer: Renderer) -> None:
    with pytest.raises(InvalidInput, match=r"notifications/da/digest\.subject\.j2"):
        renderer.render("digest", "da", {})


def test_an_unknown_template_lists_the_known_ones(renderer: Renderer) -> None:
    with pytest.raises(InvalidInput) as caught:
        renderer.render("påmindelse", "da", {})
    assert "not a notification template name" in str(caught.value)

    with pytest.raises(InvalidInput) as caught:
        renderer.render("nosuch", "da", {})
    text = str(caught.value)
    assert "notifications/da/nosuch.subject.j2 does not exist" in text
    assert "reminder" in text


@pytest.mark.parametrize("name", ["../secrets", "_base", "Reminder", ""])
def test_template_names_cannot_leave_the_folder_or_pick_a_layout(
    renderer: Renderer, name: str
) -> None:
    with pytest.raises(InvalidInput, match="not a notification template name"):
        renderer.render(name, "da", {})


def test_an_unknown_language_is_refused(renderer: Renderer) -> None:
    with pytest.raises(InvalidInput, match="use one of da, en"):
        renderer.render("reminder", "de", full_contexts()["reminder"])  # type: ignore[arg-type]


def test_a_template_missing_one_file_is_not_listed_and_names_the_file(tmp_path: Path) -> None:
    templates = copy_templates(tmp_path)
    (templates / "notifications" / "en" / "reminder.html.j2").unlink()
    renderer = Renderer(templates)

    assert "reminder" in renderer.list_templates()  # still complete in Danish
    with pytest.raises(InvalidInput, match=r"notifications/en/reminder\.html\.j2 does not exist"):
        renderer.render("reminder", "en", full_contexts()["reminder"])


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    templates = copy_templates(tmp_path)
    (templates / "notifications" / "da" / "reminder.txt.j2").write_text(
        "Hej\n{% if case.title %}\nmangler endif\n", encoding="utf-8"
    )

    with pytest.raises(InvalidInput, match=r"reminder\.txt\.j2:\d+: .*fix the template"):
        Renderer(templates).render("reminder", "da", full_contexts()["reminder"])


def test_the_subject_is_one_line_whatever_the_template_looks_like(tmp_path: Path) -> None:
    templates = copy_templates(tmp_path)
    (templates / "notifications" / "da" / "reminder.subject.j2").write_text(
        "\n  Frist:\n   {{ deadline.title }}  \n\n i sag {{ case.journal_no }}\n", encoding="utf-8"
    )

    message = Renderer(templates).render("reminder", "da", full_contexts()["reminder"])

    assert message.subject == "Frist: Udkast til dagsordenspunkt i sag 2009-68440"


def test_a_datetime_without_time_zone_is_refused_naming_the_template(renderer: Renderer) -> None:
    context = full_contexts()["transition"]
    context["transition"]["at"] = datetime(2009, 10, 8, 10, 30)

    with pytest.raises(InvalidInput, match=r"transition\.txt\.j2.*without a time zone"):
        renderer.render("transition", "da", context)


# ------------------------------------------------------------ dates in Copenhagen

# Summer time 2009: from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.


@pytest.mark.parametrize(
    ("moment", "danish", "english"),
    [
        (date(2009, 5, 14), "14. maj 2009", "14 May 2009"),
        (datetime(2009, 5, 14, 21, 59, tzinfo=UTC), "14. maj 2009", "14 May 2009"),
        (datetime(2009, 5, 14, 22, 30, tzinfo=UTC), "15. maj 2009", "15 May 2009"),  # summer
        (datetime(2009, 12, 14, 22, 30, tzinfo=UTC), "14. december 2009", "14 December 2009"),
        (datetime(2009, 12, 14, 23, 30, tzinfo=UTC), "15. december 2009", "15 December 2009"),
        (end_of_day_utc(date(2009, 3, 28)), "28. marts 2009", "28 March 2009"),  # winter
        (end_of_day_utc(date(2009, 3, 29)), "29. marts 2009", "29 March 2009"),  # summer
        (end_of_day_utc(date(2009, 10, 25)), "25. oktober 2009", "25 October 2009"),  # winter
    ],
)
def test_dates_are_copenhagen_dates(moment: date, danish: str, english: str) -> None:
    assert da_date(moment) == danish
    assert en_date(moment) == english


@pytest.mark.parametrize(
    ("moment", "danish", "english"),
    [
        # The night summer time starts: 02:00-02:59 does not exist in Copenhagen.
        (datetime(2009, 3, 29, 0, 30, tzinfo=UTC), "29. marts 2009 kl. 01.30", "at 01:30"),
        (datetime(2009, 3, 29, 1, 30, tzinfo=UTC), "29. marts 2009 kl. 03.30", "at 03:30"),
        # The night it ends: 02:30 happens twice, an hour apart.
        (datetime(2009, 10, 25, 0, 30, tzinfo=UTC), "25. oktober 2009 kl. 02.30", "at 02:30"),
        (datetime(2009, 10, 25, 1, 30, tzinfo=UTC), "25. oktober 2009 kl. 02.30", "at 02:30"),
        (datetime(2009, 10, 25, 2, 30, tzinfo=UTC), "25. oktober 2009 kl. 03.30", "at 03:30"),
        (datetime(2009, 1, 1, 0, 5, tzinfo=UTC), "1. januar 2009 kl. 01.05", "at 01:05"),
    ],
)
def test_times_are_copenhagen_times_across_summer_time(
    moment: datetime, danish: str, english: str
) -> None:
    assert da_datetime(moment) == danish
    assert en_datetime(moment).endswith(english)


def test_a_template_shows_the_copenhagen_time_of_a_utc_moment(renderer: Renderer) -> None:
    context = full_contexts()["transition"]
    context["transition"]["at"] = datetime(2009, 3, 29, 1, 30, tzinfo=UTC)

    assert "29. marts 2009 kl. 03.30" in renderer.render("transition", "da", context).text
    assert "29 March 2009 at 03:30" in renderer.render("transition", "en", context).html


def test_a_deadline_at_the_end_of_a_summer_day_is_that_day(renderer: Renderer) -> None:
    context = full_contexts()["reminder"]
    context["deadline"]["due_at"] = end_of_day_utc(date(2009, 6, 30))  # 21:59:59 UTC

    message = renderer.render("reminder", "da", context)

    assert "30. juni 2009" in message.subject
    assert "1. juli" not in message.text


def test_date_filters_refuse_what_is_no_date() -> None:
    with pytest.raises(InvalidInput, match="needs a date"):
        da_date("2009-05-14")
    with pytest.raises(InvalidInput, match="without a time zone"):
        en_date(datetime(2009, 5, 14, 10, 0))
    with pytest.raises(InvalidInput, match="needs a datetime"):
        da_datetime(date(2009, 5, 14))


@pytest.mark.parametrize(
    ("n", "danish", "english"),
    [
        (0, "0 arbejdsdage", "0 working days"),
        (1, "1 arbejdsdag", "1 working day"),
        (2, "2 arbejdsdage", "2 working days"),
        (-1, "-1 arbejdsdag", "-1 working day"),
    ],
)
def test_working_days_are_counted_in_words(n: int, danish: str, english: str) -> None:
    assert da_working_days(n) == danish
    assert en_working_days(n) == english


def test_contexts_are_not_changed_by_rendering(renderer: Renderer) -> None:
    context = full_contexts()["digest"]
    before = copy.deepcopy(context)

    renderer.render("digest", "da", context)

    assert context == before
