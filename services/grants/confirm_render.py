"""The confirmation page's HTML: a link's view, in one language, with dates for people."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.grants.confirmation_view import LinkView
from services.grants.page_dates import human_day, human_moment, zone_of
from services.messages import LANGUAGES, page_texts

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
STATUS = {"valid": 200, "used": 200, "expired": 410, "replaced": 410, "withdrawn": 410}
"""The HTTP status of each state of a link; an unknown link answers 404."""
SAFE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; "
    "style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
}


def render(
    view: LinkView, language: str, token: str, explicit: str = "", just_confirmed: bool = False
) -> HTMLResponse:
    """The page for a link in `language`: its state's texts, the grant (valid or used), the
    language switch; `explicit` is a language the reader chose (kept when the form posts)."""
    t = page_texts("confirm_page", language)
    state = "confirmed" if just_confirmed else view.state
    html = templates.get_template("confirm.html").render(
        lang=language,
        t=t,
        state=state,
        heading=t[f"heading_{state}"],
        grant=facts(view, language),
        manage=t["manage"].format(platform_name=view.platform_name),
        token=token,
        chosen=explicit if explicit in LANGUAGES else "",
        switch=language_links(token, language),
    )
    return HTMLResponse(html, status_code=STATUS.get(view.state, 404), headers=SAFE_HEADERS)


def facts(view: LinkView, language: str) -> dict[str, Any]:
    """The grant's facts as the page writes them (empty for a link that names no grant)."""
    if view.state not in ("valid", "used"):
        return {}
    t = page_texts("confirm_page", language)
    zone = zone_of(view.grantor)
    return {
        "active": view.status == "active",
        "platform_name": view.platform_name,
        "grantor": f"{view.grantor_name} ({view.grantor})",
        "grantee": f"{view.grantee_name} ({view.grantee})",
        "rights": t[view.rights],
        "valid_until": human_day(view.valid_until, language) if view.valid_until else "",
        "until": human_day(view.valid_until, language) if view.valid_until else t["no_end"],
        "expires_at": human_moment(view.expires_at, language, zone) if view.expires_at else "",
        "since": human_moment(view.confirmed_at, language, zone) if view.confirmed_at else "",
    }


def language_links(token: str, current: str) -> list[dict[str, Any]]:
    """The language switch: `?token=…&lang=xx` for nl, en and fr."""
    t = page_texts("confirm_page", current)
    return [
        {
            "lang": code,
            "name": t[f"lang_{code}"],
            "href": "?" + urlencode({"token": token, "lang": code}),
            "current": code == current,
        }
        for code in LANGUAGES
    ]
