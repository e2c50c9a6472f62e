"""`toegang audit history|access|verify|report` and `toegang privacy forget`.

They work on the configured store directly (no running service needed): the audit view is
first brought up to the log's head, then asked. Exit codes: 0 done, 1 the chain is altered
(verify) or the subject is unknown (forget), 2 bad input or an unreachable store.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from services.audit import arguments, export
from services.audit.report_cli import add_report_options, report_command
from services.audit.service import AuditService, HistoryFilter, open_audit
from services.commands import Commands
from services.grants.domain.base import DomainError
from services.settings import Settings

Handler = Callable[[Settings, argparse.Namespace], int]


def add_commands(commands: Commands) -> None:
    audit = commands.add_parser("audit", help="the audit trail: history, access, verify")
    actions = audit.add_subparsers(required=True, metavar="ACTION")
    history = actions.add_parser("history", help="events in log order, filtered")
    arguments.history_options(history)
    history.set_defaults(handler=guarded(history_command))
    access = actions.add_parser("access", help="who had access at an instant")
    arguments.access_options(access)
    access.set_defaults(handler=guarded(access_command))
    verify = actions.add_parser("verify", help="recompute the hash chain (exit 1 if altered)")
    arguments.verify_options(verify)
    verify.set_defaults(handler=guarded(verify_command))
    report = actions.add_parser("report", help="a self-contained HTML report per organisation")
    add_report_options(report)
    report.set_defaults(handler=guarded(report_command))


def guarded(handler: Handler) -> Handler:
    """Turn bad input and an unreachable store into one line and exit 2, no traceback."""

    def run(settings: Settings, args: argparse.Namespace) -> int:
        try:
            return handler(settings, args)
        except (DomainError, ValueError) as error:
            print(f"toegang: {getattr(error, 'detail', '') or error}", file=sys.stderr)
        except OSError as error:
            print(f"toegang: the store cannot be read ({error})", file=sys.stderr)
        except Exception as error:  # noqa: BLE001 - a driver's error class per backend
            print(f"toegang: {type(error).__name__}: {error}", file=sys.stderr)
        return 2

    return run


def history_filter(args: argparse.Namespace) -> HistoryFilter:
    """The filters given on the command line, checked by the parser like the API's."""
    return HistoryFilter(
        platform=args.filter_platform,
        organisation=args.filter_organisation,
        grant_id=args.filter_grant,
        user_id=args.filter_user,
        start=args.filter_from,
        end=args.filter_to,
    )


def history_command(settings: Settings, args: argparse.Namespace) -> int:
    """Print (or write) the matching history."""
    query = history_filter(args)
    with _audit(settings, catch_up=True) as audit:
        if args.format in ("csv", "jsonl"):
            _write(export.lines(audit.all_history(query), args.format), args.out)
        elif args.format == "json":
            page = audit.history(query, args.after, args.limit)
            _write([json.dumps(page, indent=2) + "\n"], args.out)
        else:
            _history_table(audit.history(query, args.after, args.limit))
    return 0


def _history_table(page: dict[str, Any]) -> None:
    table = Table("position", "time (UTC)", "event", "actor", "route", "facts")
    for e in page["entries"]:
        facts = ", ".join(f"{k}={v}" for k, v in e["data"].items())
        table.add_row(str(e["position"]), e["time"][:19], e["type"], e["actor"]["label"],
                      e["actor"]["route"], facts)  # fmt: skip
    Console(width=200).print(table)
    if page["next_after"] is not None:
        print(f"more: --after {page['next_after']}")


def access_command(settings: Settings, args: argparse.Namespace) -> int:
    """Print who had access to the organisation at the instant."""
    at, platform, organisation = args.at, args.platform, args.organisation
    with _audit(settings, catch_up=True) as audit:
        answer = audit.access_at(platform, organisation, at)
    if args.format == "json":
        print(json.dumps(answer, indent=2))
        return 0
    table = Table("kind", "holder", "rights", "route", "since", "approved by")
    for row in answer["access"]:
        approved = (row.get("approved_by") or {}).get("method", "")
        table.add_row(row["kind"], row["holder"], row["rights"], row["route"],
                      row["since"][:19], approved)  # fmt: skip
    Console(width=200).print(f"Access to {organisation} on {platform} at {answer['at']}")
    Console(width=200).print(table)
    return 0


def verify_command(settings: Settings, args: argparse.Namespace) -> int:
    """Recompute the chain: exit 0 intact, 1 altered (the first problem's position named)."""
    with _audit(settings, catch_up=False) as audit:
        report = audit.verify()
        anchored = _anchor_problem(audit, args.anchor) if args.anchor else None
    if anchored:
        print(f"hash chain altered: {anchored}", file=sys.stderr)
        return 1
    if report.ok:
        print(
            f"hash chain intact: {report.events} events, "
            f"head {report.head} at position {report.head_position}"
        )
        return 0
    first = report.problems[0]
    print(
        f"hash chain altered: {first.kind} event at position {first.position} ({first.detail}); "
        f"{len(report.problems)} problem(s) in {report.events} events",
        file=sys.stderr,
    )
    return 1


def _anchor_problem(audit: AuditService, anchor: str) -> str | None:
    """Why the chain no longer holds the anchored head, or None when it does."""
    position_text, _, digest = anchor.partition(":")
    position = int(position_text)
    held = audit.verifier.digest_at(position)
    if held != digest.strip().lower():
        return f"the anchored digest at position {position} is not in the chain (rewritten)"
    return None


@contextmanager
def _audit(settings: Settings, catch_up: bool) -> Iterator[AuditService]:
    service = open_audit(settings, catch_up=catch_up)
    try:
        yield service
    finally:
        service.close()
        service.log.close()


def _write(lines: Iterable[str], out: Path | None) -> None:
    if out is None:
        sys.stdout.writelines(lines)
        return
    with out.open("w", encoding="utf-8", newline="") as file:
        file.writelines(lines)
