"""Channels deliver one :class:`OutgoingMessage`: by SMTP, or into a folder.

A channel either delivers or raises :class:`DeliveryError`, which says whether
trying again later can help (``retryable``) and, in words an operator can act
on, what happened. The outbox's sender loop decides when to try again, with
:func:`backoff`; channels never sleep or retry themselves, so one slow mail
server cannot hold up the loop longer than one timeout.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol, get_args

from caseflow.errors import CaseflowError, InvalidInput
from caseflow.notifications.message import OutgoingMessage, Recipient, safe_key

Security = Literal["none", "starttls", "ssl"]
SECURITIES: tuple[Security, ...] = get_args(Security)
DEFAULT_PORTS: dict[Security, int] = {"none": 25, "starttls": 587, "ssl": 465}
Stage = Literal["connecting", "starting TLS", "logging in", "sending"]


class DeliveryError(CaseflowError):
    """A message was not delivered; ``retryable`` says whether a later try may succeed.

    ``refused`` lists the recipients a server refused when it accepted the
    others: the message *was* delivered to the rest, so a retry should go to
    the refused ones only (``dataclasses.replace(message, recipients=...)``).
    """

    def __init__(self, message: str, retryable: bool, *, refused: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.refused = refused


class Channel(Protocol):
    """Something that delivers a message now, or raises :class:`DeliveryError`."""

    name: str

    def send(self, message: OutgoingMessage) -> None: ...


# ------------------------------------------------------------------------ backoff


def backoff(attempt: int, *, base: float = 30.0, cap: float = 3600.0, key: str = "") -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1 for the first failure).

    Doubles from ``base`` (30 s, 1 min, 2 min, ...) up to ``cap`` (an hour), so
    a mail server that is down for a weekend is tried every hour, not every
    second. Deterministic, so the schedule can be shown and tested. With a
    ``key``, the delay is spread between half and all of that value by a hash
    of the key and attempt, so that a hundred messages that failed together
    (the server was down) do not all come back in the same second.
    """
    if attempt < 1:
        raise ValueError(f"attempt counts failed tries from 1, got {attempt}")
    if base <= 0 or cap < base:
        raise ValueError(f"need 0 < base <= cap, got base={base}, cap={cap}")
    # 2**60 * base is far beyond any cap: stop doubling before floats overflow.
    delay = min(cap, base * 2.0 ** min(attempt - 1, 60))
    if not key:
        return delay
    digest = hashlib.sha256(f"{key}\0{attempt}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64  # in [0, 1)
    return delay * (0.5 + 0.5 * fraction)


# ------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand mail to the municipality's mail server."""

    host: str = "localhost"
    port: int = 25
    security: Security = "none"
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never in logs
    sender: str = "caseflow@localhost"
    sender_name: str = "caseflow"
    timeout: float = 30.0
    message_id_domain: str = "caseflow.local"

    @property
    def from_recipient(self) -> Recipient:
        """The sender as the outbox puts it on every message (``From``)."""
        return Recipient(self.sender, self.sender_name)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SmtpSettings | None:
        """Settings from CASEFLOW_SMTP_*; None when CASEFLOW_SMTP_HOST is unset or empty.

        CASEFLOW_SMTP_PORT defaults to 25, 587 or 465 by CASEFLOW_SMTP_SECURITY
        (``none``, ``starttls``, ``ssl``; default ``none``). A username needs a
        password and the other way round. The Message-ID domain is the domain of
        CASEFLOW_SMTP_FROM, so Message-IDs name a domain the municipality owns.
        """
        host = environ.get("CASEFLOW_SMTP_HOST", "").strip()
        if not host:
            return None
        security = _security(environ.get("CASEFLOW_SMTP_SECURITY", "").strip().lower() or "none")
        port = _port(environ.get("CASEFLOW_SMTP_PORT", "").strip(), DEFAULT_PORTS[security])
        username = environ.get("CASEFLOW_SMTP_USERNAME") or None
        password = environ.get("CASEFLOW_SMTP_PASSWORD") or None
        if (username is None) != (password is None):
            given, missing = (
                ("CASEFLOW_SMTP_USERNAME", "CASEFLOW_SMTP_PASSWORD")
                if username
                else ("CASEFLOW_SMTP_PASSWORD", "CASEFLOW_SMTP_USERNAME")
            )
            raise InvalidInput(f"{given} is set but {missing} is not; set both, or neither")
        defaults = cls()
        sender = environ.get("CASEFLOW_SMTP_FROM", "").strip()
        domain = _sender_domain(sender) if sender else defaults.message_id_domain
        return cls(
            host=host,
            port=port,
            security=security,
            username=username,
            password=password,
            sender=sender or defaults.sender,
            sender_name=environ.get("CASEFLOW_SMTP_FROM_NAME", "").strip() or defaults.sender_name,
            message_id_domain=domain,
        )


def _security(value: str) -> Security:
    for known in SECURITIES:
        if value == known:
            return known
    raise InvalidInput(
        f"CASEFLOW_SMTP_SECURITY={value!r} is not known; use none, starttls "
        "(usually port 587) or ssl (usually port 465)"
    )


def _port(value: str, default: int) -> int:
    if not value:
        return default
    try:
        port = int(value)
    except ValueError:
        raise InvalidInput(f"CASEFLOW_SMTP_PORT={value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise InvalidInput(f"CASEFLOW_SMTP_PORT={port} is not a port; use 1 to 65535")
    return port


def _sender_domain(sender: str) -> str:
    try:
        address = Address(addr_spec=sender)
    except (ValueError, IndexError, HeaderParseError) as exc:
        raise InvalidInput(
            f"CASEFLOW_SMTP_FROM={sender!r} is not an e-mail address ({exc}); "
            "write it as caseflow@kk.dk"
        ) from exc
    if not address.domain:
        raise InvalidInput(
            f"CASEFLOW_SMTP_FROM={sender!r} has no domain; write it as caseflow@kk.dk"
        )
    return address.domain


# ---------------------------------------------------------------------------- SMTP


class SmtpChannel:
    """Sends each message in its own SMTP session (plain, STARTTLS or implicit TLS).

    One session per message keeps failures separate and needs no reconnect
    logic; the volume (reminders, digests) is small. TLS checks the server's
    certificate against the system's trusted CAs (``ssl.create_default_context``,
    which also honours the SSL_CERT_FILE environment variable); ``ssl_context``
    replaces that context, e.g. to trust a municipality's own CA or a test
    certificate. With ``starttls`` the channel never falls back to sending in
    the clear.
    """

    name = "smtp"

    def __init__(self, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None):
        self.settings = settings
        self._ssl_context = ssl_context

    def send(self, message: OutgoingMessage) -> None:
        s = self.settings
        email = _as_email(message, s.message_id_domain)
        doing = f"sending {message.key!r} to {s.host}:{s.port} ({s.security})"
        stage: Stage = "connecting"
        smtp: smtplib.SMTP | None = None
        delivered = False
        try:
            smtp = self._connect()
            if s.security == "starttls":
                stage = "starting TLS"
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if s.username is not None:
                stage = "logging in"
                smtp.login(s.username, s.password or "")
            stage = "sending"
            refused = smtp.send_message(
                email, from_addr=message.sender.address.strip(), to_addrs=message.addresses
            )
            delivered = True
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refused(message, doing, exc.recipients, delivered_to=()) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise _classify(exc, f"{doing}, {stage}", stage) from exc
        finally:
            if smtp is not None:
                _close(smtp, polite=delivered)
        if refused:
            accepted = tuple(a for a in message.addresses if a not in refused)
            raise _refused(message, doing, refused, delivered_to=accepted)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        return smtplib.SMTP(s.host, s.port, timeout=s.timeout)

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()


def _as_email(message: OutgoingMessage, domain: str) -> EmailMessage:
    """The e-mail, or a DeliveryError: the channel's one way to fail."""
    try:
        return message.to_email(domain)
    except CaseflowError as exc:
        raise DeliveryError(f"cannot make an e-mail of {message.key!r}: {exc}", False) from exc


def _close(smtp: smtplib.SMTP, *, polite: bool) -> None:
    """Say QUIT after a delivery; the message is accepted, so a failing QUIT is no failure."""
    try:
        if polite:
            smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()


def _classify(exc: BaseException, doing: str, stage: Stage) -> DeliveryError:
    """Turn an smtplib or socket error into a DeliveryError that says what happened.

    4xx replies, lost connections, timeouts and TLS failures may pass (a server
    restarting, greylisting, a certificate being renewed): retryable. 5xx
    replies (a bad address, a message refused, wrong credentials) will not
    change by waiting, nor will a server that offers no login: not retryable.
    A server that offers no STARTTLS is retryable like a failed handshake: it
    may be an interception on the way, and the message is never sent in the
    clear instead.
    """
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if stage == "logging in":
            return DeliveryError(
                f"{doing}: the server offers no login on this connection ({exc}); many servers "
                "offer it only over TLS: set CASEFLOW_SMTP_SECURITY to starttls or ssl",
                retryable=False,
            )
        return DeliveryError(
            f"{doing}: the server does not support what the settings ask for ({exc}); "
            "check CASEFLOW_SMTP_SECURITY (starttls for port 587, ssl for port 465)",
            retryable=stage == "starting TLS",
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        if isinstance(exc.__context__, TimeoutError):  # smtplib reports a timeout this way
            return DeliveryError(
                f"{doing}: no answer within the timeout ({exc.__context__})", retryable=True
            )
        return DeliveryError(f"{doing}: the server closed the connection ({exc})", retryable=True)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _reply(
            doing,
            "login refused; check CASEFLOW_SMTP_USERNAME and CASEFLOW_SMTP_PASSWORD",
            exc.smtp_code,
            exc.smtp_error,
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _reply(doing, f"sender {exc.sender} refused", exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(doing, "the server refused", exc.smtp_code, exc.smtp_error)
    if isinstance(exc, ssl.SSLError):
        return DeliveryError(
            f"{doing}: the TLS handshake failed ({exc}); check the server's certificate "
            "and CASEFLOW_SMTP_SECURITY",
            retryable=True,
        )
    if isinstance(exc, TimeoutError):
        return DeliveryError(f"{doing}: no answer within the timeout ({exc})", retryable=True)
    if isinstance(exc, ConnectionRefusedError):
        return DeliveryError(
            f"{doing}: connection refused; is the mail server running and is "
            "CASEFLOW_SMTP_HOST/PORT right?",
            retryable=True,
        )
    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
        return DeliveryError(f"{doing}: network error ({exc})", retryable=True)
    return DeliveryError(f"{doing}: {exc}", retryable=False)


def _reply(doing: str, what: str, code: int, text: bytes | str) -> DeliveryError:
    temporary = not 500 <= code <= 599
    kind = "temporary" if temporary else "permanent"
    return DeliveryError(f"{doing}: {what} ({kind}: {code} {_text(text)})", retryable=temporary)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _refused(
    message: OutgoingMessage,
    doing: str,
    refused: Mapping[str, tuple[int, bytes | str]],
    *,
    delivered_to: tuple[str, ...],
) -> DeliveryError:
    """Recipients refused: all of them (nothing sent) or some (sent to the others)."""
    temporary = all(not 500 <= code <= 599 for code, _ in refused.values())
    kind = "temporary" if temporary else "permanent"
    reasons = "; ".join(
        f"{address}: {code} {_text(text)}" for address, (code, text) in refused.items()
    )
    if not delivered_to:
        summary = f"every recipient refused ({kind}): {reasons}"
    else:
        summary = (
            f"delivered to {', '.join(delivered_to)}, but refused ({kind}) for {reasons}; "
            + ("retry for those recipients only" if temporary else "fix their addresses")
        )
    return DeliveryError(f"{doing}: {summary}", retryable=temporary, refused=tuple(refused))


# ---------------------------------------------------------------------------- file


class FileChannel:
    """Writes each message to ``{directory}/{safe key}.eml``: mail for development.

    The file appears whole or not at all (written beside it, then renamed), and
    sending the same key again replaces it, so the folder holds one file per
    notification however often the sender loop retries. Any mail client opens
    ``.eml`` files.
    """

    name = "file"

    def __init__(self, directory: Path, *, message_id_domain: str = "caseflow.local") -> None:
        self.directory = directory
        self.message_id_domain = message_id_domain

    def path_for(self, key: str) -> Path:
        return self.directory / f"{safe_key(key)}.eml"

    def send(self, message: OutgoingMessage) -> None:
        data = _as_email(message, self.message_id_domain).as_bytes()
        target = self.path_for(message.key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise DeliveryError(
                f"writing {message.key!r} to {target}: {exc}; check that the folder is writable",
                retryable=True,
            ) from exc
