"""Reading files into DocumentInputs: decoding, HTML to text, metadata.

Pure file handling; the database work is services.documents_import.
"""

import datetime
import functools
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .extract import extract_metadata, format_for_path, read_html
from .extract.language import warm_up
from .extract.regions import detect_regions
from .services import DocumentInput, ImportOutcome
from .text import UndecodableText, decode_document, normalize_text

_url_ok = URLValidator(schemes=["http", "https"])


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The importable files among `paths`, directories walked in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from (
                child
                for child in sorted(path.rglob("*"))
                if child.is_file() and format_for_path(child.name)
            )
        else:
            yield path


def read_documents(
    files: list[Path], *, language: str = "", max_bytes: int | None = None, jobs: int = 0
) -> Iterator[DocumentInput | ImportOutcome]:
    """read_document over many files, in order; with jobs ≥ 1, in that many worker processes.

    Decoding and metadata extraction are CPU-bound and independent per file, so
    workers prepare the next files while the caller writes to the database.
    """
    read = functools.partial(read_document, language=language, max_bytes=max_bytes)
    if jobs < 1 or len(files) < 200:  # A pool costs more than it saves on few files.
        yield from map(read, files)
        return
    warm_up()  # The main process detects languages; loaded before forking, pages shared.
    # Fork: workers start at once with Django loaded. They never touch the database,
    # and multiprocessing ends them with os._exit, so the DB sockets they inherit
    # are neither used nor closed (the parent's transaction stays intact).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield from pool.map(read, files, chunksize=50)


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
    """Turn decoded text of a format into a DocumentInput with recognised metadata."""
    main_lines = None
    if fmt == "html":
        reading = read_html(text)
        text, found, main_lines = normalize_text(reading.text), reading.metadata, reading.main_lines
    else:
        found = extract_metadata(text, fmt)
    # Regions here, in the worker processes with --jobs (beside the other parsing); the
    # language in the import service, in the main process: readers were the slower
    # side of the pipeline, so this split keeps the import rate (docs/benchmarks.md).
    regions = detect_regions(text, main_lines)
    published = found.get("published_on") or ""
    return DocumentInput(
        text=text,
        title=(found.get("title") or Path(name).stem)[:500],
        authors=list(found.get("authors") or []),
        published_on=_date(published) if len(published) == 10 else None,
        published=published if len(published) in (4, 7, 10) else "",
        container=(found.get("container") or "")[:300],
        url=_url(found.get("url")),
        doi=(found.get("doi") or "")[:255],
        language=(language or found.get("language") or "")[:16],
        regions=regions,
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
