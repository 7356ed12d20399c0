"""The PostgreSQL backend's health check (config/postgresql): no round trip while
a connection is quiet, Django's `SELECT 1` as soon as it is not."""

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


def last_statement(observer, pid: int) -> str | None:
    with observer.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row[0] if row else None


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def next_request() -> None:
    """What Django does between two requests: the next one checks the connection."""
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_enabled and not connection.health_check_done


def test_a_quiet_connection_is_checked_without_a_round_trip(observer):
    pid = backend_pid()
    next_request()

    connection.close_if_health_check_failed()

    assert connection.health_check_done
    assert connection.connection is not None
    # The server saw nothing after the last statement: no SELECT 1.
    assert last_statement(observer, pid) == "SELECT pg_backend_pid()"


def test_a_connection_inside_a_transaction_gets_djangos_check(observer):
    pid = backend_pid()
    connection.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 2")
        connection.health_check_done = False

        connection.close_if_health_check_failed()

        assert last_statement(observer, pid) == "SELECT 1"
    finally:
        connection.rollback()
        connection.set_autocommit(True)


def test_a_connection_the_server_ended_is_replaced_before_the_request(observer):
    pid = backend_pid()
    next_request()
    with observer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while last_statement(observer, pid) is not None and time.monotonic() < deadline:
        time.sleep(0.05)

    connection.close_if_health_check_failed()

    assert connection.connection is None  # closed: the next query opens a new one
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
