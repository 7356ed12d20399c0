"""Enumerations shared by models, services, the admin and the API."""

from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    ANNOTATOR = "annotator", "Annotator"
    REVIEWER = "reviewer", "Reviewer"
    OWNER = "owner", "Owner"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self]

    def allows(self, minimum: "Role") -> bool:
        """True when this role includes everything `minimum` may do."""
        return ROLE_RANK[self] >= ROLE_RANK[Role(minimum)]


# Roles are cumulative: each includes the rights of the ones before it.
ROLE_RANK = {Role.VIEWER: 0, Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.OWNER: 3}


class SourceKind(models.TextChoices):
    JOURNAL = "journal", "Journal"
    THINK_TANK = "think_tank", "Think tank"
    BLOG = "blog", "Blog"
    NEWS = "news", "News"
    GOVERNMENT = "government", "Government"
    NGO = "ngo", "NGO"
    SOCIAL = "social", "Social media"
    OTHER = "other", "Other"


class Reliability(models.TextChoices):
    """Admiralty code, source reliability."""

    A = "A", "A – Completely reliable"
    B = "B", "B – Usually reliable"
    C = "C", "C – Fairly reliable"
    D = "D", "D – Not usually reliable"
    E = "E", "E – Unreliable"
    F = "F", "F – Reliability cannot be judged"


class Credibility(models.IntegerChoices):
    """Admiralty code, information credibility."""

    CONFIRMED = 1, "1 – Confirmed by other sources"
    PROBABLY_TRUE = 2, "2 – Probably true"
    POSSIBLY_TRUE = 3, "3 – Possibly true"
    DOUBTFUL = 4, "4 – Doubtful"
    IMPROBABLE = 5, "5 – Improbable"
    CANNOT_BE_JUDGED = 6, "6 – Truth cannot be judged"


class ClaimKind(models.TextChoices):
    FACT = "fact", "Fact"
    STATISTIC = "statistic", "Statistic"
    CAUSAL = "causal", "Causal"
    PREDICTION = "prediction", "Prediction"
    OPINION = "opinion", "Opinion"
    RECOMMENDATION = "recommendation", "Recommendation"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    QUALIFIES = "qualifies", "Qualifies"


class HistoryAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    REOPENED = "reopened", "Reopened"
    GRADED = "graded", "Graded"


class ExportFormat(models.TextChoices):
    JSONL = "jsonl", "JSON Lines (lossless)"
    CSV = "csv", "CSV (claims.csv + evidence.csv)"
    WEBANNOTATION = "webannotation", "W3C Web Annotation (JSON-LD)"
    FEVER = "fever", "FEVER-style JSONL"
    FIXTURE = "fixture", "Django fixture (natural keys)"


class ReleaseStatus(models.TextChoices):
    """A release's cut: queued → running → ready, or failed (which can be retried)."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ImportStatus(models.TextChoices):
    """A bulk import job: queued → running → done, or failed (which can be retried)."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportKind(models.TextChoices):
    """What an import job's files hold: documents, or annotations in a known format."""

    DOCUMENTS = "documents", "Documents"
    WEBANNOTATION = "webannotation", "W3C Web Annotation"
    DOCCANO = "doccano", "doccano"
    LABELSTUDIO = "labelstudio", "Label Studio"
    CLAIMDESK = "claimdesk", "Claimdesk"


# -- independent assessments (issue 15) -------------------------------------------


class AssessorPool(models.TextChoices):
    """Whom a project asks for independent assessments."""

    REVIEWERS = "reviewers", "Reviewers and owners"
    ANNOTATORS = "annotators", "Annotators, reviewers and owners (never the claim's author)"


class AssessmentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUBMITTED = "submitted", "Submitted"


class MinAgreement(models.TextChoices):
    """How a claim's independent assessments must have been settled to enter a release."""

    ADJUDICATED = "adjudicated", "Settled (by agreement or adjudication)"
    AGREED = "agreed", "Settled by the assessors' agreement"


class RoundState(models.TextChoices):
    OPEN = "open", "Being assessed"
    AGREED = "agreed", "Settled by agreement"
    DISPUTED = "disputed", "Awaiting adjudication"
    ADJUDICATED = "adjudicated", "Settled by adjudication"


# -- team work (issue 14) ------------------------------------------------------------


class AssignmentState(models.TextChoices):
    """An assignment's state: the annotator moves it forward, an owner may reopen it."""

    ASSIGNED = "assigned", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class NotificationKind(models.TextChoices):
    CLAIM_ACCEPTED = "claim_accepted", "Your claim was accepted"
    CLAIM_REJECTED = "claim_rejected", "Your claim was rejected"
    CLAIM_REOPENED = "claim_reopened", "Your claim was reopened"
    COMMENTED = "commented", "New comment on your claim"
    MENTIONED = "mentioned", "You were mentioned"
    ASSIGNED = "assigned", "Documents assigned to you"
    RELEASE_READY = "release_ready", "Your release is ready"
