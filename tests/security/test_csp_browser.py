"""Item 9 in a real browser: the admin pages work under the site-wide
Content-Security-Policy (Chromium reports every violation as a console error),
and the admin lockout page (item 1) is what a locked-out person sees."""

import pytest

from curation.choices import Role
from tests.browser import PASSWORD, UserPage
from tests.factories import (
    ClaimFactory,
    DocumentFactory,
    MembershipFactory,
    PassageFactory,
    ProjectFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner(db):
    project = ProjectFactory(slug="alpha", name="Alpha")
    user = UserFactory(username="olga")
    MembershipFactory(project=project, user=user, role=Role.OWNER)
    document = DocumentFactory(project=project)
    claim = ClaimFactory(passage=PassageFactory(document=document), author=user)
    claim.topics.set([TopicFactory(project=project, name="energy")])
    return user, claim


def test_admin_pages_run_under_the_policy_without_violations(browser, live_server, owner):
    user, claim = owner
    page = UserPage(browser, live_server.url, user.username)
    try:
        page.login()
        for path in (
            "/admin/",
            "/admin/curation/claim/",
            f"/admin/curation/claim/{claim.pk}/change/",
            "/admin/curation/topic/",
            f"/admin/curation/topic/{claim.topics.get().pk}/delete/",
            "/admin/curation/project/",
            "/admin/password_change/",
        ):
            response = page.page.goto(page.url(path))
            assert response.status == 200, path
            assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
            page.settle()
        # The changelist's actions and filters are scripts: they still work.
        page.page.goto(page.url("/admin/curation/claim/"))
        page.page.check("#action-toggle")
        assert page.page.locator(".action-counter").inner_text().startswith("1 of 1")
        page.screenshot("admin-claims-csp.png")
        page.assert_clean()
    finally:
        page.close()


def test_admin_lockout_page(browser, live_server, owner):
    user, _ = owner
    page = UserPage(browser, live_server.url, user.username)
    page.expect_status(429)
    try:
        for n in range(10):
            page.page.goto(page.url("/admin/login/?next=/admin/"))
            page.page.fill("#id_username", user.username)
            page.page.fill("#id_password", f"wrong-{n}")
            page.page.click("input[type=submit]")
            page.settle()
        page.page.goto(page.url("/admin/login/?next=/admin/"))
        page.page.fill("#id_username", user.username)
        page.page.fill("#id_password", PASSWORD)
        with page.page.expect_navigation() as navigation:
            page.page.click("input[type=submit]")
        assert navigation.value.status == 429
        assert "Too many failed logins" in page.page.content()
        path = page.screenshot("admin-lockout.png")
        assert path.exists()
    finally:
        page.close()
