"""Assignments over the API (issue 14): `/api/v1/assignments/`.

Owners POST one (`document`, `annotator`, optional `reviewer`) or many
(`bulk/`: `documents` × `annotators`, round-robin or each to N people); the
annotator POSTs `start/` and `done/`, an owner `reopen/` (optionally `to`).
Moves take the assignment's `version` or an `If-Match` ETag (stale: 412); a move
the state does not allow answers 409; another project's assignment is a 404.
"""

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..choices import AssignmentState
from ..models import Assignment, Document
from ..selectors.assignments import assignments_listed
from ..services import assignments as service
from ..services.access import role_among
from .fields import ScopedPrimaryKeyRelatedField
from .filters import IdFilter
from .permissions import IsActiveUser
from .preconditions import body_version, expected_version
from .views.base import WithRoles

MOVE_ANSWERS = {
    403: OpenApiResponse(description="Not your assignment (start, done) or not an owner."),
    409: OpenApiResponse(description="The move is not allowed from the current state."),
    412: OpenApiResponse(description="Stale version or If-Match."),
}


class ClaimCountsSerializer(serializers.Serializer):
    draft = serializers.IntegerField(source="draft_count")
    submitted = serializers.IntegerField(source="submitted_count")
    accepted = serializers.IntegerField(source="accepted_count")
    rejected = serializers.IntegerField(source="rejected_count")


class AssignmentSerializer(serializers.ModelSerializer):
    document_title = serializers.CharField(source="document.title", read_only=True)
    annotator = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # Null when there is none, or the account was deleted.
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    assigned_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    claims = ClaimCountsSerializer(
        source="*", read_only=True, help_text="The annotator's claims on the document by status."
    )
    moves = serializers.SerializerMethodField(help_text="The moves you may make now.")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "uuid",
            "project",
            "document",
            "document_title",
            "annotator",
            "reviewer",
            "state",
            "version",
            "assigned_by",
            "claims",
            "moves",
            "created_at",
            "updated_at",
            "done_at",
        ]
        read_only_fields = fields

    def get_moves(self, assignment) -> list[str]:
        user = self.context["request"].user
        role = role_among(user, self.context["roles"], assignment.project_id)
        return service.allowed_assignment_moves(user, assignment, role)


def _people(names: list[str], field: str) -> list:
    """Usernames → active users. An unknown name gets the service's wording for a
    non-member, so the answer does not tell who has an account."""
    found = {
        user.get_username(): user
        for user in get_user_model().objects.filter(username__in=names, is_active=True)
    }
    missing = [name for name in dict.fromkeys(names) if name not in found]
    if missing:
        role = "reviewer" if field == "reviewer" else "annotator"
        raise serializers.ValidationError(
            {field: [f"{name!r} is not an active {role} of this project." for name in missing]}
        )
    return [found[name] for name in dict.fromkeys(names)]


class AssignmentCreateSerializer(serializers.Serializer):
    document = ScopedPrimaryKeyRelatedField(queryset=Document.objects.without_text())
    annotator = serializers.CharField(max_length=150, help_text="Username.")
    reviewer = serializers.CharField(
        max_length=150, required=False, allow_null=True, allow_blank=True, help_text="Username."
    )

    def validate(self, data):
        data["annotator"] = _people([data["annotator"]], "annotator")[0]
        reviewer = data.get("reviewer")
        data["reviewer"] = _people([reviewer], "reviewer")[0] if reviewer else None
        return data


class AssignmentBulkSerializer(serializers.Serializer):
    documents = ScopedPrimaryKeyRelatedField(
        queryset=Document.objects.without_text(), many=True, allow_empty=False
    )
    annotators = serializers.ListField(
        child=serializers.CharField(max_length=150), allow_empty=False, max_length=200
    )
    strategy = serializers.ChoiceField(
        choices=list(service.STRATEGIES.items()), default=service.ROUND_ROBIN
    )
    per_document = serializers.IntegerField(
        min_value=1, default=1, help_text="With each_to_n: how many people get each document."
    )
    reviewer = serializers.CharField(
        max_length=150, required=False, allow_null=True, allow_blank=True, help_text="Username."
    )

    def validate(self, data):
        data["annotators"] = _people(data["annotators"], "annotators")
        reviewer = data.get("reviewer")
        data["reviewer"] = _people([reviewer], "reviewer")[0] if reviewer else None
        return data


class AssignmentMoveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    version = serializers.IntegerField(required=False, min_value=1)


class AssignmentReopenSerializer(AssignmentMoveSerializer):
    to = serializers.ChoiceField(
        choices=[AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS],
        required=False,
        help_text="The state to go back to (default: one step back).",
    )


class AssignmentFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    document = IdFilter(field_name="document")
    user = filters.CharFilter(method="filter_user", label="Annotator's username, or `me`")
    reviewer = filters.CharFilter(field_name="reviewer__username")
    state = filters.MultipleChoiceFilter(choices=AssignmentState.choices, distinct=False)
    q = filters.CharFilter(field_name="document__title", lookup_expr="icontains")

    class Meta:
        model = Assignment
        fields = ["project", "document", "user", "reviewer", "state", "q"]

    def filter_user(self, queryset, name, value):
        if value == "me":
            return queryset.filter(annotator=self.request.user)
        key = Q(annotator__username=value)
        if value.isdigit() and len(value) < 19:
            key |= Q(annotator_id=int(value))
        return queryset.filter(key)


class AssignmentViewSet(
    WithRoles,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who works on which document, and how far they got."""

    queryset = Assignment.objects.all()
    serializer_class = AssignmentSerializer
    permission_classes = [IsActiveUser]
    filterset_class = AssignmentFilter
    ordering_fields = ["id", "created_at", "updated_at", "state"]

    def get_queryset(self):
        assignments = super().get_queryset().visible_to(self.request.user)
        if self.action in ("list", "retrieve"):
            assignments = assignments_listed(assignments)
        return assignments.order_by("id")

    def _respond(self, assignments: list[Assignment], code=status.HTTP_200_OK, many=False):
        fresh = assignments_listed(Assignment.objects.filter(pk__in=[a.pk for a in assignments]))
        data = self.get_serializer(fresh.order_by("id"), many=True).data
        response = Response(data if many else data[0], status=code)
        if not many:
            response["ETag"] = f'"{data[0]["id"]}.{data[0]["version"]}"'
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._respond([self.get_object()])

    @extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AssignmentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        assignment = service.assignment_create(actor=request.user, **serializer.validated_data)
        return self._respond([assignment], status.HTTP_201_CREATED)

    @extend_schema(
        request=AssignmentBulkSerializer, responses={201: AssignmentSerializer(many=True)}
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Owners: documents (of one project) × annotators; existing pairs are skipped."""
        serializer = AssignmentBulkSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        created = service.assignments_create(actor=request.user, **serializer.validated_data)
        return self._respond(created, status.HTTP_201_CREATED, many=True)

    def perform_destroy(self, instance):
        service.assignment_delete(actor=self.request.user, assignment=instance)

    def destroy(self, request, *args, **kwargs):
        body_version(request)  # a malformed body is a 400 like everywhere else
        return super().destroy(request, *args, **kwargs)

    def _move(self, request, move: str, serializer_class=AssignmentMoveSerializer) -> Response:
        assignment = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(request, self.kwargs["pk"], data, required=False)
        assignment = service.assignment_move(
            actor=request.user,
            assignment=assignment,
            move=move,
            to=data.get("to"),
            note=data["note"],
            expected_version=version,
        )
        return self._respond([assignment])

    MOVED = {200: AssignmentSerializer, **MOVE_ANSWERS}

    @extend_schema(request=AssignmentMoveSerializer, responses=MOVED)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """The annotator: assigned → in progress."""
        return self._move(request, "start")

    @extend_schema(request=AssignmentMoveSerializer, responses=MOVED)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """The annotator: in progress → done."""
        return self._move(request, "done")

    @extend_schema(request=AssignmentReopenSerializer, responses=MOVED)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """An owner: done → in progress (or `to` assigned); in progress → assigned."""
        return self._move(request, "reopen", AssignmentReopenSerializer)
