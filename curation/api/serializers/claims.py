"""Claims, their evidence and history."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...choices import ClaimKind, Credibility, Stance
from ...models import Claim, EvidenceLink, HistoryEntry, Passage
from ...services.review import claim_permissions
from ..fields import ScopedPrimaryKeyRelatedField
from .base import FrozenOnUpdate, UsernameField
from .documents import InlinePassageSerializer, PassageRefSerializer


class EvidenceInClaimSerializer(serializers.ModelSerializer):
    passage = PassageRefSerializer(read_only=True)
    author = UsernameField(read_only=True)

    class Meta:
        model = EvidenceLink
        fields = ["id", "stance", "note", "passage", "author", "created_at"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    """Link a passage (by id, or `passage_input` to create it) to a claim."""

    claim = ScopedPrimaryKeyRelatedField(queryset=Claim.objects.all())
    passage = ScopedPrimaryKeyRelatedField(queryset=Passage.objects.all(), required=False)
    passage_input = InlinePassageSerializer(required=False, write_only=True)
    passage_detail = PassageRefSerializer(source="passage", read_only=True)
    author = UsernameField(read_only=True)
    stance = serializers.ChoiceField(choices=Stance.choices)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Send the version you edited: a stale one answers 412 (so does If-Match).",
    )

    class Meta:
        model = EvidenceLink
        fields = [
            "id",
            "claim",
            "passage",
            "passage_input",
            "passage_detail",
            "stance",
            "note",
            "author",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # uniqueness: the service answers (one query, no race)

    def validate(self, attrs):
        if self.instance is None and ("passage" in attrs) == ("passage_input" in attrs):
            raise serializers.ValidationError(
                {"passage": "Give an existing `passage` id or a `passage_input`, not both."}
            )
        return attrs


class EvidenceUpdateSerializer(FrozenOnUpdate, EvidenceSerializer):
    frozen_fields = ("claim", "passage", "passage_input")


class TopicNamesField(serializers.ListField):
    child = serializers.CharField(max_length=100)

    def to_representation(self, topics):
        # By code point: the same order whatever the database's collation.
        return sorted(topic.name for topic in topics.all())


@extend_schema_field(OpenApiTypes.STR)
class GradeField(serializers.ReadOnlyField):
    pass


class ClaimPermissionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    moves = serializers.ListField(child=serializers.CharField())


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as analysts read it: passage, grading, review and evidence together."""

    passage = PassageRefSerializer(read_only=True)
    # Any visible passage resolves; whether the caller may annotate is the
    # service's answer (403), not a misleading "Invalid pk".
    passage_id = ScopedPrimaryKeyRelatedField(
        source="passage",
        # What the new claim's representation shows, without the document's text.
        queryset=Passage.objects.select_related("document__source").defer("document__text"),
        required=False,
        write_only=True,
    )
    passage_input = InlinePassageSerializer(required=False, write_only=True)
    statement = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    kind = serializers.ChoiceField(choices=ClaimKind.choices, required=False)
    credibility = serializers.ChoiceField(choices=Credibility.choices, required=False)
    topics = TopicNamesField(required=False, max_length=50)
    source_reliability = GradeField()
    grade = GradeField()
    reviewer = UsernameField(read_only=True)
    author = UsernameField(read_only=True)
    evidence = EvidenceInClaimSerializer(many=True, read_only=True)
    permissions = serializers.SerializerMethodField(
        help_text="What the caller may do with this claim now: edit, and which review moves."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Send the version you edited: a stale one answers 412 (so does If-Match).",
    )
    quote_match = serializers.SerializerMethodField(
        help_text='In the answer to a create with `passage_input`: "loose" when its quote '
        "matched only with typographic quotes, dashes or spaces read as plain ones, else "
        '"exact"; null otherwise.'
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "uuid",
            "project",
            "passage",
            "passage_id",
            "passage_input",
            "statement",
            "kind",
            "attributed_to",
            "topics",
            "credibility",
            "source_reliability",
            "grade",
            "status",
            "reviewer",
            "review_note",
            "reviewed_at",
            "version",
            "author",
            "created_at",
            "updated_at",
            "evidence",
            "permissions",
            "quote_match",
        ]
        read_only_fields = [
            "uuid",
            "project",
            "status",
            "review_note",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        if self.instance is None and ("passage" in attrs) == ("passage_input" in attrs):
            raise serializers.ValidationError(
                {"passage_id": "Give an existing `passage_id` or a `passage_input`, not both."}
            )
        return attrs

    def get_quote_match(self, claim) -> str | None:
        return getattr(claim, "quote_match", None)

    @extend_schema_field(ClaimPermissionsSerializer)
    def get_permissions(self, claim) -> dict:
        # Roles come from the view's context (one query per request), so no per-row query.
        request = self.context.get("request")
        roles = self.context.get("roles")
        if request is None or roles is None:
            return {"edit": False, "moves": []}
        return claim_permissions(request.user, claim, roles)


class ClaimUpdateSerializer(ClaimSerializer):
    class Meta(ClaimSerializer.Meta):
        read_only_fields = [*ClaimSerializer.Meta.read_only_fields]

    def get_fields(self):
        fields = super().get_fields()
        # The passage of an existing claim never changes (the span is its identity).
        fields.pop("passage_id")
        fields.pop("passage_input")
        return fields


class ReviewMoveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    version = serializers.IntegerField(required=False, min_value=1)


class HistoryEntrySerializer(serializers.ModelSerializer):
    actor = UsernameField(read_only=True)

    class Meta:
        model = HistoryEntry
        fields = ["id", "at", "actor", "action", "object_type", "object_repr", "changes", "note"]
        read_only_fields = fields
