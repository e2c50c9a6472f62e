"""What the command modules of the CLI share: the table they add commands to, and how the
composition root hands a command the context it works with."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeAlias, TypeVar

from services.settings import Settings

T = TypeVar("T")

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""The `toegang` parser's subcommands, to which each module adds its own."""

Opener = Callable[[Settings], AbstractContextManager[T]]
"""Opens the application on the store, hands over one context, closes it afterwards."""
