"""Comments and notifications over the API (issue 14, parts 3 and 4).

`/api/v1/comments/`: the discussion of claims the caller can see. POST comments
(or replies, with `parent`); PATCH rewrites one's own body (If-Match or `version`
required); POST `{id}/retract/` withdraws it. A comment is never deleted: DELETE
and PUT answer 405, and the claim's history keeps every wording.

`/api/v1/notifications/`: the caller's own, newest first; `?unread=true`;
POST `{id}/read/` and POST `read-all/` mark them read.
"""

import django_filters as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..choices import NotificationKind
from ..models import Claim, Comment, Notification
from ..selectors.comments import comment_counts, comments_for, notifications_for
from ..services import comments as service
from ..services.notifications import notification_read, notifications_read_all
from .fields import ScopedPrimaryKeyRelatedField
from .filters import FALSE_VALUES, MAX_ID, TRUE_VALUES, IdFilter
from .permissions import IsActiveUser
from .preconditions import expected_version


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    mentions = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    retracted = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "uuid",
            "project",
            "claim",
            "parent",
            "author",
            "body",
            "mentions",
            "version",
            "created_at",
            "edited_at",
            "retracted",
            "retracted_at",
        ]
        read_only_fields = fields

    def get_retracted(self, comment) -> bool:
        return comment.retracted_at is not None


class CommentCreateSerializer(serializers.Serializer):
    """Emptiness and length are the service's to check (400 naming `body`)."""

    claim = ScopedPrimaryKeyRelatedField(queryset=Claim.objects.all())
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True, default=None
    )
    body = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Text, at most {Comment.MAX_LENGTH} characters; `@username` mentions a member.",
    )


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    version = serializers.IntegerField(required=False, min_value=1)


class RetractSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CountsQuerySerializer(serializers.Serializer):
    claim = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=1000,
        help_text="Claim ids (repeat the parameter).",
    )


class CountsSerializer(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="{claim id: comments}; absent means none."
    )


class CommentFilter(filters.FilterSet):
    claim = IdFilter(field_name="claim")
    project = IdFilter(field_name="project")
    parent = IdFilter(field_name="parent")
    author = filters.CharFilter(field_name="author__username")

    class Meta:
        model = Comment
        fields = ["claim", "project", "parent", "author"]


def _etagged(response: Response) -> Response:
    response["ETag"] = f'"{response.data["id"]}.{response.data["version"]}"'
    return response


class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Comments on claims. DELETE answers 405: retract instead (the row and its
    history stay)."""

    queryset = Comment.objects.all()
    serializer_class = CommentSerializer
    permission_classes = [IsActiveUser]
    filterset_class = CommentFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]  # a discussion reads oldest first
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return comments_for(self.request.user)

    def _respond(self, comment, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=comment.pk)
        return _etagged(Response(CommentSerializer(fresh).data, status=code))

    def retrieve(self, request, *args, **kwargs):
        return _etagged(super().retrieve(request, *args, **kwargs))

    @extend_schema(
        request=CommentCreateSerializer,
        responses={
            201: CommentSerializer,
            403: OpenApiResponse(description="Viewers may not comment in this project."),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = CommentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        comment = service.comment_create(actor=request.user, **serializer.validated_data)
        return self._respond(comment, status.HTTP_201_CREATED)

    @extend_schema(
        request=CommentEditSerializer,
        responses={
            200: CommentSerializer,
            403: OpenApiResponse(description="Only its author may edit a comment."),
            412: OpenApiResponse(description="The comment changed since that version."),
            428: OpenApiResponse(description="Send If-Match or `version`."),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        serializer = CommentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, comment.pk, data, required=True)
        comment = service.comment_edit(
            actor=request.user, comment=comment, body=data["body"], expected_version=expected
        )
        return self._respond(comment)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(
                {"detail": "Use PATCH to edit a comment's body."},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        request=RetractSerializer,
        responses={
            200: CommentSerializer,
            403: OpenApiResponse(description="Only its author may retract a comment."),
        },
    )
    @action(detail=True, methods=["post"])
    def retract(self, request, pk=None):
        """Withdraw your comment: its body is emptied here, the history keeps it."""
        comment = self.get_object()
        serializer = RetractSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expected = expected_version(request, comment.pk, data, required=False)
        comment = service.comment_retract(
            actor=request.user, comment=comment, expected_version=expected, note=data["note"]
        )
        return self._respond(comment)

    @extend_schema(
        parameters=[CountsQuerySerializer],
        responses={200: CountsSerializer},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def counts(self, request):
        """Comments (not retracted) per claim, for a page of claims: `?claim=1&claim=2`."""
        query = CountsQuerySerializer(data={"claim": request.query_params.getlist("claim")})
        query.is_valid(raise_exception=True)
        counts = comment_counts(request.user, query.validated_data["claim"])
        return Response({"counts": {str(key): value for key, value in counts.items()}})


class NotificationSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "project",
            "actor",
            "claim",
            "comment",
            "release",
            "text",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


class NotificationFilter(filters.FilterSet):
    unread = filters.ChoiceFilter(
        choices=[(value, value) for value in (*TRUE_VALUES, *FALSE_VALUES)],
        method="filter_unread",
        label="true / false (also 1 / 0, yes / no)",
    )
    kind = filters.MultipleChoiceFilter(choices=NotificationKind.choices, distinct=False)
    project = IdFilter(field_name="project")
    claim = IdFilter(field_name="claim")

    class Meta:
        model = Notification
        fields = ["unread", "kind", "project", "claim"]

    def filter_unread(self, queryset, name, value):
        if value in TRUE_VALUES:
            return queryset.filter(read_at__isnull=True)
        return queryset.filter(read_at__isnull=False)


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread.")


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your notifications only (another user's answers 404), newest first."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    permission_classes = [IsActiveUser]
    filterset_class = NotificationFilter
    ordering_fields = ["id", "created_at"]

    def get_queryset(self):
        return notifications_for(self.request.user)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark this notification read."""
        notification = notification_read(actor=request.user, notification=self.get_object())
        return Response(NotificationSerializer(self.get_queryset().get(pk=notification.pk)).data)

    @extend_schema(request=None, responses={200: ReadAllSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark all your unread notifications read."""
        return Response({"marked": notifications_read_all(actor=request.user)})
