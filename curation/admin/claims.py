import functools

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst

from ..choices import Role
from ..exceptions import InvalidTransition, StaleVersion
from ..models import Claim, EvidenceLink
from ..selectors.claim_changes import claim_recent_changes
from ..services import (
    allowed_moves,
    can_edit_claim,
    claim_create,
    claim_delete,
    claim_move,
    claim_update,
    evidence_link,
    evidence_unlink,
    evidence_update,
)
from ..services.annotations import CLAIM_EDITABLE_FIELDS
from .base import (
    HistoryMixin,
    ScopedAdmin,
    has_role_somewhere,
    request_role,
    review_note_page,
    service_errors,
)
from .columns import OneProjectColumns
from .dashboard import ReliabilityFilter
from .filters import MemberFilter, ProjectFilter, TopicFilter
from .workspace import review_queue

CLAIM_FIELDS = list(CLAIM_EDITABLE_FIELDS)


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`1 claim`, `2 claims`: the count with the word it needs."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


class EvidenceInline(admin.TabularInline):
    model = EvidenceLink
    fk_name = "claim"
    extra = 0
    autocomplete_fields = ["passage"]
    fields = ["passage", "stance", "note", "author"]
    readonly_fields = ["author"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("passage__document", "author")

    def has_view_permission(self, request, obj=None):
        return True  # Shown only on a claim the user can already see.

    def has_add_permission(self, request, obj=None):
        return obj is not None and _role(request, obj).allows(Role.ANNOTATOR)

    def has_change_permission(self, request, obj=None):
        return obj is not None and _role(request, obj).allows(Role.ANNOTATOR)

    has_delete_permission = has_change_permission


def _role(request, claim) -> Role:
    return request_role(request, claim.project_id) or Role.VIEWER


class ClaimForm(forms.ModelForm):
    # Optimistic locking in the browser: the version the form was rendered from.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = ["passage", *CLAIM_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read-only renderings (no change right) build the form without these fields.
        if self.instance.pk and "expected_version" in self.fields:
            self.fields["expected_version"].initial = self.instance.version
            # Without it an edit could not be checked and might undo someone else's.
            self.fields["expected_version"].required = True
        if "statement" in self.fields:
            self.fields["statement"].required = False
            self.fields["statement"].help_text = "Leave empty to use the quote."

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        current = self.instance.version
        if self.instance.pk and expected is not None and expected != current:
            # Refused before anything is written, so the form comes back with what the
            # user typed. The service checks the version again under its row lock.
            self._merge_stale(expected, current)
        return cleaned

    def _merge_stale(self, expected: int, current: int) -> None:
        """Say who changed the claim, when and what; fill their values into the fields
        the user left as they were, keep the user's own; saving again applies them."""
        entries = claim_recent_changes(self.instance, current - expected)
        theirs: dict[str, list] = {}  # field -> [value the user saw, value now]
        for entry in entries:
            for name, (old, new) in entry.changes.items():
                theirs.setdefault(name, [old, new])[1] = new
        data = self.data.copy()
        for name, (seen, now) in theirs.items():
            if name in CLAIM_FIELDS and name in self.fields and self._as_history(name) == seen:
                data.setlist(self.add_prefix(name), self._as_data(name, now))
        data[self.add_prefix("expected_version")] = current
        self.data = data
        last = entries[-1] if entries else None
        who = last.actor.get_username() if last and last.actor else "someone"
        when = " on " + date_format(timezone.localtime(last.at), "DATETIME_FORMAT") if last else ""
        fields = ", ".join(name.replace("_", " ") for name in theirs) or "its status"
        self.add_error(
            None,
            f"{capfirst(who)} changed this claim{when} (version {expected} → {current}): "
            f"{fields}. Nothing was saved. Their values are filled in where you had not "
            "changed a field, yours are kept: check them and save again.",
        )

    def _as_history(self, name: str):
        value = self.cleaned_data.get(name)
        if name == "topics":
            return sorted(topic.name for topic in value or [])
        return value

    def _as_data(self, name: str, value) -> list[str]:
        if name == "topics":
            topics = self.fields["topics"].queryset.filter(
                project_id=self.instance.project_id, name__in=value or []
            )
            return [str(pk) for pk in topics.values_list("pk", flat=True)]
        return ["" if value is None else str(value)]


def _review_action(move: str):
    def action(modeladmin, request, queryset):
        if request.POST.get("confirm") != "yes":
            return review_note_page(modeladmin, request, queryset, move)
        note = request.POST.get("note", "").strip()
        done, refused = 0, []
        for claim in queryset:
            try:
                claim_move(actor=request.user, claim=claim, move=move, note=note)
                done += 1
            except (InvalidTransition, PermissionDenied, StaleVersion) as error:
                refused.append(f"“{claim}”: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if done:
            modeladmin.message_user(
                request, f"{move.capitalize()}: {plural(done, 'claim')}.", messages.SUCCESS
            )
        for line in refused:
            modeladmin.message_user(request, line, messages.ERROR)
        return None

    action.__name__ = f"{move}_claims"
    minimum = Role.ANNOTATOR if move == "submit" else Role.REVIEWER
    return admin.action(
        description=f"{move.capitalize()} selected claims", permissions=[f"role_{minimum.value}"]
    )(action)


@admin.register(Claim)
class ClaimAdmin(OneProjectColumns, HistoryMixin, ScopedAdmin):
    add_role = change_role = delete_role = Role.ANNOTATOR
    form = ClaimForm
    list_display = [
        "short_statement",
        "project",
        "document_link",
        "status_label",
        "grade",
        "evidence_count",
        "author",
        "updated",
    ]
    list_display_links = ["short_statement"]
    list_filter = [
        # Choices from the user's projects, not a DISTINCT over the claims (filters.py).
        ("project", ProjectFilter),
        "status",
        "kind",
        "credibility",
        ReliabilityFilter,  # F includes claims without a source, as on the dashboard
        ("topics", TopicFilter),
        ("author", MemberFilter),
    ]
    search_fields = ["statement", "passage__exact", "attributed_to"]
    autocomplete_fields = ["passage", "topics"]
    inlines = [EvidenceInline]
    readonly_fields = [
        "grade",
        "status",
        "reviewer",
        "review_note",
        "reviewed_at",
        "version",
        "author",
        "created_at",
        "updated_at",
        "quote_in_context",
    ]
    actions = [_review_action(move) for move in ("submit", "accept", "reject", "reopen")]

    def get_urls(self):
        view = self.admin_site.admin_view(functools.partial(review_queue, self))
        return [path("review/", view, name="curation_claim_review"), *super().get_urls()]

    def get_queryset(self, request):
        # A count per listed row, not a GROUP BY of every claim with its links: the
        # first page of 1,000,000 claims took 14 s grouping before it could sort.
        links = (
            EvidenceLink.objects.filter(claim=OuterRef("pk"))
            .order_by()
            .values("claim")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(evidence_total=Coalesce(Subquery(links), 0))

    def get_fieldsets(self, request, obj=None):
        main = ["passage", *CLAIM_FIELDS, "expected_version"]
        if obj is None:
            return [(None, {"fields": main})]
        return [
            (None, {"fields": ["quote_in_context", *main]}),
            (
                "Review",
                {
                    "fields": [
                        "grade",
                        "status",
                        "reviewer",
                        "review_note",
                        "reviewed_at",
                        "version",
                    ]
                },
            ),
            ("Provenance", {"fields": ["author", "created_at", "updated_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["passage", *self.readonly_fields] if obj else []

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return can_edit_claim(request.user, obj, request_role(request, obj.project_id))

    has_delete_permission = has_change_permission

    def has_role_annotator_permission(self, request):
        return has_role_somewhere(request, Role.ANNOTATOR)

    def has_role_reviewer_permission(self, request):
        return has_role_somewhere(request, Role.REVIEWER)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None:
            context["allowed_moves"] = allowed_moves(
                request.user, obj, request_role(request, obj.project_id)
            )
        return super().change_view(request, object_id, form_url, context)

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, obj):
        # One line in the list (CSS ellipsis); the whole statement on hover.
        return format_html('<span class="cd-oneline" title="{}">{}</span>', obj.statement, obj)

    @admin.display(description="document", ordering="passage__document__title")
    def document_link(self, obj):
        document = obj.passage.document
        url = reverse("admin:curation_document_workspace", args=[document.pk])
        return format_html(
            '<a class="cd-oneline cd-narrow" href="{}#passage-{}" title="{}">{}</a>',
            url,
            obj.passage_id,
            document.title,
            document.title,
        )

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj):
        when = timezone.localtime(obj.updated_at)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            when.isoformat(),
            date_format(when, "DATETIME_FORMAT"),
            date_format(when, "SHORT_DATE_FORMAT"),
        )

    @admin.display(description="evidence", ordering="evidence_total")
    def evidence_count(self, obj):
        return plural(obj.evidence_total, "evidence link")

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        return format_html(
            '<span class="cd-status cd-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description="grade")
    def grade(self, obj):
        return format_html(
            '<span class="cd-grade" title="source {}, information {}">{}</span>',
            obj.source_reliability,
            obj.get_credibility_display(),
            obj.grade,
        )

    @admin.display(description="passage in context")
    def quote_in_context(self, obj):
        passage = obj.passage
        return format_html(
            '<div class="cd-document-text">…{}<mark>{}</mark>{}…</div><p>{} [{}:{}]</p>',
            passage.prefix,
            passage.exact,
            passage.suffix,
            passage.document.title,
            passage.start,
            passage.end,
        )

    class Media:
        css = {"all": ["curation/admin.css"]}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {name: data[name] for name in CLAIM_FIELDS if name in data}
        if change:
            changed = {name: values[name] for name in CLAIM_FIELDS if name in form.changed_data}
            saved = self.call_service(
                request,
                form,
                claim_update,
                claim=obj,
                expected_version=data.get("expected_version"),
                **changed,
            )
        else:
            saved = self.call_service(
                request, form, claim_create, passage=data["passage"], **values
            )
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request, form, formsets, change):
        # Topics were saved by the service; only evidence inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        claim = form.instance
        # formset.save() is bypassed (the services write), but the admin's change
        # message reads the lists it would have filled.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        with service_errors():
            for inline_form in formset.forms:
                data = getattr(inline_form, "cleaned_data", None)
                if not data:
                    continue
                link = inline_form.instance
                if data.get("DELETE"):
                    if link.pk:
                        evidence_unlink(actor=request.user, link=link)
                        formset.deleted_objects.append(link)
                elif link.pk is None:
                    link = evidence_link(
                        actor=request.user,
                        claim=claim,
                        passage=data["passage"],
                        stance=data["stance"],
                        note=data.get("note", ""),
                    )
                    formset.new_objects.append(link)
                elif inline_form.has_changed():
                    evidence_update(
                        actor=request.user,
                        link=link,
                        stance=data["stance"],
                        note=data.get("note", ""),
                    )
                    formset.changed_objects.append((link, inline_form.changed_data))

    def delete_model(self, request, obj):
        claim_delete(actor=request.user, claim=obj)

    def delete_queryset(self, request, queryset):
        for claim in queryset:
            claim_delete(actor=request.user, claim=claim)
