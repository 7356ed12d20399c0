"""The admin pages issue 19 added, as a permission matrix (role × page, own/other
project) and with pinned query counts: Add release and its Preview, the topic and
document pickers it looks names up with, and Add document.

An owner of alpha may cut and preview alpha's releases; every other alpha role is
refused (403); an owner of beta, a removed member and a superuser see what their
projects allow, and a picker answers only names they may see."""

import pytest
from django.urls import reverse

from curation import services
from curation.choices import Role
from curation.models import Membership, Release, Topic

from .conftest import _member
from .factories import DocumentFactory
from .test_releases import accepted, cut_form, passage_on

ADD_RELEASE = reverse("admin:curation_release_add")
ADD_DOCUMENT = reverse("admin:curation_document_add")
AUTOCOMPLETE = reverse("admin:autocomplete")
PICKERS = {"topics": ("claim", "topics"), "documents": ("passage", "document")}


@pytest.fixture
def alpha(project, other_project):
    """Alpha's claim on an energy document; a beta document and topic beside it."""
    document = DocumentFactory(project=project, title="Alpha energy report")
    energy = Topic.objects.create(project=project, name="energy")
    accepted(passage_on(document, 0), "Alpha claim", topics=[energy])
    DocumentFactory(project=other_project, title="Beta harbour report")
    Topic.objects.create(project=other_project, name="harbour")
    return project


@pytest.fixture
def removed(project, owner):
    """A former viewer of alpha, removed by its owner."""
    user = _member(project, "rémi", Role.VIEWER)
    services.membership_remove(
        actor=owner, membership=Membership.objects.get(user=user, project=project)
    )
    return user


ROLES = ["owner", "reviewer", "annotator", "viewer", "outsider", "removed", "superuser"]


def as_role(request, client, role):
    client.force_login(request.getfixturevalue(role))
    return client


def picked(client, picker: str, **chosen) -> set[str]:
    model_name, field_name = PICKERS[picker]
    query = {"app_label": "curation", "model_name": model_name, "field_name": field_name}
    response = client.get(AUTOCOMPLETE, {**query, "term": "", **chosen})
    if response.status_code != 200:
        return response.status_code
    return {row["text"] for row in response.json()["results"]}


# role → (Add release page, Preview of alpha, Add document page)
PAGES = {
    "owner": (200, "preview", 200),
    "reviewer": (403, 403, 403),
    "annotator": (403, 403, 403),
    "viewer": (403, 403, 403),
    "outsider": (200, "refused", 200),  # owns beta: alpha is no choice of hers
    "removed": (403, 403, 403),
    "superuser": (200, "preview", 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_add_release_preview_and_add_document_by_role(request, client, alpha, role):
    client = as_role(request, client, role)
    page, preview, add_document = PAGES[role]

    assert client.get(ADD_RELEASE).status_code == page
    assert client.get(ADD_DOCUMENT).status_code == add_document
    response = client.post(ADD_RELEASE, {**cut_form(alpha), "_preview": "Preview"})
    if preview == "preview":
        assert response.status_code == 200
        assert response.context["preview"] == {"claims": 1, "evidence_links": 0, "documents": 1}
    elif preview == "refused":
        assert response.status_code == 200
        assert "project" in response.context["adminform"].form.errors
        assert response.context.get("preview") is None
        assert b"Alpha claim" not in response.content
    else:
        assert response.status_code == preview
    assert not Release.objects.exists()


# role → (topics, documents) offered with alpha chosen; None: the pickers are refused
ALPHA_NAMES = ({"energy"}, {"Alpha energy report"})
NOTHING = (set(), set())
PICKED = {
    "owner": ALPHA_NAMES,
    "reviewer": ALPHA_NAMES,
    "annotator": ALPHA_NAMES,
    "viewer": ALPHA_NAMES,
    "outsider": NOTHING,
    "removed": None,
    "superuser": ALPHA_NAMES,
}


@pytest.mark.parametrize("role", ROLES)
def test_pickers_answer_alpha_names_only_to_alpha_members(request, client, alpha, role):
    client = as_role(request, client, role)
    expected = PICKED[role]

    got = tuple(picked(client, picker, project=alpha.pk) for picker in PICKERS)

    if expected is None:  # a member of nothing may not look names up at all
        assert got == (403, 403)
    else:
        assert got == expected


@pytest.mark.parametrize("picker", list(PICKERS))
@pytest.mark.parametrize("rows", [2, 20])
def test_picker_queries_do_not_grow_with_rows(
    client, project, owner, picker, rows, django_assert_num_queries
):
    for n in range(rows):
        document = DocumentFactory(project=project, title=f"Report {n}")
        Topic.objects.create(project=project, name=f"topic {n}")
    client.force_login(owner)

    # session, user, the roles, the count of names and their first page
    with django_assert_num_queries(5):
        offered = picked(client, picker, project=project.pk)

    assert len(offered) == rows
    assert document


@pytest.mark.parametrize("rows", [2, 20])
def test_preview_queries_do_not_grow_with_rows(
    client, project, owner, rows, django_assert_num_queries
):
    energy = Topic.objects.create(project=project, name="energy")
    documents = [DocumentFactory(project=project) for _ in range(rows)]
    for n, document in enumerate(documents):
        accepted(passage_on(document, 0), f"claim {n}", topics=[energy])
    client.force_login(owner)
    form = {**cut_form(project, topics=[energy.pk], documents=[d.pk for d in documents])}
    del form["_save"]

    # session, user, roles, two of Django's permission lookups, the chosen project,
    # topics and documents; the filter's checks (topic names, document ids); the three
    # counts; content types and the header's unread count; the form again as rendered
    # (projects, topics, documents): seventeen, whatever the rows.
    with django_assert_num_queries(17):
        response = client.post(ADD_RELEASE, {**form, "_preview": "Preview"})

    assert response.context["preview"]["claims"] == rows
