"""Issue 17: a document region past the end of its text is refused by the database."""

import pytest
from django.db import IntegrityError, transaction

from curation.models import DocumentRegion
from curation.models.regions import RegionKind

from ..factories import DocumentFactory


def region(document, start: int, end: int) -> DocumentRegion:
    return DocumentRegion(document=document, start=start, end=end, kind=RegionKind.BOILERPLATE)


@pytest.mark.django_db
def test_region_ending_at_the_end_of_the_text_is_stored(project):
    document = DocumentFactory(project=project)
    region(document, 0, document.length).save()
    assert DocumentRegion.objects.filter(document=document).count() == 1


@pytest.mark.django_db
def test_region_past_the_end_of_the_text_is_refused_on_insert(project):
    document = DocumentFactory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        # bulk_create skips the service's check: only the trigger stands in the way.
        DocumentRegion.objects.bulk_create([region(document, 0, document.length + 1)])
    assert not DocumentRegion.objects.filter(document=document).exists()


@pytest.mark.django_db
def test_region_moved_past_the_end_of_the_text_is_refused_on_update(project):
    document = DocumentFactory(project=project)
    stored = region(document, 0, 1)
    stored.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentRegion.objects.filter(pk=stored.pk).update(end=document.length + 5)
    stored.refresh_from_db()
    assert stored.end == 1
