"""Time-bound grants over HTTP, on SQLite and PostgreSQL: a grant with `valid_until` is allowed
through its last day and answers `grant_expired` from the day after; the sweeper records
GrantExpired once; the grantor is reminded once per end date, in the platform's language; a
rights change with a later valid_until extends it; a past valid_until is refused (422).
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from services.grants.page_dates import human_day
from tests.client import AUDITOR, READER, WRITER, allowed, check, denied, portals, problem, put
from tests.conftest import Stack
from tests.integration.access_support import (
    advisor_login,
    confirmed,
    portals_refused,
    world_at,
)
from tests.mailbox import latest_mail, mailed_token, read_mail
from tests.support import World, actor, platform_settings
from tests.world import sweep_until

REMINDER_DAYS = 14  # the setting's default: TOEGANG_GRANT_REMINDER_DAYS


def today(stack: Stack) -> date:
    return stack.clock().date()


def to_day(stack: Stack, day: date, hour: int = 12) -> None:
    """Move the tests' clock forward to `hour` o'clock (UTC) of `day`."""
    now = stack.clock()
    target = datetime.combine(day, datetime.min.time(), now.tzinfo) + timedelta(hours=hour)
    assert target > now
    stack.clock.advance(target - now)


def request(client: httpx.Client, world: World, valid_until: Any) -> httpx.Response:
    body: dict[str, Any] = {"grantor": world.employer, "grantee": world.advisor, "rights": "view"}
    body |= {"actor": actor(world.employer), "valid_until": str(valid_until)}
    return client.post(f"/v1/platforms/{world.platform}/grants", json=body, headers=WRITER)


def change(client: httpx.Client, world: World, grant_id: str, valid_until: Any) -> httpx.Response:
    body = {"rights": "view", "actor": actor(world.employer), "valid_until": str(valid_until)}
    return client.patch(f"/v1/grants/{grant_id}", json=body, headers=WRITER)


def time_bound(stack: Stack, client: httpx.Client, days: int) -> tuple[World, str, date, int]:
    """A fresh world whose employer granted its advisor view rights until `days` from today,
    confirmed: the world, the grant id, its last day and the confirmation's position."""
    world, _ = world_at(client)
    last_day = today(stack) + timedelta(days=days)
    answer = request(client, world, last_day)
    assert answer.status_code == 202, answer.text
    grant_id: str = answer.json()["grant_id"]
    token = mailed_token(stack.settings.outbox_dir, grant_id)
    page = client.get("/confirm", params={"token": token, "lang": "en"})
    assert f"Access up to and including</dt><dd>{human_day(last_day, 'en')}<" in page.text
    return world, grant_id, last_day, confirmed(stack, client, grant_id)


