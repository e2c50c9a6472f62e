"""The notifier over the log (embedded mode without Kafka) is a tracked processor: a crash
between steps never loses a mail, and the delivery log never lets it go out twice."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from services.bootstrap import build_grants_application
from services.bootstrap.application import ToegangApplication
from services.eventlog import event_ids
from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.notifications.delivery import Claim, DeliveryLog, recipient_key
from services.notifications.loops import LogLoop
from services.notifications.notifier import Notifier
from services.notifications.sending import FileSender
from services.settings import Settings
from tests.mailbox import read_mail, token_in
from tests.world import build_world


@pytest.fixture
def own_app(fresh_settings: Settings) -> Iterator[ToegangApplication]:
    """A store of its own: no other notifier shares its delivery log."""
    application = build_grants_application(fresh_settings)
    yield application
    application.close()


def notifier_loop(app: ToegangApplication, settings: Settings, directory: Path) -> LogLoop:
    """The embedded notifier, writing to `directory`."""
    database = ViewDatabase(settings)
    notifier = Notifier(
        app.notices,
        FileSender(directory),
        DeliveryLog(database),
        settings.mail_from,
        settings.confirm_link,
        lambda _: None,
    )
    return LogLoop(notifier, open_event_log(settings), database)


def test_crash_after_sending_before_tracking_sends_nothing_twice(
    own_app: ToegangApplication, fresh_settings: Settings, tmp_path: Path
) -> None:
    loop = notifier_loop(own_app, fresh_settings, tmp_path)
    world = build_world(own_app)
    grant_id = own_app.grants.request_grant(
        world.platform, world.employer, world.advisor, "edit", world.employer_actor()
    )["grant_id"]
    assert loop.process_pending() == 1
    first = sorted(tmp_path.glob("*.eml"))
    assert len(first) == 1
    assert grant_id in first[0].name
    assert token_in(read_mail(first[0]))
    first[0].unlink()
    loop._advance(0)
    assert loop.process_pending() == 1  # the event is looked at again ...
    assert list(tmp_path.glob("*.eml")) == []  # ... but the delivery log says it was sent


def test_mail_in_platform_locale_and_only_to_contact_address(
    own_app: ToegangApplication, fresh_settings: Settings, tmp_path: Path
) -> None:
    loop = notifier_loop(own_app, fresh_settings, tmp_path)
    world = build_world(own_app)
    settings = {
        "name": "Portail",
        "login": ["eherkenning"],
        "min_loa": "EH3",
        "services": {"urn:etoegang:DV:00000001003214345000:services:2": "employer_edit"},
        "chain_authorisation": "sufficient",
        "locale": "fr",
    }
    own_app.reference.configure_platform(world.platform, settings, "test")
    own_app.grants.request_grant(
        world.platform, world.employer, world.advisor, "edit", world.employer_actor()
    )
    loop.process_pending()
    message = read_mail(next(tmp_path.glob("*.eml")))
    assert message["Subject"].startswith("Confirmez")
    assert message["To"] == f"contact-{world.employer[4:]}@example.org"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "consulter et encoder" in body.get_content()


def test_an_intent_left_by_a_crash_is_waited_out_then_sent_once(
    own_app: ToegangApplication, fresh_settings: Settings, tmp_path: Path
) -> None:
    loop = notifier_loop(own_app, fresh_settings, tmp_path)
    loop.notifier.sender.timeout = 0.5  # how long an attempt can last
    world = build_world(own_app)
    grant_id = own_app.grants.request_grant(
        world.platform, world.employer, world.advisor, "edit", world.employer_actor()
    )["grant_id"]
    issued: int = own_app.store.repository.get(UUID(grant_id)).version  # ConfirmationIssued, last
    event_id = event_ids.event_id(UUID(grant_id), issued)
    recipient = recipient_key(f"contact-{world.employer[4:]}@example.org")
    deliveries = loop.notifier.deliveries
    # A notifier wrote its intent and died before recording an outcome.
    assert deliveries.claim(event_id, recipient, "grant_confirmation", 0.5) is Claim.CLAIMED
    assert deliveries.claim(event_id, recipient, "grant_confirmation", 0.5) is Claim.IN_FLIGHT
    started = time.monotonic()
    assert loop.process_pending() == 1
    assert time.monotonic() - started >= 0.5  # it did not race the attempt that may run
    assert len(list(tmp_path.glob("*.eml"))) == 1
    assert deliveries.claim(event_id, recipient, "grant_confirmation", 0.5) is Claim.SENT
    loop._advance(0)
    assert loop.process_pending() == 1
    assert len(list(tmp_path.glob("*.eml"))) == 1
