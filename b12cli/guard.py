"""The one error boundary: B12Error -> one line + exit code; anything else -> exit 3, no locals."""

from __future__ import annotations

import errno
import functools
import os
import re
import sys
import traceback
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from b12cli.errors import B12Error, ExitCode

P = ParamSpec("P")
R = TypeVar("R")
DEBUG_ENV = "B12CLI_DEBUG"


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print `b12cli: error: message` on stderr and return the Exit to raise."""
    print(f"b12cli: error: {message}", file=sys.stderr)
    return typer.Exit(int(code))


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so every failure ends as one line and a documented exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except B12Error as exc:
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", ExitCode.INTERRUPTED) from None
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(int(ExitCode.OK)) from None
        except OSError as exc:  # a full disk, a vanished file system: the machine, not a bug
            _quiet_stdout()
            if (exc.errno or _rust_errno(str(exc))) == errno.EPIPE:  # polars' closed pipe
                raise typer.Exit(int(ExitCode.OK)) from None
            raise fail(_os_problem(exc), ExitCode.USAGE_ERROR) from None
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                traceback.print_exception(exc, file=sys.stderr)
            hint = f"internal error ({type(exc).__name__}); please report it"
            raise fail(
                f"{hint}; set {DEBUG_ENV}=1 for a traceback", ExitCode.INTERNAL_ERROR
            ) from None

    return wrapper


def _os_problem(exc: OSError) -> str:
    """`path: reason` for a failed read or write; stdout's errors name no file."""
    # polars raises OSError("No space left on device (os error 28)"): no errno, no strerror.
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    reason = exc.strerror or text
    if exc.filename:
        return f"{exc.filename}: {reason}"
    code = exc.errno or _rust_errno(str(exc))
    writing = code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS)
    return f"cannot write output: {reason}" if writing else f"input/output error: {reason}"


def _rust_errno(text: str) -> int | None:
    found = re.search(r"\(os error (\d+)\)", text)
    return int(found.group(1)) if found else None


def _quiet_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)
