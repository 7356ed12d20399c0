"""Declarative viewsets: scoped querysets, one FilterSet each, writes through services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.functional import SimpleLazyObject, cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .. import services
from ..choices import ExportFormat, Role
from ..exceptions import ItemsInvalid
from ..exports.http import release_file_response
from ..extract import format_for_path
from ..importing import document_input
from ..models import (
    Claim,
    Document,
    EvidenceLink,
    Membership,
    Passage,
    Project,
    Release,
    Source,
    Topic,
)
from ..text import UndecodableText, decode_document
from . import filters
from . import serializers as s
from .claim_reads import claim_rows, represent_claims, represent_new_claims
from .exceptions import PreconditionFailed
from .permissions import IsActiveUser


class ScopedViewSet(viewsets.ModelViewSet):
    """Rows of the caller's projects only: another project's object answers 404.

    Writes go through the services named by `create_service`, `update_service`
    and `delete_service` (staticmethods); the latter two take the object as the
    keyword `service_argument`.
    """

    permission_classes = [IsActiveUser]
    update_serializer_class = None
    service_argument = ""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return super().get_serializer_class()

    def perform_create(self, serializer):
        created = self.create_service(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.reread(created)

    def perform_update(self, serializer):
        updated = self.update_service(
            actor=self.request.user,
            **{self.service_argument: serializer.instance},
            **serializer.validated_data,
        )
        serializer.instance = self.reread(updated)

    def reread(self, instance):
        """The row as lists show it (counts and joins), after a service wrote it."""
        return self.get_queryset().get(pk=instance.pk)

    def perform_destroy(self, instance):
        self.delete_service(actor=self.request.user, **{self.service_argument: instance})


# -- projects and members -----------------------------------------------------


class ProjectViewSet(ScopedViewSet):
    queryset = Project.objects.order_by("id")
    serializer_class = s.ProjectSerializer
    filterset_class = filters.ProjectFilter
    ordering_fields = ["id", "name", "slug", "created_at"]
    create_service = staticmethod(services.project_create)
    update_service = staticmethod(services.project_update)
    delete_service = staticmethod(services.project_delete)
    service_argument = "project"

    def get_serializer_context(self):
        # The caller's role per project, one query for the whole page, read when
        # the answer is built: after a create, so the new project's owner is in it.
        user = self.request.user
        return {
            **super().get_serializer_context(),
            "roles": SimpleLazyObject(lambda: services.roles_by_project(user)),
        }


class MembershipViewSet(ScopedViewSet):
    queryset = Membership.objects.with_related()
    serializer_class = s.MembershipSerializer
    update_serializer_class = s.MembershipUpdateSerializer
    filterset_class = filters.MembershipFilter
    ordering_fields = ["id", "role", "created_at"]

    def perform_create(self, serializer):
        data = {"role": Role.VIEWER, **serializer.validated_data}  # the model's default
        serializer.instance = services.membership_set(actor=self.request.user, **data)

    def perform_update(self, serializer):
        membership = serializer.instance
        serializer.instance = services.membership_set(
            actor=self.request.user,
            project=membership.project,
            user=membership.user,
            role=serializer.validated_data.get("role", membership.role),
        )

    def perform_destroy(self, instance):
        services.membership_remove(actor=self.request.user, membership=instance)


class SourceViewSet(ScopedViewSet):
    queryset = Source.objects.with_related()
    serializer_class = s.SourceSerializer
    update_serializer_class = s.SourceUpdateSerializer
    filterset_class = filters.SourceFilter
    ordering_fields = ["id", "name", "reliability", "created_at", "updated_at"]
    create_service = staticmethod(services.source_create)
    update_service = staticmethod(services.source_update)
    delete_service = staticmethod(services.source_delete)
    service_argument = "source"


class TopicViewSet(ScopedViewSet):
    queryset = Topic.objects.with_related()
    serializer_class = s.TopicSerializer
    update_serializer_class = s.TopicUpdateSerializer
    filterset_class = filters.TopicFilter
    ordering_fields = ["id", "name"]
    create_service = staticmethod(services.topic_create)
    update_service = staticmethod(services.topic_update)
    delete_service = staticmethod(services.topic_delete)
    service_argument = "topic"


# -- documents and passages -----------------------------------------------------


class DocumentViewSet(ScopedViewSet):
    """Documents; create with JSON `text` or a multipart `file` (.txt, .md, .html)."""

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
        document = self.get_object()
        passages = Passage.objects.filter(document=document).order_by("start", "end")
        claims = (
            Claim.objects.filter(passage__document=document)
            .order_by("id")
            .values("id", "passage_id", "status", "kind", "statement", "credibility")
        )
        evidence = (
            EvidenceLink.objects.filter(passage__document=document)
            .order_by("id")
            .values("id", "passage_id", "stance", "claim_id", "claim__statement")
        )
        return Response(
            {
                "document": document.pk,
                "passages": [
                    {"id": pid, "start": start, "end": end}
                    for pid, start, end in passages.values_list("id", "start", "end")
                ],
                "claims": [
                    {
                        "id": c["id"],
                        "passage": c["passage_id"],
                        "status": c["status"],
                        "kind": c["kind"],
                        "statement": c["statement"],
                        "credibility": c["credibility"],
                    }
                    for c in claims
                ],
                "evidence": [
                    {
                        "id": e["id"],
                        "passage": e["passage_id"],
                        "stance": e["stance"],
                        "claim": e["claim_id"],
                        "claim_statement": e["claim__statement"],
                    }
                    for e in evidence
                ],
            }
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


# -- claims and evidence ----------------------------------------------------------


def _detail(error: DjangoValidationError) -> dict:
    """A Django ValidationError in DRF's shape: {field: [messages]}."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"non_field_errors": error.messages}


