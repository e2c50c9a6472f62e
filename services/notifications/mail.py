"""Mail rendering: Jinja2 templates per locale, text and HTML parts, proper headers."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def render_mail(
    kind: str, locale: str, to: str, sender: str, context: dict[str, Any], message_key: str
) -> EmailMessage:
    """An RFC 5322 message from `<locale>/<kind>.{subject,txt,html}` templates.

    `message_key` makes the Message-ID stable, so a mail rendered twice for the same event
    is recognisably the same message.
    """
    subject = TEMPLATES.get_template(f"{locale}/{kind}.subject").render(context).strip()
    message = EmailMessage()
    message["To"] = to
    message["From"] = sender
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = f"<{message_key}@{sender_domain(sender)}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(TEMPLATES.get_template(f"{locale}/{kind}.txt").render(context), cte="8bit")
    message.add_alternative(
        TEMPLATES.get_template(f"{locale}/{kind}.html").render(context), subtype="html", cte="8bit"
    )
    message["Content-Language"] = locale  # after set_content, which clears Content-* headers
    return message


def sender_domain(sender: str) -> str:
    """The domain of the From address, for Message-IDs."""
    return parseaddr(sender)[1].rpartition("@")[2] or "toegang.localhost"
