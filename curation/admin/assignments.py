"""Assignments in the admin (issue 14): the list, assigning documents to people (in bulk
from the document list, or one document from its page), and each user's My work."""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from ..choices import AssignmentState, Role
from ..models import Assignment, Document, Membership
from ..querysets import roles_at_least
from ..selectors.assignments import (
    assignments_listed,
    document_assignment,
    my_work,
    my_work_counts,
)
from ..services import assignments as service
from .base import ScopedAdmin, has_role_somewhere, request_role
from .columns import OneProjectColumns


def workspace_assignment(user, document_id: int, role: Role | None) -> dict | None:
    """The user's assignment of the document, for the workspace's Start / Mark done."""
    assignment = document_assignment(user, document_id)
    if assignment is None:
        return None
    return {
        "id": assignment.pk,
        "state": assignment.state,
        "label": assignment.get_state_display(),
        "version": assignment.version,
        "moves": [
            move
            for move in service.allowed_assignment_moves(user, assignment, role)
            if move != "reopen"
        ],
        "myWorkUrl": reverse("admin:curation_assignment_mine"),
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


class AssignForm(forms.Form):
    """Who gets the chosen documents: the choices are the project's active members."""

    annotators = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(), widget=forms.CheckboxSelectMultiple
    )
    strategy = forms.ChoiceField(
        choices=list(service.STRATEGIES.items()),
        initial=service.ROUND_ROBIN,
        widget=forms.RadioSelect,
    )
    per_document = forms.IntegerField(
        label="N (people per document)",
        min_value=1,
        initial=1,
        required=False,
        help_text="With “Each to N people”: how many annotators get each document.",
    )
    reviewer = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="(no reviewer)",
        help_text="Optional: who reviews the claims of these documents.",
    )

    def __init__(self, *args, project_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(project_id=project_id, user__is_active=True)
        users = get_user_model().objects.order_by("username")

        def holding(minimum):
            chosen = members.filter(role__in=roles_at_least(minimum)).values("user_id")
            return users.filter(pk__in=chosen)

        self.fields["annotators"].queryset = holding(Role.ANNOTATOR)
        self.fields["reviewer"].queryset = holding(Role.REVIEWER)


def _assign_page(modeladmin, request, documents: list[Document], *, bulk: bool):
    """The page that assigns `documents` (of one project): shown, or applied on POST."""
    projects = {document.project_id for document in documents}
    if len(projects) != 1:
        modeladmin.message_user(
            request, "Choose documents of one project to assign them together.", messages.ERROR
        )
        return None if bulk else HttpResponseRedirect(reverse("admin:curation_document_changelist"))
    (project_id,) = projects
    if request_role(request, project_id) != Role.OWNER:
        raise PermissionDenied("Only an owner of the project assigns its documents.")
    confirmed = request.POST.get("confirm") == "yes"
    form = AssignForm(request.POST if confirmed else None, project_id=project_id)
    if confirmed and form.is_valid():
        try:
            data = {**form.cleaned_data, "per_document": form.cleaned_data["per_document"] or 1}
            created = service.assignments_create(actor=request.user, documents=documents, **data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            skipped = "" if created else " (everyone chosen already had these documents)"
            modeladmin.message_user(
                request,
                f"Assigned: {_plural(len(created), 'assignment')}{skipped}.",
                messages.SUCCESS,
            )
            if bulk:
                return None
            return HttpResponseRedirect(
                reverse("admin:curation_document_change", args=[documents[0].pk])
            )
    current = assignments_listed(
        Assignment.objects.filter(document__in=documents).order_by(
            "document", "annotator__username"
        )
    )
    return TemplateResponse(
        request,
        "admin/curation/assignment/assign.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": f"Assign {_plural(len(documents), 'document')} to people",
            "subtitle": None,
            "opts": modeladmin.opts,
            "documents": documents,
            "form": form,
            "current": current[:200],
            "bulk": bulk,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.action(description="Assign to people…", permissions=["role_owner"])
def assign_to_people(modeladmin, request, queryset):
    documents = list(queryset.defer("text").order_by("pk"))
    return _assign_page(modeladmin, request, documents, bulk=True)


class AssignFromDocuments:
    """For DocumentAdmin: the bulk action, and assigning one document from its page."""

    actions = [assign_to_people]

    def has_role_owner_permission(self, request):
        return has_role_somewhere(request, Role.OWNER)

    def get_urls(self):
        view = self.admin_site.admin_view(functools.partial(_document_assign, self))
        return [
            path("<int:pk>/assign/", view, name="curation_document_assign"),
            *super().get_urls(),
        ]


def _document_assign(modeladmin, request, pk):
    document = Document.objects.visible_to(request.user).defer("text").filter(pk=pk).first()
    if document is None:
        raise Http404(f"No document with id {pk}.")
    return _assign_page(modeladmin, request, [document], bulk=False)


@admin.action(description="Reopen selected assignments", permissions=["role_owner"])
def reopen_assignments(modeladmin, request, queryset):
    done, refused = 0, []
    for assignment in queryset:
        try:
            service.assignment_move(actor=request.user, assignment=assignment, move="reopen")
            done += 1
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            refused.append(f"“{assignment.document.title}”: {reason}")
    if done:
        modeladmin.message_user(
            request, f"Reopened: {_plural(done, 'assignment')}.", messages.SUCCESS
        )
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


@admin.register(Assignment)
class AssignmentAdmin(OneProjectColumns, ScopedAdmin):
    list_display = [
        "document_link",
        "project",
        "annotator",
        "reviewer",
        "state",
        "claims",
        "updated_at",
        "done_at",
    ]
    list_filter = [
        ("project", admin.RelatedOnlyFieldListFilter),
        "state",
        ("annotator", admin.RelatedOnlyFieldListFilter),
        ("reviewer", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["document__title", "annotator__username"]
    actions = [reopen_assignments]
    change_list_template = "admin/curation/assignment/change_list.html"

    def get_queryset(self, request):
        return assignments_listed(Assignment.objects.visible_to(request.user))

    def get_urls(self):
        mine = self.admin_site.admin_view(functools.partial(my_work_page, self))
        move = self.admin_site.admin_view(functools.partial(assignment_move_view, self))
        return [
            path("mine/", mine, name="curation_assignment_mine"),
            path("<int:pk>/move/", move, name="curation_assignment_move"),
            *super().get_urls(),
        ]

    # Assignments are made from the documents and moved by their annotator: the
    # list is for seeing them, reopening and taking them back.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_role_owner_permission(self, request):
        return has_role_somewhere(request, Role.OWNER)

    def delete_model(self, request, obj):
        service.assignment_delete(actor=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            service.assignment_delete(actor=request.user, assignment=assignment)

    @admin.display(description="document", ordering="document__title")
    def document_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:curation_document_workspace", args=[obj.document_id]),
            obj.document.title,
        )

    @admin.display(description="claims (draft / submitted / accepted / rejected)")
    def claims(self, obj):
        counts = (obj.draft_count, obj.submitted_count, obj.accepted_count, obj.rejected_count)
        return " / ".join(str(count) for count in counts)


def my_work_page(modeladmin, request):
    """The user's assignments, under way first, each one click from the workspace."""
    state = request.GET.get("state", "")
    if state not in AssignmentState.values:
        state = ""
    rows = list(my_work(request.user, state or None)[:500])
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "My work",
        "subtitle": None,
        "opts": modeladmin.opts,
        "rows": rows,
        "counts": my_work_counts(request.user),
        "states": AssignmentState.choices,
        "state": state,
    }
    return TemplateResponse(request, "admin/curation/assignment/my_work.html", context)


def assignment_move_view(modeladmin, request, pk):
    """Start or finish one's own assignment (a button on My work), then go back."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    assignment = Assignment.objects.visible_to(request.user).filter(pk=pk).first()
    if assignment is None:
        raise Http404(f"No assignment with id {pk}.")
    move = request.POST.get("move", "")
    try:
        moved = service.assignment_move(actor=request.user, assignment=assignment, move=move)
    except (ValidationError, PermissionDenied) as error:
        modeladmin.message_user(
            request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR
        )
    else:
        modeladmin.message_user(
            request,
            f"“{moved.document.title}”: {moved.get_state_display().lower()}.",
            messages.SUCCESS,
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("admin:curation_assignment_mine")
    return HttpResponseRedirect(back)
