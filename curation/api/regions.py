"""Document regions over the API: `/api/v1/regions/` (list by `?document=`, mark, unmark)
and `/api/v1/documents/{id}/regions/` (one document's regions, unpaginated)."""

import django_filters as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from ..models import Document, DocumentRegion
from ..models.regions import RegionKind
from ..services.regions import region_create, region_delete
from .fields import ScopedPrimaryKeyRelatedField
from .filters import IdFilter
from .permissions import IsActiveUser


class RegionSerializer(serializers.ModelSerializer):
    """A span of a document's text (code points) that is boilerplate or a repeat."""

    document = ScopedPrimaryKeyRelatedField(queryset=Document.objects.all())
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=RegionKind.choices)
    original_start = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    original_end = serializers.IntegerField(min_value=1, required=False, allow_null=True)

    class Meta:
        model = DocumentRegion
        fields = [
            "id",
            "document",
            "start",
            "end",
            "kind",
            "original_start",
            "original_end",
            "origin",
            "created_at",
        ]
        read_only_fields = ["origin", "created_at"]
        # Overlap and uniqueness are the service's and the database's to judge.
        validators = []

    def validate(self, attrs):
        if attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError({"end": "end must be greater than start."})
        return attrs


class RegionFilter(filters.FilterSet):
    document = IdFilter(field_name="document")
    project = IdFilter(field_name="document__project")
    kind = filters.ChoiceFilter(choices=RegionKind.choices)

    class Meta:
        model = DocumentRegion
        fields = []


class RegionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Regions of the caller's documents; owners mark (POST) and unmark (DELETE) them."""

    queryset = DocumentRegion.objects.order_by("document_id", "start", "end", "id")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    permission_classes = [IsActiveUser]
    ordering_fields = ["id", "start"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = region_create(actor=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        region_delete(actor=self.request.user, region=instance)


@extend_schema(responses=RegionSerializer(many=True))
@api_view(["GET"])
@permission_classes([IsActiveUser])
def document_regions(request, pk: int):
    """Every region of one document, in text order (the workspace reads this)."""
    document = get_object_or_404(Document.objects.visible_to(request.user).only("pk"), pk=pk)
    regions = DocumentRegion.objects.filter(document=document).order_by("start", "end", "id")
    return Response(RegionSerializer(regions, many=True).data)
