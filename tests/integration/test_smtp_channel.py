"""The SMTP channel against a real SMTP server (aiosmtpd on 127.0.0.1).

Nothing is mocked: smtplib talks over a socket to :class:`SmtpCapture`, which
can refuse with real 451/550 replies. The TLS tests make a throwaway
self-signed certificate with the ``openssl`` command and are skipped without it.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from caseflow.errors import InvalidInput
from caseflow.notifications.channels import DeliveryError, SmtpChannel, SmtpSettings
from caseflow.notifications.message import KEY_HEADER, OutgoingMessage, Recipient
from caseflow.notifications.smtp_capture import SmtpCapture

SUBJECT = "Påmindelse: Høring i sag 2009-68440 – frist 28. maj 2009 (æøå ÆØÅ)"


def make_message(key: str = "deadline:42:reminder:1") -> OutgoingMessage:
    return OutgoingMessage(
        key=key,
        recipients=(
            Recipient("sara.holm@kk.example", "Sara Holm Ærøskøbing"),
            Recipient("biu-sekretariat@kk.example", "BIU-sekretariatet"),
        ),
        subject=SUBJECT,
        text="Kære Sara Holm\n\nEn frist nærmer sig: Høring på Østerbro.\n",
        html="<p>Kære Sara Holm</p>\n<p>En frist nærmer sig: Høring på Østerbro.</p>\n",
        sender=Recipient("caseflow@kk.example", "Københavns Kommune"),
    )


def settings_for(port: int, **changes: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "timeout": 10.0,
        "message_id_domain": "kk.example",
    }
    values.update(changes)
    return SmtpSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def capture() -> Iterator[SmtpCapture]:
    with SmtpCapture() as server:
        yield server


def send_refused(channel: SmtpChannel, message: OutgoingMessage | None = None) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        channel.send(message or make_message())
    return caught.value


# ---------------------------------------------------------------------- delivery


def test_a_message_arrives_with_recipients_subject_parts_and_key(capture: SmtpCapture) -> None:
    SmtpChannel(settings_for(capture.port)).send(make_message())

    [received] = capture.wait_for(1)
    assert received.mail_from == "caseflow@kk.example"
    assert received.rcpt_tos == ("sara.holm@kk.example", "biu-sekretariat@kk.example")
    assert not received.tls
    email = received.message
    assert email["Subject"] == SUBJECT
    assert email["From"] == "Københavns Kommune <caseflow@kk.example>"
    assert email["To"] == (
        "Sara Holm Ærøskøbing <sara.holm@kk.example>, "
        "BIU-sekretariatet <biu-sekretariat@kk.example>"
    )
    assert email["Message-ID"] == "<deadline%3A42%3Areminder%3A1@kk.example>"
    assert email[KEY_HEADER] == "deadline:42:reminder:1"
    assert email["Date"]
    assert email.get_content_type() == "multipart/alternative"
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None
    assert html is not None
    # The wire format ends lines with CRLF; the words are what matters.
    assert (
        text.get_content().replace("\r\n", "\n")
        == "Kære Sara Holm\n\nEn frist nærmer sig: Høring på Østerbro.\n"
    )
    assert "<p>En frist nærmer sig: Høring på Østerbro.</p>" in html.get_content()


def test_danish_letters_travel_encoded(capture: SmtpCapture) -> None:
    SmtpChannel(settings_for(capture.port)).send(make_message())

    [received] = capture.wait_for(1)
    assert received.raw.isascii()
    headers = received.raw.split(b"\r\n\r\n", 1)[0]
    subject = next(line for line in headers.split(b"\r\n") if line.startswith(b"Subject:"))
    assert b"=?utf-8?" in subject


def test_the_same_key_sent_twice_carries_the_same_message_id(capture: SmtpCapture) -> None:
    channel = SmtpChannel(settings_for(capture.port))

    channel.send(make_message())
    channel.send(make_message())
    channel.send(make_message("deadline:42:reminder:2"))

    first, second, other = (r.message["Message-ID"] for r in capture.wait_for(3))
    assert first == second
    assert other != first


# ------------------------------------------------------------- refusals by reply


@pytest.mark.parametrize("at", ["MAIL", "RCPT", "DATA"])
def test_a_451_is_retryable(capture: SmtpCapture, at: str) -> None:
    capture.fail_next(451, n=2, at=at)  # type: ignore[arg-type]

    error = send_refused(SmtpChannel(settings_for(capture.port)))

    assert error.retryable
    assert "451" in str(error)
    assert "temporary" in str(error)
    assert "deadline:42:reminder:1" in str(error)
    assert capture.messages == []


@pytest.mark.parametrize("at", ["MAIL", "RCPT", "DATA"])
def test_a_550_is_not_retryable(capture: SmtpCapture, at: str) -> None:
    capture.fail_next(550, n=2, at=at)  # type: ignore[arg-type]

    error = send_refused(SmtpChannel(settings_for(capture.port)))

    assert not error.retryable
    assert "550" in str(error)
    assert "permanent" in str(error)
    assert capture.messages == []


def test_after_a_refusal_the_next_try_goes_through(capture: SmtpCapture) -> None:
    channel = SmtpChannel(settings_for(capture.port))
    capture.fail_next(451)

    assert send_refused(channel).retryable
    channel.send(make_message())

    assert len(capture.wait_for(1)) == 1


def test_one_refused_recipient_of_two_is_named_and_the_other_got_it(
    capture: SmtpCapture,
) -> None:
    capture.fail_next(550, n=1, at="RCPT", text="5.1.1 No such mailbox")

    error = send_refused(SmtpChannel(settings_for(capture.port)))

    assert not error.retryable
    assert error.refused == ("sara.holm@kk.example",)
    assert "delivered to biu-sekretariat@kk.example" in str(error)
    assert "No such mailbox" in str(error)
    [received] = capture.wait_for(1)
    assert received.rcpt_tos == ("biu-sekretariat@kk.example",)


def test_a_temporarily_refused_recipient_is_retryable_for_that_recipient(
    capture: SmtpCapture,
) -> None:
    capture.fail_next(451, n=1, at="RCPT")

    error = send_refused(SmtpChannel(settings_for(capture.port)))

    assert error.retryable
    assert error.refused == ("sara.holm@kk.example",)
    assert "retry for those recipients only" in str(error)


# --------------------------------------------------------------- no server at all


def test_a_server_that_is_down_is_retryable() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        port = closed.getsockname()[1]

        error = send_refused(SmtpChannel(settings_for(port)))

    assert error.retryable
    assert "connection refused" in str(error)


def test_a_server_that_never_answers_is_a_retryable_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts the connection; nobody ever says hello
        port = silent.getsockname()[1]

        error = send_refused(SmtpChannel(settings_for(port, timeout=0.5)))

    assert error.retryable
    assert "timeout" in str(error)


def test_a_stopped_capture_refuses_connections() -> None:
    server = SmtpCapture().start()
    port = server.port
    server.stop()

    assert send_refused(SmtpChannel(settings_for(port))).retryable


# --------------------------------------------------------- TLS choices, no certificate


def test_ssl_speaks_tls_first_so_a_plain_server_fails_the_handshake(
    capture: SmtpCapture,
) -> None:
    error = send_refused(SmtpChannel(settings_for(capture.port, security="ssl")))

    assert error.retryable
    assert "TLS handshake failed" in str(error)
    assert capture.messages == []


def test_starttls_never_falls_back_to_plain_text(capture: SmtpCapture) -> None:
    error = send_refused(SmtpChannel(settings_for(capture.port, security="starttls")))

    assert error.retryable
    assert "starting TLS" in str(error)
    assert "STARTTLS" in str(error)
    assert capture.messages == []


# --------------------------------------------------------------------------- login


def test_login_in_plain_text_when_the_settings_say_so() -> None:
    with SmtpCapture(login=("caseflow", "hemmeligt")) as server:
        channel = SmtpChannel(settings_for(server.port, username="caseflow", password="hemmeligt"))
        channel.send(make_message())

        [received] = server.wait_for(1)
    assert received.login == "caseflow"


def test_a_wrong_password_is_not_retryable() -> None:
    with SmtpCapture(login=("caseflow", "hemmeligt")) as server:
        error = send_refused(
            SmtpChannel(settings_for(server.port, username="caseflow", password="forkert"))
        )
        assert server.messages == []

    assert not error.retryable
    assert "login refused" in str(error)
    assert "535" in str(error)
    assert "forkert" not in str(error)


def test_a_server_that_wants_a_login_refuses_mail_without_one() -> None:
    with SmtpCapture(login=("caseflow", "hemmeligt")) as server:
        error = send_refused(SmtpChannel(settings_for(server.port)))

    assert not error.retryable
    assert "530" in str(error)


def test_a_login_the_server_does_not_offer_is_not_retryable(capture: SmtpCapture) -> None:
    channel = SmtpChannel(settings_for(capture.port, username="caseflow", password="x"))

    error = send_refused(channel)

    assert not error.retryable
    assert "logging in" in str(error)
    assert "CASEFLOW_SMTP_SECURITY" in str(error)


# ---------------------------------------------------------- TLS with a certificate


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            *("req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return Certificate(cert, key)


def test_starttls_delivers_encrypted(certificate: Certificate) -> None:
    with SmtpCapture(starttls_context=certificate.server_context()) as server:
        channel = SmtpChannel(
            settings_for(server.port, security="starttls"),
            ssl_context=certificate.client_context(),
        )
        channel.send(make_message())

        [received] = server.wait_for(1)
    assert received.tls
    assert received.message["Subject"] == SUBJECT


def test_ssl_delivers_encrypted(certificate: Certificate) -> None:
    with SmtpCapture(ssl_context=certificate.server_context()) as server:
        channel = SmtpChannel(
            settings_for(server.port, security="ssl"), ssl_context=certificate.client_context()
        )
        channel.send(make_message())

        [received] = server.wait_for(1)
    assert received.tls


def test_login_over_starttls(certificate: Certificate) -> None:
    with SmtpCapture(
        starttls_context=certificate.server_context(), login=("caseflow", "hemmeligt")
    ) as server:
        channel = SmtpChannel(
            settings_for(
                server.port, security="starttls", username="caseflow", password="hemmeligt"
            ),
            ssl_context=certificate.client_context(),
        )
        channel.send(make_message())

        [received] = server.wait_for(1)
    assert received.tls
    assert received.login == "caseflow"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_an_untrusted_certificate_is_a_clean_retryable_error(
    certificate: Certificate, security: str
) -> None:
    server_side = certificate.server_context()
    tls = {"starttls_context": server_side} if security == "starttls" else {}
    implicit = {"ssl_context": server_side} if security == "ssl" else {}
    with SmtpCapture(**tls, **implicit) as server:  # type: ignore[arg-type]
        # The system's trusted CAs do not include our self-signed certificate.
        error = send_refused(SmtpChannel(settings_for(server.port, security=security)))
        assert server.messages == []

    assert error.retryable
    assert "TLS handshake failed" in str(error)
    assert "certificate" in str(error)


# ------------------------------------------------------------------------ settings


def test_no_host_means_no_smtp() -> None:
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"CASEFLOW_SMTP_HOST": " "}) is None


def test_settings_from_the_environment() -> None:
    settings = SmtpSettings.from_env(
        {
            "CASEFLOW_SMTP_HOST": "smtp.kk.example",
            "CASEFLOW_SMTP_SECURITY": "STARTTLS",
            "CASEFLOW_SMTP_USERNAME": "caseflow",
            "CASEFLOW_SMTP_PASSWORD": "hemmeligt",
            "CASEFLOW_SMTP_FROM": "caseflow@kk.example",
            "CASEFLOW_SMTP_FROM_NAME": "Københavns Kommune",
        }
    )

    assert settings == SmtpSettings(
        host="smtp.kk.example",
        port=587,
        security="starttls",
        username="caseflow",
        password="hemmeligt",
        sender="caseflow@kk.example",
        sender_name="Københavns Kommune",
        message_id_domain="kk.example",
    )
    assert "hemmeligt" not in repr(settings)
    assert settings.from_recipient == Recipient("caseflow@kk.example", "Københavns Kommune")


@pytest.mark.parametrize(
    ("security", "port"), [("none", 25), ("starttls", 587), ("ssl", 465), ("", 25)]
)
def test_the_port_follows_the_security_unless_given(security: str, port: int) -> None:
    environ = {"CASEFLOW_SMTP_HOST": "smtp.kk.example", "CASEFLOW_SMTP_SECURITY": security}
    settings = SmtpSettings.from_env(environ)
    assert settings is not None
    assert settings.port == port
    settings = SmtpSettings.from_env({**environ, "CASEFLOW_SMTP_PORT": "2525"})
    assert settings is not None
    assert settings.port == 2525


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"CASEFLOW_SMTP_PORT": "smtp"}, "CASEFLOW_SMTP_PORT='smtp' is not a port number"),
        ({"CASEFLOW_SMTP_PORT": "70000"}, "use 1 to 65535"),
        ({"CASEFLOW_SMTP_SECURITY": "tls"}, "use none, starttls"),
        ({"CASEFLOW_SMTP_USERNAME": "caseflow"}, "CASEFLOW_SMTP_PASSWORD is not"),
        ({"CASEFLOW_SMTP_PASSWORD": "x"}, "CASEFLOW_SMTP_USERNAME is not"),
        ({"CASEFLOW_SMTP_FROM": "caseflow"}, "CASEFLOW_SMTP_FROM='caseflow'"),
    ],
)
def test_bad_settings_say_what_to_fix(changes: dict[str, str], complaint: str) -> None:
    with pytest.raises(InvalidInput, match=complaint):
        SmtpSettings.from_env({"CASEFLOW_SMTP_HOST": "smtp.kk.example", **changes})


def test_the_channel_is_named_smtp() -> None:
    assert SmtpChannel(SmtpSettings()).name == "smtp"
