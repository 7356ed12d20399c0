"""Bulk imports as background jobs: uploads checked and stored by the request,
imported by a worker through the same service as `import_documents`.

Files: .txt, .md, .html (decoded, normalised, metadata extracted as the command
does), a .zip of them (checked before anything is unpacked), or a .jsonl file
with one document per line. Each file or line is all-or-nothing and reported
as the command reports it. The whole job is one transaction: a worker that
dies mid-import leaves nothing, and the job is run again from the start.
"""

import io
import json
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from ..choices import ImportKind, ImportStatus, Role
from ..extract import format_for_path
from ..importing import (
    READERS_FROM,
    _date,
    _url,
    default_jobs,
    document_input,
    in_readers,
    prepared,
)
from ..models import ImportJob, ImportUpload, Project, Source
from ..text import UndecodableText, decode_document
from .access import SYSTEM, require_role
from .documents import DocumentInput, ImportOutcome, documents_import
from .jobs import (
    ProgressWriter,
    failure_reason,
    job_claim,
    job_enqueue,
    job_fail,
    job_lock,
    job_retry,
)

# ANALYZE the filled tables after an import of at least this many documents.
ANALYZE_AFTER = 500
JSONL_FIELDS = ("text", "title", "authors", "published_on", "url", "doi", "language", "metadata")


@dataclass
class Upload:
    name: str
    data: bytes


def _kind_of(name: str) -> str | None:
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


def import_create(
    *,
    actor,
    project: Project,
    uploads: list[Upload],
    kind: str = ImportKind.DOCUMENTS,
    source: Source | None = None,
    language: str = "",
    mapping: dict | None = None,
) -> ImportJob:
    """Check and store the uploads, and queue their import (owners)."""
    from ..tasks import import_task

    require_role(actor, project, Role.OWNER)
    if not uploads:
        raise ValidationError({"file": "Upload at least one file."})
    if kind not in ImportKind.values:
        raise ValidationError({"kind": f"Choose among {', '.join(ImportKind.values)}."})
    if source is not None and source.project_id != project.pk:
        raise ValidationError({"source": "The source belongs to another project."})
    if mapping is not None and not isinstance(mapping, dict):
        raise ValidationError({"mapping": "A JSON object mapping labels to claim fields."})
    total = sum(len(upload.data) for upload in uploads)
    if total > settings.CLAIMDESK_MAX_IMPORT_BYTES:
        limit = settings.CLAIMDESK_MAX_IMPORT_BYTES
        raise ValidationError({"file": f"The files are {total} bytes; the limit is {limit}."})
    if kind == ImportKind.DOCUMENTS:
        for upload in uploads:
            found = _kind_of(upload.name)
            if found is None:
                raise ValidationError(
                    {"file": f"{upload.name}: expected .txt, .md, .html, .zip or .jsonl."}
                )
            if found == "zip":
                zip_entries(upload.name, upload.data)
    with transaction.atomic():
        job = ImportJob.objects.create(
            project=project,
            kind=kind,
            source=source,
            language=language[:16],
            mapping=mapping,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            # Counted here, from the bytes in hand, so that the worker need not read
            # every upload twice (the count, then the import): 0.2 s of 25 MB.
            progress_total=sum(_items_in(kind, u.name, u.data) for u in uploads),
        )
        ImportUpload.objects.bulk_create(
            ImportUpload(job=job, index=i, name=u.name[:255], size=len(u.data), data=u.data)
            for i, u in enumerate(uploads)
        )
        job_enqueue(import_task, job)
    return job


def import_retry(*, actor, job: ImportJob) -> ImportJob:
    """Queue a failed import again (owners); nothing of it was kept."""
    from ..tasks import import_task

    require_role(actor, job.project_id, Role.OWNER)
    return job_retry(
        import_task, job, what="import", failed=ImportStatus.FAILED, queued=ImportStatus.QUEUED
    )


# -- the worker's side -------------------------------------------------------------------


def import_run(*, job_id: int) -> str:
    """Run a queued import (a worker's side); returns what happened, for the task log."""
    with job_lock(ImportJob, job_id) as held:
        if not held:
            return "already running on another worker"
        job = job_claim(
            ImportJob,
            job_id,
            waiting={ImportStatus.QUEUED, ImportStatus.RUNNING},
            running=ImportStatus.RUNNING,
            total_of=_total_items,
        )
        if job is None:
            return "nothing to import"
        progress = ProgressWriter(ImportJob, job.pk, total=job.progress_total)
        try:
            with transaction.atomic():
                if job.kind == ImportKind.DOCUMENTS:
                    counts, items = _import_documents(job, progress)
                else:
                    counts, items = _import_annotations(job, progress)
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportStatus.DONE,
                    counts=counts,
                    items=items,
                    progress_done=len(items),
                    progress_total=len(items),
                    finished_at=timezone.now(),
                )
        except Exception as error:
            job_fail(ImportJob, job.pk, status=ImportStatus.FAILED, reason=failure_reason(error))
            raise
        finally:
            progress.close()
        if counts.get("imported", 0) >= ANALYZE_AFTER:
            _analyze(job.kind)
        return ", ".join(f"{name} {number}" for name, number in counts.items())


