"""The argument types of the `toegang audit` commands: a bad value is refused by the parser,
naming the option (`toegang: --at: not an ISO 8601 date-time: 'yesterday'`)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from services.audit.timefmt import parse_instant
from services.commands import bounded_int
from services.grants import identifiers
from services.grants.domain.base import DomainError

ANCHOR = re.compile(r"\d+:[0-9a-fA-F]+")


def instant(text: str) -> datetime:
    """An ISO 8601 date-time (`2026-03-01T12:00Z`; without an offset: UTC)."""
    try:
        return parse_instant(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text[:40]!r}") from None


def _checked(check: Callable[[str], str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        try:
            return check(text)
        except DomainError as error:
            raise argparse.ArgumentTypeError(error.detail or str(error)) from None

    parse.__name__ = check.__name__
    return parse


platform = _checked(identifiers.platform_slug)
"""A platform slug such as `befrank-werkgeversportaal`."""
organisation = _checked(identifiers.organisation_ref)
"""A `kvk:NNNNNNNN` or `kbo:NNNNNNNNNN` reference."""


def anchor(text: str) -> str:
    """`POSITION:DIGEST`, a head recorded earlier."""
    if not ANCHOR.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"not POSITION:DIGEST (hex): {text[:80]!r}")
    return text.strip()


FILTERS: dict[str, tuple[Callable[[str], Any], str, str]] = {
    "platform": (platform, "SLUG", "events of this platform"),
    "organisation": (organisation, "REF", "events concerning kvk:… or kbo:…"),
    "grant": (str, "GRANT_ID", "events of this grant"),
    "user": (str, "USER_ID", "events of this platform user"),
    "from": (instant, "INSTANT", "events at or after this ISO 8601 date-time"),
    "to": (instant, "INSTANT", "events before this ISO 8601 date-time"),
}


def history_options(command: argparse.ArgumentParser) -> None:
    """The filters (`args.filter_<name>`, parsed), paging, format and output file."""
    for name, (kind, metavar, text) in FILTERS.items():
        command.add_argument(
            f"--{name}",
            dest=f"filter_{name}",
            type=kind,
            metavar=metavar,
            help=f"{text} (default: all)",
        )
    command.add_argument(
        "--after",
        type=bounded_int(0),
        default=0,
        metavar="POSITION",
        help="position to continue after",
    )
    command.add_argument(
        "--limit",
        type=bounded_int(1),
        default=100,
        metavar="N",
        help="entries per page (table, json)",
    )
    command.add_argument(
        "--format",
        choices=["table", "json", "csv", "jsonl"],
        default="table",
        help="output format; csv and jsonl export the whole selection",
    )
    command.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")


def access_options(command: argparse.ArgumentParser) -> None:
    """Platform, organisation and instant (all required, parsed), and the format."""
    command.add_argument(
        "--platform",
        required=True,
        type=platform,
        metavar="SLUG",
        help="the platform, e.g. befrank-werkgeversportaal",
    )
    command.add_argument(
        "--organisation",
        required=True,
        type=organisation,
        metavar="REF",
        help="whose data: kvk:NNNNNNNN or kbo:NNNNNNNNNN",
    )
    command.add_argument(
        "--at",
        required=True,
        type=instant,
        metavar="INSTANT",
        help="ISO 8601 date-time, e.g. 2026-03-01T12:00Z (no offset: UTC)",
    )
    command.add_argument(
        "--format", choices=["table", "json"], default="table", help="output format"
    )


def verify_options(command: argparse.ArgumentParser) -> None:
    """The optional anchor."""
    command.add_argument(
        "--anchor",
        metavar="POSITION:DIGEST",
        type=anchor,
        help="a head recorded earlier (outside this database): the chain must still hold it",
    )
