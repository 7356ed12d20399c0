"""The claim list's project, topic and author filters offer the user's projects,
their topics and members (admin/filters.py), never another project's."""

from django.urls import reverse

from .factories import MembershipFactory, TopicFactory, UserFactory


def choices(response, title: str) -> list[str]:
    spec = next(s for s in response.context["cl"].filter_specs if s.title == title)
    return [name for _, name in spec.lookup_choices]


def test_filters_offer_the_users_projects_topics_and_members(
    client, project, other_project, annotator, other_annotator
):
    TopicFactory(project=project, name="war")  # used by no claim yet: still offered
    TopicFactory(project=other_project, name="secret")
    MembershipFactory(project=other_project, user=UserFactory(username="stranger"))
    client.force_login(annotator)

    response = client.get(reverse("admin:curation_claim_changelist"))

    assert response.status_code == 200  # one project: its filter is not shown
    assert choices(response, "topics") == ["war"]
    assert set(choices(response, "author")) == {annotator.username, other_annotator.username}


def test_filtered_to_a_project_the_choices_are_that_projects(
    client, project, other_project, annotator
):
    MembershipFactory(project=other_project, user=annotator)
    TopicFactory(project=project, name="war")
    TopicFactory(project=other_project, name="trade")
    client.force_login(annotator)

    response = client.get(
        reverse("admin:curation_claim_changelist"), {"project__id__exact": other_project.pk}
    )

    assert sorted(choices(response, "project")) == sorted([project.name, other_project.name])
    assert choices(response, "topics") == ["trade"]
