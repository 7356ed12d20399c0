"""Claimdesk's domain model (see DESIGN.md): the names are the contract.

Invariants live in the database first (check and unique constraints here,
cross-table triggers in migration 0002); services add what only Python can say.
Every model has a natural key so fixtures move between instances unchanged.
"""

from .assessments import AssessedStance, Assessment, AssessmentRound
from .claims import Claim, EvidenceLink, Topic
from .documents import Document, Passage, Source
from .history import HistoryEntry
from .imports import ImportJob, ImportUpload
from .projects import Membership, Project
from .regions import DocumentRegion
from .releases import Release, ReleaseChunk, ReleaseFile
from .tallies import ClaimsDecided, ClaimsMade, GradeTally, StanceTally
from .team import Assignment, Comment, Notification

__all__ = [
    "AssessedStance",
    "Assessment",
    "AssessmentRound",
    "Assignment",
    "Claim",
    "ClaimsDecided",
    "ClaimsMade",
    "Comment",
    "Document",
    "DocumentRegion",
    "EvidenceLink",
    "GradeTally",
    "HistoryEntry",
    "ImportJob",
    "ImportUpload",
    "Membership",
    "Notification",
    "Passage",
    "Project",
    "Release",
    "ReleaseChunk",
    "ReleaseFile",
    "Source",
    "StanceTally",
    "Topic",
]
