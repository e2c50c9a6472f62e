"""Crypto-shredding: personal data in events is sealed with a key per data subject.

The writing application names, per event topic, the paths of personal data whose event's
aggregate is the data subject (from the event catalogue: a person's name and e-mail address
on a platform user's fiche); the mapper seals them with AES-GCM under that subject's key
before the event is stored. A sealed value describes itself, so reading needs no list:
every sealed value an event holds is opened again; once the subject's key is destroyed
(`forget`), they read as `None`, while the rest of the event, its stored bytes and so the
hash chain stay as they were. Keys live in `subject_keys` beside the log; a destroyed key
leaves a row with its erasure time, so nothing can be sealed for that subject again.
"""

from __future__ import annotations

import base64
import functools
import os
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from services.eventlog.subject_keys import SubjectKeys

SEALED = "sealed"
MARK = b'{"sealed":'
"""In a stored event's bytes only where it holds a sealed value."""
SealedPaths = Mapping[str, tuple[str, ...]]
"""Per event topic, the dotted paths of the personal data it holds (`fiche.email`)."""


class PrivacyMapper(Mapper[Any]):
    """eventsourcing's mapper, sealing personal fields per data subject on the way in."""

    def __init__(self, *args: Any, keys: SubjectKeys, sealed: SealedPaths, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys, self.sealed = keys, sealed

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        topic = get_topic(type(domain_event))
        paths = self.sealed.get(topic)
        if not paths:
            return super().to_stored_event(domain_event)
        state = dict(vars(domain_event))
        subject = str(state["originator_id"])
        key = self.keys.key_for_sealing(subject)
        for path in paths:
            _replace(state, path, functools.partial(_seal, key, subject, path))
        sealed = object.__new__(type(domain_event))
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        event = super().to_domain_event(stored_event)
        if holds_sealed(stored_event.state):
            subject = str(stored_event.originator_id)
            _open_all(vars(event), self.keys.key(subject), subject, "")
        return event


def holds_sealed(state: bytes) -> bool:
    """Whether a stored event's bytes hold a sealed value (its subject's key is needed)."""
    return MARK in state


def _open_all(state: dict[str, Any], key: bytes | None, subject: str, prefix: str) -> None:
    """Open every sealed value in `state`, copying the dicts on the way (never in place)."""
    for name, value in list(state.items()):
        path = f"{prefix}{name}"
        if isinstance(value, dict) and SEALED in value:
            state[name] = _open(key, subject, path, value)
        elif isinstance(value, dict):
            inner = dict(value)
            _open_all(inner, key, subject, f"{path}.")
            state[name] = inner


def _replace(state: dict[str, Any], path: str, change: Callable[[Any], Any]) -> None:
    """Replace the value at a dotted path, copying the dicts on the way (never in place)."""
    head, _, rest = path.partition(".")
    if head not in state:
        return
    if rest:
        inner = dict(state[head])
        _replace(inner, rest, change)
        state[head] = inner
    else:
        state[head] = change(state[head])


def _seal(key: bytes, subject: str, path: str, value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    nonce = os.urandom(12)
    box = AESGCM(key).encrypt(nonce, str(value).encode(), f"{subject}/{path}".encode())
    return {SEALED: base64.b64encode(nonce + box).decode()}


def _open(key: bytes | None, subject: str, path: str, value: Any) -> Any:
    if key is None:
        return None
    data = base64.b64decode(value[SEALED])
    return AESGCM(key).decrypt(data[:12], data[12:], f"{subject}/{path}".encode()).decode()
