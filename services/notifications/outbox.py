"""The file outbox: mail written as RFC 5322 `.eml` files when no SMTP server is configured.

A mail's file name is derived from its event and recipient, so writing it again replaces the
same file rather than adding a second one."""

from __future__ import annotations

import logging
import os
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

log = logging.getLogger("toegang.outbox")


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
