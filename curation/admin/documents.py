import functools

from django import forms
from django.contrib import admin, messages
from django.db.models.functions import Substr
from django.urls import path, reverse
from django.utils.html import format_html

from ..api.filters import DocumentFilter
from ..choices import Role
from ..models import Document, Passage
from ..services import DocumentInput, document_import, document_update, passage_create
from ..services.documents import ImportOutcome
from ..services.import_units import file_input
from ..text import normalize_text, text_sha256
from .assignments import AssignFromDocuments
from .base import HistoryMixin, ScopedAdmin, narrowed_to_chosen_project
from .columns import OneProjectColumns
from .workspace import document_workspace

# The change page shows this much of the text; the workspace shows all of it (issue 17:
# a 20 MB text made the page too heavy for the browser to finish loading).
ADMIN_TEXT_CHARS = 20_000

METADATA_FIELDS = [
    "title",
    "source",
    "authors",
    "published_on",
    "published",
    "container",
    "url",
    "doi",
    "language",
    "metadata",
]


class AuthorLines(forms.CharField):
    """Authors as names, one a line (issue 19): nobody should type JSON to add one."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One name a line.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class DocumentForm(forms.ModelForm):
    authors = AuthorLines()


class DocumentAddForm(DocumentForm):
    """Adding a document: its text is pasted or uploaded here once and never edited again."""

    # strip=False: the service normalises; stripping here would change the checksum
    # and let the same text in twice.
    text = forms.CharField(
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text="Paste the text, or upload a file below: not both.",
    )
    file = forms.FileField(
        required=False,
        help_text="A .txt, .md or .html file, read as the import command reads it.",
    )

    class Meta:
        model = Document
        fields = ["project", *METADATA_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An uploaded file brings its own title (or its file name).
        self.fields["title"].required = False
        self.fields["title"].help_text = "Leave empty to take the uploaded file's title."

    def clean(self):
        data = super().clean()
        text, upload = data.get("text") or "", data.get("file")
        if text and upload:
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if upload:
            self.item = self._read(upload)
        elif text:
            self.item = DocumentInput(text=text, title="")
        else:
            raise forms.ValidationError("Paste the text or upload a file.")
        if not (data.get("title") or self.item.title):
            self.add_error("title", "This field is required.")
        self._refuse_duplicate(data.get("project"))
        return data

    def _read(self, upload) -> DocumentInput:
        read = file_input(upload.name, upload.read(), "")
        if isinstance(read, ImportOutcome):
            raise forms.ValidationError({"file": read.error})
        return read

    def _refuse_duplicate(self, project):
        # Checked here so that the refused form keeps what was typed; the service
        # still refuses it (two owners adding the same text at once).
        if project is None:
            return
        sha256 = text_sha256(normalize_text(self.item.text))
        existing = Document.objects.filter(project=project, sha256=sha256).first()
        if existing is not None:
            field = "file" if self.cleaned_data.get("file") else "text"
            self.add_error(field, f"This project already holds this text (document {existing.pk}).")


@admin.register(Document)
class DocumentAdmin(AssignFromDocuments, OneProjectColumns, HistoryMixin, ScopedAdmin):
    list_display = [
        "title",
        "project",
        "source",
        "language",
        "published",
        "length",
        "passage_count",
        "claim_count",
    ]
    # Boilerplate share and import time are on each document's page (and the date
    # hierarchy filters by import time): ten columns clipped the list at 1400 px for
    # a member of several projects (issue 19 item 5).
    list_filter = [
        ("project", admin.RelatedOnlyFieldListFilter),
        ("source", admin.RelatedOnlyFieldListFilter),
        "language",
    ]
    search_fields = ["title", "doi", "url", "text"]  # searched by get_search_results
    date_hierarchy = "created_at"
    autocomplete_fields = ["source"]
    readonly_fields = [
        "project",
        "sha256",
        "length",
        "imported_from",
        "created_by",
        "created_at",
        "passage_count",
        "claim_count",
        "boilerplate",
        "text_display",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "project",
                    "title",
                    "source",
                    "authors",
                    "published_on",
                    "published",
                    "container",
                    "language",
                ]
            },
        ),
        ("Identifiers", {"fields": ["url", "doi", "sha256", "metadata"]}),
        (
            "Text",
            {
                "fields": ["length", "boilerplate", "text_display"],
                "description": "The text is immutable: import a corrected text as a new document.",
            },
        ),
        (
            "Provenance",
            {
                "fields": [
                    "imported_from",
                    "created_by",
                    "created_at",
                    "passage_count",
                    "claim_count",
                ]
            },
        ),
    ]

    change_form_template = "admin/curation/document/change_form.html"

    class Media:
        css = {"all": ["curation/admin.css"]}

    def get_urls(self):
        view = self.admin_site.admin_view(functools.partial(document_workspace, self))
        return [
            path("<int:pk>/workspace/", view, name="curation_document_workspace"),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        # The API's `?q=` search (curation/search.py: words by stem, CJK by substring).
        queryset = narrowed_to_chosen_project(request, queryset)
        if not search_term.strip():
            return queryset, False
        return DocumentFilter({"q": search_term}, queryset=queryset).qs, False

    def get_queryset(self, request):
        # No page needs the whole text (the change page shows its opening): reading a
        # 20 MB text for a form is what made the page slow.
        qs = super().get_queryset(request).without_text()
        if request.resolver_match.url_name.endswith("changelist"):
            return qs
        return qs.annotate(text_head=Substr("text", 1, ADMIN_TEXT_CHARS))

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = DocumentAddForm
        else:
            kwargs["form"] = DocumentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["project", "title", "text", "file", *METADATA_FIELDS[1:]]})]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    @admin.display(description="passages")
    def passage_count(self, obj):
        return getattr(obj, "passage_count", None)

    @admin.display(description="claims")
    def claim_count(self, obj):
        return getattr(obj, "claim_count", None)

    @admin.display(description="boilerplate")
    def boilerplate(self, obj):
        return f"{obj.boilerplate_share:.0%}"

    @admin.display(description="text")
    def text_display(self, obj):
        head = obj.text_head if hasattr(obj, "text_head") else obj.text[:ADMIN_TEXT_CHARS]
        if obj.length <= ADMIN_TEXT_CHARS:
            return format_html('<div class="cd-document-text">{}</div>', head)
        return format_html(
            '<div class="cd-document-text">{}</div><p class="cd-text-more">The first {} of {} '
            'characters. <a href="{}">Read the whole text in the workspace</a>.</p>',
            head,
            f"{ADMIN_TEXT_CHARS:,}",
            f"{obj.length:,}",
            reverse("admin:curation_document_workspace", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            values = {name: data[name] for name in METADATA_FIELDS if name in form.changed_data}
            self.call_service(request, form, document_update, document=obj, **values)
            return
        # The file's (or a bare DocumentInput's) metadata, overridden by what was typed.
        item = form.item
        for name in ["title", "published_on", "url", "doi", "language", "published", "container"]:
            if data.get(name):
                setattr(item, name, data[name])
        item.authors = data.get("authors") or item.authors
        item.metadata = {**item.metadata, **(data.get("metadata") or {})}
        document = self.call_service(
            request,
            form,
            document_import,
            project=data["project"],
            item=item,
            source=data.get("source"),
        )
        obj.pk = document.pk


class PassageForm(forms.ModelForm):
    start = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="Code points of the document text; or leave empty and give the quote.",
    )
    end = forms.IntegerField(required=False, min_value=1)
    exact = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The quoted text. Checked against the document.",
    )

    class Meta:
        model = Passage
        fields = ["document", "start", "end", "exact"]

    def _post_clean(self):
        # Offsets may be absent (quote only): passage_create validates the span
        # against the document text, which the model cannot do on its own.
        pass


@admin.register(Passage)
class PassageAdmin(ScopedAdmin):
    add_role = Role.ANNOTATOR
    change_role = Role.OWNER  # A passage is a fixed span: nobody edits it in place.
    delete_role = Role.REVIEWER
    form = PassageForm
    list_display = ["quote", "document", "start", "end", "created_at"]
    list_filter = [("document__project", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["exact", "document__title"]
    autocomplete_fields = ["document"]
    readonly_fields = ["prefix", "suffix", "created_by", "created_at"]

    def project_id_of(self, obj):
        return obj.document.project_id

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["document", "start", "end", "exact", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    @admin.display(description="quote", ordering="exact")
    def quote(self, obj):
        return obj.exact if len(obj.exact) <= 80 else obj.exact[:79] + "…"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        passage = self.call_service(
            request,
            form,
            passage_create,
            document=data["document"],
            start=data.get("start"),
            end=data.get("end"),
            exact=data.get("exact") or None,
        )
        if passage.quote_match == "loose":
            self.message_user(
                request,
                "The quote matched loosely (its quotes, dashes or spaces differ from the "
                f"text): stored as the text reads, “{passage.exact}”.",
                messages.WARNING,
            )
        obj.pk = passage.pk
