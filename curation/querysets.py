"""Access scoping and eager loading: the single home of `visible_to(user)`.

Every queryset that reaches a user (admin, API, commands acting for a user)
starts from `visible_to`, so an object of a project the user is not a member
of is simply absent: it answers 404, never 403.
"""

from __future__ import annotations

from django.db import models

from .choices import ROLE_RANK, Role


def roles_at_least(minimum: Role | str) -> list[str]:
    rank = ROLE_RANK[Role(minimum)]
    return [role.value for role, r in ROLE_RANK.items() if r >= rank]


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a project reached through `project_path`."""

    project_path = "project"

    def visible_to(self, user, minimum: Role | str = Role.VIEWER):
        """Rows of projects in which `user` holds at least `minimum`."""
        from .models import Membership
        from .selectors.access import may_hold_roles

        if not may_hold_roles(user):
            return self.none()
        if user.is_superuser:  # acts as owner everywhere (services.access)
            return self

        projects = Membership.objects.filter(user=user, role__in=roles_at_least(minimum)).values(
            "project_id"
        )
        # A subquery (a semi-join), not a join through the project to its
        # memberships: two tables fewer for PostgreSQL to plan on every list
        # (measured: planning was most of a claims page's database time).
        key = f"{self.project_path}__in" if self.project_path else "pk__in"
        return self.filter(**{key: projects})

    def in_project(self, project):
        key = f"{self.project_path}_id" if self.project_path else "pk"
        return self.filter(**{key: getattr(project, "pk", project)})


class ProjectQuerySet(ScopedQuerySet):
    project_path = ""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_related(self):
        return self.annotate(
            member_count=models.Count("memberships", distinct=True),
            document_count=models.Count("documents", distinct=True),
        )


class MembershipQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, slug, username):
        return self.get(project__slug=slug, user__username=username)

    def with_related(self):
        return self.select_related("project", "user")


class SourceQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, slug, name):
        return self.get(project__slug=slug, name=name)

    def with_related(self):
        return self.select_related("project").annotate(
            document_count=models.Count("documents", distinct=True)
        )


class DocumentQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, slug, sha256):
        return self.get(project__slug=slug, sha256=sha256)

    def without_text(self):
        """Lists never need the (possibly megabyte-long) text."""
        return self.defer("text")

    def with_related(self):
        from .models import Claim, Passage

        passages = Passage.objects.filter(document=models.OuterRef("pk"))
        claims = Claim.objects.filter(passage__document=models.OuterRef("pk"))
        # Subquery counts instead of joins so that two counts do not multiply rows.
        return self.select_related("project", "source").annotate(
            passage_count=_count_subquery(passages),
            claim_count=_count_subquery(claims),
        )


class PassageQuerySet(ScopedQuerySet):
    project_path = "document__project"

    def get_by_natural_key(self, slug, sha256, start, end):
        return self.get(document__project__slug=slug, document__sha256=sha256, start=start, end=end)

    def with_related(self):
        # A passage names its document; it never needs the document's text.
        return self.select_related("document", "document__project").defer("document__text")


class TopicQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, slug, name):
        return self.get(project__slug=slug, name=name)

    def with_related(self):
        from .models import Claim

        # A correlated count per topic (an index lookup each) rather than a join
        # grouping every tagged claim: 87 ms -> ~20 ms for 10 topics of 100,000 claims.
        tagged = Claim.topics.through.objects.filter(topic=models.OuterRef("pk"))
        return self.select_related("project").annotate(claim_count=_count_subquery(tagged))


class ClaimQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)

    def with_related(self):
        return (
            self.select_related("project", "passage__document__source", "author", "reviewer")
            .defer("passage__document__text")
            .prefetch_related("topics")
        )

    def decidable_by(self, user):
        """Without the user's own claims in projects that ask for four eyes (issue 14)."""
        from .models import Project

        return self.exclude(author=user, project__in=Project.objects.filter(four_eyes=True))

    def with_evidence(self):
        """Each claim's evidence links, with passage, document and author, in one query."""
        from .models import EvidenceLink

        evidence = EvidenceLink.objects.select_related("passage__document", "author").defer(
            "passage__document__text"
        )
        return self.prefetch_related(models.Prefetch("evidence", evidence))


class EvidenceLinkQuerySet(ScopedQuerySet):
    project_path = "claim__project"

    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)

    def with_related(self):
        return self.select_related("claim__project", "passage__document", "author").defer(
            "passage__document__text"
        )


class HistoryEntryQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)

    def with_related(self):
        return self.select_related("project", "actor")


class ReleaseQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, slug, version):
        return self.get(project__slug=slug, version=version)

    def with_related(self):
        return self.select_related("project", "created_by").prefetch_related("files")


class ReleaseFileQuerySet(ScopedQuerySet):
    project_path = "release__project"

    def get_by_natural_key(self, slug, version, format):
        return self.get(release__project__slug=slug, release__version=version, format=format)

    def with_related(self):
        return self.select_related("release__project")


class ImportJobQuerySet(ScopedQuerySet):
    def with_related(self):
        return self.select_related("project", "created_by")


class AssessmentRoundQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)

    def with_related(self):
        return self.select_related("project", "claim", "adjudicator")


class AssessmentQuerySet(ScopedQuerySet):
    """Assessments are blind: see `visible_to`."""

    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)

    def visible_to(self, user, minimum: Role | str = Role.VIEWER):
        """The project's assessments the user may read without breaking blindness.

        Someone else's assessment of a claim shows only once the round is no longer
        open (all assessed: agreed, disputed or adjudicated) or once the user has
        submitted their own in the same round. Owners also see the pending ones
        (who is asked; they carry no values) so that they can reassign them.
        """
        scoped = super().visible_to(user, minimum)
        if not (user is not None and user.is_authenticated and user.is_active):
            return scoped
        from .choices import AssessmentStatus, RoundState
        from .models import Assessment, Membership

        own_submitted = Assessment.objects.filter(
            round=models.OuterRef("round"), assessor=user, status=AssessmentStatus.SUBMITTED
        )
        rule = (
            models.Q(assessor=user)
            | ~models.Q(round__state=RoundState.OPEN)
            | models.Exists(own_submitted)
        )
        pending = models.Q(status=AssessmentStatus.PENDING)
        if user.is_superuser:
            rule |= pending
        else:
            owned = Membership.objects.filter(user=user, role=Role.OWNER).values("project_id")
            rule |= pending & models.Q(project__in=owned)
        return scoped.filter(rule)

    def with_related(self):
        return self.select_related("project", "claim", "round", "assessor").prefetch_related(
            "stances"
        )


def _count_subquery(queryset: models.QuerySet) -> models.Subquery:
    """COUNT(*) of a correlated queryset, without GROUP BY on the outer query."""
    # A plain Func (not an Aggregate) keeps Django from adding a GROUP BY.
    counted = queryset.order_by().annotate(n=models.Func(models.F("pk"), function="COUNT"))
    return models.Subquery(counted.values("n"), output_field=models.IntegerField())


# -- team work (issue 14) ------------------------------------------------------------


class AssignmentQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)

    def with_related(self):
        return self.select_related("project", "document", "annotator", "reviewer")


class CommentQuerySet(ScopedQuerySet):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)

    def with_related(self):
        return self.select_related("project", "claim", "author").prefetch_related("mentions")


class NotificationQuerySet(ScopedQuerySet):
    """A notification is its recipient's alone, and only while they are a member."""

    def visible_to(self, user, minimum: Role | str = Role.VIEWER):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return super().visible_to(user, minimum).filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def with_related(self):
        return self.select_related("project", "actor", "claim", "release")
