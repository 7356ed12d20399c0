"""Issue 17: metadata, regions, forgiving quotes, search in every script, large texts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from curation.choices import Role
from curation.extract import extract_metadata, read_html
from curation.extract.regions import detect_regions
from curation.models import Document, DocumentRegion
from curation.services import DocumentInput, document_import
from curation.text import QuoteAmbiguous, locate_quote

from ..factories import ClaimFactory, MembershipFactory, PassageFactory, UserFactory, client_for
from .samples import BLOG_POST, BRIEF, EXPECTED, HTML_PAGE, PARAGRAPH

DOCUMENTS = "/api/v1/documents/"


def upload(user, project, name: str, text: str):
    file = SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")
    return client_for(user).post(
        DOCUMENTS, {"project": project.pk, "file": file}, format="multipart"
    )


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_of_document_states_its_metadata(kind):
    text, fmt, expected = EXPECTED[kind]
    assert extract_metadata(text, fmt) == expected


def test_html_metadata_from_tags_and_trafilatura_without_invented_date():
    reading = read_html(HTML_PAGE)
    assert reading.metadata["title"] == "Tariffs on the Amur"
    assert reading.metadata["authors"] == ["Wei Zhang"]
    assert reading.metadata["container"] == "Border Economics"
    # The tag states a year; trafilatura's guess from "Copyright 2024" is not used.
    assert reading.metadata["published_on"] == "2021"
    bits = {reading.text[r.start : r.end] for r in detect_regions(reading.text, reading.main_lines)}
    assert any("Home" in bit for bit in bits)
    assert not any(PARAGRAPH[:40] in bit for bit in bits)


@pytest.mark.django_db
def test_upload_records_metadata_language_year_and_regions(project, owner):
    response = upload(owner, project, "brief.txt", BRIEF)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Working Paper #12 / 2023"
    assert body["authors"] == ["Elena Sokolova", "Tomas Berg"]
    assert body["language"] == "en"
    assert body["published_on"] is None and body["published"] == ""
    assert 0 < body["boilerplate_share"] < 0.5
    regions = client_for(owner).get(f"{DOCUMENTS}{body['id']}/regions/").json()
    kinds = [region["kind"] for region in regions]
    assert "boilerplate" in kinds and "repeat" in kinds
    repeat = next(r for r in regions if r["kind"] == "repeat")
    text = Document.objects.get(pk=body["id"]).text
    assert text[repeat["start"] : repeat["end"]].startswith("Working Paper #12 / 2023")
    assert (
        text[repeat["original_start"] : repeat["original_end"]]
        == text[repeat["start"] : repeat["end"]]
    )


@pytest.mark.django_db
def test_year_only_date_is_kept_as_a_year_and_full_dates_unchanged(project, owner):
    year = upload(owner, project, "oa.txt", EXPECTED["open_access"][0]).json()
    assert (year["published"], year["published_on"]) == ("2018", None)
    day = upload(owner, project, "blog.txt", BLOG_POST).json()
    assert (day["published"], day["published_on"]) == ("2022-03-03", "2022-03-03")
    assert day["container"] == "Maria Rossi's Blog"


@pytest.mark.django_db
def test_bad_published_value_is_a_400_not_a_500(project, owner):
    response = client_for(owner).post(
        DOCUMENTS,
        {"project": project.pk, "title": "T", "text": "Some text.", "published": "spring"},
        format="json",
    )
    assert response.status_code == 400
    assert "published" in response.json()


@pytest.fixture
def brief(project, owner):
    item = DocumentInput(text=BRIEF, title="Brief")
    return document_import(actor=owner, project=project, item=item)


@pytest.mark.django_db
def test_owner_marks_and_unmarks_a_region_others_cannot(brief, owner, annotator, outsider):
    body = {"document": brief.pk, "start": 0, "end": 10, "kind": "boilerplate"}
    assert client_for(annotator).post("/api/v1/regions/", body, format="json").status_code == 403
    assert client_for(outsider).post("/api/v1/regions/", body, format="json").status_code == 400
    created = client_for(owner).post("/api/v1/regions/", body, format="json")
    assert created.status_code == 201, created.json()
    region_id = created.json()["id"]
    assert created.json()["origin"] == "manual"
    assert client_for(outsider).delete(f"/api/v1/regions/{region_id}/").status_code == 404
    assert client_for(outsider).get(f"{DOCUMENTS}{brief.pk}/regions/").status_code == 404
    assert client_for(annotator).delete(f"/api/v1/regions/{region_id}/").status_code == 403
    assert client_for(owner).delete(f"/api/v1/regions/{region_id}/").status_code == 204
    assert not DocumentRegion.objects.filter(pk=region_id).exists()


@pytest.mark.django_db
def test_bad_regions_are_precise_400s(brief, owner):
    client = client_for(owner)
    past = {"document": brief.pk, "start": 0, "end": brief.length + 1, "kind": "boilerplate"}
    assert "end" in client.post("/api/v1/regions/", past, format="json").json()
    orphan = {"document": brief.pk, "start": 500, "end": 600, "kind": "repeat"}
    assert "original_start" in client.post("/api/v1/regions/", orphan, format="json").json()
    reversed_ = {"document": brief.pk, "start": 9, "end": 3, "kind": "boilerplate"}
    assert "end" in client.post("/api/v1/regions/", reversed_, format="json").json()


@pytest.mark.django_db
def test_regions_list_query_count_does_not_grow(brief, owner, django_assert_max_num_queries):
    client = client_for(owner)
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/v1/regions/?document={brief.pk}").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"{DOCUMENTS}{brief.pk}/regions/").status_code == 200


@pytest.mark.django_db
def test_ambiguous_quote_lists_every_occurrence_and_its_region(brief, annotator):
    quote = PARAGRAPH[:60]
    response = client_for(annotator).post(
        "/api/v1/passages/", {"document": brief.pk, "exact": quote}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "exact" in body
    occurrences = body["occurrences"]
    assert len(occurrences) == 2
    assert [o["region"] for o in occurrences] == [None, "repeat"]
    for occurrence in occurrences:
        assert brief.text[occurrence["start"] : occurrence["end"]] == quote
        assert isinstance(occurrence["start"], int) and occurrence["prefix"]
    # A script picks one by its offsets.
    first = occurrences[0]
    picked = client_for(annotator).post(
        "/api/v1/passages/",
        {"document": brief.pk, "start": first["start"], "end": first["end"], "exact": quote},
        format="json",
    )
    assert picked.status_code == 201


@pytest.mark.django_db
def test_ambiguous_quote_inside_a_claim_answers_with_occurrences(brief, annotator):
    response = client_for(annotator).post(
        "/api/v1/claims/",
        {"passage_input": {"document": brief.pk, "exact": PARAGRAPH[:60]}},
        format="json",
    )
    assert response.status_code == 400
    assert len(response.json()["passage_input"]["occurrences"]) == 2


@pytest.mark.django_db
def test_quote_typed_with_plain_quotes_and_spaces_matches_loosely(project, owner, annotator):
    text = "He said \u201cthe\u00a0corridor is\u2014at last\u2014open\u201d and left.\n"
    document = document_import(
        actor=owner, project=project, item=DocumentInput(text=text, title="T")
    )
    response = client_for(annotator).post(
        "/api/v1/passages/",
        {"document": document.pk, "exact": '"the corridor   is-at last-open"'},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["quote_match"] == "loose"
    assert body["exact"] == text[body["start"] : body["end"]]
    assert body["exact"].startswith("\u201cthe\u00a0corridor")


@pytest.mark.django_db
def test_quote_not_found_offers_the_nearest_passage(brief, annotator):
    typo = PARAGRAPH[:70].replace("steppe", "stepe").replace("wheat", "wheet")
    response = client_for(annotator).post(
        "/api/v1/passages/", {"document": brief.pk, "exact": typo}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "did you mean" in body["exact"][0]
    suggestion = body["did_you_mean"]
    assert brief.text[suggestion["start"] : suggestion["end"]].startswith("Grain corridors")


def test_locate_quote_is_pure_and_reports_loose_ambiguity():
    with pytest.raises(QuoteAmbiguous) as caught:
        locate_quote("x \u2013 y; x \u2014 y", "x - y")
    assert caught.value.occurrences == [(0, 5), (7, 12)]
    assert caught.value.loose
    assert locate_quote("x \u2013 y", "x - y") == (0, 5, True)
    assert locate_quote("x - y", "x - y") == (0, 5, False)


@pytest.mark.django_db
def test_search_finds_cjk_substrings_and_stems_english(project, owner):
    member = client_for(owner)
    texts = {
        "cjk": "中俄两国在一带一路框架下加强合作。",
        "en": "Both states were sanctioned in 2022 under new policies.",
        "other": "Nothing relevant here at all.",
    }
    ids = {}
    for key, text in texts.items():
        document = document_import(
            actor=owner, project=project, item=DocumentInput(text=text, title=key)
        )
        passage = PassageFactory(document=document, start=0, end=len(text), exact=text)
        ids[key] = ClaimFactory(project=project, passage=passage, statement=text).pk

    def claims(q):
        return {c["id"] for c in member.get("/api/v1/claims/", {"q": q}).json()["results"]}

    def documents(q):
        return {d["title"] for d in member.get(DOCUMENTS, {"q": q}).json()["results"]}

    assert claims("一带") == {ids["cjk"]}
    assert claims("带一路框") == {ids["cjk"]}
    assert claims("sanction") == {ids["en"]}
    assert claims("sanctions policy") == {ids["en"]}
    assert claims("sanctioned") == {ids["en"]}
    assert claims("anction") == set()
    assert documents("两国") == {"cjk"}
    assert documents("sanction") == {"en"}


@pytest.mark.django_db
def test_admin_document_search_uses_the_same_search(client, project, owner):
    document_import(
        actor=owner,
        project=project,
        item=DocumentInput(text="The ministers sanctioned it.", title="Plain"),
    )
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    page = client.get("/admin/curation/document/", {"q": "sanction"})
    assert page.status_code == 200
    assert b"Plain" in page.content


@pytest.mark.django_db
def test_admin_shows_a_large_text_in_part_with_a_link_to_the_workspace(client, project, owner):
    text = ("A long line of text about corridors. " * 30 + "\n") * 2_000  # ~2.2 MB
    document = document_import(
        actor=owner, project=project, item=DocumentInput(text=text, title="Large <b>")
    )
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    page = client.get(f"/admin/curation/document/{document.pk}/change/")
    assert page.status_code == 200
    assert len(page.content) < 200_000
    assert f"/admin/curation/document/{document.pk}/workspace/".encode() in page.content
    assert b"Large &lt;b&gt;" in page.content


@pytest.mark.django_db
def test_non_member_cannot_list_regions_of_another_project(brief, db):
    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, project=brief.project, role=Role.VIEWER)
    assert client_for(stranger).get(f"/api/v1/regions/?document={brief.pk}").json()["results"]
    nobody = UserFactory(username="nobody")
    assert client_for(nobody).get(f"/api/v1/regions/?document={brief.pk}").json()["results"] == []
