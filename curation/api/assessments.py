"""Assessments and adjudications over the API (issue 15).

`/api/v1/assessments/`: each member's independent judgement of a claim, blind
(`AssessmentQuerySet.visible_to`). POST submits the caller's assessment of a
claim they were asked to assess; PATCH corrects it while nobody else's could
have been seen; owners reassign pending ones.

`/api/v1/adjudications/`: rounds whose assessors disagreed (the queue) or that
were adjudicated; POST `{id}/settle/` sets the final values with a note.
"""

import django_filters as filters
from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..choices import AssessmentStatus, ClaimKind, RoundState, Stance
from ..models import AssessedStance, Assessment, AssessmentRound, Claim
from ..services import assessments as service
from .fields import ScopedPrimaryKeyRelatedField
from .filters import IdFilter
from .permissions import IsActiveUser
from .serializers.base import UsernameField

CONFLICT = OpenApiResponse(description="The round's state does not allow this (see `status`).")


class StanceSerializer(serializers.Serializer):
    evidence = serializers.IntegerField(help_text="An evidence link of the claim.")
    stance = serializers.CharField(help_text=f"One of {', '.join(Stance.values)}.")


class AssessedStanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessedStance
        fields = ["evidence", "stance"]


class AssessmentSerializer(serializers.ModelSerializer):
    assessor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    round = serializers.IntegerField(source="round.number", read_only=True)
    round_state = serializers.CharField(source="round.state", read_only=True)
    stances = AssessedStanceSerializer(many=True, read_only=True)
    kind = serializers.ChoiceField(
        choices=ClaimKind.choices,
        read_only=True,
        allow_blank=True,
        help_text="Empty until submitted.",
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "uuid",
            "project",
            "claim",
            "round",
            "round_state",
            "assessor",
            "status",
            "credibility",
            "kind",
            "stances",
            "note",
            "created_at",
            "submitted_at",
            "updated_at",
        ]
        read_only_fields = fields


