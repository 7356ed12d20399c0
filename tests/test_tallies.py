"""The dashboard tallies the database keeps (migration 0014) against a recount from
the rows, after every kind of write: services, raw bulk statements, cascades,
regrading, topics, evidence and loaddata. On SQLite and PostgreSQL alike."""

import itertools
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from curation.choices import ClaimStatus, Role
from curation.models import Claim, EvidenceLink, GradeTally
from curation.selectors.dashboard import grade_heatmap
from curation.services.annotations import (
    claim_create,
    claim_delete,
    claim_update,
    evidence_link,
    evidence_unlink,
    evidence_update,
    passage_delete,
)
from curation.services.documents import document_delete, document_update
from curation.services.projects import project_delete, source_update, topic_delete
from curation.services.review import claim_accept, claim_reject, claim_reopen, claim_submit
from curation.services.tallies import tallies_kept, tallies_recount, tally_counts

from .factories import (
    DocumentFactory,
    MembershipFactory,
    PassageFactory,
    ProjectFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)


def assert_tallies_right():
    assert tallies_kept() == tally_counts()


@pytest.fixture
def world(project, owner, reviewer, annotator):
    """Two sourced documents and one without a source, topics, passages."""
    sourced = DocumentFactory(
        project=project, source=SourceFactory(project=project, reliability="B")
    )
    other = DocumentFactory(project=project, source=SourceFactory(project=project, reliability="D"))
    bare = DocumentFactory(project=project, source=None)
    return {
        "documents": [sourced, other, bare],
        "topics": [TopicFactory(project=project, name=n) for n in ("war", "trade", "gas")],
    }


SPANS = itertools.count(1)


def passage(document):
    """A passage of its own: each call takes the next span."""
    return PassageFactory(document=document, start=0, end=next(SPANS))


def test_service_writes_keep_the_tallies(project, owner, reviewer, annotator, world):
    sourced, other, bare = world["documents"]
    war, trade, gas = world["topics"]
    claims = [
        claim_create(actor=annotator, passage=passage(doc), credibility=1 + i % 6, topics=tops)
        for i, (doc, tops) in enumerate(
            [(sourced, [war]), (sourced, [war, trade]), (other, []), (bare, [gas]), (bare, [])]
        )
    ]
    assert_tallies_right()
    links = [
        evidence_link(actor=annotator, claim=claim, passage=passage(other), stance=stance)
        for i, (claim, stance) in enumerate(
            [
                (claims[0], "supports"),
                (claims[1], "refutes"),
                (claims[2], "qualifies"),
                (claims[2], "supports"),
                (claims[4], "refutes"),
            ]
        )
    ]
    assert_tallies_right()
    for claim in claims[:4]:
        claim_submit(actor=annotator, claim=claim)
    claim_accept(actor=reviewer, claim=claims[0])
    claim_reject(actor=reviewer, claim=claims[1])
    claim_reopen(actor=reviewer, claim=claims[1])
    claim_accept(actor=reviewer, claim=claims[2])
    assert_tallies_right()

    claims[4].refresh_from_db()
    claim_update(actor=annotator, claim=claims[4], credibility=6, topics=[war, gas])
    claims[2].topics.add(trade)  # the first topic moves its links off "no topic"
    claims[1].topics.remove(war)
    claims[0].topics.clear()  # the last topic gone: back to "no topic"
    assert_tallies_right()

    evidence_update(actor=annotator, link=links[2], stance="refutes")
    evidence_unlink(actor=annotator, link=links[3])
    assert_tallies_right()

    source_update(actor=owner, source=sourced.source, reliability="A")
    document_update(actor=owner, document=bare, source=other.source)
    assert_tallies_right()

    claims[3].refresh_from_db()
    claim_delete(actor=reviewer, claim=claims[3])  # with its topic
    claims[4].refresh_from_db()
    claim_delete(actor=reviewer, claim=claims[4])  # with its evidence and topics
    topic_delete(actor=owner, topic=trade, confirm=True)
    assert_tallies_right()
    assert tallies_kept()["StanceTally"]


