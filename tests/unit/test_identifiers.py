"""Identifiers, confirmation tokens, settings and the message catalogue: pure functions."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from services import messages
from services.grants.domain.base import DomainError
from services.grants.identifiers import (
    InvalidIdentifier,
    email_address,
    organisation_ref,
    platform_slug,
    reference,
)
from services.grants.tokens import ConfirmationTokens, grant_id_of, hash_token
from services.settings import ALL_SCOPES, SettingsError, load_settings

KEY = b"0123456789abcdef0123456789abcdef"
OTHER_KEY = b"fedcba9876543210fedcba9876543210"


def kbo(first_eight: int) -> str:
    """A KBO reference with the correct check number for its first eight digits."""
    return f"kbo:{first_eight:08d}{97 - first_eight % 97:02d}"


# --- organisation references ------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "kvk:12345678",
        "kvk:00000000",
        "kbo:0403170701",  # a real enterprise number
        "kbo:0202239951",
        kbo(12345678),
        kbo(10000000),  # first digit 1
        kbo(0),  # check number 97
    ],
)
def test_valid_organisation_refs_are_returned_unchanged(ref: str) -> None:
    assert organisation_ref(ref) == ref


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "12345678",  # missing prefix
        "0403170701",  # missing prefix
        "kvk:1234567",  # 7 digits
        "kvk:123456789",  # 9 digits
        "kvk:1234567a",
        "kvk:abcdefgh",
        "KVK:12345678",
        "kvk: 12345678",
        "kvk:12345678 ",
        "kvk:１２３４５６７８",  # full-width digits
        "kvk:١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "kbo:0403170702",  # wrong check number
        "kbo:0403170710",
        "kbo:403170701",  # 9 digits
        "kbo:04031707011",  # 11 digits
        "kbo:0403.170.701",
        kbo(20000000),  # first digit 2, correct check number
        kbo(98765432),
        "kbo:12345678",  # a kvk number under the kbo prefix
        "kvk:0403170701",  # a kbo number under the kvk prefix
        "vat:0403170701",
    ],
)
def test_invalid_organisation_refs_are_refused(ref: str) -> None:
    with pytest.raises(InvalidIdentifier) as raised:
        organisation_ref(ref)
    assert raised.value.code == "invalid_identifier"
    assert raised.value.facts == {"field": "organisation"}


def test_a_refused_ref_is_quoted_at_most_forty_characters() -> None:
    with pytest.raises(InvalidIdentifier) as raised:
        organisation_ref("x" * 500)
    assert "x" * 41 not in str(raised.value)


@given(digits=st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_any_eight_digit_kvk_is_accepted(digits: str) -> None:
    assert organisation_ref(f"kvk:{digits}") == f"kvk:{digits}"


@given(digits=st.text(alphabet="0123456789", min_size=0, max_size=12).filter(lambda d: len(d) != 8))
def test_a_kvk_of_another_length_is_refused(digits: str) -> None:
    with pytest.raises(InvalidIdentifier):
        organisation_ref(f"kvk:{digits}")


@given(first_eight=st.integers(min_value=0, max_value=19_999_999))
def test_any_kbo_with_a_correct_check_and_first_digit_0_or_1_is_accepted(first_eight: int) -> None:
    ref = kbo(first_eight)
    assert ref[4] in "01"
    assert organisation_ref(ref) == ref


@given(
    first_eight=st.integers(min_value=0, max_value=19_999_999),
    last=st.sampled_from("0123456789"),
)
def test_changing_the_last_digit_of_a_kbo_makes_it_invalid(first_eight: int, last: str) -> None:
    valid = kbo(first_eight)
    assume(valid[-1] != last)
    with pytest.raises(InvalidIdentifier):
        organisation_ref(valid[:-1] + last)


@given(first_eight=st.integers(min_value=20_000_000, max_value=99_999_999))
def test_a_kbo_starting_with_2_to_9_is_refused_even_with_a_correct_check(first_eight: int) -> None:
    with pytest.raises(InvalidIdentifier):
        organisation_ref(kbo(first_eight))


@pytest.mark.parametrize("ref", ["kvk:12345678\n", "kbo:0403170701\n"])
def test_a_trailing_newline_is_refused(ref: str) -> None:
    with pytest.raises(InvalidIdentifier):
        organisation_ref(ref)


# --- e-mail, slugs and references -------------------------------------------------------------


def test_email_address_is_normalised() -> None:
    assert email_address("hr@befrank.nl") == "hr@befrank.nl"
    assert email_address("Jan.Jansen@Example.NL") == "Jan.Jansen@example.nl"


@pytest.mark.parametrize(
    "address",
    ["", "jan", "jan@", "@example.nl", "jan@localhost", "jan..x@example.nl", "a b@example.nl"],
)
def test_invalid_email_addresses_are_refused(address: str) -> None:
    with pytest.raises(InvalidIdentifier) as raised:
        email_address(address)
    assert raised.value.facts == {"field": "email"}
    assert str(raised.value).startswith("not a valid e-mail address")


@pytest.mark.parametrize(
    "slug", ["befrank-werkgeversportaal", "ethias-extranet-aanvullend", "a", "a1", "x" * 64]
)
def test_valid_platform_slugs(slug: str) -> None:
    assert platform_slug(slug) == slug


@pytest.mark.parametrize(
    "slug", ["", "-befrank", "befrank-", "BeFrank", "be_frank", "be frank", "bé", "x" * 65]
)
def test_invalid_platform_slugs(slug: str) -> None:
    with pytest.raises(InvalidIdentifier) as raised:
        platform_slug(slug)
    assert raised.value.facts == {"field": "platform"}


@pytest.mark.parametrize("value", ["AFM-12345", "G.1_2-3", "x", "A" * 64])
def test_valid_references(value: str) -> None:
    assert reference(value, "licence") == value


@pytest.mark.parametrize("value", ["", ".G1", "G1.", "-x", "G 1", "G/1", "a" * 65])
def test_invalid_references_name_the_field(value: str) -> None:
    with pytest.raises(InvalidIdentifier) as raised:
        reference(value, "contract")
    assert raised.value.facts == {"field": "contract"}
    assert "contract" in str(raised.value)


def contract_reference(value: str) -> str:
    return reference(value, "contract")


@pytest.mark.parametrize("check", [platform_slug, contract_reference])
def test_slug_and_reference_refuse_a_trailing_newline(check: Callable[[str], str]) -> None:
    with pytest.raises(InvalidIdentifier):
        check("befrank\n")


# --- confirmation tokens ----------------------------------------------------------------------


def test_issue_gives_a_token_whose_hash_is_the_stored_hash() -> None:
    tokens = ConfirmationTokens(KEY)
    grant_id = uuid4()
    issued = tokens.issue(grant_id)
    assert hash_token(issued.token) == issued.token_hash
    assert re.fullmatch(r"[0-9a-f]{64}", issued.token_hash)
    assert re.fullmatch(r"[0-9a-f]{64}", issued.confirmation_id)
    assert issued.token == tokens.derive(grant_id, issued.confirmation_id)
    assert grant_id_of(issued.token) == grant_id
    assert issued.token_hash != issued.token


def test_issue_is_fresh_every_time() -> None:
    tokens = ConfirmationTokens(KEY)
    grant_id = uuid4()
    issued = [tokens.issue(grant_id) for _ in range(20)]
    assert len({i.confirmation_id for i in issued}) == 20
    assert len({i.token for i in issued}) == 20


def test_derive_is_deterministic_per_key() -> None:
    grant_id = uuid4()
    confirmation_id = "ab" * 32
    first = ConfirmationTokens(KEY).derive(grant_id, confirmation_id)
    assert first == ConfirmationTokens(KEY).derive(grant_id, confirmation_id)
    assert first != ConfirmationTokens(OTHER_KEY).derive(grant_id, confirmation_id)
    assert first != ConfirmationTokens(KEY).derive(grant_id, "cd" * 32)
    prefix, secret = first.split(".")
    assert prefix == grant_id.hex
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret)


@given(
    grant_id=st.uuids(),
    confirmation_id=st.text(min_size=1, max_size=80),
    key=st.binary(min_size=32, max_size=64),
)
def test_derive_round_trips_the_grant_id(grant_id: UUID, confirmation_id: str, key: bytes) -> None:
    tokens = ConfirmationTokens(key)
    token = tokens.derive(grant_id, confirmation_id)
    assert grant_id_of(token) == grant_id
    assert tokens.derive(grant_id, confirmation_id) == token
    assert hash_token(token) == hash_token(tokens.derive(grant_id, confirmation_id))


@given(grant_id=st.uuids(), confirmation_id=st.text(min_size=1, max_size=80))
def test_derive_differs_between_keys(grant_id: UUID, confirmation_id: str) -> None:
    assert ConfirmationTokens(KEY).derive(grant_id, confirmation_id) != ConfirmationTokens(
        OTHER_KEY
    ).derive(grant_id, confirmation_id)


GOOD_SECRET = "A" * 43


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".",
        "abc",
        "0" * 32,
        "0" * 32 + ".",
        "0" * 32 + "." + "A" * 42,
        "0" * 32 + "." + "A" * 44,
        "0" * 31 + "." + GOOD_SECRET,
        "0" * 33 + "." + GOOD_SECRET,
        "g" * 32 + "." + GOOD_SECRET,
        "0" * 28 + "urn:" + "." + GOOD_SECRET,
        "{" + "0" * 30 + "}." + GOOD_SECRET,
        GOOD_SECRET + "." + "0" * 32,
    ],
)
def test_grant_id_of_rejects_malformed_tokens(token: str) -> None:
    assert grant_id_of(token) is None


def test_grant_id_of_accepts_the_token_shape() -> None:
    grant_id = UUID("12345678123456781234567812345678")
    assert grant_id_of(f"{grant_id.hex}.{GOOD_SECRET}") == grant_id


@pytest.mark.parametrize("length", [0, 16, 31])
def test_short_token_keys_are_refused(length: int) -> None:
    with pytest.raises(ValueError, match="256 bits"):
        ConfirmationTokens(b"k" * length)


def test_a_256_bit_key_is_enough() -> None:
    ConfirmationTokens(b"k" * 32)


# --- settings ---------------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Monkeypatch, after removing every TOEGANG_ variable the developer's shell may hold."""
    for name in list(os.environ):
        if name.startswith("TOEGANG_"):
            monkeypatch.delenv(name)
    return monkeypatch


