"""What a bulk import job reads, item by item: its uploads (files, a zip of them, JSONL
lines) turned into units of work, each giving a prepared document or the outcome that
says why it failed. Units are plain (function, *arguments) tuples so that reader
processes could run them (importing.in_readers); the worker runs them itself, which
measured as fast on 2 cores (services/imports.py)."""

import io
import json
import stat
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError

from ..extract import format_for_path
from ..importing import _date, _url, document_input, prepared
from ..models import ImportJob
from ..text import UndecodableText, decode_document
from .documents import DocumentInput, ImportOutcome

JSONL_FIELDS = ("text", "title", "authors", "published_on", "url", "doi", "language", "metadata")


def kind_of(name: str) -> str | None:
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix in (".zip", ".jsonl"):
        return suffix[1:]
    return "file" if format_for_path(name) else None


def zip_entries(name: str, data: bytes) -> list[zipfile.ZipInfo]:
    """The file entries of a zip, checked before anything is unpacked: entry count,
    total unpacked size, names inside the archive, no links, no encryption."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ValidationError({"file": f"{name}: not a readable zip file."}) from None
    infos = archive.infolist()
    limit = settings.CLAIMDESK_MAX_ZIP_ENTRIES
    if len(infos) > limit:
        raise ValidationError({"file": f"{name}: {len(infos)} entries; the limit is {limit}."})
    unpacked = sum(info.file_size for info in infos)
    limit = settings.CLAIMDESK_MAX_ZIP_UNPACKED_BYTES
    if unpacked > limit:
        raise ValidationError(
            {"file": f"{name}: unpacks to {unpacked} bytes; the limit is {limit}."}
        )
    for info in infos:
        entry = info.filename.replace("\\", "/")
        if entry.startswith("/") or (len(entry) > 1 and entry[1] == ":"):
            raise ValidationError({"file": f"{name}: absolute path {info.filename!r}."})
        if ".." in PurePosixPath(entry).parts:
            raise ValidationError({"file": f"{name}: path outside the archive {info.filename!r}."})
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError({"file": f"{name}: {info.filename!r} is a link."})
        if info.flag_bits & 0x1:
            raise ValidationError({"file": f"{name}: {info.filename!r} is encrypted."})
    return [info for info in infos if not info.is_dir()]


def job_units(job: ImportJob) -> Iterator[tuple | ImportOutcome]:
    """The job's work, item by item, in order: (function, *arguments) for read_unit to
    call, or an outcome already known (a bad zip, an entry it cannot read)."""
    # One upload in memory at a time (iterator(): the bytes are not cached on the job).
    for upload in job.uploads.order_by("index").iterator(chunk_size=1):
        data = bytes(upload.data)
        found = kind_of(upload.name)
        if found == "jsonl":
            yield from _jsonl_units(upload.name, data, job.language)
        elif found == "zip":
            yield from _zip_units(upload.name, data, job.language)
        else:
            yield (file_input, upload.name, data, job.language)


def read_unit(unit: tuple | ImportOutcome) -> DocumentInput | ImportOutcome:
    if isinstance(unit, ImportOutcome):
        return unit
    function, *arguments = unit
    return prepared(function(*arguments))


def _failed(name: str, reason: str) -> ImportOutcome:
    return ImportOutcome(item=DocumentInput(text="", title=name, imported_from=name), error=reason)


def file_input(name: str, data: bytes, language: str) -> DocumentInput | ImportOutcome:
    """As the command reads a file (curation.importing.read_document), from bytes."""
    fmt = format_for_path(name)
    if fmt is None:
        return _failed(name, "unsupported file type (expected .txt, .md or .html)")
    try:
        text = decode_document(data)
    except UndecodableText as error:
        return _failed(name, str(error))
    basename = PurePosixPath(name.replace("\\", "/")).name
    return document_input(text, fmt=fmt, name=basename, language=language, imported_from=name)


def _zip_units(name: str, data: bytes, language: str) -> Iterator[tuple | ImportOutcome]:
    try:
        entries = zip_entries(name, data)
    except ValidationError as error:
        yield _failed(name, " ".join(error.messages))
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in entries:
            entry_name = f"{name}/{info.filename}"
            if format_for_path(info.filename) is None:
                yield _failed(entry_name, "unsupported file type (expected .txt, .md or .html)")
                continue
            try:
                content = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError) as error:
                yield _failed(entry_name, f"cannot unpack: {error}")
                continue
            yield (file_input, entry_name, content, language)


def _jsonl_units(name: str, data: bytes, language: str) -> Iterator[tuple]:
    """One document per non-blank line."""
    for number, raw in enumerate(data.splitlines(), start=1):
        if raw.strip():
            yield (_jsonl_input, f"{name}:{number}", number, raw, language)


def _jsonl_input(line_name: str, number: int, raw: bytes, language: str):
    """One line's document; a bad line fails alone, named by its number."""
    try:
        return _jsonl_document(json.loads(raw), line_name, language)
    except (ValueError, TypeError) as error:
        reason = str(error)
        if isinstance(error, json.JSONDecodeError):
            reason = f"not valid JSON ({error.msg} at column {error.colno})"
        elif isinstance(error, UnicodeDecodeError):
            reason = "not valid UTF-8"
        return _failed(line_name, f"line {number}: {reason}")


def _jsonl_document(record, line_name: str, language: str) -> DocumentInput:
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('no "text" (a non-empty string)')
    unknown = sorted(set(record) - set(JSONL_FIELDS))
    metadata = record.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ValueError('"metadata" must be an object')
    authors = record.get("authors") or []
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise ValueError('"authors" must be a list of names')
    for field in ("title", "published_on", "url", "doi", "language"):
        if record.get(field) is not None and not isinstance(record[field], str):
            raise ValueError(f'"{field}" must be a string')
    if unknown:  # kept, not lost: they go with the free metadata
        metadata = {**{key: record[key] for key in unknown}, **metadata}
    return DocumentInput(
        text=text,
        title=(record.get("title") or line_name)[:500],
        authors=authors,
        published_on=_date(record.get("published_on")),
        url=_url(record.get("url")),
        doi=(record.get("doi") or "")[:255],
        language=(record.get("language") or language or "")[:16],
        metadata={"format": "jsonl", **metadata},
        imported_from=line_name,
    )
