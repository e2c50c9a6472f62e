"""`toegang projections rebuild|status`: operate the views from the command line."""

from __future__ import annotations

import argparse
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from services.commands import Commands, bounded_int
from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.projections.rebuild import View
from services.settings import Settings


def add_commands(commands: Commands, views: tuple[View, ...]) -> None:
    """The `projections` commands over `views` (the first is the one rebuilt by default)."""
    group = commands.add_parser("projections", help="rebuild or inspect the views")
    actions = group.add_subparsers(required=True, metavar="ACTION")
    rebuild = actions.add_parser("rebuild", help="replay the log into the view's tables")
    names = [view.name for view in views]
    rebuild.add_argument(
        "view", nargs="?", choices=names, default=names[0], metavar="VIEW",
        help=f"the view to rebuild: {' or '.join(names)}",
    )  # fmt: skip
    rebuild.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted rebuild instead of starting over",
    )
    rebuild.add_argument(
        "--batch-size", type=bounded_int(1, 1_000_000), default=5000, metavar="EVENTS",
        help="events applied per transaction",
    )  # fmt: skip
    rebuild.set_defaults(handler=rebuild_command, views={view.name: view for view in views})
    status = actions.add_parser("status", help="each view's position and lag")
    status.set_defaults(handler=status_command, views={view.name: view for view in views})


def rebuild_command(settings: Settings, args: argparse.Namespace) -> int:
    """Rebuild a view with a progress bar (events, events/s, ETA)."""
    event_log, database = open_event_log(settings), ViewDatabase(settings)
    started, console = time.monotonic(), Console(stderr=True)
    columns = (
        TextColumn("rebuild {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>9,.0f} events/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task(args.view, total=event_log.head() or 1, rate=0.0)

            def progress(position: int, head: int) -> None:
                rate = position / max(time.monotonic() - started, 1e-6)
                bar.update(task, completed=position, total=head, rate=rate)

            rebuild = args.views[args.view].rebuild
            position = rebuild(event_log, database, progress, args.batch_size, not args.resume)
        elapsed = time.monotonic() - started
        done = "and swapped in" if args.view == "access" else "in place"
        console.print(f"{args.view}: rebuilt to position {position} in {elapsed:.1f} s {done}")
    finally:
        event_log.close()
        database.close()
    return 0


def status_command(settings: Settings, args: argparse.Namespace) -> int:
    """Print each view's position, lag, events applied and generation."""
    event_log, database = open_event_log(settings), ViewDatabase(settings)
    try:
        rows = [row for view in args.views.values() for row in view.status(event_log, database)]
    finally:
        event_log.close()
        database.close()
    table = Table("view", "position", "lag", "applied", "generation", "version")
    for row in rows:
        table.add_row(
            *(
                str(row[key])
                for key in ("view", "position", "lag", "applied", "generation", "version")
            )
        )
    Console().print(table)
    return 0
