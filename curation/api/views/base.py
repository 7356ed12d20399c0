"""What every viewset shares: scoped querysets, writes through services, 404s."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.functional import SimpleLazyObject
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

from ...selectors.access import roles_by_project
from ...selectors.history import history_of
from ...services import passage_create
from ..pagination import HistoryPagination
from ..permissions import IsActiveUser
from ..serializers import HistoryEntrySerializer


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


class WithRoles:
    """Puts the caller's role per project in the serializer context: one query per
    request, made when the answer is built (after a create, so a new project's
    owner is in it)."""

    def get_serializer_context(self):
        user = self.request.user
        return {
            **super().get_serializer_context(),
            "roles": SimpleLazyObject(lambda: roles_by_project(user)),
        }


class WithHistory:
    """GET {id}/history/: the object's change history, the one the admin's History
    page shows (newest first), paged like every list. No filters or ordering
    parameters: the resource's own would name fields a history entry lacks."""

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(
        detail=True,
        methods=["get"],
        pagination_class=HistoryPagination,
        filter_backends=[],
        filterset_class=None,
    )
    def history(self, request, pk=None):
        """Who changed this object, when, what (`changes`: {field: [old, new]}) and why."""
        # The paginator itself, not self.paginate_queryset: a viewset's override of
        # that completes its own rows (claims_complete), which history entries are not.
        page = self.paginator.paginate_queryset(history_of(self.get_object()), request, view=self)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


def validation_detail(error: DjangoValidationError) -> dict:
    """A Django ValidationError in DRF's shape: {field: [messages]}."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"non_field_errors": error.messages}


def passage_from(actor, data: dict):
    """The passage of a claim or link: an existing one, or created from `passage_input`."""
    inline = data.pop("passage_input", None)
    if inline is None:
        return data.pop("passage")
    try:
        return passage_create(actor=actor, **inline)
    except DjangoValidationError as error:
        invalid = serializers.ValidationError({"passage_input": error.message_dict})
        invalid.extra = {"passage_input": getattr(error, "extra", {})}  # quote occurrences
        raise invalid from None


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs):
    raise NotFound("No such endpoint under /api/v1/.")
