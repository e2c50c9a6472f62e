"""What the command modules of the CLI share: the parser class, the table they add commands
to, argument types, and how the composition root hands a command the context it works with."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import NoReturn, TypeAlias, TypeVar

from services.settings import Settings

T = TypeVar("T")

Commands: TypeAlias = "argparse._SubParsersAction[Parser]"
"""The `toegang` parser's subcommands, to which each module adds its own."""

Opener = Callable[[Settings], AbstractContextManager[T]]
"""Opens the application on the store, hands over one context, closes it afterwards."""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default after its help, except where there is none."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or isinstance(action.default, bool):
            return action.help
        return super()._get_help_string(action)


class Parser(argparse.ArgumentParser):
    """`toegang`'s parser and, through `add_subparsers`, every subcommand's: help with
    defaults, and a bad argument ends in one line naming it and exit code 2."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        """Print `toegang: --option: what is wrong` (no usage block) and exit 2."""
        self.exit(2, f"toegang: {message.removeprefix('argument ')}\n")


def bounded_int(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argument type: an integer from `low` to `high` (inclusive; None: no upper bound)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low or (high is not None and value > high):
            upper = f" to {high}" if high is not None else " or more"
            raise argparse.ArgumentTypeError(f"must be {low}{upper}: {text!r}")
        return value

    parse.__name__ = "integer"
    return parse
