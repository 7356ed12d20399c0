"""Documents and passages (spans of a document's text)."""

from rest_framework import serializers

from ...models import Document, Passage, Project, Source
from ..fields import ScopedPrimaryKeyRelatedField
from .base import FrozenOnUpdate

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
    """Schema of GET /documents/{id}/annotations/ (built by selectors.documents from rows)."""

    document = serializers.IntegerField()
    passages = _AnnotatedPassage(many=True)
    claims = _AnnotatedClaim(many=True)
    evidence = _AnnotatedEvidence(many=True)


class DocumentTextQuerySerializer(serializers.Serializer):
    """?start=&end= of GET /documents/{id}/text/: code points, end exclusive."""

    start = serializers.IntegerField(min_value=0, default=0, required=False)
    end = serializers.IntegerField(min_value=0, required=False, help_text="Default: the end.")

    def validate(self, attrs):
        if "end" in attrs and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "Must not be before start."})
        return attrs


class DocumentTextSerializer(serializers.Serializer):
    """Schema of GET /documents/{id}/text/ (built by selectors.documents)."""

    document = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField(help_text="Clipped to the text's length.")
    length = serializers.IntegerField(help_text="The whole text's length in code points.")
    text = serializers.CharField()


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
