"""The message catalogue: title, detail and remedy per stable code, in nl, en and fr."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

LANGUAGES = ("nl", "en", "fr")
LOCALES_DIR = Path(__file__).parent / "locales"


@functools.cache
def catalogue(language: str) -> dict[str, dict[str, str]]:
    """All texts of one language, keyed by code."""
    with (LOCALES_DIR / f"{language}.toml").open("rb") as file:
        return tomllib.load(file)


def texts(code: str, language: str) -> dict[str, str]:
    """Title, detail and remedy for a code; English, then the code itself, as fallback."""
    base = code.partition("@")[0]
    entry = (
        catalogue(language).get(code)
        or catalogue("en").get(code)
        or catalogue(language).get(base)
        or catalogue("en").get(base)
    )
    if entry is None:
        return {"title": code.replace("_", " "), "detail": code, "remedy": ""}
    return entry


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
