"""A Django fixture (natural keys) of exactly the objects in the release.

The rows feed the other formats; a fixture needs whole objects, so this writer
serialises, chunk by chunk, the same claims the rows came from (same filter,
same transaction) and everything they reference: project, sources,
documents, passages (claimed and evidence), topics and evidence links.

The users they name go to a separate `users.json` (username only, inactive, no
password): loading it into an instance that already has those accounts would
overwrite them, so only an empty instance should load it.
"""

import datetime
import itertools
import json
from itertools import chain

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch

from ..models import (
    AssessedStance,
    Assessment,
    AssessmentRound,
    Claim,
    Comment,
    Document,
    DocumentRegion,
    EvidenceLink,
    Passage,
    Project,
    Source,
    Topic,
)
from .common import FormatWriter, iso

README = """\
`fixture.json`: a Django fixture with natural keys holding exactly the objects
of this release: the project, the sources and documents of its claims and
evidence, the documents' regions (boilerplate and repeats), the passages,
topics, claims and evidence links, settled assessments and the claims'
comments (with their mentions).
`users.json`: the users they name (username only, inactive, no password).

Into an empty Claimdesk:

    python manage.py loaddata users.json fixture.json

Into an instance that already has these usernames, load `fixture.json` alone:
`users.json` would overwrite those accounts.

Timestamps are written to the microsecond, as the database holds them.
Claims and evidence links are identified by UUID, documents by project and
SHA-256 of their text, passages by document and span, users by username.
"""

SERIALIZE_CHUNK = 500


class ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes keep their microseconds (it cuts them to
    milliseconds, so a loaded fixture would not equal its source)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


class FixtureWriter(FormatWriter):
    def __init__(self, package, release, claims):
        super().__init__(package, release)
        self.claims = claims

    def write(self, row):
        pass  # Objects are serialised in finish(), from the same claims.

    def finish(self):
        self._write("fixture.json", self._records())
        self._write("users.json", self._users(*self._querysets()))

    def _write(self, name: str, records) -> None:
        entry = self.package.open_data(name)
        entry.text.write("[\n")
        first = True
        for record in records:
            text = json.dumps(record, cls=ExactEncoder, ensure_ascii=False)
            entry.text.write(("" if first else ",\n") + text)
            first = False
        entry.text.write("\n]\n")
        entry.close()

    def _querysets(self):
        claims = self.claims
        evidence = EvidenceLink.objects.filter(claim__in=claims.values("pk"))
        passages = Passage.objects.filter(
            pk__in=claims.values("passage_id")
        ) | Passage.objects.filter(pk__in=evidence.values("passage_id"))
        documents = Document.objects.filter(pk__in=passages.values("document_id"))
        return claims, evidence, passages, documents

    def _records(self):
        claims, evidence, passages, documents = self._querysets()
        sources = Source.objects.filter(pk__in=documents.values("source_id"))
        topics = Topic.objects.filter(
            pk__in=Claim.topics.through.objects.filter(claim__in=claims.values("pk")).values(
                "topic_id"
            )
        )
        querysets = [
            Project.objects.filter(pk=self.release.project_id),
            sources.select_related("project"),
            documents.select_related("project", "source__project", "created_by"),
            # Issue 17: the boilerplate and repeats found in (or marked on) those documents.
            DocumentRegion.objects.filter(document__in=documents.values("pk")).select_related(
                "document__project", "created_by"
            ),
            topics.select_related("project"),
            passages.select_related("document__project", "created_by"),
            claims.select_related(
                "project", "passage__document__project", "author", "reviewer"
            ).prefetch_related(Prefetch("topics", Topic.objects.select_related("project"))),
            evidence.select_related("claim", "passage__document__project", "author"),
            *_assessments(claims),  # issue 15
            _comments(claims)  # issue 14
            .select_related("project", "claim", "parent", "author")
            .prefetch_related("mentions"),
        ]
        for queryset in querysets:
            objects = queryset.order_by("pk").iterator(SERIALIZE_CHUNK)
            while batch := list(itertools.islice(objects, SERIALIZE_CHUNK)):
                yield from serializers.serialize(
                    "python", batch, use_natural_foreign_keys=True, use_natural_primary_keys=True
                )

    def _users(self, claims, evidence, passages, documents):
        names = set(
            chain(
                claims.values_list("author__username", flat=True),
                claims.values_list("reviewer__username", flat=True),
                evidence.values_list("author__username", flat=True),
                # Issue 15: who assessed and who adjudicated the claims.
                Assessment.objects.filter(claim__in=claims.values("pk")).values_list(
                    "assessor__username", flat=True
                ),
                AssessmentRound.objects.filter(claim__in=claims.values("pk")).values_list(
                    "adjudicator__username", flat=True
                ),
                # Issue 14: who commented and who was mentioned.
                _comments(claims).values_list("author__username", flat=True),
                _comments(claims).values_list("mentions__username", flat=True),
                passages.values_list("created_by__username", flat=True),
                documents.values_list("created_by__username", flat=True),
                DocumentRegion.objects.filter(document__in=documents.values("pk")).values_list(
                    "created_by__username", flat=True
                ),
            )
        )
        User = get_user_model()
        for username in sorted(name for name in names if name):
            yield {
                "model": User._meta.label_lower,
                "fields": {
                    User.USERNAME_FIELD: username,
                    "password": "!",  # unusable: a dataset never carries credentials
                    "is_active": False,
                    "date_joined": iso(self.release.created_at),
                },
            }


def _comments(claims):
    """The claims' discussion (issue 14), retracted comments included (body empty)."""
    return Comment.objects.filter(claim__in=claims.values("pk"))


def _assessments(claims) -> list:
    """The claims' settled assessment rounds, their assessments and stances (issue 15).

    Rounds still open are left out: their assessments are blind.
    """
    rounds = AssessmentRound.objects.filter(claim__in=claims.values("pk")).exclude(state="open")
    assessments = Assessment.objects.filter(round__in=rounds.values("pk"))
    return [
        rounds.select_related("claim", "adjudicator"),
        assessments.select_related("round", "claim", "assessor", "project"),
        AssessedStance.objects.filter(assessment__in=assessments.values("pk")).select_related(
            "assessment", "evidence"
        ),
    ]
