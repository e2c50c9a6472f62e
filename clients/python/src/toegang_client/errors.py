"""One exception class per stable problem code of toegang, and the registry code → class.

Catch `ToegangError` for every problem, or a class for one code (`except GrantExists`). An
answer with a code this client does not know raises `ToegangError` itself. Each docstring
names the HTTP status the service answers the code with."""

from __future__ import annotations

from toegang_client._base import ToegangError as ToegangError


class InvalidRequest(ToegangError, code="invalid_request"):
    """422 `invalid_request`: The request is not valid."""


class InvalidIdentifier(ToegangError, code="invalid_identifier"):
    """422 `invalid_identifier`: Invalid identifier."""


class Unauthenticated(ToegangError, code="unauthenticated"):
    """401 `unauthenticated`: Not authenticated."""


class InsufficientScope(ToegangError, code="insufficient_scope"):
    """403 `insufficient_scope`: Insufficient scope."""


class ActorNotAuthorised(ToegangError, code="actor_not_authorised"):
    """403 `actor_not_authorised`: Not authorised for this organisation."""


class LoaTooLow(ToegangError, code="loa_too_low"):
    """403 `loa_too_low`: Assurance level too low."""


class ServiceNotLinked(ToegangError, code="service_not_linked"):
    """403 `service_not_linked`: Service not linked."""


class ChainNotAccepted(ToegangError, code="chain_not_accepted"):
    """403 `chain_not_accepted`: Chain authorisation not accepted."""


class OrganisationUnknown(ToegangError, code="organisation_unknown"):
    """422 `organisation_unknown`: Organisation unknown."""


class OrganisationNotInContract(ToegangError, code="organisation_not_in_contract"):
    """422 `organisation_not_in_contract`: Organisation not in a contract."""


class AdvisorUnknown(ToegangError, code="advisor_unknown"):
    """422 `advisor_unknown`: Advisor unknown."""


class AdvisorNotLicensed(ToegangError, code="advisor_not_licensed"):
    """422 `advisor_not_licensed`: Advisor not licensed."""


class GranteeIsGrantor(ToegangError, code="grantee_is_grantor"):
    """422 `grantee_is_grantor`: An organisation cannot grant access to itself."""


class GrantExists(ToegangError, code="grant_exists"):
    """409 `grant_exists`: Access already granted or requested."""


class GrantNotOpen(ToegangError, code="grant_not_open"):
    """409 `grant_not_open`: Grant not open."""


class NotFound(ToegangError, code="not_found"):
    """404 `not_found`: Not found."""


class ConfirmationInvalid(ToegangError, code="confirmation_invalid"):
    """404 `confirmation_invalid`: Confirmation link not valid."""


class ConfirmationExpired(ToegangError, code="confirmation_expired"):
    """410 `confirmation_expired`: Confirmation link expired."""


class ConfirmationUsed(ToegangError, code="confirmation_used"):
    """409 `confirmation_used`: Confirmation link already used."""


class MethodNotAllowed(ToegangError, code="method_not_allowed"):
    """405 `method_not_allowed`: Method not allowed."""


class PayloadTooLarge(ToegangError, code="payload_too_large"):
    """413 `payload_too_large`: Request too large."""


class StoreUnavailable(ToegangError, code="store_unavailable"):
    """503 `store_unavailable`: Store unavailable."""


class InternalError(ToegangError, code="internal_error"):
    """500 `internal_error`: Internal error."""


class NoAgreement(ToegangError, code="no_agreement"):
    """409 `no_agreement`: No agreement."""


class AgreementConflict(ToegangError, code="agreement_conflict"):
    """409 `agreement_conflict`: Agreement conflict."""


class InvalidFiche(ToegangError, code="invalid_fiche"):
    """422 `invalid_fiche`: User fiche not valid."""


class NotMasterUser(ToegangError, code="not_master_user"):
    """403 `not_master_user`: Not the master user."""


class UserRevoked(ToegangError, code="user_revoked"):
    """409 `user_revoked`: Access revoked."""


class UserExpired(ToegangError, code="user_expired"):
    """409 `user_expired`: Access expired."""


class SubjectErased(ToegangError, code="subject_erased"):
    """409 `subject_erased`: Person erased."""


class AccessCodeInvalid(ToegangError, code="access_code_invalid"):
    """404 `access_code_invalid`: Access code not valid."""


class AccessCodeExpired(ToegangError, code="access_code_expired"):
    """410 `access_code_expired`: Access code expired."""


class PlatformMismatch(ToegangError, code="platform_mismatch"):
    """422 `platform_mismatch`: Wrong platform."""


class ContractOutOfScope(ToegangError, code="contract_out_of_scope"):
    """422 `contract_out_of_scope`: Contract out of scope."""


class MasterUserProtected(ToegangError, code="master_user_protected"):
    """409 `master_user_protected`: Master user cannot be revoked here."""


class ViewNotCaughtUp(ToegangError, code="view_not_caught_up"):
    """503 `view_not_caught_up`: View not yet up to date."""


class LoginMethodNotAccepted(ToegangError, code="login_method_not_accepted"):
    """403 `login_method_not_accepted`: Login method not accepted."""


REGISTRY: dict[str, type[ToegangError]] = {cls.CODE: cls for cls in ToegangError.__subclasses__()}
"""The exception class of each problem code."""
