"""The input's first pass (is it plain ASCII without a NUL byte? see `utf8_scan.survey`),
started on a thread as soon as the path is known.

That pass reads the whole file before the first row can be parsed. Started while polars is
imported, it mostly waits on reads, which leave the interpreter to the import; the reader
then finds the answer ready instead of making the run wait for it.
"""

from __future__ import annotations

import stat
import threading
from functools import partial
from pathlib import Path

from b12cli.batch.sniff import is_gzip
from b12cli.batch.utf8_scan import plain_ascii

_started: dict[str, tuple[tuple[int, int], threading.Thread, list[bool]]] = {}


def check_early(path: str) -> None:
    """Start working out whether the regular, uncompressed file at `path` is plain ASCII
    without a NUL byte (see `plain_early`); anything else is left to the reader."""
    try:
        found = Path(path).stat()
    except OSError:
        return
    if not stat.S_ISREG(found.st_mode):
        return
    result: list[bool] = []

    def work() -> None:
        try:
            with Path(path).open("rb") as handle:
                if is_gzip(handle.read(2)):
                    return
            result.append(plain_ascii(partial(Path(path).open, "rb")))  # type: ignore[arg-type]
        except OSError:  # the reader will say what is wrong
            return

    thread = threading.Thread(target=work, name="b12cli-first-pass", daemon=True)
    thread.start()
    _started[path] = ((found.st_size, found.st_mtime_ns), thread, result)


def plain_early(path: str) -> bool:
    """Whether `check_early` found `path` plain ASCII without a NUL byte (waiting for it to
    finish), the file unchanged since; False when it was not asked or could not tell."""
    started = _started.pop(path, None)
    if started is None:
        return False
    signature, thread, result = started
    thread.join()
    try:
        found = Path(path).stat()
    except OSError:
        return False
    return result == [True] and (found.st_size, found.st_mtime_ns) == signature
