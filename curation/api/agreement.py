"""`GET /api/v1/projects/{id}/agreement/` and its CSV matrix (issue 15)."""

import csv

from django import forms
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Project, Topic
from ..selectors.agreement import AgreementFilter, matrix_csv_rows, project_agreement
from .filters import MAX_ID
from .permissions import IsActiveUser


class AgreementQuery(forms.Form):
    """The filters, checked: a bad value is a 400 naming the parameter."""

    topic = forms.CharField(required=False, help_text="Topic name or id.")
    document = forms.CharField(required=False, help_text="Document ids, comma-separated.")
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)

    def clean_document(self):
        raw = self.cleaned_data["document"]
        ids = [part.strip() for part in raw.split(",") if part.strip()]
        if not all(part.isdigit() and 0 < int(part) <= MAX_ID for part in ids):
            raise forms.ValidationError("Give document ids, comma-separated.")
        return tuple(sorted({int(part) for part in ids}))

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError({"until": "until is before since."})
        return data


def agreement_filter(project: Project, params) -> AgreementFilter:
    """The query's filters for this project, or a 400 that says which one is wrong."""
    query = AgreementQuery(data={key: params.get(key, "") for key in AgreementQuery.base_fields})
    if not query.is_valid():
        raise serializers.ValidationError(
            {field: [str(message) for message in errors] for field, errors in query.errors.items()}
        )
    data = query.cleaned_data
    topic = None
    if data["topic"]:
        name = data["topic"]
        by_id = name.isdigit() and len(name) < 19
        key = {"pk": int(name)} if by_id else {"name": name}
        match = Topic.objects.filter(project=project, **key)
        topic = match.values_list("pk", flat=True).first()
        if topic is None:
            raise serializers.ValidationError({"topic": [f"No topic {name!r} in this project."]})
    return AgreementFilter(
        topic=topic, documents=data["document"], since=data["since"], until=data["until"]
    )


FILTER_PARAMETERS = [
    OpenApiParameter("topic", str, description="Topic name or id."),
    OpenApiParameter("document", str, description="Document ids, comma-separated."),
    OpenApiParameter("since", OpenApiTypes.DATE, description="Assessed on or after."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Assessed on or before."),
]


def _project(request, pk) -> Project:
    project = Project.objects.visible_to(request.user).filter(pk=pk).first()
    if project is None:
        raise NotFound("No such project.")
    return project


class AgreementView(APIView):
    """Krippendorff's α (ordinal credibility, nominal kind and stance) with n and a
    bootstrap 95 % interval, the pairwise matrix, span agreement and α by month.

    Only rounds whose assessments are all in count: open ones are still blind.
    """

    permission_classes = [IsActiveUser]

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(description="No such project.")},
    )
    def get(self, request, pk: int):
        project = _project(request, pk)
        return Response(project_agreement(project, agreement_filter(project, request.query_params)))


class _Echo:
    def write(self, value):
        return value


class AgreementMatrixView(APIView):
    """The assessment matrix behind the figures, as CSV (one row per assessment)."""

    permission_classes = [IsActiveUser]

    @extend_schema(parameters=FILTER_PARAMETERS, responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, pk: int):
        project = _project(request, pk)
        filters = agreement_filter(project, request.query_params)
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in matrix_csv_rows(project.pk, filters)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{project.slug}-assessments.csv"'
        return response
