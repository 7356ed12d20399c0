"""Benchmark: the project dashboard and its stats endpoint (issue 14) on PostgreSQL,
side by side with the claim list's first page.

For each size (default 100,000 and 1,000,000 claims), drops and recreates a private
PostgreSQL database, seeds it with bench/api.py's seed (COPY: claims, passages, 2
evidence links per claim, topics, 24 sources graded A–F), spreads the claims over
12 weeks and 6 authors with one UPDATE, runs ANALYZE (the shared server has
autovacuum off), then measures in-process with Django's test client, as interleaved
pairs (dashboard, list, dashboard, list, …) so drift hits both alike:

  a. the admin dashboard page  /admin/curation/project/{id}/dashboard/
  b. GET /api/v1/projects/{id}/stats/
  c. the admin claim changelist, first page, filtered to the project
  d. GET /api/v1/claims/?project={id} first page (page_size 50)

    .venv/bin/python bench/dashboard.py [--sizes 100000 1000000] [--repeat 7]
        [--database-url postgres://postgres@127.0.0.1:5432/wt_dashboard_bench] [--keep]
        [--reuse] [--corpus /work/shared/corpus]

--keep leaves the database; --reuse measures a kept one (one size) without seeding
it again: it migrates it (migration 0014 counts the tallies of the claims already
there) and runs ANALYZE. The query count of each page is printed with its time.

Requirement (issue 14): the dashboard at 1,000,000 claims costs no more than ten
first pages of the claim list.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import common
from common import ROOT, python_speed_ms, recreate_database

AUTHORS = 6


def spread(project_id: int) -> None:
    """Claims made over 12 weeks by 6 authors; decisions a day after making."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from curation.choices import Role
    from curation.models import Membership

    users = [
        get_user_model().objects.create(username=f"author{i}", password="!")  # noqa: S106
        for i in range(AUTHORS)
    ]
    Membership.objects.bulk_create(
        Membership(project_id=project_id, user=u, role=Role.ANNOTATOR) for u in users
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE curation_claim SET
                  author_id = (%s::bigint[])[1 + id %% %s],
                  created_at = now() - (id %% 84) * interval '1 day',
                  updated_at = now() - (id %% 84) * interval '1 day',
                  reviewed_at = CASE WHEN reviewed_at IS NULL THEN NULL
                                ELSE now() - (id %% 84) * interval '1 day' + interval '1 day' END
                WHERE project_id = %s""",
            [[u.pk for u in users], AUTHORS, project_id],
        )
        cursor.execute("VACUUM ANALYZE curation_claim")


def _without_drf_tokens() -> None:
    """bench/api.py's seed still makes a DRF token for its HTTP load; Claimdesk's own
    tokens replaced DRF's app, and this bench needs none: a stand-in answers."""
    import types

    class Token:
        class objects:
            @staticmethod
            def create(user):
                return types.SimpleNamespace(key="unused")

    module = types.ModuleType("rest_framework.authtoken.models")
    module.Token = Token
    sys.modules["rest_framework.authtoken.models"] = module


def measure(project, repeat: int) -> dict[str, float]:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    owner = project.memberships.get(role="owner").user
    admin_client = Client(HTTP_HOST="localhost")
    admin_client.force_login(owner)
    api = APIClient(HTTP_HOST="localhost")
    api.force_authenticate(owner)
    pages = {
        "dashboard page": (admin_client, f"/admin/curation/project/{project.pk}/dashboard/"),
        "stats endpoint": (api, f"/api/v1/projects/{project.pk}/stats/"),
        "admin changelist p1": (
            admin_client,
            f"/admin/curation/claim/?project__id__exact={project.pk}",
        ),
        "API list p1": (api, f"/api/v1/claims/?project={project.pk}&page_size=50"),
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    for name, (client, url) in pages.items():  # warm-up: caches, plans; query counts
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, (name, url)
        print(f"  {name:22} {len(queries):4} queries")
    for _ in range(repeat):
        for name, (client, url) in pages.items():  # interleaved
            started = time.perf_counter()
            response = client.get(url)
            times[name].append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/wt_dashboard_bench"
    )
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    parser.add_argument("--corpus", help="the corpus folder, if not ../shared/corpus")
    args = parser.parse_args()
    if args.corpus:
        common.CORPUS = Path(args.corpus)
    os.environ.update(DATABASE_URL=args.database_url, DEBUG="1")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from api import seed

    _without_drf_tokens()
    from django.core.management import call_command
    from django.db import connections

    from curation.models import Project

    print(f"python speed: {python_speed_ms():.0f} ms (5M additions)")
    for size in args.sizes[:1] if args.reuse else args.sizes:
        connections.close_all()
        started = time.perf_counter()
        if args.reuse:
            call_command("migrate", verbosity=0)
            with connections["default"].cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            project = Project.objects.get(slug="bench")
            size = project.claims.count()
            print(
                f"{size:,} claims kept, migrated, analyzed in {time.perf_counter() - started:.0f} s"
            )
        else:
            recreate_database(args.database_url)
            call_command("migrate", verbosity=0)
            seed(size, max(2000, size // 50))
            project = Project.objects.get(slug="bench")
            spread(project.pk)
            print(f"{size:,} claims seeded in {time.perf_counter() - started:.0f} s")
        figures = measure(project, args.repeat)
        page = figures["admin changelist p1"]
        for name, ms in figures.items():
            print(f"  {name:22} {ms:8.1f} ms  ({ms / page:4.1f} × admin changelist p1)")
        api_page = figures["API list p1"]
        print(f"  dashboard / API list p1: {figures['dashboard page'] / api_page:.1f} ×")
    connections.close_all()
    if not (args.keep or args.reuse):
        recreate_database(args.database_url, drop_only=True)


if __name__ == "__main__":
    main()
