"""Helper threads for release cuts: reading ahead, and writing behind.

A cut is three kinds of work: PostgreSQL producing rows, Python turning them
into lines, and compressing, hashing and storing the zips. psycopg's waits,
zlib and hashlib release the GIL, so with the first and the last on helper
threads the three run side by side on separate cores instead of one after the
other. Queues are bounded, so memory stays flat whatever the size of the cut,
and every thread is stopped and joined before its owner returns or raises.
"""

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import psycopg
from django.db import connection

_END = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


class Prefetcher:
    """Iterate `source` on a helper thread, at most `depth` items ahead of the consumer.

    An error raised by `source` is raised to the consumer where the item would have been.
    """

    def __init__(self, source: Iterator, *, depth: int = 2, name: str = "prefetch"):
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(source,), name=name, daemon=True)
        self._thread.start()

    def _run(self, source: Iterator) -> None:
        try:
            for item in source:
                self._queue.put(item)
                if self._stopping.is_set():
                    return
            self._queue.put(_END)
        except BaseException as error:
            self._queue.put(_Failed(error))

    def __iter__(self) -> Iterator:
        while (item := self._queue.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def close(self) -> None:
        """Stop reading ahead and wait for the thread (it finishes the item in hand)."""
        self._stopping.set()
        while self._thread.is_alive():
            with suppress(queue.Empty):  # make room: a thread blocked on a full queue sees the stop
                self._queue.get(timeout=0.05)
        self._thread.join()


@contextmanager
def prefetched(source: Iterator, *, depth: int = 2, name: str = "prefetch"):
    """A Prefetcher over `source`, closed when the block ends, however it ends."""
    prefetcher = Prefetcher(source, depth=depth, name=name)
    try:
        yield iter(prefetcher)
    finally:
        prefetcher.close()


class SerialWorker:
    """Run submitted calls one after another, in submission order, on one helper thread.

    The order makes the output independent of thread timing. The first error stops
    the work: later calls are skipped, and `submit` and `wait` raise that error.
    """

    def __init__(self, *, depth: int = 8, name: str = "release-writer"):
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._queue.get()) is not _END:
            try:
                if self._error is None and not self._cancelled:
                    call, args = job
                    call(*args)
            except BaseException as error:
                self._error = error
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def submit(self, call: Callable, *args) -> None:
        self._raise_error()
        self._queue.put((call, args))

    def wait(self) -> None:
        """Block until every submitted call has run; raise the first error, if any."""
        self._queue.join()
        self._raise_error()

    def close(self, *, cancel: bool = False) -> None:
        """Finish (or, with cancel, skip) the calls still queued, and join the thread."""
        self._cancelled = cancel
        self._queue.put(_END)
        self._thread.join()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error


class InlineWorker:
    """SerialWorker's interface, run on the caller's thread: for drivers whose
    connections must not be shared between threads."""

    def submit(self, call: Callable, *args) -> None:
        call(*args)

    def wait(self) -> None:
        pass

    def close(self, *, cancel: bool = False) -> None:
        pass


@contextmanager
def serial_worker(*, threaded: bool):
    """A SerialWorker (or an InlineWorker) that is drained and joined when the block
    ends; if the block raises, what is still queued is skipped."""
    worker = SerialWorker() if threaded else InlineWorker()
    try:
        yield worker
    except BaseException:
        worker.close(cancel=True)
        raise
    try:
        worker.wait()
    finally:
        worker.close(cancel=True)


def chunk_inserter_for_any_thread(model, file_id: int) -> Callable[[int, bytes], None]:
    """An INSERT of one release chunk that the cut's writer thread may run, in the cut's
    transaction: through psycopg's connection under Django's (which belongs to the cut's
    thread), as a plain psycopg cursor.

    The one place where a cut goes around Django, kept because it is measured (issue
    12's rule: ≥ 10 %): with it, compressing, hashing and storing the zips run on this
    helper thread beside the row formatting; without it (bulk_insert on the cut's
    thread) the cut ran at 0.75× the rate. `bench/jobs.py --bypass-only --pairs 6` at
    100,000 claims (85,044 accepted, jsonl), 2 cores, 2026-12-05: threaded ÷ plain
    1.16, 1.35, 1.33, 1.17, 1.49, 1.41 (median 1.34); with the 5 pairs of
    `--bypass` before it, 11 pairs, median 1.33. Statements on one psycopg connection
    take turns (its lock), so the cut's thread and this one never interleave a query.
    Django does not log these INSERTs (DEBUG keeps no chunk SQL in memory).
    """
    driver = connection.connection
    table = connection.ops.quote_name(model._meta.db_table)
    insert = f'INSERT INTO {table} (file_id, "index", data) VALUES (%s, %s, %b)'  # noqa: S608

    def insert_chunk(index: int, data: bytes) -> None:
        # A plain cursor binds on the server, so the chunk travels as binary.
        with psycopg.Cursor(driver) as cursor:
            cursor.execute(insert, (file_id, index, data))

    return insert_chunk
