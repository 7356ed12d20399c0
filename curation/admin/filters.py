"""Related-object filters of the claim list whose choices come from the user's
projects, not from the listed rows.

Django's RelatedOnlyFieldListFilter builds its choices with a DISTINCT over every
claim the user may see (project, topics, author): 11 s for the first page of a
project of 1,000,000 claims. These offer the projects the user belongs to, their
topics and their members instead (only the one project's, when the list is filtered
to a project): a read of a few rows. A choice may match no claim (a topic not used
yet); an author who has left every project is still filtered by URL, not offered.
"""

from django.contrib import admin

from ..models import Membership, Project

PROJECT_PARAMETER = "project__id__exact"


def _projects(request):
    projects = Project.objects.visible_to(request.user)
    chosen = request.GET.get(PROJECT_PARAMETER, "")
    if chosen.isdigit():
        projects = projects.filter(pk=chosen)
    return projects.values("pk")


class _AmongProjects(admin.RelatedFieldListFilter):
    def limit(self, request) -> dict:
        raise NotImplementedError

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to=self.limit(request)
        )


class ProjectFilter(_AmongProjects):
    def limit(self, request) -> dict:
        # Every project of the user, even when the list is filtered to one.
        return {"pk__in": Project.objects.visible_to(request.user).values("pk")}


class TopicFilter(_AmongProjects):
    def limit(self, request) -> dict:
        return {"project__in": _projects(request)}


class MemberFilter(_AmongProjects):
    def limit(self, request) -> dict:
        members = Membership.objects.filter(project__in=_projects(request))
        return {"pk__in": members.values("user_id")}
