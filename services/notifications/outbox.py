"""The file outbox and the tracked processor that fills it with confirmation mail.

Until the notification service runs, mail is written as `.eml` files. The mailer reads the
log after its tracked position, writes each mail under a name derived from its event (so a
replay overwrites rather than duplicates), then advances the position: a crash in between
writes the same file again, never a second one.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

from services.grants.application import GrantsApplication
from services.grants.domain.grant import Grant
from services.notifications.mail import render_mail

log = logging.getLogger("toegang.outbox")
CONFIRMATION_TOPIC = f"{Grant.__module__}:{Grant.ConfirmationIssued.__qualname__}"  # type: ignore[attr-defined]


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


class ConfirmationMailer:
    """Tracked processor: every ConfirmationIssued event becomes one mail in the outbox."""

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
        """Mail everything recorded after the tracked position; answer how many were mailed."""
        mailed = 0
        while True:
            after = self.outbox.position()
            notifications = self.app.recorder.select_notifications(
                start=after,
                limit=self.batch_size,
                topics=[CONFIRMATION_TOPIC],
                inclusive_of_start=False,
            )
            if not notifications:
                return mailed
            for notification in notifications:
                self._mail(notification.originator_id, notification.originator_version)
                self.outbox.advance(notification.id)
                mailed += 1

    def _mail(self, grant_id: Any, version: int) -> None:
        notice = self.app.confirmation_notice(grant_id, version)
        context = {**notice, "link": self.link(notice["token"])}
        message = render_mail(
            "grant_confirmation",
            notice["locale"],
            notice["sent_to"],
            self.sender,
            context,
            message_key=f"grant-confirmation.{grant_id}.{version}",
        )
        self.outbox.deliver(message, f"grant-confirmation-{grant_id}-{version}")
        log.info("confirmation mail written for grant %s version %s", grant_id, version)

    def run(self, stop: threading.Event, interval: float = 0.2) -> None:
        """Poll until `stop` is set; errors are logged and retried, never fatal."""
        while not stop.is_set():
            try:
                self.process_pending()
            except Exception:
                log.exception("confirmation mailer failed; retrying")
            stop.wait(interval)
