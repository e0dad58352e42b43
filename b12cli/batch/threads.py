"""Overlap reading, interpreting and writing: polars releases the GIL while it works, so the
reader, cells, rules and writer threads of a batch run keep both cores busy.

Queues are short and `InFlight` caps the chunks between read and write, so at most a few
chunks are in memory at once; an exception in any thread is raised again in the caller.
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


class InFlight:
    """At most `limit` chunks between the start of their read and the end of their write,
    whatever the stage that falls behind, so that memory stays flat from the first million
    rows on. The reader takes a place before each read (`take`), the writer gives it back
    (`give`); `close` lets every read through, so a run that stops early never leaves its
    reader waiting."""

    def __init__(self, limit: int) -> None:
        self._places = threading.Semaphore(limit)
        self._closed = False

    def take(self) -> None:
        """Wait for a place for one more chunk (none once closed)."""
        if not self._closed:
            self._places.acquire()

    def give(self) -> None:
        """A chunk is written: its place is free."""
        self._places.release()

    def close(self) -> None:
        """Stop limiting (the reader, the only one to wait, is woken)."""
        self._closed = True
        self._places.release()


class Prefetch(Iterator[T]):
    """The same items, produced ahead by a background thread that starts at once (so the
    first chunk is read while the caller still sets up); `close` stops it early. With a
    `before` callable, the thread calls it before it asks for each item (see `InFlight`)."""

    def __init__(
        self,
        items: Iterator[T],
        depth: int = DEPTH,
        name: str = "reader",
        before: Callable[[], None] | None = None,
    ) -> None:
        self.slots: queue.Queue[object] = queue.Queue(maxsize=depth)
        self.stop = threading.Event()
        self.done = False
        self.before = before
        self.thread = threading.Thread(
            target=self._produce, args=(items,), name=f"b12cli-{name}", daemon=True
        )
        self.thread.start()

    def _produce(self, items: Iterator[T]) -> None:
        try:
            while True:
                if self.before is not None:
                    self.before()
                item = next(items, _DONE)
                if item is _DONE or self.stop.is_set():
                    break
                self.slots.put(item)
            if not self.stop.is_set():
                self.slots.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            self.slots.put(_Failure(error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:  # a generator's own clean-up (temporary files) runs now
                close()

    def __next__(self) -> T:
        if self.done:
            raise StopIteration
        item = self.slots.get()
        if item is _DONE or isinstance(item, _Failure):
            self.close()
            if isinstance(item, _Failure):
                raise item.error
            raise StopIteration
        return item  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the thread (taking what it still queues) and wait for it."""
        self.done = True
        self.stop.set()
        while self.thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self.slots.get(timeout=0.05)


def prefetch(
    items: Iterator[T],
    depth: int = DEPTH,
    name: str = "reader",
    before: Callable[[], None] | None = None,
) -> Prefetch[T]:
    """The same items, produced ahead by a background thread (started now)."""
    return Prefetch(items, depth, name, before)


class AbortedError(Exception):
    """Marks a consumer whose remaining items are to be skipped."""


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

    def abort(self) -> None:
        """Drop what is still queued and wait for the item in hand, so nothing writes to the
        output after the caller has given up on it (an interrupt, an error)."""
        self.error = self.error or AbortedError()
        with contextlib.suppress(queue.Empty):
            self.slots.get_nowait()  # what waits is skipped
        self.slots.put(_DONE)  # with an error set the worker skips items, so this is taken soon
        self.thread.join()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error
