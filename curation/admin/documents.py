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
from .assignments import AssignFromDocuments
from .base import HistoryMixin, ScopedAdmin
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


class DocumentAddForm(forms.ModelForm):
    """Adding a document: its text is pasted here once and never edited again."""

    # strip=False: the service normalises; stripping here would change the checksum
    # and let the same text in twice.
    text = forms.CharField(strip=False, widget=forms.Textarea(attrs={"rows": 20, "cols": 100}))

    class Meta:
        model = Document
        fields = ["project", *METADATA_FIELDS]


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
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["project", "title", "text", *METADATA_FIELDS[1:]]})]
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
        item = DocumentInput(
            text=data["text"],
            title=data["title"],
            authors=data.get("authors") or [],
            published_on=data.get("published_on"),
            url=data.get("url") or "",
            doi=data.get("doi") or "",
            language=data.get("language") or "",
            published=data.get("published") or "",
            container=data.get("container") or "",
            metadata=data.get("metadata") or {},
        )
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
