"""Representations and input validation; every rule is in curation.services."""

import re

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import ClaimKind, ClaimStatus, Credibility, ExportFormat, Reliability, Role, Stance
from ..models import (
    Claim,
    Document,
    EvidenceLink,
    HistoryEntry,
    Membership,
    Passage,
    Project,
    Release,
    ReleaseFile,
    Source,
    Topic,
)
from ..services import claim_permissions
from .fields import ScopedPrimaryKeyRelatedField

User = get_user_model()


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        if kwargs.get("read_only"):
            # Reviewers are unset until a decision, and deleted users leave null.
            kwargs.setdefault("allow_null", True)
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)


class FrozenOnUpdate:
    """Fields an existing object keeps (its project, its user…) are read-only on update.

    DRF ignores Meta.read_only_fields for explicitly declared fields, so they are
    frozen here instead: a PUT of the unchanged representation succeeds, and a
    changed value is ignored rather than required.
    """

    frozen_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        for name in self.frozen_fields:
            if name in fields:
                fields[name].read_only = True
                fields[name].required = False
        return fields


# -- projects -------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="The caller's role in the project.")

    class Meta:
        model = Project
        fields = ["id", "slug", "name", "description", "guidelines", "role", "created_at"]
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


# -- documents ---------------------------------------------------------------


DOCUMENT_FIELDS = [
    "id",
    "project",
    "source",
    "title",
    "authors",
    "published_on",
    "published",
    "container",
    "url",
    "doi",
    "language",
    "boilerplate_share",
    "sha256",
    "length",
    "metadata",
    "imported_from",
    "created_at",
    "updated_at",
]


class DocumentListSerializer(serializers.ModelSerializer):
    """Documents without their text (lists stay light however long the texts)."""

    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    source = ScopedPrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, allow_null=True
    )
    # A method, not CharField(source="source.reliability", default=None): DRF skips a
    # defaulted read-only field in PATCH answers, which then lacked it (the schema says
    # required; found by schemathesis once issue 17 added fields).
    source_reliability = serializers.SerializerMethodField()
    passage_count = serializers.IntegerField(read_only=True)
    claim_count = serializers.IntegerField(read_only=True)
    boilerplate_share = serializers.FloatField(read_only=True)
    authors = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=100
    )

    class Meta:
        model = Document
        fields = [*DOCUMENT_FIELDS, "source_reliability", "passage_count", "claim_count"]
        read_only_fields = ["sha256", "length", "imported_from", "created_at", "updated_at"]

    def get_source_reliability(self, document) -> str | None:
        return document.source.reliability if document.source_id else None


class DocumentSerializer(DocumentListSerializer):
    """One document with its normalised text; offsets count its code points."""

    text = serializers.CharField(read_only=True)

    class Meta(DocumentListSerializer.Meta):
        fields = [*DocumentListSerializer.Meta.fields, "text"]


class DocumentCreateSerializer(DocumentListSerializer):
    """Create from JSON `text`, or from a multipart `file` (.txt, .md, .html)."""

    text = serializers.CharField(required=False, trim_whitespace=False, allow_blank=False)
    file = serializers.FileField(required=False, write_only=True)
    title = serializers.CharField(required=False, max_length=500)

    class Meta(DocumentListSerializer.Meta):
        fields = [*DocumentListSerializer.Meta.fields, "text", "file"]

    def validate(self, attrs):
        if ("text" in attrs) == ("file" in attrs):
            raise serializers.ValidationError(
                {"text": "Send the document as `text` (JSON) or as a `file` upload, not both."}
            )
        if "text" in attrs and not attrs.get("title"):
            raise serializers.ValidationError({"title": "A title is needed with `text`."})
        return attrs


