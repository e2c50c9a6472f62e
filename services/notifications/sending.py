"""Mail delivery: SMTP (smtp:// with optional STARTTLS, smtps://, user and password) or the
file outbox; failures are classified as temporary (retry) or permanent (dead letter)."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from services.notifications.outbox import FileOutbox


class TemporaryFailure(Exception):
    """Delivery may succeed later (server down, 4xx)."""


class PermanentFailure(Exception):
    """Delivery will not succeed (5xx refusal)."""


Accepted = Callable[[], None]


class Sender(Protocol):
    timeout: float
    """Seconds after which an attempt has surely ended, accepted or not."""

    def send(self, message: EmailMessage, name: str, accepted: Accepted) -> None:
        """Deliver; call `accepted` the moment the mail is handed over, before anything else."""


class FileSender:
    """Writes mail to the file outbox (no SMTP configured)."""

    timeout = 10.0

    def __init__(self, directory: Path) -> None:
        self.outbox = FileOutbox(directory)

    def send(self, message: EmailMessage, name: str, accepted: Accepted) -> None:
        self.outbox.deliver(message, name)
        accepted()


class SmtpSender:
    """Sends through an SMTP server given as `smtp[s]://user:password@host:port[?starttls=1]`."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        self.secure = parts.scheme == "smtps"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (465 if self.secure else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true")
        self.timeout = timeout

    def send(self, message: EmailMessage, name: str, accepted: Accepted) -> None:
        smtp = self._hand_over(message)
        try:
            accepted()  # recorded before QUIT: the duplicate window is this call only
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()  # a failed QUIT after acceptance changes nothing

    def _hand_over(self, message: EmailMessage) -> smtplib.SMTP:
        """Connect and transmit until the server accepted the mail; classify refusals."""
        try:
            smtp = self._connect()
            try:
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise (PermanentFailure if min(codes) >= 500 else TemporaryFailure)(
                str(codes)
            ) from None
        except smtplib.SMTPResponseException as error:
            failure = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
            raise failure(f"{error.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(type(error).__name__) from None
        return smtp

    def _connect(self) -> smtplib.SMTP:
        if self.secure:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
        return smtp


def sender_for(smtp_url: str | None, outbox: Path) -> Sender:
    return SmtpSender(smtp_url) if smtp_url else FileSender(outbox)
