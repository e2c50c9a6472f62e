"""Schemathesis hooks: how to make the service's own identifier formats.

The OpenAPI document gives organisation numbers the format `organisation-number`: `kvk:`
with 8 digits, or `kbo:` with 10 digits whose last two are the mod-97 check of the first
eight. A pattern cannot say the check, so valid numbers are made here; e-mail addresses are
made as the service's checker takes them (a real domain, no special-use names).
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st


def kbo(first_eight: int) -> str:
    """A Belgian enterprise number with its check digits."""
    return f"kbo:{first_eight:08d}{97 - first_eight % 97:02d}"


KVK = st.integers(0, 99_999_999).map(lambda number: f"kvk:{number:08d}")
KBO = st.integers(0, 19_999_999).map(kbo)
EMAIL = st.from_regex(r"[a-z]{1,12}(\.[a-z]{1,12})?@[a-z]{2,12}\.(nl|be|eu|com)", fullmatch=True)

schemathesis.openapi.format("organisation-number", st.one_of(KVK, KBO))
schemathesis.openapi.format("email", EMAIL)
