"""The admin index's projects module (issue 14): Django's own index view renders
it, so its figures are fetched here, from the dashboard selector."""

from django import template

from ..selectors.dashboard import projects_overview

register = template.Library()


@register.simple_tag(takes_context=True)
def user_projects(context):
    """The request user's projects with their backlog and own open assignments."""
    return projects_overview(context["request"].user)
