"""Releases and their files."""

from rest_framework import serializers

from ...choices import ClaimStatus, Credibility, ExportFormat, MinAgreement, Reliability
from ...models import Project, Release, ReleaseFile
from ..fields import ScopedPrimaryKeyRelatedField
from .base import UsernameField


class ReleaseFileSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = ReleaseFile
        fields = ["format", "filename", "size", "sha256", "data_files", "download"]
        read_only_fields = fields

    def get_download(self, file) -> str:
        request = self.context.get("request")
        path = f"/api/v1/releases/{file.release_id}/download/?format={file.format}"
        return request.build_absolute_uri(path) if request else path


# A background job's state (curation/models/jobs.py): polled until ready or failed.
JOB_FIELDS = [
    "status", "progress_done", "progress_total", "error", "attempts", "started_at",
    "finished_at",
]  # fmt: skip


class ReleaseSerializer(serializers.ModelSerializer):
    """A release; POST cuts one (owners). Filter fields are write-only inputs."""

    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    created_by = UsernameField(read_only=True)
    files = ReleaseFileSerializer(many=True, read_only=True)
    statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=ClaimStatus.choices),
        write_only=True,
        required=False,
        default=[ClaimStatus.ACCEPTED],
        max_length=4,
    )
    topics = serializers.ListField(
        child=serializers.CharField(max_length=100),
        write_only=True,
        required=False,
        default=list,
        max_length=100,
    )
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        write_only=True,
        required=False,
        default=list,
        max_length=10000,
    )
    min_credibility = serializers.ChoiceField(
        choices=Credibility.choices,
        write_only=True,
        required=False,
        allow_null=True,
        help_text="Keep claims graded this credibility or better (1 is best).",
    )
    min_source_reliability = serializers.ChoiceField(
        choices=Reliability.choices,
        write_only=True,
        required=False,
        allow_null=True,
        help_text="Keep claims whose source is graded this or better (A is best).",
    )
    min_agreement = serializers.ChoiceField(  # issue 15
        choices=MinAgreement.choices,
        write_only=True,
        required=False,
        allow_null=True,
        help_text="Keep claims whose independent assessments agreed (or were adjudicated).",
    )
    formats = serializers.ListField(
        child=serializers.ChoiceField(choices=ExportFormat.choices),
        write_only=True,
        required=False,
        default=list(ExportFormat.values),
        max_length=5,
    )

    class Meta:
        model = Release
        fields = [
            "id", "project", "version", "name", "description", "filter", "claim_count",
            "evidence_count", "document_count", "source_count", "created_by", "created_at",
            "files", "statuses", "topics", "documents", "min_credibility",
            "min_source_reliability", "min_agreement", "formats",
            *JOB_FIELDS,
        ]  # fmt: skip
        read_only_fields = [
            "version", "filter", "claim_count", "evidence_count", "document_count",
            "source_count", "created_at", *JOB_FIELDS,
        ]  # fmt: skip
