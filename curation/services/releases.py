"""Cutting dataset releases: frozen, versioned, checksummed files."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from ..bulk import bulk_insert
from ..choices import ClaimStatus, ExportFormat, MinAgreement, ReleaseStatus, Reliability, Role
from ..exports import WRITERS
from ..exports.background import chunk_inserter_for_any_thread, serial_worker
from ..exports.common import FormatWriter, iso
from ..exports.fixture import FixtureWriter
from ..exports.package import FORMAT_VERSION, ChunkSink, ReleaseZip
from ..exports.rows import ClaimRow, ReleaseFilter, claim_rows
from ..models import Document, Project, Release, ReleaseChunk, ReleaseFile, Topic
from ..selectors.releases import release_claims
from .access import require_role


def release_filter(
    *,
    project: Project,
    statuses: Iterable[str] = (ClaimStatus.ACCEPTED,),
    topics: Iterable[str] = (),
    documents: Iterable[int] = (),
    min_credibility: int | None = None,
    min_source_reliability: str | None = None,
    min_agreement: str | None = None,
) -> ReleaseFilter:
    """A validated filter: every name and id must exist in the project."""
    statuses, topics, documents = tuple(statuses), tuple(topics), tuple(documents)
    errors = {}
    if not statuses or set(statuses) - set(ClaimStatus.values):
        errors["statuses"] = f"Choose among {', '.join(ClaimStatus.values)}."
    unknown = set(topics) - set(
        Topic.objects.filter(project=project, name__in=topics).values_list("name", flat=True)
    )
    if unknown:
        errors["topics"] = f"Unknown topics in this project: {', '.join(sorted(unknown))}."
    missing = set(documents) - set(
        Document.objects.filter(project=project, pk__in=documents).values_list("pk", flat=True)
    )
    if missing:
        errors["documents"] = f"No such documents in this project: {sorted(missing)}."
    if min_credibility is not None and not 1 <= min_credibility <= 6:
        errors["min_credibility"] = "Credibility is graded 1 (best) to 6."
    if min_source_reliability is not None and min_source_reliability not in Reliability.values:
        errors["min_source_reliability"] = "Reliability is graded A (best) to F."
    if min_agreement is not None and min_agreement not in MinAgreement.values:
        errors["min_agreement"] = f"Choose among {', '.join(MinAgreement.values)}."
    if errors:
        raise ValidationError(errors)
    return ReleaseFilter(
        statuses=tuple(sorted(set(statuses))),
        topics=tuple(sorted(set(topics))),
        documents=tuple(sorted(set(documents))),
        min_credibility=min_credibility,
        min_source_reliability=min_source_reliability,
        min_agreement=min_agreement,
    )


def checked_formats(formats: Iterable[str]) -> list[ExportFormat]:
    formats = list(dict.fromkeys(formats))
    unknown = [fmt for fmt in formats if fmt not in ExportFormat.values]
    if unknown or not formats:
        raise ValidationError(
            {"formats": f"Choose among {', '.join(ExportFormat.values)} (got {unknown or 'none'})."}
        )
    return [ExportFormat(fmt) for fmt in formats]


@contextmanager
def cut_transaction() -> Iterator[str | None]:
    """The cut's transaction; yields the id of its exported snapshot (PostgreSQL, when
    outermost: REPEATABLE READ, so every query of the cut sees the same data)."""
    outermost = not connection.in_atomic_block
    snapshot = None
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Must be the transaction's first statement: every query below sees
            # the same snapshot, however long the cut takes. (Inside a caller's
            # transaction, that transaction's isolation applies.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # Shared with the connections that read the rows (see rows.py). Only
                # here: a caller's transaction may hold claims no other connection sees.
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
        yield snapshot


def release_number(
    *,
    actor,
    project: Project,
    name: str,
    description: str,
    filter: ReleaseFilter,
    formats: list[ExportFormat],
    status: str = ReleaseStatus.READY,
) -> Release:
    """Create the project's next release row (owners), numbered under the project's lock."""
    require_role(actor, project, Role.OWNER)
    # Lock the project row: versions are numbered without gaps or races. NO KEY
    # UPDATE: concurrent cuts wait for each other, but writes that merely refer
    # to the project (a new claim's foreign key) go on during a long cut.
    Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    last = Release.objects.filter(project=project).order_by("-version").first()
    release = Release(
        project=project,
        version=(last.version + 1) if last else 1,
        name=name.strip() or f"{project.name} release",
        description=description,
        filter=filter.as_dict(),
        formats=[str(fmt) for fmt in formats],
        status=status,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now().replace(microsecond=0),
    )
    release.full_clean(exclude=["project", "created_by"], validate_constraints=False)
    release.save()
    return release


def release_cut(
    *,
    actor,
    project: Project,
    name: str,
    description: str = "",
    filter: ReleaseFilter | None = None,
    formats: Iterable[str] = tuple(ExportFormat.values),
    progress: Callable[[int], None] | None = None,
) -> Release:
    """Cut the next release of a project here and now: select claims, write every
    format, freeze (the command's way; the API queues it: release_jobs).

    One pass over the rows feeds all formats; the whole cut is one transaction
    (REPEATABLE READ on PostgreSQL), so the files are a consistent snapshot.
    `progress(claims_written)` is called as the rows go by.
    """
    formats = checked_formats(formats)
    with cut_transaction() as snapshot:
        filter = filter or ReleaseFilter()
        release = release_number(
            actor=actor,
            project=project,
            name=name,
            description=description,
            filter=filter,
            formats=formats,
        )
        counts = write_release_files(release, filter, formats, snapshot=snapshot, progress=progress)
        counts.apply(release)
        release.save(update_fields=RELEASE_COUNT_FIELDS)
    return release


def write_release_files(
    release: Release,
    filter: ReleaseFilter,
    formats: list[str],
    *,
    snapshot: str | None,
    progress: Callable[[int], None] | None = None,
) -> "_Counts":
    """Write and store every format's zip; the counts go into the release object (not
    saved). Each format's ReleaseFile row is inserted before the first row is read."""
    claims = release_claims(project=release.project, filter=filter)
    # psycopg's connection is thread-safe: on PostgreSQL the zips are compressed, hashed
    # and stored on a helper thread, in this transaction, while the rows are written.
    threaded = connection.vendor == "postgresql"
    outputs: list[_Output] = []
    try:
        with serial_worker(threaded=threaded) as worker:
            for fmt in formats:
                outputs.append(_Output.open(release, fmt, claims, worker, threaded=threaded))
            counts = _write_rows(claims, [output.writer for output in outputs], snapshot, progress)
            counts.apply(release)
            for output in outputs:
                output.finish(release)
    except BaseException:
        # The worker has stopped and the transaction rolls back: nothing more may be stored.
        for output in outputs:
            output.package.discard()
        raise
    return counts


