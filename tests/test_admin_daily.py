"""The admin as a daily tool (issue 19): the claim and document lists, the review
queue's count, refused pages and the favicon. Browser tests: test_admin_browser.py."""

import logging

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from curation.choices import ClaimStatus, Role

from .factories import (
    ClaimFactory,
    DocumentFactory,
    EvidenceLinkFactory,
    MembershipFactory,
    PassageFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

CLAIMS = reverse("admin:curation_claim_changelist")
DOCUMENTS = reverse("admin:curation_document_changelist")
QUEUE = reverse("admin:curation_claim_review")


def claims_in(project, count: int, *, status=ClaimStatus.DRAFT, author=None, **extra):
    document = DocumentFactory(project=project)
    return [
        ClaimFactory(
            passage=PassageFactory(document=document, start=i, end=i + 5),
            status=status,
            **({"author": author} if author else {}),
            **extra,
        )
        for i in range(count)
    ]


# -- the claim list ------------------------------------------------------------------


def test_claim_list_links_the_document_shows_one_line_and_counts_evidence(
    client, project, reviewer
):
    long = "A statement well past eighty characters, " * 4
    claim = ClaimFactory(
        passage=PassageFactory(document=DocumentFactory(project=project, title="Brief <b>")),
        statement=long.strip(),
    )
    EvidenceLinkFactory(claim=claim)
    client.force_login(reviewer)

    page = client.get(CLAIMS).content.decode()

    workspace = reverse("admin:curation_document_workspace", args=[claim.passage.document_id])
    assert f'href="{workspace}#passage-{claim.passage_id}"' in page
    assert "Brief &lt;b&gt;" in page and "Brief <b>" not in page  # text, not markup
    assert f'title="{long.strip()}"' in page  # the whole statement on hover
    assert "1 evidence link<" in page
    assert "column-project" not in page  # a user of one project sees no Project column


def test_zero_and_several_evidence_links_read_in_the_plural(client, project, reviewer):
    [_bare, linked] = claims_in(project, 2)
    EvidenceLinkFactory(claim=linked)
    EvidenceLinkFactory(claim=linked, passage__start=30, passage__end=40)
    client.force_login(reviewer)

    page = client.get(CLAIMS).content.decode()

    assert "0 evidence links<" in page and "2 evidence links<" in page


def test_a_member_of_two_projects_sees_the_project_column(client, project, other_project, reviewer):
    MembershipFactory(project=other_project, user=reviewer, role=Role.VIEWER)
    claims_in(project, 1)
    client.force_login(reviewer)

    page = client.get(CLAIMS).content.decode()

    assert "column-project" in page


@pytest.mark.parametrize("rows", [3, 30])
def test_claim_list_queries_do_not_grow_with_rows(
    client, project, reviewer, rows, django_assert_max_num_queries
):
    for claim in claims_in(project, rows):
        EvidenceLinkFactory(claim=claim, passage__start=40, passage__end=50)
    client.force_login(reviewer)

    with django_assert_max_num_queries(14):
        response = client.get(CLAIMS)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


# -- the document list ---------------------------------------------------------------


def test_admin_document_search_covers_the_text_as_the_api_does(
    client, project, other_project, owner
):
    DocumentFactory(project=project, title="Plain", text="Only the body says hovercraft.")
    DocumentFactory(project=project, title="Other", text="Nothing to see.")
    DocumentFactory(project=other_project, title="Hidden", text="A hovercraft too.")
    client.force_login(owner)

    response = client.get(DOCUMENTS, {"q": "hovercraft"})

    assert [d.title for d in response.context["cl"].result_list] == ["Plain"]


# -- the review queue ----------------------------------------------------------------


def test_review_queue_counts_every_waiting_claim_of_the_reviewed_projects(
    client, project, other_project, reviewer, annotator
):
    claims_in(project, 103, status=ClaimStatus.SUBMITTED, author=annotator)
    claims_in(project, 2, status=ClaimStatus.DRAFT)
    claims_in(other_project, 4, status=ClaimStatus.SUBMITTED)  # not a member there
    MembershipFactory(project=other_project, user=reviewer, role=Role.ANNOTATOR)
    client.force_login(reviewer)

    response = client.get(QUEUE)

    assert response.context["waiting"] == 103
    assert "<strong>103</strong> claims wait for review." in response.content.decode()
    config = response.context["config"]
    assert config["waiting"] == 103 and config["pageSize"] == 100
    assert [name for _, name in config["projects"]] == [project.name]


def test_review_queue_count_follows_its_filters(client, project, reviewer, annotator):
    energy = TopicFactory(project=project, name="energy")
    [tagged, *_] = claims_in(project, 3, status=ClaimStatus.SUBMITTED, author=annotator)
    tagged.topics.add(energy)
    client.force_login(reviewer)

    by_topic = client.get(QUEUE, {"topic": "energy"})
    by_author = client.get(QUEUE, {"author": "nobody"})
    bad_project = client.get(QUEUE, {"project": "not-a-number"})

    assert by_topic.context["waiting"] == 1
    assert "1</strong> claim waits for review (filtered)." in by_topic.content.decode()
    assert by_author.context["waiting"] == 0
    assert bad_project.status_code == 200 and bad_project.context["waiting"] == 0


@pytest.mark.parametrize("rows", [2, 40])
def test_review_queue_page_queries_do_not_grow(
    client, project, reviewer, rows, django_assert_max_num_queries
):
    claims_in(project, rows, status=ClaimStatus.SUBMITTED)
    client.force_login(reviewer)

    with django_assert_max_num_queries(11):  # 10, and the header's unread count (issue 14)
        assert client.get(QUEUE).status_code == 200


# -- refusals and the favicon ----------------------------------------------------------


def test_a_refused_admin_page_looks_like_the_admin_and_logs_one_line(client, reviewer, caplog):
    client.force_login(reviewer)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("admin:curation_project_add"))

    assert response.status_code == 403
    page = response.content.decode()
    assert '<div id="site-name"><a href="/admin/">Claimdesk</a></div>' in page
    assert "Your role does not allow this page" in page
    assert "rafael" in page  # the user tools, as on every admin page
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /admin/curation/project/add/"
    assert record.exc_info is None and record.exc_text is None


def test_other_errors_keep_their_traceback():
    from config.settings import one_line_for_refusals

    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), None)
    record.status_code = 500
    record.exc_info = (RuntimeError, RuntimeError("boom"), None)

    assert one_line_for_refusals(record) is True
    assert record.exc_info is not None


def test_every_page_finds_a_favicon(client, reviewer):
    client.force_login(reviewer)

    response = client.get("/favicon.ico")
    queue = client.get(QUEUE).content.decode()

    assert response.status_code == 302
    assert response["Location"].endswith("curation/favicon.svg")
    assert finders.find("curation/favicon.svg")
    assert 'rel="icon" href="/static/curation/favicon.svg"' in queue
