"""Handlers of the ``cunwu`` commands (parsers are in ``bot.cli``). Each takes the parsed
arguments and the settings and returns (JSON-able result, text for people[, exit status])."""

from typing import Any

Outcome = tuple[Any, ...]
