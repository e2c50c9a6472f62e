"""The notifier: turns notifying events into mail, exactly one per (event, recipient).

It reads which events happened from a source (Kafka's `toegang.events.v1` in a consumer group,
or the log itself in the embedded mode without Kafka) and what to say from the event store
(addresses and access codes are never on Kafka). Temporary failures are retried with
exponential backoff; after the last attempt the mail goes to the dead-letter topic.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from services.grants.domain.catalogue import CATALOGUE
from services.grants.notices import NoticeQueries
from services.notifications.delivery import Claim, DeliveryLog, recipient_key
from services.notifications.mail import render_mail
from services.notifications.mailers import MAILERS
from services.notifications.sending import PermanentFailure, Sender, TemporaryFailure, sender_for
from services.settings import Settings

log = logging.getLogger("toegang.notifier")


@dataclass
class Outcome:
    """What happened to one mail: published on toegang.notifications.v1 (no address)."""

    event_id: str
    event_type: str
    aggregate_id: str
    version: int
    kind: str
    recipient: str
    status: str
    attempts: int
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Notifier:
    """Delivers the mails of one event, deduplicated by the delivery log.

    `publish` sends an outcome to the outcomes topic; outcomes wait in the delivery log until
    it succeeded, so a broker outage delays them and loses none. Without it (the embedded
    mode without Kafka) outcomes are only recorded.
    """

    def __init__(
        self,
        notices: NoticeQueries,
        sender: Sender,
        deliveries: DeliveryLog,
        mail_from: str,
        link: Callable[[str], str],
        publish: Callable[[Outcome], None] | None,
        max_attempts: int = 6,
        backoff: float = 1.0,
        reply_to: str | None = None,
    ) -> None:
        self.notices, self.sender, self.deliveries = notices, sender, deliveries
        self.mail_from, self.link, self.publish = mail_from, link, publish
        self.max_attempts, self.backoff, self.reply_to = max_attempts, backoff, reply_to

    def handle(
        self,
        event_type: str,
        event_id: str,
        aggregate_id: Any,
        version: int,
        only: str | None = None,
    ) -> list[Outcome]:
        """Send what the event asks for (only to `only`, a recipient key, when given)."""
        kind = CATALOGUE.by_type(event_type)
        builder = MAILERS.get(kind) if kind else None
        if builder is None:
            return []
        if not self.notices.has_opening_event(aggregate_id):
            # Only an altered log has an event without its aggregate's opening one: no mail
            # can be written, and retrying would stop every mail after it.
            log.error("event %s has no opening event in the log; no mail sent", event_id)
            return []
        outcomes = []
        for mail in builder(self.notices, aggregate_id, version):
            recipient = recipient_key(mail["to"])
            if (only and recipient != only) or not self._claim(event_id, recipient, mail):
                continue
            outcome = Outcome(
                event_id, event_type, str(aggregate_id), version, mail["kind"], recipient, "", 0
            )
            outcomes.append(self._deliver(mail, outcome))
        self.publish_outcomes()
        return outcomes

    def _claim(self, event_id: str, recipient: str, mail: dict[str, Any]) -> bool:
        """Write the intent to send; wait out an attempt that may still be running."""
        for _ in range(2):
            claim = self.deliveries.claim(event_id, recipient, mail["kind"], self.sender.timeout)
            if claim is not Claim.IN_FLIGHT:
                return claim is Claim.CLAIMED
            log.warning(
                "mail %s of event %s has an attempt under way or cut off by a crash; it goes "
                "out once that attempt has surely ended (same Message-ID)",
                mail["kind"],
                event_id,
            )
            time.sleep(self.sender.timeout)
        return False

    def publish_outcomes(self) -> None:
        """Publish the outcomes the broker has not acknowledged yet (oldest first)."""
        if self.publish is None:
            return
        for pending in self.deliveries.unpublished():
            self.publish(Outcome(**pending))
            self.deliveries.published(pending["event_id"], pending["recipient"])

    def _deliver(self, mail: dict[str, Any], outcome: Outcome) -> Outcome:
        message = self._render(mail)
        name = "".join(c if c.isalnum() or c == "-" else "-" for c in mail["key"])
        for attempt in range(1, self.max_attempts + 1):
            outcome.attempts = attempt
            try:
                self.sender.send(message, name, lambda: self._record(outcome, "sent"))
                return outcome
            except PermanentFailure as error:
                outcome.error = f"permanent: {error}"
                break
            except TemporaryFailure as error:
                outcome.error = f"temporary: {error}"
                if attempt < self.max_attempts:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
        self._record(outcome, "failed")
        log.warning(
            "mail %s for event %s failed after %s attempts (%s)",
            mail["kind"],
            outcome.event_id,
            outcome.attempts,
            outcome.error,
        )
        return outcome

    def _record(self, outcome: Outcome, status: str) -> None:
        outcome.status = status
        published = asdict(outcome) if self.publish is not None else None
        self.deliveries.record(
            outcome.event_id,
            outcome.recipient,
            outcome.kind,
            status,
            outcome.attempts,
            published,
        )

    def _render(self, mail: dict[str, Any]) -> Any:
        context = dict(mail["context"])
        if mail["kind"] == "grant_confirmation":
            context["link"] = self.link(context["token"])
        message = render_mail(
            mail["kind"],
            mail["locale"],
            mail["to"],
            self.mail_from,
            context,
            message_key=mail["key"],
        )
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        return message


def notifier_for(
    settings: Settings,
    notices: NoticeQueries,
    deliveries: DeliveryLog,
    publish: Callable[[Outcome], None] | None,
) -> Notifier:
    """The notifier as configured: its sender, addresses, link and retry policy from settings."""
    return Notifier(
        notices,
        sender_for(settings.smtp_url, settings.outbox_dir),
        deliveries,
        settings.mail_from,
        settings.confirm_link,
        publish,
        settings.notify_max_attempts,
        settings.notify_backoff,
        settings.mail_reply_to,
    )