def grant(client: httpx.Client, grant_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/grants/{grant_id}", headers=WRITER)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def types(client: httpx.Client, grant_id: str) -> list[str]:
    return [entry["type"] for entry in grant(client, grant_id)["history"]]


def reminders(outbox: Path, grant_id: str) -> list[Path]:
    return sorted(outbox.glob(f"grant-end-reminder-{grant_id}-*.eml"))


def reminded(stack: Stack, client: httpx.Client, grant_id: str, count: int) -> EmailMessage:
    """Sweep until the grant's `count`th reminder is recorded and mailed; that mail."""
    sweep_until(
        stack.app,
        stack.settings,
        lambda: (
            types(client, grant_id).count("GrantEndReminderDue") >= count
            and len(reminders(stack.settings.outbox_dir, grant_id)) >= count
        ),
    )
    return read_mail(reminders(stack.settings.outbox_dir, grant_id)[-1])


def swept_again(stack: Stack, times: int = 3) -> None:
    """More sweeps, a moment apart (the views follow the log meanwhile): they find nothing due."""
    for _ in range(times):
        sweep_until(stack.app, stack.settings, lambda: True)
        time.sleep(0.2)


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    content: str = body.get_content()
    return content


def listed(client: httpx.Client, world: World, position: int) -> tuple[Any, Any]:
    """The employer's given grants and the advisor's clients, read at `position`."""
    base, params = f"/v1/platforms/{world.platform}", {"min_position": position}
    given = client.get(f"{base}/organisations/{world.employer}/grants", params=params,
                       headers=READER).json()["given"]  # fmt: skip
    clients = client.get(f"{base}/advisors/{world.advisor}/clients", params=params,
                         headers=READER).json()["clients"]  # fmt: skip
    return given, clients


def audit_holders(client: httpx.Client, world: World, at: datetime, position: int) -> list[str]:
    params = {"platform": world.platform, "organisation": world.employer}
    params |= {"at": at.isoformat(), "min_position": str(position)}
    answer = client.get("/v1/audit/access", params=params, headers=AUDITOR)
    assert answer.status_code == 200, answer.text
    return [row["holder"] for row in answer.json()["access"] if row["kind"] == "grant"]


def test_a_grant_lasts_through_its_last_day_and_expires_the_day_after(
    stack: Stack, client: httpx.Client
) -> None:
    world, grant_id, last_day, position = time_bound(stack, client, days=20)
    mail = text_of(latest_mail(stack.settings.outbox_dir, grant_id))
    assert f"tot en met {last_day.isoformat()}" in mail  # the confirmation mail shows the end
    login = advisor_login(world)
    allowed(check(client, world.platform, login, world.employer, min_position=position), "view",
            "grant")  # fmt: skip
    shown = grant(client, grant_id)
    assert (shown["status"], shown["valid_until"]) == ("active", last_day.isoformat())
    assert shown["history"][1]["data"]["valid_until"] == last_day.isoformat()
    given, clients = listed(client, world, position)
    assert [(g["status"], g["valid_until"]) for g in given] == [("active", last_day.isoformat())]
    assert [c["valid_until"] for c in clients] == [last_day.isoformat()]

    to_day(stack, last_day, hour=23)  # the last day: still allowed, nothing recorded
    swept_again(stack, times=1)
    allowed(check(client, world.platform, login, world.employer), "view", "grant")
    assert world.employer in [p[0] for p in portals(client, world.platform, login)]
    assert "GrantExpired" not in types(client, grant_id)

    to_day(stack, last_day + timedelta(days=1), hour=0)  # the day after: denied at once
    decision = check(client, world.platform, login, world.employer, language="en")
    denied(decision, ["grant_expired"])
    assert "new grant" in decision["reasons"][0]["remedy"]
    portals_refused(client, world.platform, login, "organisation_unknown")  # its only portal
    # The audit's point in time: the interval ends at the end of the last day. (Asked before
    # the sweep: the tests' clock moves, the events' timestamps do not.)
    midnight = datetime.combine(last_day, datetime.min.time(), stack.clock().tzinfo)
    at_noon = audit_holders(client, world, midnight + timedelta(hours=12), position)
    assert at_noon == [world.advisor]
    assert audit_holders(client, world, midnight + timedelta(days=1), position) == []

    sweep_until(stack.app, stack.settings, lambda: "GrantExpired" in types(client, grant_id))
    swept_again(stack)
    history = grant(client, grant_id)["history"]
    assert [e["type"] for e in history].count("GrantExpired") == 1
    assert history[-1]["data"] == {"valid_until": last_day.isoformat()}
    ended = history[-1]["position"]
    assert grant(client, grant_id)["status"] == "ended"
    denied(check(client, world.platform, login, world.employer, min_position=ended),
           ["grant_expired"])  # fmt: skip
    given, clients = listed(client, world, ended)
    assert [(g["status"], g["end_reason"]) for g in given] == [("ended", "valid_until_passed")]
    assert clients == []


def test_the_grantor_is_reminded_once_before_the_end_in_the_platforms_language(
    stack: Stack, client: httpx.Client
) -> None:
    world, grant_id, last_day, _ = time_bound(stack, client, days=REMINDER_DAYS + 5)
    swept_again(stack, times=1)
    assert reminders(stack.settings.outbox_dir, grant_id) == []  # not yet: 19 days ahead
    to_day(stack, last_day - timedelta(days=REMINDER_DAYS), hour=9)
    message = reminded(stack, client, grant_id, 1)
    assert message["To"] == f"contact-{world.employer[4:]}@example.org"  # the registered address
    assert last_day.isoformat() in message["Subject"] and "eindigt" in message["Subject"]
    assert "nieuwe einddatum" in text_of(message)  # how to extend it, through the portal
    swept_again(stack)
    time.sleep(0.5)  # the notifier would have mailed a second one by now
    assert len(reminders(stack.settings.outbox_dir, grant_id)) == 1
    assert types(client, grant_id).count("GrantEndReminderDue") == 1


def test_a_later_valid_until_extends_the_grant_and_is_reminded_again(
    stack: Stack, client: httpx.Client
) -> None:
    world, grant_id, last_day, _ = time_bound(stack, client, days=3)
    french = {**platform_settings(), "locale": "fr"}
    put(client, f"/v1/platforms/{world.platform}", french)
    first = reminded(stack, client, grant_id, 1)  # three days ahead: due at once
    assert "prend fin" in first["Subject"] and "nouvelle date de fin" in text_of(first)
    new_end = last_day + timedelta(days=40)
    answer = change(client, world, grant_id, new_end)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["valid_until"], answer.json()["status"]) == (
        new_end.isoformat(),
        "active",
    )
    changed = answer.json()["position"]
    to_day(stack, last_day + timedelta(days=1))
    login = advisor_login(world)
    allowed(check(client, world.platform, login, world.employer, min_position=changed), "view",
            "grant")  # fmt: skip
    swept_again(stack)
    assert "GrantExpired" not in types(client, grant_id)
    to_day(stack, new_end - timedelta(days=REMINDER_DAYS))
    second = reminded(stack, client, grant_id, 2)  # a new end date: reminded again
    assert new_end.isoformat() in second["Subject"]
    swept_again(stack)
    assert len(reminders(stack.settings.outbox_dir, grant_id)) == 2


def test_a_valid_until_in_the_past_is_refused_naming_the_field(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = world_at(client)
    yesterday = today(stack) - timedelta(days=1)
    before = client.get("/readyz").json()["checks"]["store"]["position"]
    for language, words in (("nl", "verleden"), ("en", "past"), ("fr", "passé")):
        answer = client.post(
            f"/v1/platforms/{world.platform}/grants",
            json={"grantor": world.employer, "grantee": world.advisor, "rights": "view",
                  "actor": actor(world.employer), "valid_until": yesterday.isoformat()},
            headers={**WRITER, "Accept-Language": language},
        )  # fmt: skip
        body = problem(answer, 422, "invalid_request")
        assert [e["location"] for e in body["errors"]] == [["body", "valid_until"]]
        assert words in body["errors"][0]["message"], body
    assert client.get("/readyz").json()["checks"]["store"]["position"] == before
    other, grant_id, last_day, _ = time_bound(stack, client, days=5)
    refused = change(client, other, grant_id, yesterday)
    assert problem(refused, 422, "invalid_request")["errors"][0]["location"] == [
        "body",
        "valid_until",
    ]
    assert grant(client, grant_id)["valid_until"] == last_day.isoformat()
    not_a_date = request(client, world, "31-12-2030")
    assert problem(not_a_date, 422, "invalid_request")["errors"][0]["location"] == [
        "body",
        "valid_until",
    ]
