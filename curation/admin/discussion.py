"""Discussion and notifications in the admin (issue 14).

Notifications: each user's own list (mark one, some or all read; "open" marks it
read and goes to the claim in its document's workspace, or to the release).
Comments: a read-only list, and the POST target of the thread form on a claim's
change page (templates/admin/curation/claim/change_form.html); writes go
through services.comments like the API's.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from ..models import Claim, Comment, Notification
from ..services import comments as comment_service
from ..services.notifications import notification_read, notifications_read_all
from .base import ScopedAdmin


class ReadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("1", "Unread"), ("0", "Read")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "0":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    list_display = ["state", "what", "open_link", "actor", "excerpt", "project", "created_at"]
    list_display_links = None
    list_filter = [ReadFilter, "kind"]
    actions = ["mark_read"]
    change_list_template = "admin/curation/notification/change_list.html"
    ordering = ["-created_at", "-pk"]

    def get_queryset(self, request):
        return Notification.objects.visible_to(request.user).select_related(
            "actor", "claim", "release", "project"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("read-all/", wrap(self.read_all_view), name="curation_notification_read_all"),
            path("<int:pk>/open/", wrap(self.open_view), name="curation_notification_open"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Your notifications", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="")
    def state(self, obj):
        if obj.read_at is None:
            return format_html('<strong class="cd-unread">{}</strong>', "unread")
        return "read"

    @admin.display(description="what", ordering="kind")
    def what(self, obj):
        return obj.get_kind_display()

    @admin.display(description="about")
    def open_link(self, obj):
        url = reverse("admin:curation_notification_open", args=[obj.pk])
        if obj.claim_id:
            label = str(obj.claim)[:80]
        elif obj.release_id:
            label = f"release {obj.release.version}"
        else:
            return "—"
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="text")
    def excerpt(self, obj):
        return obj.text if len(obj.text) <= 120 else obj.text[:119] + "…"

    @admin.action(description="Mark the selected notifications read")
    def mark_read(self, request, queryset):
        marked = 0
        for notification in queryset.filter(read_at__isnull=True):
            notification_read(actor=request.user, notification=notification)
            marked += 1
        self.message_user(request, f"{marked} notification(s) marked read.", messages.SUCCESS)

    def read_all_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        marked = notifications_read_all(actor=request.user)
        self.message_user(request, f"{marked} notification(s) marked read.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:curation_notification_changelist"))

    def open_view(self, request, pk):
        """Mark read (it is the user's own, an idempotent change) and go to its subject."""
        notification = (
            self.get_queryset(request).select_related("claim__passage").filter(pk=pk).first()
        )
        if notification is None:
            raise Http404(f"No notification with id {pk}.")
        notification_read(actor=request.user, notification=notification)
        if notification.claim_id:
            claim = notification.claim
            url = reverse("admin:curation_document_workspace", args=[claim.passage.document_id])
            return HttpResponseRedirect(f"{url}#passage-{claim.passage_id}")
        if notification.release_id:
            return HttpResponseRedirect(
                reverse("admin:curation_release_change", args=[notification.release_id])
            )
        return HttpResponseRedirect(reverse("admin:curation_notification_changelist"))


@admin.register(Comment)
class CommentAdmin(ScopedAdmin):
    list_display = ["excerpt", "claim", "author", "created_at", "edited_at", "retracted_at"]
    list_filter = [("project", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["body"]
    list_select_related = ["claim", "author"]

    def get_queryset(self, request):
        return Comment.objects.visible_to(request.user).select_related("claim", "author")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # comments are retracted by their author, never deleted

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("post/<int:claim_id>/", wrap(self.post_view), name="curation_comment_post"),
            *super().get_urls(),
        ]

    @admin.display(description="comment")
    def excerpt(self, obj):
        return str(obj)

    def post_view(self, request, claim_id):
        """The claim page's thread form: comment, reply or retract (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = Claim.objects.visible_to(request.user).filter(pk=claim_id).first()
        if claim is None:
            raise Http404(f"No claim with id {claim_id}.")
        back = reverse("admin:curation_claim_change", args=[claim.pk]) + "#discussion"
        try:
            retract = request.POST.get("retract", "")
            if retract:
                comment = self._comment_of(request, claim, retract)
                comment_service.comment_retract(actor=request.user, comment=comment)
                self.message_user(request, "Comment retracted.", messages.SUCCESS)
            else:
                parent = request.POST.get("parent", "")
                comment_service.comment_create(
                    actor=request.user,
                    claim=claim,
                    body=request.POST.get("body", ""),
                    parent=self._comment_of(request, claim, parent) if parent else None,
                )
                self.message_user(request, "Comment posted.", messages.SUCCESS)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(back)

    def _comment_of(self, request, claim, value: str) -> Comment:
        if not value.isdecimal() or len(value) > 18:
            raise ValidationError("No such comment.")
        comment = self.get_queryset(request).filter(pk=int(value), claim=claim).first()
        if comment is None:
            raise ValidationError("No such comment.")
        return comment
