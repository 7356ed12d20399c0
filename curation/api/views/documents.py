"""Documents (imported texts) and passages (spans of them)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ... import services
from ...extract import format_for_path
from ...importing import document_input
from ...models import Document, Passage
from ...selectors.documents import document_annotations, document_text_part
from ...text import UndecodableText, decode_document
from .. import filters
from .. import serializers as s
from ..parsers import FormParser, JSONParser, MultiPartParser
from ..permissions import IsActiveUser
from .base import ScopedViewSet, WithHistory


class DocumentViewSet(WithHistory, ScopedViewSet):
    """Documents; create with JSON `text` or a multipart `file` (.txt, .md, .html).

    GET {id}/history/ shows who imported and changed it, newest first."""

    queryset = Document.objects.with_related()
    serializer_class = s.DocumentSerializer
    update_serializer_class = s.DocumentUpdateSerializer
    filterset_class = filters.DocumentFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["id", "title", "published_on", "created_at", "length"]
    update_service = staticmethod(services.document_update)
    delete_service = staticmethod(services.document_delete)
    service_argument = "document"

    def get_queryset(self):
        if self.action in ("annotations", "history"):  # the id is all they need
            return Document.objects.visible_to(self.request.user).only("pk")
        if self.action == "text":  # the part is read by the selector
            return Document.objects.visible_to(self.request.user).only("pk", "length")
        queryset = super().get_queryset()
        return queryset.without_text() if self.action == "list" else queryset

    def get_serializer_class(self):
        if self.action == "list":
            return s.DocumentListSerializer
        if self.action == "create":
            return s.DocumentCreateSerializer
        return super().get_serializer_class()

    @extend_schema(
        responses={
            201: s.DocumentSerializer,
            413: OpenApiResponse(description="The text or file is over the size limit."),
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project, source = data.pop("project"), data.pop("source", None)
        upload = data.pop("file", None)
        if upload is not None:
            item = self._read_upload(upload, data)
        else:
            text = data.pop("text")
            if len(text.encode("utf-8", "surrogatepass")) > settings.CLAIMDESK_MAX_DOCUMENT_BYTES:
                return self._too_large()
            item = services.DocumentInput(text=text, **data)
        if item is None:
            return self._too_large()
        document = services.document_import(
            actor=request.user, project=project, item=item, source=source
        )
        document = self.get_queryset().get(pk=document.pk)
        return Response(
            s.DocumentSerializer(document, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _read_upload(self, upload, data) -> services.DocumentInput | None:
        if upload.size > settings.CLAIMDESK_MAX_DOCUMENT_BYTES:
            return None
        fmt = format_for_path(upload.name or "")
        if fmt is None:
            raise serializers.ValidationError(
                {"file": "Unsupported file type: send .txt, .md or .html."}
            )
        try:
            text = decode_document(upload.read())
        except UndecodableText as error:
            raise serializers.ValidationError({"file": f"{upload.name}: {error}."}) from None
        item = document_input(text, fmt=fmt, name=upload.name, imported_from=upload.name)
        # Explicit fields win over what the file's text says about itself.
        for name, value in data.items():
            setattr(item, name, value)
        return item

    @staticmethod
    def _too_large():
        limit = settings.CLAIMDESK_MAX_DOCUMENT_BYTES
        return Response(
            {"detail": f"The document is over the {limit}-byte limit."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )

    @extend_schema(responses=s.DocumentAnnotationsSerializer)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def annotations(self, request, pk=None):
        """Every passage of the document with its claims and evidence, compactly.

        The workspace draws its highlights from this one request, however many
        passages there are (three queries, no pagination).
        """
        return Response(document_annotations(self.get_object()))

    @extend_schema(
        parameters=[s.DocumentTextQuerySerializer],
        responses={
            200: s.DocumentTextSerializer,
            400: OpenApiResponse(description="A bad `start` or `end`."),
        },
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def text(self, request, pk=None):
        """Part of the text: code points [start, end), as passages count them."""
        query = s.DocumentTextQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(
            document_text_part(
                self.get_object(),
                start=query.validated_data["start"],
                end=query.validated_data.get("end"),
            )
        )


class PassageViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Spans are immutable: create (by offsets or quote), read, delete when unused."""

    queryset = Passage.objects.with_related()
    serializer_class = s.PassageSerializer
    permission_classes = [IsActiveUser]
    filterset_class = filters.PassageFilter
    ordering_fields = ["id", "start", "end", "created_at"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.passage_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.passage_delete(actor=self.request.user, passage=instance)
