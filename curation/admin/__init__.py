"""The Django admin, scoped to each user's projects and roles.

Every write goes through curation.services, so the admin obeys the same rules
as the API and the management commands.
"""

from django.contrib import admin

from . import (  # noqa: F401  (registrations)
    assessments,
    assignments,
    claims,
    discussion,
    documents,
    evidence,
    imports,
    projects,
    regions,
    releases,
    users,
)

admin.site.site_header = "Claimdesk"
admin.site.site_title = "Claimdesk"
admin.site.index_title = "Claims, evidence and sources"
admin.site.index_template = "admin/curation/index.html"
