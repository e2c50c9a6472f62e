"""Structured logs: one JSON object per line, with the request id and, for commands, the log
position. Messages name ids, codes and positions, never names, addresses or tokens."""

from __future__ import annotations

import atexit
import logging
import queue
import sys
import threading
import time
from logging.handlers import QueueHandler, QueueListener
from types import TracebackType
from typing import Any

from services.log_lines import ACCESS, AccessLine, JsonFormatter, json_line, request_id


def log_access(method: str, route: str, status: int, duration_ms: float) -> None:
    """Log one answered request on `toegang.access`: as a tuple for the writer thread when
    it runs (a record costs more than the rest of a check), else as a record."""
    if not ACCESS.isEnabledFor(logging.INFO):
        return
    if _writer is None:
        extra = {"status": status, "duration_ms": duration_ms}
        ACCESS.info("%s %s %s", method, route, status, extra=extra)
        return
    line = AccessLine(time.time(), request_id.get(), method, route, status, duration_ms)
    _writer.queue.put_nowait(line)


class DeferredHandler(QueueHandler):
    """Hands records to a writer thread, so no request waits for a line to be formatted
    and written (or for a stalled log pipe). What cannot cross threads is taken along:
    the request id and the formatted traceback."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record.msg, record.args = record.getMessage(), None
        if (current := request_id.get()) is not None:
            record.request_id = current
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        return record


def configure_logging(style: str = "json", level: int = logging.INFO) -> None:
    """Route every logger (uvicorn's too) to one handler in the chosen style."""
    global _writer
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if style == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    if _writer is not None:
        _writer.stop()
    lines: queue.SimpleQueue[Any] = queue.SimpleQueue()
    _writer = LineWriter(lines, handler)
    _writer.start()
    atexit.register(flush_logs)
    # The logging HOWTO's optimisations for what a line never shows: the caller's file and
    # line, thread and process ids (the access line is written for every request).
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    root.handlers[:] = [DeferredHandler(lines)]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # its lines carry query strings
    # One line per failed reconnect and pooled connection while the database is away: the
    # processors' own lines and /readyz say it once.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    sys.excepthook = log_uncaught
    threading.excepthook = log_uncaught_in_thread


class LineWriter(QueueListener):
    """The thread that formats and writes the queued records, and can be waited for."""

    pause = 0.02  # seconds to gather lines: one wake-up per pause under load, not per line

    def __init__(self, lines: queue.SimpleQueue[Any], handler: logging.StreamHandler[Any]):
        super().__init__(lines, handler)
        self.stream_handler = handler
        self.pending: list[str] = []  # access lines not yet written

    def dequeue(self, block: bool) -> Any:
        if self.queue.empty():  # type: ignore[attr-defined]
            self.write_pending()
            time.sleep(self.pause)
        return self.queue.get()  # the monitor always blocks

    def handle(self, record: Any) -> None:
        if isinstance(record, AccessLine):
            self.access(record)
            return
        self.write_pending()  # in order
        written = getattr(record, "written", None)
        if isinstance(written, threading.Event):
            written.set()
        else:
            super().handle(record)

    def access(self, line: AccessLine) -> None:
        """A JSON access line joins the pending ones (written together); in another style
        it is handled as the record it stands for."""
        if isinstance(self.stream_handler.formatter, JsonFormatter):
            fields = line.fields()
            self.pending.append(
                json_line(line.created, "info", ACCESS.name, line.message(), fields)
            )
            return
        record = logging.makeLogRecord({"name": ACCESS.name, "levelno": logging.INFO})
        record.levelname, record.msg, record.created = "INFO", line.message(), line.created
        record.__dict__.update(line.fields())
        super().handle(record)

    def stop(self) -> None:
        super().stop()
        self.write_pending()  # the thread has ended: what it gathered last

    def write_pending(self) -> None:
        if self.pending:
            lines, self.pending = self.pending, []
            self.stream_handler.stream.write("\n".join(lines) + "\n")
            self.stream_handler.flush()

    def flush(self, timeout: float = 2.0) -> None:
        """Return once every record queued before this call is written (or after `timeout`)."""
        written = threading.Event()
        self.queue.put_nowait(logging.makeLogRecord({"written": written}))
        written.wait(timeout)


_writer: LineWriter | None = None


def flush_logs() -> None:
    """Write every line still queued and stop the writer (at exit)."""
    global _writer
    if _writer is not None:
        _writer.stop()
        _writer = None


def log_uncaught(
    kind: type[BaseException],
    error: BaseException,
    trace: TracebackType | None,
    thread: threading.Thread | None = None,
) -> None:
    """Log an exception nothing caught as one record of the `toegang` logger."""
    name = (thread or threading.current_thread()).name
    logging.getLogger("toegang").critical(
        "uncaught %s in thread %s",
        kind.__name__,
        name,
        exc_info=(kind, error, trace),
        extra={"thread_name": name, "exception_class": f"{kind.__module__}.{kind.__qualname__}"},
    )
    if _writer is not None:
        _writer.flush()  # what follows is often the end of the process


def log_uncaught_in_thread(hook: threading.ExceptHookArgs) -> None:
    """`threading.excepthook`: like the default, a thread ending by SystemExit is quiet."""
    if hook.exc_value is None or issubclass(hook.exc_type, SystemExit):
        return
    log_uncaught(hook.exc_type, hook.exc_value, hook.exc_traceback, hook.thread)
