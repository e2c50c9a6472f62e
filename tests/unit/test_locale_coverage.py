"""Every problem code and every field message has its texts in nl, en and fr, with the same
placeholders in each language; field errors are said from them, never in pydantic's English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from services import messages
from services.audit import report
from services.grants.domain.catalogue import CATALOGUE
from services.grants.schemas import GrantRequestIn, PlatformIn
from services.http.field_errors import from_validation
from services.http.problems import STATUS

LANGUAGES = messages.LANGUAGES
PYDANTIC_TYPES = (
    "missing", "extra_forbidden", "string_too_short", "string_too_long", "string_type",
    "int_parsing", "int_type", "float_parsing", "float_type", "bool_parsing", "bool_type",
    "literal_error", "enum", "json_invalid", "model_type", "model_attributes_type", "dict_type",
    "list_type", "too_short", "too_long", "datetime_parsing", "datetime_type", "date_parsing",
    "date_type", "date_from_datetime_inexact", "value_error", "greater_than",
    "greater_than_equal", "less_than", "less_than_equal", "url_parsing", "url_type",
    "uuid_parsing", "uuid_type",
)  # fmt: skip
OURS = (
    "generic", "missing@body", "json_invalid@position", "invalid_identifier",
    *(f"invalid_identifier@{kind}" for kind in ("organisation", "email", "platform", "reference")),
)  # fmt: skip


def test_every_status_code_has_texts_in_every_language() -> None:
    for language in LANGUAGES:
        missing = set(STATUS) - set(messages.catalogue(language))
        assert not missing, (language, sorted(missing))


def test_the_field_messages_cover_the_errors_the_api_can_produce() -> None:
    for language in LANGUAGES:
        missing = {*PYDANTIC_TYPES, *OURS} - set(messages.field_catalogue(language))
        assert not missing, (language, sorted(missing))


def test_field_messages_have_the_same_keys_and_placeholders_in_every_language() -> None:
    english = messages.field_catalogue("en")
    for language in ("nl", "fr"):
        translated = messages.field_catalogue(language)
        assert translated.keys() == english.keys(), language
        for key, text in english.items():
            said = (messages.placeholders(translated[key]), translated[key] != text)
            assert said == (messages.placeholders(text), True), (language, key)
    assert not messages.placeholders(english[messages.GENERIC])


def test_problem_texts_have_the_same_placeholders_in_every_language() -> None:
    english = messages.catalogue("en")
    for language in ("nl", "fr"):
        for key, entry in messages.catalogue(language).items():
            assert entry.keys() == english[key].keys(), (language, key)
            for name, text in entry.items():
                wanted = messages.placeholders(english[key][name])
                assert messages.placeholders(text) == wanted, (language, key, name)


def test_only_variants_hold_placeholders() -> None:
    """A code's own texts serve every situation (an HTTP 404, a 403 of Starlette): no facts."""
    for language in LANGUAGES:
        for key, entry in messages.catalogue(language).items():
            if "@" not in key:
                assert not any(messages.placeholders(t) for t in entry.values()), (language, key)


def test_a_variant_without_its_facts_gives_way_to_its_code() -> None:
    assert messages.texts("not_found@platform", "nl", {"platform": "p"})["detail"] == (
        "Platform p is niet bekend."
    )
    assert messages.texts("not_found@platform", "nl") == messages.catalogue("nl")["not_found"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_error_type_gets_the_generic_text_of_its_language(language: str) -> None:
    generic = messages.field_catalogue(language)[messages.GENERIC]
    assert messages.field_message("no_such_type", language, {}) == generic
    assert messages.field_message("string_too_long", language, {}) == generic  # facts absent


def test_field_errors_are_said_from_the_catalogue() -> None:
    with pytest.raises(ValidationError) as raised:
        PlatformIn.model_validate({"name": "x" * 201, "login": ["sms"], "colour": 1})
    said = {
        "/".join(e.location): e.said_in("fr")["message"]
        for e in from_validation(raised.value.errors())
    }
    assert said == {
        "name": "Ce champ peut comporter au plus 200 caractères.",
        "login/0": "Choisissez l'une de ces valeurs : 'eherkenning', 'credentials'.",
        "colour": "Le champ 'colour' n'est pas connu ici ; retirez-le.",
    }


def test_an_identifier_error_names_its_kind() -> None:
    with pytest.raises(ValidationError) as raised:
        GrantRequestIn.model_validate_json('{"grantor": "kbo:0403019262"}')
    [grantor] = [e for e in from_validation(raised.value.errors()) if e.location == ("grantor",)]
    assert grantor.key == "invalid_identifier@organisation"
    assert grantor.said_in("nl")["message"].startswith("Dit is geen geldig organisatienummer")


def test_a_json_error_is_placed_at_its_line_and_column() -> None:
    text = '{"a": 1,\n "b": }'
    with pytest.raises(json.JSONDecodeError) as raised:
        json.loads(text)
    found = [{"type": "json_invalid", "loc": ("body", raised.value.pos), "msg": "JSON decode"}]
    [error] = from_validation(found, text)
    assert error.location == ("body",)
    assert error.said_in("en")["message"] == "The body is not valid JSON (line 2, column 7)."
    assert (raised.value.lineno, raised.value.colno) == (2, 7)


@pytest.mark.parametrize("section", messages.PAGE_SECTIONS)
def test_page_texts_have_the_same_keys_and_placeholders_in_every_language(section: str) -> None:
    english = messages.page_texts(section, "en")
    for language in ("nl", "fr"):
        translated = messages.page_texts(section, language)
        assert translated.keys() == english.keys(), (language, section)
        for key, text in english.items():
            if isinstance(text, str):
                wanted = messages.placeholders(text)
                assert messages.placeholders(translated[key]) == wanted, (language, key)
            else:
                assert len(translated[key]) == len(text), (language, key)


def report_keys_used() -> set[str]:
    """Every report text the template and the report's modules ask for."""
    template = (Path(report.__file__).parent / "templates" / "report.html").read_text()
    used = set(re.findall(r"\bt\.(\w+)", template)) | set(re.findall(r'say\("(\w+)"', template))
    used |= {f"route_{r}" for r in report.INTERVAL_ROUTES}
    used |= {f"legend_route_{r}" for r in report.INTERVAL_ROUTES}
    used |= {f"{kind}_{r}" for kind in ("actor", "legend_actor", "label") for r in report.ROUTES}
    fixed = ("actor_unknown", "rights_view", "rights_edit", "group_grant", "group_user", "yes",
             "no", "erased", "still_open", "unknown_organisation", "written")  # fmt: skip
    events = {f"event_{entry.name}" for entry in CATALOGUE.kinds}
    return used | set(fixed) | events


def test_the_report_has_every_text_it_uses_in_every_language() -> None:
    used = report_keys_used()
    assert len(used) > 50  # the template was read
    for language in LANGUAGES:
        missing = used - set(messages.report_texts(language))
        assert not missing, (language, sorted(missing))


def test_report_texts_have_the_same_keys_and_placeholders_in_every_language() -> None:
    english = messages.report_texts("en")
    for language in ("nl", "fr"):
        translated = messages.report_texts(language)
        assert translated.keys() == english.keys(), language
        for key, text in english.items():
            assert messages.placeholders(translated[key]) == messages.placeholders(text), key
        differ = [key for key, text in english.items() if translated[key] != text]
        assert len(differ) > 0.8 * len(english), (language, "mostly untranslated")
    assert "report" not in messages.catalogue("en")  # not a problem code
