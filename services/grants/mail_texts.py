"""The words mails use for rights, document kinds and reasons, per language, and times."""

from __future__ import annotations

from datetime import UTC, datetime

RIGHTS_TEXT = {
    "nl": {"view": "raadplegen", "edit": "raadplegen en invoeren"},
    "en": {"view": "view", "edit": "view and change"},
    "fr": {"view": "consulter", "edit": "consulter et encoder"},
}

KIND_TEXT = {
    "nl": {
        "pension_fiche": "nieuwe pensioenfiches",
        "invoice": "een nieuwe factuur",
        "annual_adjustment": "het bestand voor de jaarlijkse aanpassing",
    },
    "en": {
        "pension_fiche": "new pension fiches",
        "invoice": "a new invoice",
        "annual_adjustment": "the annual adjustment file",
    },
    "fr": {
        "pension_fiche": "de nouvelles fiches de pension",
        "invoice": "une nouvelle facture",
        "annual_adjustment": "le fichier d'adaptation annuelle",
    },
}

GRANT_RIGHTS_TEXT = {
    "nl": {"view": "bekijken", "edit": "bekijken en wijzigen"},
    "en": {"view": "view", "edit": "view and change"},
    "fr": {"view": "consulter", "edit": "consulter et encoder"},
}

REASON_TEXT = {
    "nl": {"advisor_licence_withdrawn": "de vergunning van de adviseur is ingetrokken"},
    "en": {"advisor_licence_withdrawn": "the advisor's licence was withdrawn"},
    "fr": {"advisor_licence_withdrawn": "l'agrément du conseiller a été retiré"},
}


def mail_language(known: str | None, platform_locale: str) -> str:
    """The language a person or organisation reads, where it is known; else the platform's."""
    return known if known in RIGHTS_TEXT else platform_locale


def pick_language(texts: dict[str, str], *preferred: str | None) -> str:
    """The first preferred language the text has (None: not known), else nl, fr, en in that
    order."""
    for language in (*preferred, "nl", "fr", "en"):
        if language is not None and language in texts:
            return language
    return next(iter(texts))


def readable(moment: datetime | None) -> str:
    """A timestamp as people read it in a mail: `2026-12-03 14:05 UTC`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""