def _actor(job: ImportJob):
    return job.created_by if job.created_by_id else SYSTEM


def _total_items(job: ImportJob) -> int:
    """The progress total, counted when the uploads were stored (jobs queued before
    that was done count their stored uploads: a second read of every byte)."""
    if job.progress_total is not None:
        return job.progress_total
    return sum(_items_in(job.kind, upload.name, bytes(upload.data)) for upload in job.uploads.all())


def _items_in(kind: str, name: str, data: bytes) -> int:
    """How many outcomes an upload gives: its non-blank lines, its zip's files, or one."""
    found = _kind_of(name) if kind == ImportKind.DOCUMENTS else "file"
    if found == "jsonl":
        return sum(1 for line in data.splitlines() if line.strip())
    if found == "zip":
        try:
            return len(zip_entries(name, data))
        except ValidationError:
            return 1
    return 1


def _import_documents(job: ImportJob, progress) -> tuple[dict, list]:
    counts = {"imported": 0, "skipped": 0, "failed": 0}
    items: list[dict] = []
    # Readers build the documents while this process writes them, as the command does.
    jobs = default_jobs() if (job.progress_total or 0) >= READERS_FROM else 0
    inputs = in_readers(_read_unit, _units(job), jobs=jobs)
    outcomes = documents_import(
        actor=_actor(job), project=job.project, items=inputs, source=job.source
    )
    for outcome in outcomes:
        counts[outcome.status] += 1
        items.append(_item(outcome))
        progress(len(items))
    return counts, items


def _item(outcome: ImportOutcome) -> dict:
    """One file's or line's outcome, with the line `import_documents` prints for it."""
    name = outcome.item.imported_from
    item = {"name": name, "status": outcome.status}
    if outcome.status == "imported":
        item["document"] = outcome.document.pk
        item["message"] = f"imported {name} as document {outcome.document.pk}"
    elif outcome.status == "skipped":
        duplicate = outcome.duplicate_of
        item["duplicate_of"] = duplicate.pk
        item["message"] = (
            f"skipped {name}: same text as document {duplicate.pk} ({duplicate.title!r})"
        )
    else:
        item["error"] = outcome.error
        item["message"] = f"FAILED {name}: {outcome.error}"
    return item


def _units(job: ImportJob) -> Iterator[tuple | ImportOutcome]:
    """The job's work, item by item, in order: (function, *arguments) for a reader to
    call (_read_unit), or an outcome already known (a bad zip, an entry it cannot read)."""
    # One upload in memory at a time (iterator(): the bytes are not cached on the job).
    for upload in job.uploads.order_by("index").iterator(chunk_size=1):
        data = bytes(upload.data)
        found = _kind_of(upload.name)
        if found == "jsonl":
            yield from _jsonl_units(upload.name, data, job.language)
        elif found == "zip":
            yield from _zip_units(upload.name, data, job.language)
        else:
            yield (file_input, upload.name, data, job.language)


def _read_unit(unit: tuple | ImportOutcome) -> DocumentInput | ImportOutcome:
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


def _import_annotations(job: ImportJob, progress) -> tuple[dict, list]:
    """Annotation files go to the interop service, one file at a time."""
    try:
        from .annotation_imports import annotations_import
    except ImportError:
        raise ValidationError(
            {"kind": f"Importing {job.kind} annotations is not available on this server."}
        ) from None
    counts: dict[str, int] = {}
    items: list[dict] = []
    for upload in job.uploads.order_by("index").iterator(chunk_size=1):
        report = annotations_import(
            actor=_actor(job),
            project=job.project,
            kind=job.kind,
            name=upload.name,
            data=bytes(upload.data),
            mapping=job.mapping,
        )
        for key, number in report.counts.items():
            counts[key] = counts.get(key, 0) + number
        items.extend(report.items)
        progress(len(items))
    return counts, items


def _analyze(kind: str) -> None:
    """Fresh planner statistics for the tables the import filled, as pg_restore does:
    lists are fast at once, not once autovacuum gets round to them."""
    if connection.vendor != "postgresql":
        return
    from ..models import Claim, Document, EvidenceLink, HistoryEntry, Passage

    if kind == ImportKind.DOCUMENTS:
        tables = [Document, HistoryEntry]
    else:
        tables = [Passage, Claim, EvidenceLink, HistoryEntry]
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")
