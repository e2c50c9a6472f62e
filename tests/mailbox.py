"""Read confirmation mail from the file outbox the way a person would: open it, follow the link."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.support import wait_until

LINK = re.compile(r"https?://\S+/confirm\?token=[A-Za-z0-9._-]+")


def mails_for(outbox: Path, grant_id: str) -> list[Path]:
    return sorted(
        outbox.glob(f"grant-confirmation-{grant_id}-*.eml"),
        key=lambda path: int(path.stem.rsplit("-", 1)[1]),
    )


def read_mail(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    return message


def latest_mail(outbox: Path, grant_id: str, count: int = 1) -> EmailMessage:
    """The newest confirmation mail for a grant, once at least `count` have arrived."""
    paths = wait_until(
        lambda: len(mails_for(outbox, grant_id)) >= count and mails_for(outbox, grant_id)
    )
    return read_mail(paths[-1])


def link_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found, "no confirmation link in the mail"
    return found.group(0)


def token_in(message: EmailMessage) -> str:
    return parse_qs(urlsplit(link_in(message)).query)["token"][0]


def mailed_token(outbox: Path, grant_id: str, count: int = 1) -> str:
    """The token from the link in the newest confirmation mail for a grant."""
    return token_in(latest_mail(outbox, grant_id, count))
