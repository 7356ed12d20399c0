"""Issue 14 in headless Chromium: the project dashboard's charts render (SVG, no
console or CSP errors) on the demo data; screenshots go to docs/screenshots/."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from curation.demo import build_demo

from .browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def test_dashboard_charts_render_without_errors(login):
    project = build_demo()
    olga = get_user_model().objects.get(username="olga")
    olga.set_password(PASSWORD)
    olga.save(update_fields=["password"])
    owner = login(olga)
    page = owner.page

    page.goto(owner.url(reverse("admin:index")))
    page.click(f"#projects-module tr[data-project='{project.slug}'] a:text('Dashboard')")
    page.wait_for_selector("#grade-heatmap")

    for chart in ["flow-chart", "throughput-chart", "assignments-chart", "grade-heatmap"]:
        box = page.locator(f"svg#{chart}").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, chart
    assert page.locator("#flow-chart rect").count() > 0
    assert page.locator("#grade-heatmap a").count() == 36
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1360, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    page.click("#flow-table >> xpath=.. >> summary")
    assert page.locator("#flow-table").is_visible()
    page.locator("#grade-heatmap").screenshot(path=str(SCREENSHOTS / "dashboard-heatmap.png"))
    owner.assert_clean()
