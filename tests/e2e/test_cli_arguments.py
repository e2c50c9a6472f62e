"""`toegang` as a new user meets it: help with defaults and readable metavars, and every bad
argument or setting refused in one line naming it, exit code 2, no traceback."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from services.cli import parser
from tests.e2e.cli import run, serving


def subcommands(command: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below `command`, nested subcommands included."""
    found = []
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += [sub, *subcommands(sub)]
    return found


def test_every_option_has_help_a_readable_metavar_and_its_default() -> None:
    for command in subcommands(parser()):
        for action in command._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            assert action.help, f"{command.prog} {action.dest}: no help"
            if action.nargs != 0 and action.option_strings and not action.choices:
                assert action.metavar, f"{command.prog} {action.option_strings}: no metavar"
        text = command.format_help()
        assert "FILTER_" not in text and "BATCH_SIZE" not in text, text
        for action in command._actions:
            if action.default not in (None, False, argparse.SUPPRESS) and action.help:
                assert f"(default: {action.default})" in " ".join(text.split()), (
                    f"{command.prog} {action.dest}: default not shown"
                )


@pytest.mark.parametrize(
    ("args", "shows"),
    [
        (["serve"], ["--port PORT", "(default: 8000)", "(default: embedded)"]),
        (["projections", "rebuild"], ["--batch-size EVENTS", "(default: 5000)", "access or audit"]),
        (["audit", "access"], ["--platform SLUG", "--organisation REF", "--at INSTANT"]),
        (["audit", "history"], ["--from INSTANT", "--limit N", "(default: 100)"]),
        (["audit", "report"], ["--organisation REF", "--out FILE", "(default: Europe/Amsterdam)"]),
    ],
)  # fmt: skip
def test_help_shows_metavars_and_defaults(
    tmp_path: Path, args: list[str], shows: list[str]
) -> None:
    done = run([*args, "--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    for expected in shows:
        assert expected in text, done.stdout


ACCESS = ["audit", "access", "--platform", "befrank-werkgeversportaal", "--organisation"]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([*ACCESS, "kvk:12345678", "--at", "yesterday"],
         "toegang: --at: not an ISO 8601 date-time: 'yesterday'"),
        ([*ACCESS, "kvk:1", "--at", "2026-03-01"], "toegang: --organisation: 'kvk:1' is not kvk:"),
        (["audit", "history", "--limit", "0"], "toegang: --limit: must be 1 or more: '0'"),
        (["serve", "--port", "http"], "toegang: --port: not a whole number: 'http'"),
        (["projections", "rebuild", "nope"], "toegang: VIEW: invalid choice: 'nope'"),
        (["projections", "rebuild", "--batch-size", "0"],
         "toegang: --batch-size: must be 1 to 1000000: '0'"),
        (["projections", "status", "--all"], "toegang: unrecognized arguments: --all"),
    ],
)  # fmt: skip
def test_a_bad_argument_is_one_line_naming_it(tmp_path: Path, args: list[str], line: str) -> None:
    done = run(args, tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(line), done.stderr


@pytest.mark.parametrize(
    ("variable", "value", "line"),
    [
        ("CONFIRM_TTL", "soon", "not seconds nor an ISO 8601 duration such as P7D: 'soon'"),
        ("API_TOKENS", '{"s3cret": ["admn"]}', "unknown scope 'admn' for token 1"),
        ("API_TOKENS", '{"a": ["admin"], "b": "x"}', "the scopes of token 2 must be a JSON list"),
        ("API_TOKENS", "{not json", "not valid JSON (Expecting property name"),
        ("PUBLIC_URL", "notaurl", "must be a URL like https://toegang.example.nl"),
        ("SMTP_URL", "smtp://", "must be a URL like smtp://host:25 or smtps://host:465"),
        ("DATABASE_URL", "mysql://x", "must start with sqlite:/// or postgresql://"),
        ("KAFKA_TOPIC_PREFIX", "acc env", "may hold only ASCII letters, digits, '.', '_' and '-'"),
        ("KAFKA_BOOTSTRAP", "kafka://b:9092", "must be host:port (several separated by commas)"),
        ("SWEEP_INTERVAL", "-1", "Input should be greater than 0 (got '-1')"),
        ("LOCALE", "de", "Input should be 'nl', 'en' or 'fr' (got 'de')"),
        ("LOG_FORMAT", "xml", "Input should be 'json' or 'text' (got 'xml')"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str, line: str
) -> None:
    done = run(["projections", "status"], tmp_path, **{f"TOEGANG_{variable}": value})
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(f"toegang: TOEGANG_{variable}: {line}"), done.stderr
    assert done.stderr.count("\n") == 1 and "s3cret" not in done.stderr, done.stderr


def test_two_bad_settings_are_two_lines(tmp_path: Path) -> None:
    done = run(["serve"], tmp_path, TOEGANG_CONFIRM_TTL="x", TOEGANG_PUBLIC_URL="ftp://h")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert [re.sub(":.*", "", line.removeprefix("toegang: ")) for line in lines] == [
        "TOEGANG_PUBLIC_URL",
        "TOEGANG_CONFIRM_TTL",
    ], done.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CONFIRM_TTL", "2"), ("CONFIRM_TTL", "P7D"), ("CONFIRM_TTL", "PT90M"),
     ("SWEEP_INTERVAL", "PT5S"), ("SWEEP_INTERVAL", "5")],
)  # fmt: skip
def test_durations_take_seconds_or_iso_8601(tmp_path: Path, variable: str, value: str) -> None:
    done = run(["projections", "status"], tmp_path, **{f"TOEGANG_{variable}": value})
    assert done.returncode == 0, done.stderr


def test_configured_tokens_warn_once_that_the_generated_one_is_ignored(tmp_path: Path) -> None:
    assert run(["demo"], tmp_path).returncode == 0
    tokens = {"TOEGANG_API_TOKENS": '{"configured-token": ["admin"]}'}
    demo = run(["demo"], tmp_path, **tokens)
    assert demo.returncode == 0, demo.stderr
    assert demo.stderr.splitlines() == [
        "toegang: warning: TOEGANG_API_TOKENS is set, so the generated admin token in "
        "var/admin-token is ignored (add it to TOEGANG_API_TOKENS or delete the file)"
    ]
    with serving(tmp_path, env=tokens) as (_, process):
        process.terminate()
        output = process.communicate(timeout=15)[0]
    assert output.count("the generated admin token in var/admin-token is ignored") == 1


def test_the_dead_letter_commands_without_kafka_say_so_on_stderr(tmp_path: Path) -> None:
    done = run(["notifications", "dlq", "list"], tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "toegang: the dead-letter topic needs TOEGANG_KAFKA_BOOTSTRAP\n"


def test_an_unusable_store_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    for args in (["demo"], ["projections", "status"]):
        done = run(args, tmp_path, TOEGANG_DATA_DIR=str(tmp_path / "a-file"))
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr == f"toegang: TOEGANG_DATA_DIR: {tmp_path / 'a-file'}: File exists\n"
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    done = run(["projections", "status"], tmp_path, TOEGANG_DATABASE_URL=url)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("toegang: TOEGANG_DATABASE_URL: the store cannot be used (")
    assert done.stderr.count("\n") == 1, done.stderr
