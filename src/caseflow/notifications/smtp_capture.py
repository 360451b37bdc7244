"""A real SMTP server on 127.0.0.1 that keeps what it receives: for tests.

Tests of the SMTP channel talk to this server over a socket, exactly as they
would to a municipality's mail server, instead of replacing smtplib with a
mock. It can also refuse the next messages with a chosen reply (451: try again
later, 550: never), so retry classification is tested against real replies.

    with SmtpCapture() as capture:
        SmtpChannel(SmtpSettings(host="127.0.0.1", port=capture.port)).send(message)
        [received] = capture.wait_for(1)
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import warnings
from collections.abc import Awaitable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from types import TracebackType
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

Stage = Literal["MAIL", "RCPT", "DATA"]

_REASONS = {4: "Temporary failure, try again later", 5: "Requested action not taken"}


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as the server received it: the envelope and the parsed e-mail.

    ``tls`` says whether the session was encrypted (STARTTLS or implicit TLS)
    when the message came, ``login`` who logged in, if anyone did.
    """

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes
    tls: bool = False
    login: str | None = None


class _Handler:
    """aiosmtpd hooks: record messages, refuse on request, check a login."""

    def __init__(self, capture: SmtpCapture) -> None:
        self._capture = capture

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        refusal = self._capture._take_failure("MAIL")
        if refusal is not None:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        refusal = self._capture._take_failure("RCPT")
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        refusal = self._capture._take_failure("DATA")
        if refusal is not None:
            return refusal
        transport = server.transport
        tls = transport is not None and transport.get_extra_info("ssl_object") is not None
        auth: object = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        self._capture._record(envelope, tls=tls, login=login)
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """aiosmtpd's Controller on a socket we bind first, so port 0 (any free port) works.

    aiosmtpd 1.4 cannot listen on port 0 itself (issue aio-libs/aiosmtpd#388):
    it would connect to port 0 to wake the server up. Binding the socket here
    and handing it to the event loop removes the race of "find a free port,
    close it, hope nobody takes it".
    """

    def __init__(self, handler: Any, sock: socket.socket, **kwargs: Any) -> None:
        self._sock = sock
        super().__init__(handler, hostname="127.0.0.1", port=sock.getsockname()[1], **kwargs)

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)

    def factory(self) -> SMTP:
        with warnings.catch_warnings():
            # Login without TLS is what a test of the plain setting needs.
            warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
            return SMTP(self.handler, **self.SMTP_kwargs)


class SmtpCapture:
    """A running SMTP server on 127.0.0.1 and a free port, collecting messages.

    ``starttls_context`` (a server-side ``ssl.SSLContext``) makes it offer
    STARTTLS; ``ssl_context`` makes it speak TLS from the first byte (like
    port 465). ``login=(user, password)`` makes it demand that login before
    accepting mail (over TLS when it has TLS, else in the clear).

    ``port`` 0 (the default) takes any free port. A capture that was stopped can
    be started again: it comes back on the same port with the messages it kept,
    as a mail server that was down for a while does.
    """

    def __init__(
        self,
        *,
        starttls_context: ssl.SSLContext | None = None,
        ssl_context: ssl.SSLContext | None = None,
        login: tuple[str, str] | None = None,
        port: int = 0,
    ) -> None:
        self._starttls_context = starttls_context
        self._ssl_context = ssl_context
        self._login = login
        self._messages: list[ReceivedMessage] = []
        self._failures: list[tuple[Stage, str]] = []
        self._lock = threading.Condition()
        self._controller: _Controller | None = None
        self.port = port

    # -- lifecycle

    def start(self) -> SmtpCapture:
        if self._controller is not None:
            raise RuntimeError("this SmtpCapture is already running")
        # IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY only on sockets that
        # say they are TCP, and without it every multi-line reply (EHLO) waits 40 ms
        # for the client's delayed ACK (Nagle).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        # A restart binds the port again while closed connections linger in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        kwargs: dict[str, Any] = {"server_hostname": "smtp-capture.test", "ready_timeout": 10.0}
        if self._starttls_context is not None:
            kwargs["tls_context"] = self._starttls_context
        if self._ssl_context is not None:
            kwargs["ssl_context"] = self._ssl_context
        if self._login is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            kwargs["auth_require_tls"] = (
                self._starttls_context is not None or self._ssl_context is not None
            )
        controller = _Controller(_Handler(self), sock, **kwargs)
        try:
            controller.start()
        except BaseException:
            sock.close()
            raise
        self._controller = controller
        self.port = sock.getsockname()[1]
        return self

    def stop(self) -> None:
        """Stop the server; the port is closed when this returns."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpCapture:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what arrived

    @property
    def messages(self) -> list[ReceivedMessage]:
        """The messages accepted so far, oldest first (a copy)."""
        with self._lock:
            return list(self._messages)

    def wait_for(self, n: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """The first ``n`` messages, waiting up to ``timeout`` seconds for them to arrive.

        smtplib returns only after the server accepted the message, so after a
        successful send they are already here; the wait is for senders in
        other threads. Raises AssertionError, with what did arrive, if fewer came.
        """
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._messages) >= n, timeout):
                got = [m.message["Subject"] for m in self._messages]
                raise AssertionError(f"expected {n} message(s), got {len(got)}: {got}")
            return list(self._messages[:n])

    # -- making it fail

    def fail_next(
        self, code: int, n: int = 1, *, at: Stage = "DATA", text: str | None = None
    ) -> None:
        """Answer the next ``n`` commands of stage ``at`` with ``code`` instead of accepting.

        451 is a temporary refusal (greylisting, a full queue), 550 a permanent
        one (no such mailbox, policy). At ``RCPT`` each recipient counts as one
        command; at ``MAIL`` and ``DATA`` each message does.
        """
        if not 400 <= code <= 599:
            raise ValueError(f"a refusal is a 4xx or 5xx reply code, not {code}")
        reply = f"{code} {text or _REASONS[code // 100]}"
        with self._lock:
            self._failures.extend([(at, reply)] * n)

    def _take_failure(self, stage: Stage) -> str | None:
        with self._lock:
            for i, (at, reply) in enumerate(self._failures):
                if at == stage:
                    del self._failures[i]
                    return reply
        return None

    def _record(self, envelope: Envelope, *, tls: bool, login: str | None) -> None:
        raw = envelope.original_content or b""
        if isinstance(envelope.content, bytes) and not raw:
            raw = envelope.content
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        if not isinstance(parsed, EmailMessage):  # policy.default always makes one
            raise TypeError(f"the parser made a {type(parsed).__name__}, not an EmailMessage")
        received = ReceivedMessage(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            message=parsed,
            raw=raw,
            tls=tls,
            login=login,
        )
        with self._lock:
            self._messages.append(received)
            self._lock.notify_all()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        expected = self._login
        if (
            expected is not None
            and isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == expected[0]
            and auth_data.password.decode() == expected[1]
        ):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)
