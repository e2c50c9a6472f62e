"""Demo data: BeFrank-, PME- and Ethias-like platforms, organisations, an advisor, contracts."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from services.settings import Settings

DV = "urn:etoegang:DV:00000001003214345000:services"
EMPLOYER, ADVISOR, GROUP = "kvk:12345678", "kvk:87654321", "kvk:12345679"
PLATFORMS = {
    "befrank-werkgeversportaal": {
        "name": "BeFrank werkgeversportaal",
        "login": ["eherkenning"],
        "min_loa": "EH3",
        "services": {f"{DV}:1": "employer_view", f"{DV}:2": "employer_edit", f"{DV}:3": "advisor"},
        "chain_authorisation": "sufficient",
        "locale": "nl",
    },
    "pme-werkgeversportaal": {
        "name": "PME werkgeversportaal",
        "login": ["eherkenning"],
        "min_loa": "EH3",
        "services": {
            f"{DV}:11": "employer_view",
            f"{DV}:12": "employer_edit",
            f"{DV}:13": "advisor",
        },
        "chain_authorisation": "requires_grant",
        "locale": "nl",
    },
    "ethias-extranet-aanvullend": {
        "name": "Ethias Extranet Aanvullend Pensioen",
        "login": ["credentials"],
        "min_loa": "EH3",
        "services": {},
        "chain_authorisation": "not_accepted",
        "locale": "nl",
    },
    "ethias-extranet-wettelijk": {
        "name": "Ethias Extranet Wettelijk Pensioen",
        "login": ["credentials"],
        "min_loa": "EH3",
        "services": {},
        "chain_authorisation": "not_accepted",
        "locale": "nl",
    },
    "ethias-connect": {
        "name": "Ethias Connect",
        "login": ["credentials"],
        "min_loa": "EH3",
        "services": {},
        "chain_authorisation": "not_accepted",
        "locale": "fr",
    },
}
ORGANISATIONS = {
    EMPLOYER: ("Bakkerij De Korenschoof B.V.", "hr@korenschoof.example"),
    GROUP: ("Korenschoof Logistiek B.V.", "logistiek@korenschoof.example"),
    ADVISOR: ("Van Dijk Pensioenadvies", "info@vandijk-advies.example"),
    "kbo:0403019261": ("Brasserie Les Trois Clés SA", "rh@troiscles.example"),
}


def load(settings: Settings, admin_token: str) -> str:
    """Load (idempotently) the demo data; answer curl lines to try."""
    from services.bootstrap import build_grants_application

    app = build_grants_application(settings)
    try:
        for slug, platform in PLATFORMS.items():
            app.reference.configure_platform(slug, platform, "demo")
        for ref, (name, email) in ORGANISATIONS.items():
            app.reference.register_organisation(ref, name, email, "demo")
        for slug in ("befrank-werkgeversportaal", "pme-werkgeversportaal"):
            app.reference.register_contract(
                slug, "PC-1001", EMPLOYER, [GROUP], "Korenschoof pensioen", "demo"
            )
            app.reference.register_advisor(slug, ADVISOR, "AFM-12345678", "demo")
        for contract, title in (("G-2024-001", "Groep Trois Clés"), ("G-2024-002", "Kader")):
            app.reference.register_contract(
                "ethias-extranet-aanvullend", contract, "kbo:0403019261", [], title, "demo"
            )
    finally:
        app.close()
    return instructions(settings, admin_token)


def instructions(settings: Settings, admin_token: str) -> str:
    """What the demo holds, the curl lines to try, and where the mail they cause goes."""
    return "\n".join(
        [*contents(), "", *tries(settings, admin_token), "", mail_destination(settings)]
    )


def contents() -> list[str]:
    """The platforms, organisations, contracts and advisor the demo loads, one per line."""
    platforms = [
        f"    {slug:<28} {p['name']} ({', '.join(p['login'])}; chains: {p['chain_authorisation']})"
        for slug, p in PLATFORMS.items()
    ]
    organisations = [f"    {ref:<28} {name}" for ref, (name, _) in ORGANISATIONS.items()]
    return [
        "Demo data loaded (loading it again changes nothing):",
        "  platforms:",
        *platforms,
        "  organisations:",
        *organisations,
        "  contracts:",
        f"    PC-1001 of {EMPLOYER}, also covering {GROUP}: on both werkgeversportalen",
        "    G-2024-001 and G-2024-002 of kbo:0403019261: on ethias-extranet-aanvullend",
        f"  advisor: {ADVISOR} (AFM-12345678) on both werkgeversportalen",
        "  grants: the demo makes none; the curl line below requests one",
    ]


def tries(settings: Settings, admin_token: str) -> list[str]:
    """The admin token and a grant request to try against `toegang serve`."""
    url = settings.public_url.rstrip("/")
    actor = json.dumps(
        {
            "method": "eherkenning",
            "legal_subject": EMPLOYER,
            "acting_subject": "demo-person",
            "intermediary": None,
            "service_id": f"{DV}:2",
            "loa": "urn:etoegang:core:assurance-class:loa3",
        },
        separators=(",", ":"),
    )
    body = f'{{"grantor":"{EMPLOYER}","grantee":"{ADVISOR}","rights":"view","actor":{actor}}}'
    return [
        f"Admin token: {admin_token}",
        "Try (with `toegang serve` running):",
        "",
        f"  export TOKEN={admin_token}",
        f"  curl -s -X POST {url}/v1/platforms/befrank-werkgeversportaal/grants \\",
        "    -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\",
        f"    -d '{body}'",
    ]


def mail_destination(settings: Settings) -> str:
    """Where the confirmation mail of that request goes, for the configured mailer."""
    if settings.smtp_url:
        server = urlsplit(settings.smtp_url)
        port = f":{server.port}" if server.port else ""
        where = f"{server.hostname}{port}"
        return f"The confirmation mail, with its link, goes to the SMTP server {where}."
    return (
        f"The confirmation mail, with its link, is written to {settings.outbox_dir}/:\n"
        f"  ls {settings.outbox_dir}/"
    )
