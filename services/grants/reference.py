"""Use cases for the reference data provider staff keep: platforms, organisations,
contracts and advisor registrations."""

from __future__ import annotations

from typing import Any

from services.grants import identifiers
from services.grants.app_base import StoreApplication, retry_on_conflict
from services.grants.domain.actor import service_actor
from services.grants.domain.advisor import Advisor
from services.grants.domain.base import Actor
from services.grants.domain.contract import Contract, coverage_list
from services.grants.domain.coverage import Coverage
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform, check_platform_settings


class ReferenceData:
    """Provider staff configure platforms and register who is who."""

    def __init__(self, store: StoreApplication) -> None:
        self.store = store

    @retry_on_conflict
    def configure_platform(
        self, slug: str, settings: dict[str, Any], client: str
    ) -> dict[str, Any]:
        """Create or replace a platform's login settings; an identical PUT records nothing."""
        identifiers.platform_slug(slug)
        check_platform_settings(settings)
        actor = service_actor(client)
        platform = self.store.find(Platform, Platform.create_id(slug))
        if platform is None:
            platform = Platform(slug=slug, settings=settings, actor=actor)
        elif platform.settings != settings:
            platform.reconfigure(settings=settings, actor=actor)
        return {"platform": slug, "position": self.store.record(platform)}

    @retry_on_conflict
    def register_organisation(
        self, ref: str, name: str, contact_email: str, client: str
    ) -> dict[str, Any]:
        """Register an organisation or record its new name and contact address."""
        ref = identifiers.organisation_ref(ref)
        contact_email = identifiers.email_address(contact_email, field="contact_email")
        actor = service_actor(client)
        organisation = self.store.find(Organisation, Organisation.create_id(ref))
        if organisation is None:
            organisation = Organisation(
                ref=ref, name=name, contact_email=contact_email, actor=actor
            )
        else:
            organisation.update(name=name, contact_email=contact_email, actor=actor)
        return {"organisation": ref, "position": self.store.record(organisation)}

    @retry_on_conflict
    def register_advisor(
        self, platform: str, ref: str, licence: str, client: str
    ) -> dict[str, Any]:
        """Record that an organisation is a licensed advisor on a platform."""
        self.store.platform(platform)
        ref = self._registered_organisation(ref).ref
        identifiers.reference(licence, "licence")
        actor = service_actor(client)
        registration = self.store.find(Advisor, Advisor.create_id(platform, ref))
        if registration is None:
            registration = Advisor(
                platform=platform, organisation=ref, licence=licence, actor=actor
            )
        else:
            registration.update_licence(licence=licence, actor=actor)
        return {
            "platform": platform,
            "organisation": ref,
            "position": self.store.record(registration),
        }

    @retry_on_conflict
    def withdraw_licence(self, platform: str, ref: str, client: str) -> dict[str, Any]:
        """Withdraw an advisor's licence. Checks deny its grants from this position on; the
        sweeper then revokes them one by one (`advisor_licence_withdrawn`)."""
        ref = identifiers.organisation_ref(ref)
        registration = self.store.get(
            Advisor, Advisor.create_id(platform, ref), "advisor", organisation=ref
        )
        if registration.licensed:
            registration.withdraw_licence(actor=service_actor(client))
        return {
            "platform": platform,
            "organisation": ref,
            "position": self.store.record(registration),
        }

    @retry_on_conflict
    def register_contract(
        self,
        platform: str,
        contract: str,
        holder: str,
        covered: list[str],
        name: str,
        client: str,
    ) -> dict[str, Any]:
        """Register a contract or amend it; coverage indexes follow in the same transaction."""
        self.store.platform(platform)
        identifiers.reference(contract, "contract")
        covered = coverage_list(
            identifiers.organisation_ref(holder, "holder"),
            [identifiers.organisation_ref(c, "covered") for c in covered],
        )
        actor = service_actor(client)
        record = self.store.find(Contract, Contract.create_id(platform, contract))
        before: list[str] = []
        if record is None:
            record = Contract(
                platform=platform,
                contract=contract,
                holder=covered[0],
                covered=covered,
                name=name,
                actor=actor,
            )
        elif record.differs_from(covered[0], covered, name):
            before = record.covered
            record.amend(holder=covered[0], covered=covered, name=name, actor=actor)
        coverages = self._update_coverage(platform, contract, before, record.covered, actor)
        return {
            "platform": platform,
            "contract": contract,
            "position": self.store.record(record, *coverages),
        }

    def _update_coverage(
        self, platform: str, contract: str, before: list[str], after: list[str], actor: Actor
    ) -> list[Coverage]:
        changed = []
        for organisation in set(before) | set(after):
            coverage = self.store.find(Coverage, Coverage.create_id(platform, organisation))
            if coverage is None:
                coverage = Coverage(platform=platform, organisation=organisation, actor=actor)
            is_in = contract in coverage.contracts
            if organisation in after and not is_in:
                coverage.add_contract(contract=contract, actor=actor)
            elif organisation not in after and is_in:
                coverage.remove_contract(contract=contract, actor=actor)
            changed.append(coverage)
        return changed

    def _registered_organisation(self, ref: str) -> Organisation:
        ref = identifiers.organisation_ref(ref)
        return self.store.get(
            Organisation, Organisation.create_id(ref), "organisation", organisation=ref
        )
