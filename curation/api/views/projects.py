"""Projects, their members, sources and topics."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from ... import services
from ...choices import Role
from ...models import Membership, Project, Source, Topic
from .. import filters
from .. import serializers as s
from .base import ScopedViewSet, WithHistory, WithRoles


class ProjectViewSet(WithRoles, ScopedViewSet):
    queryset = Project.objects.order_by("id")
    serializer_class = s.ProjectSerializer
    filterset_class = filters.ProjectFilter
    ordering_fields = ["id", "name", "slug", "created_at"]
    create_service = staticmethod(services.project_create)
    update_service = staticmethod(services.project_update)
    delete_service = staticmethod(services.project_delete)
    service_argument = "project"


class MembershipViewSet(ScopedViewSet):
    queryset = Membership.objects.with_related()
    serializer_class = s.MembershipSerializer
    update_serializer_class = s.MembershipUpdateSerializer
    filterset_class = filters.MembershipFilter
    ordering_fields = ["id", "role", "created_at"]

    def create(self, request, *args, **kwargs):
        # Whether the caller may add members is settled before the username is
        # looked up: else 403 (exists) and 400 (no such user) tell who has an account.
        project_field = self.get_serializer().fields["project"]
        raw = request.data.get("project") if hasattr(request.data, "get") else None
        try:
            project = project_field.run_validation(raw)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"project": error.detail}) from None
        services.require_role(request.user, project, Role.OWNER)
        return super().create(request, *args, **kwargs)

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


class SourceViewSet(WithHistory, ScopedViewSet):
    """Sources with their reliability grade; GET {id}/history/ shows its regradings."""

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

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "confirm", bool, description="Delete a topic that claims use (else 409)."
            )
        ]
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        confirm = self.request.query_params.get("confirm", "").lower() in {"1", "true", "yes"}
        services.topic_delete(actor=self.request.user, topic=instance, confirm=confirm)
