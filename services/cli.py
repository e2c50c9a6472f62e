"""The `toegang` command: serve the service, load demo data."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys

import psycopg
from eventsourcing.persistence import PersistenceError

from services import demo, keys
from services.audit import cli as audit_cli
from services.audit import forget as privacy_cli
from services.audit.rebuild import AUDIT_VIEW
from services.bootstrap import context_opener, embedded_roles
from services.commands import Parser, bounded_int
from services.logs import configure_logging
from services.notifications import cli as notifications_cli
from services.projections import cli as projections_cli
from services.projections.rebuild import ACCESS_VIEW
from services.settings import Settings, SettingsError, load_settings

STORE_ERRORS = (PersistenceError, psycopg.Error, sqlite3.Error)
"""What an unreachable or unusable store raises, whichever layer notices first."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `toegang` console script."""
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        for line in error.lines:
            print(f"toegang: {line}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format, args.log_level)
    try:
        result: int = args.handler(settings, args)
    except STORE_ERRORS as error:
        variable = "TOEGANG_DATABASE_URL" if settings.uses_postgres else "TOEGANG_DATA_DIR"
        print(f"toegang: {variable}: the store cannot be used ({error})", file=sys.stderr)
        return 2
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"toegang: TOEGANG_DATA_DIR: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    return result


def parser() -> argparse.ArgumentParser:
    """The `toegang` parser; commands other than `serve` log warnings and errors only."""
    root = Parser(prog="toegang", description=__doc__)
    root.set_defaults(log_level=logging.WARNING)
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve", help="run the service (embedded: everything in one process)"
    )
    serve.add_argument(
        "role",
        nargs="?",
        choices=["embedded", "grants", "projections", "relay", "notifications"],
        default="embedded",
        metavar="ROLE",
        help="embedded, or a distributed role: grants, projections, relay or notifications",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", metavar="ADDRESS", help="address to listen on"
    )
    serve.add_argument(
        "--port",
        type=bounded_int(0, 65535),
        default=8000,
        metavar="PORT",
        help="port to listen on (0: any free port)",
    )
    serve.set_defaults(handler=serve_command, log_level=logging.INFO)
    load = commands.add_parser("demo", help="load demo platforms and organisations")
    load.set_defaults(handler=demo_command)
    projections_cli.add_commands(commands, (ACCESS_VIEW, AUDIT_VIEW))
    notifications_cli.add_commands(commands, context_opener("notices"))
    audit_cli.add_commands(commands)
    privacy_cli.add_commands(commands, context_opener("privacy"))
    return root


def serve_command(settings: Settings, args: argparse.Namespace) -> int:
    """Run the HTTP service until interrupted."""
    import uvicorn

    from services.bootstrap import create_app

    if args.role != "embedded" and settings.api_tokens is None:
        print("toegang: distributed roles need TOEGANG_API_TOKENS", file=sys.stderr)
        return 2
    tokens, new_admin_token = keys.api_tokens(settings)
    warn_if_admin_token_ignored(settings)
    if new_admin_token:
        print(
            f"Admin token for {settings.data_dir} (shown once, kept in "
            f"{settings.data_dir / 'admin-token'}):\n  {new_admin_token}",
            flush=True,
        )
    roles = embedded_roles(settings) if args.role == "embedded" else (args.role,)
    if "relay" in roles and not settings.kafka_bootstrap:
        print("toegang: the relay needs TOEGANG_KAFKA_BOOTSTRAP", file=sys.stderr)
        return 2
    app = create_app(settings, tokens, roles=roles)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


def demo_command(settings: Settings, args: argparse.Namespace) -> int:
    """Load the demo data into the configured store and print what to try."""
    tokens, _ = keys.api_tokens(settings)
    warn_if_admin_token_ignored(settings)
    admin = next((t for t, scopes in tokens.items() if "admin" in scopes), None)
    print(demo.load(settings, admin or "<your admin token>"))
    return 0


def warn_if_admin_token_ignored(settings: Settings) -> None:
    """Say once, at start, that a generated admin token stopped working."""
    if (path := keys.ignored_admin_token(settings)) is not None:
        print(
            f"toegang: warning: TOEGANG_API_TOKENS is set, so the generated admin token in "
            f"{path} is ignored (add it to TOEGANG_API_TOKENS or delete the file)",
            file=sys.stderr,
            flush=True,
        )


if __name__ == "__main__":
    raise SystemExit(main())
