"""Use cases of a credential platform's master user: user fiches and access codes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.credentials.agreements import AgreementsUseCases
from services.grants import identifiers
from services.grants.app_base import NotFound, StoreApplication, retry_on_conflict
from services.grants.domain.actor import service_actor
from services.grants.domain.agreement import Agreement
from services.grants.domain.base import Actor, DomainError
from services.grants.domain.coverage import Coverage
from services.grants.domain.platform_user import (
    CodeInvalid,
    NotMasterUser,
    PlatformUser,
    check_fiche,
)
from services.grants.tokens import hash_code


class ContractOutOfScope(DomainError):
    code = "contract_out_of_scope"


class MasterUserProtected(DomainError):
    code = "master_user_protected"


class UsersUseCases:
    """The master user creates, replaces and revokes user fiches; users activate codes."""

    def __init__(self, store: StoreApplication, agreements: AgreementsUseCases) -> None:
        self.store, self.agreements = store, agreements

    @retry_on_conflict
    def create_user(
        self, platform: str, ref: str, actor: Actor, fiche: dict[str, Any]
    ) -> dict[str, Any]:
        """A new user fiche, by the organisation's master user; its access code is mailed."""
        agreement, master = self._managed(platform, ref, actor)
        user = self.agreements.new_user(
            agreement,
            self._checked(platform, agreement.organisation, fiche),
            is_master=False,
            actor=master,
        )
        return {
            "user_id": str(user.id),
            "login": user.login,
            "position": self.store.record(agreement, user),
        }

    @retry_on_conflict
    def replace_user(
        self, platform: str, ref: str, user_id: str, actor: Actor, fiche: dict[str, Any]
    ) -> dict[str, Any]:
        """Replace a fiche by a complete new one."""
        agreement, master = self._managed(platform, ref, actor)
        user = self._member(agreement.platform, agreement.organisation, user_id)
        user.check_active()
        user.replace_profile(
            fiche=self._checked(platform, agreement.organisation, fiche), actor=master
        )
        return {"user_id": str(user.id), "login": user.login, "position": self.store.record(user)}

    @retry_on_conflict
    def revoke_user(
        self, platform: str, ref: str, user_id: str, actor: Actor, reason: str
    ) -> dict[str, Any]:
        """End a user's access; the master user is replaced by provider staff, not revoked."""
        agreement, master = self._managed(platform, ref, actor)
        user = self._member(agreement.platform, agreement.organisation, user_id)
        if user.is_master:
            raise MasterUserProtected(
                "the master user is replaced through the master-user form", field="user_id"
            )
        user.revoke(reason=reason, actor=master)
        agreement.remove_user(user_id=str(user.id))
        return {
            "user_id": str(user.id),
            "status": user.status,
            "position": self.store.record(agreement, user),
        }

    @retry_on_conflict
    def reissue_credentials(
        self, platform: str, ref: str, user_id: str, actor: Actor
    ) -> dict[str, Any]:
        """Mail a new one-time access code to the user's own address."""
        agreement, master = self._managed(platform, ref, actor)
        user = self._member(agreement.platform, agreement.organisation, user_id)
        user.check_active()
        self.agreements.issue_code(user, master)
        return {"user_id": str(user.id), "login": user.login, "position": self.store.record(user)}

    @retry_on_conflict
    def activate_credentials(self, platform: str, login: str, code: str) -> dict[str, Any]:
        """Use a user's one-time access code (called by the platform's login service)."""
        user = self._by_login(platform, login)
        user.activate(code_hash=hash_code(code), now=self.store.clock(), actor=service_actor(login))
        return {"user_id": str(user.id), "login": user.login, "position": self.store.record(user)}

    @retry_on_conflict
    def expire_user(self, user_id: str) -> dict[str, Any]:
        """Record the expiry of a user whose valid_until has passed (nothing otherwise)."""
        user = self.store.get(PlatformUser, UUID(user_id), "user")
        agreement = self.store.find(
            Agreement, Agreement.create_id(user.platform, user.organisation)
        )
        if (
            user.expire_if_due(self.store.clock().date(), service_actor("toegang"))
            and agreement
            and (user_id in agreement.user_ids)
        ):
            agreement.remove_user(user_id=user_id)
        return {
            "user_id": user_id,
            "status": user.status,
            "position": self.store.record(user, agreement),
        }

    def _managed(self, platform: str, ref: str, actor: Actor) -> tuple[Any, Actor]:
        agreement = self.agreements.agreement_of(platform, identifiers.organisation_ref(ref))
        if actor.get("method") != "credentials":
            raise NotMasterUser(
                "user management needs the master user's credentials actor", variant="method"
            )
        master = self._member_or_none(actor["user_id"])
        if master is None or agreement.master_user_id != str(master.id):
            raise NotMasterUser("only the organisation's master user on this platform may")
        master.check_may_manage(agreement.platform, agreement.organisation)
        return agreement, {"method": "credentials", "user_id": str(master.id)}

    def _checked(self, platform: str, ref: str, fiche: dict[str, Any]) -> dict[str, Any]:
        fiche = check_fiche(fiche, self.store.clock().date())
        fiche["email"] = identifiers.email_address(fiche["email"])
        if fiche["contracts"] != "all":
            coverage = self.store.find(Coverage, Coverage.create_id(platform, ref))
            unknown = set(fiche["contracts"]) - set(coverage.contracts if coverage else [])
            if unknown:
                raise ContractOutOfScope(
                    f"not contracts of {ref} here: {', '.join(sorted(unknown))}",
                    variant="contracts",
                    contracts=sorted(unknown),
                    field="contracts",
                )
        return fiche

    def _member_or_none(self, user_id: str) -> PlatformUser | None:
        try:
            return self.store.find(PlatformUser, UUID(user_id))
        except ValueError:
            return None

    def _member(self, platform: str, ref: str, user_id: str) -> PlatformUser:
        user = self._member_or_none(user_id)
        if user is None or (user.platform, user.organisation) != (platform, ref):
            raise NotFound("user not found", variant="user")
        return user

    def _by_login(self, platform: str, login: str) -> PlatformUser:
        digits, _, number = login.partition("-")
        prefix = "kbo:" if len(digits) == 10 else "kvk:"
        if not number.isdigit():
            raise CodeInvalid("unknown login or code")
        user = self.store.find(
            PlatformUser, PlatformUser.create_id(platform, prefix + digits, int(number))
        )
        if user is None:
            raise CodeInvalid("unknown login or code")
        return user
