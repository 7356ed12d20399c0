"""`GET /api/v1/projects/{id}/stats/`: the project dashboard's figures (issue 14).

The same selector feeds the admin dashboard, so the page and the API agree.
The serializers below describe the answer for the schema; the figures are
already plain numbers and strings.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Project
from ..selectors.dashboard import PERIODS, project_stats
from .permissions import IsActiveUser


class StatsQuery(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(PERIODS), default="week", required=False)


class _Flow(serializers.Serializer):
    period = serializers.DateField(help_text="First day of the day or week.")
    open = serializers.IntegerField(help_text="Draft or submitted at the period's end.")
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()


class _Backlog(serializers.Serializer):
    submitted = serializers.IntegerField()
    oldest_submitted_at = serializers.DateTimeField(allow_null=True)
    oldest_age_days = serializers.IntegerField(allow_null=True)


class _AnnotatorWeeks(serializers.Serializer):
    username = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class _Throughput(serializers.Serializer):
    weeks = serializers.ListField(child=serializers.DateField())
    annotators = _AnnotatorWeeks(many=True)


class _AssignmentCounts(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="Not started.")
    in_progress = serializers.IntegerField()
    done = serializers.IntegerField()


class _AnnotatorAssignments(_AssignmentCounts):
    username = serializers.CharField()


class _Assignments(serializers.Serializer):
    total = _AssignmentCounts()
    annotators = _AnnotatorAssignments(many=True)


class _Grades(serializers.Serializer):
    reliability = serializers.ListField(child=serializers.CharField(), help_text="Rows, A–F.")
    credibility = serializers.ListField(child=serializers.IntegerField(), help_text="Columns.")
    counts = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Claims per reliability (row) × credibility (column); no source is F.",
    )


class _Stances(serializers.Serializer):
    topic = serializers.CharField()
    supports = serializers.IntegerField()
    refutes = serializers.IntegerField()
    qualifies = serializers.IntegerField()
    total = serializers.IntegerField()


class _Rates(serializers.Serializer):
    username = serializers.CharField()
    claims = serializers.IntegerField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    acceptance_rate = serializers.FloatField(allow_null=True)
    rejection_rate = serializers.FloatField(allow_null=True)


class ProjectStatsSerializer(serializers.Serializer):
    project = serializers.DictField()
    period = serializers.ChoiceField(choices=list(PERIODS))
    totals = serializers.DictField(child=serializers.IntegerField(), help_text="Per status.")
    backlog = _Backlog()
    status_over_time = _Flow(many=True)
    throughput = _Throughput()
    assignments = _Assignments()
    grades = _Grades()
    stances = _Stances(many=True)
    annotators = _Rates(many=True)


class ProjectStatsView(APIView):
    """Where the project stands: claims by status over time, throughput per
    annotator, assignments, the review backlog, the grade heatmap, stance balance
    per topic and acceptance rates. Any member may read it."""

    permission_classes = [IsActiveUser]

    @extend_schema(
        operation_id="projects_stats",
        parameters=[
            OpenApiParameter(
                "period", str, enum=list(PERIODS), description="Claims over time by day or week."
            )
        ],
        responses={
            200: ProjectStatsSerializer,
            400: OpenApiResponse(description="A bad `period`."),
            404: OpenApiResponse(description="No such project (or not yours)."),
        },
    )
    def get(self, request, pk: int):
        project = Project.objects.visible_to(request.user).filter(pk=pk).first()
        if project is None:
            raise NotFound("No such project.")
        query = StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(project_stats(project, period=query.validated_data["period"]))
