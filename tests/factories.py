"""factory_boy factories. Texts are written for the tests, never taken from the corpus."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from curation.choices import Role
from curation.models import (
    Claim,
    Document,
    EvidenceLink,
    Membership,
    Passage,
    Project,
    Source,
    Topic,
)
from curation.text import normalize_text, text_sha256

SAMPLE_TEXT = (
    "Moscow and Beijing signed a new energy accord in 2024. "
    "Analysts expect trade to grow by 10% next year. "
    "Critics doubt the accord will last."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("pw-for-tests")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.Sequence(lambda n: f"Project {n}")
    # Four eyes is on for new projects (issue 14); the tests that are about it
    # turn it on, the rest keep one user free to review their own claims.
    four_eyes = False


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANNOTATOR


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Source {n}")
    reliability = "B"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    project = factory.SubFactory(ProjectFactory)
    source = factory.SubFactory(SourceFactory, project=factory.SelfAttribute("..project"))
    title = factory.Sequence(lambda n: f"Document {n}")
    text = factory.Sequence(lambda n: normalize_text(f"{SAMPLE_TEXT} (copy {n})"))
    sha256 = factory.LazyAttribute(lambda d: text_sha256(d.text))
    length = factory.LazyAttribute(lambda d: len(d.text))


class PassageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Passage

    document = factory.SubFactory(DocumentFactory)
    start = 0
    end = 10
    exact = factory.LazyAttribute(lambda p: p.document.text[p.start : p.end])


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"topic {n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    passage = factory.SubFactory(PassageFactory)
    project = factory.LazyAttribute(lambda c: c.passage.document.project)
    statement = factory.LazyAttribute(lambda c: c.passage.exact)
    credibility = 2
    author = factory.SubFactory(UserFactory)


class EvidenceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceLink

    claim = factory.SubFactory(ClaimFactory)
    passage = factory.SubFactory(
        PassageFactory,
        document__project=factory.SelfAttribute("...claim.project"),
        start=11,
        end=20,
    )
    stance = "supports"


def add_project_permission() -> Permission:
    """Django's "Can add project", which lets a user start projects."""
    return Permission.objects.get(codename="add_project", content_type__app_label="curation")


def client_for(user) -> APIClient:
    """An API client signed in as `user` (no token or session round trip)."""
    client = APIClient()
    client.force_authenticate(user)
    return client