@dataclass
class _Output:
    """One format of a cut: its file, its zip, and the writer that fills it."""

    file: ReleaseFile
    sink: ChunkSink
    package: ReleaseZip
    writer: FormatWriter
    readme: str

    @classmethod
    def open(cls, release: Release, fmt: str, claims, worker, *, threaded: bool) -> "_Output":
        file = ReleaseFile.objects.create(
            release=release, format=fmt, filename=_filename(release, fmt), size=0, sha256=""
        )
        sink = ChunkSink(_chunk_saver(file, any_thread=threaded))
        date_time = release.created_at.astimezone(timezone.UTC).timetuple()[:6]
        package = ReleaseZip(sink, date_time, worker)
        writer_class, readme = WRITERS[fmt]
        if writer_class is FixtureWriter:
            writer = writer_class(package, release, claims)
        else:
            writer = writer_class(package, release)
        return cls(file, sink, package, writer, readme)

    def finish(self, release: Release) -> None:
        fmt = self.file.format
        self.writer.finish()
        self.package.close(_manifest(release, fmt), _readme(release, fmt, self.readme))
        self.file.size, self.file.sha256 = self.sink.size, self.sink.sha256.hexdigest()
        self.file.data_files = {
            name: info["sha256"] for name, info in self.package.data_files.items()
        }
        self.file.save(update_fields=["size", "sha256", "data_files"])


RELEASE_COUNT_FIELDS = ["claim_count", "evidence_count", "document_count", "source_count"]


