"""Declarative viewsets, one module per concern: scoped querysets, one FilterSet each,
reads through selectors, writes through services. Re-exported here:
`curation.api.views.X` keeps working."""

from .base import ScopedViewSet, WithRoles, not_found
from .claims import ClaimViewSet
from .documents import DocumentViewSet, PassageViewSet
from .evidence import EvidenceViewSet
from .projects import MembershipViewSet, ProjectViewSet, SourceViewSet, TopicViewSet
from .releases import ReleaseViewSet

__all__ = [
    "ClaimViewSet",
    "DocumentViewSet",
    "EvidenceViewSet",
    "MembershipViewSet",
    "PassageViewSet",
    "ProjectViewSet",
    "ReleaseViewSet",
    "ScopedViewSet",
    "SourceViewSet",
    "TopicViewSet",
    "WithRoles",
    "not_found",
]
