"""An event's facts as an auditor reads them: a small table of labelled values, not JSON.

Labels and words come from the report's texts of one language; organisation numbers get the
organisation's name beside them; a change of rights reads `view → edit` (the previous rights
of the same grant or user, from the events before it); instants read to the second.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from services.audit.report_time import show_time
from services.audit.timefmt import parse_instant

ERASED = "[erased]"
REFERENCE = re.compile(r"\b(?:kvk|kbo):\d{8,10}\b")
INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?")


@dataclass(frozen=True)
class Fact:
    """One labelled value of an event; `erased` marks personal data that was erased."""

    label: str
    text: str
    erased: bool = False


def named(text: str, names: Mapping[str, str]) -> str:
    """`text` with each organisation number that has a known name written `Name (kvk:…)`."""
    return REFERENCE.sub(lambda m: f"{names[m[0]]} ({m[0]})" if m[0] in names else m[0], text)


def label(key: str, texts: Mapping[str, str]) -> str:
    """The label of a fact's (dotted) key: its text, else the key's last part in words."""
    return texts.get(f"fact_{key.replace('.', '_')}") or key.rsplit(".", 1)[-1].replace("_", " ")


def rights_word(rights: str, texts: Mapping[str, str]) -> str:
    """`view` or `edit` in the report's language (other values as they are)."""
    return texts.get(f"rights_{rights}", rights)


def value_text(
    value: Any, texts: Mapping[str, str], names: Mapping[str, str], where: tzinfo
) -> str:
    """One fact's value as words: yes/no, lists joined, instants to the second, names added."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return texts["yes"] if value else texts["no"]
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item, texts, names, where) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v, texts, names, where)}" for k, v in value.items())
    text = str(value)
    if INSTANT.fullmatch(text):
        return show_time(parse_instant(text), where)
    return named(text, names)


def flatten(facts: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    """(dotted key, value) pairs: nested objects opened up, so each value gets its own row."""
    for key, value in facts.items():
        if isinstance(value, dict) and value:
            yield from flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def facts_of(
    facts: Mapping[str, Any],
    previous_rights: str | None,
    texts: Mapping[str, str],
    names: Mapping[str, str],
    where: tzinfo,
) -> list[Fact]:
    """The rows of one event's fact table; rights read `before → after` when they changed."""
    shown: list[Fact] = []
    for key, value in flatten(facts):
        if value == ERASED:
            shown.append(Fact(label(key, texts), texts["erased"], erased=True))
        elif key == "rights" and isinstance(value, str):
            now = rights_word(value, texts)
            before = previous_rights and previous_rights != value
            text = f"{rights_word(previous_rights or '', texts)} → {now}" if before else now
            shown.append(Fact(label(key, texts), text))
        else:
            shown.append(Fact(label(key, texts), value_text(value, texts, names, where)))
    return shown


def previous_rights(entries: Iterable[Mapping[str, Any]]) -> list[str | None]:
    """Per entry, the rights its grant or user held before it (None when not known)."""
    held: dict[str, str] = {}
    before: list[str | None] = []
    for entry in entries:
        subject = str(entry.get("aggregate_id", ""))
        before.append(held.get(subject))
        rights = entry["facts"].get("rights") if isinstance(entry["facts"], dict) else None
        if isinstance(rights, str) and subject:
            held[subject] = rights
    return before


def actor_label(
    actor: Mapping[str, Any], texts: Mapping[str, str], names: Mapping[str, str]
) -> str:
    """Who acted, said in the report's language from the actor's recorded fields (`label_`
    + route); the trail's own label when the route has no text or a field is missing."""
    facts = {
        "person": actor.get("acting_subject"),
        "organisation": actor.get("legal_subject"),
        "intermediary": actor.get("intermediary"),
        "user": actor.get("user_id"),
        "client": actor.get("client"),
    }
    text = texts.get(f"label_{actor.get('route')}")
    needed = {name for name in facts if "{" + name + "}" in (text or "")}
    if text is None or any(facts[name] is None for name in needed):
        return named(str(actor.get("label", "")), names)
    return named(text.format(**{name: str(facts[name]) for name in needed}), names)
