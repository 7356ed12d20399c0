"""Releases: frozen, versioned datasets cut from a project's claims."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ... import services
from ...choices import ExportFormat, ReleaseStatus
from ...exports.http import release_file_response
from ...models import Release
from ...services.release_jobs import release_enqueue, release_retry
from .. import filters
from .. import serializers as s
from ..exceptions import Conflict
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

    @extend_schema(responses={202: s.ReleaseSerializer})
    def create(self, request, *args, **kwargs):
        """Queue a cut (owners): 202 with the release `queued`; poll it until `ready`."""
        response = super().create(request, *args, **kwargs)
        response.status_code = status.HTTP_202_ACCEPTED
        return response

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
            min_agreement=data.pop("min_agreement", None),
        )
        release = release_enqueue(
            actor=self.request.user,
            project=project,
            filter=release_filter,
            formats=data.pop("formats"),
            **data,
        )
        serializer.instance = self.get_queryset().get(pk=release.pk)

    @extend_schema(request=None, responses={202: s.ReleaseSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def retry(self, request, pk=None):
        """Queue a failed cut again (owners); 409 unless it failed."""
        release = release_retry(actor=request.user, release=self.get_object())
        data = self.get_serializer(self.get_queryset().get(pk=release.pk)).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", str, enum=list(ExportFormat.values), default=ExportFormat.JSONL
            )
        ],
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such release, or not in this format."),
            409: OpenApiResponse(description="The release is not ready (queued, running, failed)."),
        },
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def download(self, request, pk=None):
        """The release's zip in one format, streamed; identical bytes on every download."""
        release = self.get_object()
        if release.status != ReleaseStatus.READY:
            raise Conflict(
                {
                    "detail": f"The release is {release.status}; its files download once ready.",
                    "status": release.status,
                }
            )
        fmt = request.query_params.get("format", ExportFormat.JSONL)
        file = next((f for f in release.files.all() if f.format == fmt), None)
        if file is None:
            available = ", ".join(f.format for f in release.files.all()) or "none"
            raise NotFound(f"This release has no {fmt!r} file (available: {available}).")
        return release_file_response(file)
