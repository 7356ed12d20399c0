"""PostgreSQL connection settings: Django's stock backend with CONN_HEALTH_CHECKS
replaces a connection the server ended before a request uses it, and psycopg's
`prepare_threshold` (through DATABASES OPTIONS) prepares a statement run again
and again."""

import time

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def observer():
    """A second connection, to watch the first one from the server's side."""
    other = connections.create_connection("default")
    yield other
    other.close()


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def alive(observer, pid: int) -> bool:
    with observer.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_the_stock_backend_with_health_checks_is_configured():
    assert connection.settings_dict["ENGINE"] == "django.db.backends.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_connection_the_server_ended_is_replaced_before_the_next_request(observer):
    from curation.models import Project

    pid = backend_pid()
    connection.close_if_unusable_or_obsolete()  # what Django does when a request starts
    with observer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while alive(observer, pid) and time.monotonic() < deadline:
        time.sleep(0.05)

    # The first query of the request finds a dead connection, checks it, and
    # reconnects instead of failing.
    assert list(Project.objects.filter(slug="nothing-like-it")) == []
    assert backend_pid() != pid


def test_a_statement_run_again_and_again_is_prepared():
    from curation.models import Project

    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert connection.features.uses_server_side_binding and threshold == 5
    for _ in range(threshold + 1):
        list(Project.objects.filter(slug="nothing-like-it"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "curation_project"' in text and "slug" in text for text in prepared)
