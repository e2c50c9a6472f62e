"""The page behind the mailed link: shows what will be confirmed; only its POST confirms.

Mail scanners follow links, so a GET never changes anything. The token in the link is the
credential here; the page needs no API token. The page speaks the language of the mail it
came from (the platform's locale); `?lang=` switches it, the browser's language does not.

Each state of a link answers with its own status: valid 200 (the form), used 200 (what is
active now), expired, replaced by a newer link or withdrawn 410 (the link is gone for good:
nothing the employer sends can make it work again), unknown 404 (it says nothing more).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from services.grants import examples as ex
from services.grants.api import Grants
from services.grants.confirm_render import render
from services.grants.confirmation_view import LinkView
from services.grants.domain.base import DomainError
from services.http.problem_docs import HTML, DocumentedRoute
from services.messages import LANGUAGES, negotiate

router = APIRouter(tags=["confirmation page"], route_class=DocumentedRoute)

ANSWERS: dict[int | str, dict[str, object]] = {
    200: {
        "description": "Valid: the form (who asks which rights for whom, until when). "
        "Already used: the access active now (rights, since, until).",
        "content": HTML,
    },
    404: {"description": "Unknown link (nothing more is said).", "content": HTML},
    410: {
        "description": "Expired, replaced by a newer link for the same grant, or withdrawn: "
        "the page says which and what to do.",
        "content": HTML,
    },
}
TokenQuery = Annotated[str, Query(max_length=200, examples=[ex.TOKEN])]
LangQuery = Annotated[str, Query(max_length=5, description="nl, en or fr: the page's language")]


def page_language(request: Request, view: LinkView, lang: str) -> str:
    """An explicit `lang`, else the mail's language, else (an unknown link, which has no
    mail to follow) the browser's."""
    if lang in LANGUAGES:
        return lang
    if view.locale:
        return view.locale
    return negotiate(request.headers.get("accept-language"), request.app.state.locale)


@router.get("/confirm", response_class=HTMLResponse, responses=ANSWERS)
def confirmation_page(
    grants: Grants, request: Request, token: TokenQuery = "", lang: LangQuery = ""
) -> HTMLResponse:
    """The page behind the mailed link: what it would confirm, with a button, or what became
    of the link (used, expired, replaced, withdrawn, unknown); confirms nothing (mail
    scanners follow links). Needs no API token: the link's token is the credential. Speaks
    the mail's language unless `lang` (nl, en, fr) says otherwise."""
    view = grants.describe_confirmation(token)
    return render(view, page_language(request, view, lang), token, explicit=lang)


@router.post("/confirm", response_class=HTMLResponse, responses=ANSWERS)
def confirm_from_page(
    grants: Grants,
    request: Request,
    token: Annotated[str, Form(min_length=1, max_length=200, examples=[ex.TOKEN])],
    lang: Annotated[str, Form(max_length=5)] = "",
) -> HTMLResponse:
    """Confirm the grant: the page's button posts its token here (a form, no API token).
    Answers the recap of what is now active; a second click shows the same access as
    already confirmed (the token stays single use)."""
    view = grants.describe_confirmation(token)
    confirmed = False
    if view.state == "valid":
        try:
            grants.confirm_grant(token, client="confirmation-page")
            confirmed = True
        except DomainError:
            pass  # it changed meanwhile (confirmed in another tab, expired): say what it is
        view = grants.describe_confirmation(token)
    language = page_language(request, view, lang)
    return render(view, language, token, explicit=lang, just_confirmed=confirmed)
