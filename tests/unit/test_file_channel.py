"""The file channel: one .eml per idempotency key, written whole or not at all.

The message's key (safe form, Message-ID) is tested here too: the file name
and the Message-ID are the same safe key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.errors import InvalidInput
from caseflow.notifications.channels import DeliveryError, FileChannel
from caseflow.notifications.message import (
    KEY_HEADER,
    OutgoingMessage,
    Recipient,
    message_id,
    safe_key,
)

SENDER = Recipient("caseflow@kk.example", "Københavns Kommune")


def make_message(
    key: str = "deadline:42:reminder:1", subject: str = "Påmindelse"
) -> OutgoingMessage:
    return OutgoingMessage(
        key=key,
        recipients=(Recipient("sara.holm@kk.example", "Sara Holm"), Recipient("biu@kk.example")),
        subject=f"{subject}: frist i sag 2009-68440 – æøå ÆØÅ",
        text="Kære Sara Holm\n\nEn frist nærmer sig: Høring på Østerbro.\n",
        html="<p>Kære Sara Holm</p><p>En frist nærmer sig: Høring på Østerbro.</p>\n",
        sender=SENDER,
    )


def parse(path: Path) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


# -------------------------------------------------------------------- the channel


def test_a_message_becomes_one_parseable_eml_file(tmp_path: Path) -> None:
    channel = FileChannel(tmp_path / "outbox", message_id_domain="kk.example")

    channel.send(make_message())

    [path] = (tmp_path / "outbox").iterdir()
    assert path.name == "deadline%3A42%3Areminder%3A1.eml"
    email = parse(path)
    assert email["Subject"] == "Påmindelse: frist i sag 2009-68440 – æøå ÆØÅ"
    assert email["From"] == "Københavns Kommune <caseflow@kk.example>"
    assert email["To"] == "Sara Holm <sara.holm@kk.example>, biu@kk.example"
    assert email["Message-ID"] == "<deadline%3A42%3Areminder%3A1@kk.example>"
    assert email[KEY_HEADER] == "deadline:42:reminder:1"
    assert email.get_content_type() == "multipart/alternative"
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "Høring på Østerbro" in text.get_content()
    assert "<p>En frist nærmer sig: Høring på Østerbro.</p>" in html.get_content()


def test_the_same_key_twice_leaves_one_file_with_the_latest_content(tmp_path: Path) -> None:
    channel = FileChannel(tmp_path)

    channel.send(make_message(subject="Første"))
    channel.send(make_message(subject="Anden"))

    [path] = tmp_path.iterdir()
    assert parse(path)["Subject"].startswith("Anden:")


def test_different_keys_leave_different_files(tmp_path: Path) -> None:
    channel = FileChannel(tmp_path)

    channel.send(make_message("deadline:42:reminder:1"))
    channel.send(make_message("deadline:42:reminder:2"))
    channel.send(make_message("event:7"))

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "deadline%3A42%3Areminder%3A1.eml",
        "deadline%3A42%3Areminder%3A2.eml",
        "event%3A7.eml",
    ]


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    channel = FileChannel(tmp_path)
    for n in range(5):
        channel.send(make_message(f"event:{n}"))

    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_key_cannot_write_outside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    FileChannel(folder).send(make_message("../../etc/passwd"))

    [path] = folder.iterdir()
    assert path.parent == folder
    assert path.name == "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd.eml"


def test_an_unwritable_folder_is_a_retryable_delivery_error(tmp_path: Path) -> None:
    in_the_way = tmp_path / "outbox"
    in_the_way.write_text("a file where the folder should be", encoding="utf-8")

    with pytest.raises(DeliveryError) as caught:
        FileChannel(in_the_way).send(make_message())

    assert caught.value.retryable
    assert "deadline:42:reminder:1" in str(caught.value)
    assert str(in_the_way) in str(caught.value)


def test_the_channel_is_named_file(tmp_path: Path) -> None:
    assert FileChannel(tmp_path).name == "file"


# --------------------------------------------------------------- message and key


def test_safe_key_keeps_letters_and_digits_and_encodes_the_rest() -> None:
    assert safe_key("deadline:42:reminder:1") == "deadline%3A42%3Areminder%3A1"
    assert safe_key("event_7-a") == "event_7-a"
    assert safe_key("frist:æ") == "frist%3A%C3%A6"
    assert safe_key("a.b") == "a%2Eb"


def test_a_long_key_is_shortened_with_a_digest() -> None:
    long = "digest:BIU:" + "x" * 500

    safe = safe_key(long)

    assert len(safe) <= 120
    assert safe.startswith("digest%3ABIU%3Axxx")
    assert "~" in safe
    assert safe != safe_key(long + "y")
    assert safe == safe_key(long)


@given(st.text(min_size=1, max_size=200), st.text(min_size=1, max_size=200))
def test_different_keys_have_different_safe_keys(a: str, b: str) -> None:
    if a != b:
        assert safe_key(a) != safe_key(b)


@given(st.text(min_size=1, max_size=300))
def test_a_safe_key_is_a_valid_message_id_and_file_name(key: str) -> None:
    safe = safe_key(key)
    assert safe.isascii()
    assert all(c.isalnum() or c in "%-_~" for c in safe)
    assert len(safe) <= 120
    assert message_id(key, "kk.example") == f"<{safe}@kk.example>"


def test_the_message_id_depends_on_the_key_only() -> None:
    early = make_message().to_email("kk.example", date=datetime(2009, 5, 14, 8, tzinfo=UTC))
    late = make_message().to_email("kk.example", date=datetime(2009, 5, 15, 8, tzinfo=UTC))

    assert early["Message-ID"] == late["Message-ID"]
    assert early["Date"] != late["Date"]
    assert early["Date"] == "Thu, 14 May 2009 08:00:00 +0000"
    assert early["Auto-Submitted"] == "auto-generated"


def test_the_email_is_seven_bit_clean() -> None:
    raw = make_message().to_email("kk.example").as_bytes()

    assert raw.isascii()  # æøå travel encoded (RFC 2047 headers, quoted-printable bodies)


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"key": " "}, "idempotency key"),
        ({"recipients": ()}, "no recipients"),
        ({"subject": "two\nlines"}, "one line"),
    ],
)
def test_a_message_refuses_what_cannot_be_sent(changes: dict[str, object], complaint: str) -> None:
    values: dict[str, object] = {
        "key": "event:1",
        "recipients": (Recipient("a@kk.example"),),
        "subject": "Emne",
        "text": "tekst",
        "html": "<p>tekst</p>",
        "sender": SENDER,
    }
    values.update(changes)
    with pytest.raises(InvalidInput, match=complaint):
        OutgoingMessage(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("address", ["", "sara", "sara holm@kk.example", "a@b@c"])
def test_a_bad_address_is_refused_when_the_recipient_is_made(address: str) -> None:
    with pytest.raises(InvalidInput, match="e-mail address"):
        Recipient(address)


def test_a_bad_message_id_domain_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Message-ID"):
        make_message().to_email("kk example")
