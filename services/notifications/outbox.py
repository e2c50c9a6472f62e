"""The file outbox: mail written as RFC 5322 `.eml` files when no SMTP server is configured.

A mail's file name is derived from its event and recipient, so writing it again replaces the
same file rather than adding a second one."""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path


class FileOutbox:
    """A directory of RFC 5322 `.eml` files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def deliver(self, message: EmailMessage, name: str) -> Path:
        """Write the message atomically; the same name replaces, never duplicates."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{name}.eml"
        _write_atomically(path, message.as_bytes(policy=SMTP))
        return path


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
