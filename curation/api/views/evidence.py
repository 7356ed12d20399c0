"""Evidence: passages linked to a claim as support, refutation or context."""

from __future__ import annotations

from django.db import transaction
from rest_framework import status
from rest_framework.response import Response

from ... import services
from ...models import EvidenceLink
from .. import filters
from .. import serializers as s
from ..preconditions import body_version, expected_version
from .base import ScopedViewSet, passage_from


class EvidenceViewSet(ScopedViewSet):
    queryset = EvidenceLink.objects.with_related()
    serializer_class = s.EvidenceSerializer
    update_serializer_class = s.EvidenceUpdateSerializer
    filterset_class = filters.EvidenceFilter
    ordering_fields = ["id", "stance", "created_at"]
    update_service = staticmethod(services.evidence_update)
    delete_service = staticmethod(services.evidence_unlink)
    service_argument = "link"
    precondition_required = True  # the schema documents 428 (curation/api/schema.py)

    # Versioned like claims: answers carry an ETag; writes need If-Match or `version`.
    def retrieve(self, request, *args, **kwargs):
        return _etagged(super().retrieve(request, *args, **kwargs))

    def create(self, request, *args, **kwargs):
        return _etagged(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        link = self.get_object()
        serializer = self.get_serializer(link, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, link.pk, data, required=True)
        data.pop("version", None)
        link = services.evidence_update(
            actor=request.user, link=link, expected_version=expected, **data
        )
        return _etagged(Response(self.get_serializer(self.reread(link)).data))

    def destroy(self, request, *args, **kwargs):
        link = self.get_object()
        expected = expected_version(request, link.pk, body_version(request), required=True)
        services.evidence_unlink(actor=request.user, link=link, expected_version=expected)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        with transaction.atomic():
            passage = passage_from(self.request.user, data)
            serializer.instance = services.evidence_link(
                actor=self.request.user, passage=passage, **data
            )


def _etagged(response: Response) -> Response:
    response["ETag"] = f'"{response.data["id"]}.{response.data["version"]}"'
    return response
