"""The file outbox and the tracked processor that fills it with mail.

Until the notification service runs, mail is written as `.eml` files. The mailer reads the
log after its tracked position, writes each mail under a name derived from its event and
recipient (so a replay overwrites rather than duplicates), then advances the position: a
crash in between writes the same file again, never a second one.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Notification

from services.grants.application import GrantsApplication
from services.grants.domain.announcement import Announcement
from services.grants.domain.document import DocumentNotice
from services.grants.domain.grant import Grant
from services.grants.domain.platform_user import PlatformUser
from services.notifications.mail import render_mail

log = logging.getLogger("toegang.outbox")


def topic(event_class: type) -> str:
    return f"{event_class.__module__}:{event_class.__qualname__}"


CONFIRMATION_TOPIC = topic(Grant.ConfirmationIssued)  # type: ignore[attr-defined]
MAIL_TOPICS = {
    CONFIRMATION_TOPIC: lambda app, n: app.confirmation_mail(n.originator_id, n.originator_version),
    topic(PlatformUser.CredentialsIssued): lambda app, n: app.credentials_mail(  # type: ignore[attr-defined]
        n.originator_id, n.originator_version
    ),
    topic(Announcement.Published): lambda app, n: app.announcement_mails(n.originator_id),  # type: ignore[attr-defined]
    topic(DocumentNotice.Published): lambda app, n: app.document_mails(n.originator_id),  # type: ignore[attr-defined]
}
MailsFor = Callable[[GrantsApplication, Notification], list[dict[str, Any]]]


class FileOutbox:
    """A directory of RFC 5322 `.eml` files plus the position of the last event mailed."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._position_file = directory / ".position"

    def deliver(self, message: EmailMessage, name: str) -> Path:
        """Write the message atomically; the same name replaces, never duplicates."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{name}.eml"
        _write_atomically(path, message.as_bytes(policy=SMTP))
        return path

    def position(self) -> int:
        try:
            return int(self._position_file.read_text().strip() or 0)
        except FileNotFoundError:
            return 0

    def advance(self, position: int) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        _write_atomically(self._position_file, str(position).encode())


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


class OutboxMailer:
    """Tracked processor: each notifying event becomes one mail per recipient in the outbox."""

    def __init__(
        self,
        app: GrantsApplication,
        outbox: FileOutbox,
        link: Callable[[str], str],
        sender: str,
        batch_size: int = 100,
    ) -> None:
        self.app, self.outbox, self.link, self.sender = app, outbox, link, sender
        self.batch_size = batch_size
        self._wakeup = threading.Event()

    def wake(self) -> None:
        """Look at the log now rather than at the next poll."""
        self._wakeup.set()

    def process_pending(self) -> int:
        """Mail everything recorded after the tracked position; answer how many mails."""
        mailed = 0
        while True:
            notifications = self.app.recorder.select_notifications(
                start=self.outbox.position(),
                limit=self.batch_size,
                topics=list(MAIL_TOPICS),
                inclusive_of_start=False,
            )
            if not notifications:
                return mailed
            for notification in notifications:
                mailed += self._mail(notification)
                self.outbox.advance(notification.id)

    def _mail(self, notification: Notification) -> int:
        mails: list[dict[str, Any]] = MAIL_TOPICS[notification.topic](self.app, notification)
        for mail in mails:
            context = dict(mail["context"])
            if mail["kind"] == "grant_confirmation":
                context["link"] = self.link(context["token"])
            message = render_mail(
                mail["kind"],
                mail["locale"],
                mail["to"],
                self.sender,
                context,
                message_key=mail["key"],
            )
            self.outbox.deliver(message, re.sub(r"[^A-Za-z0-9-]", "-", mail["key"]))
            log.info("%s mail written for position %s", mail["kind"], notification.id)
        return len(mails)

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Poll until `stop` is set; errors are logged and retried, never fatal."""
        while not stop.is_set():
            try:
                self.process_pending()
            except Exception:
                log.exception("mailer failed; retrying")
            self._wakeup.wait(interval)
            self._wakeup.clear()
