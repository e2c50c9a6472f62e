"""The confirmation mailer is a tracked processor: a crash never loses or doubles mail."""

from __future__ import annotations

from pathlib import Path

from services.app import build_mailer
from services.notifications.outbox import FileOutbox, OutboxMailer
from tests.conftest import Stack
from tests.mailbox import read_mail, token_in
from tests.world import build_world


def fresh_mailer(stack: Stack, directory: Path) -> OutboxMailer:
    """A mailer with its own outbox, starting at the current end of the log."""
    mailer = build_mailer(stack.settings.model_copy(update={"data_dir": directory}), stack.app)
    mailer.outbox.advance(stack.app.position())
    return mailer


def test_crash_after_writing_before_tracking_rewrites_the_same_mail(
    stack: Stack, tmp_path: Path
) -> None:
    mailer = fresh_mailer(stack, tmp_path)
    start = mailer.outbox.position()
    world = build_world(stack.app)
    grant_id = stack.app.request_grant(
        world.platform, world.employer, world.advisor, "edit", world.employer_actor()
    )["grant_id"]
    assert mailer.process_pending() == 1
    first = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(first) == 1 and grant_id in first[0].name
    message = read_mail(first[0])
    mailer.outbox.advance(start)  # as if the process died before recording its position
    assert mailer.process_pending() == 1
    again = sorted((tmp_path / "outbox").glob("*.eml"))
    assert again == first
    assert read_mail(again[0])["Message-ID"] == message["Message-ID"]
    assert token_in(read_mail(again[0])) == token_in(message)
    assert mailer.process_pending() == 0


def test_mail_written_in_platform_locale_and_only_to_contact_address(
    stack: Stack, tmp_path: Path
) -> None:
    mailer = fresh_mailer(stack, tmp_path)
    world = build_world(stack.app)
    stack.app.configure_platform(
        world.platform,
        {
            "name": "Portail",
            "login": ["eherkenning"],
            "min_loa": "EH3",
            "services": {"urn:etoegang:DV:00000001003214345000:services:2": "employer_edit"},
            "chain_authorisation": "sufficient",
            "locale": "fr",
        },
        "test",
    )
    stack.app.request_grant(
        world.platform, world.employer, world.advisor, "edit", world.employer_actor()
    )
    mailer.process_pending()
    message = read_mail(next((tmp_path / "outbox").glob("*.eml")))
    assert message["Subject"].startswith("Confirmez")
    assert message["To"] == f"contact-{world.employer[4:]}@example.org"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "consulter et encoder" in body.get_content()


def test_file_outbox_position_survives_a_restart(tmp_path: Path) -> None:
    outbox = FileOutbox(tmp_path)
    assert outbox.position() == 0
    outbox.advance(42)
    assert FileOutbox(tmp_path).position() == 42
