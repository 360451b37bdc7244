"""The web's words: every text in both languages, every service error phrased."""

from __future__ import annotations

import pytest

from caseflow.errors import ErrorCode, InvalidInput, NotAllowed
from caseflow.web.i18n import ERRORS, TEXTS, Language, Words


def test_every_text_has_danish_and_english() -> None:
    for key, (danish, english) in TEXTS.items():
        assert danish.strip(), key
        assert english.strip(), key


def test_every_error_code_is_phrased_in_both_languages() -> None:
    missing = [code for code in ErrorCode if code not in ERRORS]
    assert not missing, f"phrase these in web/i18n.py ERRORS: {missing}"


@pytest.mark.parametrize("language", list(Language))
def test_an_error_is_phrased_from_its_code_and_parameters(language: Language) -> None:
    error = NotAllowed(
        "case 2009-1: not found or not allowed",
        code=ErrorCode.CASE_NOT_VISIBLE,
        journal_no="2009-1",
    )
    said = Words(language).error(error)
    assert "2009-1" in said
    if language is Language.DA:
        assert said == "Sag 2009-1: findes ikke, eller du har ikke adgang."


def test_missing_parameters_fall_back_to_the_kinds_text() -> None:
    error = InvalidInput("", code=ErrorCode.UNKNOWN_CASE)  # no journal_no given
    assert Words(Language.DA).error(error) == ERRORS[ErrorCode.INVALID_INPUT][0]


def test_a_deadline_status_and_a_section_have_their_names() -> None:
    words = Words(Language.DA)
    assert words.deadline_status("satisfied") == "overholdt"
    assert words.deadline_status("new-kind") == "new-kind"
    assert words.section("okonomi") == "Økonomi"
    assert Words(Language.EN)("tab_mine") == "My cases"
