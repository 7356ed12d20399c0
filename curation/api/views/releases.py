"""Releases: frozen, versioned datasets cut from a project's claims."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from ... import services
from ...choices import ExportFormat
from ...exports.http import release_file_response
from ...models import Release
from .. import filters
from .. import serializers as s
from ..permissions import IsActiveUser


class ReleaseViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Releases are immutable: cut (owners), list, read, download (any member)."""

    queryset = Release.objects.with_related()
    serializer_class = s.ReleaseSerializer
    permission_classes = [IsActiveUser]
    filterset_class = filters.ReleaseFilter
    ordering_fields = ["id", "version", "created_at"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        project = data.pop("project")
        release_filter = services.release_filter(
            project=project,
            statuses=data.pop("statuses"),
            topics=data.pop("topics"),
            documents=data.pop("documents"),
            min_credibility=data.pop("min_credibility", None),
            min_source_reliability=data.pop("min_source_reliability", None),
        )
        release = services.release_cut(
            actor=self.request.user,
            project=project,
            filter=release_filter,
            formats=data.pop("formats"),
            **data,
        )
        serializer.instance = self.get_queryset().get(pk=release.pk)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", str, enum=list(ExportFormat.values), default=ExportFormat.JSONL
            )
        ],
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such release, or not in this format."),
        },
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def download(self, request, pk=None):
        """The release's zip in one format, streamed; identical bytes on every download."""
        release = self.get_object()
        fmt = request.query_params.get("format", ExportFormat.JSONL)
        file = next((f for f in release.files.all() if f.format == fmt), None)
        if file is None:
            available = ", ".join(f.format for f in release.files.all()) or "none"
            raise NotFound(f"This release has no {fmt!r} file (available: {available}).")
        return release_file_response(file)
