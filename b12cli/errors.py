"""The exception hierarchy and exit codes. Caught once, at the CLI edge."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    INPUT_ERROR = 1
    USAGE_ERROR = 2
    INTERNAL_ERROR = 3
    INTERRUPTED = 130


class B12Error(Exception):
    """Base of every error b12cli reports to the user as one line."""

    exit_code: ExitCode = ExitCode.USAGE_ERROR


class InputError(B12Error):
    """An input value, unit or context term that cannot be used."""

    exit_code = ExitCode.INPUT_ERROR


class UsageError(B12Error):
    """Options that do not fit together, or an input file that cannot be read."""

    exit_code = ExitCode.USAGE_ERROR


class RulesetError(B12Error):
    """A ruleset or catalogue that cannot be loaded; the message names file, line and key."""

    exit_code = ExitCode.USAGE_ERROR