def test_bulk_statements_keep_the_tallies(project, annotator, world):
    sourced, other, bare = world["documents"]
    war, trade, _ = world["topics"]
    Claim.objects.bulk_create(
        Claim(
            project=project,
            passage=passage(doc),
            statement="s",
            author=annotator,
            credibility=1 + i % 6,
        )
        for i, doc in enumerate([sourced, other, bare] * 4)
    )
    claims = list(Claim.objects.order_by("pk"))
    Claim.topics.through.objects.bulk_create(
        Claim.topics.through(claim=claim, topic=topic)
        for claim in claims[:6]
        for topic in (war, trade)
    )
    EvidenceLink.objects.bulk_create(
        EvidenceLink(claim=claim, passage=passage(sourced), stance=stance)
        for i, claim in enumerate(claims)
        for stance in ("supports", "refutes")
    )
    assert_tallies_right()
    decided = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
    Claim.objects.filter(pk__in=[c.pk for c in claims[:5]]).update(
        status=ClaimStatus.ACCEPTED, reviewed_at=decided
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims[5:8]]).update(
        status=ClaimStatus.REJECTED, reviewed_at=decided, created_at=decided, author=None
    )
    EvidenceLink.objects.filter(stance="supports").update(stance="qualifies")
    Claim.topics.through.objects.filter(topic=war).delete()
    assert_tallies_right()
    EvidenceLink.objects.filter(claim__in=claims[::2]).delete()
    Claim.topics.through.objects.all().delete()
    assert_tallies_right()
    annotator.delete()  # claims keep their counts under "no author"
    assert_tallies_right()


def test_a_project_emptied_and_deleted_leaves_no_tally(project, owner, reviewer, world):
    sourced = world["documents"][0]
    claim = claim_create(actor=reviewer, passage=passage(sourced), topics=world["topics"][:1])
    evidence_link(actor=reviewer, claim=claim, passage=passage(sourced))
    other = ProjectFactory(slug="gamma")
    keeper = UserFactory(username="kim")
    MembershipFactory(project=other, user=keeper, role=Role.OWNER)
    claim_create(actor=keeper, passage=passage(DocumentFactory(project=other, source=None)))

    claim_delete(actor=reviewer, claim=claim)
    for p in sourced.passages.all():
        passage_delete(actor=reviewer, passage=p)
    for document in world["documents"]:
        document_delete(actor=owner, document=document)
    project_delete(actor=owner, project=project)

    assert_tallies_right()
    assert {row[0] for rows in tallies_kept().values() for row in rows} == {other.pk}


@pytest.mark.django_db(transaction=True)  # loaddata of the demo, with real commits
def test_loaddata_keeps_the_tallies():
    call_command("loaddata", "demo", verbosity=0)

    assert Claim.objects.exists()
    assert_tallies_right()


def test_recount_rebuilds_what_the_triggers_keep(project, annotator, world):
    for i, document in enumerate(world["documents"]):
        claim_create(actor=annotator, passage=passage(document), topics=world["topics"][:i])
    kept = tallies_kept()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM curation_gradetally")  # as after a partial restore
        cursor.execute("UPDATE curation_claimsmade SET n = n + 5")

    call_command("recount_tallies", verbosity=0)

    assert tallies_kept() == kept == tally_counts()
    tallies_recount(project_ids=[project.pk])
    assert tallies_kept() == kept


def test_grade_tally_says_what_the_live_grade_rule_says(project, annotator, world):
    """The triggers' SQL repeats grading.py's "no source is F": the heatmap read from
    the tally equals the one grouped live through grading.source_reliability_column."""
    for i, document in enumerate(world["documents"] * 3):
        claim_create(actor=annotator, passage=passage(document), credibility=1 + i % 6)
    from django.db.models import Count

    from curation import grading

    live = (
        Claim.objects.filter(project=project)
        .annotate(reliability=grading.source_reliability_column("passage__document__source"))
        .values_list("reliability", "credibility")
        .annotate(n=Count("pk"))
    )
    tally = GradeTally.objects.filter(project=project).exclude(n=0)
    assert {(r, c): n for r, c, n in live} == {
        (row.reliability, row.credibility): row.n for row in tally
    }
    assert sum(grade_heatmap(project)["counts"][-1]) == 3  # F: the document without source


def test_the_dashboard_reads_nine_grouped_tallies_whatever_the_size(
    project, annotator, world, django_assert_num_queries
):
    """Totals, oldest submitted, made and decided per period, throughput,
    assignments, grades, stances, rates: nine queries, none per claim or author."""
    from curation.selectors.dashboard import project_stats

    for document in world["documents"]:
        claim_create(actor=annotator, passage=passage(document))
    with django_assert_num_queries(9):
        small = project_stats(project)
    for document in world["documents"] * 4:
        claim = claim_create(actor=annotator, passage=passage(document))
        claim_submit(actor=annotator, claim=claim)
    with django_assert_num_queries(9):
        large = project_stats(project)
    assert (small["totals"]["draft"], large["totals"]["submitted"]) == (3, 12)
