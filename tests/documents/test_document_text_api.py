"""GET /api/v1/documents/{id}/text/: part of a text, in code points as passages count them
(issue 17: a 20 MB document's workspace opens from its first part)."""

import pytest
from rest_framework.test import APIClient

from curation.services import DocumentInput, document_import, passage_create

from ..factories import client_for

# Astral characters (two UTF-16 units each) and CJK: offsets must count code points.
TEXT = "Grain 🌾 through 北方 terminal 😀 in the spring, by rail and by sea.\n"


@pytest.fixture
def document(project, owner):
    return document_import(
        actor=owner, project=project, item=DocumentInput(text=TEXT, title="Grain")
    )


def text_of(user, document, query=""):
    return client_for(user).get(f"/api/v1/documents/{document.pk}/text/{query}")


@pytest.mark.django_db
def test_a_part_is_the_code_points_a_passage_would_quote(document, annotator):
    start = TEXT.index("北方")
    end = TEXT.index("in the")
    body = text_of(annotator, document, f"?start={start}&end={end}").json()
    assert body == {
        "document": document.pk,
        "start": start,
        "end": end,
        "length": len(TEXT),
        "text": TEXT[start:end],
    }
    # The same offsets make a passage with exactly that text.
    passage = passage_create(actor=annotator, document=document, start=start, end=end)
    assert body["text"] == passage.exact == "北方 terminal 😀 "


@pytest.mark.django_db
def test_defaults_and_clipping(document, annotator):
    assert text_of(annotator, document).json()["text"] == TEXT
    opening = text_of(annotator, document, "?end=8").json()
    assert (opening["start"], opening["end"], opening["text"]) == (0, 8, TEXT[:8])
    past = text_of(annotator, document, "?start=5&end=10000").json()
    assert (past["end"], past["text"]) == (len(TEXT), TEXT[5:])
    beyond = text_of(annotator, document, "?start=10000").json()
    assert (beyond["start"], beyond["end"], beyond["text"]) == (len(TEXT), len(TEXT), "")
    assert text_of(annotator, document, "?start=3&end=3").json()["text"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [("?start=-1", "start"), ("?end=x", "end"), ("?start=9&end=4", "end"), ("?end=-5", "end")],
)
def test_bad_bounds_are_precise_400s(document, annotator, query, field):
    response = text_of(annotator, document, query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_another_projects_document_is_not_found(document, outsider):
    assert text_of(outsider, document, "?end=5").status_code == 404
    assert APIClient().get(f"/api/v1/documents/{document.pk}/text/").status_code in (401, 403)


@pytest.mark.django_db
def test_a_part_costs_the_same_queries_as_any_read(document, annotator, django_assert_num_queries):
    client = client_for(annotator)
    # The document visible to the user (its length), then the part read by the database.
    with django_assert_num_queries(2):
        assert client.get(f"/api/v1/documents/{document.pk}/text/?end=10").status_code == 200
