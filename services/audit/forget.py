"""`toegang privacy forget <subject>`: erase a person (GDPR art. 17) by crypto-shredding."""

from __future__ import annotations

import argparse
import functools
import sys

from services.audit.cli import guarded
from services.commands import Commands, Opener
from services.credentials.privacy import PrivacyUseCases
from services.eventlog.database import ViewDatabase
from services.grants.app_base import NotFound
from services.grants.domain.actor import service_actor
from services.notifications.erasure import forget_recipient, purge_outbox
from services.settings import Settings


def add_commands(commands: Commands, open_privacy: Opener[PrivacyUseCases]) -> None:
    """The `privacy` commands; `open_privacy` is the composition root's way to open them."""
    privacy = commands.add_parser("privacy", help="personal data: erase a data subject")
    actions = privacy.add_subparsers(required=True, metavar="ACTION")
    forget = actions.add_parser(
        "forget", help="erase a platform user's name and address for good (destroys their key)"
    )
    forget.add_argument("subject", help="the data subject: a platform user's user_id")
    forget.set_defaults(handler=guarded(functools.partial(forget_command, open_privacy)))


def forget_command(
    open_privacy: Opener[PrivacyUseCases], settings: Settings, args: argparse.Namespace
) -> int:
    """Erase the subject: end access, record the erasure, destroy the key, purge mail."""
    try:
        with open_privacy(settings) as privacy:
            erased = privacy.forget_data_subject(args.subject, service_actor("privacy-cli"))
    except NotFound:
        print(f"toegang: no data subject {args.subject}", file=sys.stderr)
        return 1
    database = ViewDatabase(settings)
    try:
        mails = purge_outbox(settings.outbox_dir, erased["subject"], erased["address"])
        deliveries = forget_recipient(database, erased["address"])
    finally:
        database.close()
    print(
        f"erased {erased['subject']} at position {erased['position']}: access ended, name and "
        f"address unreadable (key destroyed); {mails} outbox mail(s) deleted, "
        f"{deliveries} delivery record(s) unlinked"
    )
    return 0
