"""The page behind the mailed link: shows what will be confirmed; only its POST confirms.

Mail scanners follow links, so a GET never changes anything. The token in the link is the
credential here; the page needs no API token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.grants import examples as ex
from services.grants.api import Grants
from services.grants.domain.base import DomainError
from services.http.problem_docs import DocumentedRoute, page_answers
from services.http.problems import STATUS
from services.messages import negotiate, texts

router = APIRouter(tags=["confirmation page"], route_class=DocumentedRoute)
templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
TEXTS = {
    "nl": {
        "heading": "Toegang bevestigen",
        "intro": "U bevestigt de volgende toegang tot uw portaal:",
        "portal": "Portaal",
        "grantor": "Werkgever",
        "grantee": "Krijgt toegang",
        "rights": "Rechten",
        "view": "bekijken",
        "edit": "bekijken en wijzigen",
        "expires": "Link geldig tot",
        "valid_until": "Toegang tot en met",
        "button": "Toegang bevestigen",
        "ignore": "Herkent u dit verzoek niet? Sluit deze pagina; er gebeurt dan niets.",
        "confirmed": "De toegang is bevestigd en nu actief.",
    },
    "en": {
        "heading": "Confirm access",
        "intro": "You are confirming this access to your portal:",
        "portal": "Portal",
        "grantor": "Employer",
        "grantee": "Receives access",
        "rights": "Rights",
        "view": "view",
        "edit": "view and change",
        "expires": "Link valid until",
        "valid_until": "Access up to and including",
        "button": "Confirm access",
        "ignore": "Do not recognise this request? Close this page; nothing will happen.",
        "confirmed": "The access is confirmed and now active.",
    },
    "fr": {
        "heading": "Confirmer l'accès",
        "intro": "Vous confirmez l'accès suivant à votre portail :",
        "portal": "Portail",
        "grantor": "Employeur",
        "grantee": "Reçoit l'accès",
        "rights": "Droits",
        "view": "consulter",
        "edit": "consulter et encoder",
        "expires": "Lien valable jusqu'au",
        "valid_until": "Accès jusqu'au (inclus)",
        "button": "Confirmer l'accès",
        "ignore": "Vous ne reconnaissez pas cette demande ? Fermez cette page ; rien ne change.",
        "confirmed": "L'accès est confirmé et maintenant actif.",
    },
}
SAFE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; "
    "style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
}


async def page_language(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"), request.app.state.locale)


Language = Annotated[str, Depends(page_language)]


def render(language: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template("confirm.html").render(
        lang=language, t=TEXTS[language], action="confirm", **context
    )
    return HTMLResponse(html, status_code=status, headers=SAFE_HEADERS)


def problem_page(language: str, error: DomainError) -> HTMLResponse:
    return render(
        language, STATUS.get(error.code, 400), problem=texts(error.key, language, error.facts)
    )


PAGE_REFUSALS = ("confirmation_invalid", "confirmation_used", "confirmation_expired")


@router.get(
    "/confirm",
    response_class=HTMLResponse,
    responses=page_answers("The page: what the link confirms, with a button.", *PAGE_REFUSALS),
)
def confirmation_page(
    grants: Grants,
    language: Language,
    token: Annotated[str, Query(max_length=200, examples=[ex.TOKEN])] = "",
) -> HTMLResponse:
    """The page behind the mailed link: what it would confirm, with a button; confirms
    nothing (mail scanners follow links). Needs no API token: the link's token is the
    credential. Answers in the browser's language (nl, en, fr)."""
    try:
        grant = grants.describe_confirmation(token)
    except DomainError as error:
        return problem_page(language, error)
    return render(language, grant=grant, token=token)


@router.post(
    "/confirm",
    response_class=HTMLResponse,
    responses=page_answers("The access is confirmed and active.", *PAGE_REFUSALS),
)
def confirm_from_page(
    grants: Grants,
    language: Language,
    token: Annotated[str, Form(min_length=1, max_length=200, examples=[ex.TOKEN])],
) -> HTMLResponse:
    """Confirm the grant: the page's button posts its token here (a form, no API token)."""
    try:
        grants.confirm_grant(token, client="confirmation-page")
    except DomainError as error:
        return problem_page(language, error)
    return render(language, confirmed=True)