class _AnnotatedPassage(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class _AnnotatedClaim(serializers.Serializer):
    id = serializers.IntegerField()
    passage = serializers.IntegerField()
    status = serializers.CharField()
    kind = serializers.CharField()
    statement = serializers.CharField()
    credibility = serializers.IntegerField()


class _AnnotatedEvidence(serializers.Serializer):
    id = serializers.IntegerField()
    passage = serializers.IntegerField()
    stance = serializers.CharField()
    claim = serializers.IntegerField()
    claim_statement = serializers.CharField()


class DocumentAnnotationsSerializer(serializers.Serializer):
    """Schema of GET /documents/{id}/annotations/ (built by the view from values())."""

    document = serializers.IntegerField()
    passages = _AnnotatedPassage(many=True)
    claims = _AnnotatedClaim(many=True)
    evidence = _AnnotatedEvidence(many=True)


class DocumentUpdateSerializer(FrozenOnUpdate, DocumentListSerializer):
    frozen_fields = ("project",)


# -- passages ----------------------------------------------------------------


class PassageSerializer(serializers.ModelSerializer):
    """A span by code point offsets (`start`, `end`) or found by its quote (`exact`)."""

    document = ScopedPrimaryKeyRelatedField(queryset=Document.objects.all())
    document_title = serializers.CharField(source="document.title", read_only=True)
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=0)
    exact = serializers.CharField(required=False, trim_whitespace=False)
    prefix = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    suffix = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)

    quote_match = serializers.SerializerMethodField(
        help_text='"loose" when the quote matched only with typographic quotes, dashes or '
        'spaces read as plain ones; else "exact".'
    )

    class Meta:
        model = Passage
        fields = [
            "id",
            "document",
            "document_title",
            "start",
            "end",
            "exact",
            "prefix",
            "suffix",
            "quote_match",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # The (document, start, end) uniqueness is answered by returning the existing
        # passage, not by a validation error.
        validators = []

    def get_quote_match(self, passage) -> str:
        return getattr(passage, "quote_match", "exact")


class PassageRefSerializer(serializers.ModelSerializer):
    """A passage as embedded in claims and evidence."""

    document_title = serializers.CharField(source="document.title", read_only=True)

    class Meta:
        model = Passage
        fields = ["id", "document", "document_title", "start", "end", "exact", "prefix", "suffix"]
        read_only_fields = fields


class InlinePassageSerializer(serializers.Serializer):
    # With its source: the new claim's grade is answered without another query.
    document = ScopedPrimaryKeyRelatedField(queryset=Document.objects.select_related("source"))
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=0)
    exact = serializers.CharField(required=False, trim_whitespace=False)
    prefix = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    suffix = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)


# -- evidence ----------------------------------------------------------------


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


# -- claims ------------------------------------------------------------------


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


SIMPLE_CLAIM_FIELDS = {"passage_input", "statement", "kind", "attributed_to", "credibility"}
# What DRF's CharField refuses (ProhibitNullCharacters, ProhibitSurrogateCharacters).
_REFUSED_TEXT = re.compile("[\x00\ud800-\udfff]")


def claim_at_offsets(data) -> dict | None:
    """The arguments of `services.claim_create_at_offsets` when a claim POST is the
    simple case: one JSON object whose `passage_input` is a document id and
    offsets, and fields ClaimSerializer would take exactly as given (no coercion,
    no trimming, no topics). None otherwise, and ClaimSerializer validates it."""
    if type(data) is not dict or not data.keys() <= SIMPLE_CLAIM_FIELDS:
        return None
    inline = data.get("passage_input")
    if type(inline) is not dict or inline.keys() != {"document", "start", "end"}:
        return None
    if any(type(value) is not int for value in inline.values()):
        return None
    simple = {"document_id": inline["document"], "start": inline["start"], "end": inline["end"]}
    for name in ("statement", "attributed_to"):
        if name in data:
            value = data[name]
            if type(value) is not str or _REFUSED_TEXT.search(value):
                return None
            if name == "attributed_to" and value != value.strip():  # DRF would trim it
                return None
            simple[name] = value
    if "kind" in data:
        if type(data["kind"]) is not str or data["kind"] not in ClaimKind.values:
            return None
        simple["kind"] = data["kind"]
    if "credibility" in data:
        if type(data["credibility"]) is not int or data["credibility"] not in Credibility.values:
            return None
        simple["credibility"] = data["credibility"]
    return simple


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


# -- releases ----------------------------------------------------------------


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
            "min_source_reliability", "formats",
        ]  # fmt: skip
        read_only_fields = [
            "version", "filter", "claim_count", "evidence_count", "document_count",
            "source_count", "created_at",
        ]  # fmt: skip
