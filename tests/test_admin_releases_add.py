"""Issue 19 item 10: adding a release in the admin — the versioned success message,
the preselected project, documents and topics by name, and the preview counts."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from curation.models import Release

from .test_releases import cut_form, graded  # noqa: F401 (fixture)


@pytest.mark.django_db(transaction=True)  # the admin's real path: its own atomic block
def test_success_message_names_the_release_and_its_version(client, project, owner, graded):  # noqa: F811
    client.force_login(owner)

    response = client.post(reverse("admin:curation_release_add"), cut_form(project))

    assert response.status_code == 302, response.context and response.context["errors"]
    release = Release.objects.get()
    assert response["Location"] == reverse("admin:curation_release_change", args=[release.pk])
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["The release “From the admin (v1)” was added and is queued: a worker cuts it."]
