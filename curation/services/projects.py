"""Projects, their members, sources and topics."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..choices import HistoryAction, Reliability, Role, SourceKind
from ..exceptions import DeleteRefused
from ..models import Claim, HistoryEntry, Membership, Project, Source, Topic
from .access import may_create_projects, require_role
from .history import diff, history_entry, history_record, snapshot, tracked_update

SOURCE_TRACKED_FIELDS = ("name", "kind", "url", "reliability", "reliability_rationale")


@transaction.atomic
def project_create(
    *, actor, slug: str, name: str, description: str = "", guidelines: str = "", **assessing
) -> Project:
    """Create a project; its creator becomes its owner (see `may_create_projects`)."""
    if not may_create_projects(actor):
        raise PermissionDenied(
            "You may not create projects: an administrator grants the “Can add project” permission."
        )
    # `assessing`: assessments_per_claim, assessor_pool, credibility_tolerance (issue 15).
    project = Project(
        slug=slug, name=name, description=description, guidelines=guidelines, **assessing
    )
    project.full_clean()
    project.save()
    if actor.is_authenticated:
        Membership.objects.create(project=project, user=actor, role=Role.OWNER)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, **fields) -> Project:
    require_role(actor, project, Role.OWNER)
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save(update_fields=list(fields))
    return project


@transaction.atomic
def membership_set(*, actor, project: Project, user, role: Role | str) -> Membership:
    """Add the user to the project with `role`, or change their role."""
    require_role(actor, project, Role.OWNER)
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership is None:
        membership = Membership(project=project, user=user, role=role)
    else:
        _keep_an_owner(membership, new_role=role)
        membership.role = role
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    require_role(actor, membership.project_id, Role.OWNER)
    _keep_an_owner(membership, new_role=None)
    membership.delete()


def _keep_an_owner(membership: Membership, *, new_role) -> None:
    """A project never loses its last owner (nobody could manage it then)."""
    if membership.role != Role.OWNER or new_role == Role.OWNER:
        return
    # list(): COUNT(*) would drop FOR UPDATE and lock nothing, letting two
    # owners leave at once.
    owners = list(
        Membership.objects.select_for_update().filter(
            project_id=membership.project_id, role=Role.OWNER
        )
    )
    if len(owners) <= 1:
        raise ValidationError({"role": "A project needs at least one owner."})


@transaction.atomic
def source_create(
    *,
    actor,
    project: Project,
    name: str,
    kind: str = SourceKind.OTHER,
    url: str = "",
    reliability: str = Reliability.F,
    reliability_rationale: str = "",
) -> Source:
    """Add a publisher to the project, graded on the Admiralty scale (F: not judged)."""
    require_role(actor, project, Role.OWNER)
    source = Source(
        project=project,
        name=name,
        kind=kind,
        url=url,
        reliability=reliability,
        reliability_rationale=reliability_rationale,
    )
    source.full_clean()
    source.save()
    history_record(
        actor=actor,
        obj=source,
        action=HistoryAction.CREATED,
        changes=diff({}, snapshot(source, SOURCE_TRACKED_FIELDS)),
    )
    return source


def source_get_or_create(*, actor, project: Project, name: str) -> tuple[Source, bool]:
    """The project's source with this name, created ungraded (F) if new."""
    existing = Source.objects.filter(project=project, name=name).first()
    if existing is not None:
        return existing, False
    return source_create(actor=actor, project=project, name=name), True


@transaction.atomic
def source_update(*, actor, source: Source, **fields) -> Source:
    """Change a source; a change of grade is recorded as a grading with its rationale."""
    require_role(actor, source.project_id, Role.OWNER)
    source = Source.objects.select_for_update().get(pk=source.pk)

    def graded(changes: dict) -> bool:
        return "reliability" in changes or "reliability_rationale" in changes

    tracked_update(
        actor=actor,
        obj=source,
        data=fields,
        fields=SOURCE_TRACKED_FIELDS,
        action=lambda changes: HistoryAction.GRADED if graded(changes) else HistoryAction.UPDATED,
        note=lambda source, changes: source.reliability_rationale if graded(changes) else "",
        refusal="This field cannot be changed.",
    )
    return source


@transaction.atomic
def topic_create(*, actor, project: Project, name: str, description: str = "") -> Topic:
    require_role(actor, project, Role.ANNOTATOR)
    topic = Topic(project=project, name=name.strip(), description=description)
    topic.full_clean()
    topic.save()
    return topic


def user_by_username(username: str):
    """The active user with this username, for commands and forms."""
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise PermissionDenied(f"No active user named {username!r}.") from None


@transaction.atomic
def topic_update(*, actor, topic: Topic, **fields) -> Topic:
    """Rename or describe a topic. It relabels every claim tagged with it, in
    every annotator's work, so it is a reviewer's decision, like deleting it."""
    require_role(actor, topic.project_id, Role.REVIEWER)
    for name in fields:
        if name not in ("name", "description"):
            raise ValidationError({name: "This field cannot be changed."})
        setattr(topic, name, fields[name])
    topic.full_clean()  # includes the (project, name) uniqueness, as a field error
    topic.save(update_fields=list(fields))
    return topic


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    """Delete an empty project; one holding documents is protected (ProtectedError)."""
    require_role(actor, project, Role.OWNER)
    project.delete()


@transaction.atomic
def source_delete(*, actor, source: Source) -> None:
    require_role(actor, source.project_id, Role.OWNER)
    history_record(
        actor=actor,
        obj=source,
        action=HistoryAction.DELETED,
        changes=diff(snapshot(source, SOURCE_TRACKED_FIELDS), {}),
    )
    source.delete()


@transaction.atomic
def topic_delete(*, actor, topic: Topic, confirm: bool = False) -> int:
    """Delete a topic; the claims that use it lose it, each with a history entry.

    Unless `confirm`, a topic in use is refused with the number of its claims.
    Answers how many claims lost it.
    """
    require_role(actor, topic.project_id, Role.REVIEWER)
    # Locked, so a claim tagged meanwhile is counted (and recorded) too.
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(topics=topic)
        .prefetch_related("topics")
        .order_by("pk")
    )
    if claims and not confirm:
        raise DeleteRefused(
            f"The topic {topic.name!r} is used by {len(claims)} claim(s); confirm to "
            "remove it from them.",
            code="in_use",
            claims=len(claims),
        )
    entries = []
    for claim in claims:
        names = sorted(t.name for t in claim.topics.all())
        remaining = [name for name in names if name != topic.name]
        entries.append(
            history_entry(
                actor=actor,
                obj=claim,
                action=HistoryAction.UPDATED,
                changes={"topics": [names, remaining]},
                note=f"Topic {topic.name!r} deleted.",
            )
        )
    HistoryEntry.objects.bulk_create(entries)
    if claims:
        # Their topics changed: an edit based on the old ones is stale (412).
        Claim.objects.filter(pk__in=[claim.pk for claim in claims]).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
    topic.delete()
    return len(claims)