def _passage_from(actor, data: dict):
    """The passage of a claim or link: an existing one, or created from `passage_input`."""
    inline = data.pop("passage_input", None)
    if inline is None:
        return data.pop("passage")
    try:
        return services.passage_create(actor=actor, **inline)
    except DjangoValidationError as error:
        invalid = serializers.ValidationError({"passage_input": error.message_dict})
        invalid.extra = {"passage_input": getattr(error, "extra", {})}  # quote occurrences
        raise invalid from None


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
            passage = _passage_from(self.request.user, data)
            serializer.instance = services.evidence_link(
                actor=self.request.user, passage=passage, **data
            )


def _with_etag(claim: dict, code: int) -> Response:
    """A claim's answer, with the ETag that If-Match takes back: "<id>.<version>"."""
    response = Response(claim, status=code)
    response["ETag"] = f'"{claim["id"]}.{claim["version"]}"'
    return response


VERSIONED = extend_schema(
    parameters=[
        OpenApiParameter(
            "If-Match",
            location=OpenApiParameter.HEADER,
            required=False,
            description="The ETag of the claim you edited; a stale one answers 412.",
        )
    ]
)


@extend_schema_view(update=VERSIONED, partial_update=VERSIONED, destroy=VERSIONED)
class ClaimViewSet(ScopedViewSet):
    """Claims with their passage, grading, review state and evidence.

    POST a list (up to 1,000) to create many at once: all or nothing.
    Writes take the claim's `version` (or an `If-Match` ETag); a stale one is 412.
    """

    queryset = Claim.objects.all()
    serializer_class = s.ClaimSerializer
    update_serializer_class = s.ClaimUpdateSerializer
    filterset_class = filters.ClaimFilter
    ordering_fields = ["id", "created_at", "updated_at", "credibility", "status", "kind"]

    # -- reading --------------------------------------------------------------
    # Responses are built from rows (`claim_reads`), not by the serializer:
    # the same shape at a fraction of the cost (see that module).
    @cached_property
    def roles(self) -> dict:
        """The caller's roles, once per request: each claim says what they may do."""
        return services.roles_by_project(self.request.user)

    def represent(self, rows) -> list[dict]:
        return represent_claims(list(rows), user=self.request.user, roles=self.roles)

    def list(self, request, *args, **kwargs):
        rows = claim_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(self.represent(rows))
        return self.get_paginated_response(self.represent(page))

    def retrieve(self, request, *args, **kwargs):
        rows = claim_rows(self.filter_queryset(self.get_queryset()))
        return self._respond_row(get_object_or_404(rows, pk=kwargs["pk"]))

    def _respond(self, claim: Claim, code=status.HTTP_200_OK) -> Response:
        return self._respond_row(claim_rows(self.get_queryset()).get(pk=claim.pk), code)

    def _respond_row(self, row: dict, code=status.HTTP_200_OK) -> Response:
        return _with_etag(self.represent([row])[0], code)

    # -- creating ---------------------------------------------------------------
    @extend_schema(request=s.ClaimSerializer, responses={201: s.ClaimSerializer})
    def create(self, request, *args, **kwargs):
        if isinstance(request.data, list):
            return self._create_many(request.data)
        simple = s.claim_at_offsets(request.data)
        if simple is not None:
            created = services.claim_create_at_offsets(actor=request.user, **simple)
            if created is not None:
                claim, role = created
                roles = {claim.project_id: role}
                (data,) = represent_new_claims([(claim, [])], user=request.user, roles=roles)
                return _with_etag(data, status.HTTP_201_CREATED)
        # Anything else, or anything the fast path declined (it writes nothing then):
        # the serializer and claims_create, which explain what is wrong.
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = self._draft(dict(serializer.validated_data))
        try:
            created = services.claims_create(actor=request.user, drafts=[draft])
        except ItemsInvalid as error:
            raise error.errors[0] from None
        (data,) = self._represent_created(created, [draft])
        return _with_etag(data, status.HTTP_201_CREATED)

    def _draft(self, data: dict) -> services.ClaimDraft:
        """The claim to create: its span checked and its topics found (nothing written)."""
        data.pop("version", None)
        inline = data.pop("passage_input", None)
        if inline is None:
            passage = data.pop("passage")
        else:
            try:
                passage = services.span_resolve(**inline)
            except DjangoValidationError as error:
                invalid = serializers.ValidationError({"passage_input": error.message_dict})
                invalid.extra = {"passage_input": getattr(error, "extra", {})}  # occurrences
                raise invalid from None
        topics = self._topics(passage.document.project_id, data.pop("topics", None)) or []
        return services.ClaimDraft(passage=passage, topics=topics, **data)

    def _represent_created(self, claims: list[Claim], drafts: list) -> list[dict]:
        created = [
            (claim, [topic.name for topic in draft.topics])
            for claim, draft in zip(claims, drafts, strict=True)
        ]
        return represent_new_claims(created, user=self.request.user, roles=self.roles)

    def _topics(self, project_id: int, names: list[str] | None) -> list[Topic] | None:
        if names is None:
            return None
        found = {
            topic.name: topic
            for topic in Topic.objects.filter(project_id=project_id, name__in=names)
        }
        unknown = sorted(set(names) - set(found))
        if unknown:
            raise serializers.ValidationError(
                {"topics": [f"Unknown topic in this project: {name!r}." for name in unknown]}
            )
        return [found[name] for name in dict.fromkeys(names)]

    def _create_many(self, items: list) -> Response:
        """All or nothing; every invalid item is reported, by index, in one answer."""
        limit = settings.CLAIMDESK_MAX_BULK_CLAIMS
        if not 1 <= len(items) <= limit:
            raise serializers.ValidationError(
                {"non_field_errors": [f"Send between 1 and {limit} claims; got {len(items)}."]}
            )
        # One serializer validates every item: its fields are built once, and the
        # documents and passages the items name are looked up in one query each.
        serializer = self.get_serializer()
        objects = [item for item in items if isinstance(item, dict)]
        serializer.fields["passage_id"].preload(item.get("passage_id") for item in objects)
        inline = [item.get("passage_input") for item in objects]
        serializer.fields["passage_input"].fields["document"].preload(
            span.get("document") for span in inline if isinstance(span, dict)
        )
        errors, drafts = [], []
        for index, item in enumerate(items):
            try:
                drafts.append(self._draft(dict(serializer.run_validation(item))))
            except serializers.ValidationError as error:
                errors.append((index, error.detail))
        if not errors:
            try:
                created = services.claims_create(actor=self.request.user, drafts=drafts)
            except ItemsInvalid as error:
                errors = [(index, _detail(e)) for index, e in sorted(error.errors.items())]
        if errors:
            return self._bulk_errors(errors, len(items))
        data = self._represent_created(created, drafts)
        return Response(data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _bulk_errors(errors, total: int) -> Response:
        return Response(
            {
                "detail": f"{len(errors)} of {total} claims are invalid; none was created.",
                "errors": [{"index": index, "errors": detail} for index, detail in errors],
            },
            status=status.HTTP_400_BAD_REQUEST,
        )

    # -- changing -----------------------------------------------------------------
    def _expected_version(self, data: dict | None = None) -> int | None:
        """The version the client based its write on: If-Match and/or `version`."""
        versions = set()
        header = self.request.headers.get("If-Match", "").strip()
        if header and header != "*":
            claim_id = str(self.kwargs["pk"])
            for tag in (part.strip().removeprefix("W/").strip('"') for part in header.split(",")):
                pk, _, version = tag.partition(".")
                if pk != claim_id or not version.isdigit():
                    raise PreconditionFailed(f"If-Match {tag!r} is not an ETag of this claim.")
                versions.add(int(version))
        if data and data.get("version") is not None:
            versions.add(data["version"])
        if len(versions) > 1:
            raise PreconditionFailed("If-Match and version disagree.")
        return versions.pop() if versions else None

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        claim = self.get_object()
        serializer = self.get_serializer(claim, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = self._expected_version(data)
        data.pop("version", None)
        if "topics" in data:
            data["topics"] = self._topics(claim.project_id, data["topics"])
        claim = services.claim_update(
            actor=request.user, claim=claim, expected_version=expected, **data
        )
        return self._respond(claim)

    def destroy(self, request, *args, **kwargs):
        claim = self.get_object()
        services.claim_delete(
            actor=request.user, claim=claim, expected_version=self._expected_version()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    # -- review moves ----------------------------------------------------------------
    def _move(self, request, move: str) -> Response:
        claim = self.get_object()
        serializer = s.ReviewMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = services.claim_move(
            actor=request.user,
            claim=claim,
            move=move,
            note=serializer.validated_data["note"],
            expected_version=self._expected_version(serializer.validated_data),
        )
        return self._respond(claim)

    move_schema = extend_schema(
        request=s.ReviewMoveSerializer,
        responses={
            200: s.ClaimSerializer,
            409: OpenApiResponse(
                description="The move is not allowed from the claim's current status."
            ),
            412: OpenApiResponse(description="Stale version or If-Match."),
        },
    )

    @move_schema
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._move(request, "submit")

    @move_schema
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(request, "accept")

    @move_schema
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._move(request, "reject")

    @move_schema
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._move(request, "reopen")

    @extend_schema(responses=s.HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        claim = self.get_object()
        entries = claim.history.select_related("actor").order_by("at", "pk")
        return Response(s.HistoryEntrySerializer(entries, many=True).data)


# -- releases ---------------------------------------------------------------------


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


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs):
    raise NotFound("No such endpoint under /api/v1/.")
