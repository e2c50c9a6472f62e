"""The message catalogue: title, detail and remedy per stable code, and the messages of the
fields a request gets wrong, in nl, en and fr; texts may hold `{placeholders}` for facts."""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LANGUAGES = ("nl", "en", "fr")
LOCALES_DIR = Path(__file__).parent / "locales"
FIELD_SECTION = "field_messages"
"""The catalogue's section of field messages: one sentence per error type (`errors[]`)."""
REPORT_SECTION = "report"
"""The catalogue's section of the audit report's texts (headings, labels, legend, words)."""
GENERIC = "generic"
"""The field message for an error type without a text of its own."""
PAGE_SECTIONS = ("confirm_page", "dates")
"""The catalogue's sections of page texts (the confirmation page, dates for people)."""


@functools.cache
def _file(language: str) -> dict[str, Any]:
    with (LOCALES_DIR / f"{language}.toml").open("rb") as file:
        return tomllib.load(file)


@functools.cache
def catalogue(language: str) -> dict[str, dict[str, str]]:
    """All problem and reason texts of one language, keyed by code (`code@variant` for a
    situation of its own: a variant holds the texts it changes, the code's entry the rest)."""
    skipped = (FIELD_SECTION, REPORT_SECTION, *PAGE_SECTIONS)
    return {code: entry for code, entry in _file(language).items() if code not in skipped}


@functools.cache
def field_catalogue(language: str) -> dict[str, str]:
    """The field messages of one language, keyed by error type (`type@variant` likewise)."""
    messages: dict[str, str] = _file(language)[FIELD_SECTION]
    return messages


def page_texts(section: str, language: str) -> dict[str, Any]:
    """The texts of one page section (`confirm_page`, `dates`) in one language."""
    texts: dict[str, Any] = _file(language)[section]
    return texts


@functools.cache
def report_texts(language: str) -> dict[str, str]:
    """The audit report's texts of one language, keyed by name (`fact_…` labels a fact)."""
    texts: dict[str, str] = _file(language)[REPORT_SECTION]
    return texts


def placeholders(text: str) -> set[str]:
    """The names of the `{placeholders}` in a text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def fill(text: str, facts: Mapping[str, Any]) -> str | None:
    """The text with its placeholders filled from `facts` (a list as `a, b`); None when a
    fact it needs is absent."""
    names = placeholders(text)
    if not names <= facts.keys():
        return None
    return text.format_map({name: _plain(facts[name]) for name in names})


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(item) for item in value)
    return str(value)


def texts(code: str, language: str, facts: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Title, detail and remedy for a code (a variant over its code's texts), placeholders
    filled from `facts`; a variant whose facts are absent gives way to its code; English,
    then the code itself, as fallback."""
    base = code.partition("@")[0]
    entry = _entry(base, language)
    if entry is None:
        return {"title": base.replace("_", " "), "detail": base, "remedy": ""}
    variant = _entry(code, language) if code != base else None
    filled = {name: fill(text, facts or {}) for name, text in {**entry, **(variant or {})}.items()}
    if None in filled.values():
        return {name: fill(text, {}) or text for name, text in entry.items()}
    return {name: text or "" for name, text in filled.items()}


def _entry(key: str, language: str) -> dict[str, str] | None:
    return catalogue(language).get(key) or catalogue("en").get(key)


def field_message(key: str, language: str, facts: Mapping[str, Any]) -> str:
    """The sentence for one field error: its `type@variant`, else its type, else the generic
    one; always in `language`, never pydantic's English."""
    messages = field_catalogue(language)
    for candidate in (key, key.partition("@")[0]):
        text = messages.get(candidate)
        filled = fill(text, facts) if text is not None else None
        if filled is not None:
            return filled
    return messages[GENERIC]


@functools.lru_cache(maxsize=512)  # portals send the same few headers; bounded for the rest
def negotiate(accept_language: str | None, default: str = "nl") -> str:
    """The best of nl/en/fr for an Accept-Language header (quality values honoured)."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and quality > 0:
            choices.append((-quality, index, language))
    return min(choices)[2] if choices else default
