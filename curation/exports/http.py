"""The HTTP answer for a stored release file, shared by the API and the admin."""

from django.http import StreamingHttpResponse

from ..models import ReleaseFile
from ..services import release_file_chunks


def release_file_response(file: ReleaseFile) -> StreamingHttpResponse:
    """The zip streamed from its chunks, with its size and checksum up front."""
    response = StreamingHttpResponse(release_file_chunks(file), content_type="application/zip")
    response["Content-Length"] = str(file.size)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["ETag"] = f'"{file.sha256}"'
    response["X-Content-SHA256"] = file.sha256
    return response
