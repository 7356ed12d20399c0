"""Claims: create (one or many), read, edit with versions, and the review moves."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ... import services
from ...exceptions import ItemsInvalid
from ...models import Claim, Topic
from ...selectors.claims import claims_complete, claims_for_api, claims_read, topics_named
from .. import filters
from .. import serializers as s
from ..preconditions import body_version, expected_version
from .base import ScopedViewSet, WithHistory, WithRoles, validation_detail


def _with_etag(claim: dict, code: int = status.HTTP_200_OK) -> Response:
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
class ClaimViewSet(WithRoles, WithHistory, ScopedViewSet):
    """Claims with their passage, grading, review state and evidence.

    POST a list (up to 1,000) to create many at once: all or nothing.
    Writes take the claim's `version` (or an `If-Match` ETag); a stale one is 412.
    GET {id}/history/ lists its changes (and its evidence's), newest first, paged.
    """

    queryset = Claim.objects.all()
    serializer_class = s.ClaimSerializer
    update_serializer_class = s.ClaimUpdateSerializer
    filterset_class = filters.ClaimFilter
    ordering_fields = ["id", "created_at", "updated_at", "credibility", "status", "kind"]
    precondition_required = True  # PUT/PATCH/DELETE without If-Match or version: 428

    # -- reading: one selector for lists, details and the answers to writes ---------
    def get_queryset(self):
        claims = super().get_queryset()
        return claims_for_api(claims) if self.action in ("list", "retrieve") else claims

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else claims_complete(page)

    def retrieve(self, request, *args, **kwargs):
        (claim,) = claims_complete([self.get_object()])
        return _with_etag(self.get_serializer(claim).data)

    def _represent(self, claims: list[Claim], serializer=None) -> list[dict]:
        """The claims a write just made or changed, read back as a GET shows them (by
        the serializer that validated the request, if any: its fields are built)."""
        serializer = serializer or s.ClaimSerializer(context=self.get_serializer_context())
        matched = {c.pk: c.quote_match for c in claims if hasattr(c, "quote_match")}
        read = claims_read(c.pk for c in claims)
        for claim in read:  # How a new claim's quote was found is not stored: carry it over.
            if claim.pk in matched:
                claim.quote_match = matched[claim.pk]
        return [serializer.to_representation(claim) for claim in read]

    def _respond(self, claim: Claim, code=status.HTTP_200_OK, serializer=None) -> Response:
        (data,) = self._represent([claim], serializer)
        return _with_etag(data, code)

    # -- creating ---------------------------------------------------------------
    @extend_schema(request=s.ClaimSerializer, responses={201: s.ClaimSerializer})
    def create(self, request, *args, **kwargs):
        if isinstance(request.data, list):
            return self._create_many(request.data)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = self._draft(dict(serializer.validated_data))
        try:
            (claim,) = services.claims_create(actor=request.user, drafts=[draft])
        except ItemsInvalid as error:
            raise error.errors[0] from None
        return self._respond(claim, status.HTTP_201_CREATED, serializer)

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
                invalid.extra = {"passage_input": getattr(error, "extra", {})}  # quote occurrences
                raise invalid from None
        topics = self._topics(passage.document.project_id, data.pop("topics", None)) or []
        return services.ClaimDraft(passage=passage, topics=topics, **data)

    def _topics(self, project_id: int, names: list[str] | None) -> list[Topic] | None:
        if names is None:
            return None
        found = topics_named(project_id, names)
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
                errors = [(i, validation_detail(e)) for i, e in sorted(error.errors.items())]
        if errors:
            return self._bulk_errors(errors, len(items))
        return Response(self._represent(created, serializer), status=status.HTTP_201_CREATED)

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
        """The version the client based its write on (required on PUT/PATCH/DELETE)."""
        required = self.request.method in ("PUT", "PATCH", "DELETE")
        return expected_version(self.request, self.kwargs["pk"], data, required=required)

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
        return self._respond(claim, serializer=serializer)

    def destroy(self, request, *args, **kwargs):
        claim = self.get_object()
        services.claim_delete(
            actor=request.user,
            claim=claim,
            expected_version=self._expected_version(body_version(request)),
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