def settings_error(env: pytest.MonkeyPatch, name: str, value: str) -> str:
    env.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    lines = raised.value.lines
    assert len(lines) == 1 and lines[0].startswith(f"{name}: "), lines
    return lines[0]


def test_defaults_load(env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.database_url is None
    assert settings.api_tokens is None
    assert settings.sqlite_path == Path("var") / "toegang.sqlite"
    assert not settings.uses_postgres
    assert settings.confirm_link("T") == "http://127.0.0.1:8000/confirm?token=T"


@pytest.mark.parametrize("url", ["mysql://db/toegang", "http://x", "toegang.sqlite"])
def test_a_bad_database_url_scheme_is_a_readable_error(env: pytest.MonkeyPatch, url: str) -> None:
    message = settings_error(env, "TOEGANG_DATABASE_URL", url)
    assert "sqlite:///" in message
    assert "postgresql://" in message
    assert "Traceback" not in message


def test_database_urls_that_are_accepted(env: pytest.MonkeyPatch) -> None:
    env.setenv("TOEGANG_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/toegang")
    assert load_settings().uses_postgres
    env.setenv("TOEGANG_DATABASE_URL", "sqlite:///tmp/t.sqlite")
    settings = load_settings()
    assert not settings.uses_postgres
    assert settings.sqlite_path == Path("tmp/t.sqlite")


def test_a_confirm_url_without_token_is_a_readable_error(env: pytest.MonkeyPatch) -> None:
    message = settings_error(env, "TOEGANG_CONFIRM_URL", "https://portal.example/confirm")
    assert "{token}" in message


def test_a_confirm_url_template_renders(env: pytest.MonkeyPatch) -> None:
    env.setenv("TOEGANG_PUBLIC_URL", "https://toegang.example/")
    env.setenv("TOEGANG_CONFIRM_URL", "{public_url}/bevestig/{token}")
    assert load_settings().confirm_link("abc") == "https://toegang.example/bevestig/abc"


def test_a_confirm_url_with_an_unknown_placeholder_is_a_readable_error(
    env: pytest.MonkeyPatch,
) -> None:
    settings_error(env, "TOEGANG_CONFIRM_URL", "https://x.example/{token}?lang={lang}")


@pytest.mark.parametrize("key", ["ab" * 31, "not hex at all", "g" * 64])
def test_a_short_or_non_hex_token_key_is_a_readable_error(
    env: pytest.MonkeyPatch, key: str
) -> None:
    message = settings_error(env, "TOEGANG_TOKEN_KEY", key)
    assert "64 hex digits" in message


def test_a_64_hex_digit_token_key_is_accepted(env: pytest.MonkeyPatch) -> None:
    env.setenv("TOEGANG_TOKEN_KEY", "ab" * 32)
    key = load_settings().token_key
    assert key is not None
    ConfirmationTokens(bytes.fromhex(key))


def test_an_odd_length_token_key_is_a_readable_error(env: pytest.MonkeyPatch) -> None:
    settings_error(env, "TOEGANG_TOKEN_KEY", "a" * 65)


@pytest.mark.parametrize("value", ["{not json", "[]", '"admin"', '{"t": "admin"}'])
def test_invalid_api_tokens_are_a_readable_error(env: pytest.MonkeyPatch, value: str) -> None:
    settings_error(env, "TOEGANG_API_TOKENS", value)


def test_an_unknown_scope_is_a_readable_error(env: pytest.MonkeyPatch) -> None:
    message = settings_error(env, "TOEGANG_API_TOKENS", '{"t1": ["admin", "root"]}')
    assert "audit:read" in message


def test_api_tokens_are_parsed_from_json(env: pytest.MonkeyPatch) -> None:
    tokens = {"portal-token": ["access:read", "grants:write"], "ops": list(ALL_SCOPES), "x": []}
    env.setenv("TOEGANG_API_TOKENS", json.dumps(tokens))
    assert load_settings().api_tokens == tokens


def test_every_error_is_listed_on_its_own_line(env: pytest.MonkeyPatch) -> None:
    env.setenv("TOEGANG_DATABASE_URL", "mysql://x")
    env.setenv("TOEGANG_TOKEN_KEY", "short")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    lines = raised.value.lines
    assert [line.split(":")[0] for line in lines] == ["TOEGANG_DATABASE_URL", "TOEGANG_TOKEN_KEY"]


def test_overrides_win_over_the_environment(env: pytest.MonkeyPatch) -> None:
    env.setenv("TOEGANG_LOCALE", "fr")
    assert load_settings().locale == "fr"
    assert load_settings(locale="en").locale == "en"
    with pytest.raises(SettingsError, match="TOEGANG_LOCALE"):
        load_settings(locale="de")


# --- languages and the message catalogue ------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "nl"),
        ("", "nl"),
        ("en", "en"),
        ("fr", "fr"),
        ("EN-gb", "en"),
        ("nl-BE", "nl"),
        ("fr-BE,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9,en;q=0.5", "en"),
        ("en;q=0.5,fr;q=0.8", "fr"),
        ("en, fr", "en"),
        ("fr;q=0.7, en;q=0.7", "fr"),
        ("en;q=0, fr;q=0.1", "fr"),
        ("en;q=0", "nl"),
        ("en;q=abc, fr;q=0.2", "fr"),
        (" en ; q=0.3 , nl;q=0.2", "en"),
        ("de", "nl"),
        ("*", "nl"),
        ("de, *;q=0.5", "nl"),
        (",,,", "nl"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert messages.negotiate(header) == expected


@pytest.mark.parametrize(("header", "default"), [(None, "en"), ("de", "fr"), ("en;q=0", "fr")])
def test_negotiate_falls_back_to_the_given_default(header: str | None, default: str) -> None:
    assert messages.negotiate(header, default=default) == default


@given(st.text(max_size=60))
def test_negotiate_always_answers_a_known_language(header: str) -> None:
    assert messages.negotiate(header) in messages.LANGUAGES


def test_catalogues_have_the_same_codes_in_every_language() -> None:
    codes = {language: set(messages.catalogue(language)) for language in messages.LANGUAGES}
    assert codes["nl"] == codes["en"] == codes["fr"]
    assert codes["en"]


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_every_entry_has_title_detail_and_remedy(language: str) -> None:
    """A code has all three texts; a variant (`code@variant`) those it changes, of its code."""
    for code, entry in messages.catalogue(language).items():
        if "@" in code:
            assert code.partition("@")[0] in messages.catalogue(language), code
            assert "detail" in entry and set(entry) <= {"title", "detail", "remedy"}, code
        else:
            assert set(entry) == {"title", "detail", "remedy"}, code
        for field, text in entry.items():
            assert isinstance(text, str), (code, field)
            assert text.strip(), (code, field)


def test_translations_differ_from_english() -> None:
    english = messages.catalogue("en")
    for language in ("nl", "fr"):
        translated = messages.catalogue(language)
        same = [
            code
            for code in english
            if translated[code].get("detail") == english[code]["detail"]
            or ("title" in english[code] and translated[code]["title"] == english[code]["title"])
        ]
        assert not same, (language, same)


def domain_error_codes() -> set[str]:
    import services.grants.domain.advisor
    import services.grants.domain.grant
    import services.grants.domain.organisation
    import services.grants.domain.platform
    import services.grants.identifiers  # noqa: F401

    found: set[str] = set()
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.add(subclass.code)
            pending.append(subclass)
    return found


def test_every_domain_error_code_has_texts() -> None:
    codes = domain_error_codes()
    assert {"grant_exists", "confirmation_used", "loa_too_low", "invalid_identifier"} <= codes
    assert codes - set(messages.catalogue("en")) == set()


def test_texts_fall_back_to_the_code() -> None:
    assert messages.texts("grant_exists", "fr") == messages.catalogue("fr")["grant_exists"]
    fallback = messages.texts("no_such_code", "nl")
    assert fallback == {"title": "no such code", "detail": "no_such_code", "remedy": ""}
