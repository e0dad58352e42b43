"""Overlap reading, interpreting and writing: polars releases the GIL while it parses and
writes, so a reader thread and a writer thread keep both cores busy on a two-stage pipeline.

Queues are short, so at most a few chunks are in memory at once; an exception in either
thread is raised again in the caller.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
DEPTH = 1
_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(items: Iterator[T], depth: int = DEPTH) -> Iterator[T]:
    """The same items, produced ahead by a background thread."""
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                slots.put(item)
            slots.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            slots.put(_Failure(error))

    thread = threading.Thread(target=produce, name="b12cli-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                slots.get(timeout=0.05)


class Consumer(Generic[T]):
    """Hands items to `work` on a background thread, in order; `close` waits for the last."""

    def __init__(self, work: Callable[[T], None], depth: int = DEPTH) -> None:
        self.work = work
        self.slots: queue.Queue[object] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="b12cli-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.slots.get()
            if item is _DONE:
                return
            if self.error is None:
                try:
                    self.work(item)  # type: ignore[arg-type]
                except BaseException as error:  # raised again by put() or close()
                    self.error = error

    def put(self, item: T) -> None:
        """Queue one item (raises what the worker raised, if anything)."""
        self._check()
        self.slots.put(item)

    def close(self) -> None:
        """Wait until every queued item is done."""
        self.slots.put(_DONE)
        self.thread.join()
        self._check()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error
