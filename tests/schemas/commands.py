"""Hypothesis-generated command sequences through an in-memory ToegangApplication.

Two worlds, each set up through the use cases like `tests.world.build_world`: an eHerkenning
platform (organisations, contract, advisor, grants) and a credential platform (agreements,
master users, user fiches, announcements, documents). Commands take inputs the HTTP API would
accept; a command the domain refuses records nothing and the sequence goes on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from hypothesis import strategies as st

from services.bootstrap.application import ToegangApplication
from services.grants.domain.agreement import Agreement
from services.grants.domain.base import RIGHTS, DomainError
from services.grants.domain.document import DOCUMENT_KINDS
from services.grants.domain.grant import Grant
from services.grants.domain.platform import CHAIN_POLICIES, LOCALES
from services.grants.domain.platform_user import PlatformUser
from services.grants.tokens import ConfirmationTokens
from tests.support import LOA2, Clock, actor, platform_settings

Command = Callable[["Harness"], object]


def kvk() -> st.SearchStrategy[str]:
    return st.integers(0, 10**8 - 1).map(lambda n: f"kvk:{n:08d}")


def kbo() -> st.SearchStrategy[str]:
    def valid(first: int, rest: int) -> str:
        eight = f"{first}{rest:07d}"
        return f"kbo:{eight}{97 - int(eight) % 97:02d}"

    return st.builds(valid, st.sampled_from([0, 1]), st.integers(1, 10**7 - 1))


organisations = st.one_of(kvk(), kbo())
slugs = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
references = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,12}[A-Za-z0-9])?", fullmatch=True)
texts = st.text(min_size=1, max_size=40).filter(str.strip)
emails = st.sampled_from(["a@example.org", "b@example.org", "Someone@Example.be"])


@dataclass
class Harness:
    """One application, its clock, and what the commands so far have created."""

    app: ToegangApplication
    clock: Clock
    platform: str
    organisations: list[str]
    contract: str
    grants: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)

    @classmethod
    def new(cls, platform: str, organisations: list[str], contract: str) -> Harness:
        clock = Clock()
        app = ToegangApplication(
            {"PERSISTENCE_MODULE": "eventsourcing.popo"},
            tokens=ConfirmationTokens(b"k" * 32),
            clock=clock,
        )
        return cls(app, clock, platform, organisations, contract)

    def run(self, command: Command) -> None:
        with contextlib.suppress(DomainError):  # refused: nothing recorded
            command(self)

    def pick(self, items: list[str], index: int) -> str | None:
        return items[index % len(items)] if items else None

    def today(self) -> date:
        return self.clock().date()


def _unique(count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(organisations, min_size=count, max_size=count, unique=True)


# The eHerkenning world: employer, group company, advisor, stranger.


@dataclass(frozen=True)
class GrantWorld:
    platform: str
    refs: tuple[str, ...]
    contract: str
    chain: str

    def build(self) -> Harness:
        employer, group, advisor, _ = self.refs
        h = Harness.new(self.platform, list(self.refs), self.contract)
        h.app.reference.configure_platform(self.platform, platform_settings(self.chain), "test")
        for ref in self.refs:
            h.app.reference.register_organisation(
                ref, f"Organisatie {ref}", f"c-{ref[4:]}@example.org", "t"
            )
        h.app.reference.register_contract(
            self.platform, self.contract, employer, [group], "C", "test"
        )
        h.app.reference.register_advisor(self.platform, advisor, "AFM-1", "test")
        return h


grant_worlds = st.builds(
    GrantWorld,
    platform=slugs,
    refs=_unique(4).map(tuple),
    contract=references,
    chain=st.sampled_from(CHAIN_POLICIES),
)


@dataclass(frozen=True)
class Reconfigure:
    chain: str
    min_loa: str
    locale: str

    def __call__(self, h: Harness) -> object:
        settings = {**platform_settings(self.chain, self.min_loa), "locale": self.locale}
        return h.app.reference.configure_platform(h.platform, settings, "test")


@dataclass(frozen=True)
class UpdateOrganisation:
    who: int
    name: str
    email: str

    def __call__(self, h: Harness) -> object:
        ref = h.organisations[self.who % len(h.organisations)]
        return h.app.reference.register_organisation(ref, self.name, self.email, "test")


@dataclass(frozen=True)
class AmendContract:
    covered: tuple[int, ...]
    name: str

    def __call__(self, h: Harness) -> object:
        employer, *others = h.organisations
        covered = [others[i % len(others)] for i in self.covered]
        return h.app.reference.register_contract(
            h.platform, h.contract, employer, covered, self.name, "t"
        )


@dataclass(frozen=True)
class RegisterAdvisor:
    licence: str

    def __call__(self, h: Harness) -> object:
        return h.app.reference.register_advisor(
            h.platform, h.organisations[2], self.licence, "test"
        )


@dataclass(frozen=True)
class WithdrawLicence:
    def __call__(self, h: Harness) -> object:
        return h.app.reference.withdraw_licence(h.platform, h.organisations[2], "test")


@dataclass(frozen=True)
class RequestGrant:
    grantee: int
    rights: str
    low_loa: bool
    valid_for: int | None = None  # days from today to the grant's valid_until

    def __call__(self, h: Harness) -> object:
        employer, *others = h.organisations
        person = actor(employer, loa=LOA2) if self.low_loa else actor(employer)
        grantee = others[self.grantee % len(others)]
        answer = h.app.grants.request_grant(
            h.platform, employer, grantee, self.rights, person, _until(h, self.valid_for)
        )
        if answer["grant_id"] not in h.grants:
            h.grants.append(answer["grant_id"])
        return answer


@dataclass(frozen=True)
class ConfirmGrant:
    grant: int

    def __call__(self, h: Harness) -> object:
        grant_id = h.pick(h.grants, self.grant)
        if grant_id is None:
            return None
        grant: Grant = h.app.store.repository.get(UUID(grant_id))
        if grant.confirmation_id is None:
            return None
        return h.app.grants.confirm_grant(h.app.tokens.derive(grant.id, grant.confirmation_id), "t")


@dataclass(frozen=True)
class ChangeRights:
    grant: int
    rights: str
    valid_for: int | None = None  # days from today to the new valid_until

    def __call__(self, h: Harness) -> object:
        grant_id = h.pick(h.grants, self.grant)
        if grant_id is None:
            return None
        until = _until(h, self.valid_for)
        return h.app.grants.change_rights(grant_id, self.rights, actor(h.organisations[0]), until)


def _until(h: Harness, days: int | None) -> date | None:
    return None if days is None else h.today() + timedelta(days=days)


@dataclass(frozen=True)
class RemindGrantEnds:
    days: int

    def __call__(self, h: Harness) -> object:
        h.clock.advance(timedelta(days=self.days))
        return [h.app.grants.remind_grant_end(grant_id) for grant_id in h.grants]


@dataclass(frozen=True)
class RevokeGrant:
    grant: int
    reason: str

    def __call__(self, h: Harness) -> object:
        grant_id = h.pick(h.grants, self.grant)
        if grant_id is None:
            return None
        return h.app.grants.revoke_grant(grant_id, actor(h.organisations[0]), self.reason)


@dataclass(frozen=True)
class LetRequestsExpire:
    days: int

    def __call__(self, h: Harness) -> object:
        h.clock.advance(timedelta(days=self.days))
        return [h.app.grants.expire_grant_request(grant_id) for grant_id in h.grants]


indexes = st.integers(0, 7)
days = st.integers(0, 2)


def sequences(commands: st.SearchStrategy[Command]) -> st.SearchStrategy[list[Command]]:
    """Long enough that requests meet confirmations, changes, withdrawals and expiries."""
    return st.lists(commands, min_size=6, max_size=30)


rights = st.sampled_from(RIGHTS)
grant_commands: st.SearchStrategy[Command] = st.one_of(
    st.builds(
        Reconfigure,
        st.sampled_from(CHAIN_POLICIES),
        st.sampled_from(["EH2", "EH3", "EH4"]),
        st.sampled_from(LOCALES),
    ),
    st.builds(UpdateOrganisation, indexes, texts, emails),
    st.builds(AmendContract, st.lists(indexes, max_size=3).map(tuple), texts),
    st.builds(RegisterAdvisor, references),
    st.builds(WithdrawLicence),
    st.builds(RequestGrant, indexes, rights, st.booleans()),
    st.builds(RequestGrant, indexes, rights, st.just(False)),  # requests drawn more often
    st.builds(RequestGrant, indexes, rights, st.just(False), st.integers(-1, 30)),
    st.builds(ConfirmGrant, indexes),
    st.builds(ConfirmGrant, indexes),
    st.builds(ChangeRights, indexes, rights),
    st.builds(ChangeRights, indexes, rights, st.integers(-1, 30)),
    st.builds(RemindGrantEnds, st.integers(0, 20)),
    st.builds(RevokeGrant, indexes, texts),
    st.builds(LetRequestsExpire, st.integers(1, 10)),
)

# The credential world: organisations with agreements, master users and user fiches.


@dataclass(frozen=True)
class CredentialWorld:
    platform: str
    refs: tuple[str, ...]
    contract: str
    also_eherkenning: bool
    with_masters: bool  # agreements signed and master users appointed up front

    def build(self) -> Harness:
        h = Harness.new(self.platform, list(self.refs), self.contract)
        login = ["eherkenning", "credentials"] if self.also_eherkenning else ["credentials"]
        h.app.reference.configure_platform(
            self.platform, {**platform_settings(), "login": login}, "t"
        )
        for ref in self.refs:
            h.app.reference.register_organisation(
                ref, f"Organisatie {ref}", f"c-{ref[4:]}@example.org", "t"
            )
        h.app.reference.register_contract(
            self.platform, self.contract, self.refs[0], [], "C", "test"
        )
        for who in range(len(self.refs) if self.with_masters else 0):
            h.run(SignAgreement(who, "EXT-1", "a@example.org", 0))
            h.run(AppointMaster(who, "Meester", "m@example.org"))
        return h


credential_worlds = st.builds(
    CredentialWorld,
    platform=slugs,
    refs=_unique(2).map(tuple),
    contract=references,
    also_eherkenning=st.booleans(),
    with_masters=st.booleans(),
)


def _master_actor(h: Harness, ref: str) -> dict[str, Any] | None:
    try:
        agreement: Agreement = h.app.store.repository.get(Agreement.create_id(h.platform, ref))
    except AggregateNotFoundError:
        return None
    if agreement.master_user_id is None:
        return None
    return {"method": "credentials", "user_id": agreement.master_user_id}


@dataclass(frozen=True)
class SignAgreement:
    who: int
    reference: str
    email: str
    day: int
    language: str | None = None

    def __call__(self, h: Harness) -> object:
        ref = h.organisations[self.who % len(h.organisations)]
        signed_on = date(2025, 1, 1) + timedelta(days=self.day)
        return h.app.agreements.sign_agreement(
            h.platform, ref, self.reference, self.email, signed_on, "t", self.language
        )


@dataclass(frozen=True)
class AppointMaster:
    who: int
    name: str
    email: str

    def __call__(self, h: Harness) -> object:
        ref = h.organisations[self.who % len(h.organisations)]
        answer = h.app.agreements.appoint_master_user(
            h.platform, ref, self.name, self.email, "test"
        )
        h.users.append(answer["user_id"])
        return answer


@dataclass(frozen=True)
class Fiche:
    name: str
    email: str
    rights: str
    scoped: bool
    external: bool
    valid_days: int | None
    language: str | None = None

    def build(self, h: Harness, ref: str) -> dict[str, Any]:
        external = self.external and self.valid_days is not None
        valid_until = None if self.valid_days is None else h.today() + timedelta(self.valid_days)
        return {
            "name": self.name,
            "email": self.email,
            "rights": self.rights,
            "contracts": [h.contract] if self.scoped and ref == h.organisations[0] else "all",
            "external": external,
            "assignment": "Audit" if external else None,
            "valid_until": valid_until,
            "language": self.language,
        }


fiches = st.builds(
    Fiche,
    texts,
    emails,
    rights,
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 30)),
    st.sampled_from([None, "nl", "fr"]),
)


@dataclass(frozen=True)
class CreateUser:
    who: int
    fiche: Fiche

    def __call__(self, h: Harness) -> object:
        ref = h.organisations[self.who % len(h.organisations)]
        master = _master_actor(h, ref)
        if master is None:
            return None
        answer = h.app.users.create_user(h.platform, ref, master, self.fiche.build(h, ref))
        h.users.append(answer["user_id"])
        return answer


def _user(h: Harness, index: int) -> tuple[PlatformUser, dict[str, Any]] | None:
    user_id = h.pick(h.users, index)
    if user_id is None:
        return None
    user: PlatformUser = h.app.store.repository.get(UUID(user_id))
    master = _master_actor(h, user.organisation)
    return (user, master) if master else None


@dataclass(frozen=True)
class ReplaceUser:
    user: int
    fiche: Fiche

    def __call__(self, h: Harness) -> object:
        found = _user(h, self.user)
        if found is None:
            return None
        user, master = found
        fiche = self.fiche.build(h, user.organisation)
        return h.app.users.replace_user(h.platform, user.organisation, str(user.id), master, fiche)


@dataclass(frozen=True)
class RevokeUser:
    user: int
    reason: str

    def __call__(self, h: Harness) -> object:
        found = _user(h, self.user)
        if found is None:
            return None
        user, master = found
        return h.app.users.revoke_user(
            h.platform, user.organisation, str(user.id), master, self.reason
        )


@dataclass(frozen=True)
class ForgetUser:
    user: int

    def __call__(self, h: Harness) -> object:
        user_id = h.pick(h.users, self.user)
        if user_id is None:
            return None
        return h.app.privacy.forget_data_subject(
            user_id, {"method": "service", "client": "privacy"}
        )


@dataclass(frozen=True)
class ReissueCredentials:
    user: int

    def __call__(self, h: Harness) -> object:
        found = _user(h, self.user)
        if found is None:
            return None
        user, master = found
        return h.app.users.reissue_credentials(h.platform, user.organisation, str(user.id), master)


@dataclass(frozen=True)
class ActivateCredentials:
    user: int

    def __call__(self, h: Harness) -> object:
        user_id = h.pick(h.users, self.user)
        if user_id is None:
            return None
        user: PlatformUser = h.app.store.repository.get(UUID(user_id))
        code = h.app.codes.derive(user.code_id or "")
        return h.app.users.activate_credentials(h.platform, user.login, code)


@dataclass(frozen=True)
class LetUsersExpire:
    days: int

    def __call__(self, h: Harness) -> object:
        h.clock.advance(timedelta(days=self.days))
        return [h.app.users.expire_user(user_id) for user_id in h.users]


@dataclass(frozen=True)
class Announce:
    languages: tuple[str, ...]
    text: str

    def __call__(self, h: Harness) -> object:
        subject = {language: f"{self.text} ({language})" for language in self.languages}
        return h.app.agreements.publish_announcement(h.platform, subject, dict(subject), "test")


@dataclass(frozen=True)
class PublishDocument:
    who: int
    kind: str
    title: str

    def __call__(self, h: Harness) -> object:
        ref = h.organisations[self.who % len(h.organisations)]
        return h.app.agreements.publish_document(h.platform, ref, self.kind, self.title, "test")


credential_commands: st.SearchStrategy[Command] = st.one_of(
    st.builds(
        SignAgreement,
        indexes,
        st.sampled_from(["EXT-1", "EXT-2"]),
        emails,
        st.integers(0, 2),
        st.sampled_from([None, "nl", "fr"]),
    ),
    st.builds(AppointMaster, indexes, texts, emails),
    st.builds(CreateUser, indexes, fiches),
    st.builds(CreateUser, indexes, fiches),  # users drawn more often
    st.builds(ReplaceUser, indexes, fiches),
    st.builds(RevokeUser, indexes, texts),
    st.builds(ReissueCredentials, indexes),
    st.builds(ActivateCredentials, indexes),
    st.builds(LetUsersExpire, st.integers(1, 40)),
    st.builds(
        Announce,
        st.lists(st.sampled_from(LOCALES), min_size=1, max_size=3, unique=True).map(tuple),
        texts,
    ),
    st.builds(PublishDocument, indexes, st.sampled_from(DOCUMENT_KINDS), texts),
)
