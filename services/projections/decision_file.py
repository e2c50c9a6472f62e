"""The decision log's file sink: JSON lines appended to one file."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO


class FileSink:
    """Appends JSON lines to a file, flushed once per batch; opened at the first batch."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: BinaryIO | None = None

    def write(self, records: list[tuple[str, bytes]]) -> None:
        """Append the batch and flush it."""
        if self.file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = open(self.path, "ab")  # noqa: SIM115 - kept open across batches
        self.file.write(b"".join(line for _, line in records))
        self.file.flush()

    def close(self) -> None:
        """Close the file if it was opened."""
        if self.file is not None:
            self.file.close()
            self.file = None
