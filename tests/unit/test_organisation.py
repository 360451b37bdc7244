"""The organisation file: validated with file-and-line errors, roles parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.domain import RoleGrant
from caseflow.errors import DefinitionError
from caseflow.organisation import load_file, parse_grant
from caseflow.testing import demo_organisation_file


def test_copenhagen_file_is_valid() -> None:
    spec = load_file(demo_organisation_file())
    assert {a.code for a in spec.administrations} == {
        "ØKF",
        "KFF",
        "BUF",
        "SUF",
        "SOF",
        "TMF",
        "BIF",
    }
    assert "BIU" in {c.code for c in spec.committees}
    assert len(spec.steering_groups[0].members) == 7


def test_problems_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(
        "administrations:\n"
        "  - {code: BIF, name: Beskæftigelse}\n"
        "committees:\n"
        "  - code: BIU\n"
        "    name: Udvalget\n"
        "    kind: permanent\n"
        "actors:\n"
        "  - username: sara\n"
        "    name: Sara\n"
        "    roles: [case_officer@XYZ]\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as info:
        load_file(path)
    message = str(info.value)
    assert f"{path}:6" in message  # kind: permanent
    assert "standing" in message


def test_unknown_scope_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(
        "administrations:\n"
        "  - {code: BIF, name: Beskæftigelse}\n"
        "actors:\n"
        "  - username: sara\n"
        "    name: Sara\n"
        "    roles:\n"
        "      - case_officer@XYZ\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as info:
        load_file(path)
    assert f"{path}:7" in str(info.value)
    assert "'XYZ'" in str(info.value)


def test_an_administration_may_give_its_mailbox_and_a_bad_one_is_reported_with_its_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(
        "administrations:\n"
        "  - {code: TMF, name: Teknik, email: opfoelgning@tmf.kk.example}\n"
        "  - code: SOF\n"
        "    name: Social\n"
        "    email: social forvaltningen\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as info:
        load_file(path)
    message = str(info.value)
    assert f"{path}:5" in message
    assert "'social forvaltningen' is not an e-mail address" in message
    assert "TMF" not in message
    path.write_text(path.read_text(encoding="utf-8").replace("social forvaltningen", "s@kk.dk"))
    assert [a.email for a in load_file(path).administrations] == [
        "opfoelgning@tmf.kk.example",
        "s@kk.dk",
    ]


def test_parse_grant() -> None:
    assert parse_grant("administrator") == RoleGrant("administrator")
    assert parse_grant("case_officer@BIF") == RoleGrant("case_officer", administration="BIF")
    assert parse_grant("secretariat@BIU", committees=frozenset({"BIU"})) == RoleGrant(
        "secretariat", committee="BIU"
    )
    with pytest.raises(ValueError, match="ROLE@SCOPE"):
        parse_grant("@BIF")
