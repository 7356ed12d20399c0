"""Evidence: passages linked to a claim as support, refutation or context."""

from __future__ import annotations

from django.db import transaction

from ... import services
from ...models import EvidenceLink
from .. import filters
from .. import serializers as s
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

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with transaction.atomic():
            passage = passage_from(self.request.user, data)
            serializer.instance = services.evidence_link(
                actor=self.request.user, passage=passage, **data
            )
