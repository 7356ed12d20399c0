"""Bulk import jobs: POST /api/v1/imports/ (202), then poll GET /api/v1/imports/{id}/."""

import json

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ..choices import ImportKind, ImportStatus
from ..models import ImportJob, ImportUpload, Project, Source
from ..services.imports import Upload, import_create, import_retry
from .fields import ScopedPrimaryKeyRelatedField
from .filters import IdFilter
from .permissions import IsActiveUser
from .serializers import UsernameField
from .serializers.releases import JOB_FIELDS


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job as a list shows it: state, progress and counts."""

    created_by = UsernameField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "project", "kind", "source", "language", "counts", "created_by",
            "created_at", *JOB_FIELDS,
        ]  # fmt: skip
        read_only_fields = fields


class ImportJobDetailSerializer(ImportJobSerializer):
    """One job with the outcome of each file or line, as `import_documents` reports them."""

    files = serializers.SerializerMethodField()

    class Meta(ImportJobSerializer.Meta):
        fields = [*ImportJobSerializer.Meta.fields, "items", "files"]
        read_only_fields = fields

    def get_files(self, job) -> list[dict]:
        return [{"name": u.name, "size": u.size} for u in job.uploads.all()]


class ImportCreateSerializer(serializers.Serializer):
    """The upload: a project, one or more `file` parts, and what they hold."""

    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    file = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), allow_empty=False, max_length=100
    )
    kind = serializers.ChoiceField(choices=ImportKind.choices, default=ImportKind.DOCUMENTS)
    source = ScopedPrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, allow_null=True
    )
    language = serializers.CharField(max_length=16, required=False, default="", allow_blank=True)
    mapping = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Annotation imports: a JSON object mapping the file's labels to claim fields.",
    )

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):  # several `file` parts under one name
            data = {**data.dict(), "file": data.getlist("file")}
        return super().to_internal_value(data)

    def validate_mapping(self, value):
        if value in (None, ""):
            return None
        try:
            mapping = json.loads(value)
        except ValueError:
            raise serializers.ValidationError("Not valid JSON.") from None
        if not isinstance(mapping, dict):
            raise serializers.ValidationError("A JSON object.")
        return mapping


class ImportJobFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    status = filters.ChoiceFilter(choices=ImportStatus.choices)
    kind = filters.ChoiceFilter(choices=ImportKind.choices)

    class Meta:
        model = ImportJob
        fields = ["project", "status", "kind"]


class ImportJobViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Bulk imports (owners): upload, then poll the job; members of the project read it."""

    queryset = ImportJob.objects.with_related()
    serializer_class = ImportJobSerializer
    permission_classes = [IsActiveUser]
    filterset_class = ImportJobFilter
    parser_classes = [MultiPartParser, FormParser]
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        queryset = super().get_queryset().visible_to(self.request.user)
        if self.action == "retrieve":
            uploads = ImportUpload.objects.defer("data").order_by("index")
            queryset = queryset.prefetch_related(Prefetch("uploads", queryset=uploads))
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ImportJobDetailSerializer
        if self.action == "create":
            return ImportCreateSerializer
        return super().get_serializer_class()

    @extend_schema(
        request={"multipart/form-data": ImportCreateSerializer},
        responses={
            202: ImportJobSerializer,
            413: OpenApiResponse(description="The upload is over the size limit."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Queue an import: 202 with the job `queued`; poll it until `done` or `failed`."""
        upload = ImportCreateSerializer(data=request.data, context=self.get_serializer_context())
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        job = import_create(
            actor=request.user,
            project=data["project"],
            uploads=[Upload(name=f.name, data=f.read()) for f in data["file"]],
            kind=data["kind"],
            source=data.get("source"),
            language=data["language"],
            mapping=data["mapping"],
        )
        job = self.get_queryset().get(pk=job.pk)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: ImportJobSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def retry(self, request, pk=None):
        """Queue a failed import again (owners); 409 unless it failed."""
        job = import_retry(actor=request.user, job=self.get_object())
        job = self.get_queryset().get(pk=job.pk)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