class AssessmentSubmitSerializer(serializers.Serializer):
    """The values are checked against the scales by the service (400 with the field)."""

    claim = ScopedPrimaryKeyRelatedField(queryset=Claim.objects.all())
    credibility = serializers.IntegerField(help_text="1 (confirmed) to 6 (cannot be judged).")
    kind = serializers.CharField(help_text=f"One of {', '.join(ClaimKind.values)}.")
    stances = StanceSerializer(many=True, required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentUpdateSerializer(serializers.Serializer):
    credibility = serializers.IntegerField(required=False)
    kind = serializers.CharField(required=False)
    stances = StanceSerializer(many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class ReassignSerializer(serializers.Serializer):
    assessor = UsernameField()


class AssessmentFilter(filters.FilterSet):
    claim = IdFilter(field_name="claim")
    project = IdFilter(field_name="project")
    assessor = filters.CharFilter(method="filter_assessor", label="Username (or id)")
    status = filters.MultipleChoiceFilter(choices=AssessmentStatus.choices, distinct=False)
    round_state = filters.MultipleChoiceFilter(
        field_name="round__state", choices=RoundState.choices, distinct=False
    )
    q = filters.CharFilter(field_name="claim__statement", lookup_expr="icontains")

    class Meta:
        model = Assessment
        fields = ["claim", "project", "assessor", "status", "round_state", "q"]

    def filter_assessor(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assessor=self.request.user)
        key = Q(assessor__username=value)
        if value.isdigit() and len(value) < 19:
            key |= Q(assessor_id=int(value))
        return queryset.filter(key)


def _assessments():
    return Assessment.objects.select_related("assessor", "round").prefetch_related("stances")


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Independent assessments, blind until you submitted your own."""

    queryset = _assessments()
    serializer_class = AssessmentSerializer
    permission_classes = [IsActiveUser]
    filterset_class = AssessmentFilter
    ordering_fields = ["id", "created_at", "submitted_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user).order_by("id")

    def get_serializer_class(self):
        if self.action == "create":
            return AssessmentSubmitSerializer
        if self.action == "partial_update":
            return AssessmentUpdateSerializer
        return super().get_serializer_class()

    def _respond(self, assessment, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(AssessmentSerializer(fresh).data, status=code)

    @extend_schema(
        request=AssessmentSubmitSerializer,
        responses={
            201: AssessmentSerializer,
            403: OpenApiResponse(description="You were not asked to assess this claim."),
            409: OpenApiResponse(description="Already submitted, or the round is closed."),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = AssessmentSubmitSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        assessment = service.assessment_submit(actor=request.user, **serializer.validated_data)
        return self._respond(assessment, status.HTTP_201_CREATED)

    @extend_schema(
        request=AssessmentUpdateSerializer, responses={200: AssessmentSerializer, 409: CONFLICT}
    )
    def partial_update(self, request, *args, **kwargs):
        assessment = self.get_object()
        serializer = AssessmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = service.assessment_update(
            actor=request.user, assessment=assessment, **serializer.validated_data
        )
        return self._respond(assessment)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(
                {"detail": "Use PATCH to correct an assessment."},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=ReassignSerializer, responses={200: AssessmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """Owners: ask another eligible member instead (pending assessments only)."""
        assessment = self.get_object()
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = service.assessment_reassign(
            actor=request.user, assessment=assessment, **serializer.validated_data
        )
        return self._respond(assessment)


# -- adjudication -------------------------------------------------------------------


class AdjudicationSerializer(serializers.ModelSerializer):
    """A round that needed (or got) adjudication, with its assessments side by side."""

    claim_statement = serializers.CharField(source="claim.statement", read_only=True)
    adjudicator = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    kind = serializers.ChoiceField(
        choices=ClaimKind.choices,
        read_only=True,
        allow_blank=True,
        help_text="Empty until settled.",
    )
    assessments = AssessmentSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentRound
        fields = [
            "id",
            "uuid",
            "project",
            "claim",
            "claim_statement",
            "number",
            "state",
            "required",
            "credibility",
            "kind",
            "adjudicator",
            "note",
            "assessments",
            "created_at",
            "settled_at",
        ]
        read_only_fields = fields


class SettleSerializer(serializers.Serializer):
    credibility = serializers.IntegerField()
    kind = serializers.CharField()
    stances = StanceSerializer(many=True, required=False, default=list)
    note = serializers.CharField(help_text="Why these values: required.", allow_blank=True)


class AdjudicationFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    claim = IdFilter(field_name="claim")
    state = filters.MultipleChoiceFilter(
        choices=[(s, RoundState(s).label) for s in (RoundState.DISPUTED, RoundState.ADJUDICATED)],
        distinct=False,
    )
    q = filters.CharFilter(field_name="claim__statement", lookup_expr="icontains")

    class Meta:
        model = AssessmentRound
        fields = ["project", "claim", "state", "q"]


class AdjudicationViewSet(viewsets.ReadOnlyModelViewSet):
    """The adjudication queue: `?state=disputed` waits for a reviewer who did not assess."""

    serializer_class = AdjudicationSerializer
    permission_classes = [IsActiveUser]
    filterset_class = AdjudicationFilter
    ordering_fields = ["id", "created_at", "settled_at"]
    # Only rounds that are no longer open: their assessments are no longer blind.
    queryset = (
        AssessmentRound.objects.filter(state__in=[RoundState.DISPUTED, RoundState.ADJUDICATED])
        .select_related("claim", "adjudicator")
        .prefetch_related(
            Prefetch(
                "assessments",
                Assessment.objects.select_related("assessor", "round")
                .prefetch_related("stances")
                .order_by("assessor__username"),
            )
        )
    )

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user).order_by("created_at", "id")

    @extend_schema(
        request=SettleSerializer,
        responses={
            200: AdjudicationSerializer,
            403: OpenApiResponse(description="Not a reviewer, or one of its assessors."),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        round_ = self.get_object()
        serializer = SettleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service.round_adjudicate(actor=request.user, round=round_, **serializer.validated_data)
        fresh = self.get_queryset().get(pk=round_.pk)
        return Response(AdjudicationSerializer(fresh).data)


__all__ = ["AdjudicationViewSet", "AssessmentViewSet"]
