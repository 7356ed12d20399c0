"""No lost updates: writes to claims and evidence links name the version they
were based on, as an If-Match ETag ("<id>.<version>") or a `version` field.

A stale one answers 412 (the service compares it under a row lock); none at all
answers 428 Precondition Required (RFC 6585) on PUT, PATCH and DELETE.
"""

from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from .exceptions import PreconditionFailed


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = (
        "This write must say which version it changes: send the ETag you read as an "
        "If-Match header, or the `version` you edited in the body."
    )

    def __init__(self):
        # {"detail", "code"}, like the API's other refusals of a write (409, 412).
        super().__init__({"detail": self.default_detail, "code": self.default_code})


class VersionSerializer(serializers.Serializer):
    """A DELETE's body, when it names the version instead of If-Match."""

    version = serializers.IntegerField(required=False, min_value=1)


def expected_version(request, pk, data: dict | None = None, *, required: bool) -> int | None:
    """The version the client based its write on: If-Match and/or `version`.

    `If-Match: *` is a precondition too (the client says it means to overwrite).
    """
    versions = set()
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        object_id = str(pk)
        for tag in (part.strip().removeprefix("W/").strip('"') for part in header.split(",")):
            tag_pk, _, version = tag.partition(".")
            if tag_pk != object_id or not (version.isascii() and version.isdecimal()):
                raise PreconditionFailed(f"If-Match {tag!r} is not an ETag of this object.")
            versions.add(int(version))
    if data and data.get("version") is not None:
        versions.add(data["version"])
    if len(versions) > 1:
        raise PreconditionFailed("If-Match and version disagree.")
    if required and not versions and header != "*":
        raise PreconditionRequired()
    return versions.pop() if versions else None


def body_version(request) -> dict | None:
    """A validated {"version": n} from a DELETE's body, if it sent one."""
    if not isinstance(request.data, dict) or "version" not in request.data:
        return None
    serializer = VersionSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
