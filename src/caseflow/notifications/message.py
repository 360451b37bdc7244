"""A notification as it leaves caseflow: who gets it, what it says, and its key.

The idempotency key travels with the message all the way into the e-mail
(``Message-ID`` and ``X-Caseflow-Key``), so that a message sent twice after a
crash between "sent" and "marked as sent" is recognisably the same message to
the receiving server, to a mail client, and to the tests. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from caseflow.errors import InvalidInput

KEY_HEADER = "X-Caseflow-Key"

# Characters kept as they are in a safe key; everything else is %XX-encoded.
# They are valid in a Message-ID's left part (RFC 5322 atext) and in a file
# name on every common file system.
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_MAX_SAFE_LENGTH = 120
_KEPT_PREFIX = 80


def safe_key(key: str) -> str:
    """``key`` in a form fit for a Message-ID or a file name, the same every time.

    Letters, digits, ``-`` and ``_`` stay; every other byte of the UTF-8 text
    becomes ``%XX``, so ``deadline:42:reminder:1`` becomes
    ``deadline%3A42%3Areminder%3A1``. Two different keys never share a safe
    key. A very long result keeps its first 80 characters and adds ``~`` and a
    SHA-256 digest of the whole key (``~`` never occurs otherwise), so file
    names and header lines stay short.
    """
    encoded = "".join(
        chr(byte) if chr(byte) in _SAFE else f"%{byte:02X}" for byte in key.encode("utf-8")
    )
    if len(encoded) <= _MAX_SAFE_LENGTH:
        return encoded
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{encoded[:_KEPT_PREFIX]}~{digest}"


def message_id(key: str, domain: str) -> str:
    """The ``Message-ID`` of the message with this key: ``<{safe key}@{domain}>``."""
    return f"<{safe_key(key)}@{domain}>"


@dataclass(frozen=True)
class Recipient:
    """An e-mail address and, when known, the person's or office's name."""

    address: str
    name: str | None = None

    def __post_init__(self) -> None:
        self.as_address()  # refuse a bad address when the recipient is made, not when sent

    def as_address(self) -> Address:
        """The address as a header value; the name may hold any letters (æ, ø, å)."""
        address = self.address.strip()
        if "@" not in address or any(c.isspace() for c in address):
            raise InvalidInput(
                f"{self.address!r} is not an e-mail address; write it as name@example.dk"
            )
        name = self.name or ""
        if "\r" in name or "\n" in name:
            raise InvalidInput(f"the name of {address} contains a line break; remove it")
        try:
            return Address(display_name=name, addr_spec=address)
        except (ValueError, IndexError, HeaderParseError) as exc:
            raise InvalidInput(
                f"{self.address!r} is not an e-mail address ({exc}); write it as name@example.dk"
            ) from exc


@dataclass(frozen=True)
class RenderedMessage:
    """The three texts a template produces: a one-line subject, plain text and HTML."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class OutgoingMessage:
    """One notification ready for a channel, identified by its idempotency key.

    ``key`` is unique per notification, e.g. ``deadline:42:reminder:1`` or
    ``event:1234:transition``; the outbox refuses a second row with the same
    key, and the key decides the ``Message-ID``.
    """

    key: str
    recipients: tuple[Recipient, ...]
    subject: str
    text: str
    html: str
    sender: Recipient
    # When it is sent, by the sender's clock (the engine's: a demo or a test moving
    # through time dates its e-mails in that time); None means the wall clock.
    sent_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.key.strip():
            raise InvalidInput("a notification needs a non-empty idempotency key")
        if not self.recipients:
            raise InvalidInput(
                f"notification {self.key!r} has no recipients; "
                "check the e-mail addresses of the role it is for"
            )
        if "\n" in self.subject or "\r" in self.subject:
            raise InvalidInput(f"notification {self.key!r}: the subject must be one line")

    @classmethod
    def from_rendered(
        cls,
        key: str,
        rendered: RenderedMessage,
        *,
        recipients: tuple[Recipient, ...],
        sender: Recipient,
    ) -> OutgoingMessage:
        """A message from a rendered template: the usual way to make one."""
        return cls(
            key=key,
            recipients=recipients,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            sender=sender,
        )

    @property
    def addresses(self) -> list[str]:
        """The envelope recipients: every address, without names."""
        return [r.address.strip() for r in self.recipients]

    def to_email(self, domain: str, *, date: datetime | None = None) -> EmailMessage:
        """The message as a multipart/alternative e-mail (plain text first, then HTML).

        ``domain`` goes to the right of the ``@`` in the ``Message-ID``: use a
        domain the municipality controls. ``date`` is the ``Date`` header
        (default: ``sent_at``, else the wall clock); it is the one part that
        differs between two sends of the same key.
        """
        if not domain or any(c.isspace() or c in "<>@" for c in domain):
            raise InvalidInput(f"{domain!r} cannot be the domain of a Message-ID; use e.g. kk.dk")
        email = EmailMessage()
        email["Subject"] = self.subject
        email["From"] = self.sender.as_address()
        email["To"] = [r.as_address() for r in self.recipients]
        email["Date"] = format_datetime(date or self.sent_at or datetime.now(UTC))
        email["Message-ID"] = message_id(self.key, domain)
        email[KEY_HEADER] = self.key
        # RFC 3834: tells vacation responders and mailing lists not to answer.
        email["Auto-Submitted"] = "auto-generated"
        # Quoted-printable keeps every line 7-bit, so relays without 8BITMIME
        # pass æ, ø and å through unharmed.
        email.set_content(self.text, subtype="plain", charset="utf-8", cte="quoted-printable")
        email.add_alternative(self.html, subtype="html", charset="utf-8", cte="quoted-printable")
        return email