def _write_rows(
    claims, writers: list[FormatWriter], snapshot: str | None, progress=None
) -> "_Counts":
    """One pass over the rows feeds every format; returns what was written."""
    counts = _Counts()
    # closing(): the row streams' helper threads stop before the transaction ends.
    with closing(claim_rows(claims, snapshot=snapshot)) as rows:
        for row in rows:
            counts.add(row)
            for writer in writers:
                writer.write(row)
            if progress is not None and not counts.claims & 255:
                progress(counts.claims)
    counts.add_evidence_sources()
    if progress is not None:
        progress(counts.claims)
    return counts


class _Counts:
    def __init__(self):
        self.claims = self.evidence = 0
        self.documents: set[int] = set()
        self.sources: set[int] = set()

    def add(self, row: ClaimRow) -> None:
        self.claims += 1
        self.evidence += len(row.evidence)
        self.documents.add(row.passage.document_id)
        for link in row.evidence:
            self.documents.add(link.passage.document_id)
        if row.source_id is not None:
            self.sources.add(row.source_id)

    def add_evidence_sources(self) -> None:
        """Evidence may come from documents of other sources."""
        self.sources.update(
            Document.objects.filter(pk__in=self.documents, source__isnull=False)
            .values_list("source_id", flat=True)
            .distinct()
        )

    def apply(self, release: Release) -> None:
        release.claim_count = self.claims
        release.evidence_count = self.evidence
        release.document_count = len(self.documents)
        release.source_count = len(self.sources)


def _chunk_saver(file: ReleaseFile, *, any_thread: bool) -> Callable[[int, bytes], None]:
    if not any_thread:

        def save(index: int, data: bytes) -> None:
            # COPY on PostgreSQL: the bytes travel as bytes, not as a 2 MB escaped literal.
            bulk_insert([ReleaseChunk(file=file, index=index, data=data)])

        return save

    return chunk_inserter_for_any_thread(ReleaseChunk, file.pk)


def _filename(release: Release, fmt: str) -> str:
    return f"{release.project.slug}-v{release.version}-{fmt}.zip"


def _manifest(release: Release, fmt: str) -> dict:
    return {
        "format": fmt,
        "format_version": FORMAT_VERSION,
        "release": {
            "project": release.project.slug,
            "project_name": release.project.name,
            "name": release.name,
            "version": release.version,
            "description": release.description,
            "created_at": iso(release.created_at),
            "created_by": release.created_by.get_username() if release.created_by else None,
        },
        "filter": release.filter,
        "counts": {
            "claims": release.claim_count,
            "evidence_links": release.evidence_count,
            "documents": release.document_count,
            "sources": release.source_count,
        },
        "offsets": "Unicode code points of the normalised document text, end excluded",
    }


def _readme(release: Release, fmt: str, body: str) -> str:
    return (
        f"# {release.name} — version {release.version} ({fmt})\n\n"
        f"Released from the Claimdesk project “{release.project.name}” "
        f"on {release.created_at:%Y-%m-%d %H:%M} UTC: {release.claim_count} claims, "
        f"{release.evidence_count} evidence links, {release.document_count} documents, "
        f"{release.source_count} sources. `manifest.json` holds the filter, the counts and "
        "the SHA-256 of each data file.\n\n" + body
    )


def release_file_chunks(file: ReleaseFile) -> Iterator[bytes]:
    """The stored bytes of a release file, in order, one 1 MiB chunk in memory at a time.

    One small query per chunk: a single cursor over all chunks, outside a
    transaction, makes PostgreSQL spool the whole file to disk before the first byte.
    """
    count = ReleaseChunk.objects.filter(file=file).count()
    read = _chunk_reader(file)
    for index in range(count):
        yield read(index)


def _chunk_reader(file: ReleaseFile) -> Callable[[int], bytes]:
    if connection.vendor != "postgresql":
        chunks = ReleaseChunk.objects.filter(file=file).values_list("data", flat=True)
        return lambda index: bytes(chunks.get(index=index))

    # Binary results: the bytea arrives as its bytes, not as 2 MiB of hex text that
    # PostgreSQL writes and psycopg parses (a third of the CPU on both sides).
    connection.ensure_connection()
    driver = connection.connection
    table = connection.ops.quote_name(ReleaseChunk._meta.db_table)
    select = f'SELECT data FROM {table} WHERE file_id = %s AND "index" = %s'  # noqa: S608

    def read(index: int) -> bytes:
        with psycopg.Cursor(driver) as cursor:
            cursor.execute(select, (file.pk, index), binary=True)
            return cursor.fetchone()[0]

    return read
