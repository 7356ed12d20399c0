"""Projects, their members, sources and topics."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...choices import Role
from ...models import Membership, Project, Source, Topic
from ..fields import ScopedPrimaryKeyRelatedField
from .base import FrozenOnUpdate, UsernameField


class ProjectSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="The caller's role in the project.")

    class Meta:
        model = Project
        fields = ["id", "slug", "name", "description", "guidelines", "role", "created_at"]
        fields += ["assessments_per_claim", "assessor_pool", "credibility_tolerance"]  # issue 15
        fields += ["four_eyes", "annotate_unassigned", "viewers_may_comment"]  # issue 14
        read_only_fields = ["created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_role(self, project) -> str | None:
        # Filled by the view from one query for the whole page.
        return self.context.get("roles", {}).get(project.pk)


class MembershipSerializer(serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    user = UsernameField()

    class Meta:
        model = Membership
        fields = ["id", "project", "user", "role", "created_at"]
        read_only_fields = ["created_at"]


class MembershipUpdateSerializer(FrozenOnUpdate, MembershipSerializer):
    frozen_fields = ("project", "user")


class SourceSerializer(serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    document_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "project",
            "name",
            "kind",
            "url",
            "reliability",
            "reliability_rationale",
            "document_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class SourceUpdateSerializer(FrozenOnUpdate, SourceSerializer):
    frozen_fields = ("project",)


class TopicSerializer(serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    claim_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "project", "name", "description", "claim_count"]


class TopicUpdateSerializer(FrozenOnUpdate, TopicSerializer):
    frozen_fields = ("project",)
