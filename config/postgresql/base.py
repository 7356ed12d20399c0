"""Django's PostgreSQL backend, with a health check that costs no round trip
while the connection is quiet.

With CONN_HEALTH_CHECKS, Django checks a reused connection before each request
with a `SELECT 1`. On a small API request that round trip is about a tenth of
the request (bench/api.py). An idle connection has nothing to read: the server
writes to it unasked only to end it (a restart, `pg_terminate_backend`, an
idle timeout: a FATAL message, then the socket closes) or to report a changed
setting. So the check first asks the socket, without waiting, whether anything
arrived. Only then, or when the connection is not idle, does Django's
`SELECT 1` run, which reads that message and tells a dead connection from a
live one. After an error in a request Django's own check runs as before.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self._quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _quiet(self) -> bool:
        """Idle, outside a transaction, and nothing (not even an end of file) to read."""
        if self.connection.closed:
            return False
        if self.connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        return not _readable(self.connection.pgconn.socket)


def _readable(fd: int) -> bool:
    """Whether the socket has data, an end of file or an error to read, without waiting."""
    if hasattr(select, "poll"):  # no FD_SETSIZE limit; not on Windows
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, failed = select.select([fd], [], [fd], 0)
    return bool(readable or failed)
