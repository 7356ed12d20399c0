"""Release packaging: a zip per format, written once, in 1 MiB chunks, with a
manifest (release metadata, filter, counts, SHA-256 of each data file) and a
README describing the fields. Entries carry the release's timestamp, so the
bytes depend only on the data.

Writers hand data over in order; compressing, hashing and storing run on the
cut's worker (see background.py), one call after another in that same order,
so the bytes do not depend on thread timing either.
"""

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from contextlib import suppress

from isal import isal_zlib

CHUNK_BYTES = 1024 * 1024
FORMAT_VERSION = "1"
# What a data entry gathers before handing it to the worker: large enough that the
# hand-over costs nothing per line, small enough to keep the queue's memory flat.
BLOCK_BYTES = 256 * 1024


class ChunkSink(io.RawIOBase):
    """A write-only, non-seekable stream that hands out fixed-size chunks."""

    def __init__(self, on_chunk: Callable[[int, bytes], None]):
        super().__init__()
        self._on_chunk = on_chunk
        self._buffer = bytearray()
        self._index = 0
        self._discarded = False
        self.size = 0
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def discard(self) -> None:
        """Drop what is buffered and everything written from now on."""
        self._discarded = True
        self._buffer.clear()

    def write(self, data) -> int:
        if self._discarded:
            return len(data)
        self._buffer += data
        self.size += len(data)
        self.sha256.update(data)
        while len(self._buffer) >= CHUNK_BYTES:
            self._emit(bytes(self._buffer[:CHUNK_BYTES]))
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush_all(self) -> None:
        if self._buffer and not self._discarded:
            self._emit(bytes(self._buffer))
            self._buffer.clear()

    def _emit(self, chunk: bytes) -> None:
        self._on_chunk(self._index, chunk)
        self._index += 1


class ReleaseZip:
    """One format's zip: data entries, then manifest.json and README.md.

    Every zip operation goes through `worker` (submit, in order); `close` waits for
    them, so `sink.size`, `sink.sha256` and `data_files` are final when it returns.
    """

    def __init__(self, sink: ChunkSink, date_time: tuple, worker):
        self.sink = sink
        self.date_time = date_time
        self.worker = worker
        self.zip = zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED)
        self.data_files: dict[str, dict] = {}
        self._entries: list[DataEntry] = []

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        # Level 1: several times faster than the default for ~10 % larger files.
        # (ZipInfo.compress_level is public from Python 3.13; 3.12 calls it _compresslevel.)
        setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", 1)
        info.external_attr = 0o644 << 16
        return info

    def open_data(self, name: str) -> "DataEntry":
        entry = DataEntry(self, name)
        self._entries.append(entry)
        self.worker.submit(entry._open_raw)
        return entry

    def close(self, manifest: dict, readme: str) -> None:
        self.worker.submit(self._close, manifest, readme)
        self.worker.wait()

    def discard(self) -> None:
        """After a failed cut, once the worker has stopped: store nothing more.

        The zip is closed into the discarded sink: left open, its finaliser would try
        to finish it later.
        """
        self.sink.discard()
        with suppress(Exception):  # the failure may have left it unable to close
            for entry in self._entries:
                entry._close_raw_if_open()
            self.zip.close()

    def _close(self, manifest: dict, readme: str) -> None:
        # On the worker, after every entry's close: data_files is complete.
        manifest = {**manifest, "files": self.data_files}
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        self.zip.writestr(self._info("manifest.json"), text.encode("utf-8"))
        self.zip.writestr(self._info("README.md"), readme.encode("utf-8"))
        self.zip.close()
        self.sink.flush_all()


class DataEntry:
    """A data file inside the zip: `write` takes bytes, `text` is a text interface
    (use one or the other). Checksum and size are taken on the worker."""

    def __init__(self, owner: ReleaseZip, name: str):
        self.owner, self.name = owner, name
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._text: io.TextIOWrapper | None = None
        self._raw = None
        self._size = 0
        self._sha256 = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= BLOCK_BYTES:
            self._hand_over()

    @property
    def text(self) -> io.TextIOWrapper:
        if self._text is None:
            self._text = io.TextIOWrapper(_BytesInto(self), encoding="utf-8", newline="")
        return self._text

    def close(self) -> None:
        if self._text is not None:
            self._text.flush()
        self._hand_over()
        self.owner.worker.submit(self._close_raw)

    def _hand_over(self) -> None:
        if self._pending:
            self.owner.worker.submit(self._write_raw, b"".join(self._pending))
            self._pending.clear()
            self._pending_size = 0

    # On the worker:

    def _open_raw(self) -> None:
        info = self.owner._info(self.name)
        self._raw = self.owner.zip.open(info, mode="w", force_zip64=True)
        # zipfile deflates with zlib: 95 MB/s on our servers, the slowest step of a cut.
        # ISA-L writes the same format (any unzip reads it) four times faster and a
        # little smaller. zipfile has no option for it; its compressor object has the
        # same interface, so swap it before the first byte.
        self._raw._compressor = isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15)

    def _write_raw(self, block: bytes) -> None:
        self._sha256.update(block)
        self._size += len(block)
        self._raw.write(block)

    def _close_raw_if_open(self) -> None:
        if self._raw is not None and not self._raw.closed:
            self._raw.close()

    def _close_raw(self) -> None:
        self._raw.close()
        self.owner.data_files[self.name] = {"sha256": self._sha256.hexdigest(), "bytes": self._size}


class _BytesInto(io.RawIOBase):
    """What a DataEntry's TextIOWrapper writes its encoded text into."""

    def __init__(self, entry: DataEntry):
        super().__init__()
        self._entry = entry

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._entry.write(bytes(data))
        return len(data)
