"""Representations and input validation, one module per concern; every rule is in
curation.services. Re-exported here: `curation.api.serializers.X` keeps working."""

from .base import FrozenOnUpdate, UsernameField
from .claims import (
    ClaimPermissionsSerializer,
    ClaimSerializer,
    ClaimUpdateSerializer,
    EvidenceInClaimSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
    GradeField,
    HistoryEntrySerializer,
    ReviewMoveSerializer,
    TopicNamesField,
)
from .documents import (
    DOCUMENT_FIELDS,
    DocumentAnnotationsSerializer,
    DocumentCreateSerializer,
    DocumentListSerializer,
    DocumentSerializer,
    DocumentTextQuerySerializer,
    DocumentTextSerializer,
    DocumentUpdateSerializer,
    InlinePassageSerializer,
    PassageRefSerializer,
    PassageSerializer,
)
from .projects import (
    MembershipSerializer,
    MembershipUpdateSerializer,
    ProjectSerializer,
    SourceSerializer,
    SourceUpdateSerializer,
    TopicSerializer,
    TopicUpdateSerializer,
)
from .releases import ReleaseFileSerializer, ReleaseSerializer

__all__ = [
    "DOCUMENT_FIELDS",
    "ClaimPermissionsSerializer",
    "ClaimSerializer",
    "ClaimUpdateSerializer",
    "DocumentAnnotationsSerializer",
    "DocumentCreateSerializer",
    "DocumentListSerializer",
    "DocumentSerializer",
    "DocumentTextQuerySerializer",
    "DocumentTextSerializer",
    "DocumentUpdateSerializer",
    "EvidenceInClaimSerializer",
    "EvidenceSerializer",
    "EvidenceUpdateSerializer",
    "FrozenOnUpdate",
    "GradeField",
    "HistoryEntrySerializer",
    "InlinePassageSerializer",
    "MembershipSerializer",
    "MembershipUpdateSerializer",
    "PassageRefSerializer",
    "PassageSerializer",
    "ProjectSerializer",
    "ReleaseFileSerializer",
    "ReleaseSerializer",
    "ReviewMoveSerializer",
    "SourceSerializer",
    "SourceUpdateSerializer",
    "TopicNamesField",
    "TopicSerializer",
    "TopicUpdateSerializer",
    "UsernameField",
]
