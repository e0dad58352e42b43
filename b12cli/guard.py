"""The one error boundary: B12Error -> one line + exit code; anything else -> exit 3, no locals."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from types import FrameType
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
            with _sigterm_as_interrupt():
                return command(*args, **kwargs)
        except typer.Exit:
            raise
        except (Exception, KeyboardInterrupt) as exc:
            raise exit_for(exc) from None

    return wrapper


def exit_for(exc: BaseException) -> typer.Exit:
    """The one line on stderr and the exit code for a failed command."""
    if isinstance(exc, B12Error):
        return fail(str(exc), exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        return fail("interrupted", ExitCode.INTERRUPTED)
    if isinstance(exc, OSError):  # a full disk, a closed pipe: the machine, not a bug
        _quiet_stdout()
        if isinstance(exc, BrokenPipeError) or _errno(exc) == errno.EPIPE:
            return typer.Exit(int(ExitCode.OK))  # `| head` ends quietly
        return fail(_os_problem(exc), ExitCode.USAGE_ERROR)
    if os.environ.get(DEBUG_ENV):
        traceback.print_exception(exc, file=sys.stderr)
    hint = f"internal error ({type(exc).__name__}); please report it"
    return fail(f"{hint}; set {DEBUG_ENV}=1 for a traceback", ExitCode.INTERNAL_ERROR)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so temporary output files are removed on the way out."""
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _os_problem(exc: OSError) -> str:
    """`path: reason` for a failed read or write; stdout's errors name no file."""
    # polars raises OSError("No space left on device (os error 28)"): no errno, no strerror.
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    reason = exc.strerror or text
    if exc.filename:
        return f"{exc.filename}: {reason}"
    writing = _errno(exc) in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS)
    return f"cannot write output: {reason}" if writing else f"input/output error: {reason}"


def _errno(exc: OSError) -> int | None:
    """The errno, also from polars' text-only errors ('Broken pipe (os error 32)')."""
    found = re.search(r"\(os error (\d+)\)", str(exc))
    return exc.errno or (int(found.group(1)) if found else None)


def _quiet_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)
