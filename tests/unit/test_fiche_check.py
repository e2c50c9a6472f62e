"""`check_fiche` in memory: which user fiches a credential platform accepts (fields, rights,
contracts, end dates).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.grants.domain.base import InvalidRights
from services.grants.domain.platform_user import (
    FICHE_FIELDS,
    OPTIONAL_FICHE_FIELDS,
    InvalidFiche,
    check_fiche,
)
from tests.unit.credential_builders import TODAY, external, fiche

# ---------------------------------------------------------------- check_fiche


def test_a_complete_internal_fiche_passes_unchanged() -> None:
    values = fiche(contracts=["GRP-1", "GRP-2"], rights="edit")
    assert check_fiche(values, TODAY) == values


def test_a_complete_external_fiche_passes() -> None:
    values = external()
    assert check_fiche(values, TODAY) == values


@pytest.mark.parametrize(
    "missing", [name for name in FICHE_FIELDS if name not in OPTIONAL_FICHE_FIELDS]
)
def test_a_fiche_missing_any_field_is_refused(missing: str) -> None:
    values = fiche()
    del values[missing]
    with pytest.raises(InvalidFiche) as refused:
        check_fiche(values, TODAY)
    assert refused.value.code == "invalid_fiche"
    assert missing in refused.value.detail


def test_a_partial_fiche_names_every_missing_field() -> None:
    with pytest.raises(InvalidFiche) as refused:
        check_fiche({"name": "An", "email": "an@example.be", "rights": "view"}, TODAY)
    for field in ("contracts", "external", "assignment", "valid_until"):
        assert field in refused.value.detail


@pytest.mark.parametrize("language", ["nl", "en", "fr", None])
def test_a_language_is_nl_en_or_fr_or_not_known(language: str | None) -> None:
    assert check_fiche(fiche(language=language), TODAY)["language"] == language


def test_a_fiche_without_a_language_passes_as_fiches_stored_before_it_did() -> None:
    assert "language" not in check_fiche(fiche(), TODAY)


@pytest.mark.parametrize("language", ["de", "FR", "", "nl-BE"])
def test_another_language_is_refused(language: str) -> None:
    with pytest.raises(InvalidFiche) as refused:
        check_fiche(fiche(language=language), TODAY)
    assert (refused.value.key, refused.value.facts) == (
        "invalid_fiche@language",
        {"fields": ["language"]},
    )


@pytest.mark.parametrize("rights", ["all", "", "EDIT", "admin"])
def test_rights_are_view_or_edit(rights: str) -> None:
    with pytest.raises(InvalidRights):
        check_fiche(fiche(rights=rights), TODAY)


def test_contracts_is_all_or_a_non_empty_list() -> None:
    with pytest.raises(InvalidFiche):
        check_fiche(fiche(contracts=[]), TODAY)
    assert check_fiche(fiche(contracts=["GRP-1"]), TODAY)["contracts"] == ["GRP-1"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"assignment": None},
        {"assignment": ""},
        {"valid_until": None},
        {"assignment": None, "valid_until": None},
    ],
    ids=["no-assignment", "empty-assignment", "no-end-date", "neither"],
)
def test_an_external_user_needs_an_assignment_and_an_end_date(overrides: dict[str, Any]) -> None:
    values = {**external(), **overrides}
    with pytest.raises(InvalidFiche) as refused:
        check_fiche(values, TODAY)
    assert refused.value.code == "invalid_fiche"


def test_an_end_date_in_the_past_is_refused() -> None:
    with pytest.raises(InvalidFiche) as refused:
        check_fiche(external(valid_until=TODAY - timedelta(days=1)), TODAY)
    assert "past" in refused.value.detail
    with pytest.raises(InvalidFiche):
        check_fiche(fiche(valid_until=TODAY - timedelta(days=1)), TODAY)


def test_an_end_date_of_today_is_still_valid() -> None:
    assert check_fiche(external(valid_until=TODAY), TODAY)["valid_until"] == TODAY


def test_an_internal_user_may_have_an_end_date() -> None:
    values = fiche(valid_until=TODAY + timedelta(days=1))
    assert check_fiche(values, TODAY) == values
