"""Every reason code the login evaluation and the check can give is expected by a unit test.

The reason codes are read from the code that makes them (every `Reason(...)` in
services/projections/evaluation.py, credential_login.py and check.py, the refusals of
`login_capability`, the routes a `rights_insufficient` names) and from the catalogue's route
variants (`rights_insufficient@…` in services/locales/nl.toml); the expectations from the
tables of tests/unit/test_login_rules.py, test_credential_rules.py and test_grant_end.py. A
new reason code without a unit test, or a text without a code, fails here.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import services.grants.domain.platform as platform_module
from services.messages import LANGUAGES, catalogue
from services.projections import check, credential_login, evaluation
from services.projections.login import LOGIN_REFUSALS
from tests.unit import test_credential_rules, test_grant_end, test_login_rules
from tests.unit.feed import Opened, Outcome

SOURCES = (evaluation, credential_login, check)
TESTS = (test_login_rules, test_credential_rules, test_grant_end)


def calls(module: ModuleType, name: str) -> Iterator[ast.Call]:
    tree = ast.parse(Path(inspect.getfile(module)).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            yield node


def literals(node: ast.expr | None) -> set[str] | None:
    """The strings an expression can be (`"a"`, `"a" if x else "b"`), or None if not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = literals(node.body), literals(node.orelse)
        return body | orelse if body is not None and orelse is not None else None
    return None


def routes() -> set[str]:
    """The `via` of every portal the evaluation opens."""
    found: set[str] = set()
    for call in (c for module in SOURCES for c in calls(module, "Portal")):
        via = call.args[2] if len(call.args) > 2 else None
        via = via or next((k.value for k in call.keywords if k.arg == "via"), None)
        values = literals(via)
        assert values is not None, f"a portal's route is not a literal: {ast.unparse(call)}"
        found |= values
    return found


def login_refusals() -> set[str]:
    """The codes of the errors `login_capability` raises (a refused login's reason)."""
    source = inspect.getsource(platform_module.login_capability)
    codes = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            assert isinstance(node.exc.func, ast.Name)
            codes.add(getattr(platform_module, node.exc.func.id).code)
    return codes


def reason_keys(sources: tuple[ModuleType, ...] = SOURCES) -> set[str]:
    """Every reason key the evaluation and the check (or the given modules) can give."""
    keys: set[str] = set()
    for module in sources:
        for call in calls(module, "Reason"):
            codes = literals(call.args[0])
            variant = call.args[1] if len(call.args) > 1 else None
            if codes is None:  # Reason(error.code): a refused eHerkenning login
                assert variant is None, ast.unparse(call)
                assert ast.unparse(call) == "Reason(error.code)", ast.unparse(call)
                keys |= login_refusals()
            elif variant is None:
                keys |= codes
            else:  # Reason(code, "advisor") or Reason(code, portal.via)
                variants = literals(variant)
                if variants is None:
                    assert ast.unparse(variant) == "portal.via", ast.unparse(call)
                    variants = routes()
                keys |= {f"{code}@{name}" for code in codes for name in variants}
    return keys


def expected_in(value: Any) -> Iterator[str]:
    """The reason keys of every expectation in a test module's tables."""
    if isinstance(value, Outcome):
        yield from value.reasons
    elif isinstance(value, Opened):
        yield from value.refused
    elif isinstance(value, list | tuple):
        for item in value:
            yield from expected_in(item)


def expected() -> set[str]:
    return {
        key for module in TESTS for value in vars(module).values() for key in expected_in(value)
    }


def test_the_reasons_are_found() -> None:
    """The reading above finds what the evaluation is known to give (guards the reader)."""
    keys = reason_keys()
    assert {"no_grant", "loa_too_low", "rights_insufficient@user", "user_expired"} <= keys
    assert {f"rights_insufficient@{via}" for via in ("own", "grant", "chain", "user")} <= keys
    assert "rights_insufficient@advisor" in keys


def test_the_documented_login_refusals_are_those_a_login_gives() -> None:
    """The portals list documents its 403 codes from LOGIN_REFUSALS: exactly the reasons the
    login evaluation (eHerkenning and credentials) can refuse a login with."""
    given = {key.partition("@")[0] for key in reason_keys((evaluation, credential_login))}
    assert set(LOGIN_REFUSALS) == given


def test_every_reason_has_a_unit_test() -> None:
    missing = reason_keys() - expected()
    assert not missing, f"reason codes no unit test expects: {sorted(missing)}"


def test_the_unit_tests_expect_only_reasons_the_evaluation_gives() -> None:
    unknown = expected() - reason_keys()
    assert not unknown, f"expected reason codes the evaluation never gives: {sorted(unknown)}"


def test_every_reason_has_its_texts_and_every_route_text_a_reason() -> None:
    keys = reason_keys()
    for language in LANGUAGES:
        texts = catalogue(language)
        untold = {key for key in keys if key not in texts and key.partition("@")[0] not in texts}
        assert not untold, f"{language}: reasons without a text: {sorted(untold)}"
    # (variants of other codes are situations of problem answers, not reasons)
    varied = {key.partition("@")[0] for key in keys if "@" in key}
    variants = {key for key in catalogue("nl") if "@" in key and key.partition("@")[0] in varied}
    assert variants <= keys, f"route texts no reason gives: {sorted(variants - keys)}"
