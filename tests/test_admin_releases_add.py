"""Issue 19 item 10: adding a release in the admin — the versioned success message,
the preselected project, documents and topics by name, and the preview counts."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from curation.choices import Role
from curation.models import Claim, EvidenceLink, Release, Topic

from .conftest import _member
from .factories import DocumentFactory, ProjectFactory
from .jobs import run_queued_jobs
from .test_releases import cut_form, graded, passage_on  # noqa: F401 (fixture)

ADD = "admin:curation_release_add"


def autocomplete(client, model_name: str, field_name: str, term: str = "", **chosen) -> set[str]:
    """The names an Add release picker offers (`project=` as release_cut.js sends it)."""
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "curation",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
            **chosen,
        },
    )
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


@pytest.fixture
def cited(graded):  # noqa: F811
    """One evidence link on a1 (energy), citing document B."""
    claim = Claim.objects.get(statement="a1")
    EvidenceLink.objects.create(
        claim=claim, passage=passage_on(graded.docs["B"], 3), stance="supports"
    )
    return graded


@pytest.mark.django_db(transaction=True)  # the admin's real path: its own atomic block
def test_success_message_names_the_release_and_its_version(client, project, owner, graded):  # noqa: F811
    client.force_login(owner)

    response = client.post(reverse(ADD), cut_form(project))

    assert response.status_code == 302, response.context and response.context["errors"]
    release = Release.objects.get()
    assert response["Location"] == reverse("admin:curation_release_change", args=[release.pk])
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["The release “From the admin (v1)” was added and is queued: a worker cuts it."]


def test_owner_of_one_project_finds_it_chosen(client, project, owner):
    client.force_login(owner)

    form = client.get(reverse(ADD)).context["adminform"].form

    assert str(form["project"].value()) == str(project.pk)


def test_owner_of_two_projects_chooses(client, project, other_project, owner):
    _member(other_project, owner.username, Role.OWNER)
    client.force_login(owner)

    plain = client.get(reverse(ADD)).context["adminform"].form
    asked = client.get(reverse(ADD) + f"?project={other_project.pk}").context["adminform"].form

    assert plain["project"].value() is None
    assert str(asked["project"].value()) == str(other_project.pk)


def test_documents_and_topics_are_chosen_by_name_from_own_projects(
    client,
    project,
    owner,
    outsider,
    graded,  # noqa: F811
):
    client.force_login(owner)

    page = client.get(reverse(ADD))

    assert page.content.count(b"admin-autocomplete") >= 2
    assert autocomplete(client, "claim", "topics") == {"energy", "trade"}
    assert "beta only" not in autocomplete(client, "claim", "topics", "beta")
    titles = autocomplete(client, "passage", "document")
    assert titles == {str(doc) for doc in graded.docs.values()}
    assert str(graded.other_doc) not in titles

    client.force_login(outsider)
    assert autocomplete(client, "claim", "topics") == {"beta only"}
    assert autocomplete(client, "passage", "document") == {str(graded.other_doc)}


def test_another_projects_topic_or_document_is_refused(client, project, owner, graded):  # noqa: F811
    client.force_login(owner)
    beta = Topic.objects.get(name="beta only")

    for field, pk in (("topics", beta.pk), ("documents", graded.other_doc.pk)):
        for button in ("_save", "_preview"):
            response = client.post(
                reverse(ADD), {**cut_form(project, **{field: [pk]}), button: "1"}
            )

            assert response.status_code == 200
            assert field in response.context["adminform"].form.errors
            assert response.context.get("preview") is None

    assert not Release.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_preview_counts_what_the_cut_then_holds(client, project, owner, cited):
    client.force_login(owner)
    energy = Topic.objects.get(name="energy")
    form = cut_form(project, topics=[energy.pk])
    del form["_save"]

    preview = client.post(reverse(ADD), {**form, "_preview": "Preview"})

    assert preview.status_code == 200
    # a1, c3 (accepted) and s1 (submitted) are on energy; a1 cites document B.
    assert preview.context["preview"] == {"claims": 3, "evidence_links": 1, "documents": 3}
    assert b"<strong>3</strong> claims" in preview.content
    assert b"<strong>1</strong> evidence link " in preview.content
    assert not Release.objects.exists()
    assert preview.context["adminform"].form["name"].value() == "From the admin"  # kept

    saved = client.post(reverse(ADD), {**form, "_save": "Save"})

    assert saved.status_code == 302
    run_queued_jobs()
    release = Release.objects.get()
    counts = (release.claim_count, release.evidence_count, release.document_count)
    assert counts == (3, 1, 3)


def test_viewer_cannot_preview(client, project, viewer):
    client.force_login(viewer)

    response = client.post(reverse(ADD), {**cut_form(project), "_preview": "Preview"})

    assert response.status_code == 403


def test_pickers_offer_only_the_chosen_projects_documents_and_topics(
    client,
    project,
    other_project,
    owner,
    graded,  # noqa: F811
):
    # olga also sees beta; gamma is no project of hers.
    _member(other_project, owner.username, Role.VIEWER)
    gamma = ProjectFactory(slug="gamma", name="Gamma")
    hidden = DocumentFactory(project=gamma, title="Gamma's own")
    Topic.objects.create(project=gamma, name="gamma only")
    client.force_login(owner)
    alpha_titles = {str(doc) for doc in graded.docs.values()}

    assert autocomplete(client, "passage", "document") == {*alpha_titles, str(graded.other_doc)}
    assert autocomplete(client, "passage", "document", project=project.pk) == alpha_titles
    assert autocomplete(client, "passage", "document", project=other_project.pk) == {
        str(graded.other_doc)
    }
    assert autocomplete(client, "claim", "topics", project=project.pk) == {"energy", "trade"}
    assert autocomplete(client, "claim", "topics", project=other_project.pk) == {"beta only"}
    # Gamma's are never offered, chosen or not.
    assert str(hidden) not in autocomplete(client, "passage", "document", "Gamma")
    assert autocomplete(client, "passage", "document", project=gamma.pk) == set()
    assert autocomplete(client, "claim", "topics", "gamma", project=gamma.pk) == set()


@pytest.mark.parametrize("chosen", ["beta", "1.5", "99999999999999999999", "١"])
def test_a_chosen_project_that_is_no_id_is_a_bad_request(client, project, owner, chosen):
    client.force_login(owner)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "curation",
            "model_name": "passage",
            "field_name": "document",
            "project": chosen,
        },
    )

    assert response.status_code == 400


def test_the_add_page_sends_the_chosen_project_with_its_lookups(client, project, owner):
    client.force_login(owner)

    page = client.get(reverse(ADD)).content.decode()

    assert "curation/release_cut.js" in page
    assert page.index("admin/js/jquery.init.js") < page.index("curation/release_cut.js")
