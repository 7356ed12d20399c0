"""Reading an uploaded file: its size, the zip it may be, its JSON.

The limits are those of any upload (CLAIMDESK_MAX_IMPORT_BYTES, by default the
request limit) and, for a zip, the checks a bulk import makes before trusting
one: few members, no paths leaving the archive, no encryption, and a bound on
what it inflates to, measured while reading (not taken from its headers), so a
zip bomb stops at the limit instead of filling memory.
"""

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError

from .items import bad_file

MAX_MEMBERS = 100
MAX_RATIO = 200  # deflate rarely exceeds 100:1 on text; bombs reach 1000:1
READ_BLOCK = 64 * 1024


class ImportTooLarge(ValidationError):
    """The file (or what its zip inflates to) is over the limit: HTTP 413."""

    def __init__(self, size: int, limit: int, what: str = "The file"):
        self.size, self.limit = size, limit
        super().__init__(
            {"file": f"{what} is over the limit of {limit} bytes ({size} or more)."},
            code="too_large",
        )
        self.code = "too_large"  # a dict of errors keeps no code of its own


def max_import_bytes() -> int:
    return int(
        getattr(settings, "CLAIMDESK_MAX_IMPORT_BYTES", settings.CLAIMDESK_MAX_REQUEST_BYTES)
    )


def check_size(data: bytes) -> None:
    limit = max_import_bytes()
    if len(data) > limit:
        raise ImportTooLarge(len(data), limit)
    if not data:
        raise bad_file("The file is empty.")


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def zip_members(data: bytes) -> dict[str, bytes]:
    """The files of a zip, checked and read within the limits."""
    limit = max_import_bytes() * 4
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise bad_file(f"Not a readable zip: {error}.") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise bad_file(f"The zip holds {len(infos)} files; at most {MAX_MEMBERS} are read.")
        members, total = {}, 0
        for info in infos:
            path = PurePosixPath(info.filename)
            if path.is_absolute() or ".." in path.parts or "\\" in info.filename:
                raise bad_file(f"The zip names a path outside itself: {info.filename!r}.")
            if info.flag_bits & 0x1:
                raise bad_file(f"{info.filename} is encrypted.")
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise bad_file(f"{info.filename} inflates {MAX_RATIO} times or more: refused.")
            chunks = []
            try:
                with archive.open(info) as member:
                    while block := member.read(READ_BLOCK):
                        total += len(block)
                        if total > limit:
                            raise ImportTooLarge(total, limit, "What the zip inflates to")
                        chunks.append(block)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise bad_file(f"{info.filename} cannot be read: {error}.") from None
            members[info.filename] = b"".join(chunks)
    return members


def pick_member(members: dict[str, bytes], names: tuple[str, ...], suffixes: tuple[str, ...]):
    """The member named like one of `names` (at any depth), else the only file
    ending with one of `suffixes`."""
    by_name = {PurePosixPath(name).name: name for name in members}
    for name in names:
        if name in by_name:
            return by_name[name], members[by_name[name]]
    candidates = [name for name in members if name.endswith(suffixes)]
    if len(candidates) == 1:
        return candidates[0], members[candidates[0]]
    wanted = ", ".join(names) or " or ".join(suffixes)
    raise bad_file(f"The zip holds no single data file to import (looked for {wanted}).")


def decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise bad_file(
            f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}", where=name
        ) from None


def load_json(data: bytes, name: str):
    text = decode(data, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise bad_file(
            f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}", where=name
        ) from None
    except RecursionError:
        raise bad_file("JSON nested too deeply", where=name) from None


def json_lines(data: bytes, name: str) -> Iterator[tuple[int, object]]:
    """(line number, value) of each non-blank line of a JSON Lines file."""
    text = decode(data, name)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise bad_file(
                f"not JSON: {error.msg}, column {error.colno}", where=f"{name}, line {number}"
            ) from None
        except RecursionError:
            raise bad_file("JSON nested too deeply", where=f"{name}, line {number}") from None
