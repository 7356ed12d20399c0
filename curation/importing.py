"""Reading files into DocumentInputs: decoding, HTML to text, metadata.

Pure file handling; the database work is services.documents_import.
"""

import datetime
import functools
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .extract import extract_metadata, format_for_path, read_html
from .extract.language import warm_up
from .extract.regions import detect_regions
from .services import DocumentInput, ImportOutcome
from .services.documents import document_prepare, error_text
from .services.regions import document_language
from .text import UndecodableText, decode_document, normalize_text

_url_ok = URLValidator(schemes=["http", "https"])
# Fewer items than this are read in the calling process: a pool costs more than it saves.
READERS_FROM = 200
# Items sent to a reader at a time, and how many may wait read: more than a write batch
# (500), so that the readers keep building while the caller writes one.
_CHUNK = 50
READ_AHEAD = 1_000


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The importable files among `paths`, directories walked in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from (
                child
                # Sorted by parts, which is Path's own order, with each key made once.
                for child in sorted(path.rglob("*"), key=lambda found: found.parts)
                if child.is_file() and format_for_path(child.name)
            )
        else:
            yield path


def default_jobs() -> int:
    """Reader processes beside the one that writes to the database: one per core.

    The readers do the heavier half of an import (metadata, regions, language) and the
    writer spends part of its time waiting for PostgreSQL, so on 2 cores two readers
    beat one (bench/import.py, 8 interleaved pairs: 7 faster, median +11 %).
    """
    return min(os.cpu_count() or 1, 4)


def read_documents(
    files: list[Path], *, language: str = "", max_bytes: int | None = None, jobs: int = 0
) -> Iterator[DocumentInput | ImportOutcome]:
    """read_document over many files, in order; with jobs ≥ 1, in that many reader processes."""
    read = functools.partial(read_document, language=language, max_bytes=max_bytes)
    # The readers find all that the text tells (metadata, regions, language) and this
    # process checks the row (document_prepare) beside its writes: a checked model
    # instance costs more to send back from a reader than the check costs here (1.1-1.5
    # against 0.8-1.1 thousand documents/s with the checks in the readers), a language
    # code nothing (docs/benchmarks.md).
    return map(prepared, in_readers(read, files, jobs=jobs if len(files) >= READERS_FROM else 0))


def in_readers(function: Callable, items: Iterable, *, jobs: int) -> Iterator:
    """function over items, in order; with jobs ≥ 1, in that many forked reader processes.

    Building a document (decoding, metadata, regions, language, checks) is CPU-bound and
    independent per item, so readers build the next ones while the caller writes the
    previous batch to the database (import_documents --jobs; a job's units could go
    through here too, which did not pay: services/imports.py). At most READ_AHEAD
    items wait in the pool, so memory stays flat with the size of the import.
    """
    if jobs < 1:
        yield from map(function, items)
        return
    warm_up()  # Loaded before forking: the readers share its pages.
    # Fork: readers start at once with Django loaded. They never touch the database,
    # and multiprocessing ends them with os._exit, so the DB sockets they inherit
    # are neither used nor closed (the parent's transaction stays intact).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        ahead: deque[Future] = deque()
        for chunk in itertools.batched(items, _CHUNK):
            ahead.append(pool.submit(_each, function, chunk))
            if len(ahead) * _CHUNK >= READ_AHEAD:
                yield from ahead.popleft().result()
        while ahead:
            yield from ahead.popleft().result()


def _each(function: Callable, chunk: tuple) -> list:
    return [function(item) for item in chunk]


def prepared(item: DocumentInput | ImportOutcome) -> DocumentInput | ImportOutcome:
    """document_prepare for an import's item: an item that breaks a rule fails alone,
    with the message it would have when written."""
    if isinstance(item, ImportOutcome):
        return item
    try:
        return document_prepare(item)
    except ValidationError as error:
        return ImportOutcome(item=item, error=error_text(error))


def read_document(
    path: Path, *, language: str = "", max_bytes: int | None = None
) -> DocumentInput | ImportOutcome:
    """A DocumentInput for the file, or a failed ImportOutcome saying why."""
    fmt = format_for_path(path.name)
    if fmt is None:
        return _failed(path, "unsupported file type (expected .txt, .md or .html)")
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            return _failed(path, f"file is {size} bytes, over the {max_bytes}-byte limit")
        text = decode_document(path.read_bytes())
    except OSError as error:
        return _failed(path, f"cannot read: {error.strerror or error}")
    except UndecodableText as error:
        return _failed(path, str(error))
    return document_input(text, fmt=fmt, name=path.name, language=language, imported_from=str(path))


def document_input(
    text: str, *, fmt: str, name: str, language: str = "", imported_from: str = ""
) -> DocumentInput:
    """Turn text decoded by decode_document into a DocumentInput with recognised
    metadata, regions and language: all that the text itself tells, found here so that
    import readers (in_readers) do it beside the process that writes."""
    main_lines = None
    if fmt == "html":
        reading = read_html(text)
        text, found, main_lines = normalize_text(reading.text), reading.metadata, reading.main_lines
    else:
        found = extract_metadata(text, fmt)
    published = found.get("published_on") or ""
    # Regions here, where the HTML's main text is known.
    regions = detect_regions(text, main_lines)
    return DocumentInput(
        text=text,
        title=(found.get("title") or Path(name).stem)[:500],
        authors=list(found.get("authors") or []),
        published_on=_date(published) if len(published) == 10 else None,
        published=published if len(published) in (4, 7, 10) else "",
        container=(found.get("container") or "")[:300],
        url=_url(found.get("url")),
        doi=(found.get("doi") or "")[:255],
        language=(language or found.get("language") or document_language(text, regions))[:16],
        regions=regions,
        normalized=True,
        metadata={"format": fmt, "file_name": name, **({"extracted": found} if found else {})},
        imported_from=imported_from[:1000],
    )


def _failed(path: Path, reason: str) -> ImportOutcome:
    return ImportOutcome(
        item=DocumentInput(text="", title=path.name, imported_from=str(path)), error=reason
    )


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _url(value: str | None) -> str:
    # A malformed URL in scraped text is dropped, not allowed to fail the file.
    if not value or len(value) > 2000:
        return ""
    try:
        _url_ok(value)
    except ValidationError:
        return ""
    return value
