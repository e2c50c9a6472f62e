"""Crypto-shredding: personal data in events is sealed with a key per data subject.

The mapper seals the fields listed in `PERSONAL` (a person's name and e-mail address on a
platform user's fiche) with AES-GCM under the key of that user, before the event is stored.
Reading an event opens them again; once the subject's key is destroyed (`forget`), they read
as `None`, while the rest of the event, its stored bytes and so the hash chain stay as they
were. Keys live in `subject_keys` beside the log; a destroyed key leaves a row with its
erasure time, so nothing can be sealed for that subject again.
"""

from __future__ import annotations

import base64
import functools
import os
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from services.eventlog.subject_keys import SubjectKeys
from services.grants.domain.platform_user import PlatformUser

PERSONAL: dict[str, tuple[str, ...]] = {
    f"{PlatformUser.__module__}:PlatformUser.{name}": ("fiche.name", "fiche.email")
    for name in ("Granted", "ProfileReplaced")
}
"""Per event topic, the paths of personal data; the event's aggregate is the data subject."""
SEALED = "sealed"


class PrivacyMapper(Mapper[Any]):
    """eventsourcing's mapper, sealing personal fields per data subject on the way in."""

    def __init__(self, *args: Any, keys: SubjectKeys, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        topic = get_topic(type(domain_event))
        paths = PERSONAL.get(topic)
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
        paths = PERSONAL.get(stored_event.topic)
        if paths:
            subject = str(stored_event.originator_id)
            key = self.keys.key(subject)
            for path in paths:
                _replace(vars(event), path, functools.partial(_open, key, subject, path))
        return event


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
    if not (isinstance(value, dict) and SEALED in value):
        return value  # written before sealing existed
    if key is None:
        return None
    data = base64.b64decode(value[SEALED])
    return AESGCM(key).decrypt(data[:12], data[12:], f"{subject}/{path}".encode()).decode()
