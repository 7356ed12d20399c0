"""A project that asks for independent assessments, for the issue 15 tests."""

from dataclasses import dataclass

from rest_framework.test import APIClient

from curation.choices import Role
from curation.models import Assessment, Claim, Project
from curation.services.review import claim_submit

from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)


@dataclass
class Team:
    project: Project
    owner: object
    author: object
    reviewers: list  # eligible assessors, by id
    viewer: object

    def asked(self, claim) -> list:
        """The users asked to assess the claim (owner and reviewers are eligible), by id."""
        ids = set(Assessment.objects.filter(claim=claim).values_list("assessor_id", flat=True))
        return [user for user in self.eligible if user.pk in ids]

    def not_asked(self, claim) -> list:
        ids = {user.pk for user in self.asked(claim)}
        return [user for user in self.eligible if user.pk not in ids]

    @property
    def eligible(self) -> list:
        return sorted([self.owner, *self.reviewers], key=lambda user: user.pk)

    def client(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client


def make_team(k: int = 2, reviewers: int = 3, tolerance: int = 0, slug: str = "assessed") -> Team:
    project = ProjectFactory(
        slug=slug, name=slug.title(), assessments_per_claim=k, credibility_tolerance=tolerance
    )

    def member(name, role):
        user = UserFactory(username=f"{slug}-{name}")
        MembershipFactory(project=project, user=user, role=role)
        return user

    owner = member("owner", Role.OWNER)
    author = member("author", Role.ANNOTATOR)
    people = [member(f"rev{i}", Role.REVIEWER) for i in range(reviewers)]
    viewer = member("viewer", Role.VIEWER)
    return Team(project, owner, author, people, viewer)


def submitted_claim(team: Team, links: int = 1, **fields) -> Claim:
    """A claim of the team's author with `links` evidence links, submitted."""
    document = DocumentFactory(project=team.project)
    claim = ClaimFactory(
        passage__document=document, author=team.author, project=team.project, **fields
    )
    for i in range(links):
        EvidenceLinkFactory(
            claim=claim,
            passage__document=document,
            passage__start=11 + i * 10,
            passage__end=20 + i * 10,
            author=team.author,
        )
    return claim_submit(actor=team.author, claim=claim)


def payload(claim: Claim, credibility: int = 2, kind: str = "fact", stance: str = "supports"):
    return {
        "claim": claim.pk,
        "credibility": credibility,
        "kind": kind,
        "stances": [
            {"evidence": pk, "stance": stance} for pk in claim.evidence.values_list("pk", flat=True)
        ],
    }
